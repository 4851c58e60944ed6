import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { environmentsPlugin } from './plugin';
import { createDemoGitRepository } from './__testUtils__/demoGitRepository';

jest.setTimeout(30_000);

// Catalogue without stagecraft.io/environments: its environments come from the repository.
const catalogue: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'catalogue',
    annotations: {
      'stagecraft.io/gitops-location': 'demo:craftista/catalogue',
    },
  },
  spec: { type: 'service', owner: 'group:default/team-a' },
};

describe('environments.aliases', () => {
  let gitops: ReturnType<typeof createDemoGitRepository>;
  beforeEach(() => {
    gitops = createDemoGitRepository();
  });
  afterEach(() => gitops.remove());

  async function matrixWith(aliases?: Record<string, string>) {
    const backend = await startTestBackend({
      features: [
        environmentsPlugin,
        catalogServiceMock.factory({ entities: [catalogue] }),
        mockServices.rootConfig.factory({
          data: {
            environments: {
              ...(aliases && { aliases }),
              repositories: { demo: { url: gitops.url } },
              cacheDirectory: gitops.cacheDir,
            },
          },
        }),
      ],
    });
    try {
      const res = await request(backend.server).get(
        '/api/environments/entities/component/default/catalogue',
      );
      expect(res.status).toBe(200);
      return res.body.environments.map((e: any) => e.name);
    } finally {
      await backend.stop();
    }
  }

  it('names an environment by its alias in the matrix', async () => {
    expect(await matrixWith()).toEqual(['dev', 'staging', 'prod']);
    expect(await matrixWith({ staging: 'preprod' })).toEqual([
      'dev',
      'preprod',
      'prod',
    ]);
  });
});
