#!/usr/bin/env bash
# Makes sure a Chromium for the browser tests (playwright.config.ts) is installed: uses
# $CHROMIUM_PATH, /usr/bin/chromium or `chromium` on the PATH, else installs Debian's package.
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ]; then
  if [ -x "$CHROMIUM_PATH" ]; then
    echo "Chromium for the browser tests: $CHROMIUM_PATH ($("$CHROMIUM_PATH" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
  fi
  echo "install-chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file." >&2
  exit 1
fi

find_chromium() {
  local candidate
  for candidate in /usr/bin/chromium "$(command -v chromium 2>/dev/null || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if chromium="$(find_chromium)"; then
  echo "Chromium for the browser tests: $chromium ($("$chromium" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

fail() {
  echo "install-chromium: $*" >&2
  echo "install-chromium: install Chromium yourself (e.g. 'apt-get install chromium') or set CHROMIUM_PATH to a Chromium or Chrome binary." >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "Chromium is not installed and there is no apt-get to install it with."

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  fail "Chromium is not installed, and installing it needs root (no sudo found)."
fi

echo "Chromium is not installed; installing Debian's chromium package…"
export DEBIAN_FRONTEND=noninteractive
# Package lists may be missing (e.g. in slim images): update, then try again.
if ! "${sudo[@]}" apt-get install -y chromium; then
  "${sudo[@]}" apt-get update || fail "apt-get update failed."
  "${sudo[@]}" apt-get install -y chromium || fail "apt-get install chromium failed."
fi

chromium="$(find_chromium)" || fail "apt-get finished, but no chromium binary was found."
echo "Chromium for the browser tests: $chromium ($("$chromium" --version 2>/dev/null || echo 'version unknown'))"
