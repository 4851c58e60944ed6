import { isMap, isScalar, isSeq, Node as YamlNode, Scalar } from 'yaml';
import {
  basenameOf,
  dirnameOf,
  isWithin,
  normalizeRepoPath,
  RepositoryFiles,
} from '../files/repositoryFiles';
import { DEFAULT_VALUE_PATHS } from '../helm/values';
import { KUSTOMIZATION_FILE_NAMES } from '../kustomize/kustomizeBuild';
import { scanRepository, ScanOptions } from '../scan';
import {
  DeclaredModel,
  DeclaredWorkload,
  Environment,
  Provenance,
  ValuesLayer,
} from '../types';
import { FileEdit } from './planVersionChange';
import { EditedFiles, envList, fileText } from './editedFiles';
import {
  appendItem,
  appendToTopLevelList,
  formatScalar,
  insertPair,
  newScalarStyle,
  pairOf,
  parseYamlPath,
  PathSegment,
  replaceScalar,
  YamlText,
} from './yamlEdit';

/**
 * CPU and memory for one side (requests or limits) of a container's resources.
 *
 * @public
 */
export interface EnvironmentQuantities {
  cpu?: string;
  memory?: string;
}

/**
 * What {@link planNewEnvironment} creates: a new environment copied from an
 * existing one, with some values changed.
 *
 * @public
 */
export interface PlanNewEnvironmentRequest {
  /** Name of the new environment (a DNS-1123 label). */
  name: string;
  /** The existing environment to copy. */
  from: string;
  /** Namespace of the new environment; by default the copied one with the environment name replaced. */
  namespace?: string;
  /** Replicas of every workload of the new environment. */
  replicas?: number;
  /** Requests and limits of every container of the new environment. */
  resources?: {
    requests?: EnvironmentQuantities;
    limits?: EnvironmentQuantities;
  };
  /** Ingress host; by default the copied host with the environment name replaced. */
  host?: string;
}

/**
 * One value the new environment gets, and where it is written.
 *
 * @public
 */
export interface PlannedEnvironmentValue {
  /** `namespace`, `replicas`, `resources.requests.cpu`, `ingress.host`, `file` … */
  field: string;
  value: string;
  /** Application the value belongs to (absent for files). */
  application?: string;
  /** Where the value lives in the edited files (after a verifying re-scan). */
  provenance?: Provenance;
}

/**
 * The result of {@link planNewEnvironment}. When `refusals` is not empty,
 * `files` is empty.
 *
 * @public
 */
export interface PlanNewEnvironmentResult {
  environment: string;
  from: string;
  /** New files (with `before: ''`) and edited ones. */
  files: FileEdit[];
  changes: PlannedEnvironmentValue[];
  refusals: string[];
}

/**
 * Options of {@link planNewEnvironment}.
 *
 * @public
 */
