import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the environments plugin. */
  environments?: {
    /**
     * Git repositories read with plain git, by name. Entities point into them with the annotation
     * `stagecraft.io/gitops-location: <name>:<path>`. GitHub repositories need no entry here:
     * they are read through `integrations.github`.
     */
    repositories?: {
      [name: string]: {
        /**
         * Any URL git can fetch from, or a local path (relative to the backend's working
         * directory). Put credentials in the git configuration of the host, not here.
         */
        url: string;
        /** The branch to read and to promote to; default: the repository's default branch. */
        branch?: string;
        /** Minimum time between two fetches; default 30 seconds. */
        refreshInterval?: HumanDuration | string;
        /** Lets the portal's merge action merge promotion branches; default false. */
        allowMerge?: boolean;
      };
    };
    /**
     * How often one replica recomputes every annotated entity's matrix into the cache service
     * (memory by default, Redis where `backend.cache` says so); default 15 seconds. A cached
     * matrix serves requests for four intervals.
     */
    refreshInterval?: HumanDuration | string;
    /** Reading live state from the clusters of the `kubernetes:` block. */
    clusters?: {
      /** How long one call to a cluster may take; default 5 seconds. */
      timeout?: HumanDuration | string;
      /** How long one list of a kind in a namespace serves every entity; default 10 seconds. */
      cacheTtl?: HumanDuration | string;
      /**
       * Keeps each shared list current through a Kubernetes watch (one list, then one watch per
       * cluster, namespace and kind) instead of listing again after `cacheTtl`; default true.
       * Lists nobody reads for 5 minutes close their watch. Where a watch is refused (or a kind
       * is an optional CRD that is not installed), that list falls back to `cacheTtl`.
       */
      watch?: boolean;
    };
    /**
     * Environment names that mean one environment across entities (`production: prod`), so the
     * matrix, the portfolio and promotions use one name.
     */
    aliases?: { [name: string]: string };
    /**
     * Where the plugin keeps data across restarts (mirrors of plain-git repositories, under
     * `git/`, one per repository URL and backend base URL, so two backends never share one);
     * default: `stagecraft-environments` under `backend.workingDirectory`, or under the
     * system's temporary folder. The demo keeps it in `.stagecraft/data`.
     */
    dataDir?: string;
    /**
     * Where cached clones of plain-git repositories are kept; default: `git/` under `dataDir`.
     */
    cacheDirectory?: string;
    /** How promotions go, per target environment; what is left out falls back to `defaults`. */
    promotions?: {
      /** Applies to every environment without its own setting. */
      defaults?: EnvironmentPromotionPolicy;
      /** By environment name, e.g. `prod`. */
      environments?: { [name: string]: EnvironmentPromotionPolicy };
      /** How often open promotions are followed (one replica at a time); default 10 seconds. */
      trackingInterval?: HumanDuration | string;
      /**
       * How often records are checked against Git and promotion branches without a record are
       * adopted (one replica at a time); default 1 minute.
       */
      reconcileInterval?: HumanDuration | string;
      /**
       * How long one round of following promotions may take before another replica may start
       * one (a replica killed mid-round holds the round this long); default 1 minute.
       */
      trackingTimeout?: HumanDuration | string;
      /** How long a merged promotion may take to run Healthy in its target; default 10 minutes. */
      syncTimeout?: HumanDuration | string;
      /**
       * How long one Git operation (writing, merging or cancelling a promotion) may hold the
       * promotion before it is taken for interrupted and reconciled with Git; default 2 minutes.
       */
      leaseTimeout?: HumanDuration | string;
    };
  };
}

/** How promotions into one environment go. */
interface EnvironmentPromotionPolicy {
  /**
   * `pull-request` (a branch for plain git) or `direct-commit`. Default: `direct-commit` into the
   * first environment of an entity, `pull-request` into the others.
   */
  method?: 'pull-request' | 'direct-commit';
  /** The environments a version may come from; default: the previous environment. */
  allowedSources?: string[];
  /** How long the source must have run Healthy, unchanged, before its version moves on; default 0. */
  sourceStableFor?: HumanDuration | string;
  /**
   * Whether the source must be seen Healthy and in sync in a cluster; default true. Set it to
   * false for Git-only set-ups (no cluster configured): where no cluster reports the source, the
   * health and sync gates are then not checked and say so. A cluster that reports the source but
   * is down or unhealthy still fails them.
   */
  requireLiveHealth?: boolean;
  /** Times when promotions into the environment are refused. */
  freezeWindows?: Array<{
    /** ISO 8601, e.g. `2026-12-20T00:00:00Z`. */
    start: string;
    end: string;
    /** Shown with the gate, e.g. "End-of-year freeze". */
    reason?: string;
  }>;
}
