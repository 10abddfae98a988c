/* free: a double free (or any invalid in-range offset) returns 0 instead
 * of -EINVAL. Caught by BUDDY-FREE-2. */
#include <stdint.h>

#include "heapspec/buddy.h"

static int mut_free_fn(hsr_buddy_t *b, uint64_t off)
{
    int rc = hsr_buddy_free(b, off);
    return rc != 0 && off < b->range ? 0 : rc;
}

#define MUT_NAME "mut-buddy-free"
#define MUT_FREE mut_free_fn
#include "buddy_mutant.h"