export interface PlanNewEnvironmentOptions {
  /** The options the model was scanned with (used to re-scan the edited files). */
  scan?: ScanOptions;
  /**
   * Re-scan with the edits applied and refuse when the new environment is
   * not found with the requested values or another environment changes
   * (default true).
   */
  verify?: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUANTITY = /^([+-]?[0-9.]+)([eE][-+]?[0-9]+|[numkMGTPE]i?|Ki)?$/;
const ENV_KEYS = [
  'environment',
  'env',
  'stage',
  'envName',
  'cluster',
  'clusterName',
  'name',
];
const POD_KINDS_WITHOUT_REPLICAS = new Set(['CronJob', 'Job', 'DaemonSet']);

function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS_LABEL.test(s);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces `from` where it stands as a word (`craftista-staging`, `staging.example.com`). */
export function replaceEnvironmentWord(
  value: string,
  from: string,
  name: string,
): string {
  const re = new RegExp(
    `(^|[^A-Za-z0-9])${escapeRegExp(from)}(?=$|[^A-Za-z0-9])`,
    'g',
  );
  return value.replace(re, (_m, pre: string) => `${pre}${name}`);
}

/** Renders a new value for a YAML file: numbers plain, strings plain when safe else in the file's quoting. */
function renderValue(yt: YamlText, value: string | number): string {
  if (typeof value === 'number') return String(value);
  const plain = formatScalar(value);
  if (!plain.startsWith('"')) return plain;
  return formatScalar(value, newScalarStyle(yt));
}

/** Nested block lines (or flow maps) for `segments: value` below a new key. */
function nestedBlock(
  segments: string[],
  value: string,
  indent: string,
  flow: boolean,
): string {
  if (segments.length === 0) return ` ${value}`;
  if (flow)
    return ` ${segments
      .slice()
      .reverse()
      .reduce((acc, s) => `{${formatScalar(s)}: ${acc}}`, value)}`;
  let out = '';
  let ind = `${indent}  `;
  segments.forEach((s, i) => {
    out += `\n${ind}${formatScalar(s)}:`;
    if (i === segments.length - 1) out += ` ${value}`;
    ind += '  ';
  });
  return out;
}

/**
 * Sets the scalar at `path` (map keys and existing sequence indexes) in
 * document `index`, creating missing maps. An existing string keeps its
 * quoting; numbers are written plain.
 */
export function setScalarAt(
  source: string,
  path: PathSegment[],
  value: string | number,
  index = 0,
): string {
  const yt = new YamlText(source);
  const doc = yt.doc(index);
  if (!doc) throw new Error('the file has YAML errors');
  let cur: unknown = doc.contents;
  const where = (i: number) =>
    path
      .slice(0, i)
      .map(s => (typeof s === 'number' ? `[${s}]` : s))
      .join('.') || 'the document';
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isSeq(cur)) {
      if (typeof seg !== 'number' || !cur.items[seg])
        throw new Error(`${where(i + 1)} does not exist`);
      cur = cur.items[seg];
      continue;
    }
    if (!isMap(cur)) throw new Error(`${where(i)} is not a map`);
    const pair = pairOf(cur, String(seg));
    if (!pair) {
      const rest = path.slice(i + 1);
      if (rest.some(s => typeof s === 'number'))
        throw new Error(`${where(i + 1)} does not exist`);
      return insertPair(yt, cur, formatScalar(String(seg)), (indent, flow) =>
        nestedBlock(rest as string[], renderValue(yt, value), indent, flow),
      );
    }
    if (i === path.length - 1) {
      const v = pair.value as YamlNode | null;
      if (!isScalar(v)) throw new Error(`${where(i + 1)} is not a scalar`);
      if (String(v.value) === String(value)) return source;
      if (typeof value === 'number' || !v.range || v.range[0] === v.range[1]) {
        if (!v.range || v.range[0] === v.range[1]) {
          const k = pair.key as YamlNode;
          const colon = source.indexOf(':', k.range![1]);
          return `${source.slice(0, colon + 1)} ${renderValue(
            yt,
            value,
          )}${source.slice(colon + 1)}`;
        }
        return `${source.slice(0, v.range[0])}${renderValue(
          yt,
          value,
        )}${source.slice(v.range[1])}`;
      }
      if (typeof v.value !== 'string' || v.value === '')
        return `${source.slice(0, v.range[0])}${renderValue(
          yt,
          value,
        )}${source.slice(v.range[1])}`;
      return replaceScalar(source, v, value);
    }
    cur = pair.value;
    if (isScalar(cur) && (cur.value === null || cur.value === undefined))
      throw new Error(`${where(i + 1)} is empty`);
  }
  return source;
}

/** One edit of a (new or existing) file, run on its current text. */
interface Step {
  file: string;
  run(t: string): string;
}

/** Where a copied file's value is: the provenance moved to the copy. */
function movedProvenance(p: Provenance, copies: Map<string, string>) {
  const file = copies.get(p.file);
  return file ? { ...p, file } : undefined;
}

/** Rewrites `old` to `value` on the line of a value inside a block string (an inline patch). */
function blockLineStep(
  file: string,
  original: string,
  p: Provenance,
  old: string,
  value: string,
): Step {
  const path = parseYamlPath(p.path);
  const holderLine = (t: string) => {
    const yt = new YamlText(t);
    const node = path ? yt.nodeAt(path, p.document ?? 0) : undefined;
    if (!isScalar(node) || !node.range)
      throw new Error(`${file}: ${p.path} could not be located`);
    return yt.lineOf(node.range[0]);
  };
  const offset = p.line - holderLine(original);
  return {
    file,
    run: t => {
      const lines = t.split('\n');
      const n = holderLine(t) + offset - 1;
      const line = lines[n] ?? '';
      if (!line.includes(old))
        throw new Error(`line ${n + 1} of ${file} does not hold ${old}`);
      lines[n] = line.replace(old, value);
      return lines.join('\n');
    },
  };
}

/** Sets a value where the copied environment's provenance says it lives (in the copy). */
function provenanceStep(
  p: Provenance,
  original: string,
  old: string,
  value: string | number,
): Step {
  const path = parseYamlPath(p.path);
  if (!path) throw new Error(`${p.file}: ${p.path} is not a YAML path`);
  const yt = new YamlText(original);
  const node = yt.nodeAt(path, p.document ?? 0);
  if (
    isScalar(node) &&
    (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED)
  )
    return blockLineStep(p.file, original, p, old, String(value));
  return {
    file: p.file,
    run: t => setScalarAt(t, path, value, p.document ?? 0),
  };
}

/** Fields the verifying re-scan compares for environments that must not change. */
function signature(model: DeclaredModel, environment: string): string {
  return JSON.stringify(
    model.workloads
      .filter(w => w.environment === environment)
      .map(w => ({
        a: w.application,
        k: w.kind,
        n: w.name,
        ns: w.namespace,
        r: w.replicas,
        c: w.containers.map(c => ({
          n: c.name,
          i: c.image,
          t: c.tag,
          d: c.digest,
          r: c.resources,
        })),
        h: w.ingressHosts,
        e: w.env,
        s: w.autoscaling,
      })),
  );
}

