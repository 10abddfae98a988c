#!/usr/bin/env bash
# fault_test.sh HEAPSPEC: the fault-injection replay axis. The malloc and mspace
# corpora are replayed against the reference heap with "the Nth request for
# backing memory fails" for N = 1..12 and with footprint limits; every run must
# pass (clean failures: NULL + ENOMEM, blocks intact, the subject's walker
# passes). A subject that cannot inject faults is reported, not silently passed.
set -u
tool=$1
fails=0
runs=0
run() {
  local out rc
  out=$("$tool" check --subject ref,ref-mspace --family malloc,mspace --jobs 2 --no-minimize "$@" 2>&1)
  rc=$?
  runs=$((runs + 1))
  if [ "$rc" -ne 0 ]; then
    echo "FAIL: heapspec check $* exited $rc" >&2
    grep -A6 '^FAIL' <<<"$out" | head -20 >&2
    fails=$((fails + 1))
  fi
}
for n in 1 2 3 4 5 6 7 8 9 10 11 12; do run --fail-nth "$n"; done
for l in 65536 1048576 16777216; do run --footprint-limit "$l"; done
out=$("$tool" check --subject glibc --family malloc --fail-nth 1 2>&1)
if [ $? -ne 1 ] || ! grep -q "does not support fault injection" <<<"$out"; then
  echo "FAIL: glibc under --fail-nth should be an error naming fault injection" >&2
  fails=$((fails + 1))
fi
echo "fault_test: $((runs - fails)) of $runs fault-axis runs clean"
[ "$fails" -eq 0 ]
