import {
  createServiceFactory,
  SchedulerServiceTaskFunction,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { environmentsPlugin } from './plugin';
import { createDemoGitRepository } from './__testUtils__/demoGitRepository';

// Real git and a real backend per test: a loaded 2-core machine needs more than jest's 5 s.
jest.setTimeout(30_000);

const catalogue: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'catalogue',
    annotations: {
      'stagecraft.io/gitops-location': 'demo:craftista/catalogue',
      'stagecraft.io/environments': 'dev,staging,prod',
    },
  },
  spec: { type: 'service', owner: 'group:default/team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
};
const channel = 'environments:component:default/catalogue';
const devOverlay = 'craftista/catalogue/overlays/dev/kustomization.yaml';

let gitops: ReturnType<typeof createDemoGitRepository>;
beforeEach(() => {
  gitops = createDemoGitRepository();
});
afterEach(() => gitops.remove());

/** Commits a new dev tag to the origin, as someone outside the portal would. */
function commitDevTag(tag: string) {
  const file = path.join(gitops.url, devOverlay);
  const content = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(
    file,
    content.replace(/newTag: "[^"]+"/, `newTag: "${tag}"`),
  );
  execFileSync(
    'git',
    ['-c', 'user.name=T', '-c', 'user.email=t@t', 'commit', '-qam', tag],
    { cwd: gitops.url },
  );
}

async function startBackend() {
  const publish = jest.fn(async () => {});
  let refresh: SchedulerServiceTaskFunction | undefined;
  const scheduler = mockServices.scheduler.mock({
    async scheduleTask(task) {
      if (task.id === 'environments-matrix-refresh') refresh = task.fn;
    },
  });
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      scheduler.factory,
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish }),
      }),
      catalogServiceMock.factory({ entities: [catalogue] }),
      mockServices.rootConfig.factory({
        data: {
          environments: {
            repositories: {
              demo: { url: gitops.url, refreshInterval: { seconds: 0 } },
            },
            cacheDirectory: gitops.cacheDir,
            // No cluster here: promotions go on Git alone.
            promotions: { defaults: { requireLiveHealth: false } },
          },
        },
      }),
    ],
  });
  return {
    server,
    publish,
    refresh: () => refresh!(new AbortController().signal as any),
  };
}

describe('signals', () => {
  it('are published when the background refresh finds a changed matrix, not when it finds the same', async () => {
    const { publish, refresh } = await startBackend();

    await refresh();
    await refresh();
    expect(publish).not.toHaveBeenCalled();

    commitDevTag('1.4.1');
    await refresh();
    expect(publish).toHaveBeenCalledTimes(1);
    expect(publish).toHaveBeenCalledWith({
      recipients: { type: 'broadcast' },
      channel,
      message: { type: 'changed' },
    });

    await refresh();
    expect(publish).toHaveBeenCalledTimes(1);
  });

  it('are published when a promotion is recorded and when it moves', async () => {
    const { server, publish } = await startBackend();
    const promotionsPath =
      '/api/environments/entities/component/default/catalogue/promotions';
    const plan = await request(server)
      .post(promotionsPath)
      .send({ from: 'dev', to: 'staging', dryRun: true });
    expect(publish).not.toHaveBeenCalled();

    const created = await request(server)
      .post(promotionsPath)
      .send({ from: 'dev', to: 'staging', planId: plan.body.planId });
    expect(created.status).toBe(201);
    // Recorded (planned), then its branch written (pending review).
    expect(publish.mock.calls.length).toBeGreaterThanOrEqual(2);
    const calls = publish.mock.calls.length;

    const cancelled = await request(server).post(
      `/api/environments/promotions/${created.body.id}/cancel`,
    );
    expect(cancelled.status).toBe(200);
    expect(publish).toHaveBeenCalledTimes(calls + 1);
    expect(publish).toHaveBeenLastCalledWith(
      expect.objectContaining({ channel, message: { type: 'changed' } }),
    );
  });
});
