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
      };
    };
    /** Reading live state from the clusters of the `kubernetes:` block. */
    clusters?: {
      /** How long one call to a cluster may take; default 5 seconds. */
      timeout?: HumanDuration | string;
      /** How long one list of a kind in a namespace serves every entity; default 10 seconds. */
      cacheTtl?: HumanDuration | string;
    };
    /**
     * Where cached clones of plain-git repositories are kept; default: a folder under
     * `backend.workingDirectory`, or under the system's temporary folder.
     */
    cacheDirectory?: string;
  };
}
