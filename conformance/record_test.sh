#!/usr/bin/env bash
# record_test.sh HEAPSPEC: `heapspec record` turns a real program's malloc
# traffic (sqlite3 building and querying a table) into a trace that replays,
# judged, on glibc and on the reference heap; the program's output is the
# same with and without the recorder.
set -u
tool=$1
tmp=${TEST_TMPDIR:-$(mktemp -d)}
sql="create table t(a, b);
with recursive c(x) as (select 1 union all select x + 1 from c where x < 20000)
insert into t select x, hex(randomblob(20)) from c;
select count(*), sum(a) from t;"
plain=$(sqlite3 "$tmp/plain.db" "$sql") || { echo "record_test: sqlite3 failed" >&2; exit 1; }
recorded=$("$tool" record -o "$tmp/sqlite.trace" -- sqlite3 "$tmp/rec.db" "$sql") || {
  echo "record_test: heapspec record failed" >&2
  exit 1
}
[ "$plain" = "$recorded" ] || { echo "record_test: output differs: '$plain' vs '$recorded'" >&2; exit 1; }
ops=$(grep -cE '^(malloc|calloc|realloc|free|aligned_alloc|posix_memalign|memalign) ' "$tmp/sqlite.trace")
[ "$ops" -ge 10000 ] || { echo "record_test: only $ops operations recorded" >&2; exit 1; }
tail -1 "$tmp/sqlite.trace" | grep -qx end || { echo "record_test: trace not closed" >&2; exit 1; }
"$tool" replay --subject glibc,ref "$tmp/sqlite.trace" --json "$tmp/replay.json" >"$tmp/replay.txt" 2>&1 || {
  echo "record_test: replay of the recorded trace failed" >&2
  tail -20 "$tmp/replay.txt" >&2
  exit 1
}
grep -q '"id":"MALLOC-DISJOINT-1","class":"R","group":"DISJOINT","verdict":"PASS"' "$tmp/replay.json" ||
  { echo "record_test: replay judged nothing" >&2; exit 1; }
echo "record_test: $ops operations recorded from sqlite3, replayed clean on glibc and ref"
