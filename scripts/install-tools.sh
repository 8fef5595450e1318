#!/usr/bin/env bash
# Installs every tool the lab's build and tests need, pinned, from crates.io, npm and Debian only.
# Idempotent: each step is skipped when the exact version is already present.
# Usage: scripts/install-tools.sh [--browser]
#   (no flag)   the wasm target, trunk, wasm-bindgen-cli, wasm-opt (npm) — enough to build the site
#   --browser   also Chromium + ChromeDriver (Debian) and playwright-core (npm) for browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# Must equal the wasm-bindgen crate in Cargo.lock (pinned with `=` in Cargo.toml).
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock 2>/dev/null || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) browser=1 ;;
    *) echo "install-tools: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m[install-tools]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (a cold build takes ~12 min on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (~4 min cold)"
  # Not --locked: its lock file names a crate version the registry here lacks (TOOLCHAIN.md).
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# npm: wasm-opt (binaryen), playwright-core, axe-core — versions pinned in package-lock.json.
if [ ! -x node_modules/.bin/wasm-opt ] || ! npm ls --silent >/dev/null 2>&1; then
  say "installing npm packages for wasm-opt and the end-to-end tests"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Trunk runs cargo offline (Trunk.toml): have every crate of Cargo.lock on disk first.
cargo fetch --locked --quiet

if [ "$browser" = 1 ]; then
  # Browser tests need Chromium; the bridge tests need real clients (curl, python3).
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v curl >/dev/null || missing+=(curl)
  command -v python3 >/dev/null || missing+=(python3)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
say "tools ready: trunk $(trunk --version | awk '{print $2}'), wasm-bindgen $(wasm-bindgen --version | awk '{print $2}'), $(node_modules/.bin/wasm-opt --version)"
