/* merge: never coalesces a freed lower buddy. The mutant keeps such blocks
 * allocated inside the reference (a quarantine) while reporting them free
 * in free_bytes and unknown to block_size, so only the merging is wrong:
 * largest_free stays small. Caught by BUDDY-MERGE-1. */
#include <errno.h>
#include <stdint.h>

#include "heapspec/buddy.h"

#define QMAX 4096
static const hsr_buddy_t *q_owner[QMAX]; /* the allocator of each entry */
static uint64_t q_off[QMAX], q_size[QMAX];
static uint32_t q_n;

static int quarantined(const hsr_buddy_t *b, uint64_t off)
{
    for (uint32_t i = 0; i < q_n; i++)
        if (q_owner[i] == b && q_off[i] == off)
            return 1;
    return 0;
}

static int mut_free_fn(hsr_buddy_t *b, uint64_t off)
{
    if (quarantined(b, off))
        return -EINVAL;
    int64_t s = hsr_buddy_block_size(b, off);
    /* a lower buddy below max_order: keep it, claim it freed */
    if (s > 0 && (uint64_t)s < b->range && (off & (uint64_t)s) == 0 && q_n < QMAX) {
        q_owner[q_n] = b;
        q_off[q_n] = off;
        q_size[q_n++] = (uint64_t)s;
        return 0;
    }
    return hsr_buddy_free(b, off);
}

static int64_t mut_block_size_fn(const hsr_buddy_t *b, uint64_t off)
{
    return quarantined(b, off) ? -EINVAL : hsr_buddy_block_size(b, off);
}

static uint64_t mut_free_bytes_fn(const hsr_buddy_t *b)
{
    uint64_t sum = hsr_buddy_free_bytes(b);
    for (uint32_t i = 0; i < q_n; i++)
        if (q_owner[i] == b)
            sum += q_size[i];
    return sum;
}

#define MUT_NAME "mut-buddy-merge"
#define MUT_FREE mut_free_fn
#define MUT_BLOCK_SIZE mut_block_size_fn
#define MUT_FREE_BYTES mut_free_bytes_fn
#include "buddy_mutant.h"
