/**
 * Merges environment names across entities (`environments.aliases` in
 * config): `{ production: 'prod', prd: 'prod' }` makes `production` and
 * `prd` the environment `prod`. Names compare without case; a path-like
 * name (`homelab/production`) keeps its prefix.
 */
export function aliasEnvironment(
  name: string,
  aliases: Record<string, string> | undefined,
): string {
  if (!aliases) return name;
  const lower = new Map(
    Object.entries(aliases).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const whole = lower.get(name.toLowerCase());
  if (whole !== undefined) return whole;
  const i = name.lastIndexOf('/');
  if (i < 0) return name;
  const leaf = lower.get(name.slice(i + 1).toLowerCase());
  return leaf !== undefined ? `${name.slice(0, i + 1)}${leaf}` : name;
}
