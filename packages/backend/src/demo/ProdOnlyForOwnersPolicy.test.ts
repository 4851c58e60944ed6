import { createPermission } from '@backstage/plugin-permission-common';
import { environmentsPromotionCreatePermission } from '@stagecraft/plugin-environments-common';
import { ProdOnlyForOwnersPolicy } from './ProdOnlyForOwnersPolicy';

const guest = {
  identity: {
    type: 'user' as const,
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/team-craft'],
  },
  token: 'token',
  credentials: {} as any,
  info: {
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/team-craft'],
  },
};

describe('ProdOnlyForOwnersPolicy', () => {
  const policy = new ProdOnlyForOwnersPolicy(['prod']);

  it('allows everything but promotions', async () => {
    await expect(
      policy.handle({
        permission: createPermission({
          name: 'catalog.entity.read',
          attributes: {},
        }),
      }),
    ).resolves.toEqual({ result: 'ALLOW' });
  });

  it('makes promotions conditional: not into prod, or owned by one of the caller’s refs', async () => {
    await expect(
      policy.handle(
        { permission: environmentsPromotionCreatePermission },
        guest as any,
      ),
    ).resolves.toEqual({
      result: 'CONDITIONAL',
      pluginId: 'environments',
      resourceType: 'environments-promotion',
      conditions: {
        anyOf: [
          {
            not: {
              resourceType: 'environments-promotion',
              rule: 'IS_TARGET_ENVIRONMENT',
              params: { environments: ['prod'] },
            },
          },
          {
            resourceType: 'environments-promotion',
            rule: 'IS_ENTITY_OWNER',
            params: {
              claims: ['user:default/guest', 'group:default/team-craft'],
            },
          },
        ],
      },
    });
  });
});
