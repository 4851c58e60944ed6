import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';

/** An action's `entityRef` input; kind `component` and namespace `default` when left out. */
export function parseEntity(ref: string): CompoundEntityRef {
  try {
    return parseEntityRef(ref, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(`Invalid entityRef '${ref}': ${error}`);
  }
}

function isResponseError(error: unknown): error is ResponseError {
  return (
    error instanceof ResponseError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as Error).name === 'ResponseError' &&
      typeof (error as ResponseError).response?.status === 'number')
  );
}

/**
 * Calls the environments API, turning its error responses into clear errors for the task log;
 * `conflict` words a 409 for the action.
 */
export async function callEnvironmentsApi<T>(
  what: string,
  call: () => Promise<T>,
  conflict: (message: string) => string,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isResponseError(error)) {
      throw error;
    }
    const status = error.response.status;
    const message = error.body?.error?.message ?? error.message;
    let clear: Error;
    switch (status) {
      case 400:
        clear = new InputError(`${what}: invalid request (400): ${message}`);
        break;
      case 403:
        clear = new NotAllowedError(`${what}: not allowed (403): ${message}`);
        break;
      case 404:
        clear = new NotFoundError(`${what}: not found (404): ${message}`);
        break;
      case 409:
        clear = new ConflictError(conflict(message));
        break;
      default:
        clear = new Error(`${what} failed (${status}): ${message}`);
    }
    // Set after construction: the error classes would append the cause to the message.
    throw Object.assign(clear, { cause: error });
  }
}
