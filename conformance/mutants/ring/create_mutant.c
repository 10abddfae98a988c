/* create: a capacity that is not a power of two is rounded up instead of
 * refused (the round-up that overran caller buffers in kfifo's history).
 * Caught by RING-CREATE-2. */
#include <stdint.h>

#include "heapspec/ring.h"

static int mut_create_fn(uint64_t cap, uint32_t mode, hsr_ring_t **out)
{
    uint64_t c = 2;
    while (c < cap && c < HSR_RING_MAX_CAPACITY)
        c <<= 1;
    return hsr_ring_create(cap >= 2 ? c : cap, mode, out);
}

#define MUT_NAME "mut-ring-create"
#define MUT_CREATE mut_create_fn
#include "ring_mutant.h"
