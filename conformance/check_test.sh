#!/usr/bin/env bash
# check_test.sh HEAPSPEC ARGS...: runs `heapspec check ARGS` and passes when every
# required and probed clause passes. EXPECT_SKIP="ID ..." (environment): these
# clauses must also be reported SKIP (not applicable to the subject), not judged.
set -u
tool=$1
shift
out=${TEST_UNDECLARED_OUTPUTS_DIR:-${TMPDIR:-/tmp}}
"$tool" check "$@" --jobs 2 --json "$out/report.json" --junit "$out/report.xml"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "check_test: heapspec check $* exited $rc (expected 0)" >&2
  exit 1
fi
grep -q '"failed":0' "$out/report.json" || { echo "check_test: JSON summary disagrees" >&2; exit 1; }
for id in ${EXPECT_SKIP:-}; do
  grep -q "\"$id\",\"class\":\"[A-Z]\",\"group\":\"[A-Z0-9_]*\",\"verdict\":\"SKIP\"" "$out/report.json" ||
    { echo "check_test: $id is not reported SKIP for $*" >&2; exit 1; }
done
echo "check_test: all required and probed clauses pass for $*${EXPECT_SKIP:+ (SKIP as expected: $EXPECT_SKIP)}"
