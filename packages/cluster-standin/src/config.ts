import { promises as fs } from 'node:fs';
import { parse } from 'yaml';

/**
 * The stand-in's configuration file (YAML or JSON):
 *
 * ```yaml
 * clusters:            # cluster name → the environments it runs
 *   nonprod: [dev, staging]
 *   prod: [prod]
 * registry:            # image → its published tags; images not listed have every tag
 *   craftista/catalogue: ["1.3.0", "1.4.0"]
 * rolloutSeconds: 8            # optional
 * progressDeadlineSeconds: 30  # optional
 * pollSeconds: 2               # optional
 * ```
 */
export interface StandinConfig {
  clusters: Record<string, string[]>;
  registry: Record<string, string[]>;
  rolloutSeconds?: number;
  progressDeadlineSeconds?: number;
  pollSeconds?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) throw new Error(`${where} must be a list`);
  return value.map(v => {
    if (typeof v !== 'string' && typeof v !== 'number')
      throw new Error(`${where} must hold strings`);
    return String(v);
  });
}

function optionalNumber(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !(value >= 0))
    throw new Error(`${where} must be a number ≥ 0`);
  return value;
}

/** Validates a parsed configuration; throws with the offending key. */
export function parseStandinConfig(raw: unknown): StandinConfig {
  if (!isRecord(raw)) throw new Error('the configuration must be a mapping');
  if (!isRecord(raw.clusters) || Object.keys(raw.clusters).length === 0)
    throw new Error(
      'clusters: must map at least one cluster name to environments',
    );
  const clusters: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(raw.clusters)) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))
      throw new Error(`clusters.${name}: a cluster name must be a DNS label`);
    const environments = isRecord(value) ? value.environments : value;
    clusters[name] = stringList(environments, `clusters.${name}`);
  }
  const registry: Record<string, string[]> = {};
  if (raw.registry !== undefined && raw.registry !== null) {
    if (!isRecord(raw.registry)) throw new Error('registry: must be a mapping');
    for (const [image, tags] of Object.entries(raw.registry)) {
      registry[image] = stringList(tags, `registry.${image}`);
    }
  }
  return {
    clusters,
    registry,
    rolloutSeconds: optionalNumber(raw.rolloutSeconds, 'rolloutSeconds'),
    progressDeadlineSeconds: optionalNumber(
      raw.progressDeadlineSeconds,
      'progressDeadlineSeconds',
    ),
    pollSeconds: optionalNumber(raw.pollSeconds, 'pollSeconds'),
  };
}

export async function loadStandinConfig(path: string): Promise<StandinConfig> {
  const text = await fs.readFile(path, 'utf8');
  try {
    return parseStandinConfig(parse(text));
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}
