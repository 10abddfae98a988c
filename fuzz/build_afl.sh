#!/usr/bin/env bash
# fuzz/build_afl.sh — AFL++ builds of every harness: malloc and the families of
# the generic harness (ring buddy mspace region gc spaces).
#
#   fuzz/build_afl.sh [OUT [T...]] (OUT defaults to $HOME/.cache/heapspec-afl; keep it
#                                  outside the repository; T: only these harnesses,
#                                  malloc or a family; default all)
#
# Makes, for T in malloc and every family, from the same sources as //fuzz:T_fuzzer:
#   OUT/T_fuzzer          afl-clang-fast -fsanitize=fuzzer (AFL++'s persistent-mode
#                         driver around LLVMFuzzerTestOneInput), ASan + UBSan
#   OUT/T_fuzzer.cmplog   the same built with AFL_LLVM_CMPLOG=1 (for afl-fuzz -c)
#   OUT/T_fuzzer_replay   clang-14, plain replay main() (crash triage, traces)
# Every source is compiled with afl-clang-fast, so the engine and the reference
# subjects are instrumented too. Run from anywhere inside the repository.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-${HOME:-/tmp}/.cache/heapspec-afl}
shift $(($# > 0 ? 1 : 0))
want=" ${*:-all} "
wanted() { [ "$want" = " all " ] || [[ "$want" == *" $1 "* ]]; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
case "$OUT/" in
"$ROOT"/*) echo "build_afl.sh: OUT must be outside the repository" >&2; exit 2 ;;
esac
command -v afl-clang-fast >/dev/null || { echo "build_afl.sh: afl-clang-fast not found (apt-get install afl++)" >&2; exit 2; }

# shellcheck source=fuzz/sources.sh
. "$ROOT/fuzz/sources.sh"

build() { # CC OUTFILE SRCS_ARRAY_NAME DEFINE_OR_- LDFLAGS_ARRAY_NAME EXTRA_FLAGS...
    local cc=$1 out=$2 srcs_name=$3 def=$4 ld_name=$5
    shift 5
    local -n srcs=$srcs_name ld=$ld_name
    local objdir
    objdir=$(mktemp -d "$OUT/obj.XXXXXX")
    local objs=() defs=()
    [ "$def" = - ] || defs=("$def")
    for src in "${srcs[@]}"; do
        local o="$objdir/$(echo "$src" | tr / _).o"
        "$cc" "${HSF_CFLAGS[@]}" "${defs[@]}" "$@" -c "$ROOT/$src" -o "$o"
        objs+=("$o")
    done
    "$cc" "$@" "${objs[@]}" "${ld[@]}" -o "$out" "${HSF_LIBS[@]}"
    rm -rf "$objdir"
    echo "built $out"
}

SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1)
NO_LDFLAGS=()
if wanted malloc; then
    build afl-clang-fast "$OUT/malloc_fuzzer" HSF_MALLOC_SRCS - NO_LDFLAGS "${SAN[@]}" -fsanitize=fuzzer
    AFL_LLVM_CMPLOG=1 build afl-clang-fast "$OUT/malloc_fuzzer.cmplog" HSF_MALLOC_SRCS - NO_LDFLAGS \
        "${SAN[@]}" -fsanitize=fuzzer
    MALLOC_REPLAY_SRCS=("${HSF_MALLOC_SRCS[@]}" fuzz/replay_main.c)
    build clang-14 "$OUT/malloc_fuzzer_replay" MALLOC_REPLAY_SRCS - NO_LDFLAGS "${SAN[@]}"
fi

FAMILY_SRCS=("${HSF_FAMILY_SRCS[@]}" fuzz/family_fuzzer.c)
FAMILY_REPLAY_SRCS=("${FAMILY_SRCS[@]}" fuzz/replay_main.c)
for fam in "${HSF_FAMILIES[@]}"; do
    wanted "$fam" || continue
    def="-DHS_FUZZ_FAMILY=\"$fam\""
    build afl-clang-fast "$OUT/${fam}_fuzzer" FAMILY_SRCS "$def" HSF_FAMILY_LDFLAGS \
        "${SAN[@]}" -fsanitize=fuzzer
    AFL_LLVM_CMPLOG=1 build afl-clang-fast "$OUT/${fam}_fuzzer.cmplog" FAMILY_SRCS "$def" \
        HSF_FAMILY_LDFLAGS "${SAN[@]}" -fsanitize=fuzzer
    build clang-14 "$OUT/${fam}_fuzzer_replay" FAMILY_REPLAY_SRCS "$def" HSF_FAMILY_LDFLAGS "${SAN[@]}"
done
