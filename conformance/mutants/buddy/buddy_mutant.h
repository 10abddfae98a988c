/*
 * buddy_mutant.h — the subject every buddy mutant shares: the reference
 * buddy (ref/include/heapspec/buddy.h, //ref/buddy:buddy) behind the
 * heapspec ABI, with ONE function replaced by the mutant's broken version.
 *
 * A mutant file defines the hooks it breaks, then includes this header:
 *
 *     #define MUT_NAME "mut-buddy-free"
 *     #define MUT_FREE mut_free   // int (hsr_buddy_t *, uint64_t offset)
 *     #include "buddy_mutant.h"
 *
 * Hooks (each optional; the default is the reference function):
 *   MUT_CREATE(min, max, &b)     MUT_ALLOC(b, size, &off)   MUT_ALLOC_ORDER(b, k, &off)
 *   MUT_FREE(b, off)             MUT_BLOCK_SIZE(b, off)     MUT_FREE_BYTES(b)
 *   MUT_LARGEST_FREE(b)          MUT_CHECK(ctx, buf, len)
 *
 * The object exports heapspec_subject() only (ref/subject.lds).
 */
#ifndef HEAPSPEC_BUDDY_MUTANT_H
#define HEAPSPEC_BUDDY_MUTANT_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/buddy.h"
#include "heapspec/heapspec.h"

#ifndef MUT_CREATE
#define MUT_CREATE hsr_buddy_create
#endif
#ifndef MUT_ALLOC
#define MUT_ALLOC hsr_buddy_alloc
#endif
#ifndef MUT_ALLOC_ORDER
#define MUT_ALLOC_ORDER hsr_buddy_alloc_order
#endif
#ifndef MUT_FREE
#define MUT_FREE hsr_buddy_free
#endif
#ifndef MUT_BLOCK_SIZE
#define MUT_BLOCK_SIZE hsr_buddy_block_size
#endif
#ifndef MUT_FREE_BYTES
#define MUT_FREE_BYTES hsr_buddy_free_bytes
#endif
#ifndef MUT_LARGEST_FREE
#define MUT_LARGEST_FREE hsr_buddy_largest_free
#endif

struct hs_buddy_s {
    hsr_buddy_t *buddy;
    struct hs_buddy_s *next, *prev;
};

struct hs_ctx_s {
    struct hs_buddy_s *head;
};

static int mut_open(const struct hs_open_args *args, hs_ctx_t **out)
{
    (void)args;
    hs_ctx_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return -ENOMEM;
    *out = c;
    return 0;
}

static void mut_destroy(hs_ctx_t *c, hs_buddy_t *h)
{
    if (h == NULL)
        return;
    if (h->prev != NULL)
        h->prev->next = h->next;
    else
        c->head = h->next;
    if (h->next != NULL)
        h->next->prev = h->prev;
    hsr_buddy_destroy(h->buddy);
    free(h);
}

static void mut_close(hs_ctx_t *c)
{
    while (c->head != NULL)
        mut_destroy(c, c->head);
    free(c);
}

static int mut_create(hs_ctx_t *c, uint32_t min_order, uint32_t max_order, hs_buddy_t **out)
{
    hs_buddy_t *h = calloc(1, sizeof *h);
    if (h == NULL)
        return -ENOMEM;
    int err = MUT_CREATE(min_order, max_order, &h->buddy);
    if (err != 0) {
        free(h);
        return err;
    }
    h->next = c->head;
    if (c->head != NULL)
        c->head->prev = h;
    c->head = h;
    *out = h;
    return 0;
}

static int mut_alloc(hs_ctx_t *c, hs_buddy_t *h, uint64_t size, uint64_t *off)
{
    return MUT_ALLOC(h->buddy, size, off);
}

static int mut_alloc_order(hs_ctx_t *c, hs_buddy_t *h, uint32_t order, uint64_t *off)
{
    return MUT_ALLOC_ORDER(h->buddy, order, off);
}

static int mut_free(hs_ctx_t *c, hs_buddy_t *h, uint64_t off) { return MUT_FREE(h->buddy, off); }

static int64_t mut_block_size(hs_ctx_t *c, hs_buddy_t *h, uint64_t off)
{
    return MUT_BLOCK_SIZE(h->buddy, off);
}

static uint64_t mut_free_bytes(hs_ctx_t *c, hs_buddy_t *h) { return MUT_FREE_BYTES(h->buddy); }

static uint64_t mut_largest_free(hs_ctx_t *c, hs_buddy_t *h)
{
    return MUT_LARGEST_FREE(h->buddy);
}

static int mut_check(hs_ctx_t *c, char *buf, size_t len)
{
#ifdef MUT_CHECK
    return MUT_CHECK(c, buf, len);
#else
    for (const hs_buddy_t *h = c->head; h != NULL; h = h->next)
        if (!hsr_buddy_check(h->buddy)) {
            snprintf(buf, len, "%s: an allocator fails the walker", MUT_NAME);
            return -1;
        }
    return 0;
#endif
}

static const struct hs_buddy_ops mut_buddy_ops = {
    .struct_size = sizeof(struct hs_buddy_ops),
    .version = HS_BUDDY_OPS_VERSION,
    .caps = 0,
    .create = mut_create,
    .destroy = mut_destroy,
    .alloc = mut_alloc,
    .alloc_order = mut_alloc_order,
    .free = mut_free,
    .block_size = mut_block_size,
    .free_bytes = mut_free_bytes,
    .largest_free = mut_largest_free,
};

static const struct hs_subject mut_subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = MUT_NAME,
    .version = "0",
    .description = "a deliberately broken buddy (conformance/mutants/buddy)",
    .flags = 0,
    .open = mut_open,
    .close = mut_close,
    .buddy_ops = &mut_buddy_ops,
    .check = mut_check,
};

__attribute__((visibility("default"))) const struct hs_subject *heapspec_subject(void);

const struct hs_subject *heapspec_subject(void)
{
    return &mut_subject;
}

#endif /* HEAPSPEC_BUDDY_MUTANT_H */
