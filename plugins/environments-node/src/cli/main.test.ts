import { spawnSync } from 'child_process';
import * as path from 'path';
import { runCli } from './main';

const PKG = path.resolve(__dirname, '../..');
const FIXTURE = path.join(PKG, 'fixtures/craftista');

function capture() {
  const io = {
    stdout: '',
    stderr: '',
    out: (s: string) => void (io.stdout += s),
    err: (s: string) => void (io.stderr += s),
  };
  return io;
}

describe('environments command line', () => {
  it('prints the table and problems, exit 0', async () => {
    const io = capture();
    expect(await runCli(['scan', FIXTURE], io)).toBe(0);
    expect(io.stdout).toMatch(
      /catalogue \(Deployment\)\s+1\.4\.2-dev x1\s+1\.4\.1 x2\s+1\.3\.9 x3/,
    );
    expect(io.stdout).toContain('No problems.');
  });

  it('limits to a sub-folder with --path', async () => {
    const io = capture();
    expect(
      await runCli(
        [
          'scan',
          FIXTURE,
          '--json',
          '--path',
          'kubernetes/overlays/homelab/dev',
        ],
        io,
      ),
    ).toBe(0);
    expect(
      JSON.parse(io.stdout).environments.map((e: { name: string }) => e.name),
    ).toEqual(['dev']);
  });

  it('fails with 1 for an unreadable dir and 2 for usage errors', async () => {
    const io = capture();
    expect(await runCli(['scan', path.join(PKG, 'no-such-dir')], io)).toBe(1);
    expect(io.stderr).toMatch(/cannot read directory/);
    expect(await runCli(['scan'], capture())).toBe(2);
    expect(await runCli(['frobnicate'], capture())).toBe(2);
    expect(await runCli(['scan', FIXTURE, '--path', '../..'], capture())).toBe(
      2,
    );
  });

  it('runs as a process and prints JSON that parses', () => {
    const res = spawnSync(
      process.execPath,
      [path.join(PKG, 'bin/environments'), 'scan', FIXTURE, '--json'],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const json = JSON.parse(res.stdout);
    expect(json.environments.map((e: { name: string }) => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    expect(json.workloads).toHaveLength(6);
  });
});
