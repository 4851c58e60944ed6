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
  const decisions = new WeakMap<
    BackstageCredentials,
    Promise<PolicyDecision>
  >();
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
    // The policy's answer depends on the caller only: one question per request, however many
    // matrices (a portfolio page) it builds. Credentials objects live as long as their request.
    let decision = decisions.get(credentials);
    if (!decision) {
      decision = permissions
        .authorizeConditional(
          [{ permission: environmentsPromotionCreatePermission }],
          { credentials },
        )
        .then(([answer]) => answer);
      decisions.set(credentials, decision);
      decision.catch(() => decisions.delete(credentials));
    }
    const answer = await decision;
    return steps.map(step => isAllowed!(answer, step));
  };
}
