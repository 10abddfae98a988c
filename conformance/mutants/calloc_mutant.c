/*
 * calloc_mutant.c — breaks MALLOC-CALLOC-1 (group CALLOC).
 *
 * The bug: calloc(n, m) with n*m >= 4096 returns malloc'ed memory without
 * zeroing it. Fresh pages from the kernel are zero anyway, so the bug shows
 * exactly where the clause says it must not: calloc over reused dirty memory.
 * The overflow check stays, so MALLOC-CALLOC-2 still holds.
 */
#include <stdlib.h>

#include "mutant_common.h"

MUT_EXPORT void *calloc(size_t n, size_t m)
{
    size_t total;
    if (__builtin_mul_overflow(n, m, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    if (total >= 4096)
        return __libc_malloc(total); /* BUG: not zeroed */
    return __libc_calloc(n, m);
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_CALLOC
#include "mutant_passthrough.h"
