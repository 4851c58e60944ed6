import { Problem, ProblemSeverity } from '../types';
import { parseYaml, ParsedDocument } from '../yaml/parseYaml';
import { dirnameOf, RepositoryFiles } from './repositoryFiles';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Caching access to a repository for one scan: decodes UTF-8, parses YAML
 * once per file, and records one problem per bad file. Layout readers read
 * through it.
 *
 * @public
 */
export class RepoReader {
  readonly files: Set<string>;
  readonly folders = new Set<string>(['']);
  readonly problems: Problem[] = [];
  private readonly problemKeys = new Set<string>();
  private readonly texts = new Map<string, Promise<string | undefined>>();
  private readonly yamls = new Map<
    string,
    Promise<ParsedDocument[] | undefined>
  >();

  constructor(private readonly source: RepositoryFiles, files: string[]) {
    this.files = new Set(files);
    for (const f of files) {
      let d = dirnameOf(f);
      while (d && !this.folders.has(d)) {
        this.folders.add(d);
        d = dirnameOf(d);
      }
    }
  }

  problem(
    file: string,
    message: string,
    severity: ProblemSeverity = 'error',
    line?: number,
  ) {
    const key = `${file}\u0000${message}`;
    if (this.problemKeys.has(key)) return;
    this.problemKeys.add(key);
    const p: Problem = { file, message, severity };
    if (line !== undefined) p.line = line;
    this.problems.push(p);
  }

  private children: Map<string, string[]> | undefined;

  /** Names of the sub-folders of a folder. */
  childFolders = (parent: string): string[] => {
    if (!this.children) {
      this.children = new Map();
      for (const f of this.folders) {
        if (!f) continue;
        const d = dirnameOf(f);
        if (!this.children.has(d)) this.children.set(d, []);
        this.children.get(d)!.push(f.slice(d ? d.length + 1 : 0));
      }
    }
    return this.children.get(parent) ?? [];
  };

  isFile(path: string): boolean {
    return this.files.has(path);
  }

  isFolder(path: string): boolean {
    return this.folders.has(path);
  }

  /** Reads many files ahead, a few at a time, so later reads hit the cache. */
  async prefetch(paths: string[], concurrency = 16): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < paths.length) {
        const p = paths[next++];
        await this.text(p);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(concurrency, paths.length) }, worker),
    );
  }

  /** Text of a file, or undefined (with a problem) when unreadable or not UTF-8. */
  text(path: string): Promise<string | undefined> {
    let p = this.texts.get(path);
    if (!p) {
      p = this.readText(path);
      this.texts.set(path, p);
    }
    return p;
  }

  private async readText(path: string): Promise<string | undefined> {
    let content: Uint8Array | string;
    try {
      content = await this.source.read(path);
    } catch (e) {
      this.problem(path, `file could not be read: ${(e as Error).message}`);
      return undefined;
    }
    if (typeof content === 'string') return content;
    try {
      const text = decoder.decode(content);
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    } catch {
      this.problem(path, 'file is not valid UTF-8; not read');
      return undefined;
    }
  }

  /** Parsed YAML documents of a file (problems recorded once). */
  yaml(path: string): Promise<ParsedDocument[] | undefined> {
    let p = this.yamls.get(path);
    if (!p) {
      p = this.text(path).then(text => {
        if (text === undefined) return undefined;
        const parsed = parseYaml(path, text);
        // templates ({{ }}) are not YAML until rendered: note them, quietly
        const templated = parsed.problems.length > 0 && text.includes('{{');
        for (const pr of parsed.problems) {
          if (templated) {
            const message = `templated YAML is not rendered: ${pr.message}`;
            this.problem(pr.file, message, 'info', pr.line);
          } else this.problem(pr.file, pr.message, pr.severity, pr.line);
        }
        return parsed.documents;
      });
      this.yamls.set(path, p);
    }
    return p;
  }
}
