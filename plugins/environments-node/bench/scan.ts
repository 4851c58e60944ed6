/*
 * Benchmark: `yarn bench:scan` generates a repository of 200 applications x
 * 5 environments (kustomize base + overlays, ~1,000 workloads), scans it and
 * prints the scan time and the peak resident memory. Target: < 2 s, < 300 MB.
 */
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { scanDirectory } from '../src/engine/scan';

const APPS = Number(process.env.BENCH_APPS ?? 200);
const ENVS = ['dev', 'qa', 'staging', 'preprod', 'prod'];

async function write(root: string, file: string, content: string) {
  const p = path.join(root, file);
  await fs.mkdir(path.dirname(p), { recursive: true });
  await fs.writeFile(p, content);
}

async function generate(root: string) {
  for (let i = 0; i < APPS; i++) {
    const app = `app-${String(i).padStart(3, '0')}`;
    const base = `apps/${app}/base`;
    await write(
      root,
      `${base}/kustomization.yaml`,
      'resources:\n  - deployment.yaml\n  - service.yaml\n  - hpa.yaml\nconfigMapGenerator:\n  - name: config\n    literals:\n      - LOG_LEVEL=INFO\n',
    );
    await write(
      root,
      `${base}/deployment.yaml`,
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  labels:
    app: ${app}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
    spec:
      containers:
        - name: ${app}
          image: registry.example.com/team/${app}:1.0.0
          envFrom:
            - configMapRef:
                name: config
          env:
            - name: PORT
              value: "8080"
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: 500m
              memory: 256Mi
`,
    );
    await write(
      root,
      `${base}/service.yaml`,
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\nspec:\n  selector:\n    app: ${app}\n  ports:\n    - port: 80\n`,
    );
    await write(
      root,
      `${base}/hpa.yaml`,
      `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: ${app}\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: ${app}\n  minReplicas: 1\n  maxReplicas: 5\n`,
    );
    for (const [e, env] of ENVS.entries()) {
      await write(
        root,
        `apps/${app}/overlays/${env}/kustomization.yaml`,
        `namespace: ${env}
resources:
  - ../../base
images:
  - name: registry.example.com/team/${app}
    newTag: 1.${i}.${e}
replicas:
  - name: ${app}
    count: ${e + 1}
patches:
  - target:
      kind: Deployment
    patch: |-
      - op: replace
        path: /spec/template/spec/containers/0/resources/limits/memory
        value: ${256 * (e + 1)}Mi
configMapGenerator:
  - name: config
    behavior: merge
    literals:
      - LOG_LEVEL=${env === 'prod' ? 'WARN' : 'DEBUG'}
`,
      );
    }
  }
}

async function main() {
  // BENCH_DIR keeps the generated repository there for inspection
  const keep = process.env.BENCH_DIR;
  const tmp = keep ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'envs-bench-')));
  try {
    await generate(tmp);
    const rssBefore = process.resourceUsage().maxRSS;
    const start = process.hrtime.bigint();
    const model = await scanDirectory(tmp);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const peakMb = process.resourceUsage().maxRSS / 1024;
    // eslint-disable-next-line no-console
    console.log(
      [
        `repository: ${APPS} applications x ${ENVS.length} environments`,
        `workloads:  ${model.workloads.length} in ${model.environments.length} environments, ${model.problems.length} problems`,
        `scan time:  ${ms.toFixed(0)} ms (target < 2000 ms)`,
        `peak RSS:   ${peakMb.toFixed(0)} MB (process, target < 300 MB; ${(
          rssBefore / 1024
        ).toFixed(0)} MB before the scan)`,
      ].join('\n'),
    );
  } finally {
    if (!keep) await fs.rm(tmp, { recursive: true, force: true });
  }
}

main().catch(e => {
  // eslint-disable-next-line no-console
  console.error(e);
  process.exitCode = 1;
});
