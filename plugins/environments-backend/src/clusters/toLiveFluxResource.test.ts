import { missingFluxResource, toLiveFluxResource } from './toLiveFluxResource';
import {
  describeWithCorpus,
  loadCorpus,
  loadCorpusItems,
} from './__testUtils__/corpus';

describeWithCorpus('toLiveFluxResource', () => {
  it('reads the Ready condition and applied chart version of a HelmRelease', () => {
    expect(
      toLiveFluxResource('prod', loadCorpus('flux-helmrelease.json')),
    ).toEqual({
      cluster: 'prod',
      namespace: 'podinfo',
      kind: 'HelmRelease',
      name: 'podinfo',
      ready: {
        type: 'Ready',
        status: 'True',
        reason: 'ReconciliationSucceeded',
        message: 'Release reconciliation succeeded',
        lastTransitionTime: '2021-07-16T15:42:20Z',
      },
      lastAppliedRevision: '6.3.5',
      lastAttemptedRevision: '6.3.5',
      sync: { status: 'Synced', controller: 'flux', revision: '6.3.5' },
      health: 'Healthy',
      healthReason: 'Release reconciliation succeeded',
      lastChangeTime: '2021-07-16T15:42:20Z',
    });
  });

  it('reads the applied source revision of a Kustomization', () => {
    const live = toLiveFluxResource(
      'prod',
      loadCorpus('flux-kustomization.json'),
    );
    expect(live).toMatchObject({
      kind: 'Kustomization',
      namespace: 'flux-system',
      name: 'infrastructure',
      lastAppliedRevision: 'main@sha1:696f056df216eea4f9401adbee0ff744d4df390f',
      health: 'Healthy',
      sync: { status: 'Synced', controller: 'flux' },
    });
    expect(live.ready?.status).toBe('True');
  });

  it('is Degraded and OutOfSync when Ready is False', () => {
    const hr = loadCorpus('flux-helmrelease.json');
    hr.status.conditions[0] = {
      ...hr.status.conditions[0],
      status: 'False',
      reason: 'UpgradeFailed',
      message: 'Helm upgrade failed',
    };
    hr.status.lastAttemptedRevision = '6.4.0';
    const live = toLiveFluxResource('prod', hr);
    expect(live.health).toBe('Degraded');
    expect(live.healthReason).toBe('Helm upgrade failed');
    expect(live.sync.status).toBe('OutOfSync');
    expect(live.lastAppliedRevision).toBe('6.3.5');
    expect(live.lastAttemptedRevision).toBe('6.4.0');
  });

  it('is Suspended when reconciliation is suspended', () => {
    const ks = loadCorpus('flux-kustomization.json');
    ks.spec.suspend = true;
    expect(toLiveFluxResource('prod', ks).health).toBe('Suspended');
  });

  it('is Progressing while Flux reconciles', () => {
    const ks = loadCorpus('flux-kustomization.json');
    ks.status.conditions.push({
      type: 'Reconciling',
      status: 'True',
      reason: 'Progressing',
    });
    expect(toLiveFluxResource('prod', ks).health).toBe('Progressing');
  });

  it('takes the deployed release of a HelmRelease history', () => {
    const live = toLiveFluxResource(
      'prod',
      loadCorpus('flux-helmrelease-with-history.json'),
    );
    expect(live).toMatchObject({
      lastAppliedRevision: '6.1.0',
      lastAttemptedRevision: '6.1.0',
      health: 'Healthy',
      lastChangeTime: '2024-01-01T11:00:00Z',
    });
    expect(live.ready).toBeUndefined();
  });

  it('takes the last successful reconciliation of a Kustomization history', () => {
    const live = toLiveFluxResource(
      'prod',
      loadCorpus('flux-kustomization-with-history.json'),
    );
    // The latest reconciliation (xyz789) failed; abc123 is what is applied.
    expect(live).toMatchObject({
      lastAppliedRevision: 'abc123',
      lastAttemptedRevision: 'xyz789',
      health: 'Degraded',
      sync: { status: 'OutOfSync' },
    });
  });

  it('reads the Flux objects of the trace chain', () => {
    const items = loadCorpusItems('flux-trace-deployment-chain.json');
    const flux = items
      .filter(i => i.kind === 'HelmRelease' || i.kind === 'Kustomization')
      .map(i => toLiveFluxResource('prod', i));
    expect(flux.map(f => `${f.kind}/${f.name}:${f.health}`)).toEqual([
      'HelmRelease/podinfo:Healthy',
      'Kustomization/infrastructure:Healthy',
    ]);
  });
});

describe('missingFluxResource', () => {
  it('is Missing', () => {
    expect(
      missingFluxResource('prod', { kind: 'HelmRelease', name: 'web' }),
    ).toMatchObject({
      health: 'Missing',
      sync: { status: 'Unknown', controller: 'flux' },
    });
  });
});
