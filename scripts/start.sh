#!/usr/bin/env bash
# Installs the dependencies and starts the demo portal (frontend http://localhost:3000, backend :7007).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/yarn.sh install
exec scripts/yarn.sh start "$@"
