/*
 * Starts the real backend (src/index.ts) with app-config.yaml + app-config.production.yaml against
 * the PostgreSQL and Redis of this machine, and checks that it serves the catalog and the
 * environments plugin. It fails, saying what is missing, when either service is not there.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

jest.setTimeout(180_000);

const postgres = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const redis = { host: '127.0.0.1', port: 6379 };
const repoRoot = path.resolve(__dirname, '../../..');
const token = `test-${Math.random().toString(36).slice(2)}`;
const prefix = `stagecraft_test_${process.pid}_`;

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

async function poll<T>(
  what: string,
  timeoutMs: number,
  attempt: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await attempt();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`Timed out waiting for ${what}: ${lastError ?? 'no answer'}`);
}

async function dropTestDatabases() {
  const client = new Client({ ...postgres, database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

describe('backend with the production configuration', () => {
  let backend: ChildProcess | undefined;
  let baseUrl: string;
  let output = '';
  let configDir: string;

  beforeAll(async () => {
    const missing = [
      !(await reachable(postgres.host, postgres.port)) &&
        `PostgreSQL at ${postgres.host}:${postgres.port}`,
      !(await reachable(redis.host, redis.port)) &&
        `Redis at ${redis.host}:${redis.port}`,
    ].filter(Boolean);
    if (missing.length) {
      throw new Error(
        `This test needs ${missing.join(
          ' and ',
        )}, which did not answer. Start them (see README, "Tests") and run again.`,
      );
    }

    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-prod-test-'));
    const testConfig = path.join(configDir, 'app-config.test.yaml');
    // Only what a test run needs on top of the production file: its own port, its own
    // databases, and a static token to call the API without a sign-in provider.
    fs.writeFileSync(
      testConfig,
      [
        'backend:',
        `  baseUrl: ${baseUrl}`,
        `  listen: { port: ${port}, host: 127.0.0.1 }`,
        `  database: { prefix: ${prefix} }`,
        '  auth:',
        '    externalAccess:',
        '      - type: static',
        '        options:',
        '          token: ${TEST_STATIC_TOKEN}',
        '          subject: production-config-test',
      ].join('\n'),
    );

    backend = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        'src/index.ts',
        '--config',
        path.join(repoRoot, 'app-config.yaml'),
        '--config',
        path.join(repoRoot, 'app-config.production.yaml'),
        '--config',
        testConfig,
      ],
      {
        cwd: path.resolve(__dirname, '..'),
        env: {
          ...process.env,
          NODE_ENV: 'production',
          POSTGRES_HOST: postgres.host,
          POSTGRES_PORT: String(postgres.port),
          POSTGRES_USER: postgres.user,
          POSTGRES_PASSWORD: 'unused-with-trust-auth',
          REDIS_URL: `redis://${redis.host}:${redis.port}`,
          TEST_STATIC_TOKEN: token,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    backend.stdout!.on('data', d => (output += d));
    backend.stderr!.on('data', d => (output += d));

    await poll('the backend to be ready', 120_000, async () => {
      if (backend!.exitCode !== null) {
        throw new Error(`backend exited with ${backend!.exitCode}:\n${output}`);
      }
      const res = await fetch(`${baseUrl}/.backstage/health/v1/readiness`);
      return res.ok ? true : undefined;
    }).catch(error => {
      throw new Error(
        `${error.message}\n--- backend output ---\n${output.slice(-4000)}`,
      );
    });
  });

  afterAll(async () => {
    if (backend && backend.exitCode === null) {
      const exited = new Promise(r => backend!.once('exit', r));
      backend.kill('SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 10_000))]);
      backend.kill('SIGKILL');
    }
    if (configDir) {
      fs.rmSync(configDir, { recursive: true, force: true });
    }
    await dropTestDatabases().catch(() => undefined);
  });

  const auth = () => ({ Authorization: `Bearer ${token}` });

  it('keeps its data in PostgreSQL', async () => {
    const client = new Client({ ...postgres, database: 'postgres' });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname',
        [`${prefix}%`],
      );
      expect(rows.map(r => r.datname)).toEqual(
        expect.arrayContaining([`${prefix}catalog`]),
      );
    } finally {
      await client.end();
    }
  });

  it('serves the catalog, with this repository’s own entity', async () => {
    const entity = await poll(
      'the catalog to ingest catalog-info.yaml',
      60_000,
      async () => {
        const res = await fetch(
          `${baseUrl}/api/catalog/entities/by-name/component/default/stagecraft`,
          { headers: auth() },
        );
        return res.ok ? res.json() : undefined;
      },
    );
    expect(entity.metadata.title).toBe('Stagecraft');

    const list = await fetch(`${baseUrl}/api/catalog/entities?limit=5`, {
      headers: auth(),
    });
    expect(list.status).toBe(200);
  });

  it('runs the environments plugin', async () => {
    const res = await fetch(
      `${baseUrl}/api/environments/entities/component/default/stagecraft`,
      { headers: auth() },
    );
    // The repository's own entity has no environments annotation: the plugin says which to add.
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.error.message).toContain('stagecraft.io/gitops-location');

    const unauthenticated = await fetch(
      `${baseUrl}/api/environments/entities/component/default/stagecraft`,
    );
    expect(unauthenticated.status).toBe(401);
  });

  it('refuses guest sign-in', async () => {
    const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    expect(res.ok).toBe(false);
  });
});
