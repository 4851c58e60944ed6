import {
  BackstageCredentials,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { PolicyDecision } from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { environmentsPromotionCreatePermission } from '@stagecraft/plugin-environments-common';
import {
  EnvironmentsPromotionResource,
  environmentsPromotionPermissionResourceRef,
} from './promotionResource';

/**
 * Decides `environments.promotion.create` for promotion steps whose entity is already loaded: one
 * conditional decision from the policy, applied here to each step with the registered rules (no
 * round trip through the permission backend per step).
 */
export type PromotionAuthorizer = (
  steps: EnvironmentsPromotionResource[],
  credentials: BackstageCredentials,
) => Promise<boolean[]>;

export function createPromotionAuthorizer(options: {
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
}): PromotionAuthorizer {
  const { permissions, permissionsRegistry } = options;
  let isAllowed:
    | ((
        decision: PolicyDecision,
        resource: EnvironmentsPromotionResource | undefined,
      ) => boolean)
    | undefined;

  return async (steps, credentials) => {
    if (steps.length === 0) {
      return [];
    }
    // The ruleset is complete once plugin and modules have registered their rules.
    isAllowed ??= createConditionAuthorizer(
      permissionsRegistry.getPermissionRuleset(
        environmentsPromotionPermissionResourceRef,
      ),
    );
    const [decision] = await permissions.authorizeConditional(
      [{ permission: environmentsPromotionCreatePermission }],
      { credentials },
    );
    return steps.map(step => isAllowed!(decision, step));
  };
}
