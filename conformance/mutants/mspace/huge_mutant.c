/* huge_mutant.c — group HUGE: malloc of more than PTRDIFF_MAX bytes returns
 * a small block instead of NULL. Caught by MSPACE-HUGE-1. */
#include "mutant_common.h"

static void *bad_malloc(hs_ctx_t *ctx, hs_mspace_t *ms, size_t n)
{
    (void)ctx;
    if (n > PTRDIFF_MAX)
        return hsr_mspace_malloc(MS(ms), 16);
    return hsr_mspace_malloc(MS(ms), n);
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->malloc = bad_malloc;
}
