import { RepoReader } from '../files/repoReader';
import { Resource } from '../resources';
import { HelmOptions } from '../helm/values';
import { DeployedBy, ManagedBy } from '../types';

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
  /** Value paths for unusual Helm charts (from {@link ScanOptions}). */
  helm?: HelmOptions;
  /** The entity's environments, when it names them (`ScanOptions.environmentOrder`). */
  declaredEnvironments?: string[];
  /**
   * Folders of this repository that Argo CD Applications or Flux
   * Kustomizations deploy: beside them, folders nothing deploys are not
   * environments.
   */
  selectedPaths?: string[];
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
  /** The object that deploys the unit (an Argo CD Application); else the folder `root`. */
  deployedBy?: DeployedBy;
}

/**
 * A GitOps layout (`argocd.ts`, `kustomize.ts`, `helm.ts`, `manifests.ts`).
 * Readers run in order; each claims the files and folders it consumed so
 * later readers skip them. Flux `HelmRelease`s are expanded in every
 * rendered unit afterwards (`flux.ts`).
 *
 * @public
 */
export interface LayoutReader {
  readonly name: ManagedBy;
  read(ctx: LayoutContext): Promise<RenderedUnit[]>;
}
