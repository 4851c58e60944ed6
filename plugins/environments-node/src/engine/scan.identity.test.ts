import { MemoryFiles } from './files/memoryFiles';
import { scanRepository } from './scan';

const deployment = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  template:\n    spec:\n      containers: [{name: ${name}, image: "${image}"}]\n`;
const application = (name: string, path: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: ${name}}\nspec:\n  source: {path: ${path}}\n  destination: {namespace: web}\n`;

describe('scan: one row per object and environment', () => {
  it('shows a folder rendered by its Application and again by an aggregating one once', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'apps/web/base/kustomization.yaml': 'resources: [d.yaml]\n',
        'apps/web/base/d.yaml': deployment('web', 'web:1'),
        'apps/web/overlays/dev/kustomization.yaml':
          'resources: [../../base]\nimages: [{name: web, newTag: "2"}]\n',
        'clusters/dev/kustomization.yaml':
          'resources: [../../apps/web/overlays/dev]\n',
        'argocd/web-dev.yaml': application('web-dev', 'apps/web/overlays/dev'),
        'argocd/cluster-dev.yaml': application('cluster-dev', 'clusters/dev'),
      }),
    );
    expect(
      model.workloads.map(w => [
        w.environment,
        w.name,
        w.containers[0].tag,
        w.deployedBy,
      ]),
    ).toEqual([['dev', 'web', '2', { kind: 'Application', name: 'web-dev' }]]);
    // the base belongs to the Applications' renders, not to a row of its own
    expect(model.problems).toEqual([
      expect.objectContaining({
        file: 'apps/web/overlays/dev/kustomization.yaml',
        severity: 'warning',
        message: expect.stringContaining(
          'is declared by Application cluster-dev and by Application web-dev',
        ),
      }),
    ]);
  });

  it('keeps CronJobs as CronJobs beside the Deployment of the same name', async () => {
    const cron = `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: web}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: job, image: "web:1"}]\n`;
    const model = await scanRepository(
      new MemoryFiles({
        'overlays/dev/d.yaml': deployment('web', 'web:1'),
        'overlays/dev/c.yaml': cron,
      }),
    );
    expect(model.workloads.map(w => w.kind)).toEqual(['CronJob', 'Deployment']);
  });
});
