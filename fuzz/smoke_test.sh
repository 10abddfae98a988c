#!/usr/bin/env bash
# fuzz/smoke_test.sh — //fuzz:<family>_fuzzer_smoke_test: a short libFuzzer run of
# one harness from its seeds must neither crash nor stall.
#
#   smoke_test.sh FUZZER DICT SEED_DIR [SECONDS]
#
# Passes when the run ends by its time limit (exit 0: no violation, no sanitizer
# report, no timeout) and executed at least one input (stat::number_of_executed_units).
set -euo pipefail

fuzzer=$1 dict=$2 seeds=$3 secs=${4:-8}
tmp=${TEST_TMPDIR:-$(mktemp -d)}
mkdir -p "$tmp/corpus" "$tmp/art"
cp "$seeds"/* "$tmp/corpus/"
set +e
timeout -k 5 $((secs + 60)) "$fuzzer" -max_total_time="$secs" -print_final_stats=1 -seed=1 \
    -timeout=10 -rss_limit_mb=2048 -dict="$dict" -artifact_prefix="$tmp/art/" \
    "$tmp/corpus" >"$tmp/log" 2>&1
rc=$?
set -e
execs=$(sed -n -E 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$tmp/log" | tail -1)
rate=$(sed -n -E 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$tmp/log" | tail -1)
cov=$(grep -a -E '^#[0-9]+' "$tmp/log" | tail -1 | grep -oE 'cov: [0-9]+' || true)
if [ "$rc" -ne 0 ]; then
    echo "FAIL: $(basename "$fuzzer") exited $rc"
    grep -a -E '==heapspec==|ERROR|runtime error|SUMMARY' "$tmp/log" | head -60
    sed -n '/^case fuzz-crash$/,/^end$/p' "$tmp/log" | head -60 # the decoded trace
    exit 1
fi
if [ -z "$execs" ] || [ "$execs" -eq 0 ]; then
    echo "FAIL: $(basename "$fuzzer") executed no input"
    tail -20 "$tmp/log"
    exit 1
fi
echo "PASS: $(basename "$fuzzer"): $execs inputs in ${secs}s ($rate exec/s), $cov"
