import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  createEnvironmentsPromotionConditionalDecision,
  environmentsPromotionConditions,
} from '@stagecraft/plugin-environments-backend';
import { environmentsPromotionCreatePermission } from '@stagecraft/plugin-environments-common';

/**
 * The demo's policy: everything is allowed, except that only an entity's owners may promote it
 * into a production environment.
 */
export class ProdOnlyForOwnersPolicy implements PermissionPolicy {
  constructor(private readonly productionEnvironments: string[]) {}

  async handle(
    query: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (isPermission(query.permission, environmentsPromotionCreatePermission)) {
      return createEnvironmentsPromotionConditionalDecision(query.permission, {
        anyOf: [
          {
            not: environmentsPromotionConditions.isTargetEnvironment({
              environments: this.productionEnvironments,
            }),
          },
          environmentsPromotionConditions.isEntityOwner({
            claims: user?.info.ownershipEntityRefs ?? [],
          }),
        ],
      });
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
