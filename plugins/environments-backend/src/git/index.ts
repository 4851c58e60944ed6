export type {
  ChangeAuthor,
  ChangeBranch,
  ChangeRequest,
  ChangeStatus,
  CommitRequest,
  FileHistoryCommit,
  GitRepository,
  GitRepositoryWriter,
  OpenedChange,
  PromotionTrace,
  RepositorySnapshot,
} from './types';
export { PlainGitRepository } from './PlainGitRepository';
export type { PlainGitRepositoryOptions } from './PlainGitRepository';
export { readGitRepositories } from './readGitRepositories';
export { GithubRepository } from './GithubRepository';
export type { GithubRepositoryOptions } from './GithubRepository';
export { GithubRepositories } from './GithubRepositories';
export type { GithubRepositoriesOptions } from './GithubRepositories';
export { parseGithubLocation } from './parseGithubLocation';
export type { GithubLocation } from './parseGithubLocation';
