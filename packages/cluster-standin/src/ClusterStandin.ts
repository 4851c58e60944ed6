import { ObjectStore } from './store/ObjectStore';
import { GitMainSource } from './reconcile/gitMainSource';
import { ImageRegistry } from './reconcile/registry';
import { Reconciler } from './reconcile/Reconciler';
import { StandinLogger, StandinServer } from './server/StandinServer';

/**
 * Options of {@link startClusterStandin}.
 *
 * @public
 */
export interface ClusterStandinOptions {
  /** Bearer token every API request must carry. */
  token: string;
  /** A local git repository; its branch is the declared state. */
  repository: string;
  /** Default `main`. */
  branch?: string;
  /** Cluster name → environments it runs, e.g. `{ nonprod: ['dev', 'staging'], prod: ['prod'] }`. */
  clusters: Record<string, string[]>;
  /** Image → published tags; tags not listed do not exist (ImagePullBackOff). */
  registry?: Record<string, string[]>;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** How long a rollout takes (default 8000). */
  rolloutMs?: number;
  /** When an unfinished rollout gets ProgressDeadlineExceeded (default 30000). */
  progressDeadlineMs?: number;
  /** How often the branch is checked for new commits (default 2000). */
  pollIntervalMs?: number;
  /** How often rollouts advance (default 500). */
  tickIntervalMs?: number;
  /** The clock (tests). */
  now?: () => number;
  logger?: StandinLogger;
}

/**
 * A running stand-in: the API server plus the reconciler that follows the
 * repository.
 *
 * @public
 */
export interface ClusterStandin {
  /** Base URL, e.g. `http://127.0.0.1:7100`. */
  readonly url: string;
  /** The same port over HTTPS (kubectl only sends a token over TLS). */
  readonly secureUrl: string;
  /** PEM of the self-signed certificate the HTTPS side presents. */
  readonly caCertificate: string;
  /** Cluster names, in configuration order. */
  readonly clusters: string[];
  /** The API server URL of a cluster, `<url>/clusters/<name>` (or over HTTPS). */
  clusterUrl(cluster: string, options?: { secure?: boolean }): string;
  /** Fault: the cluster's API stops answering (true) or answers again (false). */
  setClusterDown(cluster: string, down: boolean): void;
  /** Reads the branch now (if it moved) and advances rollouts. */
  refresh(): Promise<void>;
  /** The revision of the branch last applied. */
  readonly revision: string | undefined;
  close(): Promise<void>;
}

/**
 * Starts the stand-in: reads the branch once, serves the API and keeps
 * following the branch until closed.
 *
 * @public
 */
export async function startClusterStandin(
  options: ClusterStandinOptions,
): Promise<ClusterStandin> {
  if (!options.token) throw new Error('a token is required');
  const now = options.now ?? Date.now;
  const log = options.logger ?? (() => {});
  const stores = new Map<string, ObjectStore>();
  for (const name of Object.keys(options.clusters))
    stores.set(name, new ObjectStore());

  const reconciler = new Reconciler({
    clusters: options.clusters,
    stores,
    registry: new ImageRegistry(options.registry ?? {}),
    rolloutMs: options.rolloutMs ?? 8000,
    progressDeadlineMs: options.progressDeadlineMs ?? 30000,
    now,
  });
  const source = new GitMainSource(
    options.repository,
    options.branch ?? 'main',
  );
  let revision: string | undefined;
  let lastError: string | undefined;

  const refresh = async () => {
    try {
      const changed = await source.readIfChanged();
      if (changed) {
        reconciler.apply(changed.model);
        revision = changed.revision;
        const { workloads, problems } = changed.model;
        const problemText = problems.length
          ? `, ${problems.length} problems`
          : '';
        log(
          `declared state at ${changed.revision.slice(0, 12)}: ${
            workloads.length
          } workloads${problemText}`,
        );
      }
      lastError = undefined;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== lastError) log(`cannot read the repository: ${message}`);
      lastError = message;
    }
    reconciler.tick();
  };

  await refresh();
  const server = new StandinServer({
    token: options.token,
    clusters: stores,
    host: options.host,
    port: options.port,
    logger: options.logger,
  });
  await server.listen();

  let polling: Promise<void> | undefined;
  const poll = setInterval(() => {
    if (!polling) polling = refresh().finally(() => (polling = undefined));
  }, options.pollIntervalMs ?? 2000);
  const tick = setInterval(
    () => reconciler.tick(),
    options.tickIntervalMs ?? 500,
  );
  poll.unref?.();
  tick.unref?.();

  return {
    get url() {
      return server.url;
    },
    get secureUrl() {
      return server.secureUrl;
    },
    get caCertificate() {
      return server.caCertificate;
    },
    clusters: [...stores.keys()],
    clusterUrl: (cluster, opts) => {
      const url = server.clusterUrl(cluster);
      return opts?.secure ? url.replace(/^http:/, 'https:') : url;
    },
    setClusterDown: (cluster, down) => server.setClusterDown(cluster, down),
    refresh: async () => {
      if (polling) await polling;
      await refresh();
    },
    get revision() {
      return revision;
    },
    close: async () => {
      clearInterval(poll);
      clearInterval(tick);
      if (polling) await polling;
      await server.close();
    },
  };
}
