/* foot_mutant.c — group FOOT: max_footprint answers the current footprint,
 * so it goes down after a trim. Caught by MSPACE-FOOT-1. */
#include "mutant_common.h"

static size_t bad_max_footprint(hs_ctx_t *ctx, hs_mspace_t *ms)
{
    (void)ctx;
    return hsr_mspace_footprint(MS(ms));
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->max_footprint = bad_max_footprint;
}
