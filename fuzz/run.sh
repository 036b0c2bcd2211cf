#!/usr/bin/env bash
# Run every fuzz target one after another, each for SECONDS (default 600), one process each,
# without AddressSanitizer by default (the code is safe Rust but for the two unchecked look-ups of
# the cue scan, `CueTable::step` of both tables in src/engine.rs, the word-at-a-time append of label normalisation,
# `push_alphanumeric_run` in src/text.rs, and the SSE2 loads of `high_and_leads` in src/engine.rs:
# `SAN=address fuzz/run.sh …` checks them, with debug assertions on). Logs go to logs/<target>-<stamp>.log; the last
# line of each log ("stat::number_of_executed_units: N") is the count that fuzz/README.md records.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}; shift || true
targets=("$@"); [ ${#targets[@]} -eq 0 ] && targets=(jsonl jsonl_threads clean_default rule_loader clean_rules)
stamp=$(date -u +%Y%m%dT%H%M)
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"; cp -n seeds/$t/* "corpus/$t/" 2>/dev/null || true
  case $t in clean_rules|jsonl|jsonl_threads) len=8192 ;; *) len=16384 ;; esac
  # A multi-threaded run that hangs is a finding: 20 s is far beyond any unit of that target.
  timeout=; [ "$t" = jsonl_threads ] && timeout=-timeout=20
  cargo +nightly fuzz run -s "${SAN:-none}" ${SAN:+-a} "$t" "corpus/$t" -- -max_len=$len -max_total_time="$secs" \
    $timeout -print_final_stats=1 > "logs/$t-$stamp.log" 2>&1 || echo "$t: FAILED, see logs/$t-$stamp.log"
  echo "$t: $(grep -o 'number_of_executed_units: [0-9]*' "logs/$t-$stamp.log" | tail -1)"
done
