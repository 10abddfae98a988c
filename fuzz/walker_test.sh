#!/usr/bin/env bash
# fuzz/walker_test.sh — //fuzz:walker_test: HEAPSPEC_FUZZ_CHECKED decides when a
# harness runs the subject's check() walker, and a failing walker is reported.
#
#   walker_test.sh REPLAY SELFCHECK_MUTANT_SO SEED
#
# REPLAY is a family replay build (//fuzz:buddy_fuzzer_replay); the mutant's check()
# always fails. op: the failure is reported after the first operation (position 1)
# and stops the trace; end: once, after the trace (position 0); a value outside
# call|op|end is refused with a message (exit 2); the reference passes in every mode.
set -euo pipefail

replay=$1 mutant=$(realpath "$2") seed=$3
fail() {
    echo "FAIL: $*"
    exit 1
}
run() { # SUBJECT MODE: the replay's output, whatever its exit status
    HEAPSPEC_FUZZ_SUBJECT=$1 HEAPSPEC_FUZZ_CHECKED=$2 "$replay" "$seed" 2>&1 || true
}

out=$(run "$mutant" op)
grep -q '==heapspec== F check-walker 1 mut-buddy-selfcheck: walker always fails' <<<"$out" ||
    fail "op: no walker failure at operation 1; output: $(tail -5 <<<"$out")"
[ "$(grep -c '==heapspec== F check-walker' <<<"$out")" -eq 1 ] ||
    fail "op: the trace went on after the walker failed"
out=$(run "$mutant" end)
grep -q '==heapspec== F check-walker 0 mut-buddy-selfcheck: walker always fails' <<<"$out" ||
    fail "end: no walker failure after the trace; output: $(tail -5 <<<"$out")"

set +e
out=$(HEAPSPEC_FUZZ_SUBJECT=ref HEAPSPEC_FUZZ_CHECKED=sometimes "$replay" "$seed" 2>&1)
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q 'HEAPSPEC_FUZZ_CHECKED=sometimes: expected call, op or end' <<<"$out" ||
    fail "a bad HEAPSPEC_FUZZ_CHECKED gave exit $rc: $out"

for mode in call op end; do
    HEAPSPEC_FUZZ_SUBJECT=ref HEAPSPEC_FUZZ_CHECKED=$mode "$replay" "$seed" >/dev/null 2>&1 ||
        fail "the reference fails in mode $mode"
done
echo "PASS: op reports at operation 1 and stops, end after the trace, bad values refused, ref passes"
