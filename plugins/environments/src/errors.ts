/** The server's message of a `ResponseError` (its body's `error.message`), else the error's own. */
export function errorMessage(error: unknown): string {
  const e = error as
    | { body?: { error?: { message?: string } }; message?: string }
    | undefined;
  return e?.body?.error?.message || e?.message || String(error);
}

/** The HTTP status of a `ResponseError`, if it is one. */
export function errorStatus(error: unknown): number | undefined {
  const e = error as
    | { statusCode?: number; response?: { status?: number } }
    | undefined;
  return e?.statusCode ?? e?.response?.status;
}
