#!/bin/bash
# mutants_test.sh — proves that each mspace clause group's checker catches
# the bug planted in its mutant, and that the reference passes the same
# clause (so the mutant, not the clause, makes the difference).
#
# Usage: mutants_test.sh HEAPSPEC LIB...   (each LIB is libmspace_mutant_<group>.so;
#        conformance/mutants/mspace/BUILD passes the paths)
#
# For every mutant in the table below:
#   heapspec check --subject-lib LIB --family mspace --clause ID --json OUT
# must exit 1 with verdict FAIL for ID, and
#   heapspec check --subject ref-mspace --family mspace --clause ID
# must exit 0. Prints "caught MUTANT by CLAUSE" per success.
set -u

die() {
    echo "mutants_test: FAIL: $*" >&2
    exit 1
}

abs() {
    case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
    esac
}

[ $# -ge 2 ] || die "usage: $0 HEAPSPEC LIB..."
HEAPSPEC=$(abs "$1")
shift
[ -x "$HEAPSPEC" ] || die "no heapspec tool at $HEAPSPEC"

declare -A LIB
for l in "$@"; do
    b=$(basename "$l" .so)
    LIB[${b#libmspace_mutant_}]=$(abs "$l")
done

# mutant -> the clause that must catch it
declare -A CAUGHT_BY=(
    [align]=MSPACE-ALIGN-2
    [base]=MSPACE-BASE-2
    [bulk]=MSPACE-BULK-2
    [calloc]=MSPACE-CALLOC-1
    [destroy]=MSPACE-DESTROY-1
    [disjoint]=MSPACE-DISJOINT-1
    [fault]=MSPACE-FAULT-3
    [foot]=MSPACE-FOOT-1
    [free]=MSPACE-FREE-2
    [huge]=MSPACE-HUGE-1
    [inplace]=MSPACE-INPLACE-1
    [inspect]=MSPACE-INSPECT-3
    [integrity]=MSPACE-INTEGRITY-1
    [limit]=MSPACE-LIMIT-2
    [mallinfo]=MSPACE-MALLINFO-1
    [realloc]=MSPACE-REALLOC-1
    [selfcheck]=MSPACE-SELFCHECK-1
    [trim]=MSPACE-TRIM-1
    [usable]=MSPACE-USABLE-1
)

WORK=${TEST_TMPDIR:-$(mktemp -d)}
cd "$WORK" || die "cannot enter $WORK"

verdict() { # verdict JSON CLAUSE -> prints the clause's verdict for the one subject
    python3 - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for c in doc["subjects"][0]["clauses"]:
    if c["id"] == sys.argv[2]:
        print(c["verdict"])
        break
else:
    print("MISSING")
PY
}

n=0
for m in "${!CAUGHT_BY[@]}"; do
    clause=${CAUGHT_BY[$m]}
    lib=${LIB[$m]:-}
    [ -n "$lib" ] && [ -f "$lib" ] || die "mutant $m: no library given"
    "$HEAPSPEC" check --subject-lib "$lib" --family mspace --clause "$clause" \
        --json "out_$m.json" >"log_$m.txt" 2>&1
    rc=$?
    [ "$rc" -eq 1 ] || { cat "log_$m.txt" >&2; die "mutant $m: heapspec exited $rc, expected 1"; }
    v=$(verdict "out_$m.json" "$clause") || die "mutant $m: unreadable JSON report"
    [ "$v" = FAIL ] || { cat "log_$m.txt" >&2; die "mutant $m: $clause is $v, expected FAIL"; }
    "$HEAPSPEC" check --subject ref-mspace --family mspace --clause "$clause" \
        --json "ref_$m.json" >"ref_$m.txt" 2>&1
    rc=$?
    [ "$rc" -eq 0 ] || { cat "ref_$m.txt" >&2; die "ref-mspace fails $clause (exit $rc)"; }
    v=$(verdict "ref_$m.json" "$clause")
    [ "$v" = PASS ] || die "ref-mspace: $clause is $v, expected PASS"
    echo "caught $m by $clause"
    n=$((n + 1))
done
[ "$n" -eq "${#CAUGHT_BY[@]}" ] || die "only $n mutants checked"
echo "mutants_test: all $n mspace mutants caught; ref-mspace passes every clause used"
