import type { DeclaredWorkload } from '@stagecraft/plugin-environments-node';
import { KubeObject } from '../store/ObjectStore';
import {
  imageDigest,
  safeSuffix,
  stableInt,
  stableUid,
  timestamp,
} from './hashes';

/** One pod template version of a workload (one ReplicaSet). */
export interface Revision {
  /** pod-template-hash */
  hash: string;
  /** deployment.kubernetes.io/revision */
  revision: number;
  containers: ContainerSpec[];
  /** Containers whose image:tag the registry does not have. */
  unpullable: string[];
  /** When this revision's ReplicaSet was created (ms). */
  createdAt: number;
}

export interface ContainerSpec {
  name: string;
  /** `repository:tag` or `repository@digest` as written in the pod spec. */
  image: string;
  repository: string;
  tag: string;
  digest: string | null;
  resources?: {
    requests?: Record<string, string>;
    limits?: Record<string, string>;
  };
  env: Array<{ name: string; value: string }>;
}

/** Where a rollout stands at a moment, as the Deployment controller would see it. */
export interface RolloutSnapshot {
  desired: number;
  current: Revision;
  /** The last fully rolled-out revision, when it differs from current. */
  stable?: Revision;
  /** Pods of the current revision that exist, and how many of them are ready. */
  newPods: number;
  newReady: number;
  /** Ready pods still running the stable revision. */
  oldPods: number;
  complete: boolean;
  deadlineExceeded: boolean;
  rolloutStartedAt: number;
  /** When the rollout finished (complete) or its deadline passed. */
  settledAt?: number;
  /** Since when the Deployment has had minimum availability. */
  availableSince?: number;
}

export interface WorkloadContext {
  cluster: string;
  workload: DeclaredWorkload;
  namespace: string;
  createdAt: number;
  generation: number;
  progressDeadlineSeconds: number;
}

export function containerSpecs(workload: DeclaredWorkload): ContainerSpec[] {
  const env = Object.entries(workload.env ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, value }));
  return workload.containers
    .filter(c => !c.init)
    .map(c => {
      const repository = c.image ?? c.name;
      const tag = c.tag ?? 'latest';
      let image = `${repository}:${tag}`;
      if (c.digest)
        image = c.tag ? `${image}@${c.digest}` : `${repository}@${c.digest}`;
      return {
        name: c.name,
        image,
        repository,
        tag,
        digest: c.digest,
        ...(c.resources ? { resources: c.resources } : {}),
        env,
      };
    });
}

export function templateHash(containers: ContainerSpec[]): string {
  return safeSuffix(JSON.stringify(containers), 10);
}

/** The labels a workload's pods carry (and its selector). */
export function podLabels(workload: DeclaredWorkload): Record<string, string> {
  return {
    app: workload.name,
    'backstage.io/kubernetes-id': workload.application,
  };
}

export function workloadLabels(
  workload: DeclaredWorkload,
): Record<string, string> {
  return {
    app: workload.name,
    'app.kubernetes.io/name': workload.application,
    'app.kubernetes.io/managed-by': 'stagecraft-cluster-standin',
    'backstage.io/kubernetes-id': workload.application,
  };
}

function podSpecContainers(containers: ContainerSpec[]) {
  return containers.map(c => ({
    name: c.name,
    image: c.image,
    imagePullPolicy: 'IfNotPresent',
    ...(c.env.length > 0 ? { env: c.env } : {}),
    ...(c.resources ? { resources: c.resources } : { resources: {} }),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  }));
}

function podTemplate(ctx: WorkloadContext, revision: Revision) {
  return {
    metadata: {
      labels: {
        ...podLabels(ctx.workload),
        'pod-template-hash': revision.hash,
      },
    },
    spec: {
      containers: podSpecContainers(revision.containers),
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
    },
  };
}

function uidOf(ctx: WorkloadContext, kind: string, name: string) {
  return stableUid(
    `${ctx.cluster}/${ctx.namespace}/${kind}/${name}/${ctx.createdAt}`,
  );
}

