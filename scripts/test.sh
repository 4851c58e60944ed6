#!/usr/bin/env bash
# Installs the dependencies exactly as locked and runs every check: types, lint, formatting, all package tests.
# On a machine whose Node.js is older than 22 it fetches Node.js 22 first (scripts/lib/node.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/node.sh
source scripts/lib/prerequisites.sh
stagecraft_use_node
stagecraft_check_prerequisites kubectl
export CI=true
scripts/yarn.sh install --immutable
scripts/yarn.sh test:ci
