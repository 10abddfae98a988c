"""The test that a family's checker catches each of its mutants."""

def family_mutants_test(family, ref, mutants, lib, size = "medium"):
    """mutants_test: each mutant must FAIL its clause, and ref must PASS them all.

    Args:
      family: the family the checker judges (heapspec check --family).
      ref: the reference subject that must pass every clause used (--subject).
      mutants: mutant name -> the clause it must fail.
      lib: the mutant library's label, with %s for the mutant name.
      size: the test size.
    """
    native.sh_test(
        name = "mutants_test",
        size = size,
        srcs = ["//conformance/mutants:family_mutants_test.sh"],
        args = [
            "$(rootpath //conformance:heapspec)",
            family,
            ref,
        ] + ["%s=$(rootpath %s)" % (c, lib % m) for m, c in mutants.items()],
        data = [
            "//conformance:corpus",
            "//conformance:heapspec",
        ] + [lib % m for m in mutants],
    )
