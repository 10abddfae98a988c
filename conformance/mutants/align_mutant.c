/*
 * align_mutant.c — breaks MALLOC-ALIGN-1 (group ALIGN).
 *
 * The bug: malloc(n) for 48 <= n <= 64 returns a pointer 8 bytes past a
 * 16-byte boundary (a wrapped block at offset 24 of an over-allocated glibc
 * chunk; see mutant_common.h). Every other size, and every other entry
 * point, is glibc's. free, realloc, reallocarray and malloc_usable_size undo
 * the offset, so nothing but the alignment is wrong.
 */
#include <stdlib.h>
#include <malloc.h>

#include "mutant_common.h"

MUT_EXPORT void *malloc(size_t n)
{
    if (n >= 48 && n <= 64)
        return mut_wrap_alloc(n, 24); /* BUG: 24 = 16 + 8, so p % 16 == 8 */
    return __libc_malloc(n);
}

MUT_EXPORT void free(void *p)
{
    mut_free_any(p);
}

MUT_EXPORT void *calloc(size_t n, size_t m)
{
    return __libc_calloc(n, m);
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
    return w != NULL ? (size_t)w->size : mut_glibc_usable(p);
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_MALLOC
#define MUT_HAS_FREE
#define MUT_HAS_CALLOC
#define MUT_HAS_REALLOC
#define MUT_HAS_REALLOCARRAY
#define MUT_HAS_MALLOC_USABLE_SIZE
#include "mutant_passthrough.h"