export function replicaSetName(workload: DeclaredWorkload, revision: Revision) {
  return `${workload.name}-${revision.hash}`;
}

/** Rolling-update defaults (25 % surge, 25 % unavailable), resolved as Kubernetes does. */
export function rollingUpdateBounds(desired: number) {
  const maxSurge = Math.ceil(desired * 0.25);
  let maxUnavailable = Math.floor(desired * 0.25);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

export function buildDeployment(
  ctx: WorkloadContext,
  snap: RolloutSnapshot,
): KubeObject {
  const { workload } = ctx;
  const rsName = replicaSetName(workload, snap.current);
  const replicas = snap.newPods + snap.oldPods;
  const available = snap.newReady + snap.oldPods;
  const { maxUnavailable } = rollingUpdateBounds(snap.desired);
  const isAvailable =
    available >= snap.desired - maxUnavailable && available > 0;
  const availableSince = snap.availableSince ?? ctx.createdAt;

  let progressing;
  if (snap.complete) {
    progressing = {
      type: 'Progressing',
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${rsName}" has successfully progressed.`,
      lastUpdateTime: timestamp(snap.settledAt ?? snap.rolloutStartedAt),
      lastTransitionTime: timestamp(ctx.createdAt),
    };
  } else if (snap.deadlineExceeded) {
    progressing = {
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${rsName}" has timed out progressing.`,
      lastUpdateTime: timestamp(snap.settledAt ?? snap.rolloutStartedAt),
      lastTransitionTime: timestamp(snap.settledAt ?? snap.rolloutStartedAt),
    };
  } else {
    progressing = {
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: `ReplicaSet "${rsName}" is progressing.`,
      lastUpdateTime: timestamp(snap.rolloutStartedAt),
      lastTransitionTime: timestamp(ctx.createdAt),
    };
  }
  const availableCondition = isAvailable
    ? {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
        lastUpdateTime: timestamp(availableSince),
        lastTransitionTime: timestamp(availableSince),
      }
    : {
        type: 'Available',
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
        message: 'Deployment does not have minimum availability.',
        lastUpdateTime: timestamp(ctx.createdAt),
        lastTransitionTime: timestamp(ctx.createdAt),
      };

  const status: Record<string, unknown> = {
    observedGeneration: ctx.generation,
    replicas,
    updatedReplicas: snap.newPods,
    readyReplicas: available,
    availableReplicas: available,
    conditions: [availableCondition, progressing],
  };
  if (replicas - available > 0)
    status.unavailableReplicas = replicas - available;
  if (available === 0) {
    delete status.readyReplicas;
    delete status.availableReplicas;
  }

  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: workload.name,
      namespace: ctx.namespace,
      uid: uidOf(ctx, 'Deployment', workload.name),
      generation: ctx.generation,
      creationTimestamp: timestamp(ctx.createdAt),
      labels: workloadLabels(workload),
      annotations: {
        'deployment.kubernetes.io/revision': String(snap.current.revision),
        'stagecraft.io/standin': 'true',
      },
    },
    spec: {
      replicas: snap.desired,
      selector: { matchLabels: podLabels(workload) },
      template: {
        metadata: { labels: podLabels(workload) },
        spec: podTemplate(ctx, snap.current).spec,
      },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: ctx.progressDeadlineSeconds,
    },
    status,
  };
}

export function buildReplicaSet(
  ctx: WorkloadContext,
  revision: Revision,
  replicas: number,
  ready: number,
  desired: number,
): KubeObject {
  const { workload } = ctx;
  const name = replicaSetName(workload, revision);
  const { maxSurge } = rollingUpdateBounds(desired);
  const status: Record<string, unknown> = {
    replicas,
    fullyLabeledReplicas: replicas,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: 1,
  };
  if (replicas === 0) delete status.fullyLabeledReplicas;
  if (ready === 0) {
    delete status.readyReplicas;
    delete status.availableReplicas;
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: ctx.namespace,
      uid: uidOf(ctx, 'ReplicaSet', name),
      generation: 1,
      creationTimestamp: timestamp(revision.createdAt),
      labels: { ...podLabels(workload), 'pod-template-hash': revision.hash },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(desired),
        'deployment.kubernetes.io/max-replicas': String(desired + maxSurge),
        'deployment.kubernetes.io/revision': String(revision.revision),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: workload.name,
          uid: uidOf(ctx, 'Deployment', workload.name),
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      selector: {
        matchLabels: {
          ...podLabels(workload),
          'pod-template-hash': revision.hash,
        },
      },
      template: podTemplate(ctx, revision),
    },
    status,
  };
}

