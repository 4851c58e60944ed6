import {
  Document,
  isAlias,
  isMap as isYamlMap,
  isPair,
  isScalar,
  isSeq as isYamlSeq,
  LineCounter,
  Node as YamlNode,
  parseAllDocuments,
} from 'yaml';
import { Problem, Provenance } from '../types';
import { appendKey, Leaf, newMap, newSeq, TNode } from './tree';

/** Files larger than this are not parsed. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** Upper bound of nodes materialised from one file (guards alias bombs). */
export const MAX_NODES_PER_FILE = 200_000;
/** yaml's guard against exponential alias expansion. */
export const MAX_ALIAS_COUNT = 100;

/** One parsed YAML document. */
export interface ParsedDocument {
  index: number;
  tree: TNode | undefined;
}

/** Result of parsing a YAML file. */
export interface ParsedYaml {
  documents: ParsedDocument[];
  problems: Problem[];
}

/** Options for {@link parseYaml}. */
export interface ParseYamlOptions {
  /**
   * For YAML embedded in a string (inline kustomize patches): every leaf gets
   * this path instead of its own, and lines are mapped through `mapLine`.
   */
  fixedPath?: string;
  mapLine?: (innerLine: number) => number;
  /** Document index to record on every provenance (YAML embedded in a multi-document file). */
  document?: number;
}

class TooManyNodes extends Error {}

/** A key written twice in one map: an error (kubectl refuses it), not a silent win. */
function duplicateKey(
  file: string,
  path: string,
  key: string,
  line: number,
  firstLine: number,
): Problem {
  const where = path ? `${path}.${key}` : key;
  return {
    file,
    line,
    severity: 'error',
    message: `duplicate key ${where} (first at line ${firstLine}); the last value is used`,
  };
}

/**
 * Parses a multi-document YAML text into provenance-carrying trees. Never
 * throws: syntax errors, alias bombs and oversize input become problems.
 */
export function parseYaml(
  file: string,
  text: string,
  options: ParseYamlOptions = {},
): ParsedYaml {
  const problems: Problem[] = [];
  if (text.length > MAX_YAML_BYTES) {
    problems.push({
      file,
      severity: 'error',
      message: `file is larger than ${MAX_YAML_BYTES} bytes; not parsed`,
    });
    return { documents: [], problems };
  }
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: false,
      strict: false,
    });
    docs = Array.isArray(parsed) ? parsed : [];
  } catch (e) {
    problems.push({
      file,
      severity: 'error',
      message: `YAML could not be parsed: ${(e as Error).message}`,
    });
    return { documents: [], problems };
  }
  const multi = docs.length > 1;
  const mapLine = options.mapLine ?? ((l: number) => l);
  const documents: ParsedDocument[] = [];
  let budget = MAX_NODES_PER_FILE;

  docs.forEach((doc, index) => {
    if (budget < 0) return;
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const line =
        err.linePos?.[0]?.line ??
        (err.pos?.[0] !== undefined
          ? lineCounter.linePos(err.pos[0]).line
          : undefined);
      problems.push({
        file,
        severity: 'error',
        line: line !== undefined ? mapLine(line) : undefined,
        message: `YAML syntax error${multi ? ` in document ${index}` : ''}: ${
          err.message.split('\n')[0]
        }`,
      });
      return;
    }
    const lineOf = (node: YamlNode | undefined | null): number => {
      const offset = node?.range?.[0] ?? 0;
      return mapLine(lineCounter.linePos(offset).line);
    };
    const prov = (
      path: string,
      node: YamlNode | null | undefined,
      fallbackLine: number,
    ): Provenance => {
      const p: Provenance = {
        file,
        path: options.fixedPath ?? path,
        line: node?.range ? lineOf(node) : fallbackLine,
      };
      if (options.document !== undefined) p.document = options.document;
      else if (multi) p.document = index;
      return p;
    };

    const walk = (
      node: unknown,
      path: string,
      fallbackLine: number,
      depth: number,
    ): TNode => {
      if (--budget < 0) throw new TooManyNodes();
      if (depth > 200) throw new TooManyNodes();
      if (isAlias(node)) {
        const target = node.resolve(doc);
        if (target === undefined)
          throw new Error(`alias *${node.source} has no anchor`);
        return walk(target, path, lineOf(node), depth + 1);
      }
      if (isYamlMap(node)) {
        const m = newMap(prov(path, node, fallbackLine));
        const explicit = new Map<string, number>();
        for (const pair of node.items) {
          if (!isPair(pair)) continue;
          const keyNode = pair.key;
          let key: string | undefined;
          if (isScalar(keyNode)) key = String(keyNode.value);
          else if (keyNode === null || keyNode === undefined) key = '';
          if (key === undefined) continue;
          const keyLine = isScalar(keyNode) ? lineOf(keyNode) : fallbackLine;
          if (key === '<<') {
            const merged = walk(pair.value, path, keyLine, depth + 1);
            const sources = Array.isArray(merged) ? merged : [merged];
            for (const src of sources) {
              if (
                src &&
                typeof src === 'object' &&
                !Array.isArray(src) &&
                !(src instanceof Leaf)
              ) {
                for (const k of Object.keys(src)) {
                  if (!(k in m)) m[k] = (src as Record<string, TNode>)[k];
                }
              }
            }
            continue;
          }
          const first = explicit.get(key);
          if (first !== undefined)
            problems.push(duplicateKey(file, path, key, keyLine, first));
          explicit.set(key, keyLine);
          m[key] = walk(pair.value, appendKey(path, key), keyLine, depth + 1);
        }
        return m;
      }
      if (isYamlSeq(node)) {
        const s = newSeq(prov(path, node, fallbackLine));
        node.items.forEach((item, i) => {
          s.push(walk(item, `${path}[${i}]`, fallbackLine, depth + 1));
        });
        return s;
      }
      if (isScalar(node)) {
        const v = node.value;
        const value =
          v === null ||
          v === undefined ||
          typeof v === 'string' ||
          typeof v === 'number' ||
          typeof v === 'boolean'
            ? v ?? null
            : String(v);
        const raw =
          typeof node.source === 'string' && node.type === 'PLAIN'
            ? node.source
            : undefined;
        return new Leaf(value, prov(path, node, fallbackLine), raw);
      }
      return new Leaf(null, prov(path, null, fallbackLine));
    };

    if (text.includes('*')) {
      try {
        // counts alias expansions before materialising anything
        doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (e) {
        const msg = (e as Error).message;
        problems.push({
          file,
          severity: 'error',
          message: /alias/i.test(msg)
            ? `YAML uses aliases too much (alias bomb?); not read: ${msg}`
            : `YAML could not be read: ${msg}`,
        });
        if (/excessive alias/i.test(msg)) budget = -Infinity;
        return;
      }
    }
    try {
      const tree =
        doc.contents === null || doc.contents === undefined
          ? undefined
          : walk(doc.contents, '', 1, 0);
      documents.push({ index, tree });
    } catch (e) {
      if (e instanceof TooManyNodes) {
        problems.push({
          file,
          severity: 'error',
          message: `YAML expands to too many nodes (more than ${MAX_NODES_PER_FILE}, alias bomb?); not read`,
        });
        budget = -Infinity;
      } else {
        problems.push({
          file,
          severity: 'error',
          message: `YAML could not be read: ${(e as Error).message}`,
        });
      }
    }
  });
  return { documents, problems };
}
