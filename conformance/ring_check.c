/* ring_check.c — the ring family's checker: runs a trace against a subject's
 * struct hs_ring_ops and judges every step against a shadow FIFO.
 *
 * Grammar (conformance/corpus/ring/NAME.trace, `family ring`):
 *
 *   create #r CAP MODE     create(CAP, MODE); MODE 0 REFUSE, 1 OVERWRITE, 2 SPSC
 *   destroy #r             destroy
 *   write #r N             write N bytes of #r's stream; count, then counters
 *   read #r N              read up to N bytes; count, bytes, guard, counters
 *   peek #r N              peek up to N bytes; count, bytes, guard, not consumed
 *   churn #r SEED COUNT    COUNT seeded random writes/reads/peeks, mostly small
 *                          (many wrap-arounds of the buffer position)
 *   spsc #r NBYTES CHUNK   a producer and a consumer thread move NBYTES through
 *                          #r (made with MODE 2) in writes/reads of <= CHUNK
 *
 * The shadow FIFO. Every ring has a byte *stream*: the byte with stream
 * index s (the s-th byte the ring ever accepted) has the value
 * stream_byte(seed, s). A write of n offers the next n bytes of the stream;
 * the subject accepts some prefix. The shadow then is just
 *
 *      stream:  0 ......... first ............ first+len ........
 *                           [ bytes the ring holds ]
 *                           ^ oldest           ^ next accepted byte
 *
 * plus the overrun count: byte-exact, since the expected value of every
 * byte read is known from its stream index, and any loss, duplicate or
 * reordering shifts the stream and shows within a byte or two. Bytes whose
 * stream index is >= capacity were stored after the buffer position
 * wrapped: their mismatches are judged as RING-WRAP-1, the others as
 * RING-FIFO-1 (in an OVERWRITE ring that has dropped bytes: RING-OVERWRITE-1).
 *
 * After a violation on a ring, the shadow of that ring no longer describes
 * it: later operations on it are not judged (the first violation of each
 * ring is the one that matters). Subject answers are validated before use:
 * a count larger than asked never indexes past the checker's buffers.
 *
 * Nothing here calls the process malloc: shadow state lives in the arena.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "hs_internal.h"

enum ring_op_kind {
    RO_CREATE = 1,
    RO_DESTROY,
    RO_WRITE,
    RO_READ,
    RO_PEEK,
    RO_CHURN,
    RO_SPSC,
};

static const struct hst_opdesc ring_ops_grammar[] = {
    {"create", RO_CREATE, 1, 2, false, NULL, 0},
    {"destroy", RO_DESTROY, 1, 0, false, NULL, 0},
    {"write", RO_WRITE, 1, 1, false, NULL, 0},
    {"read", RO_READ, 1, 1, false, NULL, 0},
    {"peek", RO_PEEK, 1, 1, false, NULL, 0},
    {"churn", RO_CHURN, 1, 2, false, NULL, 0},
    {"spsc", RO_SPSC, 1, 2, false, NULL, 0},
};

/* Largest write/read/peek the checker performs (its buffers' size). */
#define IO_MAX ((uint64_t)4 << 20)
/* Guard bytes after the caller's n bytes of a read/peek buffer. */
#define GUARD 64u
#define CANARY 0xa5
/* Capacities create must grant (RING-CREATE-1); above: RING-CREATE-3. */
#define CREATE_MUST_MAX ((uint64_t)1 << 20)

struct sring {
    hs_ring_t *h;       /* subject's handle */
    uint64_t cap;       /* capacity asked for */
    uint64_t seed;      /* stream seed */
    uint64_t first;     /* stream index of the oldest byte held */
    uint64_t len;       /* bytes held */
    uint64_t overruns;  /* bytes dropped (OVERWRITE) */
    uint32_t mode;
    uint8_t live;
    uint8_t bad;        /* a violation desynchronised the shadow */
};

struct run {
    struct hst_run run; /* first: the state every family's run shares */
    struct hs_ring_ops ops; /* the subject's table, zero-extended */
    struct sring *rg;       /* run.idn rings: the ids the trace names */
    uint8_t *wbuf;          /* IO_MAX bytes */
    uint8_t *rbuf;          /* IO_MAX + GUARD bytes */
};

