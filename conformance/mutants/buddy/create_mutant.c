/* create: min_order > max_order is "fixed" by swapping the two instead of
 * being refused. Caught by BUDDY-CREATE-1. */
#include <stdint.h>

#include "heapspec/buddy.h"

static int mut_create_fn(uint32_t mn, uint32_t mx, hsr_buddy_t **out)
{
    return mn > mx ? hsr_buddy_create(mx, mn, out) : hsr_buddy_create(mn, mx, out);
}

#define MUT_NAME "mut-buddy-create"
#define MUT_CREATE mut_create_fn
#include "buddy_mutant.h"
