#!/usr/bin/env bash
# --config=valgrind runs every test through this (see .bazelrc): a test that is a
# compiled program runs under Memcheck, anything else (a shell or Python test) runs
# as it is, since Memcheck would check the interpreter instead (bash itself leaks).
# Exit code 99 means Memcheck found an error or a definite leak.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: valgrind_test_runner.sh TEST [ARG...]" >&2
  exit 2
fi

# ci/valgrind.supp: next to this script in the runfiles tree.
supp=$(dirname "${BASH_SOURCE[0]}")/valgrind.supp
[[ -f "$supp" ]] || supp=${RUNFILES_DIR:-$0.runfiles}/heapspec/ci/valgrind.supp

if [[ "$(head -c 4 -- "$1" 2>/dev/null)" == $'\x7fELF' ]]; then
  exec valgrind --quiet --vgdb=no --error-exitcode=99 --suppressions="$supp" \
    --leak-check=full --errors-for-leak-kinds=definite -- "$@"
fi
exec "$@"
