"""Compiler flags shared by every heapspec C target (clang-14, see .bazelrc)."""

# Project code: GNU C11 (we use GNU extensions, so not -std=c11), every warning an
# error, and symbols hidden unless a public header exports them.
HS_COPTS = [
    "-std=gnu11",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wconversion",
    "-Wsign-conversion",
    "-Wshadow",
    "-Wstrict-prototypes",
    "-Wmissing-prototypes",
    "-Wvla",
    "-Wpointer-arith",
    "-Wno-unused-parameter",
    "-fvisibility=hidden",
]

# Tests, test helpers, fuzz targets: as strict, but they may define functions without
# a prototype in a header, and their symbols keep the default visibility.
HS_TEST_COPTS = [
    c
    for c in HS_COPTS
    if c not in ["-Wmissing-prototypes", "-fvisibility=hidden"]
]

# Fuzzing builds (//ci:fuzz): keep the edge counters but not libFuzzer's comparison hooks,
# for reference code whose operands are decoded numbers and its own metadata, never input
# bytes as they are. Each package that adds it says in its BUILD file what it measured.
HS_FUZZ_NO_CMP_COPTS = select({
    "//ci:fuzz": ["-fno-sanitize-coverage=trace-cmp"],
    "//conditions:default": [],
})
