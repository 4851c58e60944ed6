import { isMap, isScalar, isSeq, YAMLMap } from 'yaml';
import {
  basenameOf,
  isWithin,
  RepositoryFiles,
} from '../files/repositoryFiles';
import { KUSTOMIZATION_FILE_NAMES } from '../kustomize/kustomizeBuild';
import { formatImageRef, parseImageRef } from '../kustomize/imageRef';
import { scanRepository, ScanOptions } from '../scan';
import {
  DeclaredContainer,
  DeclaredModel,
  DeclaredWorkload,
  Environment,
  Provenance,
  ValuesLayer,
} from '../types';
import { validateImageVersion } from './ociReference';
import { EditedFiles, envList, fileText } from './editedFiles';
import {
  appendItem,
  appendToTopLevelList,
  deletePair,
  formatScalar,
  insertPair,
  pairOf,
  parseYamlPath,
  replaceScalar,
  sequenceIndent,
  setValueAt,
  YamlText,
} from './yamlEdit';

/**
 * The version to move into an environment: per application and container,
 * the new tag and/or digest. Shaped like the matrix's `Version`, so one can
 * be passed as the other.
 *
 * @public
 */
export interface Version {
  images: Array<{
    application: string;
    container: string;
    /** Image repository; informative (promotion changes tags and digests, not repositories). */
    image?: string | null;
    /** New tag; null removes the tag (digest-only reference). */
    tag: string | null;
    /** New digest (`sha256:…`); null removes a pinned digest. */
    digest: string | null;
  }>;
  /**
   * Chart version, for workloads whose deploying object pins one (Flux
   * `spec.chart.spec.version`, Argo CD `targetRevision`); all of the
   * environment's pinned charts, or only `application`'s.
   */
  chart?: { version: string; application?: string } | null;
}

/**
 * An image's version before or after a change.
 *
 * @public
 */
export interface ImageVersion {
  image: string | null;
  tag: string | null;
  digest: string | null;
}

/**
 * One file's contents before and after a planned change.
 *
 * @public
 */
export interface FileEdit {
  file: string;
  before: string;
  after: string;
}

/**
 * One container whose version the plan changes, and where.
 *
 * @public
 */
export interface VersionChange {
  application: string;
  container: string;
  /** `Kind/name` of the workload. */
  workload: string;
  from: ImageVersion;
  to: ImageVersion;
  /** Where the version is written (after the edit). */
  provenance: Provenance;
}

/**
 * A requested change the plan does not make, and why.
 *
 * @public
 */
export interface VersionRefusal {
  application: string;
  container: string;
  reason: string;
}

/**
 * The result of {@link planVersionChange}.
 *
 * @public
 */
export interface VersionChangePlan {
  environment: string;
  edits: FileEdit[];
  changes: VersionChange[];
  refusals: VersionRefusal[];
}

/**
 * Options of {@link planVersionChange}.
 *
 * @public
 */
export interface PlanVersionChangeOptions {
  /** The options the model was scanned with (used to re-scan the edited files). */
  scan?: ScanOptions;
  /**
   * Re-scan with the edits applied and refuse any change that alters
   * another environment or does not reach the target (default true).
   */
  verify?: boolean;
}

type Request = Version['images'][number];

/** One planned operation on one file, re-located in the current text each time it runs. */
interface Operation {
  file: string;
  /** Identity, so two containers sharing one field edit it once. */
  key: string;
  apply(text: string): string;
  /** Where the version lives after the edit. */
  locate(text: string): Provenance;
}

interface Planned {
  request: Request;
  /** Set for a chart version change: the version wanted. */
  chart?: string;
  operations: Operation[];
  changes: VersionChange[];
}

const IMAGES_ENTRY = /^images\[(\d+)\]\.(newTag|digest|newName|name)$/;

function containerKey(w: DeclaredWorkload, c: DeclaredContainer): string {
  return [
    w.environment,
    w.application,
    w.kind,
    w.name,
    w.root,
    c.init ? 'init' : '',
    c.name,
  ].join('\u0000');
}

function versionOf(c: DeclaredContainer): ImageVersion {
  return { image: c.image, tag: c.tag, digest: c.digest };
}

