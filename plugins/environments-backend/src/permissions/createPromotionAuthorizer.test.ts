import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createPromotionAuthorizer } from './createPromotionAuthorizer';
import { environmentsPromotionPermissionResourceRef } from './promotionResource';
import { environmentsPromotionRules } from './rules';

describe('createPromotionAuthorizer', () => {
  const registry = {
    getPermissionRuleset: () => ({
      getRuleByName: (name: string) =>
        Object.values(environmentsPromotionRules).find(r => r.name === name)!,
    }),
  } as any;
  const step = (entityRef: string, target: string) => ({
    entityRef,
    owners: ['group:default/team-a'],
    source: 'staging',
    target,
  });

  it('asks the policy once per request, and applies its conditions to each step', async () => {
    const permissions = mockServices.permissions.mock();
    permissions.authorizeConditional.mockResolvedValue([
      {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'environments',
        resourceType: environmentsPromotionPermissionResourceRef.resourceType,
        conditions: {
          not: {
            resourceType:
              environmentsPromotionPermissionResourceRef.resourceType,
            rule: 'IS_TARGET_ENVIRONMENT',
            params: { environments: ['prod'] },
          },
        },
      },
    ]);
    const authorize = createPromotionAuthorizer({
      permissions,
      permissionsRegistry: registry,
    });
    const request = mockCredentials.user('user:default/ana');

    const pages = await Promise.all([
      authorize(
        [
          step('component:default/a', 'staging'),
          step('component:default/a', 'prod'),
        ],
        request,
      ),
      authorize([step('component:default/b', 'prod')], request),
    ]);

    expect(pages).toEqual([[true, false], [false]]);
    expect(permissions.authorizeConditional).toHaveBeenCalledTimes(1);

    await authorize(
      [step('component:default/a', 'prod')],
      mockCredentials.user(),
    );
    expect(permissions.authorizeConditional).toHaveBeenCalledTimes(2);
  });
});
