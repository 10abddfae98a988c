#!/bin/sh
# Smoke test of //ref/bench:malloc_bench: runs it with a very small op count
# (one repetition) and checks that
#   1. it exits 0 (every child ran on the malloc it was meant to, dladdr-
#      checked, and every block checked out);
#   2. it prints exactly one row per (allocator, workload) pair — 5 x 3 —
#      whose five figures are numbers and whose Mops/s and peak RSS are > 0;
#   3. glibc's ratios are 1.00x and the "ref vs glibc" summary is there.
# It checks that the benchmark works, not how fast anything is.
# Usage: malloc_bench_smoke_test.sh <malloc_bench> <libheapspec_malloc.so>
set -eu
bench="$1"
so="$2"
out="${TEST_TMPDIR:-/tmp}/malloc_bench_smoke.$$"

fail() {
    echo "FAIL: $*" >&2
    echo "--- benchmark output:" >&2
    cat "$out" >&2 || true
    exit 1
}

# A sanitizer build of the .so cannot be preloaded into a plain program.
if nm -D --undefined-only "$so" 2>/dev/null | grep -q "__asan_\|__ubsan_\|__sanitizer_"; then
    echo "SKIPPED: $so was built with a sanitizer"
    exit 0
fi

"$bench" --ref "$so" --ops 20000 --reps 1 >"$out" 2>&1 || fail "malloc_bench exited $?"

num='[0-9][0-9]*\.[0-9][0-9]*'
for a in glibc ref jemalloc mimalloc tcmalloc; do
    for w in churn mixed prodcons; do
        rows=$(grep -c "^$a  *$w  *$num  *${num}x  *$num  *${num}x  *$num\$" "$out" || true)
        [ "$rows" = 1 ] || fail "expected one numeric row for $a/$w, found $rows"
        # Mops/s (field 3) and peak RSS (field 5) are positive
        grep "^$a  *$w " "$out" | awk '{ exit !($3 > 0 && $5 > 0) }' ||
            fail "$a/$w: zero throughput or footprint"
    done
done
[ "$(grep -c "^glibc .* 1\.00x .* 1\.00x " "$out")" = 3 ] || fail "glibc's ratios are not 1.00x"
grep -q "^ref vs glibc" "$out" || fail "no ref vs glibc summary"
for w in churn mixed prodcons; do
    grep -q "^  $w  *throughput  *${num}x.*peak RSS  *${num}x" "$out" ||
        fail "no ref ratio line for $w"
done
rm -f "$out"
echo "PASS: 15 rows with numeric figures"