function sameVersion(a: ImageVersion, b: ImageVersion): boolean {
  return a.image === b.image && a.tag === b.tag && a.digest === b.digest;
}

function versions(model: DeclaredModel): Map<string, ImageVersion> {
  const out = new Map<string, ImageVersion>();
  for (const w of model.workloads) {
    for (const c of w.containers) out.set(containerKey(w, c), versionOf(c));
    if (w.helm?.chartVersion)
      out.set(containerKey(w, { name: '\u0001chart' } as DeclaredContainer), {
        image: w.helm.chart,
        tag: w.helm.chartVersion,
        digest: null,
      });
  }
  return out;
}

/** Files each environment's workloads read a field from. */
function environmentsByFile(model: DeclaredModel): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (p: Provenance | null | undefined, env: string) => {
    if (!p) return;
    for (const key of [
      p.file,
      ...(p.document !== undefined ? [`${p.file}#${p.document}`] : []),
    ]) {
      if (!out.has(key)) out.set(key, new Set());
      out.get(key)!.add(env);
    }
  };
  for (const w of model.workloads) {
    for (const p of Object.values(w.provenance)) add(p, w.environment);
    for (const c of w.containers) add(c.source, w.environment);
    for (const l of w.helm?.layers ?? [])
      add(
        { file: l.file, path: l.path, line: 1, document: l.document },
        w.environment,
      );
  }
  return out;
}

function withDocument(p: Provenance, document?: number): Provenance {
  return document === undefined ? p : { ...p, document };
}

/** Sets `newTag`/`digest` of `images[index]` in a kustomization. */
function imagesEntryOperation(
  file: string,
  index: number,
  tag: string | null,
  digest: string | null,
): Operation {
  const entryOf = (yt: YamlText): YAMLMap => {
    const entry = yt.nodeAt(['images', index]);
    if (!isMap(entry)) throw new Error(`images[${index}] is not a map`);
    return entry;
  };
  const set = (t: string, key: string, value: string | null): string => {
    const yt = new YamlText(t);
    const entry = entryOf(yt);
    const pair = pairOf(entry, key);
    if (value === null) return pair ? deletePair(yt, entry, key) : t;
    if (pair && isScalar(pair.value)) {
      if (String(pair.value.value) === value) return t;
      return replaceScalar(t, pair.value, value);
    }
    if (pair) throw new Error(`images[${index}].${key} is not a scalar`);
    return insertPair(
      yt,
      entry,
      key,
      () =>
        ` ${key === 'newTag' ? JSON.stringify(value) : formatScalar(value)}`,
    );
  };
  return {
    file,
    key: `${file}#images[${index}]`,
    apply: t => set(set(t, 'newTag', tag), 'digest', digest),
    locate: t => {
      const yt = new YamlText(t);
      const key = tag !== null ? 'newTag' : 'digest';
      const node = yt.nodeAt(['images', index, key]);
      return {
        file,
        path: `images[${index}].${key}`,
        line: yt.lineOf(node?.range?.[0] ?? 0),
      };
    },
  };
}

/** Adds (or updates) an `images:` entry named `name` in a kustomization. */
function overlayImageOperation(
  file: string,
  name: string,
  tag: string | null,
  digest: string | null,
): Operation {
  const findIndex = (yt: YamlText): number => {
    const images = yt.nodeAt(['images']);
    if (!isSeq(images)) return -1;
    return images.items.findIndex(
      i => isMap(i) && String(pairOf(i, 'name')?.value ?? '') === name,
    );
  };
  const fields = (indent: string, flow: boolean): string => {
    const parts = [`name: ${formatScalar(name)}`];
    if (tag !== null) parts.push(`newTag: ${JSON.stringify(tag)}`);
    if (digest !== null) parts.push(`digest: ${formatScalar(digest)}`);
    return flow ? `{${parts.join(', ')}}` : parts.join(`\n${indent}`);
  };
  return {
    file,
    key: `${file}#images/${name}`,
    apply: t => {
      const yt = new YamlText(t);
      const index = findIndex(yt);
      if (index >= 0)
        return imagesEntryOperation(file, index, tag, digest).apply(t);
      return appendToTopLevelList(yt, 'images', fields);
    },
    locate: t => {
      const yt = new YamlText(t);
      const index = findIndex(yt);
      return imagesEntryOperation(file, index, tag, digest).locate(t);
    },
  };
}

