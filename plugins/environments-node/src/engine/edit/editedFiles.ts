import { RepositoryFiles, RepositoryListing } from '../files/repositoryFiles';

/** A file's content as text (UTF-8, refusing invalid bytes). */
export function fileText(content: Uint8Array | string): string {
  return typeof content === 'string'
    ? content
    : new TextDecoder('utf-8', { fatal: true }).decode(content);
}

/** Environment names for a message: sorted, comma-separated. */
export function envList(envs: Iterable<string>): string {
  return [...envs].sort().join(', ');
}

/** Repository files with some files replaced or added: what a plan's verifying re-scan reads. */
export class EditedFiles implements RepositoryFiles {
  constructor(
    private readonly base: RepositoryFiles,
    private readonly edited: Map<string, string>,
  ) {}

  async list(): Promise<RepositoryListing> {
    const listing = await this.base.list();
    const files = new Set(listing.files);
    for (const f of this.edited.keys()) files.add(f);
    return { ...listing, files: [...files].sort() };
  }

  async read(path: string): Promise<Uint8Array | string> {
    return this.edited.get(path) ?? this.base.read(path);
  }
}
