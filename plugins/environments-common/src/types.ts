import { GitOpsSource } from './annotations';

/**
 * How an entity is identified in the clusters, from the Kubernetes plugin's annotations.
 *
 * @public
 */
export type LiveIdentity = {
  /** The `backstage.io/kubernetes-id` label value. */
  kubernetesId?: string;
  /** The `backstage.io/kubernetes-label-selector` selector. */
  labelSelector?: string;
};

/**
 * The answer of `GET /entities/:kind/:namespace/:name`: an entity's environments.
 *
 * @public
 */
export type EntityEnvironments = {
  /** The entity's ref, e.g. `component:default/catalogue`. */
  entityRef: string;
  /** Where the declared state lives; absent for a live-only entity. */
  source?: GitOpsSource;
  /** How live objects are matched. */
  live: LiveIdentity;
  /** The environment names the entity narrows its view to (`stagecraft.io/environments`). */
  environmentNames?: string[];
};
