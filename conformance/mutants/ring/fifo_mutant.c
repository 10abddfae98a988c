/* fifo: a read of three or more bytes hands out bytes 1 and 2 swapped
 * (counts all right, order wrong). Caught by RING-FIFO-1. */
#include <stdint.h>

#include "heapspec/ring.h"

static uint64_t mut_read_fn(hsr_ring_t *r, void *dst, uint64_t n)
{
    uint64_t k = hsr_ring_read(r, dst, n);
    if (k >= 3) {
        char *p = dst, t = p[1];
        p[1] = p[2];
        p[2] = t;
    }
    return k;
}

#define MUT_NAME "mut-ring-fifo"
#define MUT_READ mut_read_fn
#include "ring_mutant.h"
