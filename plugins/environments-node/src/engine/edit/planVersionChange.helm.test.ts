import * as path from 'path';
import { Version } from './planVersionChange';
import {
  changedLines,
  editAndRescan,
  othersUnchanged,
  readTree,
  versionTable,
} from './testUtils';

const TBYTE = path.resolve(__dirname, '../../../fixtures/tbyte');

const v = (
  application: string,
  tag: string | null,
  digest: string | null = null,
  container = application,
): Version => ({
  images: [{ application, container, image: null, tag, digest }],
});

describe('planVersionChange: Helm values per environment (fixtures/tbyte)', () => {
  let tree: Record<string, string>;
  beforeAll(async () => {
    tree = await readTree(TBYTE);
  });

  it('edits the tag where the environment sets it, keeping its style', async () => {
    const r = await editAndRescan(
      tree,
      'staging',
      v('tbyte-microservices', '2.4.0'),
    );
    expect(r.plan.refusals).toEqual([]);
    expect(changedLines(r.diff)).toEqual(['-  tag: 2.3.1', '+  tag: 2.4.0']);
    expect(r.plan.edits.map(e => e.file)).toEqual(['values-staging.yaml']);
    expect(
      versionTable(r.after)[
        'staging/tbyte-microservices/Deployment/tbyte-microservices/tbyte-microservices'
      ],
    ).toBe('ghcr.io/tbyte/api:2.4.0@null');
    expect(othersUnchanged(r.before, r.after, 'staging').changed).toEqual([]);
    // a plain value that would read as a number gets quoted
    const f = await editAndRescan(
      tree,
      'staging',
      v('tbyte-microservices', '2.10'),
    );
    expect(changedLines(f.diff)).toEqual(['-  tag: 2.3.1', '+  tag: "2.10"']);
    const dev = await editAndRescan(tree, 'dev', v('frontend', '1.5.0'));
    expect(changedLines(dev.diff)).toEqual([
      "-    tag: '1.5.0-rc.2'",
      "+    tag: '1.5.0'",
    ]);
  });

  it('adds the tag to the environment file when it comes from Chart.yaml appVersion', async () => {
    const r = await editAndRescan(
      tree,
      'prod',
      v('tbyte-microservices', '2.4.0'),
    );
    expect(r.plan.refusals).toEqual([]);
    expect(r.plan.edits.map(e => e.file)).toEqual(['values-prod.yaml']);
    expect(r.edited['values-prod.yaml']).toBe(
      `${tree['values-prod.yaml']}image:\n  tag: '2.4.0'\n`,
    );
    expect(r.plan.changes[0].provenance).toEqual({
      file: 'values-prod.yaml',
      path: 'image.tag',
      line:
        r.edited['values-prod.yaml'].split('\n').indexOf("  tag: '2.4.0'") + 1,
    });
    expect(othersUnchanged(r.before, r.after, 'prod').changed).toEqual([]);
    expect(
      versionTable(r.after)[
        'prod/tbyte-microservices/Deployment/tbyte-microservices/tbyte-microservices'
      ],
    ).toBe('ghcr.io/tbyte/api:2.4.0@null');
  });

  it('overrides a component tag of the shared chart values in the target file', async () => {
    const r = await editAndRescan(tree, 'prod', v('frontend', '1.5.0'));
    expect(r.plan.refusals).toEqual([]);
    expect(r.edited['values-prod.yaml']).toBe(
      `${tree['values-prod.yaml']}frontend:\n  image:\n    tag: '1.5.0'\n`,
    );
    expect(othersUnchanged(r.before, r.after, 'prod').changed).toEqual([]);
    expect(r.plan.edits.map(e => e.file)).toEqual(['values-prod.yaml']);
  });

  it('refuses what Helm values cannot carry', async () => {
    const r = await editAndRescan(tree, 'prod', {
      images: [
        {
          application: 'frontend',
          container: 'frontend',
          image: null,
          tag: null,
          digest: `sha256:${'1'.repeat(64)}`,
        },
        {
          application: 'tbyte-microservices',
          container: 'tbyte-microservices',
          image: null,
          tag: '3',
          digest: `sha256:${'1'.repeat(64)}`,
        },
      ],
    });
    expect(r.plan.edits).toEqual([]);
    expect(r.plan.refusals.map(f => f.reason)).toEqual([
      'frontend: Helm values need a tag (frontend.image.tag); a digest-only version cannot be written',
      "tbyte-microservices: the chart's values have no digest field (image.digest); configure one in the Helm value paths or promote by tag",
    ]);
  });

  it('adds the tag to the values file of an environment folder', async () => {
    const files = {
      'chart/Chart.yaml': 'name: web\nappVersion: "1"\n',
      'chart/values.yaml': 'image:\n  repository: r/web\n',
      'env/dev/values.yaml': 'replicaCount: 1\n',
      'env/prod/values.yaml': 'replicaCount: 2\n',
    };
    const ok = await editAndRescan(files, 'prod', v('web', '2'));
    expect(ok.plan.refusals).toEqual([]);
    expect(ok.edited['env/prod/values.yaml']).toBe(
      'replicaCount: 2\nimage:\n  tag: "2"\n',
    );
    expect(othersUnchanged(ok.before, ok.after, 'prod').changed).toEqual([]);
  });

  it('writes digests where the chart has a digest value, and full image strings', async () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    const files = {
      'Chart.yaml': 'name: web\n',
      'values.yaml':
        'image:\n  repository: r/web\n  tag: "1"\n  digest: ""\nworker:\n  image: r/worker:1 # w\n',
      'values-dev.yaml': '{}\n',
      'values-prod.yaml': 'worker:\n  image: r/worker:0\n',
    };
    const r = await editAndRescan(files, 'dev', {
      images: [
        { application: 'web', container: 'web', image: null, tag: '2', digest },
        {
          application: 'worker',
          container: 'worker',
          image: null,
          tag: '2',
          digest: null,
        },
      ],
    });
    expect(r.plan.refusals).toEqual([]);
    expect(r.edited['values-dev.yaml']).toBe(
      `{image: {tag: "2", digest: "${digest}"}, worker: {image: "r/worker:2"}}\n`,
    );
    expect(othersUnchanged(r.before, r.after, 'dev').changed).toEqual([]);
    const t = versionTable(r.after);
    expect(t['dev/web/Deployment/web/web']).toBe(`r/web:2@${digest}`);
    expect(t['dev/worker/Deployment/worker/worker']).toBe('r/worker:2@null');
    const p = await editAndRescan(files, 'prod', v('worker', '3'));
    expect(changedLines(p.diff)).toEqual([
      '-  image: r/worker:0',
      '+  image: r/worker:3',
    ]);
  });
});
