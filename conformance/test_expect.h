/* test_expect.h — EXPECT for the engine's unit tests (trace_test.c,
 * pattern_test.c): a failed expectation prints file:line, the condition and
 * a message, and is counted in `failures`, which main() turns into the exit
 * status. A test whose loops could repeat one failure many times defines
 * HST_EXPECT_MAX first: it exits at that many failures. */
#ifndef HEAPSPEC_CONFORMANCE_TEST_EXPECT_H
#define HEAPSPEC_CONFORMANCE_TEST_EXPECT_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef HST_EXPECT_MAX
#define HST_EXPECT_MAX INT_MAX
#endif

static int failures;

#define EXPECT(cond, ...)                                                                  \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: expected %s: ", __FILE__, __LINE__, #cond);           \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fputc('\n', stderr);                                                           \
            if (++failures >= HST_EXPECT_MAX)                                              \
                exit(1);                                                                   \
        }                                                                                  \
    } while (0)

#endif
