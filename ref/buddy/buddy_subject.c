/*
 * buddy_subject.c — ref/buddy as the "ref-buddy" conformance subject (buddy family).
 *
 * Context (one per open()): the fault-injection axes of hs_open_args and the
 * list of allocators made through it, so that check() can walk them all.
 *   - "Backing memory" is an allocator's metadata: each create() is one
 *     request that fail_nth_backing counts, and the sum of the live
 *     allocators' metadata bytes may not pass footprint_limit. alloc/free
 *     hand out offsets, not memory, so they make no requests.
 *   - HS_OPEN_CHECKED: every mutating call is followed by hsr_buddy_check();
 *     the first failure is kept and reported by check().
 *   - check() walks again only the allocators an alloc, alloc_order or free
 *     has entered since their last walk that passed (ref/subject/subject_ctx.h,
 *     private_state). That a call on one allocator writes no other's
 *     metadata is the `assigns` clause of each in heapspec/buddy.h, which WP
 *     proves (proofs/); the queries assign nothing and enter none. A fuzz
 *     trace names one allocator of up to sixteen per operation.
 * create() takes min_order <= max_order <= 62 per the ABI; the reference
 * answers -EINVAL above max_order 30 and -ENOMEM when max_order - min_order
 * exceeds its metadata bound (20), as buddy.h documents.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "heapspec/buddy.h"
#include "heapspec/heapspec.h"
#include "ref/subject/subject_ctx.h"

/* The ABI's opaque buddy handle. */
struct hs_buddy_s {
    struct hsri_subject_node node; /* first: the context's list; charged: metadata bytes */
    hsr_buddy_t *buddy;            /* the reference allocator (own memory) */
};

static void buddy_destroy(hs_ctx_t *c, hs_buddy_t *h);

/* What the context runs for check() and, under HS_OPEN_CHECKED, after a mutation. */
static bool buddy_walk(const struct hsri_subject_node *n, uint32_t how, char *why, size_t len)
{
    const hs_buddy_t *h = (const void *)n;
    if (hsr_buddy_check(h->buddy))
        return true;
    snprintf(why, len, "ref-buddy: allocator %p fails the walker", (const void *)h);
    return false;
}

/* What the context's close() runs on each allocator left open. */
static void buddy_drop(hs_ctx_t *c, struct hsri_subject_node *n)
{
    buddy_destroy(c, (hs_buddy_t *)(void *)n);
}

static const struct hsri_subject_kind buddy_kind = {
    .walk = buddy_walk,
    .destroy = buddy_drop,
    .held = NULL, /* the metadata bytes charged at create */
    .faults = true,
    .private_state = true, /* offsets only: no client memory */
    .serial_calls = true,  /* hsr_buddy_* take no lock; the family has no THREADS */
    .footprint_mismatch = "ref-buddy: footprint does not match the allocators",
};

static int ctx_open(const struct hs_open_args *args, hs_ctx_t **out)
{
    return hsri_subject_open(&buddy_kind, args, out);
}

/* Under HS_OPEN_CHECKED: walk the allocator after a mutation. */
static void after(hs_ctx_t *c, const hs_buddy_t *h)
{
    hsri_subject_after(c, &h->node, 0);
}

static int buddy_create(hs_ctx_t *c, uint32_t min_order, uint32_t max_order, hs_buddy_t **out)
{
    hsri_subject_enter_node(c, NULL); /* the new allocator is walked once linked */
    if (out == NULL || min_order > max_order || max_order > 62)
        return -EINVAL;
    if (max_order > HSR_BUDDY_MAX_ORDER)
        return -EINVAL; /* the reference's bound (buddy.h) */
    uint32_t nodes = hsr_buddy_meta_nodes(min_order, max_order);
    if (nodes == 0)
        return -ENOMEM; /* deeper than the reference's metadata bound */
    uint64_t bytes = sizeof(hsr_buddy_t) + (uint64_t)nodes * (sizeof(hsr_buddy_node_t) + 1);
    int err = hsri_subject_request(c, bytes);
    if (err != 0)
        return err;
    hs_buddy_t *h = calloc(1, sizeof *h);
    if (h == NULL)
        return -ENOMEM;
    err = hsr_buddy_create(min_order, max_order, &h->buddy);
    if (err != 0) {
        free(h);
        return err;
    }
    hsri_subject_link(c, &h->node, bytes);
    after(c, h);
    *out = h;
    return 0;
}

static void buddy_destroy(hs_ctx_t *c, hs_buddy_t *h)
{
    hsri_subject_enter_node(c, NULL); /* h leaves the list */
    if (h == NULL)
        return;
    hsri_subject_unlink(c, &h->node);
    hsr_buddy_destroy(h->buddy);
    free(h);
}

static int buddy_alloc(hs_ctx_t *c, hs_buddy_t *h, uint64_t size, uint64_t *offset)
{
    hsri_subject_enter_node(c, &h->node);
    if (offset == NULL)
        return -EINVAL;
    int err = hsr_buddy_alloc(h->buddy, size, offset);
    after(c, h);
    return err;
}

static int buddy_alloc_order(hs_ctx_t *c, hs_buddy_t *h, uint32_t order, uint64_t *offset)
{
    hsri_subject_enter_node(c, &h->node);
    if (offset == NULL)
        return -EINVAL;
    int err = hsr_buddy_alloc_order(h->buddy, order, offset);
    after(c, h);
    return err;
}

static int buddy_free(hs_ctx_t *c, hs_buddy_t *h, uint64_t offset)
{
    hsri_subject_enter_node(c, &h->node);
    int err = hsr_buddy_free(h->buddy, offset);
    after(c, h);
    return err;
}

static int64_t buddy_block_size(hs_ctx_t *c, hs_buddy_t *h, uint64_t offset)
{
    return hsr_buddy_block_size(h->buddy, offset);
}

static uint64_t buddy_free_bytes(hs_ctx_t *c, hs_buddy_t *h)
{
    return hsr_buddy_free_bytes(h->buddy);
}

static uint64_t buddy_largest_free(hs_ctx_t *c, hs_buddy_t *h)
{
    return hsr_buddy_largest_free(h->buddy);
}

static const struct hs_buddy_ops buddy_ops = {
    .struct_size = sizeof(struct hs_buddy_ops),
    .version = HS_BUDDY_OPS_VERSION,
    .caps = 0,
    .create = buddy_create,
    .destroy = buddy_destroy,
    .alloc = buddy_alloc,
    .alloc_order = buddy_alloc_order,
    .free = buddy_free,
    .block_size = buddy_block_size,
    .free_bytes = buddy_free_bytes,
    .largest_free = buddy_largest_free,
};

static const struct hs_subject subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "ref-buddy",
    .version = "0.1",
    .description = "heapspec reference binary buddy: per-order index-linked free lists, "
                   "split on alloc, coalesce on free (ref/buddy, WP-proved)",
    .flags = HS_SUBJECT_REFERENCE,
    .open = ctx_open,
    .close = hsri_subject_close,
    .buddy_ops = &buddy_ops,
    .check = hsri_subject_check,
};

const struct hs_subject *hsr_buddy_subject(void)
{
    return &subject;
}
