/* overrun: overruns() counts the writes that dropped something, not the
 * bytes dropped. Caught by RING-OVERWRITE-2. */
#include <stdint.h>

#include "heapspec/ring.h"

static uint64_t mut_write_fn(hsr_ring_t *r, const void *src, uint64_t n)
{
    uint64_t before = r->overruns;
    uint64_t k = hsr_ring_write(r, src, n);
    if (r->overruns != before)
        r->overruns = before + 1;
    return k;
}

#define MUT_NAME "mut-ring-overrun"
#define MUT_WRITE mut_write_fn
#include "ring_mutant.h"
