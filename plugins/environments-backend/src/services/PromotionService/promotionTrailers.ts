/**
 * The trailers a promotion's commit carries: enough to find the commit again (reconciliation)
 * and to rebuild a record from Git when the record was lost (adoption).
 */
export type PromotionTrailers = {
  promotionId: string;
  entityRef: string;
  from: string;
  to: string;
  requestedBy: string;
};

const KEYS: Array<[keyof PromotionTrailers, string]> = [
  ['promotionId', 'Stagecraft-Promotion'],
  ['entityRef', 'Stagecraft-Entity'],
  ['from', 'Stagecraft-From'],
  ['to', 'Stagecraft-To'],
  ['requestedBy', 'Stagecraft-Requested-By'],
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The trailer lines, in a fixed order; values are validated names, never free text. */
export function formatPromotionTrailers(trailers: PromotionTrailers): string[] {
  return KEYS.map(
    ([field, key]) => `${key}: ${trailers[field].replace(/[\r\n]/g, ' ')}`,
  );
}

/**
 * The promotion trailers of a commit message: read from its last paragraph only (where git reads
 * trailers), so a note quoted in the body cannot supply them. Undefined unless all are there.
 */
export function parsePromotionTrailers(
  message: string,
): PromotionTrailers | undefined {
  const paragraphs = message
    .replace(/\r/g, '')
    .trim()
    .split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1] ?? '';
  const values = new Map<string, string>();
  for (const line of last.split('\n')) {
    const match = /^([A-Za-z-]+): (.+)$/.exec(line.trim());
    if (match && !values.has(match[1])) {
      values.set(match[1], match[2].trim());
    }
  }
  const parsed: Partial<PromotionTrailers> = {};
  for (const [field, key] of KEYS) {
    const value = values.get(key);
    if (!value) {
      return undefined;
    }
    parsed[field] = value;
  }
  return UUID.test(parsed.promotionId!)
    ? (parsed as PromotionTrailers)
    : undefined;
}
