/* align_mutant.c — group ALIGN: memalign ignores the alignment and returns a
 * plain malloc block (aligned to 16 only). Caught by MSPACE-ALIGN-2. */
#include "mutant_common.h"

static void *bad_memalign(hs_ctx_t *ctx, hs_mspace_t *ms, size_t a, size_t n)
{
    (void)ctx;
    (void)a;
    return hsr_mspace_malloc(MS(ms), n);
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->memalign = bad_memalign;
}
