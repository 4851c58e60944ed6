import {
  missingArgoCdApplication,
  toLiveArgoCdApplication,
} from './toLiveArgoCdApplication';
import { describeWithCorpus, loadCorpus } from './__testUtils__/corpus';

describeWithCorpus('toLiveArgoCdApplication', () => {
  it('reads sync, revision, health and destination from the corpus Application', () => {
    const app = loadCorpus('argocd-application-with-status.json');
    expect(toLiveArgoCdApplication('ops', app)).toEqual({
      cluster: 'ops',
      namespace: 'argo-cd',
      name: 'velero-test',
      sync: {
        status: 'Synced',
        controller: 'argocd',
        revision: app.status.sync.revision,
      },
      health: 'Healthy',
      destination: { name: 'gke-alpha-01-europe-west1', namespace: 'test-lla' },
      images: ['nginx:latest'],
      operationPhase: 'Succeeded',
      lastChangeTime: '2024-03-05T07:33:04Z',
    });
  });

  it('follows what Argo CD reports', () => {
    const app = loadCorpus('argocd-application-with-status.json');
    app.status.sync.status = 'OutOfSync';
    app.status.health = {
      status: 'Degraded',
      message: 'Deployment test-lla failed',
    };
    const live = toLiveArgoCdApplication('ops', app);
    expect(live.sync.status).toBe('OutOfSync');
    expect(live.health).toBe('Degraded');
    expect(live.healthReason).toBe('Deployment test-lla failed');
  });

  it('reads multi-source revisions and maps unknown words to Unknown', () => {
    const app = loadCorpus('argocd-application-with-status.json');
    delete app.status.sync.revision;
    app.status.sync.revisions = ['abc', 'def'];
    app.status.sync.status = 'Comparing';
    app.status.health.status = 'Weird';
    const live = toLiveArgoCdApplication('ops', app);
    expect(live.sync).toEqual({
      status: 'Unknown',
      controller: 'argocd',
      revision: 'abc',
    });
    expect(live.health).toBe('Unknown');
  });

  it('is Unknown when the Application has no status yet', () => {
    const app = loadCorpus('argocd-application-with-status.json');
    delete app.status;
    const live = toLiveArgoCdApplication('ops', app);
    expect(live.sync).toEqual({ status: 'Unknown', controller: 'argocd' });
    expect(live.health).toBe('Unknown');
    expect(live.images).toEqual([]);
  });
});

describe('missingArgoCdApplication', () => {
  it('is Missing', () => {
    expect(missingArgoCdApplication('ops', { name: 'web' })).toMatchObject({
      name: 'web',
      health: 'Missing',
      sync: { status: 'Unknown', controller: 'argocd' },
    });
  });
});