const RESOURCE_FIELDS = [
  ['requests', 'cpu'],
  ['requests', 'memory'],
  ['limits', 'cpu'],
  ['limits', 'memory'],
] as const;

class NewEnvironmentPlanner {
  private readonly refusals: string[] = [];
  private readonly originals = new Map<string, string>();
  /** Copied file → its copy. */
  private readonly copies = new Map<string, string>();
  /** Files edited in place (Argo CD ApplicationSets). */
  private readonly inPlace = new Set<string>();
  private readonly steps: Step[] = [];
  private readonly changes: PlannedEnvironmentValue[] = [];
  private listing: string[] = [];
  private readonly workloads: DeclaredWorkload[];
  private readonly usage = new Map<string, Set<string>>();
  private readonly from: string;
  private readonly name: string;

  constructor(
    private readonly model: DeclaredModel,
    private readonly files: RepositoryFiles,
    private readonly request: PlanNewEnvironmentRequest,
    private readonly env: Environment,
    private readonly options: PlanNewEnvironmentOptions,
  ) {
    this.from = env.name;
    this.name = request.name;
    this.workloads = model.workloads.filter(w => w.environment === env.name);
    const add = (file: string, e: string) => {
      if (!this.usage.has(file)) this.usage.set(file, new Set());
      this.usage.get(file)!.add(e);
    };
    for (const w of model.workloads) {
      for (const p of Object.values(w.provenance)) add(p.file, w.environment);
      for (const c of w.containers)
        if (c.source) add(c.source.file, w.environment);
      for (const l of w.helm?.layers ?? []) add(l.file, w.environment);
    }
  }

  private refuse(reason: string) {
    if (!this.refusals.includes(reason)) this.refusals.push(reason);
  }

  private async read(file: string): Promise<string> {
    if (!this.originals.has(file))
      this.originals.set(file, fileText(await this.files.read(file)));
    return this.originals.get(file)!;
  }

  /** Environments other than the copied one that read `file`. */
  private others(file: string): string[] {
    return [...(this.usage.get(file) ?? [])].filter(e => e !== this.from);
  }

  /** The path of a copy: the environment's folder segment or file-name word replaced. */
  private renamed(path: string): string | undefined {
    const segs = path.split('/');
    const leaf = this.from.split('/').pop()!;
    for (let i = segs.length - 1; i >= 0; i--) {
      if (segs[i] === leaf) {
        segs[i] = this.name;
        return segs.join('/');
      }
    }
    const base = basenameOf(path);
    const next = replaceEnvironmentWord(base, leaf, this.name);
    if (next !== base) {
      const dir = dirnameOf(path);
      return dir ? `${dir}/${next}` : next;
    }
    return undefined;
  }

  private copyFile(file: string, copy: string) {
    if (this.copies.has(file)) return;
    if (this.listing.includes(copy)) {
      this.refuse(`${copy} already exists`);
      return;
    }
    this.copies.set(file, copy);
  }

  /** Copies an environment folder (an overlay, a Flux folder) file by file. */
  private copyFolder(folder: string) {
    const target = this.renamed(folder);
    if (!target) {
      this.refuse(
        `folder ${folder} does not name environment ${this.from}; its copy cannot be named`,
      );
      return;
    }
    const sharing = this.model.environments
      .filter(
        e =>
          e.name !== this.from &&
          e.paths.some(p => isWithin(p, folder) || isWithin(folder, p)),
      )
      .map(e => e.name);
    if (sharing.length > 0) {
      this.refuse(
        `folder ${folder} is shared by environments ${envList([
          this.from,
          ...sharing,
        ])}; it cannot be copied for ${this.name}`,
      );
      return;
    }
    if (this.listing.some(f => isWithin(f, target))) {
      this.refuse(`${target} already exists`);
      return;
    }
    for (const f of this.listing)
      if (isWithin(f, folder))
        this.copyFile(f, `${target}${f.slice(folder.length)}`);
  }

  /** The environment folder holding a workload's root, when it is the copied environment's own. */
  private folderOf(w: DeclaredWorkload): string | undefined {
    return this.env.paths
      .filter(p => isWithin(w.root, p) || isWithin(p, w.root))
      .sort((a, b) => b.length - a.length)[0];
  }

  /** Copies the Helm values files only the copied environment reads; returns how many. */
  private copyOwnLayers(w: DeclaredWorkload): number {
    let count = 0;
    for (const l of w.helm?.layers ?? []) {
      if (this.others(l.file).length > 0 || l.path !== '') continue;
      const copy = this.renamed(l.file);
      if (!copy) continue;
      this.copyFile(l.file, copy);
      count++;
    }
    return count;
  }

  /** A workload's values layers that are copies (in the new environment's files). */
  private copiedLayers(w: DeclaredWorkload): ValuesLayer[] {
    return (w.helm?.layers ?? [])
      .filter(l => this.copies.has(l.file))
      .map(l => ({ ...l, file: this.copies.get(l.file)! }));
  }

