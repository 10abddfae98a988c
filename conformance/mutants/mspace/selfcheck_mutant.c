/* selfcheck_mutant.c — group SELFCHECK: the subject's own walker reports a
 * broken heap although the heap is fine. Caught by MSPACE-SELFCHECK-1. */
#include "mutant_common.h"

static int bad_check(hs_ctx_t *ctx, char *buf, size_t len)
{
    (void)ctx;
    if (buf != NULL && len > 0)
        snprintf(buf, len, "planted: walker always fails");
    return -1;
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)ops;
    subject->check = bad_check;
}
