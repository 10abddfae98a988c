#!/bin/bash
# mutants_test.sh — proves that the region checker catches each planted bug.
#
# Usage: mutants_test.sh HEAPSPEC MUTANT_LIB...
#   (conformance/mutants/region/BUILD passes the paths; each MUTANT_LIB is
#    named libmutant_region_<name>.so)
#
# For every mutant in the table below it runs
#     heapspec check --subject-lib LIB --family region --clause ID --json OUT
# and requires exit status 1 and verdict FAIL for that clause; then the
# reference subject (--subject ref-region) must pass the same clauses with
# exit status 0, so that the mutant, not the clause, makes the difference.
#
# Prints "caught MUTANT by CLAUSE" per success; any miss fails the test.
set -u

die() {
    echo "region mutants_test: FAIL: $*" >&2
    exit 1
}

abs() {
    case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
    esac
}

[ $# -ge 2 ] || die "usage: $0 HEAPSPEC MUTANT_LIB..."
HEAPSPEC=$(abs "$1")
shift
[ -x "$HEAPSPEC" ] || die "no heapspec tool at $HEAPSPEC"

declare -A LIB
for l in "$@"; do
    [ -f "$l" ] || die "no mutant library at $l"
    name=$(basename "$l" .so)
    LIB[${name#libmutant_region_}]=$(abs "$l")
done

CORPUS_ARGS=()
if [ -n "${HEAPSPEC_CORPUS:-}" ]; then
    CORPUS_ARGS=(--corpus "$HEAPSPEC_CORPUS")
fi
RUN_BOUND=${MUTANTS_RUN_BOUND:-120}
TMP=${TEST_TMPDIR:-$(mktemp -d)}/region_mutants
mkdir -p "$TMP" || die "cannot make $TMP"

# mutant | the clause it must FAIL
MUTANTS=(
    "create|REGION-CREATE-1"
    "name|REGION-NAME-1"
    "size|REGION-SIZE-2"
    "prot|REGION-PROT-1"
    "map|REGION-MAP-2"
    "pin|REGION-PIN-4"
    "purge|REGION-PURGE-1"
    "close|REGION-CLOSE-1"
    "selfcheck|REGION-SELFCHECK-1"
)

# verdict JSON CLAUSE: prints the clause's verdict in the report (or an error).
verdict() {
    python3 - "$1" "$2" <<'PY'
import json, sys
try:
    with open(sys.argv[1]) as f:
        rep = json.load(f)
    clauses = {c["id"]: c for c in rep["subjects"][0]["clauses"]}
    print(clauses[sys.argv[2]].get("verdict", "NONE"))
except Exception as e:  # a missing or malformed report is itself a failure
    print("UNREADABLE(%s)" % e)
PY
}

failures=0
all_ids=""
for row in "${MUTANTS[@]}"; do
    IFS='|' read -r mutant id <<<"$row"
    all_ids=$all_ids${all_ids:+,}$id
    lib=${LIB[$mutant]:-}
    [ -n "$lib" ] || die "mutant library libmutant_region_$mutant.so not given"
    out="$TMP/$mutant.json"
    rm -f "$out"
    timeout "$RUN_BOUND" "$HEAPSPEC" check --subject-lib "$lib" --family region --clause "$id" \
        --json "$out" "${CORPUS_ARGS[@]}" >"$TMP/$mutant.log" 2>&1
    status=$?
    v=$(verdict "$out" "$id")
    if [ "$status" -ne 1 ] || [ "$v" != FAIL ]; then
        echo "MISSED mutant $mutant: exit $status, $id verdict $v (want exit 1, FAIL)" >&2
        sed 's/^/    /' "$TMP/$mutant.log" | tail -20 >&2
        failures=$((failures + 1))
        continue
    fi
    echo "caught $mutant by $id"
done

# The reference must pass every clause the mutants fail.
out="$TMP/ref.json"
timeout "$RUN_BOUND" "$HEAPSPEC" check --subject ref-region --family region --clause "$all_ids" \
    --json "$out" "${CORPUS_ARGS[@]}" >"$TMP/ref.log" 2>&1
status=$?
if [ "$status" -ne 0 ]; then
    echo "ref-region does not pass $all_ids (exit $status)" >&2
    tail -30 "$TMP/ref.log" >&2
    failures=$((failures + 1))
else
    for id in ${all_ids//,/ }; do
        v=$(verdict "$out" "$id")
        if [ "$v" != PASS ]; then
            echo "ref-region: $id verdict $v, want PASS" >&2
            failures=$((failures + 1))
        fi
    done
    echo "ref-region passes $all_ids"
fi

[ "$failures" -eq 0 ] || die "$failures problem(s)"
echo "region mutants_test: all ${#MUTANTS[@]} mutants caught"
