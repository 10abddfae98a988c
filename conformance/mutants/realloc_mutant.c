/*
 * realloc_mutant.c — breaks MALLOC-REALLOC-1 (group REALLOC).
 *
 * The bug: a realloc that has to move the block copies only the first half
 * of the bytes it must keep. A grow within glibc's usable size stays in
 * place, a shrink goes to glibc (in place), and failures are glibc's, so only
 * moving reallocs lose data.
 */
#include <stdlib.h>
#include <malloc.h>

#include "mutant_common.h"

MUT_EXPORT void *realloc(void *p, size_t n)
{
    if (p == NULL || n == 0)
        return __libc_realloc(p, n);
    size_t old = mut_glibc_usable(p);
    if (n <= old)
        return __libc_realloc(p, n); /* shrink or grow in place: correct */
    void *q = __libc_malloc(n);
    if (q == NULL)
        return NULL;
    memcpy(q, p, old / 2); /* BUG: must copy old bytes */
    __libc_free(p);
    return q;
}

MUT_EXPORT void *reallocarray(void *p, size_t n, size_t m)
{
    return mut_reallocarray_via(p, n, m, realloc);
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_REALLOC
#define MUT_HAS_REALLOCARRAY
#include "mutant_passthrough.h"