export type PodState = 'running' | 'creating' | 'imagePullBackOff';

export function buildPod(
  ctx: WorkloadContext,
  revision: Revision,
  index: number,
  state: PodState,
  createdAt: number,
): KubeObject {
  const { workload } = ctx;
  const rsName = replicaSetName(workload, revision);
  const name = `${rsName}-${safeSuffix(`${rsName}/${index}`, 5)}`;
  const created = timestamp(createdAt);
  const ready = state === 'running';
  const ip = `10.${stableInt(ctx.cluster, 1, 250)}.${stableInt(
    rsName,
    0,
    255,
  )}.${(index % 250) + 2}`;
  const containerStatuses = revision.containers.map(c => {
    const base = {
      name: c.name,
      image: c.image,
      imageID: '',
      ready,
      restartCount: 0,
      started: ready,
    };
    if (state === 'running') {
      const digest = c.digest ?? imageDigest(c.repository, c.tag);
      return {
        ...base,
        imageID: `docker-pullable://${c.repository}@${digest}`,
        containerID: `containerd://${safeSuffix(`${name}/${c.name}`, 32)}`,
        state: { running: { startedAt: created } },
      };
    }
    if (state === 'imagePullBackOff' && revision.unpullable.includes(c.name)) {
      return {
        ...base,
        state: {
          waiting: {
            reason: 'ImagePullBackOff',
            message: `Back-off pulling image "${c.image}"`,
          },
        },
      };
    }
    return { ...base, state: { waiting: { reason: 'ContainerCreating' } } };
  });
  const notReady = revision.containers.map(c => c.name).join(' ');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: `${rsName}-`,
      namespace: ctx.namespace,
      uid: uidOf(ctx, 'Pod', name),
      creationTimestamp: created,
      labels: { ...podLabels(workload), 'pod-template-hash': revision.hash },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rsName,
          uid: uidOf(ctx, 'ReplicaSet', rsName),
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      ...podTemplate(ctx, revision).spec,
      nodeName: `${ctx.cluster}-node-1`,
      schedulerName: 'default-scheduler',
    },
    status: {
      phase: ready ? 'Running' : 'Pending',
      conditions: [
        {
          type: 'Initialized',
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: created,
        },
        ready
          ? {
              type: 'Ready',
              status: 'True',
              lastProbeTime: null,
              lastTransitionTime: created,
            }
          : {
              type: 'Ready',
              status: 'False',
              lastProbeTime: null,
              lastTransitionTime: created,
              reason: 'ContainersNotReady',
              message: `containers with unready status: [${notReady}]`,
            },
        ready
          ? {
              type: 'ContainersReady',
              status: 'True',
              lastProbeTime: null,
              lastTransitionTime: created,
            }
          : {
              type: 'ContainersReady',
              status: 'False',
              lastProbeTime: null,
              lastTransitionTime: created,
              reason: 'ContainersNotReady',
              message: `containers with unready status: [${notReady}]`,
            },
        {
          type: 'PodScheduled',
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: created,
        },
      ],
      containerStatuses,
      hostIP: '192.168.49.2',
      podIP: ip,
      podIPs: [{ ip }],
      qosClass: revision.containers.some(c => c.resources?.requests)
        ? 'Burstable'
        : 'BestEffort',
      startTime: created,
    },
  };
}

