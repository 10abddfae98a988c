/*
 * ring.h — heapspec's reference byte ring buffer (the "ring" family).
 *
 * A FIFO of bytes in a buffer of power-of-two capacity, kfifo style: two
 * free-running 64-bit indices that only ever grow (and wrap modulo 2^64),
 * and a buffer position taken modulo the capacity on each access.
 *
 *      buf[0]                                           buf[cap-1]
 *      +------------+==========================+--------------+
 *      |   free     |  len = tail - head bytes |     free     |
 *      +------------+==========================+--------------+
 *                   ^ head % cap               ^ tail % cap
 *
 *   head   index of the oldest byte; only the consumer (read) advances it
 *          (and, in OVERWRITE mode, a write that drops the oldest bytes)
 *   tail   index one past the newest byte; only the producer (write) advances it
 *   len    tail - head, computed modulo 2^64, so the wrap of the indices
 *          themselves is harmless: 0 <= len <= cap always
 *
 * Modes (numbered as enum hs_ring_mode of spec/include/heapspec/heapspec.h):
 *   HSR_RING_REFUSE     a write writes what fits and returns that count
 *   HSR_RING_OVERWRITE  a write always succeeds; bytes that do not fit push out
 *                       the oldest ones, counted in overruns(); afterwards the
 *                       ring holds exactly the newest min(cap, len + n) bytes
 *   HSR_RING_SPSC       REFUSE semantics, safe with exactly one producer thread
 *                       (write) and one consumer thread (read/peek/len) running
 *                       concurrently: the producer stores only tail, the consumer
 *                       only head, with C11 release stores and acquire loads
 *                       (io_uring's SQ/CQ discipline; see ring.c for each barrier)
 *
 * Lifecycle: hsr_ring_init() over caller storage (fini is not needed: the ring
 * owns nothing), hsr_ring_create()/hsr_ring_destroy() with its own memory.
 * Capacity: a power of two in [2, 2^62]; other values are refused (-EINVAL) —
 * never rounded, since rounding up overran caller buffers in kfifo's history.
 *
 * Errors are returned values; the library never prints or aborts for bad
 * input. Contracts: ACSL directly above each prototype, the invariant
 * RingValid in spec/acsl/ring.acsl, mirrored in C by hsr_ring_check().
 */
#ifndef HEAPSPEC_RING_H
#define HEAPSPEC_RING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HSR_RING_REFUSE 0u
#define HSR_RING_OVERWRITE 1u
#define HSR_RING_SPSC 2u

/* Largest capacity accepted: keeps every index sum below 2^64 before wrap. */
#define HSR_RING_MAX_CAPACITY (UINT64_C(1) << 62)

/* The ring. Public only so that callers can embed it (hsr_ring_init); read and
 * write it only through the functions below. Invariant (RingValid): cap is a
 * power of two in [2, 2^62], buf holds cap bytes, tail - head (mod 2^64) <= cap.
 * In SPSC mode head and tail are accessed with atomic acquire/release
 * operations (ring.c), never with plain loads from another thread. */
struct hsr_ring_s {
    char *buf;         /* cap bytes of storage (caller's, or own when owned) */
    uint64_t cap;      /* capacity in bytes, a power of two */
    uint64_t head;     /* free-running index of the oldest byte (consumer's) */
    uint64_t tail;     /* free-running index past the newest byte (producer's) */
    uint64_t overruns; /* bytes dropped by OVERWRITE writes, modulo 2^64 */
    uint32_t mode;     /* HSR_RING_REFUSE / _OVERWRITE / _SPSC */
    uint32_t owned;    /* 1: buf and the struct came from hsr_ring_create */
};
typedef struct hsr_ring_s hsr_ring_t;

#if defined(__FRAMAC__)
#include "acsl/ring.acsl"
#endif

#if defined(__GNUC__) && !defined(__FRAMAC__)
#define HSR_RING_API __attribute__((visibility("default")))
#else
#define HSR_RING_API
#endif

/* Initialise r over the caller's cap bytes at buf, indices starting at
 * start (use 0; tests pass values near UINT64_MAX to exercise index wrap).
 * The caller guarantees that r and buf[0 .. cap-1] are valid and disjoint.
 * Returns 0, or -EINVAL (r unchanged) when cap is not a power of two in
 * [2, 2^62] or mode is not one of HSR_RING_*. */
