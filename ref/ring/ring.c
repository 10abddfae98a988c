/*
 * ring.c — the reference byte ring (contracts and layout: ring.h).
 *
 * Algorithm (kfifo):
 *   1. len = tail - head modulo 2^64; avail = cap - len.
 *   2. write copies min(n, avail) bytes to buf[tail % cap ...], wrapping once
 *      at the end of the buffer, then publishes tail += count.
 *   3. read/peek copy min(n, len) bytes from buf[head % cap ...]; read then
 *      publishes head += count.
 *   4. OVERWRITE: a write that does not fit first moves head forward by the
 *      bytes that must go (all of the old ones and the head of the new ones
 *      when n > cap), so the ring keeps exactly the newest cap bytes.
 * Every operation is O(1) plus the two memcpy calls.
 *
 * Two deliberate departures from kfifo, both for WP (TOOLCHAIN.md):
 *   - the buffer position is "index % cap", not "index & mask": WP did not
 *     prove bounds through a bitwise and; cap is a power of two, so the
 *     compiler-visible cost is one division per call, not per byte;
 *   - index sums and differences go through hsri_ring_add / _dist / _sub,
 *     which spell out the modulo-2^64 wrap as two branches, because the proof
 *     runs with -warn-unsigned-overflow (a silent wrap is an alarm there).
 *     Each compiles to a single add or sub.
 */
#include "heapspec/ring.h"
#include "ref/glue/attrs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifndef HSR_DEBUG
#define HSR_DEBUG 0
#endif

#if HSR_DEBUG >= 3 && !defined(__FRAMAC__)
#include "ref/glue/glue.h"
/* Debug builds: walk the whole structure after every mutation (STYLE 19);
 * an inconsistency is a bug of this file, so it fails fast. */
static void hsri_ring_debug_check(const hsr_ring_t *x)
{
    if (!hsr_ring_check(x)) {
        hsri_glue_write_stderr("heapspec ring: invariant walker failed after a mutation\n");
        hsri_glue_abort();
    }
}
#define HSRI_DEBUG_CHECK(x) hsri_ring_debug_check(x)
#else
#define HSRI_DEBUG_CHECK(x) ((void)0)
#endif

/* SPSC ordering. The producer owns tail, the consumer owns head. An index a
 * thread owns is read with a plain load (nobody else stores it); the other
 * thread's index is read with an acquire load and the own index is published
 * with a release store. Those are the C11 memory orders, through the
 * GCC/clang __atomic builtins because the fields are plain uint64_t (the same
 * struct serves the single-threaded modes and the proof). Frama-C reads the
 * sequential meaning. */
#if defined(__FRAMAC__)
#define HSRI_LOAD_ACQUIRE(p) (*(p))
#define HSRI_STORE_RELEASE(p, v) (*(p) = (v))
#else
#define HSRI_LOAD_ACQUIRE(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define HSRI_STORE_RELEASE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#endif

/* (a + n) mod 2^64 without a wrapping add. */
/*@
  assigns \nothing;
  ensures \result == RingAdd(a, n);
*/
static uint64_t hsri_ring_add(uint64_t a, uint64_t n)
{
    if (a <= UINT64_MAX - n)
        return a + n;
    return n - (UINT64_MAX - a) - 1u;
}

/* (a - b) mod 2^64: the distance from index b forward to index a. */
/*@
  assigns \nothing;
  ensures \result == RingDist(a, b);
*/
static HSRI_WALKER_INLINE uint64_t hsri_ring_dist(uint64_t a, uint64_t b)
{
    if (a >= b)
        return a - b;
    return UINT64_MAX - b + a + 1u;
}

/* The index n bytes before a, modulo 2^64. */
/*@
  assigns \nothing;
  ensures RingAdd(\result, n) == a;
  ensures RingDist(a, \result) == n;
*/
static uint64_t hsri_ring_sub(uint64_t a, uint64_t n)
{
    if (a >= n)
        return a - n;
    return UINT64_MAX - (n - a) + 1u;
}

