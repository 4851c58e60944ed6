import { DeclaredModel, DeclaredWorkload } from '../types';
import { normalizeImage, scoreModel } from './corpusScore';

const workload = (over: Partial<DeclaredWorkload>): DeclaredWorkload => ({
  application: 'web',
  environment: 'dev',
  kind: 'Deployment',
  name: 'web',
  namespace: null,
  replicas: 1,
  containers: [
    {
      name: 'web',
      image: 'docker.io/library/nginx',
      tag: '1.25',
      digest: null,
      resources: null,
      source: null,
    },
  ],
  autoscaling: null,
  ingressHosts: [],
  env: {},
  managedBy: 'kustomize',
  root: 'overlays/dev',
  provenance: {},
  ...over,
});

const env = (name: string, order = 0) => ({ name, order, paths: [] });

describe('scoreModel', () => {
  it('counts recall, phantoms, duplicate rows and certain tag cells', () => {
    const model: DeclaredModel = {
      environments: [env('clusters/dev'), env('qa', 1)],
      workloads: [
        workload({ environment: 'clusters/dev' }),
        workload({ environment: 'clusters/dev', root: 'x' }),
        workload({ environment: 'qa', cluster: 'eu' }),
        workload({ environment: 'qa', cluster: 'us' }),
      ],
      problems: [],
    };
    const cell = (environment: string, tag: string, certain = true) => ({
      environment,
      application: 'web',
      image: 'nginx',
      tag,
      replicas: null,
      file: 'f',
      certain,
    });
    expect(
      scoreModel(model, {
        environments: ['dev', 'prod'],
        cells: [
          cell('dev', '1.25'),
          cell('prod', '1.25'),
          cell('dev', '9', false),
          { ...cell('dev', '2'), file: '_branches/x' },
        ],
      }),
    ).toEqual({
      expected: 2,
      missing: ['prod'],
      reported: 2,
      phantoms: ['qa'],
      duplicates: 1,
      cells: 2,
      cellsRight: 1,
      missedCells: ['prod nginx:1.25'],
    });
  });

  it('compares images without docker.io/library', () => {
    expect(normalizeImage('docker.io/library/Redis')).toBe('redis');
    expect(normalizeImage(null)).toBe('');
  });
});