/*@
  requires valid_r: \valid(r);
  requires valid_buf: cap <= 4611686018427387904 ==> \valid(buf + (0 .. cap - 1));
  requires sep: cap <= 4611686018427387904 ==> \separated(r, buf + (0 .. cap - 1));
  assigns *r;
  behavior bad:
    assumes cap < 2 || cap > 4611686018427387904 || !RingModeOk(mode);
    ensures \result == -22;
    assigns \nothing;
  behavior good:
    assumes 2 <= cap <= 4611686018427387904 && RingModeOk(mode);
    ensures \result == 0 || \result == -22;
    ensures \result == 0 ==> RingValid(r) && RingLen(r) == 0 && r->cap == cap &&
                             r->buf == buf && r->head == start && r->mode == mode &&
                             r->overruns == 0;
  complete behaviors;
  disjoint behaviors;
*/
HSR_RING_API int hsr_ring_init_at(hsr_ring_t *r, char *buf, uint64_t cap, uint32_t mode,
                                  uint64_t start);

/* hsr_ring_init_at(r, buf, cap, mode, 0). */
/*@
  requires valid_r: \valid(r);
  requires valid_buf: cap <= 4611686018427387904 ==> \valid(buf + (0 .. cap - 1));
  requires sep: cap <= 4611686018427387904 ==> \separated(r, buf + (0 .. cap - 1));
  assigns *r;
  behavior bad:
    assumes cap < 2 || cap > 4611686018427387904 || !RingModeOk(mode);
    ensures \result == -22;
  behavior good:
    assumes 2 <= cap <= 4611686018427387904 && RingModeOk(mode);
    ensures \result == 0 || \result == -22;
    ensures \result == 0 ==> RingValid(r) && RingLen(r) == 0 && r->cap == cap &&
                             r->buf == buf && r->mode == mode;
  complete behaviors;
  disjoint behaviors;
*/
HSR_RING_API int hsr_ring_init(hsr_ring_t *r, char *buf, uint64_t cap, uint32_t mode);

/* Create a ring with its own memory (malloc). Returns 0 and *out, -EINVAL as
 * hsr_ring_init, or -ENOMEM (nothing allocated, *out untouched). The caller
 * guarantees out is valid. The contract is stated, not proved: it lives in
 * ring_alloc.c, outside the proof, since WP 25 has no model of malloc
 * (TOOLCHAIN.md); ring_test checks it. */
/*@
  requires valid_out: \valid(out);
  assigns *out;
  behavior bad:
    assumes cap < 2 || cap > 4611686018427387904 || !RingModeOk(mode);
    ensures \result == -22 && *out == \old(*out);
  behavior good:
    assumes 2 <= cap <= 4611686018427387904 && RingModeOk(mode);
    ensures \result == 0 || \result == -12;
    ensures \result == 0 ==> \valid(*out) && RingValid(*out) && RingLen(*out) == 0 &&
                             (*out)->cap == cap && (*out)->mode == mode;
    ensures \result != 0 ==> *out == \old(*out);
  complete behaviors;
  disjoint behaviors;
*/
HSR_RING_API int hsr_ring_create(uint64_t cap, uint32_t mode, hsr_ring_t **out);

/* Release a ring made by hsr_ring_create; NULL does nothing. A ring from
 * hsr_ring_init is not freed (it owns nothing). Stated, not proved (as create). */
/*@
  requires r == \null || \valid(r);
  assigns \nothing;
*/
HSR_RING_API void hsr_ring_destroy(hsr_ring_t *r);

/* Append up to n bytes from src. The caller guarantees RingValid(r) and
 * that src[0 .. n-1] is readable and disjoint from the ring. Returns the
 * bytes accepted: REFUSE and SPSC min(n, avail), OVERWRITE n (the oldest
 * bytes are dropped and counted in overruns). In SPSC mode only the single
 * producer thread may call it. */
