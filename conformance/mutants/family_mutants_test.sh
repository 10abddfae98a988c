#!/bin/bash
# family_mutants_test.sh — proves that a family's checker catches each planted
# bug, and that the reference subject passes the same clauses. One driver for
# every family whose mutants are subject libraries (ring, buddy, mspace,
# region, gc, spaces); the malloc family's preload mutants have their own
# (mutants_test.sh: crash and hang mutants, a glibc control).
#
# Usage: family_mutants_test.sh HEAPSPEC FAMILY REF_SUBJECT CLAUSE=MUTANT_LIB...
#   (conformance/mutants/<family>/BUILD passes the paths; each pair names the
#    clause the mutant must fail)
#
# For every pair it runs
#     heapspec check --subject-lib LIB --family FAMILY --clause CLAUSE --json OUT
# and requires exit status 1 and verdict FAIL for CLAUSE. Then
#     heapspec check --subject REF_SUBJECT --family FAMILY --clause ALL_CLAUSES
# must exit 0 with PASS for each: the mutant, not the clause, made the
# difference. Prints "caught LIB by CLAUSE" per mutant; any miss fails.
# Every run is bounded (MUTANTS_RUN_BOUND seconds, 120 by default); the
# corpus is the tool's own unless HEAPSPEC_CORPUS names another.
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

[ $# -ge 4 ] || die "usage: $0 HEAPSPEC FAMILY REF_SUBJECT CLAUSE=LIB..."
HEAPSPEC=$(abs "$1")
FAMILY=$2
REF=$3
shift 3
[ -x "$HEAPSPEC" ] || die "no heapspec tool at $HEAPSPEC"

CORPUS_ARGS=()
if [ -n "${HEAPSPEC_CORPUS:-}" ]; then
    CORPUS_ARGS=(--corpus "$HEAPSPEC_CORPUS")
fi
RUN_BOUND=${MUTANTS_RUN_BOUND:-120}
TMP=${TEST_TMPDIR:-$(mktemp -d)}/mutants-$FAMILY
mkdir -p "$TMP" || die "cannot make $TMP"

# verdicts JSON WANT ID...: every ID must have verdict WANT in the report.
verdicts() {
    python3 - "$@" <<'PY'
import json, sys
path, want, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
try:
    with open(path) as f:
        clauses = {c["id"]: c for c in json.load(f)["subjects"][0]["clauses"]}
except Exception as e:  # a missing or malformed report is itself a failure
    print("unreadable report %s: %s" % (path, e))
    sys.exit(1)
bad = False
for i in ids:
    c = clauses.get(i)
    if c is None:
        print("%s: not in the report" % i)
        bad = True
    elif c.get("verdict") != want:
        print("%s: verdict %s, want %s (%s)" % (i, c.get("verdict"), want, c.get("detail", "")))
        bad = True
sys.exit(1 if bad else 0)
PY
}

failures=0
all_ids=()
for pair in "$@"; do
    clause=${pair%%=*}
    lib=$(abs "${pair#*=}")
    name=$(basename "$lib" .so)
    [ -f "$lib" ] || die "no mutant library at $lib"
    all_ids+=("$clause")
    out="$TMP/$name.json"
    log="$TMP/$name.log"
    rm -f "$out"
    start=$SECONDS
    timeout "$RUN_BOUND" "$HEAPSPEC" check --subject-lib "$lib" --family "$FAMILY" \
        --clause "$clause" --json "$out" "${CORPUS_ARGS[@]}" >"$log" 2>&1
    status=$?
    why=""
    [ "$status" -eq 1 ] || why="exit status $status, want 1"
    if reasons=$(verdicts "$out" FAIL "$clause"); then :; else
        why="${why:+$why; }$reasons"
    fi
    if [ -z "$why" ]; then
        echo "caught $name by $clause [$((SECONDS - start))s]"
    else
        echo "MISSED $name ($clause): $why" >&2
        tail -n 30 "$log" >&2
        failures=$((failures + 1))
    fi
done

# The control: the reference subject passes every clause used above.
ids=$(printf '%s\n' "${all_ids[@]}" | sort -u | paste -sd, -)
out="$TMP/$REF.json"
log="$TMP/$REF.log"
timeout "$RUN_BOUND" "$HEAPSPEC" check --subject "$REF" --family "$FAMILY" --clause "$ids" \
    --json "$out" "${CORPUS_ARGS[@]}" >"$log" 2>&1
status=$?
if [ "$status" -eq 0 ] && reasons=$(verdicts "$out" PASS ${ids//,/ }); then
    echo "$REF passes all ${#all_ids[@]} clauses above"
else
    echo "CONTROL FAILED: $REF (exit $status): ${reasons:-}" >&2
    tail -n 30 "$log" >&2
    failures=$((failures + 1))
fi

[ "$failures" -eq 0 ] || die "$failures problem(s) above"
echo "mutants_test: all $# $FAMILY mutants caught"
