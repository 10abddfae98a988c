#!/bin/sh
# Stands in for Bazel's coverage tools, which cannot be fetched offline.
echo "heapspec: 'bazel coverage' is unavailable offline (no @remote_coverage_tools);" \
     "use 'bazel test' instead." >&2
exit 1
