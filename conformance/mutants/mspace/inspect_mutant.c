/* inspect_mutant.c — group INSPECT: inspect_all reports every region as
 * free (used_bytes 0). Caught by MSPACE-INSPECT-3. */
#include "mutant_common.h"

struct relay {
    hs_inspect_fn fn;
    void *arg;
};

static void as_free(void *start, void *end, size_t used, void *arg)
{
    const struct relay *r = arg;
    (void)used;
    r->fn(start, end, 0, r->arg);
}

static void bad_inspect_all(hs_ctx_t *ctx, hs_mspace_t *ms, hs_inspect_fn fn, void *arg)
{
    struct relay r = {fn, arg};
    (void)ctx;
    hsr_mspace_inspect_all(MS(ms), as_free, &r);
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->inspect_all = bad_inspect_all;
}