/** Rewrites the tag/digest of an image reference held by a scalar. */
function imageScalarOperation(
  source: Provenance,
  tag: string | null,
  digest: string | null,
): Operation {
  const path = parseYamlPath(source.path);
  const nodeOf = (yt: YamlText) => {
    const node = path ? yt.nodeAt(path, source.document ?? 0) : undefined;
    if (!isScalar(node) || typeof node.value !== 'string')
      throw new Error(`${source.path} is not an image reference`);
    return node;
  };
  return {
    file: source.file,
    key: `${source.file}#${source.document ?? 0}#${source.path}`,
    apply: t => {
      const yt = new YamlText(t);
      const node = nodeOf(yt);
      const ref = parseImageRef(node.value as string);
      const next = formatImageRef({ name: ref.name, tag, digest });
      return next === node.value ? t : replaceScalar(t, node, next);
    },
    locate: t => {
      const yt = new YamlText(t);
      const node = nodeOf(yt);
      return withDocument(
        {
          file: source.file,
          path: source.path,
          line: yt.lineOf(node.range?.[0] ?? 0),
        },
        source.document,
      );
    },
  };
}

/** Sets a Helm value (a tag, a digest) at `path` below a values layer, creating maps as needed. */
function valueOperation(
  layer: ValuesLayer,
  valuePath: string,
  value: string,
): Operation {
  const segments = [
    ...(layer.path ? layer.path.split('.') : []),
    ...valuePath.split('.'),
  ];
  const path = segments.join('.');
  return {
    file: layer.file,
    key: `${layer.file}#${layer.document ?? 0}#${path}`,
    apply: t => setValueAt(t, segments, value, layer.document ?? 0),
    locate: t => {
      const yt = new YamlText(t);
      const node = yt.nodeAt(segments, layer.document ?? 0);
      return withDocument(
        { file: layer.file, path, line: yt.lineOf(node?.range?.[0] ?? 0) },
        layer.document,
      );
    },
  };
}

/** Runs several operations as one (located by the first). */
function allOf(ops: Operation[]): Operation {
  return {
    file: ops[0].file,
    key: ops.map(o => o.key).join('|'),
    apply: t =>
      ops.reduce((acc, o) => (o.file === ops[0].file ? o.apply(acc) : acc), t),
    locate: t => ops[0].locate(t),
  };
}

