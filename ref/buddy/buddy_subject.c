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
 * create() takes min_order <= max_order <= 62 per the ABI; the reference
 * answers -EINVAL above max_order 30 and -ENOMEM when max_order - min_order
 * exceeds its metadata bound (20), as buddy.h documents.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/buddy.h"
#include "heapspec/heapspec.h"
#include "ref/subject/subject_args.h"

/* The ABI's opaque buddy handle. */
struct hs_buddy_s {
    hsr_buddy_t *buddy;       /* the reference allocator (own memory) */
    uint64_t meta_bytes;      /* its metadata, charged to the footprint */
    struct hs_buddy_s *next;  /* the context's list */
    struct hs_buddy_s *prev;  /* the context's list */
};

struct hs_ctx_s {
    uint32_t flags;           /* HS_OPEN_* */
    uint64_t fail_nth;        /* 0: off; N: the Nth backing request fails */
    uint64_t nrequests;       /* backing requests seen so far */
    uint64_t limit;           /* 0: none; else metadata bytes allowed */
    uint64_t footprint;       /* sum of meta_bytes over the list */
    struct hs_buddy_s *head;  /* allocators made through this context */
    char broken[128];         /* first walker failure under HS_OPEN_CHECKED */
};

static int ctx_open(const struct hs_open_args *args, hs_ctx_t **out)
{
    if (out == NULL)
        return -EINVAL;
    int bad = hsri_subject_args_check(args);
    if (bad != 0)
        return bad;
    hs_ctx_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return -ENOMEM;
    if (args != NULL) {
        c->flags = args->flags;
        c->fail_nth = args->fail_nth_backing;
        c->limit = args->footprint_limit;
    }
    *out = c;
    return 0;
}

static void buddy_destroy(hs_ctx_t *c, hs_buddy_t *h);

static void ctx_close(hs_ctx_t *c)
{
    if (c == NULL)
        return;
    while (c->head != NULL)
        buddy_destroy(c, c->head);
    free(c);
}

/* Under HS_OPEN_CHECKED: walk the allocator after a mutation. */
static void after(hs_ctx_t *c, const hs_buddy_t *h)
{
    if ((c->flags & HS_OPEN_CHECKED) == 0 || c->broken[0] != 0)
        return;
    if (!hsr_buddy_check(h->buddy))
        snprintf(c->broken, sizeof c->broken, "ref-buddy: allocator %p fails the walker",
                 (const void *)h);
}

static int ctx_check(hs_ctx_t *c, char *buf, size_t len)
{
    char why[sizeof c->broken];
    memcpy(why, c->broken, sizeof why);
    uint64_t sum = 0;
    for (const hs_buddy_t *h = c->head; h != NULL && why[0] == 0; h = h->next) {
        sum += h->meta_bytes;
        if (!hsr_buddy_check(h->buddy))
            snprintf(why, sizeof why, "ref-buddy: allocator %p fails the walker",
                     (const void *)h);
    }
    if (why[0] == 0 && sum != c->footprint)
        snprintf(why, sizeof why, "ref-buddy: footprint does not match the allocators");
    if (why[0] == 0)
        return 0;
    if (buf != NULL && len > 0)
        snprintf(buf, len, "%s", why);
    return -1;
}

static int buddy_create(hs_ctx_t *c, uint32_t min_order, uint32_t max_order, hs_buddy_t **out)
{
    if (out == NULL || min_order > max_order || max_order > 62)
        return -EINVAL;
    if (max_order > HSR_BUDDY_MAX_ORDER)
        return -EINVAL; /* the reference's bound (buddy.h) */
    uint32_t nodes = hsr_buddy_meta_nodes(min_order, max_order);
    if (nodes == 0)
        return -ENOMEM; /* deeper than the reference's metadata bound */
    uint64_t bytes = sizeof(hsr_buddy_t) + (uint64_t)nodes * sizeof(hsr_buddy_node_t);
    c->nrequests++;
    if (c->fail_nth != 0 && c->nrequests == c->fail_nth)
        return -ENOMEM;
    if (c->limit != 0 && bytes > c->limit - (c->footprint < c->limit ? c->footprint : c->limit))
        return -ENOMEM;
    hs_buddy_t *h = calloc(1, sizeof *h);
    if (h == NULL)
        return -ENOMEM;
    int err = hsr_buddy_create(min_order, max_order, &h->buddy);
    if (err != 0) {
        free(h);
        return err;
    }
    h->meta_bytes = bytes;
    h->next = c->head;
    if (c->head != NULL)
        c->head->prev = h;
    c->head = h;
    c->footprint += bytes;
    after(c, h);
    *out = h;
    return 0;
}

static void buddy_destroy(hs_ctx_t *c, hs_buddy_t *h)
{
    if (h == NULL)
        return;
    if (h->prev != NULL)
        h->prev->next = h->next;
    else
        c->head = h->next;
    if (h->next != NULL)
        h->next->prev = h->prev;
    c->footprint -= h->meta_bytes;
    hsr_buddy_destroy(h->buddy);
    free(h);
}

static int buddy_alloc(hs_ctx_t *c, hs_buddy_t *h, uint64_t size, uint64_t *offset)
{
    if (offset == NULL)
        return -EINVAL;
    int err = hsr_buddy_alloc(h->buddy, size, offset);
    after(c, h);
    return err;
}

static int buddy_alloc_order(hs_ctx_t *c, hs_buddy_t *h, uint32_t order, uint64_t *offset)
{
    if (offset == NULL)
        return -EINVAL;
    int err = hsr_buddy_alloc_order(h->buddy, order, offset);
    after(c, h);
    return err;
}

static int buddy_free(hs_ctx_t *c, hs_buddy_t *h, uint64_t offset)
{
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
    .close = ctx_close,
    .buddy_ops = &buddy_ops,
    .check = ctx_check,
};

const struct hs_subject *hsr_buddy_subject(void)
{
    return &subject;
}
