#!/bin/bash
# oss_fuzz_build_test.sh — fuzz/build.sh, the OSS-Fuzz / ClusterFuzzLite style
# build, run as the infrastructure runs it: CC, CFLAGS (ASan + UBSan +
# fuzzer-no-link), LIB_FUZZING_ENGINE, SRC and OUT set. Every target it names
# must come out with its dict, options and seed zip, replay its seeds without
# a finding, and fuzz a bounded number of runs.
#
# Usage: oss_fuzz_build_test.sh   (from the runfiles root, as Bazel runs it)
set -euo pipefail

fail() {
    echo "oss_fuzz_build_test: FAIL: $*" >&2
    exit 1
}

command -v clang-14 >/dev/null || fail "clang-14 is not installed (ci/test.sh installs it)"
ROOT=$PWD
[ -f "$ROOT/fuzz/build.sh" ] || fail "run from the runfiles root: no fuzz/build.sh here"
TMP=${TEST_TMPDIR:-$(mktemp -d)}
OUT=$TMP/out
rm -rf "$OUT"

SRC=$ROOT CC=clang-14 CFLAGS="-fsanitize=address,undefined,fuzzer-no-link -g -O1" \
    LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=$OUT timeout 600 bash "$ROOT/fuzz/build.sh" \
    >"$TMP/build.log" 2>&1 || { tail -30 "$TMP/build.log" >&2; fail "build.sh failed"; }

for t in malloc ring buddy mspace region gc spaces; do
    for f in "${t}_fuzzer" "${t}_fuzzer.dict" "${t}_fuzzer.options" "${t}_fuzzer_seed_corpus.zip"; do
        [ -s "$OUT/$f" ] || fail "build.sh left no $f"
    done
    seeds=$TMP/seeds-$t
    rm -rf "$seeds"
    python3 -m zipfile -e "$OUT/${t}_fuzzer_seed_corpus.zip" "$seeds"
    n=$(find "$seeds" -type f | wc -l)
    [ "$n" -gt 0 ] || fail "$t: the seed zip is empty"
    # the seeds replay clean, then a bounded campaign from them
    log=$TMP/$t.log
    if ! HEAPSPEC_FUZZ_SUBJECT=ref timeout 300 "$OUT/${t}_fuzzer" -runs=2000 -seed=1 \
        -dict="$OUT/${t}_fuzzer.dict" "$seeds" >"$log" 2>&1; then
        tail -30 "$log" >&2
        fail "$t: the fuzzer failed on its seeds or within 2000 runs"
    fi
    grep -q "DONE" "$log" || { tail -30 "$log" >&2; fail "$t: no DONE line"; }
    echo "ok: ${t}_fuzzer ($n seeds, $(grep -o 'cov: [0-9]*' "$log" | tail -1))"
done
echo "oss_fuzz_build_test: all 7 targets built, packaged and fuzzed"
