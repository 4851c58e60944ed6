import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import { RESOURCE_TYPE_ENVIRONMENTS_PROMOTION } from '@stagecraft/plugin-environments-common';

/**
 * What a promotion policy decides on: the entity, its owners, and the source and target
 * environments.
 *
 * @public
 */
export type EnvironmentsPromotionResource = {
  entityRef: string;
  /** The entity's owners (`ownedBy` relations), as entity refs. */
  owners: string[];
  source: string;
  target: string;
};

/**
 * A query over promotions, as the rules translate themselves.
 *
 * @public
 */
export type EnvironmentsPromotionQuery = {
  key: 'target' | 'owners';
  values: string[];
};

/** @public */
export const environmentsPromotionPermissionResourceRef =
  createPermissionResourceRef<
    EnvironmentsPromotionResource,
    EnvironmentsPromotionQuery
  >().with({
    pluginId: 'environments',
    resourceType: RESOURCE_TYPE_ENVIRONMENTS_PROMOTION,
  });

/**
 * The reference of a promotion step, as policies and the permission backend pass it around:
 * `<entity ref>@<source>-><target>`.
 */
export function toPromotionResourceRef(step: {
  entityRef: string;
  source: string;
  target: string;
}): string {
  return `${step.entityRef}@${step.source}->${step.target}`;
}

/** The parts of a promotion step's reference, or `undefined` when it is not one. */
export function parsePromotionResourceRef(
  ref: string,
): { entityRef: string; source: string; target: string } | undefined {
  const at = ref.lastIndexOf('@');
  const arrow = ref.indexOf('->', at);
  if (at <= 0 || arrow < 0) {
    return undefined;
  }
  const source = ref.slice(at + 1, arrow);
  const target = ref.slice(arrow + 2);
  if (!source || !target) {
    return undefined;
  }
  return { entityRef: ref.slice(0, at), source, target };
}
