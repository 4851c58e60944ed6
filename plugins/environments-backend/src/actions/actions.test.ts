import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { execFileSync } from 'node:child_process';
import { setupServer } from 'msw/node';
import { environmentsPlugin } from '../plugin';
import { createDemoGitRepository } from '../__testUtils__/demoGitRepository';
import { fakeKubernetesApi } from '../clusters/__testUtils__/fakeKubernetesApi';
import { rolledOutDeployment } from '../clusters/__testUtils__/rolledOutDeployment';

jest.setTimeout(30_000);

const catalogue: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'catalogue',
    annotations: {
      'stagecraft.io/gitops-location': 'demo:craftista/catalogue',
      'stagecraft.io/environments': 'dev,staging,prod',
    },
  },
  spec: { type: 'service', owner: 'group:default/team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
};

const msw = setupServer(
  fakeKubernetesApi([
    {
      host: 'nonprod',
      objects: [
        rolledOutDeployment('craftista-dev', 'craftista/catalogue:1.4.0', 1),
        rolledOutDeployment(
          'craftista-staging',
          'craftista/catalogue:1.3.2',
          2,
        ),
      ],
    },
  ]).handler,
);
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => msw.close());

let gitops: ReturnType<typeof createDemoGitRepository>;
let stop: (() => Promise<void>) | undefined;
beforeEach(() => {
  gitops = createDemoGitRepository();
});
afterEach(async () => {
  await stop?.();
  gitops.remove();
});

/** The real plugin, with an actions registry the test can invoke (its plugin id is `test`). */
async function startBackend(
  permission:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const registry = actionsRegistryServiceMock();
  const backend = await startTestBackend({
    features: [
      environmentsPlugin,
      createServiceFactory({
        service: actionsRegistryServiceRef,
        deps: {},
        factory: () => registry,
      }),
      catalogServiceMock.factory({ entities: [catalogue] }),
      mockServices.permissions.factory({ result: permission }),
      mockServices.rootConfig.factory({
        data: {
          environments: {
            repositories: { demo: { url: gitops.url } },
            cacheDirectory: gitops.cacheDir,
          },
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'nonprod',
                    url: 'https://nonprod.k8s.test',
                    authProvider: 'serviceAccount',
                    serviceAccountToken: 'nonprod-token',
                  },
                ],
              },
            ],
          },
        },
      }),
    ],
  });
  stop = () => backend.stop();
  const invoke = (name: string, input: object) =>
    registry.invoke({
      id: `test:${name}`,
      input: input as any,
      credentials: mockCredentials.user('user:default/jane'),
    });
  return { registry, invoke };
}

describe('environments actions', () => {
  it('registers three read-only actions', async () => {
    const { registry } = await startBackend();
    const { actions } = await registry.list();
    expect(actions.map(a => [a.name, a.attributes.readOnly])).toEqual([
      ['where-does-version-run', true],
      ['get-environment-matrix', true],
      ['plan-promotion', true],
    ]);
  });

  it('answers where a version runs, what runs where, and plans without writing', async () => {
    const { invoke } = await startBackend();
    const head = execFileSync('git', ['rev-parse', 'main'], { cwd: gitops.url })
      .toString()
      .trim();

    const where = await invoke('where-does-version-run', {
      tag: '1.4.0',
      image: 'docker.io/craftista/catalogue',
    });
    expect(where.output).toEqual({
      placements: [
        expect.objectContaining({
          entityRef: 'component:default/catalogue',
          environment: 'dev',
          tag: '1.4.0',
        }),
      ],
      truncated: false,
    });

    const matrix = (await invoke('get-environment-matrix', {
      entityRef: 'catalogue',
    })) as any;
    expect(
      matrix.output.environments.map((e: any) => [
        e.name,
        e.versions.length > 0,
      ]),
    ).toEqual([
      ['dev', true],
      ['staging', true],
      ['prod', true],
    ]);
    expect(matrix.output.environments[0].health).toBe('Healthy');

    const plan = (await invoke('plan-promotion', {
      entityRef: 'component:default/catalogue',
      from: 'dev',
      to: 'staging',
    })) as any;
    expect(plan.output).toMatchObject({
      executable: true,
      method: 'pull-request',
      permission: 'allowed',
    });
    expect(plan.output.changes[0]).toMatch(/1\.3\.2 -> 1\.4\.0/);
    expect(plan.output.diff).toContain('+    newTag: "1.4.0"');
    expect(
      execFileSync('git', ['rev-parse', 'main'], { cwd: gitops.url })
        .toString()
        .trim(),
    ).toBe(head);
  });

  it('reads as the caller: a denied caller gets no placements and a refusal', async () => {
    const { invoke } = await startBackend(AuthorizeResult.DENY);
    await expect(
      invoke('where-does-version-run', { tag: '1.4.0' }),
    ).resolves.toEqual({ output: { placements: [], truncated: false } });
    await expect(
      invoke('get-environment-matrix', {
        entityRef: 'component:default/catalogue',
      }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      invoke('get-environment-matrix', { entityRef: 'not a ref:/' }),
    ).rejects.toMatchObject({ name: 'InputError' });
  });
});
