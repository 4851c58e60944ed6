import type { Octokit } from '@octokit/rest';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { ChangeBranch, PromotionTrace } from './types';
import { readGithubFailure, statusOf } from './githubFailure';

/** How many commits of the branch since the promotion was recorded are searched for its trailer. */
const MAX_COMMITS = 100;

/**
 * What GitHub holds of promotions, read to reconcile records with Git: a promotion's branch, pull
 * request and trailer-carrying commit, and the `stagecraft/` branches. Reads only.
 */
export class GithubPromotionTraces {
  constructor(
    private readonly options: {
      client: () => Promise<Octokit>;
      owner: string;
      repo: string;
      branch: string;
      name: string;
    },
  ) {}

  async trace(
    promotionId: string,
    options: { branch?: string; since: string },
  ): Promise<PromotionTrace> {
    const { owner, repo, branch } = this.options;
    const octokit = await this.options.client();
    const trace: PromotionTrace = {};
    if (options.branch) {
      const ref = await this.read('git.getRef', () =>
        octokit.git.getRef({ owner, repo, ref: `heads/${options.branch}` }),
      );
      if (ref) {
        trace.branch = { commit: ref.data.object.sha };
      }
      const pulls = await this.read('pulls.list', () =>
        octokit.pulls.list({
          owner,
          repo,
          head: `${owner}:${options.branch}`,
          state: 'all',
          per_page: 5,
        }),
      );
      const pull = pulls?.data[0];
      if (pull) {
        trace.pullRequest = {
          number: pull.number,
          url: pull.html_url,
          state: pull.merged_at ? 'merged' : (pull.state as 'open' | 'closed'),
        };
      }
    }
    const commits = await this.read('repos.listCommits', () =>
      octokit.repos.listCommits({
        owner,
        repo,
        sha: branch,
        since: options.since,
        per_page: MAX_COMMITS,
      }),
    );
    const trailer = `Stagecraft-Promotion: ${promotionId}`;
    const found = commits?.data.find(c =>
      c.commit.message.split('\n').some(line => line.trim() === trailer),
    );
    if (found) {
      trace.committed = { commit: found.sha, url: found.html_url };
    }
    return trace;
  }

  async listChangeBranches(): Promise<ChangeBranch[]> {
    const { owner, repo } = this.options;
    const octokit = await this.options.client();
    const refs = await this.read('git.listMatchingRefs', () =>
      octokit.git.listMatchingRefs({ owner, repo, ref: 'heads/stagecraft/' }),
    );
    return (refs?.data ?? []).map(ref => ({
      branch: ref.ref.replace(/^refs\/heads\//, ''),
      commit: ref.object.sha,
    }));
  }

  async readCommitMessage(
    sha: string,
  ): Promise<{ message: string; parents: string[] }> {
    const { owner, repo } = this.options;
    const octokit = await this.options.client();
    const commit = await this.read('git.getCommit', () =>
      octokit.git.getCommit({ owner, repo, commit_sha: sha }),
    );
    if (!commit) {
      throw new NotFoundError(`No commit ${sha} in ${this.options.name}`);
    }
    return {
      message: commit.data.message,
      parents: commit.data.parents.map(p => p.sha),
    };
  }

  /** One call; undefined for 404 (nothing there), a ServiceUnavailableError for the rest. */
  private async read<T>(
    step: string,
    call: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (statusOf(error) === 404) {
        return undefined;
      }
      const failure = readGithubFailure(error);
      throw new ServiceUnavailableError(
        `GitHub ${step} failed for ${this.options.name}: ${
          failure.status ?? 'no answer'
        } ${failure.githubMessage ?? failure.errorMessage ?? ''}`.trim(),
      );
    }
  }
}
