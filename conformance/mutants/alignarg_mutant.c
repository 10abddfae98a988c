/*
 * alignarg_mutant.c — breaks MALLOC-POSIX-MEMALIGN-1 and -2 (group ALIGNARG).
 *
 * The bugs, both in posix_memalign:
 *   1. an alignment that is not a power of two (3, 24, 4097, ...) is
 *      accepted and rounded up, where POSIX requires EINVAL;
 *   2. on failure (alignment 0 or below sizeof(void *), or no memory) the
 *      function stores NULL into *memptr, which it must leave untouched.
 * aligned_alloc, memalign and every other entry point are glibc's.
 */
#include <stdlib.h>

#include "mutant_common.h"

MUT_EXPORT int posix_memalign(void **out, size_t a, size_t n)
{
    int saved = errno;
    if (a != 0 && (a & (a - 1u)) != 0) {
        size_t up = sizeof(void *);
        while (up < a && up <= SIZE_MAX / 2u)
            up *= 2u;
        if (up >= a)
            a = up; /* BUG 1: must be EINVAL */
    }
    if (a == 0 || (a & (a - 1u)) != 0 || a % sizeof(void *) != 0) {
        *out = NULL; /* BUG 2: *out must stay untouched */
        return EINVAL;
    }
    void *p = __libc_memalign(a, n);
    errno = saved;
    if (p == NULL) {
        *out = NULL; /* BUG 2 again */
        return ENOMEM;
    }
    *out = p;
    return 0;
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_POSIX_MEMALIGN
#include "mutant_passthrough.h"
