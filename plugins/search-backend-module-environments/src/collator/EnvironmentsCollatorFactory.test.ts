import { mockServices } from '@backstage/backend-test-utils';
import { TestPipeline } from '@backstage/plugin-search-backend-node';
import { EnvironmentMatrix } from '@stagecraft/plugin-environments-common';
import { EnvironmentsService } from '@stagecraft/plugin-environments-node';
import {
  EnvironmentDocument,
  EnvironmentsCollatorFactory,
} from './EnvironmentsCollatorFactory';

function matrix(name: string, tags: Record<string, string>): EnvironmentMatrix {
  return {
    entityRef: `component:default/${name}`,
    owner: 'group:default/team-craft',
    live: {},
    environments: Object.entries(tags).map(([env, tag], order) => ({
      name: env,
      order,
      version: {
        images: [
          {
            application: name,
            container: name,
            image: `craftista/${name}`,
            tag,
            digest: null,
          },
        ],
      },
      workloads: [
        {
          application: name,
          kind: 'Deployment',
          name,
          namespace: `craftista-${env}`,
          declared: {
            replicas: 1,
            containers: [],
            autoscaling: null,
            ingressHosts: [],
            env: { DATABASE_PASSWORD: '[redacted]', LOG_LEVEL: 'DEBUG' },
            managedBy: 'kustomize',
            provenance: {},
          },
          live: [
            {
              cluster: env === 'prod' ? 'prod' : 'nonprod',
              namespace: `craftista-${env}`,
              kind: 'Deployment',
              name,
              images: [],
              health: 'Healthy',
            },
          ],
          drift: [],
          health: 'Healthy',
        },
      ],
      health: 'Healthy',
      clusters: [],
      sync: { status: 'Synced' },
      problems: [],
    })),
    promotions: [],
    problems: [],
    generatedAt: '2026-11-22T20:00:00Z',
  };
}

describe('EnvironmentsCollatorFactory', () => {
  it('yields one document per entity and environment, through every portfolio page', async () => {
    const getPortfolio = jest.fn<
      ReturnType<EnvironmentsService['getPortfolio']>,
      Parameters<EnvironmentsService['getPortfolio']>
    >(async ({ cursor }) =>
      cursor
        ? { items: [matrix('voting', { dev: '0.9.1' })], totalItems: 2 }
        : {
            items: [matrix('catalogue', { dev: '1.4.0', prod: '1.3.0' })],
            totalItems: 2,
            nextCursor: 'next',
          },
    );
    const factory = EnvironmentsCollatorFactory.fromConfig(
      mockServices.rootConfig(),
      {
        logger: mockServices.logger.mock(),
        auth: mockServices.auth(),
        environments: {
          getPortfolio,
          getEnvironmentMatrix: jest.fn(),
          planPromotion: jest.fn(),
          createPromotion: jest.fn(),
          getPromotion: jest.fn(),
          createEnvironment: jest.fn(),
        },
        batchSize: 1,
      },
    );

    const { documents, error } = await TestPipeline.fromCollator(
      await factory.getCollator(),
    ).execute();

    expect(error).toBeUndefined();
    expect(getPortfolio.mock.calls.map(([request]) => request)).toEqual([
      { cursor: undefined, limit: 1 },
      { cursor: 'next', limit: 1 },
    ]);
    // The collator reads as itself, not as a user.
    expect(getPortfolio.mock.calls[0][1].credentials.principal).toMatchObject({
      type: 'service',
    });
    const docs = documents as EnvironmentDocument[];
    expect(docs.map(d => [d.title, d.version, d.location])).toEqual([
      [
        'catalogue in dev',
        '1.4.0',
        '/catalog/default/component/catalogue/environments?environment=dev',
      ],
      [
        'catalogue in prod',
        '1.3.0',
        '/catalog/default/component/catalogue/environments?environment=prod',
      ],
      [
        'voting in dev',
        '0.9.1',
        '/catalog/default/component/voting/environments?environment=dev',
      ],
    ]);
    expect(docs[1].text).toBe(
      'catalogue runs craftista/catalogue:1.3.0 in prod. Cluster/namespace: prod/craftista-prod. Health: Healthy. Owner: group:default/team-craft.',
    );
    // Search engines key documents by location: each must be unique.
    expect(new Set(docs.map(d => d.location)).size).toBe(docs.length);
    expect(docs[1].authorization).toEqual({
      resourceRef: 'component:default/catalogue',
    });
    // Environment variables (and whatever secrets they hold) are never indexed.
    expect(JSON.stringify(docs)).not.toMatch(
      /DATABASE_PASSWORD|LOG_LEVEL|redacted/,
    );
  });
});
