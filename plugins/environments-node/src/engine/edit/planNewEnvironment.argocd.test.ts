import { MemoryFiles } from '../files/memoryFiles';
import { scanRepository } from '../scan';
import { planNewEnvironment } from './planNewEnvironment';

const application = (env: string) => `# guestbook in ${env}
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook-${env}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/gitops.git
    targetRevision: main
    path: guestbook/overlays/${env}
  destination:
    server: https://kubernetes.default.svc
    namespace: guestbook-${env}
`;

const overlay = (replicas: number) => `resources:
  - ../../base
replicas:
  - name: guestbook
    count: ${replicas}
`;

const tree: Record<string, string> = {
  'apps/guestbook-dev.yaml': application('dev'),
  'apps/guestbook-staging.yaml': application('staging'),
  'guestbook/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
  'guestbook/base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: guestbook
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: guestbook
          image: example/guestbook:1.0.0
`,
  'guestbook/overlays/dev/kustomization.yaml': overlay(1),
  'guestbook/overlays/staging/kustomization.yaml': overlay(2),
};

describe('planNewEnvironment: Argo CD Application per environment', () => {
  it('copies the Application and the overlay it deploys', async () => {
    const files = new MemoryFiles(tree);
    const model = await scanRepository(files);
    expect(model.environments.map(e => e.name)).toEqual(
      expect.arrayContaining(['dev', 'staging']),
    );
    const plan = await planNewEnvironment(model, files, {
      name: 'qa',
      from: 'staging',
      replicas: 3,
    });
    expect(plan.refusals).toEqual([]);
    expect(plan.files.map(f => [f.file, f.before])).toEqual([
      ['apps/guestbook-qa.yaml', ''],
      ['guestbook/overlays/qa/kustomization.yaml', ''],
    ]);
    // the comment names the copied environment and stays as written
    expect(plan.files[0].after).toBe(
      application('qa').replace('# guestbook in qa', '# guestbook in staging'),
    );
    expect(plan.files[1].after).toBe(overlay(3));
    const edited = { ...tree };
    for (const f of plan.files) edited[f.file] = f.after;
    const after = await scanRepository(new MemoryFiles(edited));
    const w = after.workloads.find(x => x.environment === 'qa');
    expect(w).toMatchObject({
      managedBy: 'argocd',
      namespace: 'guestbook-qa',
      replicas: 3,
      root: 'guestbook/overlays/qa',
    });
  });

  it('refuses when the Application file does not name the environment', async () => {
    const renamed: Record<string, string> = { ...tree };
    renamed['apps/second.yaml'] = renamed['apps/guestbook-staging.yaml'];
    delete renamed['apps/guestbook-staging.yaml'];
    const files = new MemoryFiles(renamed);
    const model = await scanRepository(files);
    const plan = await planNewEnvironment(model, files, {
      name: 'qa',
      from: 'staging',
    });
    expect(plan.files).toEqual([]);
    expect(plan.refusals).toEqual([
      'apps/second.yaml does not name environment staging; its copy cannot be named',
    ]);
  });
});
