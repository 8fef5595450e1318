#!/usr/bin/env bash
# The size floor (#10): builds examples/size_floor.rs — the core as the page uses it, with no UI —
# for wasm32 with the release profile, then wasm-bindgen and wasm-opt as Trunk does for the site
# (index.html's -Oz and params), and prints its gzip size beside the release site's.
# Not a test: a report. `make size` first if dist/ is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
scripts/install-tools.sh >/dev/null
cargo build --quiet --release --target wasm32-unknown-unknown --example size_floor
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name floor \
  target/wasm32-unknown-unknown/release/examples/size_floor.wasm
params=$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html)
# shellcheck disable=SC2086  # the params are separate words
wasm-opt -Oz $params "$out/floor_bg.wasm" -o "$out/floor_opt.wasm"
gz() { gzip -9 -c "$1" | wc -c; }
wasm=$(gz "$out/floor_opt.wasm")
js=$(gz "$out/floor.js")
printf 'floor (core, no UI): wasm %s + JS %s = %s bytes gzip\n' "$wasm" "$js" $((wasm + js))
site=0
for f in dist/maillab-*.wasm dist/maillab-*.js; do
  [ -e "$f" ] && site=$((site + $(gz "$f")))
done
if [ "$site" -gt 0 ]; then
  printf 'release site in dist/ (wasm + JS): %s bytes gzip; the UI and its glue: %s\n' \
    "$site" $((site - wasm - js))
fi
