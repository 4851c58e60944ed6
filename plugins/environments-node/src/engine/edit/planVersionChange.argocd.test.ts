import * as path from 'path';
import { Version } from './planVersionChange';
import {
  changedLines,
  editAndRescan,
  othersUnchanged,
  readTree,
  versionTable,
} from './testUtils';

const PLATFORM = path.resolve(__dirname, '../../../fixtures/platform');

const v = (application: string, tag: string): Version => ({
  images: [
    { application, container: application, image: null, tag, digest: null },
  ],
});

describe('planVersionChange: Argo CD (fixtures/platform)', () => {
  let tree: Record<string, string>;
  beforeAll(async () => {
    tree = await readTree(PLATFORM);
  });

  it.each([
    [
      'staging',
      'platform-api',
      'envs/staging/values.yaml',
      ["-  tag: '3.0.2'", "+  tag: '3.1.0'"],
    ],
    [
      'prod',
      'platform-api',
      'envs/prod/values.yaml',
      ['+image:', '+  tag: "3.1.0"'],
    ],
    [
      'prod',
      'web',
      'argocd/web.yaml',
      [
        '-        - ghcr.io/acme/web=ghcr.io/acme/web:2.0.0',
        '+        - ghcr.io/acme/web=ghcr.io/acme/web:3.1.0',
      ],
    ],
    [
      'staging',
      'billing',
      'argocd/billing-staging.yaml',
      ["-          value: '1.4.2'", "+          value: '3.1.0'"],
    ],
    [
      'prod',
      'billing',
      'argocd/billing-prod.yaml',
      ['-          tag: 1.4.0', '+          tag: 3.1.0'],
    ],
  ] as const)(
    'moves %s %s in %s only',
    async (env, application, file, lines) => {
      const r = await editAndRescan(tree, env, v(application, '3.1.0'));
      expect(r.plan.refusals).toEqual([]);
      expect(r.plan.edits.map(e => e.file)).toEqual([file]);
      expect(changedLines(r.diff)).toEqual(lines);
      expect(othersUnchanged(r.before, r.after, env).changed).toEqual([]);
      const key = Object.keys(versionTable(r.after)).find(k =>
        k.startsWith(`${env}/${application}/`),
      )!;
      expect(versionTable(r.after)[key]).toMatch(/:3\.1\.0@null$/);
    },
  );

  it('refuses a field in the ApplicationSet template shared by every environment', async () => {
    const shared = {
      ...tree,
      'argocd/platform-api.yaml': tree['argocd/platform-api.yaml'].replace(
        '              - $values/envs/{{ .env }}/values.yaml\n',
        '              - $values/envs/{{ .env }}/values.yaml\n            parameters:\n              - name: image.tag\n                value: "3.0.0"\n',
      ),
    };
    const r = await editAndRescan(shared, 'dev', v('platform-api', '3.2.0'));
    expect(r.plan.edits).toEqual([]);
    expect(r.plan.refusals.map(f => f.reason)).toEqual([
      "argocd/platform-api.yaml is shared by environments dev, prod, staging; it sets platform-api's tag above every values file of dev",
    ]);
  });
});
