#!/usr/bin/env bash
# heapspec's main job: a conformance check of the system allocator (libc) and of
# the reference heap (ref), with a report. Installs what is missing
# (ci/setup.sh), builds the `heapspec` command, runs
#   heapspec check --subject libc,ref,ref-mspace,ref-region,ref-ring,ref-buddy,ref-spaces,ref-gc [ARG...]
# prints the report and writes it as JSON, JUnit XML and HTML under
# $HEAPSPEC_REPORT_DIR (default: heapspec-report/). Exits with heapspec's code:
# 0 every required and probed clause passed, 1 a clause failed, 2 usage error.
#
# Usage: bash ci/check.sh [ARG...]   (extra arguments go to `heapspec check`,
#        e.g. --subject glibc,jemalloc,mimalloc,tcmalloc,ref to override)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash ci/setup.sh
bazel build --curses=no --color=no --show_progress_rate_limit=30 //conformance:heapspec
out=${HEAPSPEC_REPORT_DIR:-heapspec-report}
mkdir -p "$out"
subjects=(--subject libc,ref,ref-mspace,ref-region,ref-ring,ref-buddy,ref-spaces,ref-gc)
for arg in "$@"; do
  [[ "$arg" == --subject* || "$arg" == --subject-lib* ]] && subjects=()
done
set +e
bazel-bin/conformance/heapspec check "${subjects[@]}" "$@" --json "$out/report.json" \
  --junit "$out/report.xml" --html "$out/report.html"
status=$?
set -e
echo "reports: $out/report.html $out/report.json $out/report.xml"
exit "$status"
