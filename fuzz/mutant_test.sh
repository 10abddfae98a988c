#!/usr/bin/env bash
# fuzz/mutant_test.sh — //fuzz:fuzzer_finds_mutant_test: the malloc harness finds a
# planted bug by fuzzing alone.
#
#   mutant_test.sh FUZZER MUTANT_SO CLAUSE
#
# FUZZER is the libFuzzer build without ASan (//fuzz:malloc_fuzzer_nosan: ASan will not
# run under another malloc's LD_PRELOAD). MUTANT_SO is a malloc mutant from
# //conformance/mutants. From an empty corpus, a bounded run (-runs=200000,
# -max_total_time=60) with the mutant preloaded must abort reporting CLAUSE, save the
# crashing input and print its decoded trace; the same input replayed without the
# mutant must pass (the report is the mutant's doing, not the harness's).
set -euo pipefail

fuzzer=$1 mutant=$2 clause=$3
tmp=${TEST_TMPDIR:-$(mktemp -d)}
mkdir -p "$tmp/corpus" "$tmp/art"
export HEAPSPEC_FUZZ_SUBJECT=libc
# glibc 2.36 is known to fail these (conformance/BUILD records the first)
export HEAPSPEC_FUZZ_EXPECT_FAIL=MALLOC-ALIGNED-ALLOC-1,MALLOC-ALIGNED-ALLOC-3
dict=$(dirname "$0")/malloc_fuzzer.dict
[ -f "$dict" ] || dict=fuzz/malloc_fuzzer.dict

set +e
LD_PRELOAD=$(realpath "$mutant") timeout -k 5 80 "$fuzzer" -runs=200000 -max_total_time=60 -seed=1 \
    -dict="$dict" -artifact_prefix="$tmp/art/" "$tmp/corpus" >"$tmp/log" 2>&1
rc=$?
set -e
fail() {
    echo "FAIL: $*"
    tail -40 "$tmp/log"
    exit 1
}
[ "$rc" -ne 0 ] || fail "the fuzzer ran 200000 inputs against the mutant without a report"
grep -q "==heapspec== F $clause " "$tmp/log" || fail "no report of $clause (exit $rc)"
grep -q '^case fuzz-crash$' "$tmp/log" || fail "no decoded trace in the report"
crash=$(ls "$tmp"/art/crash-* 2>/dev/null | head -1)
[ -n "$crash" ] || fail "libFuzzer saved no crashing input"
echo "found: $(grep "==heapspec== F $clause " "$tmp/log" | head -1)"
echo "after: $(grep -a -oE '^#[0-9]+' "$tmp/log" | tail -1 | tr -d '#') runs; trace:"
sed -n '/^case fuzz-crash$/,/^end$/p' "$tmp/log" | head -20

# control: the crashing input without the mutant passes
"$fuzzer" -runs=1 "$crash" >"$tmp/control.log" 2>&1 || {
    cat "$tmp/control.log"
    fail "the crashing input also fails without the mutant"
}
echo "PASS: $clause found; the input passes on glibc without the mutant"
