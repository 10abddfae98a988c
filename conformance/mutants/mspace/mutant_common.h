/*
 * mutant_common.h — a correct mspace-family subject over the reference
 * mspace's public API (ref/include/heapspec/mspace.h), for the mutants of
 * this package. Each <group>_mutant.c includes this file and defines
 *
 *     static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops);
 *
 * which replaces ONE entry of the otherwise correct table with a broken
 * function (the planted bug). heapspec_subject() returns the mutated table;
 * it is the only symbol the shared object exports (//ref:subject.lds).
 *
 * The context keeps the list of its mspaces so that check() can run the
 * reference walker over all of them, and close() can destroy them.
 */
#ifndef HEAPSPEC_MSPACE_MUTANT_COMMON_H
#define HEAPSPEC_MSPACE_MUTANT_COMMON_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/heapspec.h"
#include "heapspec/mspace.h"

#define MUT_MAX_SPACES 256

struct hs_ctx_s {
    hsr_mspace_t *spaces[MUT_MAX_SPACES];
    size_t nspaces;
};

#define MS(h) ((hsr_mspace_t *)(void *)(h))
#define HS(m) ((hs_mspace_t *)(void *)(m))

static void mutate(struct hs_subject *subject, struct hs_mspace_ops *ops);

static int mut_open(const struct hs_open_args *args, hs_ctx_t **out)
{
    if (out == NULL)
        return -EINVAL;
    if (args != NULL && (args->fail_nth_backing != 0 || args->footprint_limit != 0))
        return -ENOTSUP;
    *out = calloc(1, sizeof **out);
    return *out == NULL ? -ENOMEM : 0;
}

static void mut_close(hs_ctx_t *ctx)
{
    if (ctx == NULL)
        return;
    for (size_t i = 0; i < ctx->nspaces; i++)
        (void)hsr_mspace_destroy(ctx->spaces[i]);
    free(ctx);
}

static int mut_check(hs_ctx_t *ctx, char *buf, size_t len)
{
    for (size_t i = 0; i < ctx->nspaces; i++)
        if (hsr_mspace_check(ctx->spaces[i], buf, len) != 0)
            return -1;
    return 0;
}

static hs_mspace_t *mut_add(hs_ctx_t *ctx, hsr_mspace_t *ms)
{
    if (ms == NULL)
        return NULL;
    if (ctx->nspaces == MUT_MAX_SPACES) {
        (void)hsr_mspace_destroy(ms);
        return NULL;
    }
    ctx->spaces[ctx->nspaces++] = ms;
    return HS(ms);
}

static hs_mspace_t *ok_create_with_base(hs_ctx_t *ctx, void *base, size_t cap, int locked)
{
    return mut_add(ctx, hsr_mspace_create_with_base(base, cap, locked));
}

static hs_mspace_t *ok_create(hs_ctx_t *ctx, size_t cap, int locked)
{
    return mut_add(ctx, hsr_mspace_create(cap, locked));
}

static size_t ok_destroy(hs_ctx_t *ctx, hs_mspace_t *ms)
{
    for (size_t i = 0; i < ctx->nspaces; i++)
        if (ctx->spaces[i] == MS(ms)) {
            ctx->spaces[i] = ctx->spaces[--ctx->nspaces];
            break;
        }
    return hsr_mspace_destroy(MS(ms));
}

static void *ok_malloc(hs_ctx_t *ctx, hs_mspace_t *ms, size_t n)
{
    (void)ctx;
    return hsr_mspace_malloc(MS(ms), n);
}

static void ok_free(hs_ctx_t *ctx, hs_mspace_t *ms, void *p)
{
    (void)ctx;
    hsr_mspace_free(MS(ms), p);
}

static void *ok_calloc(hs_ctx_t *ctx, hs_mspace_t *ms, size_t n, size_t m)
{
    (void)ctx;
    return hsr_mspace_calloc(MS(ms), n, m);
}

static void *ok_realloc(hs_ctx_t *ctx, hs_mspace_t *ms, void *p, size_t n)
{
    (void)ctx;
    return hsr_mspace_realloc(MS(ms), p, n);
}

static void *ok_realloc_in_place(hs_ctx_t *ctx, hs_mspace_t *ms, void *p, size_t n)
{
    (void)ctx;
    return hsr_mspace_realloc_in_place(MS(ms), p, n);
}

static void *ok_memalign(hs_ctx_t *ctx, hs_mspace_t *ms, size_t a, size_t n)
{
    (void)ctx;
    return hsr_mspace_memalign(MS(ms), a, n);
}

