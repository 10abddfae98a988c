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
 * The context, its list of allocators and the exported heapspec_subject()
 * (the object's only symbol, ref/subject.lds) are mutant_subject.c's.
 */
#ifndef HEAPSPEC_BUDDY_MUTANT_H
#define HEAPSPEC_BUDDY_MUTANT_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/mutants/mutant_subject.h"
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
#ifndef MUT_CHECK
#define MUT_CHECK mut_ctx_check
#endif

struct hs_buddy_s {
    struct mut_link link; /* first: the context's list (mutant_subject.h) */
    hsr_buddy_t *buddy;   /* the reference allocator */
};
_Static_assert(offsetof(struct hs_buddy_s, link) == 0, "mutant_subject.c frees through link");

static int mut_create(hs_ctx_t *c, uint32_t min_order, uint32_t max_order, hs_buddy_t **out)
{
    hs_buddy_t *h = calloc(1, sizeof *h);
    if (h == NULL)
        return -ENOMEM;
    int err = mut_handle_add(c, h, MUT_CREATE(min_order, max_order, &h->buddy));
    if (err == 0)
        *out = h;
    return err;
}

static void mut_destroy(hs_ctx_t *c, hs_buddy_t *h) { mut_handle_destroy(c, h); }

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

static void mut_release(void *handle)
{
    hs_buddy_t *h = handle;
    hsr_buddy_destroy(h->buddy);
}

static int mut_check_one(const void *handle, char *buf, size_t len)
{
    const hs_buddy_t *h = handle;
    if (hsr_buddy_check(h->buddy))
        return 0;
    snprintf(buf, len, "%s: an allocator fails the walker", MUT_NAME);
    return -1;
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
    .open = mut_ctx_open,
    .close = mut_ctx_close,
    .buddy_ops = &mut_buddy_ops,
    .check = MUT_CHECK,
};

const struct mut_family mut_family = {
    .subject = &mut_subject,
    .refuse_fault_args = false,
    .release = mut_release,
    .check = mut_check_one,
};

#endif /* HEAPSPEC_BUDDY_MUTANT_H */
