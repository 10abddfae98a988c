# fuzz/sources.sh — the harnesses' sources and flags for builds outside Bazel
# (fuzz/build_afl.sh, fuzz/build.sh). Sourced, with ROOT set to the repository root.
# Keep in step with MALLOC_HARNESS_SRCS/_DEPS and FAMILY_HARNESS_SRCS/_DEPS in fuzz/BUILD.
#
#   HSF_FAMILIES         the families of the generic harness (fuzz/family_fuzzer.c)
#   HSF_COMMON_SRCS      the engine, ref/glue, ref/subject: in every harness
#   HSF_MALLOC_SRCS      the malloc harness: its own sources + the ref mspace + common
#   HSF_FAMILY_SRCS      the generic harness but fuzz/family_fuzzer.c, which is
#                        compiled once per family with -DHS_FUZZ_FAMILY="<family>"
#   HSF_FAMILY_LDFLAGS   the generic harness's link flags (arena allocation wrap)

HSF_FAMILIES=(ring buddy mspace region gc spaces)

HSF_COMMON_SRCS=()
# //conformance:engine is every conformance/*.c but these (conformance/BUILD;
# recorder.c is the LD_PRELOAD recorder: it defines malloc itself)
for f in "$ROOT"/conformance/*.c; do
    case $(basename "$f") in
    main.c | recorder.c | ref_subjects.c | checker_bench.c | *_test.c) ;;
    *) HSF_COMMON_SRCS+=("conformance/$(basename "$f")") ;;
    esac
done
for f in "$ROOT"/ref/glue/*.c "$ROOT"/ref/subject/*.c; do
    case $(basename "$f") in
    *_test.c) ;;
    *) HSF_COMMON_SRCS+=("${f#"$ROOT"/}") ;;
    esac
done

HSF_MSPACE_SRCS=(ref/mspace/alloc.c ref/mspace/check.c ref/mspace/mspace.c
    ref/mspace/posix.c ref/mspace/mspace_subject.c)

HSF_MALLOC_SRCS=(
    fuzz/data_producer.c
    fuzz/events.c
    fuzz/malloc_decode.c
    fuzz/malloc_fuzzer.c
    "${HSF_MSPACE_SRCS[@]}"
    "${HSF_COMMON_SRCS[@]}"
)

# the libraries and subjects of //ref/{ring,buddy,region,gc,space}:*_subject
HSF_FAMILY_SRCS=(
    fuzz/data_producer.c
    fuzz/events.c
    fuzz/family_decode.c
    "${HSF_MSPACE_SRCS[@]}"
    ref/ring/ring.c ref/ring/ring_alloc.c ref/ring/ring_subject.c
    ref/buddy/buddy.c ref/buddy/buddy_alloc.c ref/buddy/buddy_subject.c
    ref/region/region.c ref/region/region_subject.c
    ref/space/image.c ref/space/limits.c ref/space/los.c ref/space/space.c
    ref/space/space_subject.c
    ref/gc/bitmap.c ref/gc/bitmap_alloc.c ref/gc/gc.c ref/gc/gc_check.c ref/gc/objset.c
    ref/gc/gc_subject.c
    "${HSF_COMMON_SRCS[@]}"
)
HSF_FAMILY_LDFLAGS=(-Wl,--wrap=hst_arena_alloc)

HSF_CFLAGS=(-std=gnu11 -I"$ROOT" -I"$ROOT/spec/include" -I"$ROOT/spec"
    -I"$ROOT/ref/include" -I"$ROOT/conformance")
HSF_LIBS=(-ldl -lpthread -lm)