static size_t ok_bulk_free(hs_ctx_t *ctx, hs_mspace_t *ms, void **array, size_t n)
{
    (void)ctx;
    return hsr_mspace_bulk_free(MS(ms), array, n);
}

static int ok_trim(hs_ctx_t *ctx, hs_mspace_t *ms, size_t pad)
{
    (void)ctx;
    return hsr_mspace_trim(MS(ms), pad);
}

static size_t ok_usable_size(hs_ctx_t *ctx, hs_mspace_t *ms, const void *p)
{
    (void)ctx;
    return hsr_mspace_usable_size(MS(ms), p);
}

static size_t ok_footprint(hs_ctx_t *ctx, hs_mspace_t *ms)
{
    (void)ctx;
    return hsr_mspace_footprint(MS(ms));
}

static size_t ok_max_footprint(hs_ctx_t *ctx, hs_mspace_t *ms)
{
    (void)ctx;
    return hsr_mspace_max_footprint(MS(ms));
}

static size_t ok_footprint_limit(hs_ctx_t *ctx, hs_mspace_t *ms)
{
    (void)ctx;
    return hsr_mspace_footprint_limit(MS(ms));
}

static size_t ok_set_footprint_limit(hs_ctx_t *ctx, hs_mspace_t *ms, size_t bytes)
{
    (void)ctx;
    return hsr_mspace_set_footprint_limit(MS(ms), bytes);
}

static int ok_mallinfo(hs_ctx_t *ctx, hs_mspace_t *ms, struct hs_mallinfo *out)
{
    hsr_mspace_stats_t st;
    (void)ctx;
    if (out == NULL || out->struct_size < sizeof *out || hsr_mspace_mallinfo(MS(ms), &st) != 0)
        return -EINVAL;
    out->version = HS_MALLINFO_VERSION;
    out->arena = st.footprint;
    out->free_chunks = st.free_chunks;
    out->used_bytes = st.used_bytes;
    out->free_bytes = st.free_bytes;
    out->top_bytes = st.top_bytes;
    out->max_footprint = st.max_footprint;
    memset(out->reserved, 0, sizeof out->reserved);
    return 0;
}

static void ok_inspect_all(hs_ctx_t *ctx, hs_mspace_t *ms, hs_inspect_fn fn, void *arg)
{
    (void)ctx;
    hsr_mspace_inspect_all(MS(ms), fn, arg);
}

static struct hs_mspace_ops mut_ops = {
    .struct_size = sizeof(struct hs_mspace_ops),
    .version = HS_MSPACE_OPS_VERSION,
    .caps = HS_MSPACE_CAP_WITH_BASE | HS_MSPACE_CAP_OWN_MEMORY | HS_MSPACE_CAP_LOCKED |
            HS_MSPACE_CAP_REALLOC_IN_PLACE | HS_MSPACE_CAP_BULK_FREE | HS_MSPACE_CAP_TRIM |
            HS_MSPACE_CAP_FOOTPRINT_LIMIT | HS_MSPACE_CAP_INSPECT | HS_MSPACE_CAP_MALLINFO,
    .create_with_base = ok_create_with_base,
    .create = ok_create,
    .destroy = ok_destroy,
    .malloc = ok_malloc,
    .free = ok_free,
    .calloc = ok_calloc,
    .realloc = ok_realloc,
    .realloc_in_place = ok_realloc_in_place,
    .memalign = ok_memalign,
    .bulk_free = ok_bulk_free,
    .trim = ok_trim,
    .usable_size = ok_usable_size,
    .footprint = ok_footprint,
    .max_footprint = ok_max_footprint,
    .footprint_limit = ok_footprint_limit,
    .set_footprint_limit = ok_set_footprint_limit,
    .mallinfo = ok_mallinfo,
    .inspect_all = ok_inspect_all,
};

static struct hs_subject mut_subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "mspace-mutant",
    .version = "1",
    .description = "the reference mspace with one planted bug",
    .flags = 0,
    .open = mut_open,
    .close = mut_close,
    .mspace_ops = &mut_ops,
    .check = mut_check,
};

__attribute__((visibility("default"))) const struct hs_subject *heapspec_subject(void);

const struct hs_subject *heapspec_subject(void)
{
    static int done;
    if (!done) {
        mutate(&mut_subject, &mut_ops);
        done = 1;
    }
    return &mut_subject;
}

#endif /* HEAPSPEC_MSPACE_MUTANT_COMMON_H */
