export type { GitRepository, RepositorySnapshot } from './types';
export { PlainGitRepository } from './PlainGitRepository';
export type { PlainGitRepositoryOptions } from './PlainGitRepository';
export { readGitRepositories } from './readGitRepositories';
