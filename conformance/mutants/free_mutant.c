/*
 * free_mutant.c — breaks MALLOC-FREE-2 (group FREE).
 *
 * The bug: free(p) of a live block changes errno (EINVAL, or 0 when errno
 * already was EINVAL, so the value always changes). free(NULL) stays a
 * no-op, so MALLOC-FREE-1 still holds.
 */
#include <stdlib.h>

#include "mutant_common.h"

MUT_EXPORT void free(void *p)
{
    if (p == NULL)
        return;
    __libc_free(p);
    errno = errno == EINVAL ? 0 : EINVAL; /* BUG: free must keep errno */
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_FREE
#include "mutant_passthrough.h"
