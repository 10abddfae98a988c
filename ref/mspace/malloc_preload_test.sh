#!/bin/sh
# Runs real programs on the reference malloc (LD_PRELOAD of
# libheapspec_malloc.so) and compares their output with a run on the
# system malloc:
#   1. python3 with an allocation-heavy script (dicts, lists, strings,
#      json round trips, sorting, big bytearrays, threads);
#   2. sqlite3: a table of 20 000 rows, aggregates, an index, a join.
# It first proves the preload is in effect: malloc_usable_size(malloc(1))
# called through ctypes must give the mspace's answer (32), not glibc's.
# Usage: malloc_preload_test.sh <path of libheapspec_malloc.so>
set -eu
so="$1"
case "$so" in /*) ;; *) so="$PWD/$so" ;; esac
tmp="${TEST_TMPDIR:-/tmp}/preload.$$"
mkdir -p "$tmp"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

command -v python3 >/dev/null || fail "python3 is not installed"
command -v sqlite3 >/dev/null || fail "sqlite3 is not installed"

# A sanitizer build of the .so needs the sanitizer runtime loaded first: it
# cannot be preloaded into python3 / sqlite3.
if nm -D --undefined-only "$so" 2>/dev/null | grep -q "__asan_\|__ubsan_\|__sanitizer_"; then
    echo "SKIPPED: $so was built with a sanitizer (--config=asan/ubsan/fuzz)"
    exit 0
fi

# --- 0. the preload is really used ---
usable=$(LD_PRELOAD="$so" python3 -c '
import ctypes
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc_usable_size.argtypes = [ctypes.c_void_p]
p = libc.malloc(1)
print(libc.malloc_usable_size(p))
')
[ "$usable" = "32" ] || fail "malloc_usable_size(malloc(1)) = $usable under LD_PRELOAD; the reference malloc is not in use"
echo "preload in effect (malloc_usable_size(malloc(1)) = $usable)"

# --- 1. python ---
cat >"$tmp/alloc.py" <<'PY'
import hashlib, json, random, threading
random.seed(12345)
h = hashlib.sha256()
d = {}
for i in range(200000):
    d["k%d" % i] = [i, str(i) * (i % 7), {"x": i % 13}]
for i in range(0, 200000, 3):
    del d["k%d" % i]
blob = json.dumps(d, sort_keys=True)
back = json.loads(blob)
h.update(blob.encode())
words = ["".join(random.choice("abcdefgh") for _ in range(random.randint(1, 40))) for _ in range(100000)]
words.sort()
h.update("".join(words[::97]).encode())
chunks = [bytearray(random.randint(1, 1 << 20)) for _ in range(60)]
for c in chunks[::2]:
    c.extend(b"z" * 4096)
h.update(str(sum(len(c) for c in chunks)).encode())
out = []
def work(n):
    s = 0
    for i in range(20000):
        s += len(str(i * n) * (i % 5))
    out.append(s)
ts = [threading.Thread(target=work, args=(n,)) for n in range(1, 5)]
for t in ts: t.start()
for t in ts: t.join()
h.update(str(sorted(out)).encode())
print(len(back), h.hexdigest())
PY
python3 "$tmp/alloc.py" >"$tmp/py.sys"
LD_PRELOAD="$so" python3 "$tmp/alloc.py" >"$tmp/py.ref" || fail "python3 failed on the reference malloc"
cmp "$tmp/py.sys" "$tmp/py.ref" || fail "python3 output differs: $(cat "$tmp/py.sys") vs $(cat "$tmp/py.ref")"
echo "python3: identical output ($(cat "$tmp/py.ref"))"

# --- 2. sqlite3 ---
cat >"$tmp/q.sql" <<'SQL'
CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, val REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO t SELECT i, i % 97, printf('name-%06d-%s', i, substr('abcdefghij', 1 + i % 10)), (i * 37 % 1000) / 7.0 FROM n;
CREATE INDEX t_grp ON t(grp);
SELECT count(*), sum(grp), printf('%.4f', avg(val)), min(name), max(name) FROM t;
SELECT grp, count(*), printf('%.3f', sum(val)) FROM t GROUP BY grp ORDER BY grp LIMIT 5;
SELECT count(*) FROM t a JOIN t b ON a.grp = b.grp AND a.id < b.id WHERE a.id % 50 = 0;
SELECT group_concat(name, ',') IS NOT NULL, length(group_concat(name, ',')) FROM t;
SQL
sqlite3 :memory: <"$tmp/q.sql" >"$tmp/sq.sys"
LD_PRELOAD="$so" sqlite3 :memory: <"$tmp/q.sql" >"$tmp/sq.ref" || fail "sqlite3 failed on the reference malloc"
cmp "$tmp/sq.sys" "$tmp/sq.ref" || fail "sqlite3 output differs"
[ "$(head -1 "$tmp/sq.ref" | cut -d'|' -f1)" = "20000" ] || fail "sqlite3 did not insert 20000 rows"
echo "sqlite3: identical output ($(head -1 "$tmp/sq.ref"))"
rm -rf "$tmp"
echo "PASS"
