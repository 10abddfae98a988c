#!/usr/bin/env bash
# cli_test.sh HEAPSPEC: bad input gets a clear error and exit status 2, never a
# crash; the reports are well formed; the catalogue is machine-readable.
set -u
tool=$1
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fails=0
pass=0

# expect CODE PATTERN ARGS...: exit status CODE and PATTERN in stderr+stdout
expect() {
  local code=$1 pattern=$2
  shift 2
  local out rc
  out=$("$tool" "$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$code" ] || ! grep -q -- "$pattern" <<<"$out"; then
    echo "FAIL: heapspec $* -> exit $rc (want $code), output:" >&2
    echo "$out" | head -5 >&2
    fails=$((fails + 1))
  else
    pass=$((pass + 1))
  fi
}

expect 2 "usage:"
expect 2 "unknown command" frobnicate
expect 2 "unknown subject 'nosuch'" check --subject nosuch
expect 2 "name at least one" check
expect 2 "needs a value" check --subject
expect 2 "numeric option out of range" check --subject glibc --jobs 0
expect 2 "unknown clause id 'MALLOC-NOPE-1'" check --subject glibc --clause MALLOC-NOPE-1
expect 2 "no case named 'no-such-case'" check --subject glibc --case no-such-case
expect 2 "No such file" check --subject glibc --corpus "$tmp/missing"
expect 2 "No such file" check --subject-lib "$tmp/missing.so"
expect 2 "goes with --subject libc" check --subject glibc --preload "$tool"
expect 2 "family nosuch: not judged" check --subject glibc --family nosuch
expect 2 "unknown option" check --subject glibc --frobnicate

# Bad traces: each names file:line and the problem.
bad() {
  local name=$1 pattern=$2 text=$3
  printf '%b' "$text" >"$tmp/$name.trace"
  expect 2 "$pattern" check --subject glibc --corpus "$tmp/$name.trace"
}
bad unknown-op "unknown-op.trace:3: unknown operation \`mallocc\`" 'case a\nclauses MALLOC-ALIGN-1\nmallocc #1 8\nend\n'
bad bad-id "bad-id.trace:3: expected a block id" 'case a\nclauses MALLOC-ALIGN-1\nmalloc 1 8\nend\n'
bad big-id "big-id.trace:3: bad block id" 'case a\nclauses MALLOC-ALIGN-1\nmalloc #99999999 8\nend\n'
bad bad-num "bad-num.trace:3: bad number" 'case a\nclauses MALLOC-ALIGN-1\nmalloc #1 12x\nend\n'
bad overflow "overflow.trace:3: bad number" 'case a\nclauses MALLOC-ALIGN-1\nmalloc #1 SIZE_MAX+1\nend\n'
bad no-end "no-end.trace:3: end of file inside case a" 'case a\nclauses MALLOC-ALIGN-1\nmalloc #1 8\n'
bad no-clause "no-clause.trace:3: case a names no clause" 'case a\nmalloc #1 8\nend\n'
bad bad-clause "bad-clause.trace:2: unknown clause id" 'case a\nclauses MALLOC-FOO\nend\n'
bad outside "outside.trace:1: \`malloc\` outside a case" 'malloc #1 8\n'
bad dup "dup.trace:5: case a is already defined" 'case a\nclauses MALLOC-ALIGN-1\nmalloc #1 8\nend\ncase a\nclauses MALLOC-ALIGN-1\nend\n'
bad arity "arity.trace:3: \`calloc\` takes 3 arguments" 'case a\nclauses MALLOC-ALIGN-1\ncalloc #1 8\nend\n'
bad nul "nul.trace:3: NUL byte" 'case a\nclauses MALLOC-ALIGN-1\nmal\0loc\nend\n'
bad threads "threads.trace:3: \`threads\`: thread count must be 1..64" 'case a\nclauses MALLOC-THREAD-1\nthreads 0 10 10\nend\n'
bad timeout "timeout.trace:3: usage: timeout" 'case a\nclauses MALLOC-ALIGN-1\ntimeout 0\nend\n'
head -c 5000 /dev/urandom >"$tmp/garbage.trace"
out=$("$tool" check --subject glibc --corpus "$tmp/garbage.trace" 2>&1)
rc=$?
if [ "$rc" -ne 2 ] || ! grep -q "garbage.trace:" <<<"$out"; then
  echo "FAIL: random bytes as a trace: exit $rc: $out" >&2
  fails=$((fails + 1))
