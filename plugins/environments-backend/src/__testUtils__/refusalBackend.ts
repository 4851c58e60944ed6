import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { execFileSync } from 'node:child_process';
import { environmentsPlugin } from '../plugin';
import { createDemoGitRepository } from './demoGitRepository';

function component(name: string, location: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'stagecraft.io/gitops-location': location,
        'stagecraft.io/environments': 'dev,staging,prod',
      },
    },
    spec: { type: 'service', owner: 'group:default/team-a' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
  };
}

/** A folder that does not exist, named in git's error when the `gone` repository is read. */
export const missingRepositoryPath = '/tmp/stagecraft-no-such-folder/origin';

/**
 * The real plugin on a real plain-git repository (the demo's GitOps files), with the entities
 * `catalogue` (in repository `demo`) and `lost` (in repository `gone`, a folder that does not
 * exist), every permission allowed and no clusters: the backend the refusal tests send malformed
 * requests to. `refs()` lists the repository's refs and HEAD, to compare before and after.
 */
export async function startRefusalBackend() {
  const gitops = createDemoGitRepository();
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      catalogServiceMock.factory({
        entities: [
          component('catalogue', 'demo:craftista/catalogue'),
          component('lost', 'gone:craftista/catalogue'),
        ],
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.rootConfig.factory({
        data: {
          environments: {
            repositories: {
              demo: { url: gitops.url, allowMerge: true },
              gone: { url: missingRepositoryPath },
            },
            cacheDirectory: gitops.cacheDir,
          },
        },
      }),
    ],
  });
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: gitops.url }).toString('utf8');
  return {
    server,
    gitops,
    /** Every ref with its object, then HEAD. */
    refs: () =>
      `${git('for-each-ref', '--format=%(refname) %(objectname)')}HEAD ${git(
        'rev-parse',
        'HEAD',
      )}`,
  };
}
