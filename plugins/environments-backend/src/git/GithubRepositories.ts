import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  GithubIntegration,
  ScmIntegrations,
} from '@backstage/integration';
import { Octokit } from '@octokit/rest';
import { GithubRepository } from './GithubRepository';
import { GithubLocation, parseGithubLocation } from './parseGithubLocation';

/** @public */
export type GithubRepositoriesOptions = {
  /** Minimum time between two fetches of one repository; default 30 s. */
  refreshIntervalMs?: number;
  /** Timeout of each call to GitHub; default 30 s. */
  timeoutMs?: number;
  /** Files larger than this are left out of snapshots; default 1 MiB. */
  maxFileSize?: number;
  logger?: LoggerService;
  /** Default: `DefaultGithubCredentialsProvider` over the `integrations.github` config. */
  credentialsProvider?: GithubCredentialsProvider;
  /** Injectable clock, for tests. */
  now?: () => number;
};

/**
 * The GitHub repositories that entities' GitOps locations point at: one {@link GithubRepository}
 * per host, owner, repository and ref, kept for the life of the backend so their snapshots and
 * ETags are reused. Credentials come from `integrations.github` (a token or GitHub Apps; GitHub
 * Enterprise hosts), fetched afresh for every fetch.
 *
 * @public
 */
export class GithubRepositories {
  private readonly repositories = new Map<string, GithubRepository>();

  /** Reads `integrations.github` from the root config. */
  static fromConfig(
    config: Config,
    options: GithubRepositoriesOptions = {},
  ): GithubRepositories {
    return new GithubRepositories(ScmIntegrations.fromConfig(config), options);
  }

  private readonly credentialsProvider: GithubCredentialsProvider;

  private constructor(
    private readonly integrations: ScmIntegrations,
    private readonly options: GithubRepositoriesOptions,
  ) {
    this.credentialsProvider =
      options.credentialsProvider ??
      DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  }

  /** True when the location is a URL on a host of `integrations.github`. */
  handles(location: string): boolean {
    try {
      return Boolean(this.integrationFor(parseGithubLocation(location).host));
    } catch {
      return false;
    }
  }

  /**
   * The repository and the folder that a GitOps location points at, e.g.
   * `url:https://github.com/org/gitops/tree/main/apps/catalogue`.
   *
   * @throws InputError when the location is not a GitHub tree URL, or its host is not in
   * `integrations.github`.
   */
  forLocation(location: string): {
    repository: GithubRepository;
    path: string;
    location: GithubLocation;
  } {
    const parsed = parseGithubLocation(location);
    return {
      repository: this.get(parsed),
      path: parsed.path,
      location: parsed,
    };
  }

  /** The repository for a host, owner, repository and ref (created on first use). */
  get(target: {
    host: string;
    owner: string;
    repo: string;
    ref: string;
  }): GithubRepository {
    const integration = this.integrationFor(target.host);
    if (!integration) {
      throw new InputError(
        `There is no GitHub integration for host ${target.host}; add it to integrations.github`,
      );
    }
    const { apiBaseUrl, host } = integration.config;
    if (!apiBaseUrl) {
      throw new InputError(
        `The GitHub integration for host ${host} has no apiBaseUrl; set integrations.github[].apiBaseUrl`,
      );
    }
    // GitHub's owner and repository names are case-insensitive; refs are not.
    const key = `${host}/${target.owner.toLowerCase()}/${target.repo.toLowerCase()}@${
      target.ref
    }`;
    let repository = this.repositories.get(key);
    if (!repository) {
      const { owner, repo, ref } = target;
      const repositoryUrl = `https://${host}/${owner}/${repo}`;
      const timeoutMs = this.options.timeoutMs ?? 30_000;
      const logger = this.options.logger?.child({
        repository: `${host}/${owner}/${repo}`,
      });
      repository = new GithubRepository({
        host,
        owner,
        repo,
        ref,
        octokit: async () => {
          const { token } = await this.credentialsProvider.getCredentials({
            url: repositoryUrl,
          });
          return new Octokit({
            baseUrl: apiBaseUrl,
            auth: token,
            request: { timeout: timeoutMs, fetch: timedFetch(timeoutMs) },
            log: {
              debug: () => {},
              info: () => {},
              warn: message => logger?.warn(message),
              error: message => logger?.error(message),
            },
          });
        },
        refreshIntervalMs: this.options.refreshIntervalMs,
        maxFileSize: this.options.maxFileSize,
        logger,
        now: this.options.now,
      });
      this.repositories.set(key, repository);
    }
    return repository;
  }

  /** The repositories used so far (those of the entities whose matrices were read). */
  all(): GithubRepository[] {
    return [...this.repositories.values()];
  }

  private integrationFor(host: string): GithubIntegration | undefined {
    return this.integrations.github
      .list()
      .find(i => i.config.host.toLowerCase() === host.toLowerCase());
  }
}

/**
 * `request.timeout` only reaches node-fetch; Octokit 19 uses the global `fetch` on Node 18+, so
 * the timeout is applied with an abort signal as well.
 */
function timedFetch(timeoutMs: number) {
  return (url: string | URL | Request, init?: RequestInit) =>
    globalThis.fetch(url, {
      ...init,
      signal: init?.signal ?? AbortSignal.timeout(timeoutMs),
    });
}