/*@
  requires RingValid(r);
  requires n <= 4611686018427387904;
  requires \valid_read(src + (0 .. n - 1));
  requires \separated(src + (0 .. n - 1), r->buf + (0 .. r->cap - 1), r);
  assigns r->tail, r->head, r->overruns, r->buf[0 .. r->cap - 1];
  ensures RingValid(r);
  behavior refuse:
    assumes r->mode != 1;
    ensures \result == (n <= \old(RingAvail(r)) ? n : \old(RingAvail(r)));
    ensures RingLen(r) == \old(RingLen(r)) + \result;
    ensures r->head == \old(r->head);
    ensures r->tail == RingAdd(\old(r->tail), \result);
  behavior overwrite:
    assumes r->mode == 1;
    ensures \result == n;
    ensures RingLen(r) == (\old(RingLen(r)) + n <= r->cap ? \old(RingLen(r)) + n : r->cap);
    ensures r->tail == RingAdd(\old(r->tail), n);
  complete behaviors;
  disjoint behaviors;
*/
HSR_RING_API uint64_t hsr_ring_write(hsr_ring_t *r, const char *src, uint64_t n);

/* Remove up to n of the oldest bytes into dst. The caller guarantees
 * RingValid(r) and that dst[0 .. n-1] is writable and disjoint from the ring.
 * Returns min(n, len). In SPSC mode only the single consumer thread calls it. */
/*@
  requires RingValid(r);
  requires \valid(dst + (0 .. n - 1));
  requires \separated(dst + (0 .. n - 1), r->buf + (0 .. r->cap - 1), r);
  assigns r->head, dst[0 .. n - 1];
  ensures RingValid(r);
  ensures \result == (n <= \old(RingLen(r)) ? n : \old(RingLen(r)));
  ensures RingLen(r) == \old(RingLen(r)) - \result;
  ensures r->head == RingAdd(\old(r->head), \result);
  ensures r->tail == \old(r->tail);
*/
HSR_RING_API uint64_t hsr_ring_read(hsr_ring_t *r, char *dst, uint64_t n);

/* Copy up to n of the oldest bytes into dst without consuming them. Same
 * guarantees and result as hsr_ring_read; the ring is unchanged. */
/*@
  requires RingValid(r);
  requires \valid(dst + (0 .. n - 1));
  requires \separated(dst + (0 .. n - 1), r->buf + (0 .. r->cap - 1), r);
  assigns dst[0 .. n - 1];
  ensures \result == (n <= RingLen(r) ? n : RingLen(r));
*/
HSR_RING_API uint64_t hsr_ring_peek(const hsr_ring_t *r, char *dst, uint64_t n);

/* Bytes stored (0 .. capacity). The caller guarantees RingValid(r). */
/*@
  requires RingValid(r);
  assigns \nothing;
  ensures \result == RingLen(r);
*/
HSR_RING_API uint64_t hsr_ring_len(const hsr_ring_t *r);

/* Bytes a REFUSE write would accept now: capacity - len. */
/*@
  requires RingValid(r);
  assigns \nothing;
  ensures \result == RingAvail(r);
*/
HSR_RING_API uint64_t hsr_ring_avail(const hsr_ring_t *r);

/* The capacity given at init/create. */
/*@
  requires RingValid(r);
  assigns \nothing;
  ensures \result == r->cap;
*/
HSR_RING_API uint64_t hsr_ring_capacity(const hsr_ring_t *r);

/* Bytes dropped by OVERWRITE writes since init (modulo 2^64). */
/*@
  requires RingValid(r);
  assigns \nothing;
  ensures \result == r->overruns;
*/
HSR_RING_API uint64_t hsr_ring_overruns(const hsr_ring_t *r);

/* The invariant walker, C mirror of RingValid (plus: cap is a power of two).
 * Returns 1 when r is consistent, 0 otherwise; never aborts. NULL gives 0.
 * Not safe concurrently with an SPSC producer or consumer. */
/*@
  requires r == \null || \valid_read(r);
  assigns \nothing;
  ensures \result == 0 || \result == 1;
  ensures \result == 1 ==> r != \null && 2 <= r->cap <= 4611686018427387904 &&
                          RingModeOk(r->mode) && RingLen(r) <= r->cap;
*/
HSR_RING_API int hsr_ring_check(const hsr_ring_t *r);

/* The "ref-ring" conformance subject (ref/ring/ring_subject.c): a table of the
 * heapspec ABI (spec/include/heapspec/heapspec.h) offering the ring family. */
struct hs_subject;
HSR_RING_API const struct hs_subject *hsr_ring_subject(void);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSPEC_RING_H */
