import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

// Runs the plugin alone, with mocked auth and a fixed catalog:
//   yarn start   (in this folder)
//   curl http://localhost:7007/api/environments/entities/component/default/catalogue
const backend = createBackend();

backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(
  catalogServiceMock.factory({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'catalogue',
          annotations: {
            'stagecraft.io/gitops-location': 'demo:apps/catalogue',
            'backstage.io/kubernetes-id': 'catalogue',
          },
        },
        spec: { type: 'service', owner: 'team-a' },
      },
    ],
  }),
);
backend.add(import('../src'));

backend.start();
