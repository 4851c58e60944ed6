/** A fresh key for the `Idempotency-Key` header. */
export function newIdempotencyKey(): string {
  if (typeof globalThis.crypto?.randomUUID === 'function') {
    return globalThis.crypto.randomUUID();
  }
  // Browsers without randomUUID (insecure origins): random enough for deduplication.
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
