import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import express from 'express';

/*
 * What an error may tell a caller. Backstage's error handler serializes every own property of an
 * error (a git failure's stdout, body-parser's copy of the body, a `cause`) and only leaves out
 * the stack outside development; messages from git and the file system name folders on the
 * backend's machine. The routes hand errors on through `publicErrors`, which keeps the name, the
 * status and the message with machine paths replaced.
 */

/** An absolute path (`/tmp/x/origin`, `file:///srv/git`, `C:\data\x`) after a separator. */
const MACHINE_PATH =
  /(^|[\s'"`(=[,;<>])(?:file:\/\/)?(?:\/[^\s/'"`()<>[\],;]|[A-Za-z]:\\)[^\s'"`()<>[\],;]*?(?=$|[\s'"`()<>[\],;]|[:.](?:\s|$))/g;

/** The message with every absolute path on this machine replaced by `<path>`. */
export function withoutMachinePaths(message: string): string {
  return message.replace(MACHINE_PATH, '$1<path>');
}

/** An error whose status is not one of Backstage's error names. */
class HttpError extends Error {
  constructor(name: string, message: string, readonly statusCode: number) {
    super(message);
    this.name = name;
  }
}

function statusOf(error: Error): number | undefined {
  for (const field of ['statusCode', 'status']) {
    const status = (error as unknown as Record<string, unknown>)[field];
    if (
      Number.isInteger(status) &&
      Number(status) >= 400 &&
      Number(status) <= 599
    ) {
      return Number(status);
    }
  }
  return undefined;
}

/**
 * The error as callers may see it: the same name and status, the message without machine paths,
 * and nothing else.
 */
export function publicError(error: unknown): unknown {
  if (!isError(error) || error.constructor.name === 'DatabaseError') {
    // Backstage's handler replaces these with "An internal error occurred", by constructor.
    return error;
  }
  const message = withoutMachinePaths(error.message);
  const status = statusOf(error);
  const result =
    status === undefined
      ? new Error(message)
      : new HttpError(error.name, message, status);
  result.name = error.name;
  // Shown only when the error handler shows stacks (NODE_ENV=development).
  result.stack = `${error.name}: ${message}\n${(error.stack ?? '')
    .split('\n')
    .slice(1)
    .join('\n')}`;
  return result;
}

/** Errors of `express.json()`, as callers should read them: a refused `body`. */
export function bodyError(error: unknown, limit: string): unknown {
  const type = isError(error) ? (error as { type?: unknown }).type : undefined;
  switch (type) {
    case 'entity.too.large':
      return new HttpError(
        'PayloadTooLargeError',
        `Invalid request: body is larger than ${limit}`,
        413,
      );
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new HttpError(
        'UnsupportedMediaTypeError',
        'Invalid request: body must be JSON in UTF-8, without a content encoding',
        415,
      );
    case 'entity.parse.failed':
      return new InputError('Invalid request: body is not valid JSON');
    default:
      return new InputError('Invalid request: body is unreadable');
  }
}

/**
 * The last handler of the router: passes errors on as `publicError`s, and logs the original of
 * any error it had to change.
 */
export function publicErrors(
  logger?: LoggerService,
): express.ErrorRequestHandler {
  return (error, req, _res, next) => {
    const result = publicError(error);
    if (
      logger &&
      isError(error) &&
      isError(result) &&
      result.message !== error.message
    ) {
      logger.warn(
        `${req.method} ${req.originalUrl} failed: ${error.name}: ${error.message}`,
      );
    }
    next(result);
  };
}
