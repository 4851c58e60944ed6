/*
 * The benchmark's entity: a real GitOps repository (git, branch main, real commits) in a temp
 * folder with one kustomize application in ten environments, and the catalog entity that points
 * at it.
 *
 *   apps/bench/base/{kustomization,deployment,service}.yaml
 *   apps/bench/overlays/env01 … env10/kustomization.yaml   namespace bench-envNN, tag 1.0.NN
 *
 * Every object carries `backstage.io/kubernetes-id: bench`, so the stand-in's objects are found
 * both by our reader (by namespace and declared name) and by the Kubernetes backend (by label).
 */
import type { Entity } from '@backstage/catalog-model';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ENTITY_REF = 'component:default/bench';
export const KUBERNETES_ID = 'bench';

export type BenchFixture = {
  /** Root temp folder: the repository is `origin/`, the plugin's clones go to `cache/`. */
  root: string;
  repository: string;
  cacheDir: string;
  environments: string[];
  /** Cluster name → environments it runs, for the stand-in. */
  clusters: Record<string, string[]>;
  entity: Entity;
  remove(): void;
};

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Stagecraft Bench',
  GIT_AUTHOR_EMAIL: 'bench@stagecraft.invalid',
  GIT_COMMITTER_NAME: 'Stagecraft Bench',
  GIT_COMMITTER_EMAIL: 'bench@stagecraft.invalid',
};

const BASE: Record<string, string> = {
  'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
labels:
  - pairs:
      app.kubernetes.io/name: bench
      backstage.io/kubernetes-id: ${KUBERNETES_ID}
    includeSelectors: false
resources:
  - deployment.yaml
  - service.yaml
`,
  'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bench
  labels:
    backstage.io/kubernetes-id: ${KUBERNETES_ID}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: bench
  template:
    metadata:
      labels:
        app: bench
        backstage.io/kubernetes-id: ${KUBERNETES_ID}
    spec:
      containers:
        - name: bench
          image: stagecraft/bench:latest
          ports:
            - containerPort: 8080
`,
  'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: bench
spec:
  selector:
    app: bench
  ports:
    - port: 80
      targetPort: 8080
`,
};

function overlay(environment: string, index: number, tag: string): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: bench-${environment}
resources:
  - ../../base
images:
  - name: stagecraft/bench
    newTag: "${tag}"
replicas:
  - name: bench
    count: ${index % 3 === 0 ? 2 : 1}
`;
}

function write(dir: string, files: Record<string, string>) {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
}

/**
 * Builds the repository with three commits (base and overlays; a release reaching the first half
 * of the environments; a hotfix in env01), so history reads have something to read.
 */
export function createBenchFixture(
  options: { environments?: number; clusters?: number } = {},
): BenchFixture {
  const count = options.environments ?? 10;
  const clusterCount = Math.max(1, Math.min(options.clusters ?? 2, count));
  const environments = Array.from(
    { length: count },
    (_, i) => `env${String(i + 1).padStart(2, '0')}`,
  );

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-matrix-'));
  const repository = path.join(root, 'origin');
  fs.mkdirSync(repository);
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repository, env: GIT_ENV });
  const app = 'apps/bench';

  git('init', '-q', '-b', 'main');
  write(
    repository,
    Object.fromEntries([
      ...Object.entries(BASE).map(([f, t]) => [`${app}/base/${f}`, t]),
      ...environments.map((env, i) => [
        `${app}/overlays/${env}/kustomization.yaml`,
        overlay(env, i + 1, '1.0.0'),
      ]),
    ]),
  );
  git('add', '-A');
  git('commit', '-qm', 'bench: base and ten overlays');

  const half = Math.ceil(count / 2);
  write(
    repository,
    Object.fromEntries(
      environments
        .slice(0, half)
        .map((env, i) => [
          `${app}/overlays/${env}/kustomization.yaml`,
          overlay(env, i + 1, '1.1.0'),
        ]),
    ),
  );
  git('commit', '-qam', 'bench: release 1.1.0 to the first environments');

  write(repository, {
    [`${app}/overlays/${environments[0]}/kustomization.yaml`]: overlay(
      environments[0],
      1,
      '1.1.1',
    ),
  });
  git('commit', '-qam', `bench: hotfix 1.1.1 in ${environments[0]}`);

  // Environments split over the clusters in order: env01–env05 nonprod, env06–env10 prod.
  const names = clusterCount === 1 ? ['bench'] : ['nonprod', 'prod'];
  const perCluster = Math.ceil(count / names.length);
  const clusters = Object.fromEntries(
    names.map((name, i) => [
      name,
      environments.slice(i * perCluster, (i + 1) * perCluster),
    ]),
  );

  const owner = 'group:default/team-bench';
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'bench',
      namespace: 'default',
      annotations: {
        'stagecraft.io/gitops-location': `bench:${app}`,
        'stagecraft.io/environments': environments.join(','),
        'backstage.io/kubernetes-id': KUBERNETES_ID,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };

  return {
    root,
    repository,
    cacheDir: path.join(root, 'cache'),
    environments,
    clusters,
    entity,
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