const LINE_VALUE =
  /^(\s*(?:-\s+)?(?:"[^"]*"|'[^']*'|[^\s:#'"][^:#]*):[ \t]+)(["']?)([^\s"'#]+)\2([ \t]*(?:#.*)?)$/;

/**
 * Writes `value` into the scalar at `source` (a tag, a chart version). When
 * the provenance points into YAML embedded in a string (a ConfigMap's
 * `values.yaml: |`), the value on that line is replaced.
 */
function scalarOperation(
  source: Provenance,
  old: string | null,
  value: string,
): Operation {
  const path = parseYamlPath(source.path);
  const find = (t: string) => {
    const yt = new YamlText(t);
    const node = path ? yt.nodeAt(path, source.document ?? 0) : undefined;
    if (!isScalar(node) || !node.range)
      throw new Error(`${source.file}: ${source.path} could not be located`);
    return { yt, node };
  };
  const embedded = (t: string) => {
    const { node } = find(t);
    return node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  };
  return {
    file: source.file,
    key: `${source.file}#${source.document ?? 0}#${source.path}#${source.line}`,
    apply: t => {
      const { yt, node } = find(t);
      if (!embedded(t)) {
        if (String(node.value ?? '') === value) return t;
        if (node.value === null || node.value === '')
          return (
            t.slice(0, node.range![0]) +
            JSON.stringify(value) +
            t.slice(node.range![1])
          );
        return replaceScalar(t, node, value);
      }
      const offset = source.line - yt.lineOf(node.range![0]);
      const lines = t.split('\n');
      const n = yt.lineOf(node.range![0]) + offset - 1;
      const m = LINE_VALUE.exec(lines[n] ?? '');
      if (!m || m[3] !== old)
        throw new Error(`line ${n + 1} of ${source.file} does not hold ${old}`);
      const quoted = m[2] || (formatScalar(value) === value ? '' : '"');
      lines[n] = `${m[1]}${quoted}${value}${quoted}${m[4]}`;
      return lines.join('\n');
    },
    locate: t => {
      const { yt, node } = find(t);
      return withDocument(
        {
          file: source.file,
          path: source.path,
          line: embedded(t) ? source.line : yt.lineOf(node.range![0]),
        },
        source.document,
      );
    },
  };
}

/**
 * Adds an inline strategic-merge patch of a Flux HelmRelease's values to a
 * kustomization (the target overlay), e.g. `spec.values.image.tag`.
 */
function overlayValuesPatchOperation(
  file: string,
  object: { apiVersion: string; kind: string; name: string },
  valuePath: string,
  value: string,
): Operation {
  const segments = ['spec', 'values', ...valuePath.split('.')];
  const lines = [
    `apiVersion: ${object.apiVersion}`,
    `kind: ${object.kind}`,
    'metadata:',
    `  name: ${formatScalar(object.name)}`,
  ];
  segments.forEach((seg, i) => {
    const pad = '  '.repeat(i);
    lines.push(
      i === segments.length - 1
        ? `${pad}${formatScalar(seg)}: ${JSON.stringify(value)}`
        : `${pad}${formatScalar(seg)}:`,
    );
  });
  const item = (indent: string, flow: boolean) =>
    flow
      ? `{patch: ${JSON.stringify(lines.join('\n'))}}`
      : `patch: |-\n${lines.map(l => `${indent}  ${l}`).join('\n')}`;
  const key = `${file}#patches/${object.kind}/${object.name}/${valuePath}`;
  return {
    file,
    key,
    apply: t => {
      const yt = new YamlText(t);
      const patches = yt.nodeAt(['patches']);
      if (isSeq(patches) && patches.items.length > 0)
        return appendItem(yt, patches, item);
      const root = yt.doc()?.contents;
      if (!isMap(root) || patches !== undefined)
        throw new Error(`${file} has no usable \`patches:\` list`);
      const seqIndent = ' '.repeat(sequenceIndent(yt));
      return insertPair(yt, root, 'patches', (indent, flow) =>
        flow
          ? ` [${item('', true)}]`
          : `\n${indent}${seqIndent}- ${item(
              `${indent}${seqIndent}  `,
              false,
            )}`,
      );
    },
    locate: t => {
      const yt = new YamlText(t);
      const patches = yt.nodeAt(['patches']);
      const index = isSeq(patches) ? patches.items.length - 1 : 0;
      const node = yt.nodeAt(['patches', index, 'patch']);
      const start = node?.range?.[0] ?? 0;
      return {
        file,
        path: `patches[${index}].patch`,
        line: yt.lineOf(start) + lines.length,
      };
    },
  };
}

/**
 * Rewrites an image reference on one line of a string that holds YAML (an
 * inline kustomize patch), found relative to the string's own line.
 */
function inlineLineOperation(
  source: Provenance,
  holderLine: number,
  oldRef: ImageVersion,
  tag: string | null,
  digest: string | null,
): Operation {
  const holderPath = parseYamlPath(source.path);
  const offset = source.line - holderLine;
  const lineOf = (t: string): number => {
    const yt = new YamlText(t);
    const holder = holderPath
      ? yt.nodeAt(holderPath, source.document ?? 0)
      : undefined;
    if (!isScalar(holder) || !holder.range)
      throw new Error(`${source.path} is not an inline patch`);
    return yt.lineOf(holder.range[0]) + offset;
  };
  return {
    file: source.file,
    key: `${source.file}#${source.document ?? 0}#${source.path}#${offset}`,
    apply: t => {
      const lines = t.split('\n');
      const n = lineOf(t) - 1;
      const m = LINE_VALUE.exec(lines[n] ?? '');
      if (!m) throw new Error(`no image reference on line ${n + 1}`);
      const ref = parseImageRef(m[3]);
      if (ref.tag !== oldRef.tag || ref.digest !== oldRef.digest)
        throw new Error(`line ${n + 1} does not hold the declared image`);
      const next = formatImageRef({ name: ref.name, tag, digest });
      lines[n] = `${m[1]}${m[2]}${next}${m[2]}${m[4]}`;
      return lines.join('\n');
    },
    locate: t => withDocument({ ...source, line: lineOf(t) }, source.document),
  };
}

/**
 * Plans the file edits that move `targetEnvironment` to `version`: each
 * container's tag/digest is changed where the model's provenance says a
 * human edits it, keeping comments, key order, quoting and indentation.
 * When that field lives outside the target environment (a base) and the
 * target renders its own kustomization, an `images:` entry is added there
 * instead. Fields in files shared with other environments are refused,
 * naming the file and the environments. Nothing is written: the edits are
 * returned with their before/after contents.
 *
 * @public
 */
export async function planVersionChange(
  model: DeclaredModel,
  files: RepositoryFiles,
  targetEnvironment: string,
  version: Version,
  options: PlanVersionChangeOptions = {},
): Promise<VersionChangePlan> {
  const env = model.environments.find(e => e.name === targetEnvironment);
  if (!env)
    throw new Error(
      `environment "${targetEnvironment}" not found (known: ${envList(
        model.environments.map(e => e.name),
      )})`,
    );
  const usage = environmentsByFile(model);
  const originals = new Map<string, string>();
  const read = async (file: string): Promise<string> => {
    if (!originals.has(file))
      originals.set(file, fileText(await files.read(file)));
    return originals.get(file)!;
  };
  const listing = (await files.list()).files;
  const listed = new Set(listing);

  const inEnvironment = (file: string) =>
    env.paths.some(p => isWithin(file, p));
  /** Environments other than the target that read `file` (or that document of it). */
  const others = (file: string, document?: number) =>
    [
      ...(usage.get(document === undefined ? file : `${file}#${document}`) ??
        []),
    ].filter(n => n !== env.name);
  /**
   * A file (document) is the target's own when it lies in the target's
   * folders and no other environment reads it; for objects that name their
   * sources (Helm values, Flux, Argo CD), also when only the target reads it.
   */
  let byUse = false;
  const own = (file: string, document?: number) =>
    others(file, document).length === 0 &&
    (inEnvironment(file) ||
      (byUse &&
        (usage
          .get(document === undefined ? file : `${file}#${document}`)
          ?.has(env.name) ??
          false)));
  const refusals: VersionRefusal[] = [];
  const planned: Planned[] = [];
  const refuse = (r: Request, reason: string) =>
    refusals.push({
      application: r.application,
      container: r.container,
      reason,
    });

  for (const request of version.images ?? []) {
    const invalid = validateImageVersion(request.tag, request.digest);
    if (invalid) {
      refuse(request, invalid);
      continue;
    }
    const targets = model.workloads
      .filter(
        w =>
          w.environment === env.name && w.application === request.application,
      )
      .flatMap(w =>
        w.containers
          .filter(c => c.name === request.container)
          .map(c => ({ w, c })),
      );
    if (targets.length === 0) {
      refuse(
        request,
        `environment ${env.name} has no container "${request.container}" in application "${request.application}"`,
      );
      continue;
    }
    const plan: Planned = { request, operations: [], changes: [] };
    let refused = false;
    for (const { w, c } of targets) {
      const to: ImageVersion = {
        image: c.image,
        tag: request.tag,
        digest: request.digest,
      };
      if (sameVersion(versionOf(c), to)) continue;
      try {
        const op = await operationFor(w, c, request, env);
        plan.operations.push(op);
        plan.changes.push({
          application: w.application,
          container: c.name,
          workload: `${w.kind}/${w.name}`,
          from: versionOf(c),
          to,
          provenance: c.source!,
        });
      } catch (e) {
        refuse(request, (e as Error).message);
        refused = true;
        break;
      }
    }
    if (!refused) planned.push(plan);
  }

  if (version.chart?.version) {
    const wanted = version.chart.version;
    const application = version.chart.application;
    const pinned = model.workloads.filter(
      w =>
        w.environment === env.name &&
        w.helm?.chartVersionSource &&
        (!application || w.application === application),
    );
    const request: Request = {
      application: application ?? '',
      container: '',
      tag: null,
      digest: null,
    };
    const semver = /^v?\d+(\.\d+){0,2}([-+][\w.-]+)?$/.test(wanted);
    if (!semver) refuse(request, `"${wanted}" is not a chart version (semver)`);
    else if (pinned.length === 0)
      refuse(
        request,
        `no workload${application ? ` of ${application}` : ''} in environment ${
          env.name
        } pins a chart version`,
      );
    const seen = new Set<string>();
    for (const w of semver ? pinned : []) {
      const src = w.helm!.chartVersionSource!;
      const key = `${src.file}#${src.document ?? 0}#${src.path}`;
      if (seen.has(key) || w.helm!.chartVersion === wanted) continue;
      seen.add(key);
      const r = { ...request, application: w.application };
      byUse = true;
      if (!own(src.file, src.document)) {
        refuse(
          r,
          `${src.file} is shared by environments ${envList([
            env.name,
            ...others(src.file, src.document),
          ])}; the chart version of ${env.name} cannot be changed there alone`,
        );
        continue;
      }
      planned.push({
        request: r,
        chart: wanted,
        operations: [scalarOperation(src, w.helm!.chartVersion, wanted)],
        changes: [
          {
            application: w.application,
            container: '',
            workload: `${w.kind}/${w.name}`,
            from: {
              image: w.helm!.chart,
              tag: w.helm!.chartVersion,
              digest: null,
            },
            to: { image: w.helm!.chart, tag: wanted, digest: null },
            provenance: src,
          },
        ],
      });
    }
  }

  async function operationFor(
    w: DeclaredWorkload,
    c: DeclaredContainer,
    r: Request,
    e: Environment,
  ): Promise<Operation> {
    const src = c.source;
    if (!src) throw new Error(`${w.kind}/${w.name} declares no image`);
    byUse = w.managedBy !== 'kustomize' && w.managedBy !== 'manifests';
    if (w.helm) return helmOperation(w, c, r, e);

    if (own(src.file, src.document)) {
      const isKustomization = KUSTOMIZATION_FILE_NAMES.includes(
        basenameOf(src.file),
      );
      const entry = IMAGES_ENTRY.exec(src.path);
      if (isKustomization && entry)
        return imagesEntryOperation(
          src.file,
          Number(entry[1]),
          r.tag,
          r.digest,
        );
      const yt = new YamlText(await read(src.file));
      const path = parseYamlPath(src.path);
      const node = path ? yt.nodeAt(path, src.document ?? 0) : undefined;
      if (!isScalar(node) || !node.range)
        throw new Error(`${src.file}: ${src.path} could not be located`);
      const holderLine = yt.lineOf(node.range[0]);
      const block =
        node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
      if (!block && holderLine === src.line && !/patch/i.test(src.path))
        return imageScalarOperation(src, r.tag, r.digest);
      return inlineLineOperation(
        src,
        holderLine,
        versionOf(c),
        r.tag,
        r.digest,
      );
    }
    const root = w.managedBy === 'kustomize' ? w.root : undefined;
    const kustomization =
      root !== undefined
        ? KUSTOMIZATION_FILE_NAMES.map(n => (root ? `${root}/${n}` : n)).find(
            f => listed.has(f),
          )
        : undefined;
    if (kustomization && own(kustomization) && c.image)
      return overlayImageOperation(kustomization, c.image, r.tag, r.digest);
    const sharing = others(src.file, src.document);
    if (sharing.length > 0)
      throw new Error(
        `${src.file} is shared by environments ${envList([
          e.name,
          ...sharing,
        ])}; the version of ${e.name} cannot be changed there alone`,
      );
    throw new Error(
      `${src.file} is outside environment ${e.name} (${e.paths.join(
        ', ',
      )}) and the environment has no kustomization of its own to override it`,
    );
  }

  function helmOperation(
    w: DeclaredWorkload,
    c: DeclaredContainer,
    r: Request,
    e: Environment,
  ): Operation {
    const helm = w.helm!;
    const paths = helm.images[c.name];
    const layerFiles = new Set(helm.layers.map(l => l.file));
    const tagProv = w.provenance[`containers.${c.name}.tag`];
    // `image: repo:tag` as one string: the tag is read from the repository's value
    const fullRef = !!paths && paths.repository === paths.tag;
    // `image: repo:tag` in one string, in the target's own layer
    if (
      fullRef &&
      tagProv &&
      layerFiles.has(tagProv.file) &&
      own(tagProv.file, tagProv.document)
    )
      return imageScalarOperation(tagProv, r.tag, r.digest);
    if (r.tag === null)
      throw new Error(
        `${c.name}: Helm values need a tag (${
          paths?.tag ?? 'image.tag'
        }); a digest-only version cannot be written`,
      );
    if (!paths)
      throw new Error(`${c.name}: no value path carries this image's tag`);
    if (r.digest !== null && !paths.digest && !fullRef)
      throw new Error(
        `${c.name}: the chart's values have no digest field (image.digest); configure one in the Helm value paths or promote by tag`,
      );
    const tagValue = fullRef
      ? formatImageRef({ name: c.image ?? '', tag: r.tag, digest: r.digest })
      : r.tag;
    // the tag where it is set, when that is the target's own file (a values
    // file, the HelmRelease, a kustomize patch of it); never Chart.yaml
    if (
      tagProv &&
      !paths.digest &&
      tagProv.path !== 'appVersion' &&
      own(tagProv.file, tagProv.document)
    )
      return scalarOperation(tagProv, fullRef ? null : c.tag, tagValue);
    // set above every values layer (Argo CD parameters, a patch of a Flux
    // HelmRelease's values) in a shared file: nothing of the target's wins
    if (
      tagProv &&
      tagProv.path !== 'appVersion' &&
      !layerFiles.has(tagProv.file)
    )
      throw new Error(
        `${tagProv.file} is shared by environments ${envList([
          e.name,
          ...others(tagProv.file, tagProv.document),
        ])}; it sets ${c.name}'s tag above every values file of ${e.name}`,
      );
    // else the layer that sets it, or the target's last own layer (it
    // overrides the shared ones)
    const setting = helm.layers.find(
      l =>
        l.file === tagProv?.file &&
        (l.document ?? 0) === (tagProv.document ?? 0) &&
        tagProv.path.startsWith(l.path),
    );
    // values embedded in a string cannot take new keys
    const writable = (l: ValuesLayer) => /^[\w.-]*$/.test(l.path);
    // an own layer below the one that sets the tag would not win
    const above = setting ? helm.layers.indexOf(setting) : -1;
    const ownLayer =
      setting && own(setting.file, setting.document) && writable(setting)
        ? setting
        : [...helm.layers]
            .reverse()
            .find(
              l =>
                helm.layers.indexOf(l) > above &&
                own(l.file, l.document) &&
                writable(l),
            );
    // a HelmRelease from a shared base: patch it in the target's overlay
    const overlay =
      !ownLayer && helm.object && w.managedBy === 'flux'
        ? KUSTOMIZATION_FILE_NAMES.map(n =>
            w.root ? `${w.root}/${n}` : n,
          ).find(f => listed.has(f))
        : undefined;
    if (overlay && own(overlay) && !fullRef && r.digest === null)
      return overlayValuesPatchOperation(
        overlay,
        helm.object!,
        paths.tag,
        tagValue,
      );
    if (!ownLayer) {
      const blocking = setting ?? helm.layers[helm.layers.length - 1];
      const sharing = blocking ? others(blocking.file, blocking.document) : [];
      throw new Error(
        blocking && sharing.length > 0
          ? `${blocking.file} is shared by environments ${envList([
              e.name,
              ...sharing,
            ])}; environment ${e.name} has no values file of its own${
              setting ? ' that overrides it' : ''
            }`
          : `environment ${e.name} has no values file of its own`,
      );
    }
    const ops = [valueOperation(ownLayer, paths.tag, tagValue)];
    if (paths.digest && r.digest !== c.digest)
      ops.push(valueOperation(ownLayer, paths.digest, r.digest ?? ''));
    return ops.length === 1 ? ops[0] : allOf(ops);
  }

  const before = versions(model);
  const problemsBefore = new Set(
    model.problems.map(p => `${p.file}\u0000${p.message}`),
  );

  /** Applies the plans in order; the failing ones are thrown out with a refusal. */
  const apply = (plans: Planned[]) => {
    const working = new Map<string, string>();
    const done = new Set<string>();
    for (const p of plans) {
      for (const op of p.operations) {
        if (done.has(op.key)) continue;
        done.add(op.key);
        const current = working.get(op.file) ?? originals.get(op.file)!;
        working.set(op.file, op.apply(current));
      }
    }
    return working;
  };

  const check = async (
    plans: Planned[],
    working: Map<string, string>,
  ): Promise<string | undefined> => {
    const edited = new Map(
      [...working].filter(([f, t]) => t !== originals.get(f)),
    );
    if (edited.size === 0) return undefined;
    const after = await scanRepository(
      new EditedFiles(files, edited),
      options.scan,
    );
    const broken = after.problems.filter(
      p =>
        edited.has(p.file) &&
        p.severity === 'error' &&
        !problemsBefore.has(`${p.file}\u0000${p.message}`),
    );
    if (broken.length > 0)
      return `the edit breaks ${broken[0].file}: ${broken[0].message}`;
    const now = versions(after);
    const changedEnvs = new Set<string>();
    for (const [key, was] of before) {
      const environment = key.split('\u0000')[0];
      if (environment === env.name) continue;
      const v = now.get(key);
      if (!v || !sameVersion(v, was)) changedEnvs.add(environment);
    }
    if (changedEnvs.size > 0)
      return `${[...edited.keys()].join(
        ', ',
      )} is shared by environments ${envList([
        env.name,
        ...changedEnvs,
      ])}; editing it would change ${envList(changedEnvs)} too`;
    for (const p of plans) {
      for (const w of after.workloads) {
        if (
          w.environment !== env.name ||
          w.application !== p.request.application
        )
          continue;
        if (p.chart !== undefined) {
          if (w.helm?.chartVersion !== p.chart)
            return `the edit did not take effect: ${w.kind}/${w.name} in ${
              env.name
            } would use chart version ${w.helm?.chartVersion ?? 'none'}`;
          continue;
        }
        for (const c of w.containers) {
          if (c.name !== p.request.container) continue;
          const was = model.workloads
            .find(
              x =>
                x.environment === w.environment &&
                x.application === w.application &&
                x.kind === w.kind &&
                x.name === w.name,
            )
            ?.containers.find(x => x.name === c.name);
          if (
            c.tag !== p.request.tag ||
            c.digest !== p.request.digest ||
            (was !== undefined && was.image !== c.image)
          )
            return `the edit did not take effect: ${w.kind}/${w.name} in ${
              env.name
            } would run ${formatImageRef({
              name: c.image ?? '',
              tag: c.tag,
              digest: c.digest,
            })}`;
        }
      }
    }
    return undefined;
  };

  // read every file first so operations run synchronously
  for (const p of planned) for (const op of p.operations) await read(op.file);
  const tryApply = (plans: Planned[]) => {
    try {
      return { working: apply(plans) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };

  let accepted: Planned[] = [];
  let working = new Map<string, string>();
  const all = tryApply(planned);
  const allOk =
    all.working &&
    (options.verify === false || !(await check(planned, all.working)));
  if (allOk) {
    accepted = planned;
    working = all.working!;
  } else {
    // find the culprits one by one
    for (const p of planned) {
      const candidate = [...accepted, p];
      const attempt = tryApply(candidate);
      const reason =
        attempt.error ??
        (options.verify === false
          ? undefined
          : await check([p], attempt.working!));
      if (reason) refuse(p.request, reason);
      else {
        accepted = candidate;
        working = attempt.working!;
      }
    }
  }

  const edits: FileEdit[] = [...working]
    .filter(([f, t]) => t !== originals.get(f))
    .map(([file, after]) => ({ file, before: originals.get(file)!, after }))
    .sort((a, b) => a.file.localeCompare(b.file));
  const changes: VersionChange[] = [];
  for (const p of accepted) {
    p.changes.forEach((ch, i) => {
      const op = p.operations[i];
      changes.push({
        ...ch,
        provenance: op.locate(working.get(op.file) ?? originals.get(op.file)!),
      });
    });
  }
  return { environment: env.name, edits, changes, refusals };
}
