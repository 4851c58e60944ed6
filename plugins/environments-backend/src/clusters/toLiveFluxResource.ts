import { KubeCondition, KubeObject, num, readConditions } from './objects';
import { HealthResult } from './health';
import {
  LiveCondition,
  LiveFluxKind,
  LiveFluxResource,
  SyncStatus,
} from './types';

function toCondition(c: KubeCondition): LiveCondition {
  return {
    type: c.type!,
    status: c.status === 'True' || c.status === 'False' ? c.status : 'Unknown',
    ...(c.reason && { reason: c.reason }),
    ...(c.message && { message: c.message }),
    ...(c.lastTransitionTime && { lastTransitionTime: c.lastTransitionTime }),
  };
}

type Revisions = { applied?: string; attempted?: string; changedAt?: string };

/**
 * The applied and attempted revisions. Flux fills `lastAppliedRevision`/`lastAttemptedRevision`;
 * newer HelmReleases keep `status.history` (release snapshots) and newer Kustomizations a
 * reconciliation history, which are used when those fields are absent.
 */
function revisions(kind: LiveFluxKind, status: any): Revisions {
  const history: any[] = Array.isArray(status.history) ? status.history : [];
  const result: Revisions = {
    applied:
      typeof status.lastAppliedRevision === 'string'
        ? status.lastAppliedRevision
        : undefined,
    attempted:
      typeof status.lastAttemptedRevision === 'string'
        ? status.lastAttemptedRevision
        : undefined,
  };
  if (kind === 'HelmRelease' && history.length > 0) {
    const byVersion = [...history].sort(
      (a, b) => (num(b.version) ?? 0) - (num(a.version) ?? 0),
    );
    const deployed = byVersion.find(h => h.status === 'deployed');
    result.applied ??= deployed?.chartVersion;
    result.attempted ??= byVersion[0]?.chartVersion;
    result.changedAt = deployed?.lastDeployed;
  }
  if (kind === 'Kustomization' && history.length > 0) {
    const byTime = [...history].sort(
      (a, b) =>
        (Date.parse(b.lastReconciled) || 0) -
        (Date.parse(a.lastReconciled) || 0),
    );
    const succeeded = byTime.find(h => h.lastReconciledStatus === 'success');
    result.applied ??= succeeded?.metadata?.originRevision;
    result.attempted ??= byTime[0]?.metadata?.originRevision;
    result.changedAt = succeeded?.lastReconciled;
  }
  return result;
}

/** Health from the kstatus-style conditions Flux sets. */
function fluxHealth(
  obj: KubeObject,
  ready: KubeCondition | undefined,
  conditions: KubeCondition[],
  rev: Revisions,
): HealthResult {
  if (obj.spec?.suspend === true) {
    return { health: 'Suspended', reason: 'Reconciliation is suspended' };
  }
  const reconciling = conditions.find(
    c => c.type === 'Reconciling' && c.status === 'True',
  );
  const stalled = conditions.find(
    c => c.type === 'Stalled' && c.status === 'True',
  );
  if (stalled) {
    return { health: 'Degraded', reason: stalled.message ?? stalled.reason };
  }
  if (reconciling) {
    return {
      health: 'Progressing',
      reason: reconciling.message ?? reconciling.reason,
    };
  }
  if (ready?.status === 'True') {
    return { health: 'Healthy', reason: ready.message };
  }
  if (ready?.status === 'False') {
    return ready.reason === 'Progressing' ||
      ready.reason === 'DependencyNotReady'
      ? { health: 'Progressing', reason: ready.message ?? ready.reason }
      : { health: 'Degraded', reason: ready.message ?? ready.reason };
  }
  if (ready) {
    return { health: 'Progressing', reason: ready.message ?? ready.reason };
  }
  if (rev.applied && rev.applied === rev.attempted) {
    return { health: 'Healthy', reason: `Applied revision ${rev.applied}` };
  }
  if (rev.attempted) {
    return {
      health: 'Degraded',
      reason: `Last attempt (${rev.attempted}) was not applied`,
    };
  }
  return {
    health: 'Unknown',
    reason: 'Flux has not reported a Ready condition',
  };
}

/**
 * The live state of a Flux HelmRelease or Kustomization: its Ready condition, the revision it last
 * applied, and the sync status Flux implies (Ready and applied = attempted → Synced).
 */
export function toLiveFluxResource(
  cluster: string,
  obj: KubeObject,
): LiveFluxResource {
  const kind = obj.kind as LiveFluxKind;
  const status = obj.status ?? {};
  const conditions = readConditions(status.conditions);
  const ready = conditions.find(c => c.type === 'Ready');
  const rev = revisions(kind, status);
  const health = fluxHealth(obj, ready, conditions, rev);

  let syncStatus: SyncStatus = 'Unknown';
  if (health.health === 'Healthy') {
    syncStatus =
      !rev.attempted || rev.applied === rev.attempted ? 'Synced' : 'OutOfSync';
  } else if (health.health === 'Degraded' || health.health === 'Progressing') {
    syncStatus = 'OutOfSync';
  }
  const lastChangeTime = ready?.lastTransitionTime ?? rev.changedAt;

  return {
    cluster,
    namespace: obj.metadata?.namespace ?? '',
    kind,
    name: obj.metadata?.name ?? '',
    ...(ready && { ready: toCondition(ready) }),
    ...(rev.applied && { lastAppliedRevision: rev.applied }),
    ...(rev.attempted && { lastAttemptedRevision: rev.attempted }),
    sync: {
      status: syncStatus,
      controller: 'flux',
      ...(rev.applied && { revision: rev.applied }),
    },
    health: health.health,
    ...(health.reason && { healthReason: health.reason }),
    ...(lastChangeTime && { lastChangeTime }),
  };
}

/** The entry of a declared Flux object that the cluster does not have. */
export function missingFluxResource(
  cluster: string,
  identity: { kind: LiveFluxKind; name: string; namespace?: string },
): LiveFluxResource {
  return {
    cluster,
    namespace: identity.namespace ?? '',
    kind: identity.kind,
    name: identity.name,
    sync: { status: 'Unknown', controller: 'flux' },
    health: 'Missing',
    healthReason: `${identity.kind} '${identity.name}' is not in cluster '${cluster}'`,
  };
}
