/* wrap: a write that crosses the end of the buffer copies its second
 * segment from the start of the source again (src instead of src + first),
 * the classic two-memcpy wrap bug. Counts stay right. Caught by RING-WRAP-1. */
#include <stdint.h>

#include "heapspec/ring.h"

static uint64_t mut_write_fn(hsr_ring_t *r, const void *src, uint64_t n)
{
    uint64_t cap = hsr_ring_capacity(r);
    uint64_t k = r->mode == HSR_RING_OVERWRITE ? n : n < hsr_ring_avail(r) ? n : hsr_ring_avail(r);
    uint64_t first = cap - (r->tail & (cap - 1));
    if (r->mode == HSR_RING_OVERWRITE || k <= first)
        return hsr_ring_write(r, src, n);
    uint64_t a = hsr_ring_write(r, src, first);
    return a + hsr_ring_write(r, src, k - first);
}

#define MUT_NAME "mut-ring-wrap"
#define MUT_WRITE mut_write_fn
#include "ring_mutant.h"