/* ------------------------------------------------------------ helpers */

#define judge(r, c, ok, ...) HST_JUDGE(r, c, ok, __VA_ARGS__)

#define skip_once(r, c, why) HST_SKIP_ONCE(r, c, why)

/* The value of stream byte s of a ring seeded with seed. */
static inline uint8_t stream_byte(uint64_t seed, uint64_t s)
{
    return hst_pattern_byte(seed, s);
}

/* p[i] = stream byte from + i, for i < n. */
static void stream_fill(uint8_t *p, uint64_t seed, uint64_t from, uint64_t n)
{
    hst_fill_at(p, from, (size_t)n, seed);
}

/* The first i < n where p[i] is not stream byte from + i, or n. */
static uint64_t stream_mismatch(const uint8_t *p, uint64_t seed, uint64_t from, uint64_t n)
{
    size_t i = hst_verify_at(p, from, (size_t)n, seed);
    return i == SIZE_MAX ? n : i;
}

static bool is_pow2(uint64_t a)
{
    return a != 0 && (a & (a - 1)) == 0;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static const char *mode_name(uint32_t m)
{
    return m == HS_RING_REFUSE ? "REFUSE" : m == HS_RING_OVERWRITE ? "OVERWRITE" : "SPSC";
}

/* A ring that operations may judge: live and still in step with its shadow. */
static struct sring *usable(struct run *r, uint32_t id)
{
    if (id >= r->run.idn)
        return NULL;
    struct sring *g = &r->rg[id];
    return g->live && !g->bad ? g : NULL;
}

/* The counters after a step: len, avail, capacity, overruns. */
static bool check_counters(struct run *r, uint32_t id, struct sring *g, const char *when)
{
    uint64_t len = r->ops.len(r->run.ctx, g->h);
    uint64_t avail = r->ops.avail(r->run.ctx, g->h);
    uint64_t cap = r->ops.capacity(r->run.ctx, g->h);
    uint64_t ovr = r->ops.overruns(r->run.ctx, g->h);
    bool ok = judge(r, HSC_RING_COUNT_1, len == g->len,
                    "ring #%u (%s, capacity %llu): len() is %llu, want %llu %s", id,
                    mode_name(g->mode), (unsigned long long)g->cap, (unsigned long long)len,
                    (unsigned long long)g->len, when) &&
              judge(r, HSC_RING_COUNT_2, cap == g->cap,
                    "ring #%u: capacity() is %llu, want %llu %s", id, (unsigned long long)cap,
                    (unsigned long long)g->cap, when) &&
              judge(r, HSC_RING_COUNT_2, avail == g->cap - g->len,
                    "ring #%u (capacity %llu, len %llu): avail() is %llu, want %llu %s", id,
                    (unsigned long long)g->cap, (unsigned long long)g->len,
                    (unsigned long long)avail, (unsigned long long)(g->cap - g->len), when);
    if (ok) {
        if (g->mode == HS_RING_OVERWRITE)
            ok = judge(r, HSC_RING_OVERWRITE_2, ovr == g->overruns,
                       "ring #%u (OVERWRITE, capacity %llu): overruns() is %llu, want %llu "
                       "bytes dropped %s",
                       id, (unsigned long long)g->cap, (unsigned long long)ovr,
                       (unsigned long long)g->overruns, when);
        else
            ok = judge(r, HSC_RING_WRITE_2, ovr == 0,
                       "ring #%u (%s): overruns() is %llu, want 0 %s", id, mode_name(g->mode),
                       (unsigned long long)ovr, when);
    }
    if (!ok)
        g->bad = 1;
    return ok;
}

/* The clause a wrong byte at stream index s breaks: once an OVERWRITE ring
 * has dropped bytes, which bytes it holds is RING-OVERWRITE-1's business;
 * otherwise RING-WRAP-1 past the first capacity bytes, else RING-FIFO-1. */
static int content_clause(const struct sring *g, uint64_t s)
{
    if (g->mode == HS_RING_OVERWRITE && g->overruns > 0)
        return HSC_RING_OVERWRITE_1;
    return s >= g->cap ? HSC_RING_WRAP_1 : HSC_RING_FIFO_1;
}

/* Compares n bytes copied out of ring id with the shadow's oldest bytes. */
static bool check_bytes(struct run *r, uint32_t id, struct sring *g, const uint8_t *p, uint64_t n,
                        const char *what)
{
    uint64_t i = stream_mismatch(p, g->seed, g->first, n);
    if (i < n) {
        uint64_t s = g->first + i;
        uint8_t want = stream_byte(g->seed, s);
        /* say where the byte came from, when it is elsewhere in the stream */
        long long from = -1;
        for (uint64_t k = g->first > 4096 ? g->first - 4096 : 0;
             k < g->first + g->len + 4096 && from < 0; k++)
            if (stream_byte(g->seed, k) == p[i] && k + 1 < g->first + g->len + 4096 &&
                i + 1 < n && stream_byte(g->seed, k + 1) == p[i + 1])
                from = (long long)k;
        int c = content_clause(g, s);
        judge(r, c, false,
              "ring #%u (%s, capacity %llu): %s byte %llu (stream index %llu) is 0x%02x, want "
              "0x%02x%s%lld%s",
              id, mode_name(g->mode), (unsigned long long)g->cap, what, (unsigned long long)i,
              (unsigned long long)s, p[i], want,
              from >= 0 ? " (looks like stream index " : "", from >= 0 ? from : -1LL,
              from >= 0 ? ")" : " (not found nearby in the stream)");
        g->bad = 1;
        return false;
    }
    if (n > 0)
        r->run.sink->checks[content_clause(g, g->first + n - 1)]++;
    return true;
}

/* ------------------------------------------------------------ operations */

static void forget(struct run *r, uint32_t id)
{
    memset(&r->rg[id], 0, sizeof r->rg[id]);
}

static void op_destroy(struct run *r, uint32_t id)
{
    struct sring *g = &r->rg[id];
    if (!g->live)
        return;
    hs_ring_t *h = g->h;
    forget(r, id);
    r->ops.destroy(r->run.ctx, h);
}

static void op_create(struct run *r, const struct hst_op *op)
{
    uint32_t id = op->dst;
    uint64_t cap = op->a;
    if (op->b > HS_RING_SPSC)
        return; /* no mode of the ABI: nothing to judge */
    uint32_t mode = (uint32_t)op->b;
    if (mode == HS_RING_OVERWRITE && !(r->ops.caps & HS_RING_CAP_OVERWRITE)) {
        skip_once(r, HSC_RING_OVERWRITE_1, "subject lacks HS_RING_CAP_OVERWRITE");
        skip_once(r, HSC_RING_OVERWRITE_2, "subject lacks HS_RING_CAP_OVERWRITE");
        return;
    }
    if (mode == HS_RING_SPSC && !(r->ops.caps & HS_RING_CAP_SPSC)) {
        skip_once(r, HSC_RING_SPSC_1, "subject lacks HS_RING_CAP_SPSC");
        return;
    }
    op_destroy(r, id);
    hs_ring_t *const sentinel = (hs_ring_t *)(uintptr_t)0x5e5e5e5e5e5e5e50ull;
    hs_ring_t *h = sentinel;
    int rc = r->ops.create(r->run.ctx, cap, mode, &h);
    bool made = rc == 0 && h != sentinel && h != NULL;
    if (cap < 2 || !is_pow2(cap)) {
        judge(r, HSC_RING_CREATE_2, rc == -EINVAL && h == sentinel,
              "create(capacity %llu, %s) returned %d%s, want -EINVAL and no ring",
              (unsigned long long)cap, mode_name(mode), rc,
              h != sentinel ? " and stored a handle" : "");
        if (made)
            r->ops.destroy(r->run.ctx, h);
        return;
    }
    if (cap <= CREATE_MUST_MAX) {
        if (!judge(r, HSC_RING_CREATE_1, made, "create(capacity %llu, %s) returned %d, handle %p",
                   (unsigned long long)cap, mode_name(mode), rc, (void *)h))
            return;
    } else {
        bool ok = rc == 0 ? made : rc == -ENOMEM || rc == -EINVAL;
        judge(r, HSC_RING_CREATE_3, ok,
              "create(capacity %llu, %s) returned %d (handle %p), want 0, -ENOMEM or -EINVAL",
              (unsigned long long)cap, mode_name(mode), rc, (void *)h);
        hst_branch(r->run.sink, HSC_RING_CREATE_4, "%s",
                   rc == 0 ? "a huge capacity is granted"
                   : rc == -ENOMEM ? "a huge capacity is -ENOMEM"
                   : rc == -EINVAL ? "a huge capacity is -EINVAL"
                                   : "a huge capacity gives another error");
        if (!made)
            return;
    }
    struct sring *g = &r->rg[id];
    g->h = h;
    g->cap = cap;
    g->mode = mode;
    g->seed = hst_mix(0x72696e67ull + id + ((uint64_t)r->run.pos << 20));
    g->live = 1;
    /* a new ring: capacity, len 0, avail == capacity, overruns 0 */
    uint64_t len = r->ops.len(r->run.ctx, h), avail = r->ops.avail(r->run.ctx, h);
    uint64_t c2 = r->ops.capacity(r->run.ctx, h), ovr = r->ops.overruns(r->run.ctx, h);
    int clause = cap <= CREATE_MUST_MAX ? HSC_RING_CREATE_1 : HSC_RING_CREATE_3;
    if (!judge(r, clause, len == 0 && avail == cap && c2 == cap && ovr == 0,
               "new ring #%u (capacity %llu, %s): len %llu avail %llu capacity %llu overruns "
               "%llu, want 0 %llu %llu 0",
               id, (unsigned long long)cap, mode_name(mode), (unsigned long long)len,
               (unsigned long long)avail, (unsigned long long)c2, (unsigned long long)ovr,
               (unsigned long long)cap, (unsigned long long)cap))
        g->bad = 1;
}

/* write #id n: the next n bytes of the stream. Only the bytes a correct
 * ring keeps are made: the first avail of them (REFUSE, SPSC) or the last
 * capacity (OVERWRITE). The rest of wbuf holds other bytes (zero, or
 * another place in a stream), which a ring that keeps them returns as a
 * wrong byte. A churn's large writes into a nearly full ring offered up to
 * 1.5 x capacity and kept little of it. */
static void do_write(struct run *r, uint32_t id, struct sring *g, uint64_t n)
{
    uint64_t next = g->first + g->len;
    uint64_t from = 0, to = n;
    if (g->mode == HS_RING_OVERWRITE)
        from = n > g->cap ? n - g->cap : 0;
    else
        to = min64(n, g->cap - g->len);
    stream_fill(r->wbuf + from, g->seed, next + from, to - from);
    uint64_t w = r->ops.write(r->run.ctx, g->h, r->wbuf, n);
    if (g->mode == HS_RING_OVERWRITE) {
        if (!judge(r, HSC_RING_OVERWRITE_1, w == n,
                   "write(%llu) on OVERWRITE ring #%u (capacity %llu, len %llu) returned %llu, "
                   "want %llu",
                   (unsigned long long)n, id, (unsigned long long)g->cap,
                   (unsigned long long)g->len, (unsigned long long)w, (unsigned long long)n)) {
            g->bad = 1;
            return;
        }
        uint64_t total = g->len + n;
        uint64_t keep = min64(total, g->cap);
        g->overruns += total - keep;
        g->first = next + n - keep;
        g->len = keep;
        return;
    }
    uint64_t want = min64(n, g->cap - g->len);
    if (!judge(r, HSC_RING_WRITE_1, w == want,
               "write(%llu) on %s ring #%u (capacity %llu, len %llu, avail %llu) returned %llu, "
               "want %llu",
               (unsigned long long)n, mode_name(g->mode), id, (unsigned long long)g->cap,
               (unsigned long long)g->len, (unsigned long long)(g->cap - g->len),
               (unsigned long long)w, (unsigned long long)want)) {
        g->bad = 1;
        return;
    }
    g->len += w;
}

/* read / peek #id n: count, bytes, guard; read consumes. */
static void do_read(struct run *r, uint32_t id, struct sring *g, uint64_t n, bool peek)
{
    const char *what = peek ? "peek" : "read";
    memset(r->rbuf, CANARY, (size_t)n + GUARD);
    uint64_t got = peek ? r->ops.peek(r->run.ctx, g->h, r->rbuf, n)
                        : r->ops.read(r->run.ctx, g->h, r->rbuf, n);
    uint64_t want = min64(n, g->len);
    if (!judge(r, peek ? HSC_RING_PEEK_1 : HSC_RING_READ_1, got == want,
               "%s(%llu) on ring #%u (%s, capacity %llu, len %llu) returned %llu, want %llu",
               what, (unsigned long long)n, id, mode_name(g->mode), (unsigned long long)g->cap,
               (unsigned long long)g->len, (unsigned long long)got, (unsigned long long)want)) {
        g->bad = 1;
        return;
    }
    if (!check_bytes(r, id, g, r->rbuf, got, what))
        return;
    size_t moved = hst_first_not(r->rbuf + got, (size_t)(n + GUARD - got), CANARY);
    if (moved != SIZE_MAX) {
        uint64_t i = got + moved;
        judge(r, HSC_RING_READ_2, false,
              "%s(%llu) on ring #%u returned %llu but changed buffer byte %llu%s", what,
              (unsigned long long)n, id, (unsigned long long)got, (unsigned long long)i,
              i >= n ? " (past the n bytes given)" : "");
        g->bad = 1;
        return;
    }
    r->run.sink->checks[HSC_RING_READ_2]++;
    if (peek) {
        uint64_t len = r->ops.len(r->run.ctx, g->h);
        if (!judge(r, HSC_RING_PEEK_1, len == g->len,
                   "peek(%llu) on ring #%u consumed: len() went from %llu to %llu",
                   (unsigned long long)n, id, (unsigned long long)g->len,
                   (unsigned long long)len))
            g->bad = 1;
        return;
    }
    g->first += got;
    g->len -= got;
}

static void op_io(struct run *r, const struct hst_op *op, struct sring *g, uint64_t n)
{
    uint32_t id = op->dst;
    switch (op->kind) {
    case RO_WRITE:
        do_write(r, id, g, n);
        break;
    case RO_READ:
        do_read(r, id, g, n, false);
        break;
    default:
        do_read(r, id, g, n, true);
        break;
    }
    if (!g->bad)
        check_counters(r, id, g,
                       op->kind == RO_WRITE ? "after a write"
                       : op->kind == RO_READ ? "after a read"
                                             : "after a peek");
}

/* churn #id SEED COUNT: random small steps; 1 in 8 is large (up to 1.5 x capacity). */
static void op_churn(struct run *r, const struct hst_op *op, struct sring *g)
{
    uint64_t x = hst_mix(op->a ^ 0x636875726eull);
    uint64_t lim = min64(IO_MAX, g->cap + g->cap / 2 + 1);
    for (uint64_t i = 0; i < op->b && !g->bad; i++) {
        x = hst_mix(x + i);
        uint32_t pick = (uint32_t)(x % 100);
        uint64_t y = x >> 8;
        uint64_t n = (y & 7) == 0 ? (y >> 3) % (lim + 1) : (y >> 3) % (min64(g->cap, 17) + 1);
        struct hst_op sub = *op;
        sub.kind = pick < 45 ? RO_WRITE : pick < 85 ? RO_READ : RO_PEEK;
        op_io(r, &sub, g, n);
    }
}

/* ------------------------------------------------------------ SPSC */

struct spsc {
    struct run *r;
    hs_ring_t *h;
    uint64_t seed, nbytes, chunk;
    _Atomic int done;        /* the producer has written everything it will */
    uint64_t sent, received; /* bytes accepted by write / returned by read */
    uint64_t bad_at;         /* stream index of the first wrong byte, or UINT64_MAX */
    uint8_t bad_got, bad_want;
    uint64_t bad_count;      /* a call returned more than asked: its value */
    uint64_t sum_sent, sum_got;
    uint8_t *pbuf, *cbuf;    /* chunk bytes each */
};

static void *spsc_producer(void *arg)
{
    struct spsc *s = arg;
    uint64_t spins = 0;
    while (s->sent < s->nbytes && s->bad_count == 0) {
        uint64_t n = min64(s->chunk, s->nbytes - s->sent);
        stream_fill(s->pbuf, s->seed, s->sent, n);
        uint64_t w = s->r->ops.write(s->r->run.ctx, s->h, s->pbuf, n);
        if (w > n) {
            s->bad_count = w;
            break;
        }
        for (uint64_t i = 0; i < w; i++)
            s->sum_sent += (uint64_t)s->pbuf[i] * (s->sent + i + 1);
        s->sent += w;
        if (w == 0 && ++spins % 64 == 0)
            sched_yield();
    }
    atomic_store_explicit(&s->done, 1, memory_order_release);
    return NULL;
}

static void *spsc_consumer(void *arg)
{
    struct spsc *s = arg;
    uint64_t spins = 0;
    for (;;) {
        int done = atomic_load_explicit(&s->done, memory_order_acquire);
        uint64_t got = s->r->ops.read(s->r->run.ctx, s->h, s->cbuf, s->chunk);
        if (got > s->chunk) {
            s->bad_count = got;
            break;
        }
        for (uint64_t i = 0; i < got; i++) {
            uint64_t k = s->received + i;
            uint8_t want = stream_byte(s->seed, k);
            if (s->cbuf[i] != want && s->bad_at == UINT64_MAX) {
                s->bad_at = k;
                s->bad_got = s->cbuf[i];
                s->bad_want = want;
            }
            s->sum_got += (uint64_t)s->cbuf[i] * (k + 1);
        }
        s->received += got;
        if (got == 0 && done)
            break; /* the producer finished before this empty read */
        if (got == 0 && ++spins % 64 == 0)
            sched_yield();
    }
    return NULL;
}

static void op_spsc(struct run *r, const struct hst_op *op, struct sring *g)
{
    uint32_t id = op->dst;
    if (g->mode != HS_RING_SPSC) {
        skip_once(r, HSC_RING_SPSC_1, "spsc on a ring not made in SPSC mode");
        return;
    }
    struct spsc s;
    memset(&s, 0, sizeof s);
    s.r = r;
    s.h = g->h;
    s.seed = hst_mix(g->seed + 0x73707363ull);
    s.nbytes = op->a;
    s.chunk = op->b == 0 ? 1 : min64(op->b, IO_MAX);
    s.bad_at = UINT64_MAX;
    s.pbuf = r->wbuf;
    s.cbuf = r->rbuf;
    /* start from an empty ring: drain what earlier steps left */
    if (g->len > 0)
        do_read(r, id, g, g->len, false);
    if (g->bad)
        return;
    pthread_t tp, tc;
    if (pthread_create(&tc, NULL, spsc_consumer, &s) != 0) {
        hst_skip(r->run.sink, HSC_RING_SPSC_1, "could not start the consumer thread");
        return;
    }
    if (pthread_create(&tp, NULL, spsc_producer, &s) != 0) {
        atomic_store(&s.done, 1);
        pthread_join(tc, NULL);
        hst_skip(r->run.sink, HSC_RING_SPSC_1, "could not start the producer thread");
        return;
    }
    pthread_join(tp, NULL);
    pthread_join(tc, NULL);
    g->bad = 1; /* the shadow's stream is not the one the threads used */
    bool ok =
        judge(r, HSC_RING_SPSC_1, s.bad_count == 0,
              "SPSC ring #%u: a write/read of at most %llu bytes returned %llu", id,
              (unsigned long long)s.chunk, (unsigned long long)s.bad_count) &&
        judge(r, HSC_RING_SPSC_1, s.bad_at == UINT64_MAX,
              "SPSC ring #%u (capacity %llu, chunk %llu): byte %llu of the stream arrived as "
              "0x%02x, want 0x%02x",
              id, (unsigned long long)g->cap, (unsigned long long)s.chunk,
              (unsigned long long)s.bad_at, s.bad_got, s.bad_want) &&
        judge(r, HSC_RING_SPSC_1, s.sent == s.nbytes && s.received == s.sent,
              "SPSC ring #%u: %llu bytes to send, %llu accepted by write, %llu received by read",
              id, (unsigned long long)s.nbytes, (unsigned long long)s.sent,
              (unsigned long long)s.received) &&
        judge(r, HSC_RING_SPSC_1, s.sum_got == s.sum_sent,
              "SPSC ring #%u: checksum of the bytes received 0x%llx, of the bytes sent 0x%llx", id,
              (unsigned long long)s.sum_got, (unsigned long long)s.sum_sent);
    if (ok) {
        /* back in step: the ring is empty, its stream is the threads' one */
        g->seed = s.seed;
        g->first = s.received;
        g->len = 0;
        g->bad = 0;
        check_counters(r, id, g, "after the SPSC run");
    }
}

/* ---------------------------------------------------------------- run */

static bool ring_offered(const struct hs_subject *s)
{
    return HST_OFFERS(s, ring_ops);
}

static int ring_step(struct hst_run *run, const struct hst_op *op)
{
    struct run *r = (struct run *)run;
    if (op->kind == RO_CREATE) {
        op_create(r, op);
        return 0;
    }
    if (op->kind == RO_DESTROY) {
        if (op->dst < r->run.idn)
            op_destroy(r, op->dst);
        return 0;
    }
    /* operations on a ring that was never made (a minimized trace) or
     * whose shadow is out of step are not judged */
    struct sring *g = usable(r, op->dst);
    if (g == NULL)
        return 0;
    switch (op->kind) {
    case RO_WRITE: case RO_READ: case RO_PEEK:
        if (op->a > IO_MAX)
            return -1; /* larger than the checker's buffers: a corpus error */
        op_io(r, op, g, op->a);
        break;
    case RO_CHURN:
        op_churn(r, op, g);
        break;
    case RO_SPSC:
        op_spsc(r, op, g);
        break;
    default:
        break;
    }
    return 0;
}

/* End of the trace: destroy what is left. */
static void ring_end(struct hst_run *run, uint32_t id)
{
    struct run *r = (struct run *)run;
    if (r->rg[id].live)
        op_destroy(r, id);
}

static const struct hst_run_hooks ring_hooks = {ring_step, NULL, ring_end};

static int ring_run(const struct hs_subject *subj, hs_ctx_t *ctx, const struct hst_case *cs,
                    struct hst_sink *sink, struct hst_arena *arena)
{
    struct run *r = hst_run_alloc(sizeof *r, ctx, cs, sink, arena);
    if (r == NULL || !ring_offered(subj))
        return -1;
    hst_copy_table(&r->ops, sizeof r->ops, subj->ring_ops);
    r->rg = hst_arena_alloc(arena, sizeof(struct sring) * (r->run.idn ? r->run.idn : 1u));
    r->wbuf = hst_arena_alloc(arena, (size_t)IO_MAX);
    r->rbuf = hst_arena_alloc(arena, (size_t)IO_MAX + GUARD);
    if (r->rg == NULL || r->wbuf == NULL || r->rbuf == NULL)
        return -1;
    if (!hst_run_complete(&r->run, HSC_RING_CREATE_1, "ring",
                          r->ops.create && r->ops.destroy && r->ops.write && r->ops.read &&
                              r->ops.peek && r->ops.len && r->ops.avail && r->ops.capacity &&
                              r->ops.overruns))
        return 0;
    return hst_run_trace(&r->run, &ring_hooks);
}

const struct hst_family hst_ring_family = {
    "ring", ring_ops_grammar, sizeof ring_ops_grammar / sizeof ring_ops_grammar[0],
    ring_run, ring_offered, HSC_RING_SELFCHECK_1,
};
