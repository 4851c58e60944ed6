#!/usr/bin/env node
/*
 * The demo: the cluster stand-in (packages/cluster-standin, a stand-in for the demo's Kubernetes
 * clusters) and the portal (`backstage-cli repo start`), sharing a service-account token made
 * for this run. Ctrl-C stops both.
 *
 * Optional environment variables (the browser tests use them to run a second, isolated demo):
 *   STAGECRAFT_DEMO_DIR      where the demo git repository lives (default .stagecraft/demo-gitops)
 *   STAGECRAFT_DATA_DIR      where the backend keeps its SQLite files and Git mirrors (default
 *                            .stagecraft/data, or `data` beside STAGECRAFT_DEMO_DIR when that is set)
 *   STAGECRAFT_STANDIN_PORT  the cluster stand-in's port (default 7100)
 *   STAGECRAFT_APP_PORT      the frontend dev server's port (default: app.baseUrl, 3000)
 *   STAGECRAFT_BACKEND_PORT  the backend's port (default: backend.baseUrl, 7007)
 *   STAGECRAFT_DEMO_WATCH=0  run the backend once, without restarting it when sources change
 *                            (the frontend dev server still rebuilds)
 * The ports and folder set the matching Backstage config through APP_CONFIG_* variables;
 * unset, nothing changes.
 */
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const watch = process.env.STAGECRAFT_DEMO_WATCH !== '0';
const token =
  process.env.STAGECRAFT_STANDIN_TOKEN ||
  crypto.randomBytes(24).toString('hex');
const port = process.env.STAGECRAFT_STANDIN_PORT || '7100';
const demoDir = path.resolve(
  root,
  process.env.STAGECRAFT_DEMO_DIR || '.stagecraft/demo-gitops',
);

// Backstage config overrides: APP_CONFIG_* values are parsed as JSON when they parse, else strings.
const config = {};
if (process.env.STAGECRAFT_DEMO_DIR) {
  config.APP_CONFIG_stagecraftDemo_gitops_target = demoDir;
  config.APP_CONFIG_environments_repositories_demo_url = demoDir;
}
if (process.env.STAGECRAFT_DATA_DIR || process.env.STAGECRAFT_DEMO_DIR) {
  // A second, isolated demo (the browser tests) keeps its data apart from the developer's.
  const dataDir = path.resolve(
    root,
    process.env.STAGECRAFT_DATA_DIR || path.join(path.dirname(demoDir), 'data'),
  );
  config.APP_CONFIG_backend_database_connection_directory = dataDir;
  config.APP_CONFIG_environments_dataDir = path.join(dataDir, 'environments');
}
if (process.env.STAGECRAFT_APP_PORT) {
  const appUrl = `http://localhost:${process.env.STAGECRAFT_APP_PORT}`;
  config.APP_CONFIG_app_baseUrl = appUrl;
  config.APP_CONFIG_backend_cors_origin = appUrl;
}
if (process.env.STAGECRAFT_BACKEND_PORT) {
  config.APP_CONFIG_backend_baseUrl = `http://localhost:${process.env.STAGECRAFT_BACKEND_PORT}`;
  config.APP_CONFIG_backend_listen_port = process.env.STAGECRAFT_BACKEND_PORT;
}
if (port !== '7100') {
  // app-config.yaml names the stand-in at 127.0.0.1:7100; env config is not substituted,
  // so the token goes in as it is.
  config.APP_CONFIG_kubernetes_clusterLocatorMethods = JSON.stringify([
    {
      type: 'config',
      clusters: ['nonprod', 'prod'].map(name => ({
        name,
        url: `http://127.0.0.1:${port}/clusters/${name}`,
        authProvider: 'serviceAccount',
        serviceAccountToken: token,
        skipMetricsLookup: true,
      })),
    },
  ]);
}

const env = {
  ...config,
  ...process.env, // explicit APP_CONFIG_* variables win
  // A fresh token for each run: nothing secret is written down.
  STAGECRAFT_STANDIN_TOKEN: token,
};

const children = [
  spawn(
    process.execPath,
    [
      path.join(root, 'packages/cluster-standin/bin/cluster-standin'),
      '--repository',
      demoDir,
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
      ...(watch ? [] : ['app']),
      ...process.argv.slice(2),
    ],
    { cwd: root, env, stdio: 'inherit' },
  ),
];
if (!watch) {
  // What `backstage-cli package start` runs for the backend, minus its file watcher.
  children.push(
    spawn(
      process.execPath,
      [
        '--enable-source-maps',
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs', {
          paths: [root],
        }),
        'src/index.ts',
      ],
      {
        cwd: path.join(root, 'packages/backend'),
        env: {
          NODE_ENV: 'development',
          ESBK_TSCONFIG_PATH: path.join(root, 'tsconfig.json'),
          ...env,
        },
        stdio: 'inherit',
      },
    ),
  );
}

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
