import { InputError } from '@backstage/errors';

/**
 * A folder (or file) in a GitHub repository at a ref, as written in a GitHub tree or blob URL.
 *
 * @public
 */
export type GithubLocation = {
  /** The web host: `github.com` or a GitHub Enterprise host (with its port, if any). */
  host: string;
  owner: string;
  repo: string;
  /** A branch, tag or commit SHA. */
  ref: string;
  /** `/`-separated, relative to the repository root; `''` for the root. */
  path: string;
};

/**
 * Reads a GitHub tree or blob URL, as Backstage writes source locations:
 * `https://github.com/org/gitops/tree/main/apps/catalogue`, optionally prefixed with `url:`.
 * Works for GitHub Enterprise hosts too (which host is a GitHub host is decided by the
 * `integrations.github` config, not here).
 *
 * The ref is the first segment after `tree/` or `blob/`. A branch whose name contains `/` is
 * ambiguous in such URLs (`tree/release/v1/apps` may be the branch `release/v1` and the folder
 * `apps`, or the branch `release` and the folder `v1/apps`): write the slash as `%2F`
 * (`tree/release%2Fv1/apps`).
 *
 * @throws InputError when the URL is not a GitHub tree or blob URL.
 * @public
 */
export function parseGithubLocation(location: string): GithubLocation {
  const text = location.trim().replace(/^url:/, '');
  // Never echo credentials that someone wrote into the URL.
  const shown = location.trim().replace(/\/\/[^/@\s]*@/, '//***@');
  const fail = (why: string): never => {
    throw new InputError(
      `'${shown}' is not a GitHub tree URL such as https://github.com/org/gitops/tree/main/apps/catalogue: ${why}`,
    );
  };

  // URL parsing would resolve '.' and '..' (also written %2e) silently: refuse them before.
  const rawPath = text.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  if (
    rawPath
      .split(/[?#]/)[0]
      .split('/')
      .some(s => /^(\.|%2e){1,2}$/i.test(s))
  ) {
    fail("'.' and '..' are not allowed");
  }

  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('it is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    fail(`the scheme must be https, not ${url.protocol.replace(/:$/, '')}`);
  }
  if (url.username || url.password) {
    fail('credentials do not belong in the URL');
  }

  let segments: string[];
  try {
    segments = url.pathname
      .split('/')
      .filter(s => s !== '')
      .map(s => decodeURIComponent(s));
  } catch {
    return fail('it holds a malformed %-escape');
  }
  const [owner, rawRepo, kind, ref, ...rest] = segments;
  if (!owner || !rawRepo) {
    fail('it names no owner and repository');
  }
  const repo = rawRepo.replace(/\.git$/, '');
  if (!repo) {
    fail('it names no repository');
  }
  if (kind !== 'tree' && kind !== 'blob') {
    fail(
      kind
        ? `'${kind}' is not 'tree' or 'blob'`
        : 'it names no branch (add /tree/<branch>/<folder>)',
    );
  }
  if (!ref) {
    fail('it names no branch');
  }
  if ([owner, repo, ref, ...rest].some(s => s === '.' || s === '..')) {
    fail("'.' and '..' are not allowed");
  }

  return {
    host: url.host.toLowerCase(),
    owner,
    repo,
    ref,
    path: rest.join('/'),
  };
}
