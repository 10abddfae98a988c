/*
 * spaces_mutant.c — the reference spaces heap (//ref/space:space,
 * heapspec/space.h) behind the heapspec spaces ABI with ONE planted bug,
 * chosen by a MUT_<NAME> define (conformance/mutants/spaces/BUILD builds
 * one shared object per define). Bugs and the clauses that catch them:
 *
 *   MUT_CREATE     initial_size > growth_limit is clamped, not refused  SPACES-CREATE-1
 *   MUT_ROUTE      LARGE_OK is ignored: big arrays go to MAIN          SPACES-ROUTE-1
 *   MUT_SIZE       usable is reported one byte short of the request    SPACES-SIZE-1
 *   MUT_LIMIT      every alloc is an AllocWithGrowth                   SPACES-LIMIT-1
 *   MUT_CLEAR      clear_growth_limit does nothing                     SPACES-CLEAR-1
 *   MUT_ZYGOTE     free of a zygote object answers 0 (claims freed)    SPACES-ZYGOTE-2
 *   MUT_MOVE       the split's copy of the first moved object has one  SPACES-ZYGOTE-4
 *                  byte flipped (seen through forward)
 *   MUT_SHARED     the main and non-moving spaces are remapped          SPACES-FORK-1
 *                  MAP_SHARED at create: a fork child sees the
 *                  parent's later writes
 *   MUT_SELFCHECK  check always reports an inconsistency               SPACES-SELFCHECK-1
 *
 * Like ref/space/space_subject.c, the wrapper keeps the split's forwarding
 * table and translates pointers the tool holds from before the split.
 * The context, its list of heaps and the exported heapspec_subject() (the
 * object's only symbol, ref/subject.lds) are mutant_subject.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef MUT_SHARED
#include <sys/mman.h>
#endif

#include "conformance/mutants/mutant_subject.h"
#include "heapspec/heapspec.h"
#include "heapspec/space.h"

struct hs_spaces_s {
    struct mut_link link; /* first: the context's list (mutant_subject.h) */
    hsr_spaces_t *heap;
    hsr_spaces_forward_t *fwd;
    size_t nfwd;
};
_Static_assert(offsetof(struct hs_spaces_s, link) == 0, "mutant_subject.c frees through link");

#ifdef MUT_SHARED
/* Replaces the mapping under [begin, begin+cap) by a shared anonymous one
 * holding the same first `keep` bytes. */
