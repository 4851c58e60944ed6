import { AuthService } from '@backstage/backend-plugin-api';
import { RELATION_OWNED_BY } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  EnvironmentsPromotionResource,
  parsePromotionResourceRef,
} from './promotionResource';

/**
 * Loads promotion resources by reference for the permission backend's conditional decisions:
 * the entity's owners come from the catalog, read with the plugin's own credentials.
 */
export async function loadPromotionResources(
  refs: string[],
  options: { catalog: CatalogService; auth: AuthService },
): Promise<Array<EnvironmentsPromotionResource | undefined>> {
  const steps = refs.map(parsePromotionResourceRef);
  const entityRefs = [
    ...new Set(steps.flatMap(step => (step ? [step.entityRef] : []))),
  ];
  const { items } = await options.catalog.getEntitiesByRefs(
    { entityRefs, fields: ['kind', 'metadata', 'relations'] },
    { credentials: await options.auth.getOwnServiceCredentials() },
  );
  const owners = new Map(
    entityRefs.map((ref, index) => [
      ref,
      items[index]?.relations
        ?.filter(relation => relation.type === RELATION_OWNED_BY)
        .map(relation => relation.targetRef),
    ]),
  );
  return steps.map(step => {
    const entityOwners = step && owners.get(step.entityRef);
    return step && entityOwners ? { ...step, owners: entityOwners } : undefined;
  });
}
