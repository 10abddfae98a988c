/* trim_mutant.c — group TRIM: trim answers 1 whether or not it released
 * anything. Caught by MSPACE-TRIM-1. */
#include "mutant_common.h"

static int bad_trim(hs_ctx_t *ctx, hs_mspace_t *ms, size_t pad)
{
    (void)ctx;
    (void)hsr_mspace_trim(MS(ms), pad);
    return 1;
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->trim = bad_trim;
}