static void make_shared(char *begin, uint64_t cap, uint64_t keep)
{
    void *save = malloc(keep ? keep : 1);
    if (save == NULL)
        return;
    memcpy(save, begin, keep);
    if (mmap(begin, cap, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
        begin)
        memcpy(begin, save, keep);
    free(save);
}

/* The planted bug: the main and non-moving spaces of a new heap turn shared. */
static void share_spaces(hsr_spaces_t *heap)
{
    hsr_space_info_t info[5];
    size_t n = hsr_spaces_list(heap, info, 5);
    for (size_t i = 0; i < n; i++)
        if (info[i].continuous && info[i].begin != NULL &&
            (info[i].kind == HSR_SPACE_MAIN || info[i].kind == HSR_SPACE_NON_MOVING))
            make_shared(info[i].begin, info[i].capacity, info[i].footprint);
}
#endif

static int m_create(hs_ctx_t *c, const struct hs_spaces_config *cfg, hs_spaces_t **out)
{
    hsr_spaces_config_t rc;
    memset(&rc, 0, sizeof rc);
    rc.initial_size = cfg->initial_size;
    rc.growth_limit = cfg->growth_limit;
    rc.capacity = cfg->capacity;
    rc.large_threshold = cfg->large_threshold;
    rc.non_moving_capacity = cfg->non_moving_capacity;
    rc.los_kind = HSR_LOS_FREE_LIST;
#ifdef MUT_CREATE
    if (rc.initial_size > rc.growth_limit)
        rc.initial_size = rc.growth_limit;
#endif
    hs_spaces_t *h = calloc(1, sizeof *h);
    if (h == NULL)
        return -ENOMEM;
    int err = hsr_spaces_create(&rc, &h->heap);
#ifdef MUT_SHARED
    if (err == 0)
        share_spaces(h->heap);
#endif
    err = mut_handle_add(c, h, err);
    if (err == 0)
        *out = h;
    return err;
}

static void m_destroy(hs_ctx_t *c, hs_spaces_t *h) { mut_handle_destroy(c, h); }

/* The current address of an object held from before the split. */
static void *cur(const hs_spaces_t *h, const void *p)
{
    if (h->fwd == NULL || p == NULL)
        return (void *)(uintptr_t)p;
    return hsr_spaces_forward_lookup(h->fwd, h->nfwd, p);
}

static void *m_alloc(hs_ctx_t *c, hs_spaces_t *h, uint64_t n, uint32_t flags, uint64_t *ba,
                     uint64_t *usable)
{
    (void)c;
#ifdef MUT_ROUTE
    flags &= ~(uint32_t)HSR_SPACES_ALLOC_LARGE_OK;
#endif
#ifdef MUT_LIMIT
    flags |= HSR_SPACES_ALLOC_GROW;
#endif
    void *p = hsr_spaces_alloc(h->heap, n, flags, ba, usable);
#ifdef MUT_SIZE
    if (p != NULL && usable != NULL && n > 1)
        *usable = n - 1;
#endif
    return p;
}

static int64_t m_free(hs_ctx_t *c, hs_spaces_t *h, void *p)
{
    (void)c;
#ifdef MUT_ZYGOTE
    if (hsr_spaces_space_of(h->heap, cur(h, p)) == HSR_SPACE_ZYGOTE)
        return 0;
#endif
    return hsr_spaces_free(h->heap, cur(h, p));
}

static uint32_t m_space_of(hs_ctx_t *c, hs_spaces_t *h, const void *p)
{
    (void)c;
    return hsr_spaces_space_of(h->heap, cur(h, p));
}

static uint64_t m_allocation_size(hs_ctx_t *c, hs_spaces_t *h, const void *p)
{
    (void)c;
    return hsr_spaces_allocation_size(h->heap, cur(h, p));
}

static uint64_t m_footprint(hs_ctx_t *c, hs_spaces_t *h)
{
    (void)c;
    return hsr_spaces_footprint(h->heap);
}

static uint64_t m_growth_limit(hs_ctx_t *c, hs_spaces_t *h)
{
    (void)c;
    return hsr_spaces_growth_limit(h->heap);
}

static void m_clear_growth_limit(hs_ctx_t *c, hs_spaces_t *h)
{
    (void)c;
#ifdef MUT_CLEAR
    (void)h;
#else
    hsr_spaces_clear_growth_limit(h->heap);
#endif
}

static int m_zygote_split(hs_ctx_t *c, hs_spaces_t *h)
{
    (void)c;
    hsr_spaces_forward_t *fwd = NULL;
    size_t n = 0;
    int err = hsr_spaces_zygote_split(h->heap, &fwd, &n);
    if (err == 0) {
        h->fwd = fwd;
        h->nfwd = n;
#ifdef MUT_MOVE
        if (n > 0 && fwd[0].to != NULL)
            ((unsigned char *)fwd[0].to)[0] ^= 0x5a;
#endif
    }
    return err;
}

static void *m_forward(hs_ctx_t *c, hs_spaces_t *h, const void *p)
{
    (void)c;
    void *q = cur(h, p);
    return hsr_spaces_space_of(h->heap, q) == HSR_SPACE_NONE ? NULL : q;
}

static void m_release(void *handle)
{
    hs_spaces_t *h = handle;
    hsr_spaces_destroy(h->heap);
    hsr_spaces_forward_free(h->fwd);
}

static int m_check_one(const void *handle, char *buf, size_t len)
{
    const hs_spaces_t *h = handle;
    return hsr_spaces_check(h->heap, buf, len) != 0 ? -1 : 0;
}

static int m_check(hs_ctx_t *c, char *buf, size_t len)
{
#ifdef MUT_SELFCHECK
    (void)c;
    snprintf(buf, len, "mut-spaces-selfcheck: planted inconsistency");
    return -1;
#else
    return mut_ctx_check(c, buf, len);
#endif
}

static const struct hs_spaces_ops m_ops = {
    .struct_size = sizeof(struct hs_spaces_ops),
    .version = HS_SPACES_OPS_VERSION,
    .caps = 0,
    .create = m_create,
    .destroy = m_destroy,
    .alloc = m_alloc,
    .free = m_free,
    .space_of = m_space_of,
    .allocation_size = m_allocation_size,
    .footprint = m_footprint,
    .growth_limit = m_growth_limit,
    .clear_growth_limit = m_clear_growth_limit,
    .zygote_split = m_zygote_split,
    .forward = m_forward,
};

static const struct hs_subject m_subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "mut-spaces",
    .version = "0",
    .description = "a deliberately broken spaces heap (conformance/mutants/spaces)",
    .flags = 0,
    .open = mut_ctx_open,
    .close = mut_ctx_close,
    .spaces_ops = &m_ops,
    .check = m_check,
};

const struct mut_family mut_family = {
    .subject = &m_subject,
    .refuse_fault_args = true,
    .release = m_release,
    .check = m_check_one,
};
