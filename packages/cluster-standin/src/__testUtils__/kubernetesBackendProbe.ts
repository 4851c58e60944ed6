/*
 * Test helper, run as a separate Node.js process by
 * backstageKubernetes.test.ts: starts the real Backstage Kubernetes backend
 * (`@backstage/plugin-kubernetes-backend`) with the `kubernetes:` config
 * given as JSON in argv[2], asks it for the workloads of
 * `component:default/catalogue` and prints its JSON answer.
 *
 * It runs outside Jest because the Kubernetes backend loads
 * `@kubernetes/client-node` (ESM) with a dynamic import(), which Jest only
 * supports with --experimental-vm-modules.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import { AddressInfo } from 'node:net';

async function main() {
  const kubernetes = JSON.parse(process.argv[2]);
  const { server } = await startTestBackend({
    features: [
      kubernetesPlugin,
      catalogServiceMock.factory({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'catalogue',
              namespace: 'default',
              annotations: { 'backstage.io/kubernetes-id': 'catalogue' },
            },
            spec: {
              type: 'service',
              lifecycle: 'production',
              owner: 'craftista',
            },
          },
        ],
      }),
      mockServices.rootConfig.factory({ data: { kubernetes } }),
    ],
  });
  const { port } = server.address() as AddressInfo;
  const res = await fetch(
    `http://127.0.0.1:${port}/api/kubernetes/resources/workloads/query`,
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: mockCredentials.user.header(),
      },
      body: JSON.stringify({ entityRef: 'component:default/catalogue' }),
    },
  );
  process.stdout.write(
    JSON.stringify({ status: res.status, body: await res.json() }),
  );
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
