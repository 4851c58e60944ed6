/*
 * Fault injection with real processes (run by promotionCrash.sqlite.test.ts and
 * promotionCrash.postgres.test.ts, in parallel): the real backend (crashBackend.ts) on a SQLite
 * file or on this machine's PostgreSQL, a real plain-git repository. At each step of a promotion's life the
 * backend is killed with SIGKILL (crashPoint.ts), then restarted; after reconciliation the record
 * must say what Git says, no branch may lack a record, and at most one promotion per entity and
 * target may be open. Every step runs three times on each database.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { createDemoGitRepository } from '../demoGitRepository';

const ROUNDS = Number(process.env.STAGECRAFT_CRASH_ROUNDS ?? 3);
const token = `crash-test-${Math.random().toString(36).slice(2)}`;
const stagingOverlay =
  'craftista/catalogue/overlays/staging/kustomization.yaml';
const entityPath = '/api/environments/entities/component/default/catalogue';
const postgres = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const pgDatabasePrefix = `stagecraft_crash_${process.pid}_`;

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
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      if ((error as Error).name === 'BackendExited') throw error;
      last = error;
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`Timed out waiting for ${what}: ${last ?? 'no answer'}`);
}

type Harness = {
  url: string;
  call: (method: string, p: string, body?: unknown) => Promise<Response>;
  start: () => Promise<void>;
  crashAt: (step: string) => void;
  waitForDeath: () => Promise<void>;
  stop: () => Promise<void>;
  output: () => string;
};

async function createHarness(
  dir: string,
  originUrl: string,
  database: 'sqlite' | 'postgres',
): Promise<Harness> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const crashFile = path.join(dir, 'crash-at');
  const configFile = path.join(dir, 'app-config.yaml');
  const databaseConfig =
    database === 'sqlite'
      ? {
          client: 'better-sqlite3',
          connection: { directory: path.join(dir, 'data') },
        }
      : {
          client: 'pg',
          connection: postgres,
          prefix: pgDatabasePrefix,
        };
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      backend: {
        baseUrl: url,
        listen: { port, host: '127.0.0.1' },
        database: databaseConfig,
        auth: {
          externalAccess: [
            { type: 'static', options: { token, subject: 'crash-test' } },
          ],
        },
      },
      environments: {
        dataDir: path.join(dir, 'environments'),
        repositories: {
          demo: { url: originUrl, allowMerge: true, refreshInterval: '0s' },
        },
        refreshInterval: { minutes: 10 },
        promotions: {
          leaseTimeout: { seconds: 2 },
          trackingInterval: { seconds: 1 },
          trackingTimeout: { seconds: 5 },
          syncTimeout: { seconds: 1 },
        },
      },
    }),
  );
  let child: ChildProcess | undefined;
  let output = '';
  let exited: Promise<void> = Promise.resolve();

  const harness: Harness = {
    url,
    output: () => output,
    call: (method, p, body) =>
      fetch(`${url}${p}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    async start() {
      child = spawn(
        process.execPath,
        [
          '--require',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
          path.join(__dirname, 'crashBackend.ts'),
          '--config',
          configFile,
        ],
        {
          // Inside the package: Backstage looks for the package.json above it.
          cwd: path.resolve(__dirname, '../../..'),
          env: {
            ...process.env,
            NODE_ENV: 'production',
            STAGECRAFT_CRASH_FILE: crashFile,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const proc = child;
      proc.stdout!.on('data', d => {
        output += d;
        if (process.env.STAGECRAFT_CRASH_LOG)
          fs.appendFileSync(process.env.STAGECRAFT_CRASH_LOG, d);
      });
      proc.stderr!.on('data', d => (output += d));
      exited = new Promise(resolve => proc.once('exit', () => resolve()));
      await poll('the backend to be ready', 90_000, async () => {
        if (proc.exitCode !== null || proc.signalCode !== null) {
          const error = new Error(`backend exited:\n${output.slice(-3000)}`);
          error.name = 'BackendExited';
          throw error;
        }
        const res = await fetch(`${url}/.backstage/health/v1/readiness`);
        return res.ok ? true : undefined;
      });
    },
    crashAt(step) {
      fs.writeFileSync(crashFile, step);
    },
    async waitForDeath() {
      await Promise.race([
        exited,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('backend did not die')), 30_000),
        ),
      ]);
      expect(child!.signalCode).toBe('SIGKILL');
    },
    async stop() {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  return harness;
}

async function dropPostgresDatabases() {
  const knex = knexFactory({
    client: 'pg',
    connection: { ...postgres, database: 'postgres' },
  });
  try {
    const { rows } = await knex.raw(
      'SELECT datname FROM pg_database WHERE datname LIKE ?',
      [`${pgDatabasePrefix}%`],
    );
    for (const { datname } of rows) {
      await knex.raw(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await knex.destroy();
  }
}

/**
 * The scenario on one database: `setUp` starts the backend, `run` plays ROUNDS rounds of four
 * crashes (asserting as it goes), `tearDown` stops and removes everything.
 */
