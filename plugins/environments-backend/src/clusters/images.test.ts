import {
  digestFromImageId,
  normalizeRepository,
  parseImageReference,
} from './images';
import { describeWithCorpus, loadCorpusItems } from './__testUtils__/corpus';

describe('parseImageReference', () => {
  it.each([
    ['nginx', { repository: 'nginx' }],
    ['nginx:1.25', { repository: 'nginx', tag: '1.25' }],
    [
      'gcr.io/heptio-images/ks-guestbook-demo:0.3',
      { repository: 'gcr.io/heptio-images/ks-guestbook-demo', tag: '0.3' },
    ],
    ['localhost:5000/app', { repository: 'localhost:5000/app' }],
    ['localhost:5000/app:v2', { repository: 'localhost:5000/app', tag: 'v2' }],
    [
      'ghcr.io/org/app:1.0@sha256:abc',
      { repository: 'ghcr.io/org/app', tag: '1.0', digest: 'sha256:abc' },
    ],
    [
      'ghcr.io/org/app@sha256:abc',
      { repository: 'ghcr.io/org/app', digest: 'sha256:abc' },
    ],
  ])('%s', (image, expected) => {
    expect(parseImageReference(image)).toEqual(expected);
  });
});

describe('normalizeRepository', () => {
  it('expands Docker Hub short names and keeps registries', () => {
    expect(normalizeRepository('nginx')).toBe('docker.io/library/nginx');
    expect(normalizeRepository('argoproj/rollouts-demo')).toBe(
      'docker.io/argoproj/rollouts-demo',
    );
    expect(normalizeRepository('gcr.io/x/y')).toBe('gcr.io/x/y');
    expect(normalizeRepository('localhost:5000/y')).toBe('localhost:5000/y');
    expect(normalizeRepository('index.docker.io/library/nginx')).toBe(
      'docker.io/library/nginx',
    );
  });
});

describeWithCorpus('digestFromImageId (corpus pods)', () => {
  it('reads the registry digest of running pods and nothing from pods still pulling', () => {
    const pods = loadCorpusItems('pod-list.json');
    const byName = new Map<string, string | undefined>(
      pods.map(p => [
        p.metadata.name,
        digestFromImageId(p.status.containerStatuses[0].imageID),
      ]),
    );
    expect(byName.get('canary-demo-877894d5b-6jfpt')).toMatch(
      /^sha256:7b7de8a8183a580506e1069415a96bfb8431c7aa5257a4eed26f9fef53d016ce$/,
    );
    // The canary pod is in ImagePullBackOff: its imageID is empty.
    expect(byName.get('canary-demo-65fb5ffc84-9wf5r')).toBeUndefined();
  });

  it('ignores local image ids that are not registry digests', () => {
    expect(digestFromImageId(`sha256:${'a'.repeat(64)}`)).toBeUndefined();
    expect(digestFromImageId('')).toBeUndefined();
    expect(
      digestFromImageId(`docker.io/library/nginx@sha256:${'b'.repeat(64)}`),
    ).toBe(`sha256:${'b'.repeat(64)}`);
  });
});
