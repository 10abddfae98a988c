/* alloc: a size that is not a power of two is rounded DOWN (3 -> 2), so the
 * block is smaller than asked. Caught by BUDDY-ALLOC-1. */
#include <stdint.h>

#include "heapspec/buddy.h"

static int mut_alloc_fn(hsr_buddy_t *b, uint64_t size, uint64_t *off)
{
    uint64_t s = size;
    if (s > 1 && (s & (s - 1)) != 0)
        while ((s & (s - 1)) != 0)
            s &= s - 1;
    return hsr_buddy_alloc(b, s, off);
}

#define MUT_NAME "mut-buddy-alloc"
#define MUT_ALLOC mut_alloc_fn
#include "buddy_mutant.h"
