import {
  EnvironmentLag,
  HistoryEntry,
  MatrixEnvironment,
} from '@stagecraft/plugin-environments-common';

type Value = string;

const COMMIT_SHA = /^[0-9a-f]{7,40}$/;

function valueOf(image: { tag: string | null; digest: string | null } | null) {
  return image?.tag ?? image?.digest ?? undefined;
}

/** The versions an environment declared for one container, oldest first, ending with its current one. */
function versionsOf(
  history: HistoryEntry[],
  environment: string,
  key: string,
  current: Value,
): Value[] {
  const sequence: Value[] = [];
  const push = (value: Value | undefined) => {
    if (value !== undefined && sequence[sequence.length - 1] !== value) {
      sequence.push(value);
    }
  };
  for (const entry of [...history].reverse()) {
    if (entry.environment !== environment) continue;
    for (const change of entry.changes) {
      if (`${change.application}/${change.container}` !== key) continue;
      push(valueOf(change.from));
      push(valueOf(change.to));
    }
  }
  push(current);
  return sequence;
}

/**
 * How far each environment lags behind the one before it: the number of versions the previous
 * environment went through (by the Git history of its version fields) since the one this
 * environment runs, counted in commits where the tags are commit SHAs. Unknown (null, with the
 * reason) when this environment runs a version the previous one never declared.
 */
export function environmentLag(
  environments: MatrixEnvironment[],
  history: HistoryEntry[],
): Map<string, EnvironmentLag> {
  const lags = new Map<string, EnvironmentLag>();
  environments.forEach((env, index) => {
    const previous = environments[index - 1];
    if (!previous) return;
    let behind: number | null = 0;
    const values: Value[] = [];
    const reasons: string[] = [];
    for (const image of env.version.images) {
      const mine = valueOf(image);
      const key = `${image.application}/${image.container}`;
      const theirs = valueOf(
        previous.version.images.find(
          i => `${i.application}/${i.container}` === key,
        ) ?? null,
      );
      if (mine === undefined || theirs === undefined) continue;
      values.push(mine, theirs);
      if (mine === theirs) continue;
      const sequence = versionsOf(history, previous.name, key, theirs);
      const at = sequence.lastIndexOf(mine);
      if (at < 0) {
        reasons.push(
          `${env.name} runs ${image.container} ${mine}, which ${previous.name} did not declare in the history read`,
        );
        continue;
      }
      behind = Math.max(behind ?? 0, sequence.length - 1 - at);
    }
    if (values.length === 0) return;
    const unit = values.every(v => COMMIT_SHA.test(v)) ? 'commits' : 'versions';
    lags.set(
      env.name,
      reasons.length > 0 && behind === 0
        ? { behind: null, unit, of: previous.name, reason: reasons.join('; ') }
        : { behind, unit, of: previous.name },
    );
  });
  return lags;
}
