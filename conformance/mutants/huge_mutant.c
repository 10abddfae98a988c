/*
 * huge_mutant.c — breaks MALLOC-HUGE-1 (group HUGE).
 *
 * The bug: malloc(n) pads the request with a 16-byte "header" without an
 * overflow check. For n in (SIZE_MAX - 16, SIZE_MAX] the sum wraps to 0..15
 * and a tiny block comes back where NULL + ENOMEM is required. Every other n
 * gets a correct (if 16 bytes larger) glibc block.
 */
#include <stdlib.h>

#include "mutant_common.h"

MUT_EXPORT void *malloc(size_t n)
{
    return __libc_malloc(n + 16); /* BUG: n + 16 may wrap */
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_MALLOC
#include "mutant_passthrough.h"
