/* inplace_mutant.c — group INPLACE: realloc_in_place moves the block when
 * it cannot grow in place (a plain realloc). Caught by MSPACE-INPLACE-1. */
#include "mutant_common.h"

static void *bad_realloc_in_place(hs_ctx_t *ctx, hs_mspace_t *ms, void *p, size_t n)
{
    (void)ctx;
    void *q = hsr_mspace_realloc_in_place(MS(ms), p, n);
    return q != NULL ? q : hsr_mspace_realloc(MS(ms), p, n);
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->realloc_in_place = bad_realloc_in_place;
}
