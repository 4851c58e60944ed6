import { RepoReader } from '../files/repoReader';
import { MemoryFiles } from '../files/memoryFiles';
import { DeclaredWorkload } from '../types';
import { dedupeWorkloads, isSameObject } from './dedupeWorkloads';

const row = (over: Partial<DeclaredWorkload>): DeclaredWorkload => ({
  application: 'web',
  environment: 'dev',
  kind: 'Deployment',
  name: 'web',
  namespace: 'web',
  replicas: 1,
  containers: [],
  autoscaling: null,
  ingressHosts: [],
  env: {},
  managedBy: 'kustomize',
  root: 'apps/web/dev',
  provenance: {},
  ...over,
});

describe('dedupeWorkloads', () => {
  const reader = () => new RepoReader(new MemoryFiles({}), []);

  it("keeps one row per object: the controller's over an aggregating folder's", () => {
    const r = reader();
    const app = row({ deployedBy: { kind: 'Application', name: 'web-dev' } });
    const aggregate = row({
      root: 'clusters/dev',
      deployedBy: { kind: 'folder', name: 'clusters/dev' },
    });
    expect(dedupeWorkloads([aggregate, app], r)).toEqual([app]);
    expect(r.problems).toEqual([
      expect.objectContaining({ severity: 'info', file: 'clusters/dev' }),
    ]);
  });

  it('keeps rows of different objects and of different environments or clusters', () => {
    const rows = [
      row({}),
      row({ environment: 'prod' }),
      row({ cluster: 'eu' }),
      row({ kind: 'CronJob' }),
      row({ namespace: 'other' }),
    ];
    expect(dedupeWorkloads(rows, reader())).toHaveLength(5);
  });

  it('keeps charts that name their Deployment alike apart when the namespace is unknown', () => {
    const a = row({
      namespace: null,
      deployedBy: { kind: 'HelmRelease', name: 'a' },
    });
    const b = row({
      namespace: null,
      deployedBy: { kind: 'HelmRelease', name: 'b' },
    });
    expect(isSameObject(a, b)).toBe(false);
    expect(dedupeWorkloads([a, b], reader())).toHaveLength(2);
    // in one namespace they are one object, declared twice: a warning
    const r = reader();
    const c = { ...a, namespace: 'x' };
    const d = { ...b, namespace: 'x' };
    expect(dedupeWorkloads([c, d], r)).toHaveLength(1);
    expect(r.problems.map(p => p.severity)).toEqual(['warning']);
  });

  it('prefers the flavour that pins its images', () => {
    const bare = row({
      root: 'a',
      containers: [
        {
          name: 'web',
          image: 'web',
          tag: null,
          digest: null,
          resources: null,
          source: null,
        },
      ],
    });
    const pinned = row({
      root: 'b',
      containers: [{ ...bare.containers[0], image: 'r/web', tag: '1' }],
    });
    expect(dedupeWorkloads([bare, pinned], reader())).toEqual([pinned]);
  });

  it('says when one Application is declared twice', () => {
    const r = reader();
    const by = { kind: 'Application', name: 'web-dev' };
    dedupeWorkloads(
      [row({ root: 'a', deployedBy: by }), row({ root: 'b', deployedBy: by })],
      r,
    );
    expect(r.problems.map(p => p.message)).toEqual([
      'Deployment web/web in dev is declared twice by Application web-dev (from b and from a); showing the latter',
    ]);
  });
});
