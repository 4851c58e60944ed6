import { RepoReader } from '../files/repoReader';
import { Resource } from '../resources';
import { ManagedBy } from '../types';

/**
 * What a scan gives the layout readers.
 *
 * @public
 */
export interface LayoutContext {
  reader: RepoReader;
  /** Folder the scan is limited to ('' = the whole repository). */
  scope: string;
  /** Files in scope, sorted. */
  filesInScope: string[];
  /** Files already claimed by an earlier layout reader. */
  claimed: Set<string>;
  /** Folders claimed by an earlier layout reader (everything under them is theirs). */
  claimedFolders: Set<string>;
}

/**
 * A set of Kubernetes objects rendered for one root folder (one environment
 * of one layout), ready for workload extraction.
 *
 * @public
 */
export interface RenderedUnit {
  /** Folder that was rendered, relative to the repository root. */
  root: string;
  managedBy: ManagedBy;
  resources: Resource[];
  /** Environment given by the layout itself (Argo CD, Flux); else found from `root`. */
  environment?: string;
}

/**
 * A GitOps layout (kustomize, plain manifests; later Helm, Flux, Argo CD).
 * Readers run in order; each claims the files it consumed so later readers
 * skip them. Part 2 adds `helm.ts`, `flux.ts` and `argocd.ts` beside
 * `kustomize.ts` and `manifests.ts`.
 *
 * @public
 */
export interface LayoutReader {
  readonly name: ManagedBy;
  read(ctx: LayoutContext): Promise<RenderedUnit[]>;
}
