import { CustomErrorBase } from '@backstage/errors';

/**
 * A request that is well formed but cannot be processed as sent (HTTP 422), e.g. an
 * Idempotency-Key sent again with a different request. Backstage's error handler answers with the
 * error's `statusCode`.
 *
 * @public
 */
export class UnprocessableError extends CustomErrorBase {
  name = 'UnprocessableError' as const;
  readonly statusCode = 422;
}
