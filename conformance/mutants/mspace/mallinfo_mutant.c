/* mallinfo_mutant.c — group MALLINFO: mallinfo counts one page too many in
 * arena. Caught by MSPACE-MALLINFO-1. */
#include "mutant_common.h"

static int bad_mallinfo(hs_ctx_t *ctx, hs_mspace_t *ms, struct hs_mallinfo *out)
{
    int rc = ok_mallinfo(ctx, ms, out);
    if (rc == 0)
        out->arena += 4096;
    return rc;
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->mallinfo = bad_mallinfo;
}
