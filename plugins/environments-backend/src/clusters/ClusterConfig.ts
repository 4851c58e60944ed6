import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Where a pod finds its mounted service account token (and the cluster's CA next to it). */
export const IN_CLUSTER_TOKEN_PATH =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** The Kubernetes plugin's annotation for the auth provider in `authMetadata`. */
const AUTH_PROVIDER_KEY = 'kubernetes.io/auth-provider';

/** Auth providers this reader supports (see README.md). */
export const SUPPORTED_AUTH_PROVIDERS = [
  'serviceAccount',
  'anonymous',
] as const;

/** Cluster locators this reader supports (see README.md). */
export const SUPPORTED_LOCATORS = ['config', 'localKubectlProxy'] as const;

/**
 * One cluster of the `kubernetes:` block, ready to be called. Credentials are only reachable
 * through {@link ClusterConfig.getBearerToken}, so the object can be logged or compared safely.
 */
export interface ClusterConfig {
  name: string;
  /** The API server URL, without a trailing slash. */
  url: string;
  authProvider: string;
  skipTLSVerify: boolean;
  /** PEM CA bundle (from `caData` or `caFile`), read lazily. */
  getCa(): Promise<string | undefined>;
  /** The bearer token to send, read lazily (the mounted token rotates); undefined for anonymous. */
  getBearerToken(): Promise<string | undefined>;
}

export type ReadClusterConfigsOptions = {
  config: RootConfigService;
  logger: LoggerService;
  /** Where the pod's service account token is mounted (tests override it). */
  inClusterTokenPath?: string;
};

/**
 * Reads the clusters of the standard `kubernetes.clusterLocatorMethods` config. Clusters with an
 * unsupported auth provider, and unsupported locator types, are skipped with a warning that names
 * them; they never stop the backend.
 */
export function readClusterConfigs(
  options: ReadClusterConfigsOptions,
): ClusterConfig[] {
  const { config, logger } = options;
  const tokenPath = options.inClusterTokenPath ?? IN_CLUSTER_TOKEN_PATH;
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const clusters: ClusterConfig[] = [];
  const names = new Set<string>();

  const add = (cluster: ClusterConfig) => {
    if (names.has(cluster.name)) {
      logger.warn(
        `Skipping duplicate Kubernetes cluster '${cluster.name}' for live state`,
      );
      return;
    }
    names.add(cluster.name);
    clusters.push(cluster);
  };

  for (const method of methods) {
    const type = method.getString('type');
    if (type === 'localKubectlProxy') {
      add({
        name: 'local',
        url: 'http://localhost:8001',
        authProvider: 'localKubectlProxy',
        skipTLSVerify: false,
        getCa: async () => undefined,
        getBearerToken: async () => undefined,
      });
      continue;
    }
    if (type !== 'config') {
      logger.warn(
        `Kubernetes cluster locator '${type}' is not supported for live state; supported: ${SUPPORTED_LOCATORS.join(
          ', ',
        )}. Its clusters will show no live state.`,
      );
      continue;
    }
    for (const c of method.getOptionalConfigArray('clusters') ?? []) {
      const name = c.getString('name');
      // authMetadata keys contain dots and slashes: read the block as plain data.
      const authMetadata =
        c.getOptional<Record<string, unknown>>('authMetadata');
      const metadataString = (key: string) =>
        typeof authMetadata?.[key] === 'string'
          ? (authMetadata[key] as string)
          : undefined;
      const authProvider =
        metadataString(AUTH_PROVIDER_KEY) ??
        c.getOptionalString('authProvider');
      if (
        !authProvider ||
        !(SUPPORTED_AUTH_PROVIDERS as readonly string[]).includes(authProvider)
      ) {
        logger.warn(
          `Kubernetes cluster '${name}' uses auth provider '${
            authProvider ?? '(none)'
          }', which is not supported for live state; supported: ${SUPPORTED_AUTH_PROVIDERS.join(
            ', ',
          )}. It is skipped.`,
        );
        continue;
      }
      const configuredToken =
        metadataString('serviceAccountToken') ??
        c.getOptionalString('serviceAccountToken');
      const caData = c.getOptionalString('caData');
      const caFile = c.getOptionalString('caFile');
      const usesMountedToken =
        authProvider === 'serviceAccount' && !configuredToken;
      add({
        name,
        url: c.getString('url').replace(/\/+$/, ''),
        authProvider,
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
        getCa: createCaReader({ caData, caFile, usesMountedToken, tokenPath }),
        getBearerToken: async () => {
          if (authProvider === 'anonymous') return undefined;
          if (configuredToken) return configuredToken;
          return (await readFile(tokenPath, 'utf8')).trim();
        },
      });
    }
  }
  return clusters;
}

function createCaReader(options: {
  caData?: string;
  caFile?: string;
  usesMountedToken: boolean;
  tokenPath: string;
}): () => Promise<string | undefined> {
  const { caData, caFile, usesMountedToken, tokenPath } = options;
  let cached: Promise<string | undefined> | undefined;
  return () => {
    if (!cached) {
      cached = (async () => {
        if (caData) return Buffer.from(caData, 'base64').toString('utf8');
        if (caFile) return readFile(caFile, 'utf8');
        if (usesMountedToken) {
          // In a pod, the cluster's CA is mounted next to the token.
          return readFile(join(dirname(tokenPath), 'ca.crt'), 'utf8').catch(
            () => undefined,
          );
        }
        return undefined;
      })();
    }
    return cached;
  };
}