  async plan(): Promise<PlanNewEnvironmentResult> {
    this.listing = (await this.files.list()).files;
    const scope = normalizeRepoPath(this.options.scan?.path ?? '') ?? '';
    if (this.workloads.length === 0)
      this.refuse(`environment ${this.from} declares no workloads to copy`);

    // 1. the files of the new environment
    let argo = false;
    for (const w of this.workloads) {
      const folder = this.folderOf(w);
      const folderIsOwn =
        folder !== undefined && this.renamed(folder) !== undefined;
      if (w.managedBy === 'argocd') {
        argo = true;
        if (w.helm) this.copyOwnLayers(w);
        else if (this.renamed(w.root)) this.copyFolder(w.root);
      } else if (w.managedBy === 'helm') {
        if (this.copyOwnLayers(w) === 0)
          this.refuse(
            `${w.kind}/${w.name}: environment ${this.from} has no values file of its own to copy`,
          );
      } else if (folderIsOwn) {
        this.copyFolder(folder!);
      } else {
        this.refuse(
          `${w.kind}/${w.name} (${w.managedBy}) in ${w.root}: environment ${this.from} has no folder of its own to copy`,
        );
      }
    }
    if (argo) await this.argoEntries(scope);
    for (const file of this.copies.keys()) await this.read(file);

    // 2. the values of the new environment
    if (this.refusals.length === 0) await this.setValues();

    // 3. apply
    let working = new Map<string, string>();
    if (this.refusals.length === 0) {
      try {
        working = this.apply();
      } catch (e) {
        this.refuse((e as Error).message);
      }
    }
    if (this.refusals.length === 0 && this.options.verify !== false)
      await this.verify(working);
    if (this.refusals.length > 0)
      return {
        environment: this.name,
        from: this.from,
        files: [],
        changes: [],
        refusals: this.refusals,
      };
    const edits: FileEdit[] = [...working]
      .filter(([f, t]) => !this.inPlace.has(f) || t !== this.originals.get(f))
      .map(([file, after]) => ({
        file,
        before: this.inPlace.has(file) ? this.originals.get(file)! : '',
        after,
      }))
      .sort((a, b) => a.file.localeCompare(b.file));
    return {
      environment: this.name,
      from: this.from,
      files: edits,
      changes: this.changes,
      refusals: [],
    };
  }

  private apply(): Map<string, string> {
    const working = new Map<string, string>();
    for (const [file, copy] of this.copies)
      working.set(copy, this.originals.get(file)!);
    for (const file of this.inPlace)
      working.set(file, this.originals.get(file)!);
    for (const s of this.steps) {
      const current = working.get(s.file);
      if (current === undefined) throw new Error(`${s.file} is not planned`);
      try {
        working.set(s.file, s.run(current));
      } catch (e) {
        throw new Error(`${s.file}: ${(e as Error).message}`);
      }
    }
    return working;
  }

  /** The namespace the new environment gets. */
  private namespaceFor(w: DeclaredWorkload): string | undefined {
    if (this.request.namespace) return this.request.namespace;
    if (!w.namespace) return undefined;
    const replaced = replaceEnvironmentWord(w.namespace, this.from, this.name);
    return replaced !== w.namespace
      ? replaced
      : `${w.application}-${this.name}`;
  }

  private hostFor(old: string, count: number): string {
    if (this.request.host && count === 1) return this.request.host;
    return replaceEnvironmentWord(old, this.from, this.name);
  }

  private change(field: string, value: string | number, application?: string) {
    if (
      !this.changes.some(
        c =>
          c.field === field &&
          c.application === application &&
          c.value === String(value),
      )
    )
      this.changes.push({ field, value: String(value), application });
  }

