#!/usr/bin/env bash
# Runs the Yarn release committed in .yarn/releases, so no global yarn (or corepack) is needed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" != 22 ] && [ "$node_major" != 24 ]; then
  echo "Stagecraft needs Node.js 22 or 24 (Backstage 1.55 supports those); found: $(node --version 2>/dev/null || echo none). ./scripts/start.sh and ./scripts/test.sh fetch one; or: source scripts/lib/node.sh && stagecraft_use_node" >&2
  exit 1
fi
exec node "$root/.yarn/releases/$(ls "$root/.yarn/releases" | grep -m1 '^yarn-.*\.cjs$')" "$@"
