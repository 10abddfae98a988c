/*
 * ring_mutant.h — the subject every ring mutant shares: the reference ring
 * (ref/include/heapspec/ring.h, //ref/ring:ring) behind the heapspec ABI,
 * with ONE function replaced by the mutant's broken version.
 *
 * A mutant file defines the hooks it breaks, then includes this header:
 *
 *     #define MUT_NAME "mut-ring-wrap"
 *     #define MUT_WRITE mut_write     // uint64_t (hsr_ring_t *, const char *, uint64_t)
 *     static uint64_t mut_write(...) { ... hsr_ring_write(...) ... }
 *     #include "ring_mutant.h"
 *
 * Hooks (each optional; the default is the reference function):
 *   MUT_CREATE(cap, mode, &ring)   MUT_WRITE(ring, src, n)   MUT_READ(ring, dst, n)
 *   MUT_PEEK(ring, dst, n)         MUT_LEN(ring)             MUT_AVAIL(ring)
 *   MUT_OVERRUNS(ring)             MUT_CHECK(ctx)            (0 or -1)
 *
 * The context keeps its rings in a list so that check() can walk them with
 * hsr_ring_check(); that context and the exported heapspec_subject() (the
 * object's only symbol, ref/subject.lds) are mutant_subject.c's.
 */
#ifndef HEAPSPEC_RING_MUTANT_H
#define HEAPSPEC_RING_MUTANT_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/mutants/mutant_subject.h"
#include "heapspec/heapspec.h"
#include "heapspec/ring.h"

#ifndef MUT_CREATE
#define MUT_CREATE hsr_ring_create
#endif
#ifndef MUT_WRITE
#define MUT_WRITE hsr_ring_write
#endif
#ifndef MUT_READ
#define MUT_READ hsr_ring_read
#endif
#ifndef MUT_PEEK
#define MUT_PEEK hsr_ring_peek
#endif
#ifndef MUT_LEN
#define MUT_LEN hsr_ring_len
#endif
#ifndef MUT_AVAIL
#define MUT_AVAIL hsr_ring_avail
#endif
#ifndef MUT_OVERRUNS
#define MUT_OVERRUNS hsr_ring_overruns
#endif
#ifndef MUT_CHECK
#define MUT_CHECK mut_ctx_check
#endif

struct hs_ring_s {
    struct mut_link link; /* first: the context's list (mutant_subject.h) */
    hsr_ring_t *ring;     /* the reference ring */
};
_Static_assert(offsetof(struct hs_ring_s, link) == 0, "mutant_subject.c frees through link");

static int mut_create(hs_ctx_t *c, uint64_t cap, uint32_t mode, hs_ring_t **out)
{
    hs_ring_t *h = calloc(1, sizeof *h);
    if (h == NULL)
        return -ENOMEM;
    int err = mut_handle_add(c, h, MUT_CREATE(cap, mode, &h->ring));
    if (err == 0)
        *out = h;
    return err;
}

static void mut_destroy(hs_ctx_t *c, hs_ring_t *h) { mut_handle_destroy(c, h); }

static uint64_t clamp_n(uint64_t n)
{
    return n > HSR_RING_MAX_CAPACITY ? HSR_RING_MAX_CAPACITY : n;
}

static uint64_t mut_write(hs_ctx_t *c, hs_ring_t *h, const void *buf, uint64_t n)
{
    (void)c;
    return MUT_WRITE(h->ring, buf, clamp_n(n));
}

static uint64_t mut_read(hs_ctx_t *c, hs_ring_t *h, void *buf, uint64_t n)
{
    (void)c;
    return MUT_READ(h->ring, buf, clamp_n(n));
}

static uint64_t mut_peek(hs_ctx_t *c, hs_ring_t *h, void *buf, uint64_t n)
{
    (void)c;
    return MUT_PEEK(h->ring, buf, clamp_n(n));
}

static uint64_t mut_len(hs_ctx_t *c, hs_ring_t *h) { return MUT_LEN(h->ring); }
static uint64_t mut_avail(hs_ctx_t *c, hs_ring_t *h) { return MUT_AVAIL(h->ring); }
static uint64_t mut_capacity(hs_ctx_t *c, hs_ring_t *h) { return hsr_ring_capacity(h->ring); }
static uint64_t mut_overruns(hs_ctx_t *c, hs_ring_t *h) { return MUT_OVERRUNS(h->ring); }

static void mut_release(void *handle)
{
    hs_ring_t *h = handle;
    hsr_ring_destroy(h->ring);
}

static int mut_check_one(const void *handle, char *buf, size_t len)
{
    const hs_ring_t *h = handle;
    if (hsr_ring_check(h->ring))
        return 0;
    snprintf(buf, len, "%s: a ring fails RingValid", MUT_NAME);
    return -1;
}

static const struct hs_ring_ops mut_ring_ops = {
    .struct_size = sizeof(struct hs_ring_ops),
    .version = HS_RING_OPS_VERSION,
    .caps = HS_RING_CAP_OVERWRITE | HS_RING_CAP_SPSC,
    .create = mut_create,
    .destroy = mut_destroy,
    .write = mut_write,
    .read = mut_read,
    .peek = mut_peek,
    .len = mut_len,
    .avail = mut_avail,
    .capacity = mut_capacity,
    .overruns = mut_overruns,
};

static const struct hs_subject mut_subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = MUT_NAME,
    .version = "0",
    .description = "a deliberately broken ring (conformance/mutants/ring)",
    .flags = 0,
    .open = mut_ctx_open,
    .close = mut_ctx_close,
    .ring_ops = &mut_ring_ops,
    .check = MUT_CHECK,
};

const struct mut_family mut_family = {
    .subject = &mut_subject,
    .refuse_fault_args = false,
    .release = mut_release,
    .check = mut_check_one,
};

#endif /* HEAPSPEC_RING_MUTANT_H */
