/* errors: a size larger than the range is -EINVAL instead of -ENOMEM.
 * Caught by BUDDY-ALLOC-2. */
#include <errno.h>
#include <stdint.h>

#include "heapspec/buddy.h"

static int mut_alloc_fn(hsr_buddy_t *b, uint64_t size, uint64_t *off)
{
    int rc = hsr_buddy_alloc(b, size, off);
    return rc == -ENOMEM && size > b->range ? -EINVAL : rc;
}

#define MUT_NAME "mut-buddy-errors"
#define MUT_ALLOC mut_alloc_fn
#include "buddy_mutant.h"
