import {
  AuthService,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
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
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { environmentsPromotionCreatePermission } from '@stagecraft/plugin-environments-common';
import request from 'supertest';
import { environmentsPlugin } from '../plugin';
import { createDemoGitRepository } from '../__testUtils__/demoGitRepository';
import {
  createEnvironmentsPromotionConditionalDecision,
  environmentsPromotionConditions,
} from './conditions';
import {
  parsePromotionResourceRef,
  toPromotionResourceRef,
} from './promotionResource';

/**
 * Mock auth that forwards a user's token as real auth does: with the forwarding plugin as the
 * actor. (The plain mock drops the actor, and the permission backend then treats the call as a
 * direct user request.)
 */
const forwardingAuth = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const inner = mockServices.auth({ pluginId: plugin.getId() });
    return Object.assign(Object.create(inner), {
      async getPluginRequestToken(
        options: Parameters<AuthService['getPluginRequestToken']>[0],
      ) {
        const principal = options.onBehalfOf.principal as any;
        if (principal.type === 'user') {
          return {
            token: mockCredentials.user.token(principal.userEntityRef, {
              actor: { subject: `plugin:${plugin.getId()}` },
            }),
          };
        }
        return inner.getPluginRequestToken(options);
      },
    });
  },
});

/** "Only owners promote to prod": the policy the demo installs. */
class ProdOnlyForOwners implements PermissionPolicy {
  async handle(
    query: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (isPermission(query.permission, environmentsPromotionCreatePermission)) {
      return createEnvironmentsPromotionConditionalDecision(query.permission, {
        anyOf: [
          {
            not: environmentsPromotionConditions.isTargetEnvironment({
              environments: ['prod'],
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

const policyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'prod-only-for-owners',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new ProdOnlyForOwners());
      },
    });
  },
});

function service(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'stagecraft.io/gitops-location': `demo:craftista/${name}`,
      },
    },
    spec: { type: 'service', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

let gitops: ReturnType<typeof createDemoGitRepository>;

beforeAll(() => {
  gitops = createDemoGitRepository();
});

afterAll(() => gitops.remove());

describe('environments.promotion.create through the permission backend', () => {
  async function stepsFor(entity: string, user: string) {
    const { server } = await startTestBackend({
      features: [
        environmentsPlugin,
        permissionPlugin,
        policyModule,
        permissionsServiceFactory,
        forwardingAuth,
        catalogServiceMock.factory({
          entities: [
            service('catalogue', 'user:default/ana'),
            service('voting', 'group:default/team-votes'),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            environments: {
              repositories: { demo: { url: gitops.url } },
              cacheDirectory: gitops.cacheDir,
            },
          },
        }),
      ],
    });
    const res = await request(server)
      .get(`/api/environments/entities/component/default/${entity}`)
      .set('Authorization', mockCredentials.user.header(user));
    expect(res.status).toBe(200);
    return res.body.promotions.map((step: any) => [
      `${step.from}→${step.to}`,
      step.permission.allowed,
    ]);
  }

  it('lets an owner promote to prod', async () => {
    expect(await stepsFor('catalogue', 'user:default/ana')).toEqual([
      ['dev→staging', true],
      ['staging→prod', true],
    ]);
  });

  it('refuses prod to someone who does not own the entity, and allows the rest', async () => {
    expect(await stepsFor('voting', 'user:default/ana')).toEqual([
      ['dev→staging', true],
      ['staging→prod', false],
    ]);
  });
});

describe('promotion resource references', () => {
  it('round-trips, entity refs with colons and slashes included', () => {
    const step = {
      entityRef: 'component:default/catalogue',
      source: 'staging',
      target: 'prod-eu',
    };
    expect(toPromotionResourceRef(step)).toBe(
      'component:default/catalogue@staging->prod-eu',
    );
    expect(parsePromotionResourceRef(toPromotionResourceRef(step))).toEqual(
      step,
    );
  });

  it.each(['component:default/catalogue', 'x@->prod', 'x@staging->'])(
    'rejects %s',
    ref => {
      expect(parsePromotionResourceRef(ref)).toBeUndefined();
    },
  );
});
