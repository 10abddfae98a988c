/* base_mutant.c — group BASE: create_with_base ignores the caller's memory
 * and makes an own-memory mspace instead. Caught by MSPACE-BASE-2. */
#include "mutant_common.h"

static hs_mspace_t *bad_create_with_base(hs_ctx_t *ctx, void *base, size_t cap, int locked)
{
    (void)base;
    if (cap < hsr_mspace_min_capacity())
        return NULL;
    return mut_add(ctx, hsr_mspace_create(cap, locked));
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->create_with_base = bad_create_with_base;
}