/* Copy n <= cap bytes from src into the ring storage starting at index pos,
 * wrapping once at the end of the buffer. */
/*@
  requires 1 <= cap && n <= cap;
  requires \valid(buf + (0 .. cap - 1));
  requires \valid_read(src + (0 .. n - 1));
  requires \separated(buf + (0 .. cap - 1), src + (0 .. n - 1));
  assigns buf[0 .. cap - 1];
*/
static void hsri_ring_copy_in(char *buf, uint64_t cap, uint64_t pos, const char *src,
                              uint64_t n)
{
    uint64_t off = pos % cap;
    if (off >= cap) /* NEVER: WP cannot bound '%' by a symbolic divisor */
        off = 0;
    uint64_t first = cap - off;
    if (first > n)
        first = n;
    /* The guards skip empty copies; WP could not discharge memcpy's
     * "valid or empty" precondition for a possibly-zero length. */
    if (first > 0u)
        memcpy(buf + off, src, first);
    if (n > first)
        memcpy(buf, src + first, n - first);
}

/* Copy n <= cap bytes of the ring storage starting at index pos into dst. */
/*@
  requires 1 <= cap && n <= cap;
  requires \valid_read(buf + (0 .. cap - 1));
  requires \valid(dst + (0 .. n - 1));
  requires \separated(buf + (0 .. cap - 1), dst + (0 .. n - 1));
  assigns dst[0 .. n - 1];
*/
static void hsri_ring_copy_out(const char *buf, uint64_t cap, uint64_t pos, char *dst,
                               uint64_t n)
{
    uint64_t off = pos % cap;
    if (off >= cap) /* NEVER: WP cannot bound '%' by a symbolic divisor */
        off = 0;
    uint64_t first = cap - off;
    if (first > n)
        first = n;
    if (first > 0u)
        memcpy(dst, buf + off, first);
    if (n > first)
        memcpy(dst + first, buf, n - first);
}

int hsr_ring_init_at(hsr_ring_t *r, char *buf, uint64_t cap, uint32_t mode, uint64_t start)
{
    if (cap < 2u || cap > HSR_RING_MAX_CAPACITY || mode > HSR_RING_SPSC)
        return -EINVAL;
    /* Power of two: halve while even; a power of two ends at exactly 1. */
    uint64_t c = cap;
    /*@
      loop invariant 1 <= c <= cap;
      loop assigns c;
      loop variant c;
    */
    while (c > 1u && c % 2u == 0u)
        c /= 2u;
    if (c != 1u || buf == NULL)
        return -EINVAL;
    r->buf = buf;
    r->cap = cap;
    r->head = start;
    r->tail = start;
    r->overruns = 0;
    r->mode = mode;
    r->owned = 0;
    HSRI_DEBUG_CHECK(r);
    return 0;
}

int hsr_ring_init(hsr_ring_t *r, char *buf, uint64_t cap, uint32_t mode)
{
    return hsr_ring_init_at(r, buf, cap, mode, 0);
}