  private async setValues() {
    const done = new Set<string>();
    const once = (key: string) => {
      if (done.has(key)) return false;
      done.add(key);
      return true;
    };
    for (const copy of this.copies.values()) this.change('file', copy);
    // namespaces: in every copied file, the fields that hold the copied one
    const namespaces = new Map<string, string>();
    for (const w of this.workloads) {
      const ns = this.namespaceFor(w);
      if (w.namespace && ns) namespaces.set(w.namespace, ns);
      if (ns) this.change('namespace', ns, w.application);
    }
    for (const [file, copy] of this.copies) {
      const yt = new YamlText(this.originals.get(file)!);
      yt.docs.forEach((_d, index) => {
        const paths: PathSegment[][] = [
          ['metadata', 'namespace'],
          ['spec', 'targetNamespace'],
        ];
        if (KUSTOMIZATION_FILE_NAMES.includes(basenameOf(file)))
          paths.push(['namespace']);
        for (const path of paths) {
          const node = yt.nodeAt(path, index);
          if (!isScalar(node) || typeof node.value !== 'string') continue;
          const next = namespaces.get(node.value);
          if (next && next !== node.value)
            this.steps.push({
              file: copy,
              run: t => setScalarAt(t, path, next, index),
            });
        }
      });
    }

    for (const w of this.workloads) {
      const layers = this.copiedLayers(w);
      const helmLayer = layers[layers.length - 1];
      /** Where a Helm value is written when the copy does not set it yet. */
      const helmPath = (prov: Provenance | undefined, fallback: string) => {
        if (!helmLayer) return undefined;
        let rel = fallback;
        if (prov) {
          const layer = w.helm?.layers.find(
            l =>
              l.file === prov.file &&
              (l.path === '' || prov.path.startsWith(`${l.path}.`)),
          );
          if (layer)
            rel = layer.path
              ? prov.path.slice(layer.path.length + 1)
              : prov.path;
        }
        const segs = parseYamlPath(rel);
        return segs
          ? {
              file: helmLayer.file,
              path: [...(parseYamlPath(helmLayer.path) ?? []), ...segs],
              document: helmLayer.document,
            }
          : undefined;
      };
      const prefix = (() => {
        const tag = Object.values(w.helm?.images ?? {})[0]?.tag ?? '';
        const hit = DEFAULT_VALUE_PATHS.tag.find(
          p => tag === p || tag.endsWith(`.${p}`),
        );
        return hit ? tag.slice(0, tag.length - hit.length) : '';
      })();
      /** Writes a value: at its provenance in a copy, else in the new values layer. */
      const write = (
        key: string,
        label: string,
        value: string | number,
        old: string,
        fallback: string | undefined,
        orElse?: () => void,
      ) => {
        const prov = w.provenance[key];
        const moved = prov ? movedProvenance(prov, this.copies) : undefined;
        if (moved) {
          if (once(`${moved.file}#${moved.document ?? 0}#${moved.path}`))
            this.steps.push(
              provenanceStep(
                moved,
                this.originals.get(prov!.file)!,
                old,
                value,
              ),
            );
          return;
        }
        const target =
          w.helm && fallback ? helmPath(prov, fallback) : undefined;
        if (target) {
          if (
            once(
              `${target.file}#${target.document ?? 0}#${target.path.join('.')}`,
            )
          )
            this.steps.push({
              file: target.file,
              run: t =>
                setScalarAt(t, target.path, value, target.document ?? 0),
            });
          return;
        }
        if (orElse) orElse();
        else
          this.refuse(
            `${w.kind}/${w.name}: ${label} of ${this.from} is set in ${
              prov ? prov.file : 'no file'
            }, outside the files copied for ${this.name}`,
          );
      };

      if (
        this.request.replicas !== undefined &&
        !POD_KINDS_WITHOUT_REPLICAS.has(w.kind)
      ) {
        const replicas = this.request.replicas;
        this.change('replicas', replicas, w.application);
        write(
          'replicas',
          'replicas',
          replicas,
          String(w.replicas ?? ''),
          `${prefix}${DEFAULT_VALUE_PATHS.replicas[0]}`,
          () => this.kustomizeReplicas(w, replicas),
        );
      }
      for (const [side, key] of RESOURCE_FIELDS) {
        const value = this.request.resources?.[side]?.[key];
        if (value === undefined) continue;
        for (const c of w.containers) {
          if (c.init) continue;
          this.change(`resources.${side}.${key}`, value, w.application);
          const field = `containers.${c.name}.resources.${side}.${key}`;
          // a kustomize patch that sets some of the resources takes the others
          const sibling = RESOURCE_FIELDS.map(
            ([s, k]) =>
              w.provenance[`containers.${c.name}.resources.${s}.${k}`],
          )
            .map(p => (p ? movedProvenance(p, this.copies) : undefined))
            .find(Boolean);
          write(
            field,
            `resources.${side}.${key}`,
            value,
            c.resources?.[side]?.[key] ?? '',
            `${prefix}${DEFAULT_VALUE_PATHS.resources[0]}.${side}.${key}`,
            sibling && /\.resources\.\w+\.\w+$/.test(sibling.path)
              ? () => {
                  const base = parseYamlPath(
                    sibling.path.replace(/\.\w+\.\w+$/, ''),
                  )!;
                  this.steps.push({
                    file: sibling.file,
                    run: t =>
                      setScalarAt(
                        t,
                        [...base, side, key],
                        value,
                        sibling.document ?? 0,
                      ),
                  });
                }
              : undefined,
          );
        }
      }
      const hosts = w.ingressHosts;
      if (this.request.host !== undefined && hosts.length === 0)
        this.refuse(
          `${w.kind}/${w.name}: environment ${this.from} declares no ingress host to change`,
        );
      if (this.request.host !== undefined && hosts.length > 1)
        this.refuse(
          `${w.kind}/${w.name}: environment ${this.from} declares ${hosts.length} ingress hosts; which one to set is ambiguous`,
        );
      for (const h of hosts) {
        const next = this.hostFor(h, hosts.length);
        if (next === h) continue;
        this.change('ingress.host', next, w.application);
        write(`ingressHosts.${h}`, `ingress host ${h}`, next, h, undefined);
      }
    }
  }

