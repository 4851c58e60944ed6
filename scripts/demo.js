#!/usr/bin/env node
/*
 * The demo: the cluster stand-in (packages/cluster-standin, a stand-in for the demo's Kubernetes
 * clusters) and the portal (`backstage-cli repo start`), sharing a service-account token made
 * for this run. Ctrl-C stops both.
 */
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const env = {
  ...process.env,
  // A fresh token for each run: nothing secret is written down.
  STAGECRAFT_STANDIN_TOKEN:
    process.env.STAGECRAFT_STANDIN_TOKEN ||
    crypto.randomBytes(24).toString('hex'),
};
const port = process.env.STAGECRAFT_STANDIN_PORT || '7100';

const children = [
  spawn(
    process.execPath,
    [
      path.join(root, 'packages/cluster-standin/bin/cluster-standin'),
      '--repository',
      path.join(root, '.stagecraft/demo-gitops'),
      '--config',
      path.join(root, 'examples/standin/config.yaml'),
      '--port',
      port,
    ],
    { cwd: root, env, stdio: 'inherit' },
  ),
  spawn(
    process.execPath,
    [
      require.resolve('@backstage/cli/bin/backstage-cli', { paths: [root] }),
      'repo',
      'start',
      ...process.argv.slice(2),
    ],
    { cwd: root, env, stdio: 'inherit' },
  ),
];

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  setTimeout(() => process.exit(code), 500).unref();
}
for (const child of children) {
  child.on('exit', code => stop(code ?? 1));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
