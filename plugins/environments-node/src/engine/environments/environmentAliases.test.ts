import { MemoryFiles } from '../files/memoryFiles';
import { scanRepository } from '../scan';
import { aliasEnvironment } from './environmentAliases';

describe('aliasEnvironment', () => {
  const aliases = { production: 'prod', PRD: 'prod' };
  it('maps aliases to their environment, without case, leaves of paths too', () => {
    expect(aliasEnvironment('production', aliases)).toBe('prod');
    expect(aliasEnvironment('prd', aliases)).toBe('prod');
    expect(aliasEnvironment('homelab/Production', aliases)).toBe(
      'homelab/prod',
    );
    expect(aliasEnvironment('staging', aliases)).toBe('staging');
    expect(aliasEnvironment('production', undefined)).toBe('production');
  });

  it('merges the environments of a scan', async () => {
    const deployment = (tag: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: "a:${tag}"}]\n`;
    const model = await scanRepository(
      new MemoryFiles({
        'overlays/production/d.yaml': deployment('2'),
        'overlays/dev/d.yaml': deployment('1'),
      }),
      { environmentAliases: { production: 'prod' } },
    );
    expect(model.environments.map(e => [e.name, e.paths])).toEqual([
      ['dev', ['overlays/dev']],
      ['prod', ['overlays/production']],
    ]);
    expect(model.workloads.map(w => w.environment)).toEqual(['dev', 'prod']);
  });
});
