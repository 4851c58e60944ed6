/**
 * The few fields of Kubernetes, Argo CD, Argo Rollouts and Flux objects that the live-state reader
 * uses. Everything is optional: clusters, CRD versions and fixtures differ in what they fill in.
 */

export type ObjectMeta = {
  name?: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ kind?: string; name?: string; uid?: string }>;
};

export type KubeCondition = {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
};

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: any;
  status?: any;
};

export type ContainerSpec = { name?: string; image?: string };

export type PodTemplate = {
  metadata?: { labels?: Record<string, string> };
  spec?: { containers?: ContainerSpec[]; initContainers?: ContainerSpec[] };
};

export type ContainerStatus = {
  name?: string;
  image?: string;
  imageID?: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: { reason?: string; message?: string; exitCode?: number };
  };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
};

export type Pod = Omit<KubeObject, 'spec' | 'status'> & {
  spec?: { restartPolicy?: string; containers?: ContainerSpec[] };
  status?: {
    phase?: string;
    message?: string;
    reason?: string;
    conditions?: KubeCondition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
};

/** Reads a list of conditions into typed conditions, skipping malformed ones. */
export function readConditions(value: unknown): KubeCondition[] {
  return Array.isArray(value)
    ? value.filter(
        (c): c is KubeCondition =>
          typeof c === 'object' && c !== null && typeof c.type === 'string',
      )
    : [];
}

/** A number from a status field, or undefined. */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}
