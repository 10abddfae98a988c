#!/usr/bin/env bash
# Installs what heapspec needs on Debian 12 and configures the provers for Frama-C.
# Idempotent: prints nothing when everything is already in place.
# Usage: bash ci/setup.sh   (as root when packages are missing)
set -euo pipefail

# Every Debian 12 package the build, the tests and the tools use, one group a line:
# Bazel 4.2.3 offline; clang-14 with sanitizers, libFuzzer and the symbolizer;
# fuzzing, proofs and Memcheck; the third-party allocators under test; reports.
PACKAGES="bazel-bootstrap bazel-platforms bazel-rules-java
  clang-14 libclang-rt-14-dev libfuzzer-14-dev lld-14 llvm-14
  afl++ frama-c-base why3 z3 cvc4 valgrind
  libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev libgc-dev
  sqlite3 python3"

die() {
  echo "ci/setup.sh: $*" >&2
  exit 1
}

# Prints the packages of the list that are not installed.
missing_packages() {
  local p status
  for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || echo "$p"
  done
}

install_missing() {
  local missing log
  missing=$(missing_packages | tr '\n' ' ')
  missing=${missing% }
  [[ -n "$missing" ]] || return 0

  if [[ $(id -u) -ne 0 ]]; then
    die "missing Debian packages: $missing
  Install them as root:  apt-get update && apt-get install -y --no-install-recommends $missing"
  fi

  log=$(mktemp "${TMPDIR:-/tmp}/heapspec-setup.XXXXXX.log")
  echo "ci/setup.sh: installing $missing"
  # shellcheck disable=SC2086  # the package list splits on purpose
  {
    apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
  } >>"$log" 2>&1 || true
  # Judge by what dpkg now reports installed, whatever apt-get's exit code.
  missing=$(missing_packages | tr '\n' ' ')
  if [[ -z "$missing" ]]; then
    rm -f "$log"
    return 0
  fi
  die "could not install Debian packages: ${missing% }
  See the apt-get log: $log"
}

# why3 keeps its prover list per user; Frama-C's WP needs z3 and cvc4 in it.
configure_why3() {
  local conf="${WHY3CONFIG:-${HOME:?ci/setup.sh: HOME is not set}/.why3.conf}" out
  if [[ -f "$conf" ]] && grep -q '^name = "Z3"' "$conf" &&
    grep -q '^name = "CVC4"' "$conf"; then
    return 0
  fi
  out=$(why3 config detect 2>&1) || die "'why3 config detect' failed:
$out"
  if ! grep -qs -e '^name = "Z3"' -e '^name = "CVC4"' "$conf"; then
    die "why3 found neither z3 nor cvc4 ($conf); Frama-C's WP proofs need one:
$out"
  fi
}

install_missing
configure_why3
