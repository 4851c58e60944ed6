import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EnvironmentMatrix } from '@stagecraft/plugin-environments-common';
import {
  EnvironmentsService,
  environmentsServiceRef,
} from '@stagecraft/plugin-environments-node';
import searchPlugin from '@backstage/plugin-search-backend';
import request from 'supertest';
import { searchModuleEnvironmentsCollator } from './module';

const matrix: EnvironmentMatrix = {
  entityRef: 'component:default/catalogue',
  owner: 'group:default/team-craft',
  live: {},
  environments: ['dev', 'prod'].map((name, order) => ({
    name,
    order,
    version: {
      images: [
        {
          application: 'catalogue',
          container: 'catalogue',
          image: 'craftista/catalogue',
          tag: order === 0 ? '1.4.0' : '1.3.0',
          digest: null,
        },
      ],
    },
    workloads: [],
    health: 'Healthy',
    clusters: [],
    sync: { status: 'Synced' },
    problems: [],
  })),
  promotions: [],
  problems: [],
  generatedAt: '2026-11-22T00:00:00Z',
};

const collated = jest.fn(async () => ({ items: [matrix], totalItems: 1 }));

const environments = createServiceFactory({
  service: environmentsServiceRef,
  deps: {},
  factory: (): EnvironmentsService => ({
    getPortfolio: collated,
    getEnvironmentMatrix: jest.fn(),
    planPromotion: jest.fn(),
    createPromotion: jest.fn(),
    getPromotion: jest.fn(),
    createEnvironment: jest.fn(),
  }),
});

function query(server: any, term: string) {
  return request(server).get(
    `/api/search/query?term=${encodeURIComponent(term)}&types[0]=environments`,
  );
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function startSearch(
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
) {
  const { server } = await startTestBackend({
    features: [
      searchPlugin,
      searchModuleEnvironmentsCollator,
      environments,
      schedulerServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          // Search filters results by their permission only where permissions are on.
          permission: { enabled: true },
          search: {
            collators: {
              environments: {
                schedule: {
                  frequency: { minutes: 10 },
                  timeout: { minutes: 1 },
                  initialDelay: { seconds: 0 },
                },
              },
            },
          },
        },
      }),
      mockServices.permissions.factory({ result }),
    ],
  });
  return server;
}

jest.setTimeout(30_000);

describe('environments documents in Backstage search', () => {
  beforeEach(() => collated.mockClear());

  it('finds where a version runs', async () => {
    const server = await startSearch(AuthorizeResult.ALLOW);
    let results: any[] = [];
    for (let attempt = 0; attempt < 100 && results.length === 0; attempt++) {
      await sleep(100);
      results = (await query(server, '1.3.0')).body.results ?? [];
    }
    expect(results.map(r => r.document.title)).toContain('catalogue in prod');
  });

  it('hides them when the policy denies environments.entity.read', async () => {
    const server = await startSearch(AuthorizeResult.DENY);
    for (
      let attempt = 0;
      attempt < 100 && !collated.mock.calls.length;
      attempt++
    ) {
      await sleep(100);
    }
    expect(collated).toHaveBeenCalled();
    // The same time the allowed search needs to see the documents, and more.
    await sleep(1000);
    const res = await query(server, '1.3.0');
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([]);
  });
});
