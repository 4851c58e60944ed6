import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { environmentsPlugin } from './plugin';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'catalogue',
      annotations: {
        'stagecraft.io/gitops-location': 'demo:apps/catalogue',
        'stagecraft.io/environments': 'dev,staging,prod',
        'backstage.io/kubernetes-id': 'catalogue',
      },
    },
    spec: { type: 'service', owner: 'group:default/team-a' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'docs-site' },
    spec: { type: 'website', owner: 'group:default/team-a' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'broken',
      annotations: { 'stagecraft.io/gitops-location': 'no-separator' },
    },
    spec: { type: 'service', owner: 'group:default/team-a' },
  },
];

async function startBackend(
  permissionResult:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      catalogServiceMock.factory({ entities }),
      mockServices.permissions.factory({ result: permissionResult }),
    ],
  });
  return server;
}

describe('GET /api/environments/entities/:kind/:namespace/:name', () => {
  it('answers with the entity’s GitOps source and live identity', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities/component/default/catalogue',
    );

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      entityRef: 'component:default/catalogue',
      source: {
        type: 'repository',
        repository: 'demo',
        path: 'apps/catalogue',
      },
      live: { kubernetesId: 'catalogue' },
      environmentNames: ['dev', 'staging', 'prod'],
    });
  });

  it('answers 400 for a malformed ref', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities/component/default/-bad!',
    );

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('name must be a catalog name'),
    });
  });

  it('answers 400 naming the annotation when it is malformed', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities/component/default/broken',
    );

    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('stagecraft.io/gitops-location');
  });

  it('answers 401 without valid credentials', async () => {
    const server = await startBackend();

    const res = await request(server)
      .get('/api/environments/entities/component/default/catalogue')
      .set('Authorization', mockCredentials.none.header());

    expect(res.status).toBe(401);
    expect(res.body.error.name).toBe('AuthenticationError');
  });

  it('answers 403 when the policy denies environments.entity.read', async () => {
    const server = await startBackend(AuthorizeResult.DENY);

    const res = await request(server).get(
      '/api/environments/entities/component/default/catalogue',
    );

    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
  });

  it('answers 404 for an unknown entity', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities/component/default/nope',
    );

    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('component:default/nope');
  });

  it('answers 404 naming the annotation for an entity without one', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities/component/default/docs-site',
    );

    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('stagecraft.io/gitops-location');
  });

  it('registers its permissions', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/.well-known/backstage/permissions/metadata',
    );

    expect(res.status).toBe(200);
    expect(res.body.permissions.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'environments.entity.read',
        'environments.promotion.create',
      ]),
    );
  });
});
