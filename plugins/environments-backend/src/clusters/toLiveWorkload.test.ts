import {
  podsOfWorkload,
  toLiveWorkload,
  missingWorkload,
} from './toLiveWorkload';
import {
  describeWithCorpus,
  loadCorpus,
  loadCorpusItems,
} from './__testUtils__/corpus';

describeWithCorpus('toLiveWorkload', () => {
  describe('the canary Rollout with its ReplicaSets and Pods', () => {
    const rollout = () => loadCorpus('argo-rollout-canary.json');
    const objects = () => ({
      replicaSets: loadCorpusItems('replicaset-list.json'),
      pods: loadCorpusItems('pod-list.json'),
      hpas: [],
    });

    it('finds the pods through the ReplicaSets the Rollout owns', () => {
      const pods = podsOfWorkload(rollout(), objects());
      expect(pods.map(p => p.metadata?.name).sort()).toEqual(
        loadCorpusItems('pod-list.json')
          .map(p => p.metadata.name)
          .sort(),
      );
      // A ReplicaSet owned by something else brings none.
      const foreign = objects();
      foreign.replicaSets.forEach(rs => {
        rs.metadata.ownerReferences[0].uid = 'someone-else';
      });
      expect(podsOfWorkload(rollout(), foreign)).toEqual([]);
    });

    it('reports images, replicas, health and conditions', () => {
      const live = toLiveWorkload('prod', rollout(), objects());
      expect(live).toMatchObject({
        cluster: 'prod',
        namespace: 'jesse-test',
        kind: 'Rollout',
        name: 'canary-demo',
        replicas: { desired: 5, ready: 5, updated: 1, available: 5 },
        health: 'Degraded',
        lastChangeTime: '2019-10-28T04:52:55Z',
      });
      expect(live.healthReason).toMatch(/timed out progressing/);
      expect(live.conditions.map(c => `${c.type}=${c.status}`)).toEqual([
        'Available=True',
        'Progressing=False',
      ]);
      expect(live.images).toEqual([
        {
          container: 'canary-demo',
          repository: 'argoproj/rollouts-demo',
          tag: 'does-not-exist',
          current: true,
          pods: 1,
        },
        {
          container: 'canary-demo',
          repository: 'argoproj/rollouts-demo',
          tag: 'green',
          digest:
            'sha256:7b7de8a8183a580506e1069415a96bfb8431c7aa5257a4eed26f9fef53d016ce',
          current: false,
          pods: 5,
        },
      ]);
    });

    it('is Degraded because of its ImagePullBackOff pod even if the Rollout looks fine', () => {
      const healthyLooking = rollout();
      healthyLooking.status.conditions = [];
      healthyLooking.status.updatedReplicas = 5;
      healthyLooking.status.replicas = 5;
      const live = toLiveWorkload('prod', healthyLooking, objects());
      expect(live.health).toBe('Degraded');
      expect(live.healthReason).toMatch(
        /1 of 6 pods are degraded.*ImagePullBackOff/,
      );

      const withoutBadPod = objects();
      withoutBadPod.pods = withoutBadPod.pods.filter(
        p => p.status.phase === 'Running',
      );
      expect(toLiveWorkload('prod', healthyLooking, withoutBadPod).health).toBe(
        'Healthy',
      );
    });

    it('attaches the HPA whose scaleTargetRef names the workload', () => {
      const hpas = loadCorpusItems('hpa-list.json').map(h => ({
        ...h,
        metadata: { ...h.metadata, namespace: 'jesse-test' },
      }));
      // credential-hpa scales Rollout "credential-rollout": not ours.
      expect(
        toLiveWorkload('prod', rollout(), { ...objects(), hpas }).hpa,
      ).toBeUndefined();
      const renamed = rollout();
      renamed.metadata.name = 'credential-rollout';
      expect(
        toLiveWorkload('prod', renamed, { ...objects(), hpas }).hpa,
      ).toEqual({
        name: 'credential-hpa',
        min: 1,
        max: 1,
        current: 1,
        desired: 1,
      });
    });
  });

  describe('Deployments', () => {
    it('reads the live guestbook Deployment without pods', () => {
      const live = toLiveWorkload('dev', loadCorpus('deployment-live.json'), {
        replicaSets: [],
        pods: [],
        hpas: [],
      });
      expect(live).toMatchObject({
        namespace: 'default',
        kind: 'Deployment',
        name: 'guestbook-ui',
        health: 'Healthy',
        replicas: { desired: 1, ready: 1, updated: 1, available: 1 },
        images: [
          {
            container: 'guestbook-ui',
            repository: 'gcr.io/heptio-images/ks-guestbook-demo',
            tag: '0.2',
            current: true,
            pods: 0,
          },
        ],
        lastChangeTime: '2020-06-30T19:39:35Z',
      });
    });

    it('is Degraded when a pod of its ReplicaSet cannot pull its image', () => {
      const deployment = loadCorpus('deployment-live.json');
      const pod = loadCorpusItems('pod-list-unhealthy.json').find(
        p =>
          p.metadata.name ===
          'guestbook-ui-errimagepullbackoff-66cfffb669-45w2j',
      );
      const replicaSet = {
        kind: 'ReplicaSet',
        metadata: {
          name: pod.metadata.ownerReferences[0].name,
          namespace: 'default',
          uid: pod.metadata.ownerReferences[0].uid,
          ownerReferences: [
            {
              kind: 'Deployment',
              name: 'guestbook-ui',
              uid: deployment.metadata.uid,
            },
          ],
        },
      };
      const live = toLiveWorkload('dev', deployment, {
        replicaSets: [replicaSet],
        pods: [pod],
        hpas: [],
      });
      expect(live.health).toBe('Degraded');
      expect(live.healthReason).toMatch(/ImagePullBackOff/);
      // The pod runs 0.3 while the template asks for 0.2.
      expect(live.images.map(i => `${i.tag}:${i.current}:${i.pods}`)).toEqual([
        '0.2:true:0',
        '0.3:false:1',
      ]);
    });

    it.each([
      [0, 'Progressing'],
      [1, 'Degraded'],
      [2, 'Suspended'],
    ])('deployment-list item %i is %s', (index, health) => {
      const deployment = loadCorpusItems('deployment-list.json')[index];
      expect(
        toLiveWorkload('dev', deployment, {
          replicaSets: [],
          pods: [],
          hpas: [],
        }).health,
      ).toBe(health);
    });
  });
});

describe('missingWorkload', () => {
  it('is Missing, with no replicas to report', () => {
    expect(
      missingWorkload('prod', {
        kind: 'Deployment',
        name: 'web',
        namespace: 'shop',
      }),
    ).toEqual({
      cluster: 'prod',
      namespace: 'shop',
      kind: 'Deployment',
      name: 'web',
      images: [],
      health: 'Missing',
      healthReason: "Deployment shop/web is not in cluster 'prod'",
      conditions: [],
    });
  });
});
