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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/heapspec.h"
#include "heapspec/space.h"
#include "ref/subject/subject_args.h"

/* The ABI's opaque heap handle. */
struct hs_spaces_s {
    hsr_spaces_t *heap;         /* the reference heap */
    hsr_spaces_forward_t *fwd;  /* the split's table (NULL before) */
    size_t nfwd;                /* its entries */
    struct hs_spaces_s *next;   /* the context's list */
    struct hs_spaces_s *prev;   /* the context's list */
};

struct hs_ctx_s {
    uint32_t flags;           /* HS_OPEN_* */
    struct hs_spaces_s *head; /* heaps made through this context */
    char broken[160];         /* first walker failure under HS_OPEN_CHECKED */
};

static int ctx_open(const struct hs_open_args *args, hs_ctx_t **out) {
    if (out == NULL) {
        return -EINVAL;
    }
    int bad = hsri_subject_args_check(args);
    if (bad != 0) {
        return bad;
    }
    /* a well-formed struct reaches `flags`, so both fault fields are there */
    if (args != NULL && (args->fail_nth_backing != 0 || args->footprint_limit != 0)) {
        return -ENOTSUP; /* no fault injection in this component yet */
    }
    hs_ctx_t *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return -ENOMEM;
    }
    c->flags = args != NULL ? args->flags : 0;
    *out = c;
    return 0;
}

static void sp_destroy(hs_ctx_t *c, hs_spaces_t *h);

static void ctx_close(hs_ctx_t *c) {
    if (c == NULL) {
        return;
    }
    while (c->head != NULL) {
        sp_destroy(c, c->head);
    }
    free(c);
}

static void after(hs_ctx_t *c, const hs_spaces_t *h) {
    char why[sizeof c->broken];
    if ((c->flags & HS_OPEN_CHECKED) == 0 || c->broken[0] != 0) {
        return;
    }
    if (hsr_spaces_check(h->heap, why, sizeof why) != 0) {
        snprintf(c->broken, sizeof c->broken, "ref-spaces: %s", why);
    }
}

static int ctx_check(hs_ctx_t *c, char *buf, size_t len) {
    char why[sizeof c->broken];
    memcpy(why, c->broken, sizeof why);
    for (const hs_spaces_t *h = c->head; h != NULL && why[0] == 0; h = h->next) {
        char w[sizeof why - 16];
        if (hsr_spaces_check(h->heap, w, sizeof w) != 0) {
            snprintf(why, sizeof why, "ref-spaces: %s", w);
        }
    }
    if (why[0] == 0) {
        return 0;
    }
    if (buf != NULL && len > 0) {
        snprintf(buf, len, "%s", why);
    }
    return -1;
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
    h->next = c->head;
    if (c->head != NULL) {
        c->head->prev = h;
    }
    c->head = h;
    after(c, h);
    *out = h;
    return 0;
}

static void sp_destroy(hs_ctx_t *c, hs_spaces_t *h) {
    if (h == NULL) {
        return;
    }
    if (h->prev != NULL) {
        h->prev->next = h->next;
    } else {
        c->head = h->next;
    }
    if (h->next != NULL) {
        h->next->prev = h->prev;
    }
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
    .close = ctx_close,
    .spaces_ops = &spaces_ops,
    .check = ctx_check,
};

const struct hs_subject *hsr_spaces_subject(void) {
    return &subject;
}
