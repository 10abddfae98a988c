/* disjoint: every third successful alloc hands out the previous block's
 * offset again (without allocating). Caught by BUDDY-DISJOINT-1. */
#include <stdint.h>

#include "heapspec/buddy.h"

static uint64_t calls, last;

static int mut_alloc_fn(hsr_buddy_t *b, uint64_t size, uint64_t *off)
{
    if (++calls % 3 == 0 && calls > 1) {
        *off = last;
        return 0;
    }
    int rc = hsr_buddy_alloc(b, size, off);
    if (rc == 0)
        last = *off;
    return rc;
}

#define MUT_NAME "mut-buddy-disjoint"
#define MUT_ALLOC mut_alloc_fn
#include "buddy_mutant.h"
