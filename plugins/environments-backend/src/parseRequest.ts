import { InputError } from '@backstage/errors';
import express from 'express';
import { z } from 'zod/v3';
import { bodyError } from './publicErrors';

/** A name or key from the request, quoted and cut short for a message. */
function quote(value: string): string {
  const json = JSON.stringify(value);
  return json.length > 66 ? `${json.slice(0, 64)}…"` : json;
}

function describeIssue(issue: z.ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined'
        ? 'is required'
        : `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${
            issue.expected
          }, not ${issue.received}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys
        .slice(0, 5)
        .map(quote)
        .join(', ')}`;
    case 'too_big':
      return issue.type === 'string'
        ? `must be at most ${issue.maximum} characters`
        : `must be at most ${issue.maximum}${
            issue.type === 'array' ? ' items' : ''
          }`;
    case 'too_small':
      return issue.type === 'string'
        ? 'must not be empty'
        : `must be at least ${issue.minimum}${
            issue.type === 'array' ? ' items' : ''
          }`;
    default:
      return issue.message.startsWith('must ')
        ? issue.message
        : `is invalid: ${issue.message}`;
  }
}

/**
 * Parses a part of the request, or throws an `InputError` that names each refused field:
 * `Invalid promotion: note must not contain control characters…; to is required`.
 *
 * @param what - the message's start, e.g. `Invalid promotion`
 * @param root - the field name for the value itself, e.g. `body` or `Idempotency-Key header`
 */
export function parse<S extends z.ZodTypeAny>(
  schema: S,
  value: unknown,
  what: string,
  root: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) {
    return parsed.data;
  }
  const problems = parsed.error.issues.slice(0, 10).map(issue => {
    const field = issue.path.length
      ? issue.path.map(p => (typeof p === 'number' ? p : quoteKey(p))).join('.')
      : root;
    return `${field} ${describeIssue(issue)}`;
  });
  throw new InputError(`${what}: ${problems.join('; ')}`);
}

/** A key of ours reads as itself; anything else (a key a client made up) is quoted. */
function quoteKey(key: string): string {
  return /^[A-Za-z][A-Za-z0-9_-]*$/.test(key) ? key : quote(key);
}

const BODY_LIMIT = '100kb';
// Not strict: a body that is JSON but not an object (`"dev"`, `null`) is refused by the schema,
// which says what it is.
const jsonParser = express.json({ limit: BODY_LIMIT, strict: false });

/**
 * Reads a JSON body: refuses another content type, invalid JSON (400) and bodies over 100 kB
 * (413) with errors that name the body and hold nothing of it.
 */
export const jsonBody: express.RequestHandler = (req, res, next) => {
  if (!req.is(['application/json', 'application/*+json'])) {
    next(
      new InputError(
        'Invalid request: body must be JSON, sent with Content-Type: application/json',
      ),
    );
    return;
  }
  jsonParser(req, res, error =>
    next(error ? bodyError(error, BODY_LIMIT) : undefined),
  );
};
