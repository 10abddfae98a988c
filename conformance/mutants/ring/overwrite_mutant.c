/* overwrite: an OVERWRITE write that does not fit drops its own newest
 * bytes instead of the oldest ones (REFUSE behaviour), yet reports n and
 * counts the drop. Caught by RING-OVERWRITE-1. */
#include <stdint.h>

#include "heapspec/ring.h"

static uint64_t mut_write_fn(hsr_ring_t *r, const void *src, uint64_t n)
{
    if (r->mode != HSR_RING_OVERWRITE)
        return hsr_ring_write(r, src, n);
    uint64_t avail = hsr_ring_avail(r);
    uint64_t k = n < avail ? n : avail;
    r->mode = HSR_RING_REFUSE;
    hsr_ring_write(r, src, k);
    r->mode = HSR_RING_OVERWRITE;
    r->overruns += n - k;
    return n;
}

#define MUT_NAME "mut-ring-overwrite"
#define MUT_WRITE mut_write_fn
#include "ring_mutant.h"
