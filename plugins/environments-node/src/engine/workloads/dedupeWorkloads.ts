import { RepoReader } from '../files/repoReader';
import { DeclaredWorkload, DeployedBy } from '../types';

const isController = (d: DeployedBy | undefined) =>
  d !== undefined && d.kind !== 'folder';

const sameDeployer = (a?: DeployedBy, b?: DeployedBy) =>
  a?.kind === b?.kind && a?.name === b?.name;

function label(d: DeployedBy | undefined, root: string): string {
  return d && d.kind !== 'folder' ? `${d.kind} ${d.name}` : `folder ${root}`;
}

/** Which of two rows of one object to show: a controller's, then pinned tags, then the first folder. */
function better(a: DeclaredWorkload, b: DeclaredWorkload): DeclaredWorkload {
  const rank = (w: DeclaredWorkload) => [
    isController(w.deployedBy) ? 1 : 0,
    w.containers.filter(c => c.tag || c.digest).length,
  ];
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < ra.length; i++)
    if (ra[i] !== rb[i]) return ra[i] > rb[i] ? a : b;
  return a.root <= b.root ? a : b;
}

/** Whether two rows are one object in the cluster (see {@link dedupeWorkloads}). */
export function isSameObject(
  a: DeclaredWorkload,
  b: DeclaredWorkload,
): boolean {
  if (
    a.environment !== b.environment ||
    (a.cluster ?? '') !== (b.cluster ?? '') ||
    a.kind !== b.kind ||
    a.name !== b.name ||
    a.namespace !== b.namespace
  )
    return false;
  // two charts that name their Deployment alike, namespace unknown: two objects
  return !(
    a.namespace === null &&
    isController(a.deployedBy) &&
    isController(b.deployedBy) &&
    !sameDeployer(a.deployedBy, b.deployedBy)
  );
}

/** What a dropped row of an object says: a warning when two controllers declare it, else a note. */
function duplicateNote(
  kept: DeclaredWorkload,
  dropped: DeclaredWorkload,
): { message: string; severity: 'warning' | 'info' } {
  const where = `${kept.kind} ${kept.namespace ? `${kept.namespace}/` : ''}${
    kept.name
  } in ${kept.environment}`;
  const keptBy = label(kept.deployedBy, kept.root);
  const droppedBy = label(dropped.deployedBy, dropped.root);
  if (!isController(kept.deployedBy) || !isController(dropped.deployedBy))
    return {
      message: `${where} is also rendered from ${droppedBy}; shown once, from ${keptBy}`,
      severity: 'info',
    };
  if (sameDeployer(kept.deployedBy, dropped.deployedBy))
    return {
      message: `${where} is declared twice by ${keptBy} (from ${dropped.root} and from ${kept.root}); showing the latter`,
      severity: 'warning',
    };
  return {
    message: `${where} is declared by ${droppedBy} and by ${keptBy}; showing the latter`,
    severity: 'warning',
  };
}

/**
 * One row per object and environment: a folder rendered by its Argo CD
 * Application and again through an aggregating kustomization, or several
 * flavours of the same manifests, give the object once (the controller's
 * row first). Rows of one object from two deploying objects are a
 * warning; a doubled rendering is a note.
 */
export function dedupeWorkloads(
  workloads: DeclaredWorkload[],
  reader: RepoReader,
): DeclaredWorkload[] {
  const groups = new Map<string, DeclaredWorkload[][]>();
  for (const w of workloads) {
    const key = [w.environment, w.cluster ?? '', w.kind, w.namespace, w.name]
      .map(String)
      .join('\u0000');
    const buckets = groups.get(key) ?? [];
    const bucket = buckets.find(b => isSameObject(b[0], w));
    if (bucket) bucket.push(w);
    else buckets.push([w]);
    groups.set(key, buckets);
  }
  const out: DeclaredWorkload[] = [];
  for (const buckets of groups.values())
    for (const rows of buckets) {
      const kept = rows.reduce(better);
      out.push(kept);
      for (const dropped of rows) {
        if (dropped === kept) continue;
        const { message, severity } = duplicateNote(kept, dropped);
        reader.problem(
          dropped.containers.find(c => !c.init)?.source?.file ??
            (dropped.root || '.'),
          message,
          severity,
        );
      }
    }
  return out;
}
