/*
 * zero_mutant.c — breaks MALLOC-ZERO-2 (group ZERO).
 *
 * The bug: malloc(0) returns the same static, non-NULL, 16-byte-aligned
 * pointer every time, so two live results compare equal. free ignores that
 * pointer, realloc moves it into a real block, and malloc_usable_size
 * answers 0 for it, so the pointer is otherwise handled consistently.
 */
#include <stdlib.h>
#include <malloc.h>

#include "mutant_common.h"

static _Alignas(16) char zero_block[16]; /* the one answer to malloc(0) */

MUT_EXPORT void *malloc(size_t n)
{
    if (n == 0)
        return zero_block; /* BUG: not unique */
    return __libc_malloc(n);
}

MUT_EXPORT void free(void *p)
{
    if (p != zero_block)
        __libc_free(p);
}

MUT_EXPORT void *realloc(void *p, size_t n)
{
    if (p == zero_block)
        return malloc(n); /* nothing to copy: the block had 0 bytes */
    return __libc_realloc(p, n);
}

MUT_EXPORT void *reallocarray(void *p, size_t n, size_t m)
{
    return mut_reallocarray_via(p, n, m, realloc);
}

MUT_EXPORT size_t malloc_usable_size(void *p)
{
    return p == zero_block ? 0 : mut_glibc_usable(p);
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_MALLOC
#define MUT_HAS_FREE
#define MUT_HAS_REALLOC
#define MUT_HAS_REALLOCARRAY
#define MUT_HAS_MALLOC_USABLE_SIZE
#include "mutant_passthrough.h"
