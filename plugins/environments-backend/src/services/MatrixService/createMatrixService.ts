import {
  BackstageCredentials,
  CacheService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ANNOTATION_GITOPS_LOCATION,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  EnvironmentMatrix,
  environmentsEntityReadPermission,
  HistoryEntry,
  MatrixEnvironment,
  OpenPromotion,
  getEntityEnvironmentNames,
  getGitOpsSource,
  GitOpsSource,
  isEnvironmentsAvailable,
} from '@stagecraft/plugin-environments-common';
import {
  DeclaredModel,
  MemoryFiles,
  scanRepository,
} from '@stagecraft/plugin-environments-node';
import { LiveStateReader } from '../../clusters';
import {
  GithubRepositories,
  GithubRepository,
  GitRepository,
  RepositorySnapshot,
} from '../../git';
import { PromotionAuthorizer } from '../../permissions/createPromotionAuthorizer';
import { declaredEnvironments } from './declaredEnvironments';
import { evaluateGates, readableGate } from './promotionGates';
import { environmentLag } from './environmentLag';
import {
  versionFieldsOf,
  versionHistory,
} from '../PromotionService/versionHistory';
import { liveOnlyEnvironments, mergeLiveState } from './liveEnvironments';
import { matrixDigest } from './matrixDigest';
import { EntityState, MatrixService, PortfolioQuery } from './types';
import {
  defaultEnvironmentPolicies,
  EnvironmentPolicies,
} from '../PromotionService/environmentPolicies';

/** How many scanned models (per repository, commit and folder) are kept in memory. */
const MODEL_CACHE_SIZE = 500;

/** How long a replica answers from its own copy of a cached matrix before asking the cache store again. */
const RECENT_MS = 2_000;

/** How many commits of the version fields' history the lag is counted over. */
const LAG_HISTORY_DEPTH = 50;

/** How many matrices of a portfolio page are computed at once. */
const PORTFOLIO_CONCURRENCY = 8;

