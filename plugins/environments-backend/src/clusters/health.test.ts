import {
  deploymentHealth,
  podHealth,
  rolloutHealth,
  statefulSetHealth,
  worstHealth,
} from './health';
import {
  describeWithCorpus,
  loadCorpus,
  loadCorpusItems,
} from './__testUtils__/corpus';

describeWithCorpus('health rules on the corpus', () => {
  describe('deploymentHealth', () => {
    // deployment-list.json holds gitops-engine's progressing, degraded and suspended variants.
    it('is Progressing while old replicas are pending termination', () => {
      const [progressing] = loadCorpusItems('deployment-list.json');
      const result = deploymentHealth(progressing);
      expect(result.health).toBe('Progressing');
      expect(result.reason).toMatch(/1 old replicas are pending termination/);
    });

    it('is Degraded when the progress deadline is exceeded', () => {
      const [, degraded] = loadCorpusItems('deployment-list.json');
      expect(deploymentHealth(degraded)).toEqual({
        health: 'Degraded',
        reason: 'Deployment "guestbook-ui" exceeded its progress deadline',
      });
    });

    it('is Suspended when paused', () => {
      const [, , suspended] = loadCorpusItems('deployment-list.json');
      expect(deploymentHealth(suspended).health).toBe('Suspended');
    });

    it('is Healthy when every replica is updated and available', () => {
      expect(deploymentHealth(loadCorpus('deployment-live.json'))).toEqual({
        health: 'Healthy',
      });
    });

    it('is Progressing while the controller has not observed the latest generation', () => {
      const live = loadCorpus('deployment-live.json');
      live.metadata.generation = live.status.observedGeneration + 1;
      expect(deploymentHealth(live).health).toBe('Progressing');
    });

    it('is Progressing while fewer replicas are updated than desired', () => {
      const live = loadCorpus('deployment-live.json');
      live.spec.replicas = 3;
      expect(deploymentHealth(live)).toEqual({
        health: 'Progressing',
        reason:
          'Waiting for rollout to finish: 1 out of 3 new replicas have been updated',
      });
    });
  });

  describe('podHealth', () => {
    const pods = () =>
      new Map<string, any>(
        loadCorpusItems('pod-list-unhealthy.json').map(p => [
          p.metadata.name,
          p,
        ]),
      );

    it('is Degraded for a CrashLoopBackOff container', () => {
      const result = podHealth(pods().get('my-pod'));
      expect(result.health).toBe('Degraded');
      expect(result.reason).toMatch(/CrashLoopBackOff/);
    });

    it('is Degraded for an ImagePullBackOff container', () => {
      const result = podHealth(
        pods().get('guestbook-ui-errimagepullbackoff-66cfffb669-45w2j'),
      );
      expect(result.health).toBe('Degraded');
      expect(result.reason).toMatch(/ImagePullBackOff/);
    });

    it('is Progressing for a pending pod that is still initialising', () => {
      expect(podHealth(pods().get('image-pull-backoff')).health).toBe(
        'Progressing',
      );
    });

    it('is Progressing for a running pod that is not ready yet', () => {
      expect(podHealth(pods().get('never-ready')).health).toBe('Progressing');
    });

    it('does not fail hook pods (restartPolicy Never) early', () => {
      const pod = pods().get('my-pod');
      pod.spec.restartPolicy = 'Never';
      expect(podHealth(pod).health).toBe('Progressing');
    });

    it('is Healthy for ready pods and Degraded for failed ones', () => {
      const running = loadCorpusItems('pod-list.json');
      expect(podHealth(running[0]).health).toBe('Healthy');
      const failed = {
        ...running[0],
        status: { phase: 'Failed', message: 'OOM' },
      };
      expect(podHealth(failed)).toEqual({ health: 'Degraded', reason: 'OOM' });
    });
  });

  describe('rolloutHealth', () => {
    it('is Degraded when the canary has timed out progressing', () => {
      const result = rolloutHealth(loadCorpus('argo-rollout-canary.json'));
      expect(result.health).toBe('Degraded');
      expect(result.reason).toMatch(/timed out progressing/);
    });

    it('is Suspended when paused at a canary step', () => {
      const rollout = loadCorpus('argo-rollout-canary.json');
      rollout.status.conditions = rollout.status.conditions.filter(
        (c: any) => c.type !== 'Progressing',
      );
      rollout.status.pauseConditions = [{ reason: 'CanaryPauseStep' }];
      expect(rolloutHealth(rollout).health).toBe('Suspended');
    });

    it('is Progressing while the canary has not replaced every replica', () => {
      const rollout = loadCorpus('argo-rollout-canary.json');
      rollout.status.conditions = [];
      expect(rolloutHealth(rollout)).toEqual({
        health: 'Progressing',
        reason:
          'Waiting for rollout to finish: 1 out of 5 new replicas have been updated',
      });
    });

    it('trusts the phase of recent controllers', () => {
      const rollout = loadCorpus('argo-rollout-canary.json');
      rollout.status.phase = 'Paused';
      expect(rolloutHealth(rollout).health).toBe('Suspended');
      rollout.status.phase = 'Healthy';
      expect(rolloutHealth(rollout).health).toBe('Healthy');
    });
  });
});

describe('statefulSetHealth', () => {
  const statefulSet = (status: object, spec: object = {}) => ({
    kind: 'StatefulSet',
    metadata: { name: 'db', generation: 2 },
    spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate' }, ...spec },
    status: { observedGeneration: 2, ...status },
  });

  it('follows the rolling update', () => {
    expect(statefulSetHealth(statefulSet({ readyReplicas: 2 })).health).toBe(
      'Progressing',
    );
    expect(
      statefulSetHealth(
        statefulSet({
          readyReplicas: 3,
          currentRevision: 'a',
          updateRevision: 'b',
        }),
      ).health,
    ).toBe('Progressing');
    expect(
      statefulSetHealth(
        statefulSet({
          readyReplicas: 3,
          currentRevision: 'b',
          updateRevision: 'b',
        }),
      ).health,
    ).toBe('Healthy');
    expect(
      statefulSetHealth(
        statefulSet({ readyReplicas: 3, observedGeneration: 1 }),
      ).health,
    ).toBe('Progressing');
  });

  it('honours partitions', () => {
    const spec = {
      updateStrategy: {
        type: 'RollingUpdate',
        rollingUpdate: { partition: 2 },
      },
    };
    expect(
      statefulSetHealth(
        statefulSet({ readyReplicas: 3, updatedReplicas: 0 }, spec),
      ).health,
    ).toBe('Progressing');
    expect(
      statefulSetHealth(
        statefulSet({ readyReplicas: 3, updatedReplicas: 1 }, spec),
      ).health,
    ).toBe('Healthy');
  });
});

describe('worstHealth', () => {
  it('orders health as gitops-engine does', () => {
    expect(
      worstHealth(
        { health: 'Healthy' },
        { health: 'Degraded' },
        { health: 'Progressing' },
      ).health,
    ).toBe('Degraded');
    expect(
      worstHealth({ health: 'Suspended' }, { health: 'Progressing' }).health,
    ).toBe('Progressing');
  });
});
