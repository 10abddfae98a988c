/* write: REFUSE keeps one slot empty (the "full = len == cap - 1"
 * convention), so a write of exactly avail bytes accepts one byte less.
 * Caught by RING-WRITE-1. */
#include <stdint.h>

#include "heapspec/ring.h"

static uint64_t mut_write_fn(hsr_ring_t *r, const void *src, uint64_t n)
{
    uint64_t avail = hsr_ring_avail(r);
    if (r->mode != HSR_RING_OVERWRITE && avail > 0 && n >= avail)
        n = avail - 1;
    return hsr_ring_write(r, src, n);
}

#define MUT_NAME "mut-ring-write"
#define MUT_WRITE mut_write_fn
#include "ring_mutant.h"
