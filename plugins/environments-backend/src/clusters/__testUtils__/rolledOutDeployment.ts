/**
 * A Deployment as the API server reports it once rolled out (Healthy, every replica on `image`),
 * placed in `namespace` for {@link fakeKubernetesApi}.
 */
export function rolledOutDeployment(
  namespace: string,
  image: string,
  replicas: number,
  name = 'catalogue',
) {
  return {
    namespace,
    object: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, generation: 2, labels: { app: name } },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name, image }] },
        },
      },
      status: {
        observedGeneration: 2,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        conditions: [
          { type: 'Available', status: 'True' },
          {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
          },
        ],
      },
    },
  };
}
