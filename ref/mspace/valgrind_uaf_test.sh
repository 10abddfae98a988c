#!/bin/sh
# Runs valgrind_uaf (a deliberate use-after-free of an mspace block) under
# memcheck and asserts that memcheck reports exactly that: one "Invalid read"
# after the clean part, and no error before it.
# Usage: valgrind_uaf_test.sh <path of valgrind_uaf>
set -u
prog="$1"
log="${TEST_TMPDIR:-/tmp}/valgrind_uaf.$$.log"

if ! command -v valgrind >/dev/null 2>&1; then
    echo "FAIL: valgrind is not installed" >&2
    exit 1
fi

if [ "$("$prog" --probe)" = "asan" ]; then
    echo "SKIPPED: the program was built with ASan (--config=asan); memcheck cannot run it"
    exit 0
fi

valgrind --error-exitcode=3 --leak-check=no "$prog" >"$log" 2>&1
rc=$?
cat "$log"

if [ "$rc" -ne 3 ]; then
    echo "FAIL: expected memcheck's error exit code 3, got $rc" >&2
    exit 1
fi
if ! grep -q "Invalid read of size 1" "$log"; then
    echo "FAIL: memcheck did not report the use after free as an Invalid read" >&2
    exit 1
fi
# The allocator's own bookkeeping must not produce reports: every error
# comes after the clean part, and there is exactly one.
before=$(sed -n '/clean part done/q;p' "$log" | grep -c "Invalid\|uninitialised" || true)
if [ "$before" -ne 0 ]; then
    echo "FAIL: memcheck reported $before error(s) during the clean part" >&2
    exit 1
fi
if ! grep -q "ERROR SUMMARY: 1 errors" "$log"; then
    echo "FAIL: expected exactly one memcheck error" >&2
    exit 1
fi
echo "PASS: memcheck saw the use after free and nothing else"
