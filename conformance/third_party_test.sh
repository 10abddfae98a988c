#!/usr/bin/env bash
# third_party_test.sh HEAPSPEC EXPECTED.tsv: checks Debian's glibc, jemalloc,
# mimalloc and tcmalloc in one run; every subject runs every case (no subject
# error), the reports are complete, and the set of failing clauses is exactly
# the recorded one.
set -u
tool=$1
expected=$2
out=${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR:-/tmp}}
"$tool" check --subject glibc,jemalloc,mimalloc,tcmalloc --jobs 2 --json "$out/third_party.json" \
  --junit "$out/third_party.xml" >"$out/third_party.txt" 2>&1
rc=$?
if [ "$rc" -ne 1 ]; then
  echo "third_party_test: expected exit 1 (known failures), got $rc" >&2
  tail -30 "$out/third_party.txt" >&2
  exit 1
fi
python3 - "$out/third_party.json" "$expected" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
want = set()
for line in open(sys.argv[2]):
    if line.startswith("#") or not line.strip():
        continue
    subject, clause = line.split("\t")[:2]
    want.add((subject, clause))
got = set()
bad = []
for s in j["subjects"]:
    if s["error"]:
        bad.append(f"{s['name']}: subject error: {s['error']}")
    if s["cases"] < 50:
        bad.append(f"{s['name']}: only {s['cases']} cases ran")
    for c in s["clauses"]:
        if c["verdict"] not in ("PASS", "FAIL", "SKIP", "RECORD", "FIGURE", "NOT-RUN", "N/A"):
            bad.append(f"{s['name']} {c['id']}: verdict {c['verdict']}")
        if c["verdict"] == "FAIL":
            got.add((s["name"], c["id"]))
            if not c["failures"] or not c["failures"][0]["trace"]:
                bad.append(f"{s['name']} {c['id']}: FAIL without a trace")
        if c["class"] == "R" and c["verdict"] == "NOT-RUN":
            bad.append(f"{s['name']} {c['id']}: required clause not run")
for x in sorted(got - want):
    bad.append(f"new failure: {x[0]} {x[1]}")
for x in sorted(want - got):
    bad.append(f"recorded failure no longer fails: {x[0]} {x[1]}")
for b in bad:
    print("third_party_test:", b, file=sys.stderr)
print(f"third_party_test: {len(got)} recorded failures across {len(j['subjects'])} allocators, "
      f"{len(bad)} problems")
sys.exit(1 if bad else 0)
PY
