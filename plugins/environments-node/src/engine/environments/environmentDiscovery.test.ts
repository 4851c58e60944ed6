import { environmentNames, environmentOfFolder } from './environmentDiscovery';

describe('environmentOfFolder', () => {
  it.each([
    ['overlays/dev', 'dev', 'dev', 'overlays/dev'],
    [
      'apps/catalogue/overlays/prod',
      'prod',
      'prod',
      'apps/catalogue/overlays/prod',
    ],
    [
      'kubernetes/overlays/homelab/prod/catalogue',
      'prod',
      'homelab/prod',
      'kubernetes/overlays/homelab/prod',
    ],
    ['envs/prod-eu', 'prod-eu', 'prod-eu', 'envs/prod-eu'],
    ['k8s/development', 'development', 'development', 'k8s/development'],
    [
      'guestbook/engineering-dev',
      'engineering-dev',
      'engineering-dev',
      'guestbook/engineering-dev',
    ],
    ['stages/canary/app', 'canary', 'canary', 'stages/canary'],
  ])('%s → %s', (folder, leaf, key, envFolder) => {
    expect(environmentOfFolder(folder)).toEqual({
      leaf,
      key,
      folder: envFolder,
    });
  });

  it.each([
    'kustomize',
    'deploy/webapp/frontend',
    'release',
    'kustomize/tests/all',
    'overlays',
    'variants/blue',
    'overlays/default',
    'envs/base/app',
  ])('%s has no environment', folder => {
    expect(environmentOfFolder(folder)).toBeUndefined();
  });
});

describe('cluster folders', () => {
  it('makes a cluster folder that nests environments the cluster, not the environment', () => {
    expect(environmentOfFolder('clusters/homelab/prod/apps')).toEqual({
      leaf: 'prod',
      key: 'prod',
      folder: 'clusters/homelab/prod',
      cluster: 'homelab',
    });
    expect(environmentOfFolder('clusters/staging/apps')).toEqual({
      leaf: 'staging',
      key: 'staging',
      folder: 'clusters/staging',
    });
  });
});

describe('compound names', () => {
  const tree: Record<string, string[]> = {
    apps: ['test-runner', 'web'],
    guestbook: ['engineering-dev', 'engineering-prod'],
  };
  const list = (parent: string) => tree[parent] ?? [];

  it('needs a sibling stage to accept a compound folder name', () => {
    expect(environmentOfFolder('apps/test-runner', list)).toBeUndefined();
    expect(environmentOfFolder('guestbook/engineering-dev', list)?.leaf).toBe(
      'engineering-dev',
    );
    expect(
      environmentOfFolder('apps/test-runner/overlays/prod', list)?.leaf,
    ).toBe('prod');
    expect(environmentOfFolder('envs/prod-eu', list)?.leaf).toBe('prod-eu');
  });
});

describe('environmentNames', () => {
  it('uses leaves unless they collide', () => {
    const names = environmentNames([
      'homelab/dev',
      'homelab/prod',
      'aws/prod',
      'staging',
    ]);
    expect([...names.entries()]).toEqual([
      ['homelab/dev', 'dev'],
      ['homelab/prod', 'homelab/prod'],
      ['aws/prod', 'aws/prod'],
      ['staging', 'staging'],
    ]);
  });
});