export function buildHpa(
  ctx: WorkloadContext,
  currentReplicas: number,
  desired: number,
): KubeObject | undefined {
  const { workload } = ctx;
  const a = workload.autoscaling;
  if (!a) return undefined;
  const metrics = a.targets.map(t => {
    const target: Record<string, unknown> = {};
    if (t.averageUtilization !== undefined) {
      target.type = 'Utilization';
      target.averageUtilization = t.averageUtilization;
    } else if (t.averageValue !== undefined) {
      target.type = 'AverageValue';
      target.averageValue = t.averageValue;
    } else if (t.value !== undefined) {
      target.type = 'Value';
      target.value = t.value;
    }
    if (t.type === 'Resource' || t.name === 'cpu' || t.name === 'memory') {
      return { type: 'Resource', resource: { name: t.name, target } };
    }
    return { type: t.type, pods: { metric: { name: t.name }, target } };
  });
  const currentMetrics = a.targets
    .filter(t => t.averageUtilization !== undefined)
    .map(t => ({
      type: 'Resource',
      resource: {
        name: t.name,
        current: {
          averageUtilization: stableInt(`${workload.name}/${t.name}`, 15, 60),
        },
      },
    }));
  const created = timestamp(ctx.createdAt);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: a.name,
      namespace: ctx.namespace,
      uid: uidOf(ctx, 'HorizontalPodAutoscaler', a.name),
      creationTimestamp: created,
      labels: workloadLabels(workload),
    },
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: workload.kind,
        name: workload.name,
      },
      ...(a.minReplicas !== null ? { minReplicas: a.minReplicas } : {}),
      maxReplicas: a.maxReplicas ?? a.minReplicas ?? 1,
      metrics,
    },
    status: {
      currentReplicas,
      desiredReplicas: desired,
      currentMetrics,
      conditions: [
        {
          type: 'AbleToScale',
          status: 'True',
          reason: 'ReadyForNewScale',
          message: 'recommended size matches current size',
          lastTransitionTime: created,
        },
        {
          type: 'ScalingActive',
          status: 'True',
          reason: 'ValidMetricFound',
          message:
            'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
          lastTransitionTime: created,
        },
        {
          type: 'ScalingLimited',
          status: 'False',
          reason: 'DesiredWithinRange',
          message: 'the desired count is within the acceptable range',
          lastTransitionTime: created,
        },
      ],
    },
  };
}

export function buildService(ctx: WorkloadContext): KubeObject {
  const { workload } = ctx;
  const clusterIP = `10.96.${stableInt(
    `${ctx.namespace}/${workload.name}`,
    0,
    255,
  )}.${stableInt(workload.name, 2, 254)}`;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: workload.name,
      namespace: ctx.namespace,
      uid: uidOf(ctx, 'Service', workload.name),
      creationTimestamp: timestamp(ctx.createdAt),
      labels: workloadLabels(workload),
    },
    spec: {
      type: 'ClusterIP',
      clusterIP,
      clusterIPs: [clusterIP],
      selector: podLabels(workload),
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
      sessionAffinity: 'None',
    },
    status: { loadBalancer: {} },
  };
}

export function buildIngress(ctx: WorkloadContext): KubeObject | undefined {
  const { workload } = ctx;
  if (workload.ingressHosts.length === 0) return undefined;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: workload.name,
      namespace: ctx.namespace,
      uid: uidOf(ctx, 'Ingress', workload.name),
      generation: 1,
      creationTimestamp: timestamp(ctx.createdAt),
      labels: workloadLabels(workload),
    },
    spec: {
      ingressClassName: 'nginx',
      rules: workload.ingressHosts.map(host => ({
        host,
        http: {
          paths: [
            {
              path: '/',
              pathType: 'Prefix',
              backend: {
                service: { name: workload.name, port: { number: 80 } },
              },
            },
          ],
        },
      })),
    },
    status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } },
  };
}

export function buildNamespace(name: string, createdAt: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid: stableUid(`namespace/${name}`),
      creationTimestamp: timestamp(createdAt),
      labels: { 'kubernetes.io/metadata.name': name },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}
