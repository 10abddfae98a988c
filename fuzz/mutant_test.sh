#!/usr/bin/env bash
# fuzz/mutant_test.sh — //fuzz:<family>_fuzzer_finds_mutant_test: a harness finds a
# planted bug by fuzzing alone.
#
#   mutant_test.sh FUZZER DICT preload|subject MUTANT_SO CLAUSES
#
# CLAUSES is one clause id, or several as an alternation (A|B): the clauses of
# the group that catch this bug (a ring's content clause depends on its mode).
# FUZZER is a libFuzzer build without ASan (//fuzz:<family>_fuzzer_nosan; ASan will
# not run under another malloc's LD_PRELOAD). MUTANT_SO is a mutant from
# //conformance/mutants, handed to the harness
#   preload  as the process's malloc (LD_PRELOAD; the malloc harness, subject libc), or
#   subject  as the subject library (HEAPSPEC_FUZZ_SUBJECT=MUTANT_SO).
# From an empty corpus, a bounded run (-runs=300000, -max_total_time=60, seed 1) must
# abort reporting CLAUSE, save the crashing input and print its decoded trace; the
# same input replayed on the unbroken subject (glibc, or the reference) must pass:
# the report is the mutant's doing, not the harness's.
set -euo pipefail

fuzzer=$1 dict=$2 mode=$3 mutant=$4 clause=$5
tmp=${TEST_TMPDIR:-$(mktemp -d)}
mkdir -p "$tmp/corpus" "$tmp/art"
mutant=$(realpath "$mutant")
case $mode in
preload)
    export HEAPSPEC_FUZZ_SUBJECT=libc
    # glibc 2.36 is known to fail these (conformance/BUILD records the first)
    export HEAPSPEC_FUZZ_EXPECT_FAIL=MALLOC-ALIGNED-ALLOC-1,MALLOC-ALIGNED-ALLOC-3
    broken=(env LD_PRELOAD="$mutant") sound=(env) ;;
subject)
    broken=(env HEAPSPEC_FUZZ_SUBJECT="$mutant") sound=(env HEAPSPEC_FUZZ_SUBJECT=ref) ;;
*) echo "mutant_test.sh: the third argument is preload or subject" >&2; exit 2 ;;
esac

set +e
"${broken[@]}" timeout -k 5 80 "$fuzzer" -runs=300000 -max_total_time=60 -seed=1 \
    -dict="$dict" -artifact_prefix="$tmp/art/" "$tmp/corpus" >"$tmp/log" 2>&1
rc=$?
set -e
fail() {
    echo "FAIL: $*"
    tail -40 "$tmp/log"
    exit 1
}
[ "$rc" -ne 0 ] || fail "the fuzzer ran 300000 inputs against the mutant without a report"
grep -q -E "==heapspec== F ($clause) " "$tmp/log" || fail "no report of $clause (exit $rc)"
grep -q '^case fuzz-crash$' "$tmp/log" || fail "no decoded trace in the report"
crash=$(ls "$tmp"/art/crash-* 2>/dev/null | head -1)
[ -n "$crash" ] || fail "libFuzzer saved no crashing input"
echo "found: $(grep -E "==heapspec== F ($clause) " "$tmp/log" | head -1)"
echo "after: $(grep -a -oE '^#[0-9]+' "$tmp/log" | tail -1 | tr -d '#') runs; trace:"
sed -n '/^case fuzz-crash$/,/^end$/p' "$tmp/log" | head -20

# control: the crashing input on the unbroken subject passes
"${sound[@]}" "$fuzzer" -runs=1 "$crash" >"$tmp/control.log" 2>&1 || {
    cat "$tmp/control.log"
    fail "the crashing input also fails without the mutant"
}
echo "PASS: $clause found; the input passes on the unbroken subject"
