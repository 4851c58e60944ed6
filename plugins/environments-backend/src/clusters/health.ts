import { Health } from './types';
import { KubeObject, Pod, num, readConditions } from './objects';

/**
 * Health rules for workloads and pods, following the semantics of Argo CD's gitops-engine
 * (`pkg/health`) and Argo Rollouts' health check. Written from those rules, not copied.
 */
export type HealthResult = { health: Health; reason?: string };

/** From least to most severe, as gitops-engine orders health when it aggregates. */
const SEVERITY: Health[] = [
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
];

/** The more severe of several results (the first one wins a tie). */
export function worstHealth(...results: HealthResult[]): HealthResult {
  return results.reduce((worst, r) =>
    SEVERITY.indexOf(r.health) > SEVERITY.indexOf(worst.health) ? r : worst,
  );
}

function isFailingWaitReason(reason: string | undefined): boolean {
  return (
    !!reason &&
    (reason.startsWith('Err') ||
      reason.endsWith('Error') ||
      reason.endsWith('BackOff'))
  );
}

/** The health of a Pod. */
export function podHealth(pod: Pod): HealthResult {
  const status = pod.status ?? {};
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  const containers = [
    ...(status.initContainerStatuses ?? []),
    ...(status.containerStatuses ?? []),
  ];

  // Only for long-running pods: hook pods (Never/OnFailure) must not fail early.
  if (restartPolicy === 'Always') {
    const failing = containers.filter(c =>
      isFailingWaitReason(c.state?.waiting?.reason),
    );
    if (failing.length > 0) {
      return {
        health: 'Degraded',
        reason: failing
          .map(
            c =>
              `${c.name ?? 'container'}: ${c.state!.waiting!.reason}${
                c.state!.waiting!.message
                  ? ` (${c.state!.waiting!.message})`
                  : ''
              }`,
          )
          .join('; '),
      };
    }
  }

  switch (status.phase) {
    case 'Pending':
      return {
        health: 'Progressing',
        reason: status.message ?? 'Pod is pending',
      };
    case 'Succeeded':
      return { health: 'Healthy', reason: status.message };
    case 'Failed':
      return {
        health: 'Degraded',
        reason: status.message ?? status.reason ?? 'Pod failed',
      };
    case 'Running': {
      if (restartPolicy !== 'Always') {
        return { health: 'Progressing', reason: status.message };
      }
      const ready = readConditions(status.conditions).find(
        c => c.type === 'Ready',
      );
      if (ready?.status === 'True') return { health: 'Healthy' };
      const terminated = containers.find(c => c.lastState?.terminated);
      if (terminated) {
        return {
          health: 'Degraded',
          reason: `${terminated.name ?? 'container'} terminated (${
            terminated.lastState!.terminated!.reason ?? 'unknown reason'
          }) and is not ready`,
        };
      }
      return { health: 'Progressing', reason: 'Pod is running but not ready' };
    }
    default:
      return { health: 'Unknown', reason: status.message };
  }
}

/** Whether the controller has seen the latest spec. */
function observed(obj: KubeObject): boolean {
  const generation = num(obj.metadata?.generation);
  const observedGeneration = num(obj.status?.observedGeneration);
  if (generation === undefined || observedGeneration === undefined) {
    // Old Rollouts stored a hash in observedGeneration; do not judge on it.
    return (
      typeof obj.status?.observedGeneration === 'string' ||
      generation === undefined
    );
  }
  return observedGeneration >= generation;
}

/** The health of an apps/v1 Deployment. */
export function deploymentHealth(deployment: KubeObject): HealthResult {
  const spec = deployment.spec ?? {};
  const status = deployment.status ?? {};
  if (spec.paused) {
    return { health: 'Suspended', reason: 'Deployment is paused' };
  }
  if (!observed(deployment)) {
    return {
      health: 'Progressing',
      reason:
        'Waiting for rollout to finish: the controller has not observed the latest spec',
    };
  }
  const progressing = readConditions(status.conditions).find(
    c => c.type === 'Progressing',
  );
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      health: 'Degraded',
      reason: `Deployment "${deployment.metadata?.name}" exceeded its progress deadline`,
    };
  }
  return replicaRollout(spec, status) ?? { health: 'Healthy' };
}

