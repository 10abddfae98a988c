"""heapspec_malloc_conformance_test: run the malloc conformance corpus against an
allocator target inside `bazel test`, through cc_test's `malloc` attribute (Bazel's
native allocator swap). No source change in the allocator is needed.

    load("@heapspec//conformance:defs.bzl", "heapspec_malloc_conformance_test")

    heapspec_malloc_conformance_test(
        name = "my_malloc_conformance_test",
        malloc = "//my:allocator",   # a cc_library providing malloc, free, ...
    )

The test passes when every required clause (and every extension the allocator
offers) passes; the report (and JUnit XML in the test's outputs) names each clause.
`expect_fail` lists clause ids the allocator is known to fail; the test then fails
if one of them unexpectedly passes, so the list cannot go stale.
"""

def heapspec_malloc_conformance_test(name, malloc, expect_fail = [], clauses = [], size = "medium", tags = [], **kwargs):
    args = ["check", "--malloc-test", "--family", "malloc"]
    for c in expect_fail:
        args += ["--expect-fail", c]
    if clauses:
        args += ["--clause", ",".join(clauses)]
    native.cc_test(
        name = name,
        malloc = malloc,
        deps = [Label("//conformance:main")],
        data = [Label("//conformance:corpus")],
        linkopts = ["-rdynamic"],
        linkstatic = True,
        args = args,
        size = size,
        tags = tags,
        **kwargs
    )
