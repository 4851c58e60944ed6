/*
 * A real backend process for the fault-injection test (src/crash/promotionCrash.*.test.ts): Backstage's own
 * backend with the environments plugin, its configured database (a SQLite file or PostgreSQL) and
 * plain-git repository, a catalog of one entity and a permission service that allows. Started as
 * `node --require @backstage/cli/config/nodeTransform.cjs crashBackend.ts --config <file>`.
 */
import { createBackend } from '@backstage/backend-defaults';
// A test harness, run only by src/crash/promotionCrash.*.test.ts: test utilities are what it is made of.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { environmentsPlugin } from '../../plugin';

const backend = createBackend();
backend.add(environmentsPlugin);
backend.add(
  catalogServiceMock.factory({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'catalogue',
          annotations: {
            'stagecraft.io/gitops-location': 'demo:craftista/catalogue',
            'stagecraft.io/environments': 'dev,staging,prod',
          },
        },
        spec: { type: 'service', owner: 'group:default/team-a' },
        relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
      },
    ],
  }),
);
backend.add(
  mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
);
backend.start();
