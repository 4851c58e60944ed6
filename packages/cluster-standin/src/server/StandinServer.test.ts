import { request as httpsRequest } from 'node:https';
import { KubeObject, ObjectStore } from '../store/ObjectStore';
import { StandinServer } from './StandinServer';

const TOKEN = 'test-token-123';
const auth = { Authorization: `Bearer ${TOKEN}` };

function deployment(
  namespace: string,
  name: string,
  labels: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: { replicas: 1 },
  };
}

describe('StandinServer', () => {
  let store: ObjectStore;
  let other: ObjectStore;
  let server: StandinServer;
  let base: string;
  const logged: string[] = [];

  beforeEach(async () => {
    store = new ObjectStore();
    other = new ObjectStore();
    store.upsert(
      'deployments.apps',
      deployment('dev', 'catalogue', { app: 'catalogue', tier: 'backend' }),
    );
    store.upsert(
      'deployments.apps',
      deployment('dev', 'voting', { app: 'voting', tier: 'backend' }),
    );
    store.upsert(
      'deployments.apps',
      deployment('staging', 'catalogue', { app: 'catalogue' }),
    );
    store.upsert('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'dev' },
    });
    server = new StandinServer({
      token: TOKEN,
      clusters: new Map([
        ['nonprod', store],
        ['prod', other],
      ]),
      logger: m => logged.push(m),
    });
    await server.listen();
    base = server.clusterUrl('nonprod');
  });

  afterEach(async () => {
    await server.close();
  });

  async function get(path: string, headers: Record<string, string> = auth) {
    const res = await fetch(`${base}${path}`, { headers });
    return { status: res.status, body: await res.json() };
  }

  it('answers 401 with a Status without the right bearer token, and never logs the token', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer wrong' },
      { Authorization: TOKEN },
    ];
    for (const headers of attempts) {
      const res = await get('/apis/apps/v1/deployments', headers);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'Unauthorized',
        code: 401,
      });
    }
    const control = await fetch(`${server.url}/_standin/clusters/prod/down`, {
      method: 'POST',
    });
    expect(control.status).toBe(401);
    expect(server.isClusterDown('prod')).toBe(false);
    expect((await get('/version', {})).status).toBe(200);
    expect(logged.join('\n')).not.toContain(TOKEN);
  });

  it('serves discovery for kubectl', async () => {
    expect((await get('/api')).body).toMatchObject({
      kind: 'APIVersions',
      versions: ['v1'],
    });
    const groups = (await get('/apis')).body;
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g: { name: string }) => g.name)).toEqual(
      expect.arrayContaining([
        'apps',
        'autoscaling',
        'networking.k8s.io',
        'argoproj.io',
        'helm.toolkit.fluxcd.io',
        'kustomize.toolkit.fluxcd.io',
      ]),
    );
    const apps = (await get('/apis/apps/v1')).body;
    expect(apps).toMatchObject({
      kind: 'APIResourceList',
      groupVersion: 'apps/v1',
    });
    expect(apps.resources).toContainEqual(
      expect.objectContaining({
        name: 'deployments',
        kind: 'Deployment',
        namespaced: true,
        verbs: ['get', 'list', 'watch'],
      }),
    );
    const core = (await get('/api/v1')).body;
    expect(core.resources).toContainEqual(
      expect.objectContaining({ name: 'namespaces', namespaced: false }),
    );
    expect((await get('/version')).body.gitVersion).toMatch(/^v1\./);
  });

  it('lists namespaced and cluster-wide, and gets by name', async () => {
    const all = await get('/apis/apps/v1/deployments');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      kind: 'DeploymentList',
      apiVersion: 'apps/v1',
    });
    expect(all.body.items).toHaveLength(3);
    const dev = await get('/apis/apps/v1/namespaces/dev/deployments');
    expect(dev.body.items.map((i: KubeObject) => i.metadata.name)).toEqual([
      'catalogue',
      'voting',
    ]);
    const one = await get(
      '/apis/apps/v1/namespaces/staging/deployments/catalogue',
    );
    expect(one.body).toMatchObject({
      kind: 'Deployment',
      metadata: { name: 'catalogue', namespace: 'staging' },
    });
    expect(Number(one.body.metadata.resourceVersion)).toBeGreaterThan(0);
    const ns = await get('/api/v1/namespaces/dev');
    expect(ns.body).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'dev' },
    });
  });

  it('filters with labelSelector and fieldSelector', async () => {
    const names = async (query: string) =>
      (await get(`/apis/apps/v1/deployments?${query}`)).body.items.map(
        (i: KubeObject) => `${i.metadata.namespace}/${i.metadata.name}`,
      );
    expect(await names('labelSelector=app%3Dcatalogue')).toEqual([
      'dev/catalogue',
      'staging/catalogue',
    ]);
    expect(await names('labelSelector=app!%3Dcatalogue')).toEqual([
      'dev/voting',
    ]);
    expect(
      await names(
        `labelSelector=${encodeURIComponent('app in (voting,frontend)')}`,
      ),
    ).toEqual(['dev/voting']);
    expect(
      await names(
        `labelSelector=${encodeURIComponent('app notin (voting),tier')}`,
      ),
    ).toEqual(['dev/catalogue']);
    expect(await names(`labelSelector=${encodeURIComponent('!tier')}`)).toEqual(
      ['staging/catalogue'],
    );
    expect(await names('fieldSelector=metadata.name%3Dvoting')).toEqual([
      'dev/voting',
    ]);
    expect(await names('fieldSelector=metadata.namespace%3Dstaging')).toEqual([
      'staging/catalogue',
    ]);
    const bad = await get(
      `/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(
        'app in (a',
      )}`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      code: 400,
    });
  });

  it('answers other kinds with an empty list of the right kind', async () => {
    for (const [path, kind] of [
      ['/api/v1/configmaps', 'ConfigMapList'],
      ['/api/v1/namespaces/dev/limitranges', 'LimitRangeList'],
      ['/api/v1/resourcequotas', 'ResourceQuotaList'],
      ['/apis/apps/v1/daemonsets', 'DaemonSetList'],
      ['/apis/apps/v1/statefulsets', 'StatefulSetList'],
      ['/apis/batch/v1/cronjobs', 'CronJobList'],
      ['/apis/batch/v1/namespaces/dev/jobs', 'JobList'],
      ['/apis/argoproj.io/v1alpha1/applications', 'ApplicationList'],
      ['/apis/argoproj.io/v1alpha1/rollouts', 'RolloutList'],
      ['/apis/helm.toolkit.fluxcd.io/v2/helmreleases', 'HelmReleaseList'],
      [
        '/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations',
        'KustomizationList',
      ],
    ]) {
      const res = await get(path);
      expect({
        path,
        status: res.status,
        kind: res.body.kind,
        items: res.body.items,
      }).toEqual({
        path,
        status: 200,
        kind,
        items: [],
      });
    }
  });

  it('answers unknown paths, objects and clusters with a 404 Status', async () => {
    const missing = await get('/apis/apps/v1/namespaces/dev/deployments/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'deployments.apps "nope" not found',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
      code: 404,
    });
    for (const path of [
      '/apis/apps/v1/widgets',
      '/apis/nope.io/v1',
      '/nothing',
      '/api/v1/namespaces/dev/pods/x/log',
    ]) {
      const res = await get(path);
      expect({ path, status: res.status, reason: res.body.reason }).toEqual({
        path,
        status: 404,
        reason: 'NotFound',
      });
    }
    const cluster = await fetch(`${server.url}/clusters/nope/api`, {
      headers: auth,
    });
    expect(cluster.status).toBe(404);
    const write = await fetch(
      `${base}/apis/apps/v1/namespaces/dev/deployments`,
      { method: 'POST', headers: auth, body: '{}' },
    );
    expect(write.status).toBe(405);
  });

  it('gives lists and objects a resourceVersion that grows per cluster', async () => {
    const before = Number(
      (await get('/apis/apps/v1/deployments')).body.metadata.resourceVersion,
    );
    store.upsert(
      'deployments.apps',
      deployment('dev', 'voting', { app: 'voting', tier: 'frontend' }),
    );
    const after = await get('/apis/apps/v1/namespaces/dev/deployments/voting');
    expect(Number(after.body.metadata.resourceVersion)).toBe(before + 1);
    const list = await get('/apis/apps/v1/deployments');
    expect(Number(list.body.metadata.resourceVersion)).toBe(before + 1);
    // an identical write is not a change
    store.upsert(
      'deployments.apps',
      deployment('dev', 'voting', { app: 'voting', tier: 'frontend' }),
    );
    expect(store.resourceVersion).toBe(before + 1);
    // the other cluster counts on its own
    const prod = await fetch(
      `${server.clusterUrl('prod')}/apis/apps/v1/deployments`,
      { headers: auth },
    );
    expect((await prod.json()).metadata.resourceVersion).toBe('1000');
  });

  async function readWatch(
    path: string,
    until: (events: any[]) => boolean,
    action?: () => void,
  ) {
    const controller = new AbortController();
    const res = await fetch(`${base}${path}`, {
      headers: auth,
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const events: any[] = [];
    let buffer = '';
    action?.();
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        events.push(JSON.parse(buffer.slice(0, newline)));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
    }
    controller.abort();
    return events;
  }

  it('streams watch events from a resourceVersion, filtered by namespace and labels', async () => {
    const rv = (await get('/apis/apps/v1/deployments')).body.metadata
      .resourceVersion;
    const events = await readWatch(
      `/apis/apps/v1/namespaces/dev/deployments?watch=1&resourceVersion=${rv}&labelSelector=tier%3Dbackend`,
      e => e.length >= 3,
      () => {
        store.upsert(
          'deployments.apps',
          deployment('staging', 'voting', { app: 'voting', tier: 'backend' }),
        );
        store.upsert(
          'deployments.apps',
          deployment('dev', 'frontend', { app: 'frontend', tier: 'backend' }),
        );
        store.upsert(
          'deployments.apps',
          deployment('dev', 'catalogue', {
            app: 'catalogue',
            tier: 'backend',
            v: '2',
          }),
        );
        store.delete('deployments.apps', 'dev', 'voting');
      },
    );
    expect(
      events.map(
        e =>
          `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`,
      ),
    ).toEqual([
      'ADDED dev/frontend',
      'MODIFIED dev/catalogue',
      'DELETED dev/voting',
    ]);
    expect(Number(events[2].object.metadata.resourceVersion)).toBeGreaterThan(
      Number(events[0].object.metadata.resourceVersion),
    );
  });

  it('starts a watch without resourceVersion with ADDED for what exists, and replays history after one', async () => {
    const rv = store.resourceVersion;
    store.upsert(
      'deployments.apps',
      deployment('dev', 'frontend', { app: 'frontend' }),
    );
    const replay = await readWatch(
      `/apis/apps/v1/deployments?watch=true&resourceVersion=${rv}`,
      e => e.length >= 1,
    );
    expect(replay.map(e => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED frontend',
    ]);
    const fresh = await readWatch(
      '/apis/apps/v1/namespaces/staging/deployments?watch=1&fieldSelector=metadata.name%3Dcatalogue',
      e => e.length >= 1,
    );
    expect(
      fresh.map(
        e =>
          `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`,
      ),
    ).toEqual(['ADDED staging/catalogue']);
  });

  it('ends a watch after timeoutSeconds', async () => {
    const started = Date.now();
    const res = await fetch(
      `${base}/api/v1/pods?watch=1&timeoutSeconds=1&resourceVersion=${store.resourceVersion}`,
      {
        headers: auth,
      },
    );
    expect(await res.text()).toBe('');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('answers a watch from a resourceVersion it no longer has with an ERROR 410 event', async () => {
    const res = await fetch(`${base}/api/v1/pods?watch=1&resourceVersion=5`, {
      headers: auth,
    });
    const [line] = (await res.text()).trim().split('\n');
    expect(JSON.parse(line)).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
  });

  it('lets a cluster stop answering and answer again (fault)', async () => {
    const down = await fetch(`${server.url}/_standin/clusters/nonprod/down`, {
      method: 'POST',
      headers: auth,
    });
    expect(await down.json()).toEqual({ name: 'nonprod', down: true });
    await expect(
      fetch(`${base}/apis/apps/v1/deployments`, {
        headers: auth,
        signal: AbortSignal.timeout(500),
      }),
    ).rejects.toThrow();
    // the other cluster still answers
    const prod = await fetch(
      `${server.clusterUrl('prod')}/apis/apps/v1/deployments`,
      { headers: auth },
    );
    expect(prod.status).toBe(200);
    const held = fetch(`${base}/apis/apps/v1/deployments`, { headers: auth });
    await new Promise(r => setTimeout(r, 200));
    const status = await (
      await fetch(`${server.url}/_standin/clusters`, { headers: auth })
    ).json();
    expect(status.clusters).toContainEqual(
      expect.objectContaining({ name: 'nonprod', down: true }),
    );
    const up = await fetch(`${server.url}/_standin/clusters/nonprod/up`, {
      method: 'POST',
      headers: auth,
    });
    expect(await up.json()).toEqual({ name: 'nonprod', down: false });
    const answered = await held;
    expect(answered.status).toBe(200);
    expect((await answered.json()).items).toHaveLength(3);
  });

  it('drops the open watches of a cluster that goes down', async () => {
    const res = await fetch(
      `${base}/api/v1/pods?watch=1&resourceVersion=${store.resourceVersion}`,
      {
        headers: auth,
      },
    );
    const body = res.text();
    await new Promise(r => setTimeout(r, 100));
    server.setClusterDown('nonprod', true);
    await expect(body).rejects.toThrow();
    server.setClusterDown('nonprod', false);
  });

  it('answers HTTPS on the same port with its self-signed certificate', async () => {
    const url = `${server
      .clusterUrl('nonprod')
      .replace(
        'http:',
        'https:',
      )}/apis/apps/v1/namespaces/dev/deployments/voting`;
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        url,
        { headers: auth, ca: server.caCertificate },
        res => {
          let text = '';
          res.on('data', d => (text += d));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toMatchObject({
      kind: 'Deployment',
      metadata: { name: 'voting' },
    });
  });
});
