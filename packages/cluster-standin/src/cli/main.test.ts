import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDemoRepository } from '../__testUtils__/demoRepository';
import { runStandinCli } from './main';

const CONFIG = resolve(__dirname, '../../../../examples/standin/config.yaml');

function io(env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      out: (s: string) => out.push(s),
      err: (s: string) => err.push(s),
      env,
    },
  };
}

describe('cluster-standin command', () => {
  it('refuses to start without a token', async () => {
    const t = io({});
    const result = await runStandinCli(
      ['--repository', '.', '--config', CONFIG],
      t.io,
    );
    expect(result).toEqual({ exitCode: 2 });
    expect(t.err.join('')).toContain('STAGECRAFT_STANDIN_TOKEN');
  });

  it('rejects unknown options and a missing repository', async () => {
    const unknown = io({ STAGECRAFT_STANDIN_TOKEN: 't' });
    expect((await runStandinCli(['--nope'], unknown.io)).exitCode).toBe(2);
    expect(unknown.err.join('')).toContain('unknown option --nope');
    const missing = io({ STAGECRAFT_STANDIN_TOKEN: 't' });
    expect(
      (await runStandinCli(['--config', CONFIG], missing.io)).exitCode,
    ).toBe(2);
  });

  it('starts from the example config, prints the cluster URLs and writes the CA file', async () => {
    const repo = createDemoRepository();
    const dir = mkdtempSync(join(tmpdir(), 'standin-cli-'));
    const t = io({ STAGECRAFT_STANDIN_TOKEN: 'cli-token' });
    const { exitCode, standin } = await runStandinCli(
      [
        '--repository',
        repo.dir,
        '--config',
        CONFIG,
        '--port',
        '0',
        '--ca-file',
        join(dir, 'ca.pem'),
      ],
      t.io,
    );
    try {
      expect(exitCode).toBe(0);
      const printed = t.out.join('');
      expect(printed).toContain(`${standin!.url}/clusters/nonprod`);
      expect(printed).toContain(`${standin!.url}/clusters/prod`);
      expect(printed).toContain('not a Kubernetes');
      expect(printed).not.toContain('cli-token');
      expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toBe(
        standin!.caCertificate,
      );
      const res = await fetch(
        `${standin!.clusterUrl(
          'prod',
        )}/apis/apps/v1/namespaces/craftista-prod/deployments`,
        {
          headers: { Authorization: 'Bearer cli-token' },
        },
      );
      expect((await res.json()).items).toHaveLength(4);
    } finally {
      await standin?.close();
      repo.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
