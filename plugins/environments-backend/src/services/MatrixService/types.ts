import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import {
  DeclaredModel,
  ScanOptions,
} from '@stagecraft/plugin-environments-node';
import { GitRepository, RepositorySnapshot } from '../../git';
import {
  EnvironmentMatrix,
  EnvironmentPortfolio,
} from '@stagecraft/plugin-environments-common';

/**
 * Answers "what runs where" for one catalog entity.
 *
 * @public
 */
export interface MatrixService {
  /**
   * The entity's environment matrix. Throws `NotFoundError` for an unknown entity or one with no
   * environments annotation, `NotAllowedError` when the caller may not read it, and `InputError`
   * when the entity's annotations are malformed. A repository that cannot be read, or a file
   * that cannot be understood, is a problem in the matrix, not an error.
   */
  getEnvironmentMatrix(
    entityRef: CompoundEntityRef,
    options: { credentials: BackstageCredentials },
  ): Promise<EnvironmentMatrix>;

  /**
   * A page of the portfolio: the matrices of the entities (with either environments annotation)
   * that an owner owns or a system holds, which the caller may read. A matrix that cannot be
   * computed is an item with a problem, not a failed page.
   */
  /**
   * The matrix with the Git snapshot and the scanned model it was built from. With `refresh`, the
   * repository is fetched first, so a promotion plans against its newest commit.
   */
  getEntityState(
    entityRef: CompoundEntityRef,
    options: { credentials: BackstageCredentials; refresh?: boolean },
  ): Promise<EntityState>;

  /**
   * The GitOps repository an entity's declared state lives in, without reading it: what a
   * promotion under way is followed, cancelled or merged in. `NotFoundError` for an entity
   * without a GitOps location; `ConflictError` when its repository is not configured.
   */
  getRepository(
    entityRef: CompoundEntityRef,
    options: { credentials: BackstageCredentials },
  ): Promise<GitRepository>;

  /**
   * Computes every annotated entity's matrix (with the history lags) into the cache, so requests
   * on any replica are answered from it. Run by one replica at a time, on a schedule.
   */
  refreshAll(): Promise<{ refreshed: number }>;

  listEnvironmentMatrices(
    query: PortfolioQuery,
    options: { credentials: BackstageCredentials },
  ): Promise<EnvironmentPortfolio>;
}

/**
 * Which entities a portfolio page holds.
 *
 * @public
 */
export type PortfolioQuery = {
  /** An owner's entity ref; `group` and `default` are assumed when left out. */
  owner?: string;
  /** A system's entity ref. */
  system?: string;
  /** Default `Component`. */
  kind?: string;
  cursor?: string;
  /** Default 20. */
  limit?: number;
};

/**
 * A matrix with the Git state it was read from: what a promotion plans against.
 *
 * @public
 */
export type EntityState = {
  entity: Entity;
  matrix: EnvironmentMatrix;
  /** Absent for a live-only entity, or when the repository could not be read (see the matrix's problems). */
  declared?: {
    repository: GitRepository;
    /** The repository's name or `host/owner/repo`. */
    repositoryLabel: string;
    snapshot: RepositorySnapshot;
    /** The entity's folder in the repository. */
    folder: string;
    model: DeclaredModel;
    scanOptions: ScanOptions;
  };
};
