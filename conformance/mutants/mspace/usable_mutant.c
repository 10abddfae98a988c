/* usable_mutant.c — group USABLE: usable_size reports half the real usable
 * size. Caught by MSPACE-USABLE-1. */
#include "mutant_common.h"

static size_t bad_usable_size(hs_ctx_t *ctx, hs_mspace_t *ms, const void *p)
{
    (void)ctx;
    return hsr_mspace_usable_size(MS(ms), p) / 2;
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->usable_size = bad_usable_size;
}