/** Entities with either environments annotation, narrowed by owner, system and kind. */
function portfolioFilter(query: PortfolioQuery) {
  const common: Record<string, string> = { kind: query.kind ?? 'Component' };
  if (query.owner) {
    common['relations.ownedBy'] = stringifyEntityRef(
      parseEntityRef(query.owner, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    );
  }
  if (query.system) {
    common['relations.partOf'] = stringifyEntityRef(
      parseEntityRef(query.system, {
        defaultKind: 'system',
        defaultNamespace: 'default',
      }),
    );
  }
  return [
    {
      ...common,
      [`metadata.annotations.${ANNOTATION_GITOPS_LOCATION}`]:
        CATALOG_FILTER_EXISTS,
    },
    {
      ...common,
      [`metadata.annotations.${ANNOTATION_KUBERNETES_ID}`]:
        CATALOG_FILTER_EXISTS,
    },
  ];
}

export function createMatrixService(options: {
  catalog: CatalogService;
  permissions: PermissionsService;
  repositories: Map<string, GitRepository>;
  /** Reads the clusters; without one (or without clusters), health and drift stay Unknown. */
  liveState?: LiveStateReader;
  /** Reads `url:` locations on GitHub hosts of `integrations.github`. */
  github?: GithubRepositories;
  /** Decides who may promote; without one, nobody may. */
  authorizePromotions?: PromotionAuthorizer;
  /** Methods and gates per environment; default: the built-in ones. */
  policies?: EnvironmentPolicies;
  /**
   * Where matrices are shared between requests and replicas (without the caller's permissions);
   * without one, every request computes its matrix.
   */
  cache?: CacheService;
  /** How long a cached matrix serves requests; default 60 seconds. */
  cacheTtlMs?: number;
  /** `environments.aliases`: names merged into one (`production` → `prod`), for every entity. */
  environmentAliases?: Record<string, string>;
  /** The promotions under way for an entity; they join every answer, never the cache. */
  openPromotions?: (entityRef: string) => Promise<OpenPromotion[]>;
  /** The plugin's own credentials, for the background refresh. */
  ownCredentials?: () => Promise<BackstageCredentials>;
  /** Called when the background refresh finds an entity's matrix changed since its last run. */
  onChange?: (entityRef: string) => void;
  logger: LoggerService;
  now?: () => Date;
}): MatrixService {
  const { catalog, permissions, repositories, liveState, github, logger } =
    options;
  const authorizePromotions: PromotionAuthorizer =
    options.authorizePromotions ?? (async steps => steps.map(() => false));
  const now = options.now ?? (() => new Date());
  const policies = options.policies ?? defaultEnvironmentPolicies;
  const { cache, ownCredentials, openPromotions, onChange } = options;
  const cacheTtlMs = options.cacheTtlMs ?? 60_000;
  const recent = new Map<
    string,
    { matrix: EnvironmentMatrix; until: number }
  >();
  const computing = new Map<string, Promise<EnvironmentMatrix>>();
  const models = new Map<string, Promise<DeclaredModel>>();
  const histories = new Map<string, Promise<HistoryEntry[]>>();

  /**
   * The version changes in the history of an entity's version fields, per commit and folder. On
   * GitHub the history costs API calls, so a matrix only uses one read before (by the history
   * route or with `readHistory`): a cold matrix stays at its 3 calls.
   */
  function history(
    repository: GitRepository,
    snapshot: RepositorySnapshot,
    folder: string,
    environments: MatrixEnvironment[],
    readHistory: boolean,
  ): Promise<HistoryEntry[]> | undefined {
    const key = JSON.stringify([snapshot.repository, snapshot.commit, folder]);
    let entries = histories.get(key);
    if (!entries) {
      if (repository instanceof GithubRepository && !readHistory) {
        return undefined;
      }
      const fields = versionFieldsOf(environments);
      const files = [...new Set(fields.map(f => f.provenance.file))];
      entries = repository
        .readFileHistory(files, { limit: LAG_HISTORY_DEPTH })
        .then(commits => versionHistory(fields, commits));
      histories.set(key, entries);
      entries.catch(() => histories.delete(key));
      if (histories.size > MODEL_CACHE_SIZE) {
        histories.delete(histories.keys().next().value!);
      }
    }
    return entries;
  }

  function scan(
    snapshot: RepositorySnapshot,
    path: string,
    environmentOrder?: string[],
  ): Promise<DeclaredModel> {
    const key = JSON.stringify([
      snapshot.repository,
      snapshot.commit,
      path,
      environmentOrder,
    ]);
    let model = models.get(key);
    if (!model) {
      model = scanRepository(new MemoryFiles(snapshot.files), {
        path,
        environmentOrder,
        environmentAliases: options.environmentAliases,
      });
      models.set(key, model);
      model.catch(() => models.delete(key));
      if (models.size > MODEL_CACHE_SIZE) {
        models.delete(models.keys().next().value!);
      }
    }
    return model;
  }

  async function resolveEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ) {
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    const [decision] = await permissions.authorize(
      [
        {
          permission: environmentsEntityReadPermission,
          resourceRef: entityRef,
        },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not read the environments of ${entityRef}`,
      );
    }
    if (!isEnvironmentsAvailable(entity)) {
      throw new NotFoundError(
        `Entity ${entityRef} has no environments: add the ${ANNOTATION_GITOPS_LOCATION} annotation (or ${ANNOTATION_KUBERNETES_ID} for a live-only view)`,
      );
    }
    return entity;
  }

  function readAnnotations(entity: Entity, entityRef: string) {
    try {
      return {
        source: getGitOpsSource(entity),
        environmentNames: getEntityEnvironmentNames(entity),
      };
    } catch (error) {
      throw new InputError(`Entity ${entityRef}: ${(error as Error).message}`);
    }
  }

  /** The repository and folder a GitOps source points at, or why not. */
  function resolveRepository(
    source: GitOpsSource,
  ):
    | { repository: GitRepository; path: string; label: string }
    | { problem: string } {
    if (source.type === 'repository') {
      const repository = repositories.get(source.repository);
      if (repository) {
        return { repository, path: source.path, label: source.repository };
      }
      return {
        problem: `Repository '${source.repository}' is not configured: add it under environments.repositories`,
      };
    }
    try {
      if (!github) {
        throw new Error('no GitHub integration is configured');
      }
      const { repository, path, location } = github.forLocation(source.url);
      return {
        repository,
        path,
        label: `${location.host}/${location.owner}/${location.repo}`,
      };
    } catch (error) {
      return {
        problem: `Cannot read ${source.url}: ${(error as Error).message}`,
      };
    }
  }

  async function addDeclaredState(
    matrix: EnvironmentMatrix,
    source: GitOpsSource,
    environmentNames: string[] | undefined,
    reading: { refresh: boolean; readHistory: boolean },
  ): Promise<EntityState['declared']> {
    const { refresh, readHistory } = reading;
    const target = resolveRepository(source);
    if ('problem' in target) {
      matrix.problems.push({ severity: 'error', message: target.problem });
      return undefined;
    }
    const { repository, path: folder, label } = target;

    let snapshot: RepositorySnapshot;
    try {
      snapshot = await repository.readSnapshot({ refresh });
    } catch (error) {
      logger.warn(`Reading ${label} failed`, error as Error);
      matrix.problems.push({
        severity: 'error',
        message: (error as Error).message,
      });
      return undefined;
    }
    matrix.revision = {
      repository: snapshot.repository,
      branch: snapshot.branch,
      commit: snapshot.commit,
    };
    if (snapshot.staleReason) {
      matrix.stale = { reason: snapshot.staleReason };
    }
    if (!hasFolder(snapshot, folder)) {
      matrix.problems.push({
        severity: 'error',
        message: `Repository '${label}' has no folder '${folder}' on ${snapshot.branch}`,
      });
      return undefined;
    }

    const model = await scan(snapshot, folder, environmentNames);
    const declared = declaredEnvironments(model, { environmentNames });
    matrix.environments = declared.environments;
    matrix.problems.push(...declared.problems);
    try {
      const entries = history(
        repository,
        snapshot,
        folder,
        declared.environments,
        readHistory,
      );
      const lags = environmentLag(declared.environments, (await entries) ?? []);
      for (const env of matrix.environments) {
        const lag = entries && lags.get(env.name);
        if (lag) env.lag = lag;
      }
    } catch (error) {
      logger.warn(
        `Reading the version history of ${label} failed: ${
          (error as Error).message
        }`,
      );
    }
    return {
      repository,
      repositoryLabel: label,
      snapshot,
      folder,
      model,
      scanOptions: {
        path: folder,
        environmentOrder: environmentNames,
        environmentAliases: options.environmentAliases,
      },
    };
  }

  async function addLiveState(matrix: EnvironmentMatrix, declared: boolean) {
    if (!liveState || liveState.listClusters().length === 0) {
      return;
    }
    const workloads = matrix.environments.flatMap(env => env.workloads);
    const live = await liveState.readEntityLiveState({
      kubernetesId: matrix.live.kubernetesId,
      labelSelector: matrix.live.labelSelector,
      declared: workloads
        .filter(w => ['Deployment', 'StatefulSet', 'Rollout'].includes(w.kind))
        .map(w => ({
          kind: w.kind as 'Deployment' | 'StatefulSet' | 'Rollout',
          name: w.name,
          ...(w.namespace && { namespace: w.namespace }),
        })),
      namespaces: [
        ...new Set(
          workloads.map(w => w.namespace).filter((n): n is string => !!n),
        ),
      ],
    });
    matrix.environments = declared
      ? mergeLiveState(matrix.environments, live)
      : liveOnlyEnvironments(live, liveState.listClusters());
  }

  /** The steps between consecutive environments, with their gates: the same for every caller. */
  function addPromotionSteps(matrix: EnvironmentMatrix) {
    matrix.promotions = matrix.environments.slice(1).map((to, index) => {
      const from = matrix.environments[index];
      return {
        from: from.name,
        to: to.name,
        gates: [
          ...evaluateGates(from, to, {
            policy: policies(to.name, { order: to.order, previous: from.name }),
            now: now(),
          }),
          readableGate(matrix.environments, from, to, matrix.problems),
        ],
        permission: { allowed: false },
        available: false,
      };
    });
  }

  /**
   * What depends on the caller and on the moment: whether the caller may promote along each step
   * (`environments.promotion.create`), and the promotions under way.
   */
  async function applyPermissions(
    matrix: EnvironmentMatrix,
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<EnvironmentMatrix> {
    const open =
      openPromotions && matrix.source
        ? await openPromotions(matrix.entityRef)
        : [];
    const owners = (entity.relations ?? [])
      .filter(relation => relation.type === RELATION_OWNED_BY)
      .map(relation => relation.targetRef);
    const allowed = await authorizePromotions(
      matrix.promotions.map(step => ({
        entityRef: matrix.entityRef,
        owners,
        source: step.from,
        target: step.to,
      })),
      credentials,
    );
    return {
      ...matrix,
      ...(open.length > 0 && { openPromotions: open }),
      promotions: matrix.promotions.map((step, index) => ({
        ...step,
        permission: allowed[index]
          ? { allowed: true }
          : {
              allowed: false,
              reason: `You may not promote ${matrix.entityRef} to ${step.to}`,
            },
        available: allowed[index] && step.gates.every(gate => gate.passed),
      })),
    };
  }

  /** Where an entity's matrix is cached: a new entity version (etag) is a new key. */
  function cacheKey(entity: Entity, entityRef: string) {
    return `matrix:${entityRef}:${
      entity.metadata.etag ?? entity.metadata.uid ?? ''
    }`;
  }

  /**
   * The caller-independent matrix: from the cache when a background refresh or another request
   * computed it recently, otherwise computed now and cached.
   */
  async function cachedMatrix(
    entity: Entity,
    entityRef: string,
  ): Promise<EnvironmentMatrix> {
    const key = cacheKey(entity, entityRef);
    const local = recent.get(key);
    if (local && local.until > Date.now()) {
      return local.matrix;
    }
    let pending = computing.get(key);
    if (!pending) {
      pending = (async () => {
        const hit = cache ? await cache.get<EnvironmentMatrix>(key) : undefined;
        if (hit) {
          remember(key, hit);
          return hit;
        }
        const { matrix } = await buildMatrix(entity, entityRef, {
          refresh: false,
          readHistory: false,
        });
        await share(key, matrix);
        return matrix;
      })().finally(() => computing.delete(key));
      computing.set(key, pending);
    }
    return pending;
  }

  /** Keeps a matrix in this replica for a moment: decoding it from the cache store costs more than the rest of a request. */
  function remember(key: string, matrix: EnvironmentMatrix) {
    recent.set(key, { matrix, until: Date.now() + RECENT_MS });
    if (recent.size > MODEL_CACHE_SIZE) {
      recent.delete(recent.keys().next().value!);
    }
  }

  /** Puts a matrix where every replica finds it. */
  async function share(key: string, matrix: EnvironmentMatrix) {
    remember(key, matrix);
    await cache?.set(key, matrix as unknown as JsonObject, { ttl: cacheTtlMs });
  }

  /**
   * Whether a refreshed matrix differs from the last refresh's (kept beside the matrices, so a
   * refresh on another replica compares with it); false the first time.
   */
  const digests = new Map<string, string>();
  async function refreshChanged(matrix: EnvironmentMatrix): Promise<boolean> {
    const key = `matrix-digest:${matrix.entityRef}`;
    const digest = matrixDigest(matrix);
    const previous = cache
      ? await cache.get<string>(key)
      : digests.get(matrix.entityRef);
    if (cache) {
      await cache.set(key, digest, { ttl: Math.max(cacheTtlMs, 3_600_000) });
    } else {
      digests.set(matrix.entityRef, digest);
    }
    return previous !== undefined && previous !== digest;
  }

  async function buildMatrix(
    entity: Entity,
    entityRef: string,
    reading: { refresh: boolean; readHistory: boolean },
  ): Promise<EntityState> {
    const { source, environmentNames } = readAnnotations(entity, entityRef);
    const annotations = entity.metadata.annotations ?? {};

    const owner = entity.relations?.find(
      relation => relation.type === RELATION_OWNED_BY,
    )?.targetRef;
    const matrix: EnvironmentMatrix = {
      entityRef,
      ...(owner && { owner }),
      source,
      live: {
        kubernetesId: annotations[ANNOTATION_KUBERNETES_ID],
        labelSelector: annotations[ANNOTATION_KUBERNETES_LABEL_SELECTOR],
      },
      environments: [],
      promotions: [],
      problems: [],
      generatedAt: now().toISOString(),
    };

    let declared: EntityState['declared'];
    if (source) {
      declared = await addDeclaredState(
        matrix,
        source,
        environmentNames,
        reading,
      );
    } else {
      matrix.problems.push({
        severity: 'info',
        message: `Live-only view: without the ${ANNOTATION_GITOPS_LOCATION} annotation there is no declared state, and promotion is unavailable`,
      });
    }
    await addLiveState(matrix, Boolean(source));
    if (source) {
      addPromotionSteps(matrix);
    }
    return { entity, matrix, declared };
  }

  return {
    async getEnvironmentMatrix(compoundRef, { credentials }) {
      const entityRef = stringifyEntityRef(compoundRef);
      const entity = await resolveEntity(entityRef, credentials);
      return applyPermissions(
        await cachedMatrix(entity, entityRef),
        entity,
        credentials,
      );
    },

    async getEntityState(compoundRef, { credentials, refresh }) {
      const entityRef = stringifyEntityRef(compoundRef);
      const entity = await resolveEntity(entityRef, credentials);
      const state = await buildMatrix(entity, entityRef, {
        refresh: refresh ?? false,
        readHistory: false,
      });
      // What was just read is the newest there is: let every reader have it.
      await share(cacheKey(entity, entityRef), state.matrix);
      return {
        ...state,
        matrix: await applyPermissions(state.matrix, entity, credentials),
      };
    },

    async getRepository(compoundRef, { credentials }) {
      const entityRef = stringifyEntityRef(compoundRef);
      const entity = await resolveEntity(entityRef, credentials);
      const { source } = readAnnotations(entity, entityRef);
      if (!source) {
        throw new NotFoundError(`${entityRef} has no GitOps location`);
      }
      const resolved = resolveRepository(source);
      if ('problem' in resolved) {
        throw new ConflictError(resolved.problem);
      }
      return resolved.repository;
    },

    async refreshAll() {
      /** Computes one entity's matrix into the cache; false when that failed. */
      const refreshOne = async (entity: Entity): Promise<boolean> => {
        const entityRef = stringifyEntityRef(entity);
        try {
          const { matrix } = await buildMatrix(entity, entityRef, {
            refresh: false,
            readHistory: true,
          });
          await share(cacheKey(entity, entityRef), matrix);
          if (onChange && (await refreshChanged(matrix))) {
            onChange(entityRef);
          }
          return true;
        } catch (error) {
          logger.warn(
            `Refreshing the environments of ${entityRef} failed: ${
              (error as Error).message
            }`,
          );
          return false;
        }
      };
      if (!ownCredentials) {
        throw new Error('refreshAll needs the plugin’s own credentials');
      }
      const credentials = await ownCredentials();
      let cursor: string | undefined;
      let refreshed = 0;
      do {
        const page = cursor
          ? await catalog.queryEntities({ cursor, limit: 100 }, { credentials })
          : await catalog.queryEntities(
              {
                filter: [
                  ANNOTATION_GITOPS_LOCATION,
                  ANNOTATION_KUBERNETES_ID,
                ].map(annotation => ({
                  [`metadata.annotations.${annotation}`]: CATALOG_FILTER_EXISTS,
                })),
                limit: 100,
              },
              { credentials },
            );
        for (let i = 0; i < page.items.length; i += PORTFOLIO_CONCURRENCY) {
          const done = await Promise.all(
            page.items.slice(i, i + PORTFOLIO_CONCURRENCY).map(refreshOne),
          );
          refreshed += done.filter(Boolean).length;
        }
        cursor = page.pageInfo.nextCursor;
      } while (cursor);
      return { refreshed };
    },

    async listEnvironmentMatrices(query, { credentials }) {
      const limit = query.limit ?? 20;
      const response = query.cursor
        ? await catalog.queryEntities(
            { cursor: query.cursor, limit },
            { credentials },
          )
        : await catalog.queryEntities(
            { filter: portfolioFilter(query), limit },
            { credentials },
          );

      const refs = response.items.map(e => stringifyEntityRef(e));
      const decisions = refs.length
        ? await permissions.authorize(
            refs.map(resourceRef => ({
              permission: environmentsEntityReadPermission,
              resourceRef,
            })),
            { credentials },
          )
        : [];
      const allowed = response.items.filter(
        (_, index) => decisions[index].result === AuthorizeResult.ALLOW,
      );

      const items: EnvironmentMatrix[] = [];
      for (let i = 0; i < allowed.length; i += PORTFOLIO_CONCURRENCY) {
        const batch = allowed.slice(i, i + PORTFOLIO_CONCURRENCY);
        items.push(
          ...(await Promise.all(
            batch.map(entity =>
              cachedMatrix(entity, stringifyEntityRef(entity))
                .then(matrix => applyPermissions(matrix, entity, credentials))
                .catch(error => ({
                  entityRef: stringifyEntityRef(entity),
                  live: {},
                  environments: [],
                  promotions: [],
                  problems: [
                    {
                      severity: 'error' as const,
                      message: (error as Error).message,
                    },
                  ],
                  generatedAt: now().toISOString(),
                })),
            ),
          )),
        );
      }
      return {
        items,
        totalItems: response.totalItems,
        ...(response.pageInfo.nextCursor && {
          nextCursor: response.pageInfo.nextCursor,
        }),
      };
    },
  };
}

function hasFolder(snapshot: RepositorySnapshot, folder: string): boolean {
  if (folder === '') {
    return true;
  }
  for (const file of snapshot.files.keys()) {
    if (file.startsWith(`${folder}/`)) {
      return true;
    }
  }
  return false;
}
