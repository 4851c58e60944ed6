import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import os from 'node:os';
import path from 'node:path';
import { PlainGitRepository } from './PlainGitRepository';
import { GitRepository } from './types';

/**
 * The plain-git repositories of `environments.repositories`, by name.
 *
 * @public
 */
export function readGitRepositories(options: {
  config: RootConfigService;
  logger: LoggerService;
}): Map<string, GitRepository> {
  const { config, logger } = options;
  const cacheDir =
    config.getOptionalString('environments.cacheDirectory') ??
    path.join(dataDirectoryOf(config), 'git');
  const instanceKey = config.getOptionalString('backend.baseUrl') ?? '';

  const repositories = new Map<string, GitRepository>();
  const section = config.getOptionalConfig('environments.repositories');
  for (const name of section?.keys() ?? []) {
    const entry = section!.getConfig(name);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
      throw new InputError(
        `environments.repositories.${name}: a repository name may hold letters, digits, '.', '_' and '-' only`,
      );
    }
    repositories.set(
      name,
      new PlainGitRepository({
        name,
        url: entry.getString('url'),
        branch: entry.getOptionalString('branch'),
        refreshIntervalMs: entry.has('refreshInterval')
          ? durationToMilliseconds(
              readDurationFromConfig(entry, { key: 'refreshInterval' }),
            )
          : undefined,
        allowMerge: entry.getOptionalBoolean('allowMerge'),
        cacheDir,
        instanceKey,
        logger: logger.child({ repository: name }),
      }),
    );
  }
  return repositories;
}

/**
 * Where the plugin keeps what it needs across restarts (Git mirrors): `environments.dataDir`,
 * else `stagecraft-environments` under `backend.workingDirectory`, else under the OS temp folder.
 * Relative paths are relative to the backend's working directory.
 *
 * @public
 */
export function dataDirectoryOf(config: RootConfigService): string {
  const configured = config.getOptionalString('environments.dataDir');
  if (configured) {
    return path.resolve(configured);
  }
  return path.join(
    config.getOptionalString('backend.workingDirectory') ?? os.tmpdir(),
    'stagecraft-environments',
  );
}
