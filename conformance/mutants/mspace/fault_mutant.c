/* fault_mutant.c — group FAULT: after the first refused malloc the mutant
 * stays "out of memory" for good, even once the limit is raised. Caught by
 * MSPACE-FAULT-3. */
#include "mutant_common.h"

static void *bad_malloc(hs_ctx_t *ctx, hs_mspace_t *ms, size_t n)
{
    static int stuck;
    (void)ctx;
    if (stuck)
        return NULL;
    void *p = hsr_mspace_malloc(MS(ms), n);
    if (p == NULL && n <= PTRDIFF_MAX)
        stuck = 1;
    return p;
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->malloc = bad_malloc;
}