else
  pass=$((pass + 1))
fi

# A subject library that is not one: the subject is reported as unusable (exit 1).
printf 'not an ELF file\n' >"$tmp/fake.so"
printf 'case ok\nclauses MALLOC-ALIGN-1\nmalloc #1 24\nfree #1\nend\n' >"$tmp/ok.trace"
expect 1 "cannot load subject library" check --subject-lib "$tmp/fake.so" --corpus "$tmp/ok.trace"

# Reports: JSON parses with the documented shape; JUnit is XML with one
# testcase per listed clause; the terminal summary is the last line.
"$tool" check --subject glibc --corpus "$tmp/ok.trace" --json "$tmp/r.json" --junit "$tmp/r.xml" \
  --html "$tmp/r.html" >"$tmp/r.txt" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "FAIL: a passing trace exited $rc" >&2
  fails=$((fails + 1))
fi
if python3 - "$tmp/r.json" "$tmp/r.xml" "$tmp/r.html" <<'PY'; then pass=$((pass + 1)); else fails=$((fails + 1)); fi
import json, sys, xml.etree.ElementTree as ET
j = json.load(open(sys.argv[1]))
assert j["heapspec"]["abi_version"] == 1
s = j["subjects"][0]
assert s["name"] == "glibc" and s["cases"] == 1, s
ids = {c["id"]: c for c in s["clauses"]}
assert ids["MALLOC-ALIGN-1"]["verdict"] == "PASS", ids["MALLOC-ALIGN-1"]
assert ids["MALLOC-ALIGN-1"]["checks"] >= 1
assert j["summary"]["failed"] == 0
t = ET.parse(sys.argv[2]).getroot()
cases = t.findall(".//testcase")
assert len(cases) == len(s["clauses"]), (len(cases), len(s["clauses"]))
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.rows = 0; self.cells = []
    def handle_starttag(self, tag, attrs):
        if tag in ("meta", "br"): return
        self.stack.append(tag)
        if tag == "tr": self.rows += 1
        if tag == "td": self.cells.append(dict(attrs).get("class"))
    def handle_endtag(self, tag):
        if tag in ("meta", "br"): return
        assert self.stack and self.stack[-1] == tag, (self.stack[-3:], tag)
        self.stack.pop()
p = P(); p.feed(open(sys.argv[3]).read()); p.close()
assert not p.stack, p.stack
assert p.rows == len(s["clauses"]) + 1, p.rows
assert "PASS" in p.cells
PY
tail -1 "$tmp/r.txt" | grep -Eq '^clauses: [0-9]+ passed, 0 failed, [0-9]+ skipped$' && pass=$((pass + 1)) || {
  echo "FAIL: last line of the report: $(tail -1 "$tmp/r.txt")" >&2
  fails=$((fails + 1))
}

# The catalogue: at least 40 clauses, five tab-separated columns, valid JSON.
n=$("$tool" clauses --tsv | awk -F'\t' 'NF == 5' | wc -l)
if [ "$n" -ge 40 ]; then pass=$((pass + 1)); else
  echo "FAIL: clauses --tsv gave $n well-formed rows" >&2
  fails=$((fails + 1))
fi
"$tool" clauses --json | python3 -c 'import json,sys; c=json.load(sys.stdin); assert all(x["class"] in "RIXUQ" for x in c)' &&
  pass=$((pass + 1)) || fails=$((fails + 1))
expect 0 "ABI 1, runtime 1" version

echo "cli_test: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
