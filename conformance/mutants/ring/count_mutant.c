/* count: len() masks the index difference with capacity - 1, so a full
 * ring reads as empty (the classic full/empty ambiguity). Caught by
 * RING-COUNT-1. */
#include <stdint.h>

#include "heapspec/ring.h"

static uint64_t mut_len_fn(const hsr_ring_t *r)
{
    return hsr_ring_len(r) & (hsr_ring_capacity(r) - 1);
}

#define MUT_NAME "mut-ring-count"
#define MUT_LEN mut_len_fn
#include "ring_mutant.h"
