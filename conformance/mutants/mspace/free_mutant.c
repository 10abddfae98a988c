/* free_mutant.c — group FREE: free never frees (every block leaks). Caught
 * by MSPACE-FREE-2. */
#include "mutant_common.h"

static void bad_free(hs_ctx_t *ctx, hs_mspace_t *ms, void *p)
{
    (void)ctx;
    (void)ms;
    (void)p;
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->free = bad_free;
}
