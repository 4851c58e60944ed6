import { resolve } from 'node:path';
import {
  DirectoryFiles,
  scanRepository,
} from '@stagecraft/plugin-environments-node';
import { loadStandinConfig, parseStandinConfig } from './config';

describe('stand-in configuration', () => {
  it('reads the example configuration', async () => {
    const config = await loadStandinConfig(
      resolve(__dirname, '../../../examples/standin/config.yaml'),
    );
    expect(config.clusters).toEqual({
      nonprod: ['dev', 'staging'],
      prod: ['prod', 'production'],
    });
    expect(config.registry['craftista/catalogue']).toContain('1.4.0');
    expect(config.rolloutSeconds).toBe(8);
  });

  it('accepts the long form and numeric tags', () => {
    expect(
      parseStandinConfig({
        clusters: { a: { environments: ['dev'] } },
        registry: { img: [1, '2.0'] },
      }),
    ).toMatchObject({
      clusters: { a: ['dev'] },
      registry: { img: ['1', '2.0'] },
    });
  });

  it('names the offending key', () => {
    expect(() => parseStandinConfig({})).toThrow('clusters');
    expect(() =>
      parseStandinConfig({ clusters: { Bad_Name: ['dev'] } }),
    ).toThrow('clusters.Bad_Name');
    expect(() => parseStandinConfig({ clusters: { a: 'dev' } })).toThrow(
      'clusters.a must be a list',
    );
    expect(() =>
      parseStandinConfig({ clusters: { a: ['dev'] }, rolloutSeconds: -1 }),
    ).toThrow('rolloutSeconds');
  });

  it('lists every tag the demo repository declares, so the demo starts healthy', async () => {
    const config = await loadStandinConfig(
      resolve(__dirname, '../../../examples/standin/config.yaml'),
    );
    const model = await scanRepository(
      new DirectoryFiles(resolve(__dirname, '../../../examples/gitops')),
    );
    const declared = model.workloads.flatMap(w =>
      w.containers.map(c => `${c.image}:${c.tag}`),
    );
    expect(declared.length).toBeGreaterThan(0);
    const missing = declared.filter(ref => {
      const [image, tag] = ref.split(':');
      return !(config.registry[image] ?? []).includes(tag);
    });
    expect(missing).toEqual([]);
    const environments = Object.values(config.clusters).flat();
    expect(
      model.environments
        .map(e => e.name)
        .filter(e => !environments.includes(e)),
    ).toEqual([]);
  });
});
