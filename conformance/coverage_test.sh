#!/usr/bin/env bash
# coverage_test.sh HEAPSPEC: every required clause of the catalogue has a corpus case.
set -u
"$1" coverage || { echo "coverage_test: a required clause has no corpus case" >&2; exit 1; }
