# fuzz/sources.sh — the malloc harness's sources and flags for builds outside Bazel
# (fuzz/build_afl.sh, fuzz/build.sh). Sourced, with ROOT set to the repository root.
# Keep in step with MALLOC_HARNESS_SRCS and MALLOC_HARNESS_DEPS in fuzz/BUILD.

HSF_MALLOC_SRCS=(
    fuzz/data_producer.c
    fuzz/malloc_decode.c
    fuzz/malloc_fuzzer.c
    ref/mspace/alloc.c
    ref/mspace/check.c
    ref/mspace/mspace.c
    ref/mspace/posix.c
    ref/mspace/mspace_subject.c
)
# //conformance:engine is every conformance/*.c but these (conformance/BUILD)
for f in "$ROOT"/conformance/*.c; do
    case $(basename "$f") in
    main.c | ref_subjects.c | checker_bench.c | *_test.c) ;;
    *) HSF_MALLOC_SRCS+=("conformance/$(basename "$f")") ;;
    esac
done
for f in "$ROOT"/ref/glue/*.c; do
    HSF_MALLOC_SRCS+=("ref/glue/$(basename "$f")")
done

HSF_CFLAGS=(-std=gnu11 -I"$ROOT" -I"$ROOT/spec/include" -I"$ROOT/spec"
    -I"$ROOT/ref/include" -I"$ROOT/conformance")
HSF_LIBS=(-ldl -lpthread -lm)
