#!/bin/bash
# prove.sh — run Frama-C WP over the proved reference components and gate on the result.
#
#   proofs/prove.sh                 prove every component, print a summary, compare with
#                                   proofs/baseline.json; exit 1 on any unproved goal or
#                                   when a component's goal total drops below the baseline
#   proofs/prove.sh ring            one component (ring, buddy, gc, space)
#   proofs/prove.sh --write-baseline   rewrite proofs/baseline.json from this run
#
# Output, per component and at the end:
#   ring: 295/295 goals proved in 48 s
#   goals: 1029 proved, 0 unproved
#
# Frama-C 25 exits 0 even when goals stay unproved (TOOLCHAIN.md), so each run also ends
# with "-then -report-classify -report-unclassified-unknown ERROR", which makes frama-c
# exit non-zero on any unproved property; the "Proved goals: P / T" line gives the figures.
#
# Provers: z3 and cvc4 through why3 (no Alt-Ergo here). why3 finds them with
# "why3 config detect", which writes $HOME/.why3.conf; under Bazel HOME is not the
# user's, so this script always detects into a private temporary HOME.
#
# Environment: FRAMAC (default frama-c), WHY3 (default why3), HS_PROVE_TIMEOUT (per goal,
# default 40 s, as //proofs:proofs_test gives: one buddy goal takes 9-10 s), HS_PROVE_PAR
# (default 2), HS_WP_CACHE_DIR (when set: -wp-cache update with that directory, so a rerun
# of unchanged goals is fast), HS_PROVE_LOG_DIR (keep the full frama-c logs there).
set -u

FRAMAC=${FRAMAC:-frama-c}
WHY3=${WHY3:-why3}
TIMEOUT=${HS_PROVE_TIMEOUT:-40}
PAR=${HS_PROVE_PAR:-2}

# The repository root: the current directory under `bazel test`/`bazel run` (the runfiles
# tree), else the parent of this script's folder.
if [ -f ref/buddy/buddy.c ] && [ -f spec/acsl/buddy.acsl ]; then
    ROOT=$(pwd)
else
    ROOT=$(cd "$(dirname "$0")/.." && pwd)
fi
BASELINE="$ROOT/proofs/baseline.json"

write_baseline=0
comps=()
for a in "$@"; do
    case "$a" in
    --write-baseline) write_baseline=1 ;;
    ring | buddy | gc | space) comps+=("$a") ;;
    -h | --help)
        sed -n '2,12p' "$0"
        exit 0
        ;;
    *)
        echo "prove.sh: unknown argument '$a'" >&2
        exit 2
        ;;
    esac
done
[ ${#comps[@]} -eq 0 ] && comps=(ring buddy gc space)

# The sources of each component that carry proofs (create/destroy live in *_alloc.c,
# outside WP's model of C: see the headers; so do the gc bitmap's init/fini, walks
# and checker, in ref/gc/bitmap_alloc.c, and all of the spaces heap but its limit
# and routing arithmetic, ref/space/limits.c).
sources_of() {
    case "$1" in
    ring) echo "ref/ring/ring.c" ;;
    buddy) echo "ref/buddy/buddy.c" ;;
    gc) echo "ref/gc/bitmap.c" ;;
    space) echo "ref/space/limits.c" ;;
    esac
}

for tool in "$FRAMAC" "$WHY3"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "prove.sh: '$tool' not found (Debian: frama-c-base, why3, z3, cvc4)" >&2
        exit 2
    fi
done

WORK=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/hsprove.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home"
mkdir -p "$HOME"
if ! "$WHY3" config detect >"$WORK/why3.log" 2>&1; then
    echo "prove.sh: 'why3 config detect' failed:" >&2
    cat "$WORK/why3.log" >&2
    exit 2
fi

cache_args=()
if [ -n "${HS_WP_CACHE_DIR:-}" ]; then
    mkdir -p "$HS_WP_CACHE_DIR"
    cache_args=(-wp-cache update -wp-cache-dir "$HS_WP_CACHE_DIR")
