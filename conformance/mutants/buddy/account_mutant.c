/* account: free_bytes forgets one minimum block whenever anything is
 * allocated. Caught by BUDDY-ACCOUNT-1. */
#include <stdint.h>

#include "heapspec/buddy.h"

static uint64_t mut_free_bytes_fn(const hsr_buddy_t *b)
{
    uint64_t f = hsr_buddy_free_bytes(b);
    return f < b->range ? f - b->unit : f;
}

#define MUT_NAME "mut-buddy-account"
#define MUT_FREE_BYTES mut_free_bytes_fn
#include "buddy_mutant.h"
