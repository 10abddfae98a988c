/*
 * space_subject.c — ref/space as the "ref-spaces" conformance subject
 * (spaces family of spec/include/heapspec/heapspec.h).
 *
 * Context (one per open()): the HS_OPEN_* flags and the heaps made through
 * it, so that check() can walk them all. The fault axes (fail_nth_backing,
 * footprint_limit) are not offered: open() answers -ENOTSUP for them.
 *
 * zygote_split moves the main space's objects; the subject keeps the
 * split's forwarding table: forward() answers an object's new address, and
 * a pointer the tool still holds from before the split (an object of the
 * old main space) is translated to its copy in every later call, and
 * answers HS_SPACE_ZYGOTE / -EPERM like any zygote object. The old main
 * space stays reserved (space.h), so no new object can take such an
 * address and the translation is never ambiguous.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "heapspec/heapspec.h"
#include "heapspec/space.h"
#include "ref/subject/subject_ctx.h"

/* The ABI's opaque heap handle. */
struct hs_spaces_s {
    struct hsri_subject_node node; /* first: the context's list (nothing charged) */
    hsr_spaces_t *heap;            /* the reference heap */
    hsr_spaces_forward_t *fwd;     /* the split's table (NULL before) */
    size_t nfwd;                   /* its entries */
};

static void sp_destroy(hs_ctx_t *c, hs_spaces_t *h);

/* What the context runs for check() and, under HS_OPEN_CHECKED, after a mutation. */
static bool sp_walk(const struct hsri_subject_node *n, uint32_t how, char *why, size_t len) {
    const hs_spaces_t *h = (const void *)n;
    char w[144]; /* the heap's reason, cut short enough that the prefix fits */
    if (hsr_spaces_check(h->heap, w, sizeof w) == 0) {
        return true;
    }
    snprintf(why, len, "ref-spaces: %s", w);
    return false;
}

/* What the context's close() runs on each heap left open. */
static void sp_drop(hs_ctx_t *c, struct hsri_subject_node *n) {
    sp_destroy(c, (hs_spaces_t *)(void *)n);
}

static const struct hsri_subject_kind spaces_kind = {
    .walk = sp_walk,
    .destroy = sp_drop,
    .faults = false,
};

static int ctx_open(const struct hs_open_args *args, hs_ctx_t **out) {
    return hsri_subject_open(&spaces_kind, args, out);
}

static void after(hs_ctx_t *c, const hs_spaces_t *h) {
    hsri_subject_after(c, &h->node, 0);
}

static int sp_create(hs_ctx_t *c, const struct hs_spaces_config *cfg, hs_spaces_t **out) {
    if (cfg == NULL || out == NULL ||
        cfg->struct_size < offsetof(struct hs_spaces_config, non_moving_capacity) +
                               sizeof cfg->non_moving_capacity) {
        return -EINVAL;
    }
    hsr_spaces_config_t rc = {
        .initial_size = cfg->initial_size,
        .growth_limit = cfg->growth_limit,
        .capacity = cfg->capacity,
        .large_threshold = cfg->large_threshold,
        .non_moving_capacity = cfg->non_moving_capacity,
        .los_capacity = 0,
        .los_kind = HSR_LOS_FREE_LIST,
        .reserved0 = 0,
    };
    hs_spaces_t *h = calloc(1, sizeof *h);
    if (h == NULL) {
        return -ENOMEM;
    }
    int err = hsr_spaces_create(&rc, &h->heap);
    if (err != 0) {
        free(h);
        return err;
    }
    hsri_subject_link(c, &h->node, 0);
    after(c, h);
    *out = h;
    return 0;
}

static void sp_destroy(hs_ctx_t *c, hs_spaces_t *h) {
    if (h == NULL) {
        return;
    }
    hsri_subject_unlink(c, &h->node);
    hsr_spaces_destroy(h->heap);
    hsr_spaces_forward_free(h->fwd);
    free(h);
}

/* The current address of an object the tool may hold from before a split. */
static void *current(const hs_spaces_t *h, const void *p) {
    if (h->fwd == NULL || p == NULL) {
        return (void *)(uintptr_t)p;
    }
    return hsr_spaces_forward_lookup(h->fwd, h->nfwd, p);
}

static void *sp_alloc(hs_ctx_t *c, hs_spaces_t *h, uint64_t n, uint32_t flags,
                      uint64_t *bytes_allocated, uint64_t *usable) {
    void *p = hsr_spaces_alloc(h->heap, n, flags, bytes_allocated, usable);
    after(c, h);
    return p;
}

static int64_t sp_free(hs_ctx_t *c, hs_spaces_t *h, void *p) {
    int64_t r = hsr_spaces_free(h->heap, current(h, p));
    after(c, h);
    return r;
}

static uint32_t sp_space_of(hs_ctx_t *c, hs_spaces_t *h, const void *p) {
    return hsr_spaces_space_of(h->heap, current(h, p));
}

static uint64_t sp_allocation_size(hs_ctx_t *c, hs_spaces_t *h, const void *p) {
    return hsr_spaces_allocation_size(h->heap, current(h, p));
}

static uint64_t sp_footprint(hs_ctx_t *c, hs_spaces_t *h) {
    return hsr_spaces_footprint(h->heap);
}

static uint64_t sp_growth_limit(hs_ctx_t *c, hs_spaces_t *h) {
    return hsr_spaces_growth_limit(h->heap);
}

static void sp_clear_growth_limit(hs_ctx_t *c, hs_spaces_t *h) {
    hsr_spaces_clear_growth_limit(h->heap);
    after(c, h);
}

static int sp_zygote_split(hs_ctx_t *c, hs_spaces_t *h) {
    hsr_spaces_forward_t *fwd = NULL;
    size_t n = 0;
    int err = hsr_spaces_zygote_split(h->heap, &fwd, &n);
    if (err == 0) {
        h->fwd = fwd;
        h->nfwd = n;
    }
    after(c, h);
    return err;
}

static void *sp_forward(hs_ctx_t *c, hs_spaces_t *h, const void *p) {
    (void)c;
    void *q = current(h, p);
    return hsr_spaces_space_of(h->heap, q) == HS_SPACE_NONE ? NULL : q;
}

static const struct hs_spaces_ops spaces_ops = {
    .struct_size = sizeof(struct hs_spaces_ops),
    .version = HS_SPACES_OPS_VERSION,
    .caps = 0,
    .create = sp_create,
    .destroy = sp_destroy,
    .alloc = sp_alloc,
    .free = sp_free,
    .space_of = sp_space_of,
    .allocation_size = sp_allocation_size,
    .footprint = sp_footprint,
    .growth_limit = sp_growth_limit,
    .clear_growth_limit = sp_clear_growth_limit,
    .zygote_split = sp_zygote_split,
    .forward = sp_forward,
};

static const struct hs_subject subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "ref-spaces",
    .version = "0.1",
    .description = "heapspec reference ART-style spaces: main and non-moving mspaces on "
                   "regions, free-list large-object space, zygote split (ref/space)",
    .flags = HS_SUBJECT_REFERENCE,
    .open = ctx_open,
    .close = hsri_subject_close,
    .spaces_ops = &spaces_ops,
    .check = hsri_subject_check,
};

const struct hs_subject *hsr_spaces_subject(void) {
    return &subject;
}
