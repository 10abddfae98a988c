/* read: clears the caller's whole buffer of n bytes before reading, so
 * bytes past the count returned change. Caught by RING-READ-2. */
#include <stdint.h>
#include <string.h>

#include "heapspec/ring.h"

static uint64_t mut_read_fn(hsr_ring_t *r, void *dst, uint64_t n)
{
    memset(dst, 0, (size_t)n);
    return hsr_ring_read(r, dst, n);
}

#define MUT_NAME "mut-ring-read"
#define MUT_READ mut_read_fn
#include "ring_mutant.h"
