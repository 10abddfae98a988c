/* limit_mutant.c — group LIMIT: set_footprint_limit enforces the page-rounded
 * limit but returns the value asked for. Caught by MSPACE-LIMIT-2. */
#include "mutant_common.h"

static size_t bad_set_footprint_limit(hs_ctx_t *ctx, hs_mspace_t *ms, size_t bytes)
{
    (void)ctx;
    (void)hsr_mspace_set_footprint_limit(MS(ms), bytes);
    return bytes;
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->set_footprint_limit = bad_set_footprint_limit;
}
