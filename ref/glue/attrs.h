/*
 * attrs.h — compiler attributes of the reference code; each is empty where the
 * compiler does not know it and under Frama-C (which reads the same files).
 */
#ifndef HEAPSPEC_REF_GLUE_ATTRS_H
#define HEAPSPEC_REF_GLUE_ATTRS_H

/* HSRI_WALKER marks a check() walker: under HS_OPEN_CHECKED it runs after every
 * mutating call and reads every node of the structure. In a fuzzing build its
 * loop comparisons, coverage-traced, cost more than the operation they follow
 * (buddy: 70% of a run, mspace: 60%) and tell the fuzzer nothing: a consistent
 * structure walks the same way, and an inconsistent one ends the run. ASan and
 * UBSan still instrument it. */
#if defined(__clang__) && !defined(__FRAMAC__)
#define HSRI_WALKER __attribute__((no_sanitize("coverage")))
#else
#define HSRI_WALKER
#endif

/* HSRI_NO_COVERAGE marks plumbing of the reference whose branches say
 * nothing of the component under test (which pages a reset finds resident),
 * so that a fuzzer does not take them for new behaviour. */
#if defined(__clang__) && !defined(__FRAMAC__)
#define HSRI_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define HSRI_NO_COVERAGE
#endif

/* HSRI_WALKER_INLINE marks a small helper a walker shares with the code it
 * checks. Plain `inline` is not enough: clang does not inline a function with
 * coverage instrumentation into one without (HSRI_WALKER), so the walker
 * called an instrumented out-of-line copy once per chunk; under UBSan the
 * copy also traced UBSan's own alignment and overflow compares for the
 * fuzzer (a quarter of an ASan + UBSan malloc campaign). */
#if defined(__clang__) && !defined(__FRAMAC__)
#define HSRI_WALKER_INLINE inline __attribute__((always_inline))
#else
#define HSRI_WALKER_INLINE inline
#endif

#endif
