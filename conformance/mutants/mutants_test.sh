#!/bin/bash
# mutants_test.sh — proves that each clause group's checker catches its fault.
#
# Usage: mutants_test.sh HEAPSPEC INTERPOSE_SUBJECT_LIB PRELOAD_LIB...
#   (conformance/mutants/BUILD passes the paths; each PRELOAD_LIB is named
#    libmutant_<group>.so)
#
# For every mutant in the table below it runs
#     heapspec check --subject libc --preload LIB --clause IDS --json OUT
# (the interpose mutant: --subject-lib LIB) and requires exit status 1 and
# verdict FAIL for each clause that the mutant breaks. The two engine-robustness
# mutants (crash, hang) must fail their clause with a signal / a timeout while
# the report still carries a verdict for a second, untouched clause. Finally
# plain glibc (--subject glibc) must pass every clause used here, so that the
# mutant, not the clause, makes the difference.
#
# Prints "caught MUTANT by CLAUSE" per success; any miss fails the test loudly.
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

[ $# -ge 3 ] || die "usage: $0 HEAPSPEC INTERPOSE_SUBJECT_LIB PRELOAD_LIB..."
HEAPSPEC=$(abs "$1")
INTERPOSE_LIB=$(abs "$2")
shift 2
[ -x "$HEAPSPEC" ] || die "no heapspec tool at $HEAPSPEC"
[ -f "$INTERPOSE_LIB" ] || die "no interpose subject at $INTERPOSE_LIB"

declare -A LIB
for l in "$@"; do
    [ -f "$l" ] || die "no mutant library at $l"
    name=$(basename "$l" .so)
    LIB[${name#libmutant_}]=$(abs "$l")
done

# The corpus: the tool finds its own in its runfiles; HEAPSPEC_CORPUS overrides.
CORPUS_ARGS=()
if [ -n "${HEAPSPEC_CORPUS:-}" ]; then
    CORPUS_ARGS=(--corpus "$HEAPSPEC_CORPUS")
fi

# Wall-clock bound of one heapspec run, so that a stuck engine fails with a message.
RUN_BOUND=${MUTANTS_RUN_BOUND:-120}

TMP=${TEST_TMPDIR:-$(mktemp -d)}/mutants
mkdir -p "$TMP" || die "cannot make $TMP"

# mutant | clauses it must FAIL (comma-separated) | clause that must still be judged | needle in the failure
MUTANTS=(
    "align|MALLOC-ALIGN-1||"
    "disjoint|MALLOC-DISJOINT-1||"
    "usable|MALLOC-USABLE-1||"
    "integrity|MALLOC-INTEGRITY-1||"
    "calloc|MALLOC-CALLOC-1||"
    "realloc|MALLOC-REALLOC-1||"
    "errno|MALLOC-ENOMEM-1||"
    "huge|MALLOC-HUGE-1||"
    "free|MALLOC-FREE-2||"
    "alignarg|MALLOC-POSIX-MEMALIGN-1,MALLOC-POSIX-MEMALIGN-2||"
    "zero|MALLOC-ZERO-2||"
    "reuse|MALLOC-REUSE-1||"
    "threads|MALLOC-THREAD-1||"
    "fork|MALLOC-FORK-1||"
    "interpose_subject|MALLOC-INTERPOSE-1||"
    "selfcheck_subject|MALLOC-SELFCHECK-1||"
    "crash|MALLOC-FREE-2|MALLOC-CALLOC-2|SIG"
    "hang|MALLOC-INTEGRITY-2|MALLOC-CALLOC-2|timeout"
)

# judge JSON FAIL_IDS OTHER_ID NEEDLE: checks the report; prints one reason per problem.
judge() {
    python3 - "$@" <<'PY'
import json, sys
path, fail_ids, other, needle = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
try:
    with open(path) as f:
        rep = json.load(f)
    subj = rep["subjects"][0]
    clauses = {c["id"]: c for c in subj["clauses"]}
except Exception as e:  # a missing or malformed report is itself a failure
    print("unreadable report %s: %s" % (path, e))
    sys.exit(1)
bad = False
for cid in [c for c in fail_ids.split(",") if c]:
    c = clauses.get(cid)
    if c is None:
        print("%s: not in the report (clauses: %s)" % (cid, " ".join(sorted(clauses))))
        bad = True
        continue
    if c.get("verdict") != "FAIL":
        print("%s: verdict %s, want FAIL (%s)" % (cid, c.get("verdict"), c.get("detail", "")))
        bad = True
        continue
    if needle:
        texts = [c.get("detail", "")] + [f.get("message", "") for f in c.get("failures", [])]
        hit = any((needle in t) if needle == "SIG" else (needle.lower() in t.lower()) for t in texts)
        if not hit:
            print("%s: no %r in the failure: %s" % (cid, needle, texts))
            bad = True
if other:
    c = clauses.get(other)
    if c is None or c.get("verdict") not in ("PASS", "FAIL", "SKIP", "RECORD", "FIGURE"):
        print("%s: no verdict after the failing case (the engine did not go on)" % other)
        bad = True
    elif c.get("verdict") != "PASS":
        print("%s: verdict %s, want PASS (%s)" % (other, c.get("verdict"), c.get("detail", "")))
        bad = True
sys.exit(1 if bad else 0)
PY
}

failures=0
all_ids=""
for row in "${MUTANTS[@]}"; do
    IFS='|' read -r mutant fail_ids other needle <<<"$row"
    ids=$fail_ids${other:+,$other}
    all_ids=$all_ids${all_ids:+,}$ids
    out="$TMP/$mutant.json"
    log="$TMP/$mutant.log"
    rm -f "$out"
    if [ "$mutant" = interpose_subject ]; then
        subject=(--subject-lib "$INTERPOSE_LIB")
    elif [ "${mutant%_subject}" != "$mutant" ]; then
        # the other subject-library mutants come with the preload libraries
        [ -n "${LIB[$mutant]:-}" ] || die "mutant library libmutant_$mutant.so not given"
        subject=(--subject-lib "${LIB[$mutant]}")
    else
        [ -n "${LIB[$mutant]:-}" ] || die "mutant library libmutant_$mutant.so not given"
        subject=(--subject libc --preload "${LIB[$mutant]}")
    fi
    start=$SECONDS
    timeout "$RUN_BOUND" "$HEAPSPEC" check "${subject[@]}" --clause "$ids" --json "$out" "${CORPUS_ARGS[@]}" \
        >"$log" 2>&1
    status=$?
    secs=$((SECONDS - start))
    why=""
    [ "$status" -ne 124 ] || why="heapspec did not finish within ${RUN_BOUND}s"
    [ "$status" -eq 1 ] || why="${why:+$why; }exit status $status, want 1"
    if reasons=$(judge "$out" "$fail_ids" "$other" "$needle"); then :; else
        why="${why:+$why; }$reasons"
    fi
    if [ -z "$why" ]; then
        echo "caught $mutant by ${fail_ids//,/ and }${needle:+ ($needle)}${other:+, $other still judged} [${secs}s]"
    else
        echo "MISSED $mutant (${fail_ids}) [${secs}s]: $why" >&2
        echo "---- heapspec output (last 30 lines) ----" >&2
        tail -n 30 "$log" >&2
        echo "----" >&2
        failures=$((failures + 1))
    fi
done

# The control: glibc itself passes every clause used above.
all_ids=$(printf '%s\n' "${all_ids//,/$'\n'}" | sort -u | paste -sd, -)
out="$TMP/glibc.json"
log="$TMP/glibc.log"
start=$SECONDS
# glibc has no invariant walker: the walker clause's control is the reference heap.
all_ids=$(echo "$all_ids" | tr ',' '\n' | grep -v '^MALLOC-SELFCHECK-1$' | paste -sd, -)
if ! timeout "$RUN_BOUND" "$HEAPSPEC" check --subject ref --clause MALLOC-SELFCHECK-1 "${CORPUS_ARGS[@]}" \
    >"$TMP/ref-selfcheck.log" 2>&1; then
    echo "CONTROL FAILED: the reference heap does not pass MALLOC-SELFCHECK-1" >&2
    tail -20 "$TMP/ref-selfcheck.log" >&2
    failures=$((failures + 1))
fi
timeout "$RUN_BOUND" "$HEAPSPEC" check --subject glibc --clause "$all_ids" --json "$out" "${CORPUS_ARGS[@]}" >"$log" 2>&1
status=$?
secs=$((SECONDS - start))
control=$(python3 - "$out" "$all_ids" <<'PY'
import json, sys
path, ids = sys.argv[1], sys.argv[2].split(",")
try:
    with open(path) as f:
        clauses = {c["id"]: c for c in json.load(f)["subjects"][0]["clauses"]}
except Exception as e:
    print("unreadable report %s: %s" % (path, e))
    sys.exit(1)
bad = [i for i in ids if clauses.get(i, {}).get("verdict") != "PASS"]
for i in bad:
    c = clauses.get(i)
    print("%s: %s" % (i, "missing" if c is None else "%s (%s)" % (c.get("verdict"), c.get("detail", ""))))
sys.exit(1 if bad else 0)
PY
)
if [ "$status" -eq 0 ] && [ -z "$control" ]; then
    echo "glibc passes all $(echo "$all_ids" | tr ',' '\n' | wc -l) clauses above [${secs}s]"
else
    echo "CONTROL FAILED: glibc (exit $status) does not pass: $control" >&2
    tail -n 30 "$log" >&2
    failures=$((failures + 1))
fi

[ "$failures" -eq 0 ] || die "$failures problem(s) above"
echo "mutants_test: all ${#MUTANTS[@]} mutants caught"
