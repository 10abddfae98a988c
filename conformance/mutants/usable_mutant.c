/*
 * usable_mutant.c — breaks MALLOC-USABLE-1 (group USABLE).
 *
 * The bug: malloc_usable_size(p) answers one byte less than the size that
 * was requested. Every malloc, calloc and realloc block is a wrapped block
 * (mutant_common.h) whose tag records the requested size; alignment (offset
 * 16), contents and disjointness stay correct. Blocks from the aligned
 * entry points are glibc's own and answer truthfully.
 */
#include <stdlib.h>
#include <malloc.h>

#include "mutant_common.h"

MUT_EXPORT void *malloc(size_t n)
{
    return mut_wrap_alloc(n, 16);
}

MUT_EXPORT void free(void *p)
{
    mut_free_any(p);
}

MUT_EXPORT void *calloc(size_t n, size_t m)
{
    size_t total;
    if (__builtin_mul_overflow(n, m, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = mut_wrap_alloc(total, 16);
    if (p != NULL)
        memset(p, 0, total);
    return p;
}

MUT_EXPORT void *realloc(void *p, size_t n)
{
    return mut_realloc_any(p, n, malloc);
}

MUT_EXPORT void *reallocarray(void *p, size_t n, size_t m)
{
    return mut_reallocarray_via(p, n, m, realloc);
}

MUT_EXPORT size_t malloc_usable_size(void *p)
{
    struct mut_wrap *w = mut_wrap_of(p);
    if (w == NULL)
        return mut_glibc_usable(p);
    return w->size > 0 ? (size_t)w->size - 1 : 0; /* BUG: one byte short */
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_MALLOC
#define MUT_HAS_FREE
#define MUT_HAS_CALLOC
#define MUT_HAS_REALLOC
#define MUT_HAS_REALLOCARRAY
#define MUT_HAS_MALLOC_USABLE_SIZE
#include "mutant_passthrough.h"
