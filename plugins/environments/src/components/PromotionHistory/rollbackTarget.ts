import {
  EnvironmentMatrix,
  HistoryEntry,
  Version,
} from '@stagecraft/plugin-environments-common';
import { PromotionTarget } from '../PromoteDialog';

/** The version an entry moved its environment to. */
export function entryVersion(entry: HistoryEntry): Version {
  return {
    images: entry.changes.map(change => ({
      application: change.application,
      container: change.container,
      image: change.to.image,
      tag: change.to.tag,
      digest: change.to.digest,
    })),
  };
}

function sameImage(
  a: { tag: string | null; digest: string | null },
  b: { tag: string | null; digest: string | null },
): boolean {
  return a.digest && b.digest ? a.digest === b.digest : a.tag === b.tag;
}

/**
 * The rollback that would restore what an entry deployed, or undefined when there is none to
 * offer: the entry did not deploy (a promotion that did not complete), its environment already
 * runs that version, or no promotion step into that environment lets the viewer promote.
 */
export function rollbackTarget(
  entry: HistoryEntry,
  matrix: EnvironmentMatrix,
): PromotionTarget | undefined {
  if (entry.kind === 'promotion' && entry.state !== 'completed') {
    return undefined;
  }
  if (entry.changes.length === 0) {
    return undefined;
  }
  const environment = matrix.environments.find(
    env => env.name === entry.environment,
  );
  if (!environment) {
    return undefined;
  }
  const step = (matrix.promotions ?? []).find(s => s.to === entry.environment);
  if (!step?.permission.allowed) {
    return undefined;
  }
  const runsIt = entry.changes.every(change =>
    environment.version.images.some(
      image =>
        image.application === change.application &&
        image.container === change.container &&
        sameImage(image, change.to),
    ),
  );
  if (runsIt) {
    return undefined;
  }
  return {
    from: entry.environment,
    to: entry.environment,
    version: entryVersion(entry),
  };
}
