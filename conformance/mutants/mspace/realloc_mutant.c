/* realloc_mutant.c — group REALLOC: realloc always moves and copies one byte
 * too few. Caught by MSPACE-REALLOC-1. */
#include "mutant_common.h"

static void *bad_realloc(hs_ctx_t *ctx, hs_mspace_t *ms, void *p, size_t n)
{
    (void)ctx;
    if (p == NULL)
        return hsr_mspace_malloc(MS(ms), n);
    size_t old = hsr_mspace_usable_size(MS(ms), p);
    void *q = hsr_mspace_malloc(MS(ms), n);
    if (q == NULL)
        return NULL;
    size_t keep = old < n ? old : n;
    if (keep > 0)
        memcpy(q, p, keep - 1); /* the planted bug: the last byte is lost */
    hsr_mspace_free(MS(ms), p);
    return q;
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->realloc = bad_realloc;
}
