/*
 * hang_mutant.c — an engine-robustness mutant: malloc hangs.
 *
 * malloc(12345) never returns (it sleeps in a loop, so a hung case does not
 * also burn a CPU). The corpus case integrity-odd-size asks for exactly that
 * size. The engine must stop the case at its timeout, report it FAIL with
 * "timeout", and go on with the next case. Every other size is glibc's.
 */
#include <stdlib.h>
#include <time.h>

#include "mutant_common.h"

#define HANG_SIZE 12345u

MUT_EXPORT void *malloc(size_t n)
{
    if (n == HANG_SIZE) {
        const struct timespec tick = {0, 10 * 1000 * 1000};
        for (;;)
            nanosleep(&tick, NULL); /* BUG: never returns */
    }
    return __libc_malloc(n);
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_MALLOC
#include "mutant_passthrough.h"
