import { resolve } from 'node:path';
import {
  DeclaredModel,
  DirectoryFiles,
  scanRepository,
} from '@stagecraft/plugin-environments-node';
import { KubeObject, ObjectStore } from '../store/ObjectStore';
import { ImageRegistry } from './registry';
import { Reconciler } from './Reconciler';

const GITOPS = resolve(__dirname, '../../../../examples/gitops');

describe('Reconciler', () => {
  let model: DeclaredModel;
  let now: number;
  let stores: Map<string, ObjectStore>;
  let reconciler: Reconciler;

  beforeAll(async () => {
    // The Craftista part: four kustomize services in dev, staging and prod.
    model = await scanRepository(new DirectoryFiles(GITOPS), {
      path: 'craftista',
    });
  });

  beforeEach(() => {
    now = Date.parse('2026-01-01T10:00:00Z');
    stores = new Map([
      ['nonprod', new ObjectStore()],
      ['prod', new ObjectStore()],
    ]);
    reconciler = new Reconciler({
      clusters: { nonprod: ['dev', 'staging'], prod: ['prod'] },
      stores,
      registry: new ImageRegistry({
        'craftista/catalogue': ['1.3.0', '1.3.2', '1.4.0', '1.5.0'],
      }),
      rolloutMs: 8000,
      progressDeadlineMs: 20000,
      now: () => now,
    });
    reconciler.apply(model);
    reconciler.tick();
  });

  function withTag(
    environment: string,
    application: string,
    tag: string,
  ): DeclaredModel {
    const copy: DeclaredModel = JSON.parse(JSON.stringify(model));
    const w = copy.workloads.find(
      x => x.environment === environment && x.application === application,
    )!;
    w.containers[0].tag = tag;
    return copy;
  }

  const get = (cluster: string, resource: string, ns: string, name: string) =>
    stores.get(cluster)!.get(resource, ns, name)!;
  const list = (cluster: string, resource: string, ns: string, app: string) =>
    stores
      .get(cluster)!
      .list(resource, ns)
      .filter(o => o.metadata.labels?.['backstage.io/kubernetes-id'] === app);
  const condition = (d: KubeObject, type: string) =>
    (d.status as any).conditions.find((c: any) => c.type === type);

  it('creates each environment in its cluster, healthy at start, with the Kubernetes-plugin label', () => {
    const dev = get(
      'nonprod',
      'deployments.apps',
      'craftista-dev',
      'catalogue',
    );
    expect(dev.metadata.labels).toMatchObject({
      'backstage.io/kubernetes-id': 'catalogue',
    });
    expect((dev.spec as any).template.metadata.labels).toMatchObject({
      'backstage.io/kubernetes-id': 'catalogue',
    });
    expect((dev.spec as any).template.spec.containers[0]).toMatchObject({
      image: 'craftista/catalogue:1.4.0',
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
    });
    expect(dev.status).toMatchObject({
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
    });
    expect(condition(dev, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
    });
    expect(condition(dev, 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
    expect(
      get('nonprod', 'deployments.apps', 'craftista-staging', 'catalogue')
        .status,
    ).toMatchObject({ replicas: 2 });
    expect(
      stores
        .get('nonprod')!
        .get('deployments.apps', 'craftista-prod', 'catalogue'),
    ).toBeUndefined();
    expect(stores.get('prod')!.list('deployments.apps')).toHaveLength(4);
    expect(
      stores
        .get('nonprod')!
        .list('namespaces')
        .map(n => n.metadata.name),
    ).toEqual(['craftista-dev', 'craftista-staging', 'default', 'kube-system']);
  });

  it('creates ReplicaSets with ownerReferences, Pods with image digests, HPA, Service and Ingress', () => {
    const [rs] = list(
      'nonprod',
      'replicasets.apps',
      'craftista-dev',
      'catalogue',
    );
    const deployment = get(
      'nonprod',
      'deployments.apps',
      'craftista-dev',
      'catalogue',
    );
    expect(rs.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'catalogue',
        uid: deployment.metadata.uid,
        controller: true,
      }),
    ]);
    expect(rs.metadata.name).toBe(
      `catalogue-${rs.metadata.labels!['pod-template-hash']}`,
    );
    const pods = list('nonprod', 'pods', 'craftista-dev', 'catalogue');
    expect(pods).toHaveLength(1);
    const status = (pods[0].status as any).containerStatuses[0];
    expect(status).toMatchObject({
      ready: true,
      image: 'craftista/catalogue:1.4.0',
      state: { running: expect.any(Object) },
    });
    expect(status.imageID).toMatch(
      /^docker-pullable:\/\/craftista\/catalogue@sha256:[0-9a-f]{64}$/,
    );
    const hpa = get(
      'prod',
      'horizontalpodautoscalers.autoscaling',
      'craftista-prod',
      'catalogue',
    );
    expect(hpa.spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 10,
      scaleTargetRef: { kind: 'Deployment', name: 'catalogue' },
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: 70 },
          },
        },
      ],
    });
    expect(hpa.status).toMatchObject({
      currentReplicas: 3,
      desiredReplicas: 3,
    });
    expect(
      get('prod', 'deployments.apps', 'craftista-prod', 'catalogue').spec,
    ).toMatchObject({ replicas: 3 });
    expect(
      (
        get(
          'prod',
          'ingresses.networking.k8s.io',
          'craftista-prod',
          'catalogue',
        ).spec as any
      ).rules[0].host,
    ).toBe('craftista.com');
    expect(
      get('prod', 'services', 'craftista-prod', 'catalogue'),
    ).toBeDefined();
  });

  it('rolls a new image out over the rollout delay: Progressing, then Healthy', () => {
    const before = get(
      'nonprod',
      'deployments.apps',
      'craftista-staging',
      'catalogue',
    );
    now += 1000;
    reconciler.apply(withTag('staging', 'catalogue', '1.4.0'));
    reconciler.tick();
    let d = get(
      'nonprod',
      'deployments.apps',
      'craftista-staging',
      'catalogue',
    );
    expect(d.metadata.annotations!['deployment.kubernetes.io/revision']).toBe(
      '2',
    );
    expect((d.metadata as any).generation).toBe(
      (before.metadata as any).generation + 1,
    );
    expect(d.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 1,
      availableReplicas: 2,
      unavailableReplicas: 1,
    });
    expect(condition(d, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'ReplicaSetUpdated',
    });
    expect(condition(d, 'Available')).toMatchObject({ status: 'True' });
    expect(
      list('nonprod', 'replicasets.apps', 'craftista-staging', 'catalogue'),
    ).toHaveLength(2);
    const creating = list(
      'nonprod',
      'pods',
      'craftista-staging',
      'catalogue',
    ).filter(p => (p.status as any).phase === 'Pending');
    expect(
      (creating[0].status as any).containerStatuses[0].state.waiting.reason,
    ).toBe('ContainerCreating');

    now += 4000; // halfway: one of two new pods ready
    reconciler.tick();
    d = get('nonprod', 'deployments.apps', 'craftista-staging', 'catalogue');
    expect(d.status).toMatchObject({
      updatedReplicas: 2,
      readyReplicas: 2,
      replicas: 3,
    });
    expect(condition(d, 'Progressing').reason).toBe('ReplicaSetUpdated');

    now += 4000;
    reconciler.tick();
    d = get('nonprod', 'deployments.apps', 'craftista-staging', 'catalogue');
    expect(d.status).toMatchObject({
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    expect(d.status).not.toHaveProperty('unavailableReplicas');
    expect(condition(d, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
    });
    const replicaSets = list(
      'nonprod',
      'replicasets.apps',
      'craftista-staging',
      'catalogue',
    );
    expect(replicaSets.map(r => (r.spec as any).replicas).sort()).toEqual([
      0, 2,
    ]);
    const pods = list('nonprod', 'pods', 'craftista-staging', 'catalogue');
    expect(pods.map(p => (p.status as any).containerStatuses[0].image)).toEqual(
      ['craftista/catalogue:1.4.0', 'craftista/catalogue:1.4.0'],
    );
  });

  it('leaves pods of a tag the registry does not have in ImagePullBackOff until ProgressDeadlineExceeded', () => {
    now += 1000;
    reconciler.apply(withTag('dev', 'catalogue', '9.9.9'));
    reconciler.tick();
    now += 10000;
    reconciler.tick();
    let d = get('nonprod', 'deployments.apps', 'craftista-dev', 'catalogue');
    expect(condition(d, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'ReplicaSetUpdated',
    });
    expect(d.status).toMatchObject({
      replicas: 2,
      updatedReplicas: 1,
      availableReplicas: 1,
      unavailableReplicas: 1,
    });
    const broken = list('nonprod', 'pods', 'craftista-dev', 'catalogue').find(
      p =>
        (p.status as any).containerStatuses[0].image ===
        'craftista/catalogue:9.9.9',
    )!;
    expect((broken.status as any).phase).toBe('Pending');
    expect((broken.status as any).containerStatuses[0]).toMatchObject({
      ready: false,
      imageID: '',
      state: {
        waiting: {
          reason: 'ImagePullBackOff',
          message: 'Back-off pulling image "craftista/catalogue:9.9.9"',
        },
      },
    });

    now += 10000;
    reconciler.tick();
    d = get('nonprod', 'deployments.apps', 'craftista-dev', 'catalogue');
    expect(condition(d, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: expect.stringContaining('has timed out progressing'),
    });
    expect(d.status).toMatchObject({
      updatedReplicas: 1,
      unavailableReplicas: 1,
    });

    // images not in the registry file at all are assumed to exist
    now += 1000;
    reconciler.apply(withTag('dev', 'voting', '42.0.0'));
    now += 9000;
    reconciler.tick();
    expect(
      condition(
        get('nonprod', 'deployments.apps', 'craftista-dev', 'voting'),
        'Progressing',
      ).reason,
    ).toBe('NewReplicaSetAvailable');
  });

  it('reports a Deployment whose only image does not exist as unavailable', () => {
    const store = new ObjectStore();
    const fresh = new Reconciler({
      clusters: { nonprod: ['dev'] },
      stores: new Map([['nonprod', store]]),
      registry: new ImageRegistry({ 'craftista/catalogue': ['1.0.0'] }),
      rolloutMs: 1000,
      progressDeadlineMs: 2000,
      now: () => now,
    });
    fresh.apply(model);
    fresh.tick();
    const d = store.get('deployments.apps', 'craftista-dev', 'catalogue')!;
    expect(condition(d, 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
    expect(d.status).toMatchObject({
      replicas: 1,
      updatedReplicas: 1,
      unavailableReplicas: 1,
    });
    expect(d.status).not.toHaveProperty('availableReplicas');
  });

  it('removes the objects of a workload that is no longer declared', () => {
    const without: DeclaredModel = {
      ...model,
      workloads: model.workloads.filter(
        w => !(w.environment === 'dev' && w.application === 'voting'),
      ),
    };
    reconciler.apply(without);
    reconciler.tick();
    expect(
      stores.get('nonprod')!.get('deployments.apps', 'craftista-dev', 'voting'),
    ).toBeUndefined();
    expect(list('nonprod', 'pods', 'craftista-dev', 'voting')).toEqual([]);
    expect(
      list('nonprod', 'replicasets.apps', 'craftista-dev', 'voting'),
    ).toEqual([]);
    expect(
      stores
        .get('nonprod')!
        .get('deployments.apps', 'craftista-staging', 'voting'),
    ).toBeDefined();
  });
});
