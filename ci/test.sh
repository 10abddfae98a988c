#!/usr/bin/env bash
# Runs heapspec's whole test suite: installs what is missing (ci/setup.sh), then
# `bazel test //...`. Exits with Bazel's code; the last line is "N passed, N failed".
#
# Usage: bash ci/test.sh [BAZEL_OPTION...] [TARGET...]   (no targets: //...)
#   e.g. bash ci/test.sh --config=asan      bash ci/test.sh //ci:all
# Give options in --name=value form: a word without a leading "-" is a target.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash ci/setup.sh

options=()
targets=()
for arg in "$@"; do
  case "$arg" in
    -*) options+=("$arg") ;;
    *) targets+=("$arg") ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(//...)

log=$(mktemp "${TMPDIR:-/tmp}/heapspec-test.XXXXXX.log")
trap 'rm -f "$log"' EXIT

# Bazel writes its progress and the test summary to stderr; keep a copy to count.
set +e
bazel test --curses=no --color=no --show_progress_rate_limit=30 \
  --test_output=errors "${options[@]}" -- "${targets[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Summary lines look like "//pkg:name   (cached) PASSED in 0.1s", "... FAILED in
# 2.0s", "... NO STATUS", "... TIMEOUT in 60.0s", "... FLAKY, failed in 1 out of 2".
awk '
  $1 ~ /^(@[^\/]*)?\/\/[^ ]*:/ {
    s = $0
    sub(/^[^ ]+ +/, "", s)
    sub(/^\(cached\) +/, "", s)
    if (s ~ /^(PASSED|FLAKY)/) passed++
    else if (s ~ /^(FAILED|NO STATUS|TIMEOUT|INCOMPLETE|REMOTE FAILURE|TOOL HALTED)/) failed++
  }
  END { printf "%d passed, %d failed\n", passed, failed }
' "$log"
exit "$status"