  /** Adds a `replicas:` entry to the copied kustomization of a workload's overlay. */
  private kustomizeReplicas(w: DeclaredWorkload, count: number) {
    const kustomization = KUSTOMIZATION_FILE_NAMES.map(n =>
      w.root ? `${w.root}/${n}` : n,
    ).find(f => this.copies.has(f));
    const nameProv = w.provenance.name;
    if (w.managedBy !== 'kustomize' || !kustomization) {
      this.refuse(
        `${w.kind}/${w.name}: the replicas of ${this.from} are not set in its own files; they cannot be changed for ${this.name}`,
      );
      return;
    }
    const file = this.copies.get(kustomization)!;
    let resourceName = w.name;
    const nameFile = nameProv ? this.originals.get(nameProv.file) : undefined;
    if (nameProv && nameFile) {
      const node = new YamlText(nameFile).nodeAt(
        parseYamlPath(nameProv.path) ?? [],
        nameProv.document ?? 0,
      );
      if (isScalar(node) && typeof node.value === 'string')
        resourceName = node.value;
    }
    this.steps.push({
      file,
      run: t => {
        const yt = new YamlText(t);
        return appendToTopLevelList(yt, 'replicas', (indent, flow) =>
          flow
            ? `{name: ${formatScalar(resourceName)}, count: ${count}}`
            : `name: ${formatScalar(resourceName)}\n${indent}count: ${count}`,
        );
      },
    });
  }

  /** Argo CD: a new list-generator element, or a copy of the Application. */
  private async argoEntries(scope: string) {
    const leaf = this.from.split('/').pop()!;
    let found = false;
    const candidates = this.listing.filter(
      f => /\.ya?ml$/i.test(f) && isWithin(f, scope),
    );
    for (const file of candidates) {
      let t: string;
      try {
        t = await this.read(file);
      } catch {
        continue;
      }
      if (!t.includes('argoproj.io')) continue;
      const yt = new YamlText(t);
      for (let index = 0; index < yt.docs.length; index++) {
        const doc = yt.doc(index);
        const root = doc?.contents;
        if (!isMap(root)) continue;
        const kind = String(
          (pairOf(root, 'kind')?.value as Scalar | undefined)?.value ?? '',
        );
        if (kind === 'ApplicationSet') {
          const generators = yt.nodeAt(['spec', 'generators'], index);
          if (!isSeq(generators)) continue;
          for (let gi = 0; gi < generators.items.length; gi++) {
            const elements = yt.nodeAt(
              ['spec', 'generators', gi, 'list', 'elements'],
              index,
            );
            if (!isSeq(elements)) continue;
            const ei = elements.items.findIndex(e => {
              if (!isMap(e)) return false;
              const key = ENV_KEYS.find(k => pairOf(e, k));
              const v = key ? pairOf(e, key)!.value : undefined;
              return isScalar(v) && String(v.value) === this.from;
            });
            if (ei < 0) continue;
            if (
              elements.items.some(e => {
                if (!isMap(e)) return false;
                const key = ENV_KEYS.find(k => pairOf(e, k));
                const v = key ? pairOf(e, key)!.value : undefined;
                return isScalar(v) && String(v.value) === this.name;
              })
            ) {
              this.refuse(
                `${file}: the list generator already has an element for ${this.name}`,
              );
              continue;
            }
            found = true;
            this.inPlace.add(file);
            this.listElementStep(
              file,
              index,
              ['spec', 'generators', gi, 'list', 'elements'],
              ei,
            );
          }
        } else if (kind === 'Application') {
          const appName = yt.nodeAt(['metadata', 'name'], index);
          const ns = yt.nodeAt(['spec', 'destination', 'namespace'], index);
          const paths = [
            yt.nodeAt(['spec', 'source', 'path'], index),
            ...((): unknown[] => {
              const s = yt.nodeAt(['spec', 'sources'], index);
              return isSeq(s) && s.items.every(isMap)
                ? s.items.map(i => pairOf(i as never, 'path')?.value)
                : [];
            })(),
          ];
          const mentions = [appName, ns, ...paths].some(
            n =>
              isScalar(n) &&
              typeof n.value === 'string' &&
              replaceEnvironmentWord(n.value, leaf, this.name) !== n.value,
          );
          if (!mentions) continue;
          const rendered = this.workloads.some(
            w =>
              w.managedBy === 'argocd' &&
              paths.some(
                p =>
                  isScalar(p) && normalizeRepoPath(String(p.value)) === w.root,
              ),
          );
          if (!rendered) continue;
          found = true;
          if (yt.docs.length > 1) {
            this.refuse(
              `${file} holds several documents; the Application of ${this.from} cannot be copied alone`,
            );
            continue;
          }
          const copy = this.renamed(file);
          if (!copy) {
            this.refuse(
              `${file} does not name environment ${this.from}; its copy cannot be named`,
            );
            continue;
          }
          this.copyFile(file, copy);
          this.renameScalars(copy, t, [
            ['metadata', 'name'],
            ['spec', 'destination', 'namespace'],
            ['spec', 'source', 'path'],
            ['spec', 'source', 'helm', 'valueFiles'],
            ['spec', 'sources'],
          ]);
        }
      }
    }
    if (!found)
      this.refuse(
        `no Argo CD ApplicationSet list element or Application declares environment ${this.from}`,
      );
  }

