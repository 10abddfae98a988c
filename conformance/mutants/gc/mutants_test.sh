#!/bin/bash
# mutants_test.sh — proves the gc (or spaces) family checker catches each
# planted bug and that the reference subject passes the same clauses.
#
# Usage: mutants_test.sh HEAPSPEC FAMILY REF_SUBJECT CLAUSE=MUTANT_LIB...
#   (conformance/mutants/gc/BUILD and conformance/mutants/spaces/BUILD)
#
# Per pair: `heapspec check --subject-lib LIB --family FAMILY --clause CLAUSE
# --json OUT` must exit 1 with verdict FAIL for CLAUSE. Per clause: `heapspec
# check --subject REF_SUBJECT --family FAMILY --clause CLAUSE` must exit 0
# with verdict PASS.
set -u

fail() { echo "mutants_test: FAIL: $*" >&2; exit 1; }
absolute() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

[ $# -ge 4 ] || fail "usage: $0 HEAPSPEC FAMILY REF_SUBJECT CLAUSE=LIB..."
TOOL=$(absolute "$1"); FAM=$2; REF=$3; shift 3
[ -x "$TOOL" ] || fail "no heapspec tool at $TOOL"
OUT=${TEST_TMPDIR:-$(mktemp -d)}/mutants-$FAM
mkdir -p "$OUT" || fail "cannot make $OUT"

# has_verdict JSON CLAUSE WANT: the report says WANT for CLAUSE.
has_verdict() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
path, cid, want = sys.argv[1:4]
try:
    with open(path) as f:
        got = {c["id"]: c.get("verdict") for c in json.load(f)["subjects"][0]["clauses"]}
except Exception as e:
    print("unreadable report %s: %s" % (path, e)); sys.exit(1)
if got.get(cid) != want:
    print("%s: verdict %s, want %s" % (cid, got.get(cid), want)); sys.exit(1)
PY
}

bad=0
for pair in "$@"; do
    clause=${pair%%=*}
    lib=$(absolute "${pair#*=}")
    name=$(basename "$lib" .so)
    [ -f "$lib" ] || fail "no mutant library at $lib"
    timeout 120 "$TOOL" check --subject-lib "$lib" --family "$FAM" --clause "$clause" \
        --json "$OUT/$name.json" >"$OUT/$name.log" 2>&1
    st=$?
    why=$(has_verdict "$OUT/$name.json" "$clause" FAIL)
    if [ "$st" -eq 1 ] && [ -z "$why" ]; then
        echo "caught $name by $clause"
    else
        echo "MISSED $name ($clause): exit $st, want 1; $why" >&2
        tail -n 20 "$OUT/$name.log" >&2
        bad=$((bad + 1))
    fi
    timeout 120 "$TOOL" check --subject "$REF" --family "$FAM" --clause "$clause" \
        --json "$OUT/$REF-$clause.json" >"$OUT/$REF-$clause.log" 2>&1
    st=$?
    why=$(has_verdict "$OUT/$REF-$clause.json" "$clause" PASS)
    if [ "$st" -ne 0 ] || [ -n "$why" ]; then
        echo "CONTROL FAILED: $REF on $clause: exit $st; $why" >&2
        tail -n 20 "$OUT/$REF-$clause.log" >&2
        bad=$((bad + 1))
    fi
done
[ "$bad" -eq 0 ] || fail "$bad problem(s) above"
echo "mutants_test: all $# $FAM mutants caught; $REF passes their clauses"
