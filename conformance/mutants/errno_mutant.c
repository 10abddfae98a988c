/*
 * errno_mutant.c — breaks MALLOC-ENOMEM-1 (group ERRNO).
 *
 * The bug: malloc(n) for n >= 1 TiB (1 << 40) returns NULL with errno 0
 * instead of ENOMEM. Such a request cannot succeed under the engine's 4 GiB
 * address-space bound anyway, so only the errno is wrong. Sizes above
 * PTRDIFF_MAX are left to glibc, so MALLOC-HUGE-1 still holds.
 */
#include <stdlib.h>

#include "mutant_common.h"

MUT_EXPORT void *malloc(size_t n)
{
    if (n >= ((size_t)1 << 40) && n <= (size_t)PTRDIFF_MAX) {
        errno = 0; /* BUG: must be ENOMEM */
        return NULL;
    }
    return __libc_malloc(n);
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_MALLOC
#include "mutant_passthrough.h"
