/** Promotion stages and the names that mean them. */
const STAGES: Array<{ rank: number; names: string[] }> = [
  { rank: 0, names: ['local'] },
  {
    rank: 10,
    names: ['dev', 'develop', 'development', 'devel', 'sandbox', 'sbx'],
  },
  { rank: 20, names: ['qa', 'test', 'testing', 'tst', 'e2e', 'ci'] },
  { rank: 30, names: ['int', 'integration', 'sit'] },
  { rank: 35, names: ['uat', 'acceptance', 'acc'] },
  { rank: 40, names: ['stage', 'staging', 'stg', 'stag'] },
  {
    rank: 50,
    names: [
      'preprod',
      'pre-prod',
      'preproduction',
      'pre-production',
      'pprod',
      'perf',
      'load',
    ],
  },
  { rank: 60, names: ['prod', 'production', 'prd', 'live', 'prod-like'] },
];

/** Rank of names we do not know: after staging, before preprod. */
export const UNKNOWN_STAGE_RANK = 45;

const RANKS = new Map<string, number>();
for (const s of STAGES) for (const n of s.names) RANKS.set(n, s.rank);

/** Words that on their own say a folder is an environment (used by discovery). */
export const ENVIRONMENT_WORDS = new Set(
  STAGES.flatMap(s => s.names).filter(
    n => !['local', 'ci', 'load', 'acc', 'live', 'perf'].includes(n),
  ),
);

/**
 * The stage rank of an environment name, or undefined when no part of it is
 * a known stage. Looks at the last path segment (`homelab/prod` → prod) and
 * at its words (`prod-eu`, `engineering-dev`).
 */
export function stageRank(name: string): number | undefined {
  const leaf = name.toLowerCase().split('/').filter(Boolean).pop() ?? '';
  const whole = RANKS.get(leaf);
  if (whole !== undefined) return whole;
  const words = leaf.split(/[-_.\s]+/).filter(Boolean);
  for (let i = 0; i < words.length - 1; i++) {
    const pair = RANKS.get(`${words[i]}-${words[i + 1]}`);
    if (pair !== undefined) return pair;
  }
  for (const w of words) {
    const r = RANKS.get(w);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * Orders environment names for promotion: dev < qa/test < integration <
 * staging < preprod < prod; unknown names sit between staging and preprod;
 * ties keep their input order. Names listed in `explicitOrder` come first,
 * in that order.
 *
 * @public
 */
export function orderEnvironments(
  names: string[],
  explicitOrder?: string[],
): string[] {
  const unique = [...new Set(names)];
  const explicit = (explicitOrder ?? []).filter(n => unique.includes(n));
  const rest = unique
    .filter(n => !explicit.includes(n))
    .map((name, i) => ({
      name,
      i,
      rank: stageRank(name) ?? UNKNOWN_STAGE_RANK,
    }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(x => x.name);
  return [...explicit, ...rest];
}
