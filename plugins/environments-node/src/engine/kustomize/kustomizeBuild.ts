import { applyNameHashes } from './applyNameHashes';
import { RepoReader } from '../files/repoReader';
import { joinRepoPath } from '../files/repositoryFiles';
import {
  allNames,
  kindOf,
  nameOf,
  namespaceOf,
  Resource,
  resourcesFromDocuments,
} from '../resources';
import { parseYaml } from '../yaml/parseYaml';
import {
  cloneNode,
  getIn,
  isLeaf,
  isMap,
  isSeq,
  Leaf,
  newMap,
  str,
  TMap,
  TNode,
} from '../yaml/tree';
import { applyJsonPatch } from './jsonPatch';
import { strategicMerge } from './strategicMerge';
import {
  applyImage,
  applyLabels,
  applyNamespace,
  applyPrefixSuffix,
  applyReplicas,
  PatchTarget,
  readTarget,
  selectTargets,
} from './transformers';

/** File names kustomize accepts for a kustomization, in its order of preference. */
export const KUSTOMIZATION_FILE_NAMES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

const MAX_DEPTH = 40;
const REMOTE =
  /^(https?:\/\/|git@|ssh:\/\/|git::|(github|gitlab|bitbucket)\.(com|org)\/)|\?ref=|\/\/.*\.git/;

/** The kustomization file of a folder, if it has one. */
export function kustomizationFileIn(
  reader: RepoReader,
  dir: string,
): string | undefined {
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const p = dir ? `${dir}/${name}` : name;
    if (reader.isFile(p)) return p;
  }
  return undefined;
}

function cloneResource(r: Resource): Resource {
  return {
    tree: cloneNode(r.tree),
    file: r.file,
    previousNames: [...r.previousNames],
    affixes: [...r.affixes],
    ...(r.dataFiles ? { dataFiles: { ...r.dataFiles } } : {}),
    ...(r.hashSuffix ? { hashSuffix: true } : {}),
    ...(r.fileData ? { fileData: { ...r.fileData } } : {}),
  };
}

function leaves(n: TNode | undefined): Leaf[] {
  if (!isSeq(n)) return [];
  return n.filter((x): x is Leaf => isLeaf(x) && typeof x.text() === 'string');
}

function maps(n: TNode | undefined): TMap[] {
  return isSeq(n) ? n.filter(isMap) : [];
}

function patchSource(entry: TMap): Leaf | undefined {
  if (isLeaf(entry.patch)) return entry.patch;
  if (isLeaf(entry.path)) return entry.path;
  return undefined;
}

