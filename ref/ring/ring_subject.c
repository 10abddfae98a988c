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
#include <string.h>

#include "heapspec/heapspec.h"
#include "ref/subject/subject_args.h"
#include "heapspec/ring.h"

_Static_assert(HS_RING_REFUSE == HSR_RING_REFUSE, "modes agree");
_Static_assert(HS_RING_OVERWRITE == HSR_RING_OVERWRITE, "modes agree");
_Static_assert(HS_RING_SPSC == HSR_RING_SPSC, "modes agree");

/* The ABI's opaque ring handle. */
struct hs_ring_s {
    hsr_ring_t *ring;         /* the reference ring (own memory) */
    struct hs_ring_s *next;   /* the context's list */
    struct hs_ring_s *prev;   /* the context's list */
};

struct hs_ctx_s {
    uint32_t flags;           /* HS_OPEN_* */
    uint64_t fail_nth;        /* 0: off; N: the Nth backing request fails */
    uint64_t nrequests;       /* backing requests seen so far */
    uint64_t limit;           /* 0: none; else bytes of ring buffers allowed */
    uint64_t footprint;       /* sum of the live rings' capacities */
    struct hs_ring_s *head;   /* rings made through this context */
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

static void ring_destroy(hs_ctx_t *c, hs_ring_t *h);

static void ctx_close(hs_ctx_t *c)
{
    if (c == NULL)
        return;
    while (c->head != NULL)
        ring_destroy(c, c->head);
    free(c);
}

/* Under HS_OPEN_CHECKED: walk r after a mutation, keep the first failure. */
static void after(hs_ctx_t *c, const hs_ring_t *h)
{
    if ((c->flags & HS_OPEN_CHECKED) == 0 || c->broken[0] != 0)
        return;
    if (h->ring->mode == HSR_RING_SPSC)
        return;
    if (!hsr_ring_check(h->ring))
        snprintf(c->broken, sizeof c->broken, "ref-ring: ring %p fails RingValid", (void *)h);
}

static int ctx_check(hs_ctx_t *c, char *buf, size_t len)
{
    char why[sizeof c->broken];
    memcpy(why, c->broken, sizeof why);
    uint64_t sum = 0;
    for (const hs_ring_t *h = c->head; h != NULL && why[0] == 0; h = h->next) {
        sum += h->ring->cap;
        if (!hsr_ring_check(h->ring))
            snprintf(why, sizeof why, "ref-ring: ring %p fails RingValid", (const void *)h);
    }
    if (why[0] == 0 && sum != c->footprint)
        snprintf(why, sizeof why, "ref-ring: footprint does not match the rings' capacities");
    if (why[0] == 0)
        return 0;
    if (buf != NULL && len > 0)
        snprintf(buf, len, "%s", why);
    return -1;
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
    c->nrequests++;
    if (c->fail_nth != 0 && c->nrequests == c->fail_nth)
        return -ENOMEM;
    if (c->limit != 0 && capacity > c->limit - (c->footprint < c->limit ? c->footprint : c->limit))
        return -ENOMEM;
    hs_ring_t *h = calloc(1, sizeof *h);
    if (h == NULL)
        return -ENOMEM;
    err = hsr_ring_create(capacity, mode, &h->ring);
    if (err != 0) {
        free(h);
        return err;
    }
    h->next = c->head;
    if (c->head != NULL)
        c->head->prev = h;
    c->head = h;
    c->footprint += capacity;
    after(c, h);
    *out = h;
    return 0;
}

static void ring_destroy(hs_ctx_t *c, hs_ring_t *h)
{
    if (h == NULL)
        return;
    if (h->prev != NULL)
        h->prev->next = h->next;
    else
        c->head = h->next;
    if (h->next != NULL)
        h->next->prev = h->prev;
    c->footprint -= h->ring->cap;
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
    .close = ctx_close,
    .ring_ops = &ring_ops,
    .check = ctx_check,
};

const struct hs_subject *hsr_ring_subject(void)
{
    return &subject;
}
