#!/usr/bin/env bash
# check_test.sh HEAPSPEC ARGS...: runs `heapspec check ARGS` over the whole
# malloc corpus and passes when every required and probed clause passes.
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
echo "check_test: all required and probed clauses pass for $*"
