# Sourced by scripts/start.sh and scripts/test.sh: checks up front what the install and the tests
# need besides Node.js, and says in one line per missing tool what it is for and how to get it.

stagecraft_check_prerequisites() {
  local missing=0 tool
  stagecraft_need() {
    # $1 command, $2 what it is for, $3 how to get it
    if ! command -v "$1" >/dev/null 2>&1; then
      echo "Missing: $1 — $2. $3" >&2
      missing=1
    fi
  }
  stagecraft_need git "the GitOps repositories and the demo" "Debian/Ubuntu: apt-get install git"
  stagecraft_need python3 "node-gyp builds better-sqlite3 (the embedded database)" "Debian/Ubuntu: apt-get install python3"
  stagecraft_need make "node-gyp builds better-sqlite3" "Debian/Ubuntu: apt-get install build-essential"
  stagecraft_need g++ "node-gyp builds better-sqlite3 (a C++ compiler)" "Debian/Ubuntu: apt-get install build-essential"
  for tool in "$@"; do
    case "$tool" in
      kubectl)
        stagecraft_need kubectl "the tests compare our kustomize renders with kubectl kustomize (kustomize v5.5)" \
          "Install kubectl 1.32 or newer (https://kubernetes.io/docs/tasks/tools/); Debian's kubernetes-client is too old"
        ;;
    esac
  done
  unset -f stagecraft_need
  if [ "$missing" = 1 ]; then
    echo "Install what is missing above, then run this command again." >&2
    return 1
  fi
}
