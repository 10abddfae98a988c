/* calloc_mutant.c — group CALLOC: calloc clears only the first half of the
 * block (dirty reused memory shows through). Caught by MSPACE-CALLOC-1. */
#include "mutant_common.h"

static void *bad_calloc(hs_ctx_t *ctx, hs_mspace_t *ms, size_t n, size_t m)
{
    size_t total;
    (void)ctx;
    if (__builtin_mul_overflow(n, m, &total))
        return NULL;
    void *p = hsr_mspace_malloc(MS(ms), total);
    if (p != NULL)
        memset(p, 0, total / 2);
    return p;
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->calloc = bad_calloc;
}
