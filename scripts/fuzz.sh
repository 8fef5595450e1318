#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets/) with cargo-fuzz on the nightly toolchain for
# SECONDS each (default 60), seeded from the project's own test data, and prints each target's
# executions and whether it found anything. Findings land in fuzz/artifacts/<target>/; each one
# becomes a regression test. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
command -v cargo-fuzz >/dev/null || cargo +nightly install cargo-fuzz --version 0.13.2 --locked
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(smtp_parsers pop3_parsers imap_command imap_response message loaders servers clients lesson)
fi

# Seeds: the transcripts' client and server lines, the test messages, the scenarios.
seed() {
  local dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  [ -n "$(ls -A "$dir" 2>/dev/null)" ] && return 0
  case "$1" in
    smtp_parsers|pop3_parsers|imap_command|imap_response|clients|servers)
      local proto
      case "$1" in
        smtp_*) proto=smtp ;; pop3_*) proto=pop3 ;; *) proto=imap ;;
      esac
      local i=0
      for f in tests/transcripts/"$proto"/*.txt; do
        i=$((i + 1))
        case "$1" in
          imap_response|clients) sed -n 's/^S: \{0,1\}//p' "$f" | sed 's/{\*}/x/g' | sed 's/$/\r/' > "$dir/seed-$i" ;;
          servers) { printf '\003'; sed -n 's/^C: \{0,1\}//p' "$f" | sed 's/$/\r/'; } > "$dir/seed-$i" ;;
          *) sed -n 's/^C: \{0,1\}//p' "$f" | sed 's/$/\r/' > "$dir/seed-$i" ;;
        esac
      done ;;
    message) cp tests/data/*.eml "$dir/" ;;
    loaders) cp scenarios/*.json tests/scenarios/*.json "$dir/" ;;
    lesson) cp lessons/*.md tests/scenarios/*.md "$dir/" ;;
  esac
}

printf '%-15s %12s %8s  %s\n' target executions seconds result
for t in "${targets[@]}"; do
  seed "$t"
  log="fuzz/logs/$t.log"
  mkdir -p fuzz/logs
  set +e
  (cd fuzz && cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=65536) > "$log" 2>&1
  status=$?
  set -e
  execs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' || echo '?')
  if [ "$status" -eq 0 ]; then result="nothing found"; else result="FOUND something: see $log and fuzz/artifacts/$t/"; fi
  printf '%-15s %12s %8s  %s\n' "$t" "$execs" "$seconds" "$result"
done
