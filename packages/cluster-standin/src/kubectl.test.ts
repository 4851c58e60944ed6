import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ClusterStandin, startClusterStandin } from './ClusterStandin';
import { createDemoRepository, waitFor } from './__testUtils__/demoRepository';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const TOKEN = 'kubectl-test-token';
const hasKubectl = existsSync(KUBECTL);
const describeKubectl = hasKubectl ? describe : describe.skip;

if (!hasKubectl) {
  // eslint-disable-next-line no-console
  console.warn(
    `SKIPPED: the kubectl tests need kubectl at ${KUBECTL} (Debian package kubectl); it is absent.`,
  );
}

describeKubectl("Debian's kubectl against the stand-in", () => {
  let repo: ReturnType<typeof createDemoRepository>;
  let standin: ClusterStandin;
  let home: string;
  let caFile: string;

  beforeAll(async () => {
    repo = createDemoRepository();
    home = mkdtempSync(join(tmpdir(), 'standin-kubectl-'));
    standin = await startClusterStandin({
      token: TOKEN,
      repository: repo.dir,
      clusters: { nonprod: ['dev', 'staging'], prod: ['prod'] },
      rolloutMs: 1000,
      pollIntervalMs: 100,
      tickIntervalMs: 50,
    });
    caFile = join(home, 'ca.pem');
    writeFileSync(caFile, standin.caCertificate);
  });

  afterAll(async () => {
    await standin?.close();
    repo?.remove();
    rmSync(home, { recursive: true, force: true });
  });

  // kubectl sends a bearer token only over TLS, hence the https URL.
  const args = (...rest: string[]) => [
    `--server=${standin.clusterUrl('nonprod', { secure: true })}`,
    `--certificate-authority=${caFile}`,
    `--token=${TOKEN}`,
    `--cache-dir=${join(home, 'cache')}`,
    ...rest,
  ];
  const env = () => ({
    ...process.env,
    HOME: home,
    KUBECONFIG: join(home, 'none'),
  });

  it('gets deployments by label as JSON', async () => {
    const { stdout } = await promisify(execFile)(
      KUBECTL,
      args(
        'get',
        'deployments',
        '-n',
        'craftista-dev',
        '-l',
        'backstage.io/kubernetes-id=catalogue',
        '-o',
        'json',
      ),
      { env: env() },
    );
    const list = JSON.parse(stdout);
    expect(
      list.items.map((d: any) => `${d.metadata.namespace}/${d.metadata.name}`),
    ).toEqual(['craftista-dev/catalogue']);
    expect(list.items[0].spec.template.spec.containers[0].image).toBe(
      'craftista/catalogue:1.4.0',
    );
    expect(list.items[0].status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Available', status: 'True' }),
    );
  });

  it('prints the table columns kubectl shows for a real cluster', async () => {
    const { stdout } = await promisify(execFile)(
      KUBECTL,
      args(
        'get',
        'deployments',
        '-n',
        'craftista-staging',
        '-l',
        'app in (catalogue,voting)',
      ),
      { env: env() },
    );
    const lines = stdout.trim().split('\n');
    expect(lines[0].split(/\s+/)).toEqual([
      'NAME',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'AGE',
    ]);
    expect(
      lines.slice(1).map(l => l.split(/\s+/).slice(0, 4).join(' ')),
    ).toEqual(['catalogue 2/2 2 2', 'voting 2/2 2 2']);
  });

  it('is refused with a wrong token', async () => {
    const run = promisify(execFile)(
      KUBECTL,
      [...args('get', 'pods', '-A'), '--token=wrong'],
      { env: env() },
    );
    await expect(run).rejects.toMatchObject({
      stderr: expect.stringMatching(
        /must be logged in|Unauthorized|provide credentials/,
      ),
    });
  });

  it('watches pods and sees the rollout of a new commit', async () => {
    const child = spawn(
      KUBECTL,
      args(
        'get',
        'pods',
        '-n',
        'craftista-dev',
        '-l',
        'backstage.io/kubernetes-id=catalogue',
        '--watch',
        '--output-watch-events',
      ),
      { env: env() },
    );
    let output = '';
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    try {
      const initial = await waitFor('the initial pod', async () =>
        /ADDED\s+catalogue-\w+-\w+/.test(output) ? output : undefined,
      );
      const initialPods = new Set(initial.match(/catalogue-\w+-\w+/g));
      const file = join(
        repo.dir,
        'craftista/catalogue/overlays/dev/kustomization.yaml',
      );
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
          'newTag: "1.4.0"',
          'newTag: "1.5.0"',
        ),
      );
      repo.git('commit', '-q', '-am', 'catalogue 1.5.0 to dev');
      const seen = await waitFor('a pod of the new ReplicaSet', async () => {
        const pods = (
          output.match(/(ADDED|MODIFIED|DELETED)\s+catalogue-\w+-\w+/g) ?? []
        ).filter(line => !initialPods.has(line.split(/\s+/)[1]));
        return pods.length > 0 ? pods : undefined;
      });
      expect(seen[0]).toMatch(/^ADDED/);
      await waitFor('the old pod to be deleted', async () =>
        [...initialPods].some(p => new RegExp(`DELETED\\s+${p}`).test(output))
          ? true
          : undefined,
      );
    } finally {
      child.kill();
    }
  });
});
