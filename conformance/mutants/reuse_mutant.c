/*
 * reuse_mutant.c — breaks MALLOC-REUSE-1 (group REUSE).
 *
 * The bug: free never frees. Every block stays allocated, so a loop that
 * allocates and frees more than the address-space bound soon gets NULL.
 * Nothing else changes: contents, alignment and errno are glibc's.
 */
#include <stdlib.h>

#include "mutant_common.h"

MUT_EXPORT void free(void *p)
{
    (void)p; /* BUG: the memory is never made available again */
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_FREE
#include "mutant_passthrough.h"
