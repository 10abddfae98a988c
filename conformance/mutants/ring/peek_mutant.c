/* peek: consumes what it copies out (peek implemented as read). Caught by
 * RING-PEEK-1. */
#include <stdint.h>

#include "heapspec/ring.h"

static uint64_t mut_peek_fn(const hsr_ring_t *r, void *dst, uint64_t n)
{
    return hsr_ring_read((hsr_ring_t *)(uintptr_t)r, dst, n);
}

#define MUT_NAME "mut-ring-peek"
#define MUT_PEEK mut_peek_fn
#include "ring_mutant.h"