/** The Progressing result of a rollout that has not finished, shared by Deployments and Rollouts. */
function replicaRollout(spec: any, status: any): HealthResult | undefined {
  const desired = num(spec.replicas);
  const replicas = num(status.replicas) ?? 0;
  const updated = num(status.updatedReplicas) ?? 0;
  const available = num(status.availableReplicas) ?? 0;
  if (desired !== undefined && updated < desired) {
    return {
      health: 'Progressing',
      reason: `Waiting for rollout to finish: ${updated} out of ${desired} new replicas have been updated`,
    };
  }
  if (replicas > updated) {
    return {
      health: 'Progressing',
      reason: `Waiting for rollout to finish: ${
        replicas - updated
      } old replicas are pending termination`,
    };
  }
  if (available < updated) {
    return {
      health: 'Progressing',
      reason: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available`,
    };
  }
  return undefined;
}

/** The health of an apps/v1 StatefulSet. */
export function statefulSetHealth(statefulSet: KubeObject): HealthResult {
  const spec = statefulSet.spec ?? {};
  const status = statefulSet.status ?? {};
  if (!num(status.observedGeneration) || !observed(statefulSet)) {
    return {
      health: 'Progressing',
      reason: 'Waiting for the statefulset spec update to be observed',
    };
  }
  const desired = num(spec.replicas);
  const ready = num(status.readyReplicas) ?? 0;
  if (desired !== undefined && ready < desired) {
    return {
      health: 'Progressing',
      reason: `Waiting for ${desired - ready} pods to be ready`,
    };
  }
  const strategy = spec.updateStrategy ?? {};
  const partition = num(strategy.rollingUpdate?.partition);
  if (
    strategy.type === 'RollingUpdate' &&
    partition !== undefined &&
    desired !== undefined
  ) {
    const updated = num(status.updatedReplicas) ?? 0;
    if (updated < desired - partition) {
      return {
        health: 'Progressing',
        reason: `Waiting for partitioned roll out to finish: ${updated} out of ${
          desired - partition
        } new pods have been updated`,
      };
    }
    return { health: 'Healthy', reason: 'Partitioned roll out complete' };
  }
  if (strategy.type === 'OnDelete') {
    return { health: 'Healthy', reason: `StatefulSet has ${ready} ready pods` };
  }
  if (
    status.updateRevision &&
    status.updateRevision !== status.currentRevision
  ) {
    return {
      health: 'Progressing',
      reason: `Waiting for the rolling update to complete: ${
        num(status.updatedReplicas) ?? 0
      } pods at revision ${status.updateRevision}`,
    };
  }
  return { health: 'Healthy' };
}

/** The health of an Argo Rollouts Rollout. */
export function rolloutHealth(rollout: KubeObject): HealthResult {
  const spec = rollout.spec ?? {};
  const status = rollout.status ?? {};
  const conditions = readConditions(status.conditions);
  const progressing = conditions.find(c => c.type === 'Progressing');

  // Recent controllers compute the phase themselves.
  switch (status.phase) {
    case 'Healthy':
    case 'Progressing':
    case 'Degraded':
      return { health: status.phase, reason: status.message };
    case 'Paused':
      return {
        health: 'Suspended',
        reason: status.message ?? 'Rollout is paused',
      };
    default:
      break;
  }
  if (!observed(rollout)) {
    return {
      health: 'Progressing',
      reason: 'Waiting for the rollout spec update to be observed',
    };
  }
  const invalid = conditions.find(
    c => c.type === 'InvalidSpec' && c.status === 'True',
  );
  if (invalid) {
    return {
      health: 'Degraded',
      reason: invalid.message ?? 'Invalid rollout spec',
    };
  }
  if (
    progressing?.reason === 'ProgressDeadlineExceeded' ||
    progressing?.reason === 'RolloutAborted'
  ) {
    return {
      health: 'Degraded',
      reason: progressing.message ?? `Rollout: ${progressing.reason}`,
    };
  }
  if (
    spec.paused ||
    (Array.isArray(status.pauseConditions) && status.pauseConditions.length > 0)
  ) {
    return { health: 'Suspended', reason: 'Rollout is paused' };
  }
  return replicaRollout(spec, status) ?? { health: 'Healthy' };
}
