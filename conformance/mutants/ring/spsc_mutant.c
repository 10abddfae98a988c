/* spsc: in SPSC mode a write that finds the ring more than half full
 * reports all n bytes accepted while storing only what fits: bytes are
 * lost when the consumer lags. Caught by RING-SPSC-1. */
#include <stdint.h>

#include "heapspec/ring.h"

static uint64_t mut_write_fn(hsr_ring_t *r, const void *src, uint64_t n)
{
    if (r->mode != HSR_RING_SPSC)
        return hsr_ring_write(r, src, n);
    int lagging = hsr_ring_avail(r) < hsr_ring_capacity(r) / 2;
    uint64_t k = hsr_ring_write(r, src, n);
    return lagging && k > 0 ? n : k;
}

#define MUT_NAME "mut-ring-spsc"
#define MUT_WRITE mut_write_fn
#include "ring_mutant.h"
