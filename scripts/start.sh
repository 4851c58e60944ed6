#!/usr/bin/env bash
# Installs the dependencies and starts the demo portal (frontend http://localhost:3000, backend :7007).
# On a machine whose Node.js is older than 22 it fetches Node.js 22 first (scripts/lib/node.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/node.sh
source scripts/lib/prerequisites.sh
stagecraft_use_node
stagecraft_check_prerequisites
scripts/yarn.sh install
exec scripts/yarn.sh start "$@"
