#!/usr/bin/env bash
# fuzz/build_afl.sh — AFL++ builds of the malloc harness.
#
#   fuzz/build_afl.sh [OUT]       (OUT defaults to $HOME/.cache/heapspec-afl; keep it
#                                  outside the repository)
#
# Makes, from the same sources as //fuzz:malloc_fuzzer:
#   OUT/malloc_fuzzer          afl-clang-fast -fsanitize=fuzzer (AFL++'s persistent-mode
#                              driver around LLVMFuzzerTestOneInput), ASan + UBSan
#   OUT/malloc_fuzzer.cmplog   the same built with AFL_LLVM_CMPLOG=1 (for afl-fuzz -c)
#   OUT/malloc_fuzzer_replay   clang-14, plain replay main() (crash triage, traces)
# Every source is compiled with afl-clang-fast, so the engine and the reference
# mspace are instrumented too. Run from anywhere inside the repository.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-${HOME:-/tmp}/.cache/heapspec-afl}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
case "$OUT/" in
"$ROOT"/*) echo "build_afl.sh: OUT must be outside the repository" >&2; exit 2 ;;
esac
command -v afl-clang-fast >/dev/null || { echo "build_afl.sh: afl-clang-fast not found (apt-get install afl++)" >&2; exit 2; }

# shellcheck source=fuzz/sources.sh
. "$ROOT/fuzz/sources.sh"

build() { # CC OUTFILE EXTRA_FLAGS...
    local cc=$1 out=$2
    shift 2
    local objdir
    objdir=$(mktemp -d "$OUT/obj.XXXXXX")
    local objs=()
    for src in "${HSF_MALLOC_SRCS[@]}"; do
        local o="$objdir/$(echo "$src" | tr / _).o"
        "$cc" "${HSF_CFLAGS[@]}" "$@" -c "$ROOT/$src" -o "$o"
        objs+=("$o")
    done
    "$cc" "$@" "${objs[@]}" -o "$out" "${HSF_LIBS[@]}"
    rm -rf "$objdir"
    echo "built $out"
}

SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1)
build afl-clang-fast "$OUT/malloc_fuzzer" "${SAN[@]}" -fsanitize=fuzzer
AFL_LLVM_CMPLOG=1 build afl-clang-fast "$OUT/malloc_fuzzer.cmplog" "${SAN[@]}" -fsanitize=fuzzer
HSF_MALLOC_SRCS+=("fuzz/replay_main.c")
build clang-14 "$OUT/malloc_fuzzer_replay" "${SAN[@]}"