function looksInline(text: string): boolean {
  return (
    text.includes('\n') ||
    /^\s*[{[]/.test(text) ||
    /^\s*(-\s+)?[\w$.-]+\s*:(\s|$)/.test(text)
  );
}

/** Maps lines of a YAML string embedded in a kustomization to lines of that file. */
function innerLineMapper(leaf: Leaf): (l: number) => number {
  const block = leaf.raw === undefined && typeof leaf.value === 'string';
  return (l: number) => (block ? leaf.prov.line + l : leaf.prov.line);
}

/**
 * Renders kustomizations the way `kustomize build` (v5) does, for the fields
 * the engine reads, keeping provenance on every value.
 */
export class KustomizeBuilder {
  private readonly cache = new Map<string, Promise<Resource[]>>();
  /** Every file read while building (so other layouts leave them alone). */
  readonly usedFiles = new Set<string>();
  /** Folders referenced from another kustomization (bases, components). */
  readonly referencedDirs = new Set<string>();

  constructor(private readonly reader: RepoReader) {}

  /** Builds the kustomization in `dir`; returns fresh copies callers may mutate. */
  async build(dir: string): Promise<Resource[]> {
    const built = await this.buildCached(dir, []);
    const out = built.map(cloneResource);
    applyNameHashes(out);
    return out;
  }

  /** Lists the folders a kustomization refers to (without building). */
  async references(dir: string): Promise<string[]> {
    const file = kustomizationFileIn(this.reader, dir);
    if (!file) return [];
    const docs = await this.reader.yaml(file);
    const k = docs?.[0]?.tree;
    if (!isMap(k)) return [];
    const out: string[] = [];
    for (const field of ['resources', 'bases', 'components']) {
      for (const leaf of leaves(k[field])) {
        const p = joinRepoPath(dir, leaf.text()!);
        if (p !== undefined && this.reader.isFolder(p)) out.push(p);
      }
    }
    return out;
  }

  private buildCached(dir: string, stack: string[]): Promise<Resource[]> {
    let p = this.cache.get(dir);
    if (!p) {
      p = this.buildDir(dir, stack, undefined);
      this.cache.set(dir, p);
    }
    return p;
  }

  private async load(
    dir: string,
  ): Promise<{ file: string; k: TMap } | undefined> {
    const file = kustomizationFileIn(this.reader, dir);
    if (!file) return undefined;
    this.usedFiles.add(file);
    const docs = await this.reader.yaml(file);
    if (!docs) return undefined;
    const tree = docs[0]?.tree;
    if (!isMap(tree)) {
      if (docs.length > 0 || tree !== undefined) {
        this.reader.problem(file, 'kustomization is not a YAML map', 'error');
      }
      return { file, k: newMap() };
    }
    return { file, k: tree };
  }

  private async buildDir(
    dir: string,
    stack: string[],
    accumulated: Resource[] | undefined,
  ): Promise<Resource[]> {
    const loaded = await this.load(dir);
    if (!loaded) return accumulated ?? [];
    const { file, k } = loaded;
    const here = [...stack, dir];
    let resources: Resource[] = accumulated ?? [];

    for (const field of ['resources', 'bases']) {
      for (const leaf of leaves(k[field])) {
        resources.push(...(await this.resolveResource(file, dir, leaf, here)));
      }
    }

    for (const leaf of leaves(k.components)) {
      const ref = leaf.text()!;
      const p = joinRepoPath(dir, ref);
      if (p === undefined) {
        this.reader.problem(
          file,
          `component "${ref}" is outside the repository`,
          'error',
          leaf.prov.line,
        );
        continue;
      }
      if (!kustomizationFileIn(this.reader, p)) {
        this.reader.problem(
          file,
          `component "${ref}" has no kustomization`,
          'error',
          leaf.prov.line,
        );
        continue;
      }
      if (here.includes(p) || here.length > MAX_DEPTH) {
        this.reader.problem(
          file,
          `kustomization cycle: ${[...here, p].join(' -> ')}`,
          'error',
          leaf.prov.line,
        );
        continue;
      }
      this.referencedDirs.add(p);
      resources = await this.buildDir(p, here, resources);
    }

    await this.generate(file, dir, k, resources);
    await this.transform(file, dir, k, resources);
    return resources;
  }

  private async resolveResource(
    file: string,
    dir: string,
    leaf: Leaf,
    here: string[],
  ): Promise<Resource[]> {
    const ref = leaf.text()!.trim();
    if (REMOTE.test(ref)) {
      this.reader.problem(
        file,
        `remote resource "${ref}" is not fetched`,
        'warning',
        leaf.prov.line,
      );
      return [];
    }
    const p = joinRepoPath(dir, ref);
    if (p === undefined) {
      this.reader.problem(
        file,
        `resource "${ref}" is outside the repository`,
        'error',
        leaf.prov.line,
      );
      return [];
    }
    if (this.reader.isFile(p)) {
      this.usedFiles.add(p);
      const docs = await this.reader.yaml(p);
      return docs ? resourcesFromDocuments(p, docs) : [];
    }
    if (this.reader.isFolder(p) || p === '') {
      if (!kustomizationFileIn(this.reader, p)) {
        this.reader.problem(
          file,
          `resource folder "${ref}" has no kustomization`,
          'error',
          leaf.prov.line,
        );
        return [];
      }
      if (here.includes(p) || here.length > MAX_DEPTH) {
        this.reader.problem(
          file,
          `kustomization cycle: ${[...here, p].join(' -> ')}`,
          'error',
          leaf.prov.line,
        );
        return [];
      }
      this.referencedDirs.add(p);
      const built = await this.buildCachedFrom(p, here);
      return built.map(cloneResource);
    }
    this.reader.problem(
      file,
      `resource "${ref}" not found`,
      'error',
      leaf.prov.line,
    );
    return [];
  }

  private buildCachedFrom(dir: string, stack: string[]): Promise<Resource[]> {
    // a cached build started from another stack may be in progress; a cycle
    // through it is caught by the stack check of that build
    const cached = this.cache.get(dir);
    if (cached) return cached;
    return this.buildCached(dir, stack);
  }

  /** Reads patch documents from a file path or an inline string. */
  private async patchDocs(
    file: string,
    dir: string,
    leaf: Leaf,
    fixedPath: string,
  ): Promise<TNode[]> {
    const text = leaf.text() ?? '';
    if (looksInline(text)) {
      const parsed = parseYaml(file, text, {
        fixedPath,
        mapLine: innerLineMapper(leaf),
      });
      for (const pr of parsed.problems)
        this.reader.problem(pr.file, pr.message, pr.severity, pr.line);
      return parsed.documents
        .map(d => d.tree)
        .filter((t): t is TNode => t !== undefined);
    }
    const p = joinRepoPath(dir, text.trim());
    if (p === undefined) {
      this.reader.problem(
        file,
        `patch "${text}" is outside the repository`,
        'error',
        leaf.prov.line,
      );
      return [];
    }
    if (!this.reader.isFile(p)) {
      this.reader.problem(
        file,
        `patch "${text}" not found`,
        'error',
        leaf.prov.line,
      );
      return [];
    }
    this.usedFiles.add(p);
    const docs = await this.reader.yaml(p);
    return (docs ?? [])
      .map(d => d.tree)
      .filter((t): t is TNode => t !== undefined);
  }

  private applyStrategic(
    file: string,
    line: number,
    resources: Resource[],
    patch: TNode,
    target: PatchTarget | undefined,
  ) {
    if (!isMap(patch)) {
      this.reader.problem(
        file,
        'patch is neither a map nor a list of operations',
        'error',
        line,
      );
      return;
    }
    let matched: Resource[];
    if (target) {
      matched = selectTargets(resources, target);
    } else {
      const kind = str(patch.kind);
      const name = str(getIn(patch, ['metadata', 'name']));
      const ns = str(getIn(patch, ['metadata', 'namespace']));
      matched = resources.filter(
        r =>
          (!kind || kindOf(r) === kind) &&
          name !== undefined &&
          allNames(r).includes(name) &&
          (ns === undefined ||
            namespaceOf(r) === undefined ||
            namespaceOf(r) === ns),
      );
    }
    if (matched.length === 0) {
      this.reader.problem(file, 'patch matches no resource', 'warning', line);
      return;
    }
    if (str(patch.$patch) === 'delete') {
      for (const r of matched) resources.splice(resources.indexOf(r), 1);
      return;
    }
    for (const r of matched) {
      const keep = {
        apiVersion: r.tree.apiVersion,
        kind: r.tree.kind,
        name: getIn(r.tree, ['metadata', 'name']),
        namespace: getIn(r.tree, ['metadata', 'namespace']),
      };
      const merged = strategicMerge(r.tree, patch) as TMap;
      if (keep.apiVersion) merged.apiVersion = keep.apiVersion;
      if (keep.kind) merged.kind = keep.kind;
      const meta = isMap(merged.metadata)
        ? merged.metadata
        : (merged.metadata = newMap());
      if (keep.name) meta.name = keep.name;
      if (keep.namespace) meta.namespace = keep.namespace;
      else delete meta.namespace;
      r.tree = merged;
    }
  }

  private applyJson(
    file: string,
    line: number,
    resources: Resource[],
    ops: TNode,
    target: PatchTarget | undefined,
  ) {
    if (!target) {
      this.reader.problem(
        file,
        'JSON6902 patch without a target',
        'error',
        line,
      );
      return;
    }
    const matched = selectTargets(resources, target);
    if (matched.length === 0) {
      this.reader.problem(file, 'patch matches no resource', 'warning', line);
      return;
    }
    for (const r of matched) {
      try {
        applyJsonPatch(r.tree, ops);
      } catch (e) {
        this.reader.problem(
          file,
          `JSON6902 patch failed on ${kindOf(r)}/${nameOf(r)}: ${
            (e as Error).message
          }`,
          'error',
          line,
        );
      }
    }
  }

  private async generate(
    file: string,
    dir: string,
    k: TMap,
    resources: Resource[],
  ) {
    for (const gen of maps(k.configMapGenerator)) {
      const name = gen.name;
      if (!isLeaf(name) || !name.text()) {
        this.reader.problem(
          file,
          'configMapGenerator entry without a name',
          'warning',
        );
        continue;
      }
      const data = newMap();
      for (const lit of leaves(gen.literals)) {
        const text = lit.text()!;
        const eq = text.indexOf('=');
        if (eq <= 0) continue;
        let value = text.slice(eq + 1);
        if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
        data[text.slice(0, eq).trim()] = new Leaf(value, lit.prov);
      }
      const envFiles = [
        ...leaves(gen.envs),
        ...(isLeaf(gen.env) ? [gen.env] : []),
      ];
      for (const envLeaf of envFiles) {
        const p = joinRepoPath(dir, envLeaf.text()!);
        if (p === undefined || !this.reader.isFile(p)) {
          this.reader.problem(
            file,
            `env file "${envLeaf.text()}" not found`,
            'error',
            envLeaf.prov.line,
          );
          continue;
        }
        this.usedFiles.add(p);
        const text = await this.reader.text(p);
        (text ?? '').split(/\r?\n/).forEach((line, i) => {
          const t = line.trim();
          if (!t || t.startsWith('#')) return;
          const eq = t.indexOf('=');
          if (eq <= 0) return;
          const key = t.slice(0, eq).trim();
          data[key] = new Leaf(t.slice(eq + 1), {
            file: p,
            path: key,
            line: i + 1,
          });
        });
      }
      const dataFiles: Record<string, string> = {};
      const fileData: Record<string, string> = {};
      for (const f of leaves(gen.files)) {
        // file contents are not env vars; only note that the file is used
        // (and where each key's contents live, for Flux valuesFrom)
        const spec = f.text()!;
        const eq = spec.indexOf('=');
        const p = joinRepoPath(dir, eq > 0 ? spec.slice(eq + 1) : spec);
        if (p !== undefined) {
          this.usedFiles.add(p);
          const key = eq > 0 ? spec.slice(0, eq).trim() : p.split('/').pop()!;
          dataFiles[key] = p;
          // for the name's content hash only (not env vars)
          fileData[key] = (await this.reader.text(p)) ?? '';
        }
      }
      const behavior = str(gen.behavior) ?? 'create';
      const cmName = name.text()!;
      const existing = resources.find(
        r => kindOf(r) === 'ConfigMap' && allNames(r).includes(cmName),
      );
      if ((behavior === 'merge' || behavior === 'replace') && existing) {
        const cur =
          isMap(existing.tree.data) && behavior === 'merge'
            ? existing.tree.data
            : newMap();
        for (const key of Object.keys(data)) cur[key] = data[key];
        existing.tree.data = cur;
        existing.dataFiles = {
          ...(behavior === 'merge' ? existing.dataFiles : {}),
          ...dataFiles,
        };
        existing.fileData = {
          ...(behavior === 'merge' ? existing.fileData : {}),
          ...fileData,
        };
        continue;
      }
      if (behavior !== 'create' && !existing) {
        this.reader.problem(
          file,
          `configMapGenerator "${cmName}" has behavior ${behavior} but no base to ${behavior}`,
          'warning',
          name.prov.line,
        );
      }
      const tree = newMap(name.prov);
      tree.apiVersion = new Leaf('v1', name.prov);
      tree.kind = new Leaf('ConfigMap', name.prov);
      const meta = newMap();
      meta.name = name;
      if (isLeaf(gen.namespace)) meta.namespace = gen.namespace;
      tree.metadata = meta;
      tree.data = data;
      const noHash = [
        getIn(gen, ['options', 'disableNameSuffixHash']),
        getIn(k, ['generatorOptions', 'disableNameSuffixHash']),
      ].some(n => str(n) === 'true');
      resources.push({
        tree,
        file,
        previousNames: [],
        affixes: [],
        dataFiles,
        fileData,
        ...(noHash ? {} : { hashSuffix: true }),
      });
    }
  }

  private async transform(
    file: string,
    dir: string,
    k: TMap,
    resources: Resource[],
  ) {
    // 1. patchesStrategicMerge
    const psm = isSeq(k.patchesStrategicMerge) ? k.patchesStrategicMerge : [];
    for (let i = 0; i < psm.length; i++) {
      const leaf = psm[i];
      if (!isLeaf(leaf)) continue;
      for (const doc of await this.patchDocs(
        file,
        dir,
        leaf,
        `patchesStrategicMerge[${i}]`,
      )) {
        if (isSeq(doc))
          this.reader.problem(
            file,
            'patchesStrategicMerge entry is a list',
            'error',
            leaf.prov.line,
          );
        else
          this.applyStrategic(file, leaf.prov.line, resources, doc, undefined);
      }
    }
    // 2. patches
    const patches = isSeq(k.patches) ? k.patches : [];
    for (let i = 0; i < patches.length; i++) {
      const entry = patches[i];
      let docs: TNode[] = [];
      let target: PatchTarget | undefined;
      let line = 0;
      if (isLeaf(entry)) {
        // a bare string: a path to a patch file
        line = entry.prov.line;
        docs = await this.patchDocs(file, dir, entry, `patches[${i}]`);
      } else if (isMap(entry)) {
        target = readTarget(entry.target);
        const src = patchSource(entry);
        if (!src) {
          this.reader.problem(
            file,
            `patches[${i}] has neither path nor patch`,
            'error',
          );
          continue;
        }
        line = src.prov.line;
        docs =
          src === entry.patch
            ? this.inlineDocs(file, src, `patches[${i}].patch`)
            : await this.patchDocs(file, dir, src, `patches[${i}].path`);
      }
      for (const doc of docs) {
        if (isSeq(doc)) this.applyJson(file, line, resources, doc, target);
        else this.applyStrategic(file, line, resources, doc, target);
      }
    }
    // 3. namespace
    if (isLeaf(k.namespace) && k.namespace.text())
      applyNamespace(resources, k.namespace);
    // 4. prefix / suffix
    applyPrefixSuffix(
      resources,
      dir,
      isLeaf(k.namePrefix) ? k.namePrefix : undefined,
      isLeaf(k.nameSuffix) ? k.nameSuffix : undefined,
    );
    // 5. labels
    if (isMap(k.commonLabels))
      applyLabels(resources, k.commonLabels, {
        selectors: true,
        templates: true,
      });
    for (const l of maps(k.labels)) {
      if (isMap(l.pairs)) {
        applyLabels(resources, l.pairs, {
          selectors: str(l.includeSelectors) === 'true',
          templates: str(l.includeTemplates) === 'true',
        });
      }
    }
    for (const leaf of leaves(k.transformers)) {
      const docs = await this.patchDocs(file, dir, leaf, 'transformers');
      for (const doc of docs) {
        const kind = isMap(doc) ? str(doc.kind) : undefined;
        if (kind === 'LabelTransformer' && isMap(doc) && isMap(doc.labels)) {
          applyLabels(resources, doc.labels, {
            selectors: false,
            templates: false,
          });
        } else if (kind !== 'AnnotationsTransformer') {
          this.reader.problem(
            file,
            `transformer ${kind ?? '(unknown)'} is not evaluated`,
            'info',
            leaf.prov.line,
          );
        }
      }
    }
    // 6. patchesJson6902
    for (const entry of maps(k.patchesJson6902)) {
      const target = readTarget(entry.target);
      const src = patchSource(entry);
      if (!src) continue;
      const docs =
        src === entry.patch
          ? this.inlineDocs(file, src, 'patchesJson6902.patch')
          : await this.patchDocs(file, dir, src, 'patchesJson6902.path');
      for (const doc of docs)
        this.applyJson(file, src.prov.line, resources, doc, target);
    }
    // 7. replicas
    for (const r of maps(k.replicas)) {
      const name = str(r.name);
      if (!name || !isLeaf(r.count)) continue;
      if (!applyReplicas(resources, name, r.count)) {
        this.reader.problem(
          file,
          `replicas for "${name}" match no workload`,
          'warning',
          r.count.prov.line,
        );
      }
    }
    // 8. images
    for (const img of maps(k.images)) {
      const name = str(img.name);
      if (!name) continue;
      applyImage(resources, {
        name,
        newName: isLeaf(img.newName) ? img.newName : undefined,
        newTag: isLeaf(img.newTag) ? img.newTag : undefined,
        digest: isLeaf(img.digest) ? img.digest : undefined,
      });
    }
    for (const field of ['helmCharts', 'helmChartInflationGenerator']) {
      if (k[field] !== undefined) {
        this.reader.problem(
          file,
          `${field} are not rendered by this layout`,
          'warning',
        );
      }
    }
    for (const field of ['replacements', 'vars']) {
      if (isSeq(k[field]) && k[field].length > 0) {
        this.reader.problem(
          file,
          `${field} are not evaluated; values they set may differ`,
          'warning',
        );
      }
    }
  }

  private inlineDocs(file: string, leaf: Leaf, fixedPath: string): TNode[] {
    const parsed = parseYaml(file, leaf.text() ?? '', {
      fixedPath,
      mapLine: innerLineMapper(leaf),
    });
    for (const pr of parsed.problems)
      this.reader.problem(pr.file, pr.message, pr.severity, pr.line);
    return parsed.documents
      .map(d => d.tree)
      .filter((t): t is TNode => t !== undefined);
  }
}
