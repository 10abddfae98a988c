/* bulk_mutant.c — group BULK: bulk_free frees correctly but always answers
 * 0 entries not freed. Caught by MSPACE-BULK-2. */
#include "mutant_common.h"

static size_t bad_bulk_free(hs_ctx_t *ctx, hs_mspace_t *ms, void **array, size_t n)
{
    (void)ctx;
    (void)hsr_mspace_bulk_free(MS(ms), array, n);
    return 0;
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->bulk_free = bad_bulk_free;
}
