/** What an Octokit failure says, read the same way by reads and writes. */
export type GithubFailure = {
  /** The HTTP status, when GitHub answered. */
  status?: number;
  /** GitHub's own message (the response's, else the error's), at most 300 characters. */
  githubMessage?: string;
  /** The error's message (a RequestError's carries GitHub's validation errors). */
  errorMessage?: string;
  /** GraphQL errors (GraphqlResponseError), by type. */
  graphqlErrors: Array<{ type?: string; message?: string }>;
  /** Present when GitHub refused for its rate limit, with when to try again if it said. */
  rateLimit?: { retryAfterSeconds?: number; resetAt?: Date };
};

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

export function messageOf(value: unknown): string | undefined {
  const message =
    typeof value === 'string'
      ? value
      : (value as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message
    ? message.slice(0, 300)
    : undefined;
}

/** Reads an Octokit error (RequestError, GraphqlResponseError or a network error). */
export function readGithubFailure(error: unknown): GithubFailure {
  const e = error as {
    errors?: Array<{ type?: string; message?: string }>;
    headers?: Record<string, string | undefined>;
    response?: {
      headers?: Record<string, string | undefined>;
      data?: unknown;
    };
  };
  const status = statusOf(error);
  // RequestError's own `headers` is deprecated (and warns); GraphqlResponseError has no other.
  const headers =
    e?.response?.headers ??
    ((error as Error)?.name !== 'HttpError' ? e?.headers : undefined) ??
    {};
  const githubMessage = messageOf(e?.response?.data) ?? messageOf(e);
  const graphqlErrors = Array.isArray(e?.errors) ? e.errors : [];
  const rateLimited =
    graphqlErrors.some(x => x?.type === 'RATE_LIMITED') ||
    ((status === 403 || status === 429) &&
      (headers['x-ratelimit-remaining'] === '0' ||
        headers['retry-after'] !== undefined ||
        /rate limit/i.test(githubMessage ?? '')));
  let rateLimit: GithubFailure['rateLimit'];
  if (rateLimited) {
    const retryAfter = Number(headers['retry-after']);
    const reset = Number(headers['x-ratelimit-reset']);
    if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter)) {
      rateLimit = { retryAfterSeconds: retryAfter };
    } else if (Number.isFinite(reset) && reset > 0) {
      rateLimit = { resetAt: new Date(reset * 1000) };
    } else {
      rateLimit = {};
    }
  }
  return {
    status,
    githubMessage,
    errorMessage: messageOf(e),
    graphqlErrors,
    rateLimit,
  };
}
