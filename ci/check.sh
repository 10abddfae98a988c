#!/usr/bin/env bash
# heapspec's main job: checks the subjects against the conformance suite.
# Installs what is missing (ci/setup.sh), builds the `heapspec` command, then runs
#   heapspec check --subject libc,ref [ARG...]
# and exits with its code.
#
# Usage: bash ci/check.sh [ARG...]   (extra arguments go to `heapspec check`)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash ci/setup.sh
bazel build --curses=no --color=no --show_progress_rate_limit=30 //conformance:heapspec
exec bazel-bin/conformance/heapspec check --subject libc,ref "$@"
