import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import { ClusterStandin, startClusterStandin } from '../ClusterStandin';
import { loadStandinConfig } from '../config';

/** The environment variable holding the bearer token. */
export const TOKEN_VARIABLE = 'STAGECRAFT_STANDIN_TOKEN';

const USAGE = `Usage: cluster-standin --repository <path> --config <file> [options]

A demo and test stand-in for Kubernetes clusters (not a Kubernetes). Serves
the Kubernetes REST API of the clusters named in the config file, filled from
the declared state of the repository's main branch.

Options:
  --repository <path>          local git repository (the demo GitOps repository)
  --config <file>              clusters and image registry (YAML or JSON)
  --port <n>                   port to listen on (default 7100; 0 = any)
  --host <addr>                address to listen on (default 127.0.0.1)
  --branch <name>              branch to follow (default main)
  --rollout-seconds <n>        how long a rollout takes (default: config, else 8)
  --progress-deadline-seconds <n>
                               when a stuck rollout fails (default: config, else 30)
  --ca-file <file>             write the self-signed certificate of the HTTPS side here
  --verbose                    log every request
  --help                       show this text

The bearer token comes from ${TOKEN_VARIABLE} (required). The port answers
HTTP and HTTPS (self-signed); kubectl only sends a token over HTTPS, e.g.
  kubectl --server=https://127.0.0.1:7100/clusters/nonprod --insecure-skip-tls-verify \
    --token="$${TOKEN_VARIABLE}" get deployments -A
`;

export interface StandinCliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
}

interface Parsed {
  [option: string]: string | true;
}

const VALUED = new Set([
  'repository',
  'config',
  'port',
  'host',
  'branch',
  'rollout-seconds',
  'progress-deadline-seconds',
  'ca-file',
]);
const FLAGS = new Set(['verbose', 'help']);

function parseArgs(argv: string[]): Parsed {
  const parsed: Parsed = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unexpected argument "${arg}"`);
    const [, name, inline] = m;
    if (FLAGS.has(name)) {
      parsed[name] = true;
    } else if (VALUED.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      parsed[name] = value;
    } else {
      throw new Error(`unknown option --${name}`);
    }
  }
  return parsed;
}

function numberOption(parsed: Parsed, name: string): number | undefined {
  const value = parsed[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(n) || n < 0)
    throw new Error(`--${name} must be a number ≥ 0`);
  return n;
}

/**
 * Starts the stand-in from command-line arguments. Resolves with the exit
 * code when it cannot start, or with the running stand-in.
 *
 * @public
 */
export async function runStandinCli(
  argv: string[],
  io: StandinCliIo,
): Promise<{ exitCode: number; standin?: ClusterStandin }> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    io.err(`cluster-standin: ${(error as Error).message}\n\n${USAGE}`);
    return { exitCode: 2 };
  }
  if (parsed.help) {
    io.out(USAGE);
    return { exitCode: 0 };
  }
  const token = io.env[TOKEN_VARIABLE];
  if (!token) {
    io.err(
      `cluster-standin: refusing to start without a token; set ${TOKEN_VARIABLE}\n`,
    );
    return { exitCode: 2 };
  }
  if (
    typeof parsed.repository !== 'string' ||
    typeof parsed.config !== 'string'
  ) {
    io.err(
      `cluster-standin: --repository and --config are required\n\n${USAGE}`,
    );
    return { exitCode: 2 };
  }
  try {
    const config = await loadStandinConfig(resolve(parsed.config));
    const rolloutSeconds =
      numberOption(parsed, 'rollout-seconds') ?? config.rolloutSeconds ?? 8;
    const deadlineSeconds =
      numberOption(parsed, 'progress-deadline-seconds') ??
      config.progressDeadlineSeconds ??
      30;
    const verbose = parsed.verbose === true;
    const standin = await startClusterStandin({
      token,
      repository: resolve(parsed.repository),
      branch: typeof parsed.branch === 'string' ? parsed.branch : undefined,
      clusters: config.clusters,
      registry: config.registry,
      host: typeof parsed.host === 'string' ? parsed.host : undefined,
      port: numberOption(parsed, 'port') ?? 7100,
      rolloutMs: rolloutSeconds * 1000,
      progressDeadlineMs: deadlineSeconds * 1000,
      pollIntervalMs: (config.pollSeconds ?? 2) * 1000,
      logger: message => {
        if (verbose || !/^[A-Z]+ \//.test(message)) {
          io.out(`[cluster-standin] ${message}\n`);
        }
      },
    });
    if (typeof parsed['ca-file'] === 'string') {
      await fs.writeFile(resolve(parsed['ca-file']), standin.caCertificate);
    }
    const lines = [
      `cluster-standin (a demo and test stand-in, not a Kubernetes) on ${standin.url} and ${standin.secureUrl}`,
      ...standin.clusters.map(
        c =>
          `  ${c} (${config.clusters[c].join(', ')}): ${standin.clusterUrl(
            c,
          )} | ${standin.clusterUrl(c, { secure: true })}`,
      ),
      `  faults: POST ${standin.url}/_standin/clusters/<cluster>/down | up`,
    ];
    io.out(`${lines.join('\n')}\n`);
    return { exitCode: 0, standin };
  } catch (error) {
    io.err(`cluster-standin: ${(error as Error).message}\n`);
    return { exitCode: 1 };
  }
}