fi

# baseline_of COMP FIELD: the number recorded in baseline.json (one component a line).
baseline_of() {
    [ -f "$BASELINE" ] || {
        echo 0
        return
    }
    sed -n "s/.*\"$1\": *{ *\"proved\": *\([0-9]*\), *\"total\": *\([0-9]*\).*/\\$2/p" \
        "$BASELINE" | head -n 1
}

status=0
sum_p=0
sum_t=0
declare -A got_p got_t
for c in "${comps[@]}"; do
    log="$WORK/$c.log"
    t0=$(date +%s)
    # shellcheck disable=SC2046
    "$FRAMAC" -machdep x86_64 \
        -cpp-extra-args="-I$ROOT -I$ROOT/ref/include -I$ROOT/spec -I$ROOT/spec/include" \
        -kernel-warn-key annot:missing-spec=error \
        -wp -wp-rte -warn-unsigned-overflow -warn-unsigned-downcast \
        -wp-prover z3,cvc4 -wp-timeout "$TIMEOUT" -wp-par "$PAR" "${cache_args[@]}" \
        $(for s in $(sources_of "$c"); do echo "$ROOT/$s"; done) \
        -then -report-classify -report-unclassified-unknown ERROR >"$log" 2>&1
    rc=$?
    t1=$(date +%s)
    if [ -n "${HS_PROVE_LOG_DIR:-}" ]; then
        mkdir -p "$HS_PROVE_LOG_DIR" && cp "$log" "$HS_PROVE_LOG_DIR/$c.log"
    fi
    line=$(grep -E '^\[wp\] Proved goals: *[0-9]+ */ *[0-9]+' "$log" | tail -n 1)
    p=$(echo "$line" | sed -E 's/.*goals: *([0-9]+) *\/ *([0-9]+).*/\1/')
    t=$(echo "$line" | sed -E 's/.*goals: *([0-9]+) *\/ *([0-9]+).*/\2/')
    if [ -z "$line" ]; then
        echo "$c: frama-c produced no goal summary (exit $rc); log follows" >&2
        tail -n 40 "$log" >&2
        status=1
        continue
    fi
    echo "$c: $p/$t goals proved in $((t1 - t0)) s"
    got_p[$c]=$p
    got_t[$c]=$t
    sum_p=$((sum_p + p))
    sum_t=$((sum_t + t))
    if [ "$p" -ne "$t" ] || [ "$rc" -ne 0 ]; then
        echo "$c: FAIL: unproved goals (frama-c exit $rc):" >&2
        grep -E '^\[wp\] \[(Failed|Unknown|Timeout)\]|^\[report\].*(Unknown|Invalid)|Error' \
            "$log" | head -n 40 >&2
        status=1
    fi
    base_t=$(baseline_of "$c" 2)
    base_p=$(baseline_of "$c" 1)
    if [ -n "$base_t" ] && [ "$t" -lt "$base_t" ]; then
        echo "$c: FAIL: $t goals, below the baseline's $base_t (a contract or loop annotation was dropped?)" >&2
        status=1
    fi
    if [ -n "$base_p" ] && [ "$p" -lt "$base_p" ]; then
        echo "$c: FAIL: $p goals proved, below the baseline's $base_p" >&2
        status=1
    fi
done
echo "goals: $sum_p proved, $((sum_t - sum_p)) unproved"

if [ "$write_baseline" -eq 1 ]; then
    {
        echo "{"
        n=0
        for c in "${comps[@]}"; do
            n=$((n + 1))
            sep=","
            [ "$n" -eq ${#comps[@]} ] && sep=""
            echo "  \"$c\": {\"proved\": ${got_p[$c]:-0}, \"total\": ${got_t[$c]:-0}}$sep"
        done
        echo "}"
    } >"$BASELINE"
    echo "baseline written: proofs/baseline.json"
fi
exit $status
