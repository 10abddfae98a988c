/* size: block_size of an interior offset answers the size of the block
 * that contains it instead of -EINVAL. Caught by BUDDY-SIZE-1. */
#include <errno.h>
#include <stdint.h>

#include "heapspec/buddy.h"

static int64_t mut_block_size_fn(const hsr_buddy_t *b, uint64_t off)
{
    int64_t s = hsr_buddy_block_size(b, off);
    if (s != -EINVAL || off >= b->range)
        return s;
    for (uint64_t sz = b->unit; sz <= b->range; sz <<= 1) {
        uint64_t head = off & ~(sz - 1);
        if (head != off && hsr_buddy_block_size(b, head) == (int64_t)sz)
            return (int64_t)sz;
    }
    return s;
}

#define MUT_NAME "mut-buddy-size"
#define MUT_BLOCK_SIZE mut_block_size_fn
#include "buddy_mutant.h"
