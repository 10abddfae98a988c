/* fit: an off-by-one in the fit test: an alloc that needs the very last
 * free bytes (free_bytes == the rounded size) fails with -ENOMEM. Caught
 * by BUDDY-ALLOC-3. */
#include <errno.h>
#include <stdint.h>

#include "heapspec/buddy.h"

static int mut_alloc_fn(hsr_buddy_t *b, uint64_t size, uint64_t *off)
{
    uint64_t s = b->unit;
    while (s < size && s < b->range)
        s <<= 1;
    if (size != 0 && size <= b->range && hsr_buddy_free_bytes(b) == s)
        return -ENOMEM;
    return hsr_buddy_alloc(b, size, off);
}

#define MUT_NAME "mut-buddy-fit"
#define MUT_ALLOC mut_alloc_fn
#include "buddy_mutant.h"
