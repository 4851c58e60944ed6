#!/usr/bin/env bash
# Installs the dependencies exactly as locked and runs every check: types, lint, formatting, all package tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CI=true
scripts/yarn.sh install --immutable
scripts/yarn.sh test:ci
