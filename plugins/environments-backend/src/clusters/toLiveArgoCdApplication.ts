import { KubeObject } from './objects';
import { Health, LiveArgoCdApplication, SyncStatus } from './types';

const HEALTH_VALUES: Health[] = [
  'Healthy',
  'Progressing',
  'Degraded',
  'Suspended',
  'Missing',
  'Unknown',
];

/** Argo CD reports health with the same words as ours; anything else is Unknown. */
function toHealth(value: unknown): Health {
  return HEALTH_VALUES.includes(value as Health)
    ? (value as Health)
    : 'Unknown';
}

function toSyncStatus(value: unknown): SyncStatus {
  return value === 'Synced' || value === 'OutOfSync' ? value : 'Unknown';
}

/**
 * The live state of an Argo CD Application: sync status and revision, and health, as Argo CD
 * reports them in `status.sync` and `status.health`.
 */
export function toLiveArgoCdApplication(
  cluster: string,
  application: KubeObject,
): LiveArgoCdApplication {
  const status = application.status ?? {};
  const sync = status.sync ?? {};
  let revision: string | undefined;
  if (typeof sync.revision === 'string') {
    revision = sync.revision;
  } else if (
    Array.isArray(sync.revisions) &&
    typeof sync.revisions[0] === 'string'
  ) {
    // Multi-source Applications: the first source's revision.
    revision = sync.revisions[0];
  }
  const destination = application.spec?.destination;
  const operationPhase: string | undefined = status.operationState?.phase;
  const lastChangeTime: string | undefined =
    status.operationState?.finishedAt ?? status.reconciledAt;
  const healthMessage: string | undefined = status.health?.message;
  const images: string[] = Array.isArray(status.summary?.images)
    ? status.summary.images.filter((i: unknown) => typeof i === 'string')
    : [];

  return {
    cluster,
    namespace: application.metadata?.namespace ?? '',
    name: application.metadata?.name ?? '',
    sync: {
      status: toSyncStatus(sync.status),
      controller: 'argocd',
      ...(revision && { revision }),
    },
    health: toHealth(status.health?.status),
    ...(healthMessage && { healthReason: healthMessage }),
    ...(destination && {
      destination: {
        ...(destination.server && { server: destination.server }),
        ...(destination.name && { name: destination.name }),
        ...(destination.namespace && { namespace: destination.namespace }),
      },
    }),
    images,
    ...(operationPhase && { operationPhase }),
    ...(lastChangeTime && { lastChangeTime }),
  };
}

/** The entry of a declared Application that the cluster does not have. */
export function missingArgoCdApplication(
  cluster: string,
  identity: { name: string; namespace?: string },
): LiveArgoCdApplication {
  return {
    cluster,
    namespace: identity.namespace ?? '',
    name: identity.name,
    sync: { status: 'Unknown', controller: 'argocd' },
    health: 'Missing',
    healthReason: `Argo CD Application '${identity.name}' is not in cluster '${cluster}'`,
    images: [],
  };
}