uint64_t hsr_ring_write(hsr_ring_t *r, const char *src, uint64_t n)
{
    uint64_t tail = r->tail; /* own index: plain load */
    /* Acquire pairs with the consumer's release store of head in
     * hsr_ring_read: the consumer's reads of the slots it freed happen
     * before our writes into them. */
    uint64_t head = HSRI_LOAD_ACQUIRE(&r->head);
    uint64_t len = hsri_ring_dist(tail, head);
    uint64_t cap = r->cap;
    uint64_t avail = cap - len;

    if (r->mode == HSR_RING_OVERWRITE) {
        if (n <= avail) {
            hsri_ring_copy_in(r->buf, cap, tail, src, n);
            r->tail = hsri_ring_add(tail, n);
            HSRI_DEBUG_CHECK(r);
            return n;
        }
        /* Overflow: keep only the newest cap bytes of (old contents, src).
         * The first skip bytes of src would be overwritten at once: skip them. */
        uint64_t skip = n > cap ? n - cap : 0u;
        uint64_t keep = n - skip; /* bytes of src that end up stored */
        uint64_t new_tail = hsri_ring_add(tail, n);
        hsri_ring_copy_in(r->buf, cap, hsri_ring_add(tail, skip), src + skip, keep);
        r->tail = new_tail;
        r->head = hsri_ring_sub(new_tail, cap);
        /* dropped = len + n - cap, counted modulo 2^64 */
        r->overruns = hsri_ring_add(r->overruns, hsri_ring_add(len - (cap - keep), skip));
        HSRI_DEBUG_CHECK(r);
        return n;
    }

    uint64_t count = n < avail ? n : avail;
    hsri_ring_copy_in(r->buf, cap, tail, src, count);
    /* Release: the bytes copied above are visible to a consumer that reads
     * this tail with acquire before it reads them. */
    HSRI_STORE_RELEASE(&r->tail, hsri_ring_add(tail, count));
    if (r->mode != HSR_RING_SPSC) /* the walker would race with the consumer */
        HSRI_DEBUG_CHECK(r);
    return count;
}

uint64_t hsr_ring_read(hsr_ring_t *r, char *dst, uint64_t n)
{
    uint64_t head = r->head; /* own index: plain load */
    /* Acquire pairs with the producer's release store of tail: the bytes
     * up to tail are written before we copy them out. */
    uint64_t tail = HSRI_LOAD_ACQUIRE(&r->tail);
    uint64_t len = hsri_ring_dist(tail, head);
    uint64_t count = n < len ? n : len;
    hsri_ring_copy_out(r->buf, r->cap, head, dst, count);
    /* Release: our reads of the slots happen before the producer, which
     * loads head with acquire, overwrites them. */
    HSRI_STORE_RELEASE(&r->head, hsri_ring_add(head, count));
    if (r->mode != HSR_RING_SPSC) /* the walker would race with the producer */
        HSRI_DEBUG_CHECK(r);
    return count;
}

uint64_t hsr_ring_peek(const hsr_ring_t *r, char *dst, uint64_t n)
{
    uint64_t head = r->head;
    uint64_t tail = HSRI_LOAD_ACQUIRE(&r->tail); /* as in hsr_ring_read */
    uint64_t len = hsri_ring_dist(tail, head);
    uint64_t count = n < len ? n : len;
    hsri_ring_copy_out(r->buf, r->cap, head, dst, count);
    return count;
}

uint64_t hsr_ring_len(const hsr_ring_t *r)
{
    /* Either side may ask; each index is read with acquire so that a
     * consumer seeing len > 0 also sees the bytes (and a producer seeing
     * room also sees the consumer done with it). */
    uint64_t head = HSRI_LOAD_ACQUIRE(&r->head);
    uint64_t tail = HSRI_LOAD_ACQUIRE(&r->tail);
    return hsri_ring_dist(tail, head);
}

uint64_t hsr_ring_avail(const hsr_ring_t *r)
{
    return r->cap - hsr_ring_len(r);
}

uint64_t hsr_ring_capacity(const hsr_ring_t *r)
{
    return r->cap;
}

uint64_t hsr_ring_overruns(const hsr_ring_t *r)
{
    return r->overruns;
}

HSRI_WALKER int hsr_ring_check(const hsr_ring_t *r)
{
    if (r == NULL || r->buf == NULL)
        return 0;
    if (r->cap < 2u || r->cap > HSR_RING_MAX_CAPACITY || r->mode > HSR_RING_SPSC)
        return 0;
    uint64_t c = r->cap;
    /*@
      loop invariant 1 <= c;
      loop assigns c;
      loop variant c;
    */
    while (c > 1u && c % 2u == 0u)
        c /= 2u;
    if (c != 1u)
        return 0;
    if (hsri_ring_dist(r->tail, r->head) > r->cap)
        return 0;
    return 1;
}