  /** Steps that replace the environment word in the scalars below `paths` of a copied file. */
  private renameScalars(file: string, original: string, paths: string[][]) {
    const yt = new YamlText(original);
    const leaf = this.from.split('/').pop()!;
    const targets: PathSegment[][] = [];
    const walk = (node: unknown, path: PathSegment[]) => {
      if (isScalar(node)) {
        if (
          typeof node.value === 'string' &&
          replaceEnvironmentWord(node.value, leaf, this.name) !== node.value
        )
          targets.push(path);
      } else if (isMap(node)) {
        for (const p of node.items)
          if (isScalar(p.key))
            walk(p.value, [...path, String((p.key as Scalar).value)]);
      } else if (isSeq(node))
        node.items.forEach((n, i) => walk(n, [...path, i]));
    };
    for (const p of paths) walk(yt.nodeAt(p), p);
    for (const path of targets)
      this.steps.push({
        file,
        run: t => {
          const node = new YamlText(t).nodeAt(path);
          if (!isScalar(node) || typeof node.value !== 'string') return t;
          let next = replaceEnvironmentWord(node.value, leaf, this.name);
          if (
            this.request.namespace &&
            path.join('.') === 'spec.destination.namespace'
          )
            next = this.request.namespace;
          return setScalarAt(t, path, next);
        },
      });
  }

  /** Appends a copy of list element `ei`, with the environment's name (and namespace) changed. */
  private listElementStep(
    file: string,
    index: number,
    seqPath: PathSegment[],
    ei: number,
  ) {
    const leaf = this.from.split('/').pop()!;
    const fromNamespace = this.workloads.find(w => w.namespace)?.namespace;
    this.steps.push({
      file,
      run: t => {
        const yt = new YamlText(t);
        const seq = yt.nodeAt(seqPath, index);
        if (!isSeq(seq)) throw new Error('the list generator moved');
        const element = seq.items[ei] as YamlNode;
        if (!isMap(element) || !element.range)
          throw new Error('the list element is not a map');
        let end = element.range[1];
        while (end > element.range[0] && /\s/.test(t[end - 1])) end--;
        const source = t.slice(element.range[0], end);
        let next = appendItem(yt, seq, (_indent, flow) =>
          flow ? source : source,
        );
        // edit the new (last) element's values
        const after = new YamlText(next);
        const added = after.nodeAt([...seqPath, seq.items.length], index);
        if (!isMap(added)) throw new Error('the new list element is not a map');
        const edits: Array<{ key: string; value: string }> = [];
        for (const p of added.items) {
          if (!isScalar(p.key) || !isScalar(p.value)) continue;
          const v = p.value.value;
          if (typeof v !== 'string') continue;
          const key = String(p.key.value);
          let value = replaceEnvironmentWord(v, leaf, this.name);
          if (this.request.namespace && /namespace/i.test(key))
            value =
              v === fromNamespace || value !== v
                ? this.request.namespace
                : value;
          if (value !== v) edits.push({ key, value });
        }
        for (const e of edits)
          next = setScalarAt(
            next,
            [...seqPath, seq.items.length, e.key],
            e.value,
            index,
          );
        return next;
      },
    });
  }

