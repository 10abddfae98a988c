/* integrity_mutant.c — group INTEGRITY: each malloc flips one byte of the
 * oldest block still live (the mutant tracks live blocks in a small table
 * through malloc and free). Caught by MSPACE-INTEGRITY-1. */
#include "mutant_common.h"

#define TRACKED 1024
static void *live[TRACKED];

static void track(void *p, void *with)
{
    for (size_t i = 0; i < TRACKED; i++)
        if (live[i] == p) {
            live[i] = with;
            return;
        }
}

static void *bad_malloc(hs_ctx_t *ctx, hs_mspace_t *ms, size_t n)
{
    (void)ctx;
    for (size_t i = 0; i < TRACKED; i++)
        if (live[i] != NULL) {
            ((unsigned char *)live[i])[0] ^= 0x40u; /* the planted bug */
            break;
        }
    void *p = hsr_mspace_malloc(MS(ms), n);
    if (p != NULL && n > 0)
        track(NULL, p);
    return p;
}

static void tracked_free(hs_ctx_t *ctx, hs_mspace_t *ms, void *p)
{
    (void)ctx;
    if (p != NULL)
        track(p, NULL);
    hsr_mspace_free(MS(ms), p);
}

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops)
{
    (void)subject;
    ops->malloc = bad_malloc;
    ops->free = tracked_free;
}
