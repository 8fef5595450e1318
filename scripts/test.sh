#!/usr/bin/env bash
# Runs every test of the lab, installing whatever is missing first (scripts/install-tools.sh):
# formatting and lints, the native tests, the wasm tests in headless Chromium, the release site
# build, and the end-to-end tests against that site. Ends with one line: "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never

started=$(date +%s)
logs=$(mktemp -d)
passed=0
failed=0

step() {
  local name=$1; shift
  local t0; t0=$(date +%s)
  printf '\n\033[1m== %s\033[0m  (%s)\n' "$name" "$*"
  if "$@" 2>&1 | tee "$logs/step.log"; then
    printf '\033[1m== %s: ok in %ss\033[0m\n' "$name" $(( $(date +%s) - t0 ))
  else
    printf '\033[1;31m== %s: FAILED after %ss\033[0m\n' "$name" $(( $(date +%s) - t0 ))
    count "$logs/step.log"
    echo "tests: $passed passed, $(( failed > 0 ? failed : 1 )) failed"
    exit 1
  fi
  count "$logs/step.log"
}

# Adds up what cargo test ("test result: ok. N passed; M failed") and node --test ("# pass N",
# "# fail N") reported.
count() {
  local p f
  p=$(sed -n -E 's/^test result: [a-zA-Z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\1/p; s/^# pass ([0-9]+)$/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
  f=$(sed -n -E 's/^test result: [a-zA-Z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\2/p; s/^# fail ([0-9]+)$/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
  passed=$(( passed + p ))
  failed=$(( failed + f ))
}

host=$(rustc -vV | sed -n 's/^host: //p')
no_web_stack_on_host() {
  # The web stack belongs to the wasm32 target only (Cargo.toml); the host build must not see it.
  local tree web
  tree=$(cargo tree --locked --target "$host" -e normal,build,dev --prefix none) || return 1
  web=$(grep -E '^(yew|web-sys|gloo|js-sys|wasm-bindgen) ' <<<"$tree" | sort -u || true)
  if [ -n "$web" ]; then
    echo "the host build compiles web crates: $web"; return 1
  fi
  echo "the host build has no yew, web-sys, gloo, js-sys or wasm-bindgen ($(sort -u <<<"$tree" | wc -l) crates)"
}

step "tools" scripts/install-tools.sh --browser
step "format" cargo fmt --all -- --check
step "lints (host)" cargo clippy --locked --all-targets -- -D warnings
step "lints (wasm32)" cargo clippy --locked --target wasm32-unknown-unknown --all-targets -- -D warnings
step "docs (broken links are errors)" env RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps --quiet
step "host build has no web stack" no_web_stack_on_host
step "native tests" cargo test --locked --tests
step "browser tests (wasm-bindgen-test, headless Chromium)" \
  env CHROMEDRIVER=/usr/bin/chromedriver cargo test --locked --target wasm32-unknown-unknown --test web
step "release site (trunk)" trunk build --release
step "end-to-end tests (playwright-core, headless Chromium)" node --test tests/e2e/

echo
echo "All steps passed in $(( $(date +%s) - started ))s; screenshots in artifacts/."
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
