import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterStandin, startClusterStandin } from './ClusterStandin';
import { createDemoRepository, waitFor } from './__testUtils__/demoRepository';
import { KubeObject } from './store/ObjectStore';

const TOKEN = 'standin-test-token';
const auth = { Authorization: `Bearer ${TOKEN}` };

describe('startClusterStandin with a git repository', () => {
  let repo: ReturnType<typeof createDemoRepository>;
  let standin: ClusterStandin;

  beforeEach(async () => {
    repo = createDemoRepository();
    standin = await startClusterStandin({
      token: TOKEN,
      repository: repo.dir,
      clusters: { nonprod: ['dev', 'staging'], prod: ['prod'] },
      registry: { 'craftista/catalogue': ['1.3.0', '1.3.2', '1.4.0', '1.5.0'] },
      rolloutMs: 1500,
      progressDeadlineMs: 1500,
      pollIntervalMs: 100,
      tickIntervalMs: 50,
    });
  });

  afterEach(async () => {
    await standin.close();
    repo.remove();
  });

  function setDevTag(tag: string) {
    const file = join(
      repo.dir,
      'craftista/catalogue/overlays/dev/kustomization.yaml',
    );
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/newTag: "[^"]+"/, `newTag: "${tag}"`),
    );
    repo.git('commit', '-q', '-am', `catalogue ${tag} to dev`);
  }

  async function devDeployment(): Promise<KubeObject> {
    const res = await fetch(
      `${standin.clusterUrl(
        'nonprod',
      )}/apis/apps/v1/namespaces/craftista-dev/deployments/catalogue`,
      { headers: auth },
    );
    expect(res.status).toBe(200);
    return res.json();
  }

  const progressing = (d: KubeObject) =>
    (d.status as any).conditions.find((c: any) => c.type === 'Progressing');

  it('follows main: a new tag goes Progressing, then Healthy', async () => {
    const initial = await devDeployment();
    expect((initial.spec as any).template.spec.containers[0].image).toBe(
      'craftista/catalogue:1.4.0',
    );
    expect(progressing(initial).reason).toBe('NewReplicaSetAvailable');

    // uncommitted edits are not deployed
    const file = join(
      repo.dir,
      'craftista/catalogue/overlays/dev/kustomization.yaml',
    );
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('newTag: "1.4.0"', 'newTag: "1.3.0"'),
    );
    await standin.refresh();
    expect((await devDeployment()).metadata.resourceVersion).toBe(
      initial.metadata.resourceVersion,
    );
    repo.git('checkout', '-q', '--', '.');

    setDevTag('1.5.0');
    const rolling = await waitFor('the rollout to start', async () => {
      const d = await devDeployment();
      return progressing(d).reason === 'ReplicaSetUpdated' ? d : undefined;
    });
    expect((rolling.spec as any).template.spec.containers[0].image).toBe(
      'craftista/catalogue:1.5.0',
    );
    expect(rolling.status).toMatchObject({
      updatedReplicas: 1,
      unavailableReplicas: 1,
    });
    expect(Number(rolling.metadata.resourceVersion)).toBeGreaterThan(
      Number(initial.metadata.resourceVersion),
    );

    const healthy = await waitFor('the rollout to finish', async () => {
      const d = await devDeployment();
      return progressing(d).reason === 'NewReplicaSetAvailable' ? d : undefined;
    });
    expect(healthy.status).toMatchObject({
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
    });
    const pods = await (
      await fetch(
        `${standin.clusterUrl(
          'nonprod',
        )}/api/v1/namespaces/craftista-dev/pods?labelSelector=backstage.io%2Fkubernetes-id%3Dcatalogue`,
        { headers: auth },
      )
    ).json();
    expect(
      pods.items.map((p: any) => p.status.containerStatuses[0].image),
    ).toEqual(['craftista/catalogue:1.5.0']);
  });

  it('a tag not in the registry ends in ImagePullBackOff and ProgressDeadlineExceeded', async () => {
    setDevTag('9.9.9');
    const failed = await waitFor('the deadline to pass', async () => {
      const d = await devDeployment();
      return progressing(d).reason === 'ProgressDeadlineExceeded'
        ? d
        : undefined;
    });
    expect(progressing(failed).status).toBe('False');
    expect(failed.status).toMatchObject({
      updatedReplicas: 1,
      unavailableReplicas: 1,
    });
    const pods = await (
      await fetch(
        `${standin.clusterUrl(
          'nonprod',
        )}/api/v1/namespaces/craftista-dev/pods?labelSelector=app%3Dcatalogue`,
        {
          headers: auth,
        },
      )
    ).json();
    const reasons = pods.items.map(
      (p: any) =>
        `${p.status.containerStatuses[0].image} ${
          p.status.containerStatuses[0].state.waiting?.reason ?? 'running'
        }`,
    );
    expect(reasons.sort()).toEqual([
      'craftista/catalogue:1.4.0 running',
      'craftista/catalogue:9.9.9 ImagePullBackOff',
    ]);
  });

  it('a cluster that is down does not answer until it is up again', async () => {
    standin.setClusterDown('prod', true);
    await expect(
      fetch(`${standin.clusterUrl('prod')}/apis/apps/v1/deployments`, {
        headers: auth,
        signal: AbortSignal.timeout(400),
      }),
    ).rejects.toThrow();
    const nonprod = await fetch(
      `${standin.clusterUrl('nonprod')}/apis/apps/v1/deployments`,
      { headers: auth },
    );
    expect((await nonprod.json()).items).toHaveLength(8);
    standin.setClusterDown('prod', false);
    const prod = await fetch(
      `${standin.clusterUrl('prod')}/apis/apps/v1/deployments`,
      { headers: auth },
    );
    expect((await prod.json()).items).toHaveLength(4);
  });

  it('waits for a repository that does not exist yet (the portal creates it on first start)', async () => {
    const later = createDemoRepository();
    const missing = `${later.dir}-not-yet`;
    const messages: string[] = [];
    const waiting = await startClusterStandin({
      token: TOKEN,
      repository: missing,
      clusters: { nonprod: ['dev', 'staging'] },
      pollIntervalMs: 100,
      logger: m => messages.push(m),
    });
    try {
      const list = async () =>
        (
          await (
            await fetch(
              `${waiting.clusterUrl('nonprod')}/apis/apps/v1/deployments`,
              { headers: auth },
            )
          ).json()
        ).items;
      expect(await list()).toEqual([]);
      expect(messages.join('\n')).toContain('cannot read the repository');
      renameSync(later.dir, missing);
      const items = await waitFor('the deployments', async () => {
        const found = await list();
        return found.length > 0 ? found : undefined;
      });
      expect(items).toHaveLength(8);
      expect(waiting.revision).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      await waiting.close();
      rmSync(missing, { recursive: true, force: true });
    }
  });
});