export function createCrashScenario(database: 'sqlite' | 'postgres') {
  let gitops: ReturnType<typeof createDemoGitRepository>;
  let dir: string;
  let backend: Harness;

  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: gitops.url }).toString().trim();
  const branches = () =>
    git('for-each-ref', '--format=%(refname:short)', 'refs/heads/stagecraft/')
      .split('\n')
      .filter(Boolean);
  const onMain = (id: string) =>
    git(
      'log',
      '--format=%H',
      '--fixed-strings',
      `--grep=Stagecraft-Promotion: ${id}`,
      'main',
    );

  async function promotions(): Promise<any[]> {
    const res = await backend.call(
      'GET',
      `${entityPath}/promotions?environment=staging`,
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    return body.items.filter((i: any) => i.kind === 'promotion');
  }

  async function stateOf(id: string): Promise<string> {
    const res = await backend.call('GET', `/api/environments/promotions/${id}`);
    expect(res.status).toBe(200);
    return (await res.json()).state;
  }

  /** Waits until the record of `id` reaches one of `states` (reconciliation after the lease). */
  function settle(id: string, states: string[], timeoutMs = 30_000) {
    let seen = '';
    return poll(
      `promotion ${id} to be ${states.join(' or ')}`,
      timeoutMs,
      async () => {
        seen = await stateOf(id);
        return states.includes(seen) ? seen : undefined;
      },
    ).catch(error => {
      throw new Error(
        `${error.message} (it is ${seen})\n--- backend ---\n${backend
          .output()
          .slice(-3000)}`,
      );
    });
  }

  /** The invariants that hold whatever happened: no branch without a record, one open promotion. */
  async function expectAgreement() {
    const records = await promotions();
    for (const branch of branches()) {
      const suffix = branch.slice(-8);
      expect(records.some(r => r.id.startsWith(suffix))).toBe(true);
    }
    const open = records.filter(r =>
      ['planned', 'pending-review', 'merged', 'syncing'].includes(r.state),
    );
    expect(open.length).toBeLessThanOrEqual(1);
  }

  /** A rollback of staging to another tag: no cluster gate applies, the change is real. */
  async function rollbackRequest(tag: string) {
    const matrix = await (await backend.call('GET', entityPath)).json();
    const staging = matrix.environments.find((e: any) => e.name === 'staging');
    return {
      from: 'staging',
      to: 'staging',
      version: {
        images: staging.version.images.map((i: any) => ({ ...i, tag })),
      },
    };
  }

  let kills = 0;
  async function restart() {
    await backend.waitForDeath();
    kills++;
    await backend.start();
  }

  async function setUp() {
    if (database === 'postgres') {
      await dropPostgresDatabases().catch(() => undefined);
    }
    gitops = createDemoGitRepository();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-crash-'));
    backend = await createHarness(dir, gitops.url, database);
    await backend.start();
  }

  async function tearDown() {
    await backend?.stop();
    gitops?.remove();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    if (database === 'postgres') {
      await dropPostgresDatabases().catch(() => undefined);
    }
  }

  async function run() {
    const original = fs.readFileSync(path.join(gitops.url, stagingOverlay));
    for (let round = 0; round < ROUNDS; round++) {
      const tag = `1.3.${round + 10}`;

      // 1. Killed after the record is written, before anything is pushed.
      backend.crashAt('record-written');
      await backend
        .call('POST', `${entityPath}/promotions`, await rollbackRequest(tag))
        .catch(() => undefined);
      await restart();
      const [first] = await promotions();
      expect(await settle(first.id, ['failed'])).toBe('failed');
      expect(branches()).toEqual([]);
      expect(onMain(first.id)).toBe('');
      await expectAgreement();

      // 2. Killed after the branch is pushed, before the record says so.
      backend.crashAt('change-pushed');
      await backend
        .call('POST', `${entityPath}/promotions`, await rollbackRequest(tag))
        .catch(() => undefined);
      await restart();
      const [second] = await promotions();
      expect(second.id).not.toBe(first.id);
      expect(await settle(second.id, ['pending-review'])).toBe(
        'pending-review',
      );
      expect(branches()).toHaveLength(1);
      await expectAgreement();
      // The slot is taken: a second promotion for staging is refused.
      const refused = await backend.call(
        'POST',
        `${entityPath}/promotions`,
        await rollbackRequest(tag),
      );
      expect(refused.status).toBe(409);

      // 3. Killed after the merge reached Git, before the record says so.
      backend.crashAt('merged');
      await backend
        .call('POST', `/api/environments/promotions/${second.id}/merge`)
        .catch(() => undefined);
      await restart();
      // Merged, then followed (no cluster here: it times out as failed, never cancelled).
      const merged = await settle(second.id, ['merged', 'syncing', 'failed']);
      expect(merged).not.toBe('cancelled');
      expect(onMain(second.id)).not.toBe('');
      expect(branches()).toEqual([]);
      // The tracker follows it on (a replica killed mid-round holds it for trackingTimeout).
      await settle(second.id, ['failed'], 60_000);
      await expectAgreement();

      // 4. Killed while cancelling, after the branch was deleted.
      fs.writeFileSync(path.join(gitops.url, stagingOverlay), original);
      git(
        '-c',
        'user.name=T',
        '-c',
        'user.email=t@example.com',
        'commit',
        '-qam',
        `reset ${round}`,
      );
      const third = await backend.call(
        'POST',
        `${entityPath}/promotions`,
        await rollbackRequest(tag),
      );
      expect(third.status).toBe(201);
      const { id: thirdId } = await third.json();
      backend.crashAt('change-closed');
      await backend
        .call('POST', `/api/environments/promotions/${thirdId}/cancel`)
        .catch(() => undefined);
      await restart();
      expect(await settle(thirdId, ['cancelled'])).toBe('cancelled');
      expect(branches()).toEqual([]);
      expect(onMain(thirdId)).toBe('');
      await expectAgreement();
    }
    return { kills };
  }

  return { setUp, tearDown, run, rounds: ROUNDS };
}
