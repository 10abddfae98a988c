#!/usr/bin/env bash
# fuzz/build.sh — OSS-Fuzz / ClusterFuzzLite style build of heapspec's fuzz targets.
#
# The fuzzing infrastructure sets CC, CFLAGS (sanitizer and coverage flags),
# LIB_FUZZING_ENGINE (libFuzzer, AFL++'s driver, honggfuzz, ...), SRC and OUT; this
# script compiles every source with them and leaves in $OUT:
#   malloc_fuzzer, malloc_fuzzer_seed_corpus.zip, malloc_fuzzer.dict,
#   malloc_fuzzer.options (subject selection is by environment: see malloc_fuzzer.c)
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
objs=()
for src in "${HSF_MALLOC_SRCS[@]}"; do
    o="$objdir/$(echo "$src" | tr / _).o"
    # shellcheck disable=SC2086  # CFLAGS is a list of flags
    $CC $CFLAGS "${HSF_CFLAGS[@]}" -c "$ROOT/$src" -o "$o"
    objs+=("$o")
done
# shellcheck disable=SC2086
$CC $CFLAGS "${objs[@]}" $LIB_FUZZING_ENGINE -o "$OUT/malloc_fuzzer" "${HSF_LIBS[@]}"

cp "$ROOT/fuzz/malloc_fuzzer.dict" "$OUT/"
printf '[libfuzzer]\ndict = malloc_fuzzer.dict\nmax_len = 16384\n' >"$OUT/malloc_fuzzer.options"
(cd "$ROOT/fuzz/malloc_fuzzer_seed_corpus" && rm -f "$OUT/malloc_fuzzer_seed_corpus.zip" &&
    if command -v zip >/dev/null; then zip -q -r "$OUT/malloc_fuzzer_seed_corpus.zip" .;
    else python3 -m zipfile -c "$OUT/malloc_fuzzer_seed_corpus.zip" ./*; fi)
echo "build.sh: $OUT/malloc_fuzzer"
