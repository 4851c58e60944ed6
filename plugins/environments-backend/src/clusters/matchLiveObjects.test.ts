import {
  ClusterObjects,
  entityLabelSelector,
  matchLiveObjects,
  parseEntitySelector,
} from './matchLiveObjects';
import { DeclaredIdentity } from './types';
import {
  describeWithCorpus,
  loadCorpus,
  loadCorpusItems,
} from './__testUtils__/corpus';

function emptyObjects(): ClusterObjects {
  return {
    deployments: [],
    statefulsets: [],
    rollouts: [],
    replicasets: [],
    pods: [],
    horizontalpodautoscalers: [],
    applications: [],
    helmreleases: [],
    kustomizations: [],
  };
}

const everythingListed = () => true;

describe('entityLabelSelector', () => {
  it('prefers the label-selector annotation over the kubernetes-id', () => {
    expect(entityLabelSelector({ kubernetesId: 'web' })).toBe(
      'backstage.io/kubernetes-id=web',
    );
    expect(
      entityLabelSelector({ kubernetesId: 'web', labelSelector: 'app=web' }),
    ).toBe('app=web');
    expect(entityLabelSelector({})).toBeUndefined();
  });
});

describeWithCorpus('matchLiveObjects', () => {
  const match = (
    objects: ClusterObjects,
    options: {
      kubernetesId?: string;
      labelSelector?: string;
      declared?: DeclaredIdentity[];
    },
    wasListed = everythingListed,
  ) =>
    matchLiveObjects(objects, {
      cluster: 'prod',
      selector: parseEntitySelector(options),
      // Identities in these tests are meant for this cluster unless they say otherwise.
      declared: (options.declared ?? []).map(d =>
        'cluster' in d ? d : { ...d, cluster: 'prod' },
      ),
      wasListed,
    });

  it('matches a selector on the workload or on its pod template labels', () => {
    const objects = emptyObjects();
    objects.deployments = loadCorpusItems('deployment-list.json').slice(0, 1);
    objects.rollouts = [loadCorpus('argo-rollout-canary.json')];
    // guestbook-ui carries app=guestbook-ui only on its pod template.
    expect(
      match(objects, { labelSelector: 'app=guestbook-ui' }).workloads.map(
        w => w.name,
      ),
    ).toEqual(['guestbook-ui']);
    expect(
      match(objects, { labelSelector: 'app=canary-demo' }).workloads.map(
        w => w.name,
      ),
    ).toEqual(['canary-demo']);
    expect(match(objects, { labelSelector: 'app=other' }).workloads).toEqual(
      [],
    );
  });

  it('does not match a declared name in another namespace', () => {
    const objects = emptyObjects();
    objects.deployments = [loadCorpus('deployment-live.json')];
    expect(
      match(objects, {
        declared: [
          { kind: 'Deployment', name: 'guestbook-ui', namespace: 'default' },
        ],
      }).workloads.map(w => w.health),
    ).toEqual(['Healthy']);
    expect(
      match(objects, {
        declared: [
          { kind: 'Deployment', name: 'guestbook-ui', namespace: 'prod' },
        ],
      }).workloads.map(w => `${w.namespace}:${w.health}`),
    ).toEqual(['prod:Missing']);
  });

  it('reports each workload once even when listed twice', () => {
    const objects = emptyObjects();
    objects.deployments = [
      loadCorpus('deployment-live.json'),
      loadCorpus('deployment-live.json'),
    ];
    expect(
      match(objects, {
        labelSelector: 'app.kubernetes.io/instance=guestbook',
        declared: [
          { kind: 'Deployment', name: 'guestbook-ui', namespace: 'default' },
        ],
      }).workloads,
    ).toHaveLength(1);
  });

  it('calls a declared object Missing only when its list answered', () => {
    const declared: DeclaredIdentity[] = [
      { kind: 'Deployment', name: 'web', namespace: 'shop' },
      { kind: 'Application', name: 'web' },
      { kind: 'HelmRelease', name: 'web', namespace: 'shop' },
    ];
    const listed = match(emptyObjects(), { declared });
    expect(listed.workloads.map(w => w.health)).toEqual(['Missing']);
    expect(listed.applications.map(a => a.health)).toEqual(['Missing']);
    expect(listed.fluxResources.map(f => f.health)).toEqual(['Missing']);

    const nothingListed = match(emptyObjects(), { declared }, () => false);
    expect(nothingListed.workloads).toEqual([]);
    expect(nothingListed.applications).toEqual([]);
    expect(nothingListed.fluxResources).toEqual([]);
  });

  it('does not call an object that no cluster is assigned Missing', () => {
    const state = match(emptyObjects(), {
      declared: [
        {
          kind: 'Deployment',
          name: 'web',
          namespace: 'shop',
          cluster: undefined,
        },
        { kind: 'Application', name: 'web', cluster: undefined },
        {
          kind: 'HelmRelease',
          name: 'web',
          namespace: 'shop',
          cluster: undefined,
        },
      ],
    });
    expect(state.workloads).toEqual([]);
    expect(state.applications).toEqual([]);
    expect(state.fluxResources).toEqual([]);
  });

  it('matches declared Argo CD Applications and Flux objects by name', () => {
    const objects = emptyObjects();
    objects.applications = [loadCorpus('argocd-application-with-status.json')];
    objects.helmreleases = [loadCorpus('flux-helmrelease.json')];
    objects.kustomizations = [loadCorpus('flux-kustomization.json')];
    const state = match(objects, {
      declared: [
        { kind: 'Application', name: 'velero-test', namespace: 'argo-cd' },
        { kind: 'HelmRelease', name: 'podinfo' },
        {
          kind: 'Kustomization',
          name: 'infrastructure',
          namespace: 'elsewhere',
        },
      ],
    });
    expect(state.applications.map(a => `${a.name}:${a.health}`)).toEqual([
      'velero-test:Healthy',
    ]);
    expect(
      state.fluxResources.map(f => `${f.kind}/${f.name}:${f.health}`),
    ).toEqual([
      'HelmRelease/podinfo:Healthy',
      'Kustomization/infrastructure:Missing',
    ]);
  });

  it('finds the workloads an Application tracks by its instance label', () => {
    const objects = emptyObjects();
    objects.deployments = loadCorpusItems('deployment-list.json').slice(0, 1);
    // The corpus Deployment carries app.kubernetes.io/instance=guestbook-default.
    expect(
      match(objects, {
        declared: [{ kind: 'Application', name: 'guestbook-default' }],
      }).workloads.map(w => w.name),
    ).toEqual(['guestbook-ui']);
    expect(
      match(objects, { declared: [{ kind: 'Application', name: 'guestbook' }] })
        .workloads,
    ).toEqual([]);
  });
});
