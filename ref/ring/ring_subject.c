/*
 * ring_subject.c — ref/ring as the "ref-ring" conformance subject (ring family).
 *
 * Context (one per open()): the fault-injection axes of hs_open_args and the
 * list of rings made through it, so that check() can walk them all.
 *   - "Backing memory" is a ring's buffer: each create() is one request that
 *     fail_nth_backing counts, and the sum of live capacities may not pass
 *     footprint_limit. A refused request is -ENOMEM with nothing made.
 *   - HS_OPEN_CHECKED: every mutating call is followed by hsr_ring_check();
 *     the first failure is kept and reported by check(). Skipped for SPSC
 *     rings, whose walker would race with the other thread.
 * The ops map one to one onto ring.h; modes are numbered alike.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "heapspec/heapspec.h"
#include "heapspec/ring.h"
#include "ref/subject/subject_ctx.h"

_Static_assert(HS_RING_REFUSE == HSR_RING_REFUSE, "modes agree");
_Static_assert(HS_RING_OVERWRITE == HSR_RING_OVERWRITE, "modes agree");
_Static_assert(HS_RING_SPSC == HSR_RING_SPSC, "modes agree");

/* The ABI's opaque ring handle. */
struct hs_ring_s {
    struct hsri_subject_node node; /* first: the context's list; charged: capacity */
    hsr_ring_t *ring;              /* the reference ring (own memory) */
};

static void ring_destroy(hs_ctx_t *c, hs_ring_t *h);

/* What the context runs for check() and, under HS_OPEN_CHECKED, after a mutation. */
static bool ring_walk(const struct hsri_subject_node *n, uint32_t how, char *why, size_t len)
{
    const hs_ring_t *h = (const void *)n;
    if (hsr_ring_check(h->ring))
        return true;
    snprintf(why, len, "ref-ring: ring %p fails RingValid", (const void *)h);
    return false;
}

/* What the context's close() runs on each ring left open. */
static void ring_drop(hs_ctx_t *c, struct hsri_subject_node *n)
{
    ring_destroy(c, (hs_ring_t *)(void *)n);
}

/* The ring's own capacity, so check() also catches one that changed. */
static uint64_t ring_held(const struct hsri_subject_node *n)
{
    return ((const hs_ring_t *)(const void *)n)->ring->cap;
}

static const struct hsri_subject_kind ring_kind = {
    .walk = ring_walk,
    .destroy = ring_drop,
    .held = ring_held,
    .faults = true,
    .footprint_mismatch = "ref-ring: footprint does not match the rings' capacities",
};

static int ctx_open(const struct hs_open_args *args, hs_ctx_t **out)
{
    return hsri_subject_open(&ring_kind, args, out);
}

/* Under HS_OPEN_CHECKED: walk r after a mutation, keep the first failure.
 * Skipped for SPSC rings, whose walker would race with the other thread. */
static void after(hs_ctx_t *c, const hs_ring_t *h)
{
    if (h->ring->mode != HSR_RING_SPSC)
        hsri_subject_after(c, &h->node, 0);
}

static int ring_create(hs_ctx_t *c, uint64_t capacity, uint32_t mode, hs_ring_t **out)
{
    if (out == NULL)
        return -EINVAL;
    hsr_ring_t probe;
    char two[2];
    int err = hsr_ring_init(&probe, two, capacity, mode); /* validate before counting */
    if (err != 0)
        return err;
    err = hsri_subject_request(c, capacity);
    if (err != 0)
        return err;
    hs_ring_t *h = calloc(1, sizeof *h);
    if (h == NULL)
        return -ENOMEM;
    err = hsr_ring_create(capacity, mode, &h->ring);
    if (err != 0) {
        free(h);
        return err;
    }
    hsri_subject_link(c, &h->node, capacity);
    after(c, h);
    *out = h;
    return 0;
}

static void ring_destroy(hs_ctx_t *c, hs_ring_t *h)
{
    if (h == NULL)
        return;
    hsri_subject_unlink(c, &h->node);
    hsr_ring_destroy(h->ring);
    free(h);
}

/* Lengths beyond 2^62 cannot describe a real buffer; ring.h requires less. */
static uint64_t clamp(uint64_t n)
{
    return n > HSR_RING_MAX_CAPACITY ? HSR_RING_MAX_CAPACITY : n;
}

static uint64_t ring_write(hs_ctx_t *c, hs_ring_t *h, const void *buf, uint64_t n)
{
    uint64_t k = hsr_ring_write(h->ring, buf, clamp(n));
    after(c, h);
    return k;
}

static uint64_t ring_read(hs_ctx_t *c, hs_ring_t *h, void *buf, uint64_t n)
{
    uint64_t k = hsr_ring_read(h->ring, buf, clamp(n));
    after(c, h);
    return k;
}

static uint64_t ring_peek(hs_ctx_t *c, hs_ring_t *h, void *buf, uint64_t n)
{
    return hsr_ring_peek(h->ring, buf, clamp(n));
}

static uint64_t ring_len(hs_ctx_t *c, hs_ring_t *h) { return hsr_ring_len(h->ring); }
static uint64_t ring_avail(hs_ctx_t *c, hs_ring_t *h) { return hsr_ring_avail(h->ring); }
static uint64_t ring_capacity(hs_ctx_t *c, hs_ring_t *h) { return hsr_ring_capacity(h->ring); }
static uint64_t ring_overruns(hs_ctx_t *c, hs_ring_t *h) { return hsr_ring_overruns(h->ring); }

static const struct hs_ring_ops ring_ops = {
    .struct_size = sizeof(struct hs_ring_ops),
    .version = HS_RING_OPS_VERSION,
    .caps = HS_RING_CAP_OVERWRITE | HS_RING_CAP_SPSC,
    .create = ring_create,
    .destroy = ring_destroy,
    .write = ring_write,
    .read = ring_read,
    .peek = ring_peek,
    .len = ring_len,
    .avail = ring_avail,
    .capacity = ring_capacity,
    .overruns = ring_overruns,
};

static const struct hs_subject subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "ref-ring",
    .version = "0.1",
    .description = "heapspec reference ring: power-of-two byte FIFO, free-running "
                   "indices, overwrite-oldest and SPSC modes (ref/ring, WP-proved)",
    .flags = HS_SUBJECT_REFERENCE,
    .open = ctx_open,
    .close = hsri_subject_close,
    .ring_ops = &ring_ops,
    .check = hsri_subject_check,
};

const struct hs_subject *hsr_ring_subject(void)
{
    return &subject;
}
