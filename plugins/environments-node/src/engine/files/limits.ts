/** Files larger than this are never read (1 MiB). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** A directory listing stops after this many files. */
export const MAX_FILES = 100_000;
/** Folders that are never listed. */
export const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);
