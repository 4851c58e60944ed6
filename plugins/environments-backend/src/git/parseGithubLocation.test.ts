import { InputError } from '@backstage/errors';
import { parseGithubLocation } from './parseGithubLocation';

describe('parseGithubLocation', () => {
  it.each([
    [
      'url:https://github.com/org/gitops/tree/main/apps/catalogue',
      {
        host: 'github.com',
        owner: 'org',
        repo: 'gitops',
        ref: 'main',
        path: 'apps/catalogue',
      },
    ],
    [
      'https://github.com/org/gitops/tree/main/apps/catalogue/',
      {
        host: 'github.com',
        owner: 'org',
        repo: 'gitops',
        ref: 'main',
        path: 'apps/catalogue',
      },
    ],
    [
      'https://github.com/org/gitops/tree/main',
      {
        host: 'github.com',
        owner: 'org',
        repo: 'gitops',
        ref: 'main',
        path: '',
      },
    ],
    [
      'https://github.com/org/gitops/tree/main/',
      {
        host: 'github.com',
        owner: 'org',
        repo: 'gitops',
        ref: 'main',
        path: '',
      },
    ],
    [
      'https://github.com/org/gitops/blob/v1.2.0/apps/catalogue/kustomization.yaml',
      {
        host: 'github.com',
        owner: 'org',
        repo: 'gitops',
        ref: 'v1.2.0',
        path: 'apps/catalogue/kustomization.yaml',
      },
    ],
    [
      '  url:https://GHE.Example.com:8443/platform/gitops.git/tree/prod/apps/my%20app?plain=1#readme',
      {
        host: 'ghe.example.com:8443',
        owner: 'platform',
        repo: 'gitops',
        ref: 'prod',
        path: 'apps/my app',
      },
    ],
    [
      'https://github.com/org/gitops/tree/release%2Fv1/apps/catalogue',
      {
        host: 'github.com',
        owner: 'org',
        repo: 'gitops',
        ref: 'release/v1',
        path: 'apps/catalogue',
      },
    ],
    [
      // Documented limitation: an unescaped '/' in a branch name is read as part of the path.
      'https://github.com/org/gitops/tree/release/v1/apps',
      {
        host: 'github.com',
        owner: 'org',
        repo: 'gitops',
        ref: 'release',
        path: 'v1/apps',
      },
    ],
  ])('reads %s', (location, expected) => {
    expect(parseGithubLocation(location)).toEqual(expected);
  });

  it.each([
    ['', /not a URL/],
    ['gitops:apps/catalogue', /scheme must be https/],
    ['apps/catalogue', /not a URL/],
    ['ftp://github.com/org/gitops/tree/main', /scheme must be https, not ftp/],
    ['https://github.com/org', /no owner and repository/],
    ['https://github.com/org/gitops', /names no branch/],
    ['https://github.com/org/gitops/pull/12', /'pull' is not 'tree' or 'blob'/],
    ['https://github.com/org/gitops/tree/', /names no branch/],
    [
      'https://github.com/org/gitops/tree/main/apps/../../etc',
      /'\.\.' are not allowed/,
    ],
    [
      'https://github.com/org/gitops/tree/main/%2e%2E/x',
      /'\.\.' are not allowed/,
    ],
    ['https://github.com/org/gitops/tree/main/./x', /'\.\.' are not allowed/],
    ['https://github.com/org/gitops/tree/main/%E0%A4%A', /malformed/],
    ['https://user:pw@github.com/org/gitops/tree/main', /credentials/],
  ])('rejects %j', (location, message) => {
    let error: unknown;
    try {
      parseGithubLocation(location);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
  });

  it('never echoes credentials written into the URL', () => {
    expect(() =>
      parseGithubLocation(
        'https://x:fake-secret@github.com/org/gitops/tree/main',
      ),
    ).toThrow(
      /^'https:\/\/\*\*\*@github\.com\/org\/gitops\/tree\/main' is not/,
    );
  });
});
