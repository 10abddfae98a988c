/* disjoint_mutant.c — group DISJOINT: every third small malloc hands out the
 * previous small block again instead of a new one. Caught by
 * MSPACE-DISJOINT-1. */
#include "mutant_common.h"

static void *bad_malloc(hs_ctx_t *ctx, hs_mspace_t *ms, size_t n)
{
    static void *last;
    static unsigned count;
    (void)ctx;
    if (n > 0 && n <= 64 && last != NULL && ++count % 3 == 0)
        return last;
    void *p = hsr_mspace_malloc(MS(ms), n);
    if (n > 0 && n <= 64)
        last = p;
    return p;
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->malloc = bad_malloc;
}
