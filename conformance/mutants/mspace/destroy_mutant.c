/* destroy_mutant.c — group DESTROY: destroy claims one page more than it
 * released. Caught by MSPACE-DESTROY-1. */
#include "mutant_common.h"

static size_t bad_destroy(hs_ctx_t *ctx, hs_mspace_t *ms)
{
    size_t peak = hsr_mspace_max_footprint(MS(ms));
    (void)ok_destroy(ctx, ms);
    return peak + 4096;
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->destroy = bad_destroy;
}
