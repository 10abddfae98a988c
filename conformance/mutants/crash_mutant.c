/*
 * crash_mutant.c — an engine-robustness mutant: free crashes.
 *
 * Once malloc(31337) has been called (the corpus case free-ten-after-odd-size
 * does), the 10th following free writes through a NULL pointer: SIGSEGV. The
 * trigger is armed by an odd size, not by process start, so the engine's own
 * start-up and every other case are untouched. The engine must report the
 * case FAIL with the signal and go on with the next case.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "mutant_common.h"

#define ARM_SIZE 31337u
#define CRASH_AT 10

static atomic_int armed;
static atomic_int frees; /* frees since arming */

MUT_EXPORT void *malloc(size_t n)
{
    if (n == ARM_SIZE) {
        atomic_store(&frees, 0);
        atomic_store(&armed, 1);
    }
    return __libc_malloc(n);
}

MUT_EXPORT void free(void *p)
{
    if (atomic_load(&armed) && atomic_fetch_add(&frees, 1) + 1 == CRASH_AT) {
        volatile int *volatile np = NULL;
        *np = 1; /* BUG: SIGSEGV */
    }
    __libc_free(p);
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_MALLOC
#define MUT_HAS_FREE
#include "mutant_passthrough.h"
