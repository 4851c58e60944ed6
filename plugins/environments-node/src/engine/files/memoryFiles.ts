import {
  normalizeRepoPath,
  RepositoryFiles,
  RepositoryListing,
} from './repositoryFiles';
import { MAX_FILE_BYTES } from './limits';

/**
 * Repository files held in memory, e.g. the blobs of a GitHub tree.
 *
 * @public
 */
export class MemoryFiles implements RepositoryFiles {
  private readonly files = new Map<string, Uint8Array | string>();

  constructor(
    files:
      | Record<string, Uint8Array | string>
      | Map<string, Uint8Array | string>,
  ) {
    const entries =
      files instanceof Map ? files.entries() : Object.entries(files);
    for (const [path, content] of entries) {
      const p = normalizeRepoPath(path);
      if (p) this.files.set(p, content);
    }
  }

  async list(): Promise<RepositoryListing> {
    return { files: [...this.files.keys()].sort(), problems: [] };
  }

  async read(path: string): Promise<Uint8Array | string> {
    const p = normalizeRepoPath(path);
    const content = p === undefined ? undefined : this.files.get(p);
    if (content === undefined) throw new Error(`file not found: ${path}`);
    const size =
      typeof content === 'string' ? content.length : content.byteLength;
    if (size > MAX_FILE_BYTES) {
      throw new Error(`file is larger than ${MAX_FILE_BYTES} bytes`);
    }
    return content;
  }
}
