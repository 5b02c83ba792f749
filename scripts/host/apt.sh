#!/usr/bin/env bash
# Installs the Debian packages the VS Code hosts need, only those missing.
#   build-essential python3 pkg-config libkrb5-dev: code-server's native modules (node-pty, kerberos, argon2...)
#   ripgrep: seeds @vscode/ripgrep's download (GitHub is unreachable here); chromium: the browser Playwright drives
#   git: the tests make git repositories (tracking checks, the GitHub secrets suites and flows)
# usage: apt.sh [--no-browser]   (--no-browser: leave chromium out, for `npm start`)
set -euo pipefail
PKGS=(build-essential python3 pkg-config libkrb5-dev ripgrep git curl ca-certificates)
[ "${1:-}" = --no-browser ] || PKGS+=(chromium)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then echo "apt: all present"; exit 0; fi
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
echo "apt: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
for i in 1 2 3; do
  if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "apt: done"; exit 0
  fi
  echo "apt: attempt $i failed, retrying in 10 s" >&2; sleep 10
done
echo "apt: could not install ${missing[*]}" >&2; exit 1
