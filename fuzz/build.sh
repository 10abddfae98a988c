#!/usr/bin/env bash
# fuzz/build.sh — OSS-Fuzz / ClusterFuzzLite style build of heapspec's fuzz targets.
#
# The fuzzing infrastructure sets CC, CFLAGS (sanitizer and coverage flags),
# LIB_FUZZING_ENGINE (libFuzzer, AFL++'s driver, honggfuzz, ...), SRC and OUT; this
# script compiles every source with them and leaves in $OUT, for T in malloc and
# every family of the generic harness (ring buddy mspace region gc spaces):
#   T_fuzzer, T_fuzzer_seed_corpus.zip, T_fuzzer.dict, T_fuzzer.options
# (the malloc harness's subject is chosen by environment: see malloc_fuzzer.c;
# the others fuzz their reference subject, or HEAPSPEC_FUZZ_SUBJECT=PATH).
# Locally:  CC=clang-14 CFLAGS="-fsanitize=address,fuzzer-no-link -g -O1" \
#           LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out fuzz/build.sh
set -euo pipefail

ROOT=${SRC:-$(cd "$(dirname "$0")/.." && pwd)}
[ -f "$ROOT/fuzz/malloc_fuzzer.c" ] || ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${CC:=clang}" "${CFLAGS:=}" "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}" "${OUT:?set OUT}"
mkdir -p "$OUT"

# shellcheck source=fuzz/sources.sh
. "$ROOT/fuzz/sources.sh"

objdir=$(mktemp -d)
trap 'rm -rf "$objdir"' EXIT

# The checker (conformance/) keeps its edge counters but not the comparison and
# indirect-call hooks, as in the Bazel fuzzing build (conformance/BUILD): its
# comparisons are of the subject's answers with its shadow. The reference mspace
# and buddy (ref/mspace/, ref/buddy/), the subject context
# (ref/subject/subject_ctx.c) and the malloc decoder (fuzz/malloc_decode.c)
# keep them but not the comparison hooks (their BUILD files say why). Only
# when the compiler takes the flags (clang does; gcc refuses indirect-calls).
CHECKER_FLAGS=() NOCMP_FLAGS=()
# shellcheck disable=SC2086  # CFLAGS is a list of flags
if $CC $CFLAGS -fno-sanitize-coverage=trace-cmp,indirect-calls -x c -c /dev/null \
    -o "$objdir/probe.o" 2>/dev/null; then
    CHECKER_FLAGS=(-fno-sanitize-coverage=trace-cmp,indirect-calls)
fi
# shellcheck disable=SC2086
if $CC $CFLAGS -fno-sanitize-coverage=trace-cmp -x c -c /dev/null \
    -o "$objdir/probe.o" 2>/dev/null; then
    NOCMP_FLAGS=(-fno-sanitize-coverage=trace-cmp)
fi

# compile SRC [EXTRA_FLAGS...]: prints the object's path (each source once)
compile() {
    local src=$1
    shift
    case $src in
    conformance/*) set -- "$@" "${CHECKER_FLAGS[@]}" ;;
    ref/mspace/* | ref/buddy/* | ref/subject/subject_ctx.c | fuzz/malloc_decode.c)
        set -- "$@" "${NOCMP_FLAGS[@]}" ;;
    esac
    local o
    o="$objdir/$(echo "$src" | tr / _)$(echo "$*" | md5sum | cut -c1-8).o"
    if [ ! -f "$o" ]; then
        # shellcheck disable=SC2086  # CFLAGS is a list of flags
        $CC $CFLAGS "${HSF_CFLAGS[@]}" "$@" -c "$ROOT/$src" -o "$o"
    fi
    echo "$o"
}

# package TARGET: dict, options and seed corpus of TARGET_fuzzer
package() {
    local t=$1
    cp "$ROOT/fuzz/${t}_fuzzer.dict" "$OUT/"
    printf '[libfuzzer]\ndict = %s_fuzzer.dict\nmax_len = 16384\n' "$t" >"$OUT/${t}_fuzzer.options"
    (cd "$ROOT/fuzz/${t}_fuzzer_seed_corpus" && rm -f "$OUT/${t}_fuzzer_seed_corpus.zip" &&
        if command -v zip >/dev/null; then zip -q -r "$OUT/${t}_fuzzer_seed_corpus.zip" .;
        else python3 -m zipfile -c "$OUT/${t}_fuzzer_seed_corpus.zip" ./*; fi)
    echo "build.sh: $OUT/${t}_fuzzer"
}

objs=()
for src in "${HSF_MALLOC_SRCS[@]}"; do objs+=("$(compile "$src")"); done
# shellcheck disable=SC2086
$CC $CFLAGS "${objs[@]}" $LIB_FUZZING_ENGINE -o "$OUT/malloc_fuzzer" "${HSF_LIBS[@]}"
package malloc

common=()
for src in "${HSF_FAMILY_SRCS[@]}"; do common+=("$(compile "$src")"); done
for fam in "${HSF_FAMILIES[@]}"; do
    harness=$(compile fuzz/family_fuzzer.c "-DHS_FUZZ_FAMILY=\"$fam\"")
    # shellcheck disable=SC2086
    $CC $CFLAGS "$harness" "${common[@]}" $LIB_FUZZING_ENGINE "${HSF_FAMILY_LDFLAGS[@]}" \
        -o "$OUT/${fam}_fuzzer" "${HSF_LIBS[@]}"
    package "$fam"
done
