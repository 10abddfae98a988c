"""heapspec_subject_so: a subject as a loadable shared object."""

load("@rules_cc//cc:defs.bzl", "cc_binary")
load("//ci:copts.bzl", "HS_COPTS")

def heapspec_subject_so(name, srcs, deps, copts = HS_COPTS, **kwargs):
    """A shared object exporting heapspec_subject() and nothing else.

    The ABI's loader (`heapspec check --subject-lib`, HEAPSPEC_FUZZ_SUBJECT)
    dlopens it and calls heapspec_subject(); the linker version script
    //ref:subject.lds keeps every other symbol local, so two subjects built
    from the same reference code can be loaded side by side.

    Args:
      name: the output, lib<something>.so.
      srcs: sources (one of them defines heapspec_subject()).
      deps: libraries linked in.
      copts: compiler flags (default: the project's HS_COPTS).
      **kwargs: passed to cc_binary (visibility, local_defines, testonly...).
    """
    cc_binary(
        name = name,
        srcs = srcs,
        additional_linker_inputs = ["//ref:subject.lds"],
        copts = copts,
        linkopts = ["-Wl,--version-script=$(location //ref:subject.lds)"],
        linkshared = True,
        deps = deps,
        **kwargs
    )
