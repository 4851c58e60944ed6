import {
  HistoryEntry,
  ImageVersion,
  MatrixEnvironment,
  Provenance,
} from '@stagecraft/plugin-environments-common';
import {
  parseImageRef,
  parseYamlPath,
} from '@stagecraft/plugin-environments-node';
import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { FileHistoryCommit } from '../../git';

/** A version field of one container in one environment, as the matrix's provenance names it. */
export type VersionField = {
  environment: string;
  application: string;
  container: string;
  provenance: Provenance;
};

type Change = HistoryEntry['changes'][number];

/** The version fields of some environments: each declared container's provenance. */
export function versionFieldsOf(
  environments: MatrixEnvironment[],
): VersionField[] {
  return environments.flatMap(env =>
    env.workloads.flatMap(workload =>
      (workload.declared?.containers ?? []).flatMap(container =>
        container.source
          ? [
              {
                environment: env.name,
                application: workload.application,
                container: container.name,
                provenance: container.source,
              },
            ]
          : [],
      ),
    ),
  );
}

/** The scalar at a provenance path in any document of a YAML file, or undefined. */
export function readYamlValue(text: string, path: string): string | undefined {
  const segments = parseYamlPath(path);
  if (!segments) {
    return undefined;
  }
  for (const document of parseAllDocuments(text)) {
    if (!('contents' in document)) {
      continue;
    }
    let node: unknown = document.contents;
    for (const segment of segments) {
      if (typeof segment === 'number' && isSeq(node)) {
        node = node.items[segment];
      } else if (typeof segment === 'string' && isMap(node)) {
        node = node.get(segment, true);
      } else {
        node = undefined;
        break;
      }
    }
    if (isScalar(node) && node.value !== null && node.value !== undefined) {
      return String(node.value);
    }
  }
  return undefined;
}

/**
 * What a version field holds, as an image version: a tag (`newTag`, `image.tag`, a chart's
 * `appVersion`), a digest, or a whole image reference.
 */
export function toImageVersion(path: string, value: string): ImageVersion {
  const last = path.split('.').pop() ?? '';
  if (/digest$/i.test(last)) {
    return { image: null, tag: null, digest: value };
  }
  if (
    /tag$/i.test(last) ||
    /^(appVersion|version|targetRevision)$/.test(last)
  ) {
    return { image: null, tag: value, digest: null };
  }
  const ref = parseImageRef(value);
  return { image: ref.name, tag: ref.tag, digest: ref.digest };
}

function sameVersion(a: ImageVersion | null, b: ImageVersion | null) {
  return a?.tag === b?.tag && a?.digest === b?.digest && a?.image === b?.image;
}

/**
 * The version changes that a file history holds: for each commit (newest first, as
 * `readFileHistory` returns them), the fields whose value differs from the previous commit's,
 * one entry per environment. The oldest commit is the baseline and makes no entry.
 */
export function versionHistory(
  fields: VersionField[],
  commits: FileHistoryCommit[],
): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  const previous = new Map<VersionField, ImageVersion | null>();
  const chronological = [...commits].reverse();

  chronological.forEach((commit, index) => {
    const changes = new Map<string, Change[]>();
    for (const field of fields) {
      const text = commit.files.get(field.provenance.file);
      const value =
        text === undefined
          ? undefined
          : readYamlValue(text, field.provenance.path);
      const version =
        value === undefined
          ? null
          : toImageVersion(field.provenance.path, value);
      const before = previous.get(field);
      previous.set(field, version);
      if (index === 0 || !version || sameVersion(before ?? null, version)) {
        continue;
      }
      const list = changes.get(field.environment) ?? [];
      list.push({
        application: field.application,
        container: field.container,
        from: before ?? null,
        to: version,
      });
      changes.set(field.environment, list);
    }
    for (const [environment, list] of changes) {
      entries.push({
        id: commit.sha,
        environment,
        kind: 'commit',
        changes: list,
        by: commit.author.login ?? commit.author.name,
        at: commit.date,
        message: commit.message,
        commit: { sha: commit.sha, ...(commit.url && { url: commit.url }) },
      });
    }
  });
  return entries.reverse();
}
