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
