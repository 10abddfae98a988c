/*
 * test_util.h — the few helpers the mspace tests share: a CHECK macro that
 * fails the test with file:line and the expression, and a heap check that
 * fails the test with the walker's message.
 */
#ifndef HEAPSPEC_REF_MSPACE_TEST_UTIL_H
#define HEAPSPEC_REF_MSPACE_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "heapspec/mspace.h"

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);      \
            exit(1);                                                                      \
        }                                                                                 \
    } while (0)

#define CHECK_HEAP(ms)                                                                    \
    do {                                                                                  \
        char msg_[256];                                                                   \
        if (hsr_mspace_check((ms), msg_, sizeof msg_) != 0) {                             \
            fprintf(stderr, "%s:%d: heap check failed: %s\n", __FILE__, __LINE__, msg_); \
            exit(1);                                                                      \
        }                                                                                 \
    } while (0)

#endif /* HEAPSPEC_REF_MSPACE_TEST_UTIL_H */
