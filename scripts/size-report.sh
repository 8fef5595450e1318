#!/usr/bin/env bash
# Builds the release site and prints the raw and gzip size of each part (wasm, JS, CSS) and the
# total that a browser downloads. Not a test: a report to compare against the budget.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
scripts/install-tools.sh >/dev/null
trunk build --release >/dev/null 2>&1 || trunk build --release
total_raw=0
total_gz=0
printf '%-6s %-40s %10s %10s\n' part file raw gzip
for pattern in '*.wasm' '*.js' '*.css' '*.html'; do
  for f in dist/$pattern; do
    [ -e "$f" ] || continue
    raw=$(stat -c %s "$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + gz))
    printf '%-6s %-40s %10s %10s\n' "${pattern#*.}" "$(basename "$f")" "$raw" "$gz"
  done
done
printf '%-6s %-40s %10s %10s\n' total "" "$total_raw" "$total_gz"
printf 'budget: 300 KB gzip for the whole site; used %s%%\n' $(( total_gz * 100 / 307200 ))
