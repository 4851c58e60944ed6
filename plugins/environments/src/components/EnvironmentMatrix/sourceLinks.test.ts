import { hostUrl, provenanceUrl } from './sourceLinks';

const provenance = {
  file: 'apps/catalogue/overlays/prod/kustomization.yaml',
  path: 'images[0].newTag',
  line: 7,
};

describe('provenanceUrl', () => {
  it('links a GitHub location’s file and line at the commit read', () => {
    expect(
      provenanceUrl(
        {
          source: {
            type: 'url',
            url: 'https://github.com/org/gitops/tree/main/apps/catalogue',
          },
          revision: {
            repository: 'github.com/org/gitops',
            branch: 'main',
            commit: 'abc123',
          },
        } as any,
        provenance,
      ),
    ).toBe(
      'https://github.com/org/gitops/blob/abc123/apps/catalogue/overlays/prod/kustomization.yaml#L7',
    );
  });

  it('has no link for a plain-git repository, or before a commit is read', () => {
    expect(
      provenanceUrl(
        {
          source: { type: 'repository', repository: 'demo', path: 'apps' },
          revision: { repository: 'demo', branch: 'main', commit: 'abc' },
        } as any,
        provenance,
      ),
    ).toBeUndefined();
    expect(
      provenanceUrl(
        {
          source: {
            type: 'url',
            url: 'https://github.com/org/gitops/tree/main/apps',
          },
        } as any,
        provenance,
      ),
    ).toBeUndefined();
  });
});

describe('hostUrl', () => {
  it('makes a host a link', () => {
    expect(hostUrl('craftista.com')).toBe('https://craftista.com');
    expect(hostUrl('http://dev.local')).toBe('http://dev.local');
  });
});