  private async verify(working: Map<string, string>) {
    const edited = new Map(
      [...working].filter(
        ([f, t]) => !this.inPlace.has(f) || t !== this.originals.get(f),
      ),
    );
    const after = await scanRepository(
      new EditedFiles(this.files, edited),
      this.options.scan,
    );
    const problemsBefore = new Set(
      this.model.problems.map(p => `${p.file}\u0000${p.message}`),
    );
    const broken = after.problems.filter(
      p =>
        edited.has(p.file) &&
        p.severity === 'error' &&
        !problemsBefore.has(`${p.file}\u0000${p.message}`),
    );
    if (broken.length > 0) {
      this.refuse(
        `the new files break ${broken[0].file}: ${broken[0].message}`,
      );
      return;
    }
    const changed = this.model.environments
      .map(e => e.name)
      .filter(e => signature(this.model, e) !== signature(after, e));
    if (changed.length > 0)
      this.refuse(
        `the edits would change environment${
          changed.length > 1 ? 's' : ''
        } ${envList(changed)}`,
      );
    if (!after.environments.some(e => e.name === this.name)) {
      const names = envList(after.environments.map(e => e.name));
      this.refuse(
        `the re-scan does not find environment ${
          this.name
        } (found: ${names}); the engine does not read ${[...edited.keys()]
          .filter(f => !this.inPlace.has(f))
          .join(', ')} as environment ${
          this.name
        } (names that are not a known stage, such as dev, qa, test, uat, staging or prod, are only recognised below folders like overlays/ or envs/)`,
      );
      return;
    }
    const fresh = after.workloads.filter(w => w.environment === this.name);
    for (const w of this.workloads) {
      const n = fresh.find(
        x =>
          x.application === w.application &&
          x.kind === w.kind &&
          (x.name === w.name ||
            replaceEnvironmentWord(w.name, this.from, this.name) === x.name),
      );
      const id = `${w.kind}/${w.name}`;
      if (!n) {
        this.refuse(`the re-scan does not find ${id} in ${this.name}`);
        continue;
      }
      const ns = this.namespaceFor(w);
      if (ns !== undefined && n.namespace !== ns)
        this.refuse(
          `${id} in ${this.name} would run in namespace ${
            n.namespace ?? '(none)'
          }, not ${ns}`,
        );
      if (
        this.request.replicas !== undefined &&
        !POD_KINDS_WITHOUT_REPLICAS.has(w.kind) &&
        n.replicas !== this.request.replicas
      )
        this.refuse(
          `${id} in ${this.name} would have ${
            n.replicas ?? 'no'
          } replicas, not ${this.request.replicas}`,
        );
      for (const [side, key] of RESOURCE_FIELDS) {
        const want = this.request.resources?.[side]?.[key];
        if (want === undefined) continue;
        for (const c of n.containers) {
          if (c.init) continue;
          const got = c.resources?.[side]?.[key];
          if (got !== want)
            this.refuse(
              `${id} in ${this.name}: container ${
                c.name
              } would have ${side}.${key} ${got ?? '(none)'}, not ${want}`,
            );
        }
      }
      const hosts = w.ingressHosts.map(h =>
        this.hostFor(h, w.ingressHosts.length),
      );
      if (JSON.stringify(n.ingressHosts) !== JSON.stringify(hosts))
        this.refuse(
          `${id} in ${this.name} would have ingress hosts ${
            n.ingressHosts.join(', ') || '(none)'
          }, not ${hosts.join(', ')}`,
        );
    }
    if (this.refusals.length > 0) return;
    // where each value now lives
    for (const c of this.changes) {
      const w = fresh.find(x => x.application === c.application);
      if (!w) continue;
      let key = c.field;
      if (c.field === 'ingress.host') key = `ingressHosts.${c.value}`;
      else if (c.field.startsWith('resources.'))
        key = `containers.${w.containers[0]?.name}.${c.field}`;
      const p = w.provenance[key];
      if (p) c.provenance = p;
    }
  }
}

/**
 * Plans the files that add environment `request.name` to an application's
 * GitOps layout by copying environment `request.from`: a kustomize overlay
 * or an environment folder (Flux HelmReleases, plain manifests) is copied
 * whole; per-environment Helm values files are copied to the new name; an
 * Argo CD ApplicationSet list generator gets a new element and an
 * Application per environment a copy. In the copies the namespace,
 * replicas, resources and ingress host are set where the copied
 * environment's provenance says they live, through minimal YAML edits that
 * keep comments and formatting. The result is re-scanned: when the new
 * environment does not appear with the requested values, or another
 * environment would change, the plan holds refusals and no files.
 *
 * Throws for invalid requests: a name that is not a DNS-1123 label, an
 * existing environment's name, an unknown `from`, invalid values.
 *
 * @public
 */
export async function planNewEnvironment(
  model: DeclaredModel,
  files: RepositoryFiles,
  request: PlanNewEnvironmentRequest,
  options: PlanNewEnvironmentOptions = {},
): Promise<PlanNewEnvironmentResult> {
  const { name } = request;
  const known = envList(model.environments.map(e => e.name));
  if (typeof name !== 'string' || !isDnsLabel(name))
    throw new Error(
      `"${name}" is not a valid environment name: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit`,
    );
  if (model.environments.some(e => e.name.toLowerCase() === name))
    throw new Error(`environment "${name}" already exists`);
  const env = model.environments.find(e => e.name === request.from);
  if (!env)
    throw new Error(
      `environment "${request.from}" not found (known: ${known || 'none'})`,
    );
  if (request.namespace !== undefined && !isDnsLabel(request.namespace))
    throw new Error(
      `"${request.namespace}" is not a valid namespace (a DNS-1123 label)`,
    );
  if (
    request.replicas !== undefined &&
    (!Number.isInteger(request.replicas) || request.replicas < 0)
  )
    throw new Error(
      `replicas must be a non-negative integer, not ${request.replicas}`,
    );
  if (
    request.host !== undefined &&
    (request.host.length > 253 || !DNS_SUBDOMAIN.test(request.host))
  )
    throw new Error(`"${request.host}" is not a valid ingress host`);
  for (const [side, key] of RESOURCE_FIELDS) {
    const q = request.resources?.[side]?.[key];
    if (q !== undefined && !QUANTITY.test(q))
      throw new Error(`${side}.${key}: "${q}" is not a Kubernetes quantity`);
  }
  return new NewEnvironmentPlanner(model, files, request, env, options).plan();
}
