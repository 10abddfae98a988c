/*
 * mspace.h — heapspec's reference dlmalloc-style mspace (the manual).
 *
 * An mspace is an independent heap: create one over caller memory
 * (hsr_mspace_create_with_base) or over a reserved range of its own
 * (hsr_mspace_create), allocate and free inside it, walk it, destroy it in
 * one call. It is the heap Dalvik put on an ashmem region and ART keeps in
 * its malloc spaces; the API follows dlmalloc 2.8.6's mspace_* functions.
 *
 * MEMORY LAYOUT (one contiguous segment per mspace)
 *
 *   seg_base                                        commit_end      reserve_end
 *   |                                                   |               |
 *   v                                                   v               v
 *   +----------+--------+--------+--------+-- ... -----+---------------+
 *   | mspace   | chunk  | chunk  | chunk  |   top      | reserved,     |
 *   | state    | (used) | (free) | (used) |   chunk    | not committed |
 *   +----------+--------+--------+--------+-- ... -----+---------------+
 *              ^ first                    (always last)
 *
 *   The state struct (bins, counters, lock) lives at the start of the
 *   memory; every chunk after it is boundary-tagged:
 *
 *   in-use chunk                          free chunk
 *   +---------------------------+         +---------------------------+
 *   | size  (whole chunk)       | 8       | size                      |
 *   | tag   (owner+address)     | 4       | tag                       |
 *   | inuse=1 | prev_inuse | 0  | 4       | inuse=0 | prev_inuse=1    |
 *   +---------------------------+ <- p    +---------------------------+
 *   | payload: usable bytes     |         | fd  -> next in bin        |
 *   |   = size - header         |         | bk  -> previous in bin    |
 *   |                           |         | ... (poisoned) ...        |
 *   |                           |         | footer: size              |
 *   +---------------------------+         +---------------------------+
 *
 *   Header = 16 bytes on x86_64; every chunk size is a multiple of
 *   _Alignof(max_align_t), so every payload is aligned to it. A free chunk
 *   carries a footer with its size so that the chunk above can find it
 *   (prev_inuse == 0) and merge with it. No two free chunks are ever
 *   neighbours: free() merges with both. The top chunk is the free space at
 *   the end of the committed memory; it is in no bin and grows through the
 *   morecore hook (commit more of the reservation) up to the footprint limit.
 *
 * BINS: 64 exact small bins (one per multiple of the alignment below 1 KiB)
 * and one bin per power of two above, searched best-fit. See
 * ref/mspace/internal.h.
 *
 * GROWTH (Dalvik's pattern): create(capacity) reserves a large virtual
 * range, commits `capacity` bytes of it, and commits more as the top runs
 * out — as long as the footprint stays within the reservation and the
 * footprint limit. The limit is "a permission, not a guarantee": raising it
 * allows growth, lowering it below the footprint forbids any growth, and no
 * memory is released by setting it. An mspace made with create_with_base
 * never grows: every chunk stays inside [base, base + capacity).
 *
 * FAILURE POLICY: a request the mspace cannot serve (out of memory, limit,
 * reservation exhausted, an injected morecore failure, a size above
 * PTRDIFF_MAX, an overflowing n*m) returns NULL / 0 and leaves the mspace
 * unchanged and consistent. The functions here never set errno (the
 * POSIX-shaped wrappers do: ref/mspace/malloc_replacement.c). Misuse —
 * double free, a pointer from elsewhere, an interior pointer, a bad handle —
 * goes to the usage-error hook, whose default prints one line and aborts.
 *
 * LOCKING: an mspace created with locked != 0 takes its own mutex in every
 * entry point; otherwise the caller serialises. Locks are not recursive:
 * an inspect_all handler must not call back into the same mspace.
 *
 * DEBUG: built with HSR_MSPACE_DEBUG defined non-zero, every mutating entry
 * point ends with the whole-heap walker (hsr_mspace_check) and reports a
 * failure to the usage-error hook as HSR_USAGE_CORRUPTION.
 *
 * Contracts: ACSL above each prototype, over the logic vocabulary of
 * spec/acsl/mspace.acsl (MspaceValid, MsFootprint, MsLimit, MsLive, ...).
 */
#ifndef HEAPSPEC_REF_MSPACE_H
#define HEAPSPEC_REF_MSPACE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __FRAMAC__
#include "spec/acsl/mspace.acsl"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(__FRAMAC__)
#define HSR_MSPACE_API __attribute__((visibility("default")))
#else
#define HSR_MSPACE_API
#endif

typedef struct hsr_mspace_s hsr_mspace_t;

/* The implementation's version string ("hsr-mspace <n>"). */
HSR_MSPACE_API const char *hsr_mspace_version(void);

/* ------------------------------------------------------------------ */
/* Misuse reporting                                                    */
/* ------------------------------------------------------------------ */

typedef enum hsr_usage_error_e {
    HSR_USAGE_DOUBLE_FREE = 1,      /* a block freed (or reallocated) twice */
    HSR_USAGE_FOREIGN_POINTER = 2,  /* a pointer this mspace never handed out */
    HSR_USAGE_INTERIOR_POINTER = 3, /* a pointer into, not to the start of, a chunk */
    HSR_USAGE_BAD_HANDLE = 4,       /* an mspace handle that is not a live mspace */
    HSR_USAGE_CORRUPTION = 5        /* the walker found the heap inconsistent */
} hsr_usage_error_t;

/* Called on misuse with the kind, a one-line description and the pointer
 * concerned. When it returns, the offending operation does nothing (free)
 * or fails (realloc returns NULL). */
typedef void (*hsr_usage_error_fn)(hsr_usage_error_t kind, const char *what, const void *ptr,
                                   void *arg);

/* Install fn (with arg) as the process-wide usage-error hook; NULL restores
 * the default (one line on stderr, then abort). Returns the previous hook
 * (NULL when it was the default). */
HSR_MSPACE_API hsr_usage_error_fn hsr_set_usage_error_hook(hsr_usage_error_fn fn, void *arg);

/* ------------------------------------------------------------------ */
/* Creation and destruction                                            */
/* ------------------------------------------------------------------ */

/* The smallest capacity create_with_base accepts (state struct, alignment
 * slack, one minimum chunk and the top header). */
HSR_MSPACE_API size_t hsr_mspace_min_capacity(void);

/*@ requires base_valid: capacity == 0 || \valid((char *)base + (0 .. capacity - 1));
    assigns ((char *)base)[0 .. capacity - 1];
    behavior too_small:
      assumes capacity < MsMinCapacity;
      ensures \result == \null;
    behavior made:
      assumes capacity >= MsMinCapacity;
      ensures \result == \null ||
              (MspaceValid(\result) && MsFootprint(\result) == capacity &&
               MsLimit(\result) == SIZE_MAX &&
               \subset(MsRegion(\result), (char *)base + (0 .. capacity - 1)));
    complete behaviors;
    disjoint behaviors;
 */
/* The caller guarantees [base, base+capacity) is writable memory it owns
 * and does not touch while the mspace lives. Returns the mspace, whose state
 * and every chunk lie inside that range (MSPACE-BASE-1), or NULL when
 * capacity < hsr_mspace_min_capacity() or base is NULL. destroy never
 * frees base. */
HSR_MSPACE_API hsr_mspace_t *hsr_mspace_create_with_base(void *base, size_t capacity,
                                                         int locked);

/*@ assigns \nothing;
    ensures \result == \null ||
            (MspaceValid(\result) && MsLimit(\result) == SIZE_MAX &&
             MsFootprint(\result) >= capacity);
 */
/* A new mspace over its own memory: a reservation of
 * max(capacity, HSR_MSPACE_DEFAULT_RESERVE) bytes of which `capacity` bytes
 * (0: one default granule of 64 KiB; page-rounded) are committed at once.
 * NULL when the system refuses the reservation or the first commit, or when
 * capacity is above PTRDIFF_MAX. */
HSR_MSPACE_API hsr_mspace_t *hsr_mspace_create(size_t capacity, int locked);

#define HSR_MSPACE_DEFAULT_RESERVE ((size_t)1 << 30) /* 1 GiB of address space */

/*@ assigns \nothing;
    ensures \result == \null ||
            (MspaceValid(\result) && MsLimit(\result) == SIZE_MAX &&
             MsFootprint(\result) >= capacity && MsExtent(\result) <= reserve);
 */
/* Like create, with the reservation size chosen by the caller (page-rounded,
 * at least capacity). NULL when reserve < capacity or the system refuses. */
HSR_MSPACE_API hsr_mspace_t *hsr_mspace_create_reserved(size_t capacity, size_t reserve,
                                                        int locked);

/*@ requires MspaceValid(ms);
    assigns *MsRegion(ms);
    ensures \result <= \old(MsFootprint(ms));
 */
/* Ends the mspace. The caller guarantees no block of it is used again.
 * Returns the bytes released to the system: the whole footprint of an
 * own-memory mspace, 0 for a with-base one (the base is the caller's). */
HSR_MSPACE_API size_t hsr_mspace_destroy(hsr_mspace_t *ms);

/*@ requires MspaceValid(ms);
    assigns *MsRegion(ms);
    ensures \result == 0 ==> MspaceValid(ms) && MsLimit(ms) == SIZE_MAX;
 */
/* Empties an own-memory mspace at once and returns it to the state create
 * left it in: on the same reservation, its first `capacity` bytes committed
 * and zeroed (what it committed beyond them decommitted: inaccessible, and
 * zero when committed again), one top chunk, no limit, the default
 * morecore, the statistics from zero. Every block of it is gone, as with
 * destroy. The pages of the first capacity stay resident, and so do the
 * pages it touched in the first MiB above them, zeroed and inaccessible: a
 * fuzz harness or a test that makes a fresh mspace per input pays a memset
 * where it paid the mapping, its page faults and the unmapping. 0, or
 * -EINVAL for a with-base mspace
 * (its memory is the caller's: create_with_base again), -ENOMEM when the
 * system refuses to commit the first capacity again after a trim went below
 * it (the mspace is then unchanged), -EAGAIN when a locked mspace's lock
 * cannot be made again (the mspace is then gone, as after destroy). */
HSR_MSPACE_API int hsr_mspace_reset(hsr_mspace_t *ms);

/* ------------------------------------------------------------------ */
/* Allocation                                                          */
/* ------------------------------------------------------------------ */

/*@ requires MspaceValid(ms);
    assigns *MsRegion(ms);
    ensures MspaceValid(ms);
    behavior too_big:
      assumes n > PTRDIFF_MAX;
      ensures \result == \null;
    behavior fits:
      assumes n <= PTRDIFF_MAX;
      ensures \result == \null ||
              (MsLive(ms, (char *)\result) && MsUsable(ms, (char *)\result) >= n &&
               (size_t)\result % MsAlign == 0);
      ensures MsFootprint(ms) <= \old(MsFootprint(ms)) ||
              MsFootprint(ms) <= MsLimit(ms);
    complete behaviors;
    disjoint behaviors;
 */
/* A block of at least n usable bytes (n == 0 gives a unique minimum
 * block), aligned to _Alignof(max_align_t). NULL, with nothing changed,
 * when n > PTRDIFF_MAX or memory cannot be found within the reservation,
 * the footprint limit and the morecore hook's answer. */
HSR_MSPACE_API void *hsr_mspace_malloc(hsr_mspace_t *ms, size_t n);

/*@ requires MspaceValid(ms);
    requires p == \null || MsLive(ms, (char *)p);
    assigns *MsRegion(ms);
    ensures MspaceValid(ms);
    ensures p != \null ==> !MsLive(ms, (char *)p);
 */
/* Frees p (NULL: nothing). The caller guarantees p is NULL or a live block
 * of ms; anything else (double free, foreign or interior pointer) is
 * reported to the usage-error hook and nothing is freed. */
HSR_MSPACE_API void hsr_mspace_free(hsr_mspace_t *ms, void *p);

/*@ requires MspaceValid(ms);
    assigns *MsRegion(ms);
    ensures MspaceValid(ms);
    ensures \result != \null ==> MsLive(ms, (char *)\result) &&
            \forall integer i; 0 <= i < n * m ==> ((char *)\result)[i] == 0;
    behavior overflow:
      assumes n * m > PTRDIFF_MAX;
      ensures \result == \null;
 */
/* n*m zeroed bytes; NULL when n*m overflows or exceeds PTRDIFF_MAX, or as
 * malloc fails. */
HSR_MSPACE_API void *hsr_mspace_calloc(hsr_mspace_t *ms, size_t n, size_t m);

/*@ requires MspaceValid(ms);
    requires p == \null || MsLive(ms, (char *)p);
    assigns *MsRegion(ms);
    ensures MspaceValid(ms);
    behavior failed:
      assumes p != \null;
      ensures \result == \null ==> MsLive(ms, (char *)p);
    behavior moved_or_kept:
      assumes p != \null;
      ensures \result != \null ==> MsLive(ms, (char *)\result) &&
              MsUsable(ms, (char *)\result) >= n;
 */
/* realloc(NULL, n) is malloc(n). Otherwise a block of at least n bytes
 * holding the first min(old usable, n) bytes of p: p itself when it can be
 * resized in place, else a new block (p freed). n == 0 shrinks p to a
 * minimum block and returns it (never frees and returns NULL). NULL on
 * failure with p untouched and still live. */
HSR_MSPACE_API void *hsr_mspace_realloc(hsr_mspace_t *ms, void *p, size_t n);

/*@ requires MspaceValid(ms);
    requires MsLive(ms, (char *)p);
    assigns *MsRegion(ms);
    ensures MspaceValid(ms) && MsLive(ms, (char *)p);
    ensures \result == \null || (\result == p && MsUsable(ms, (char *)p) >= n);
 */
/* Resizes p without moving it: returns p, or NULL with p unchanged when
 * that is impossible (MSPACE-INPLACE-1). */
HSR_MSPACE_API void *hsr_mspace_realloc_in_place(hsr_mspace_t *ms, void *p, size_t n);

/*@ requires MspaceValid(ms);
    assigns *MsRegion(ms);
    ensures MspaceValid(ms);
    ensures \result != \null ==> MsLive(ms, (char *)\result) &&
            MsUsable(ms, (char *)\result) >= n;
 */
/* A block of n bytes aligned to a (a not a power of two is rounded up to
 * the next one, dlmalloc's rule; a <= the natural alignment is malloc).
 * NULL when n or the padded request exceeds PTRDIFF_MAX, or as malloc. */
HSR_MSPACE_API void *hsr_mspace_memalign(hsr_mspace_t *ms, size_t a, size_t n);

/*@ requires MspaceValid(ms);
    requires \valid(array + (0 .. n - 1));
    assigns *MsRegion(ms), array[0 .. n - 1];
    ensures MspaceValid(ms);
    ensures \result <= n;
 */
/* Frees every non-NULL array[i] that is a live block of ms and sets it to
 * NULL; entries of other origin stay and are counted. Returns the number of
 * non-NULL entries not freed (MSPACE-BULK-1). */
HSR_MSPACE_API size_t hsr_mspace_bulk_free(hsr_mspace_t *ms, void **array, size_t n);

/* ------------------------------------------------------------------ */
/* Footprint                                                           */
/* ------------------------------------------------------------------ */

/*@ requires MspaceValid(ms);
    assigns *MsRegion(ms);
    ensures MspaceValid(ms) && MsFootprint(ms) <= \old(MsFootprint(ms));
    ensures \result == 1 <==> MsFootprint(ms) < \old(MsFootprint(ms));
 */
/* Gives back whole pages of the top chunk beyond pad bytes. Returns 1 when
 * anything was released, else 0 (always 0 for a with-base mspace). */
HSR_MSPACE_API int hsr_mspace_trim(hsr_mspace_t *ms, size_t pad);

/*@ requires MspaceValid(ms);
    assigns \nothing;
    ensures p == \null ==> \result == 0;
    ensures p != \null && MsLive(ms, (char *)p) ==> \result == MsUsable(ms, (char *)p);
 */
/* Usable bytes of the live block p (0 for NULL; misuse is reported). */
HSR_MSPACE_API size_t hsr_mspace_usable_size(hsr_mspace_t *ms, const void *p);

/*@ requires MspaceValid(ms);
    assigns \nothing;
    ensures \result == MsFootprint(ms);
 */
/* Bytes obtained from the system (or given as base capacity). */
HSR_MSPACE_API size_t hsr_mspace_footprint(hsr_mspace_t *ms);

/*@ requires MspaceValid(ms);
    assigns \nothing;
    ensures \result == MsMaxFootprint(ms);
 */
/* The largest footprint ever reached. */
HSR_MSPACE_API size_t hsr_mspace_max_footprint(hsr_mspace_t *ms);

/*@ requires MspaceValid(ms);
    assigns \nothing;
    ensures \result == MsLimit(ms);
 */
/* The footprint limit last set, SIZE_MAX when never set (MSPACE-LIMIT-1). */
HSR_MSPACE_API size_t hsr_mspace_footprint_limit(hsr_mspace_t *ms);

/*@ requires MspaceValid(ms);
    assigns *MsRegion(ms);
    ensures MspaceValid(ms) && \result == MsLimit(ms);
    ensures MsFootprint(ms) == \old(MsFootprint(ms));
    behavior unset:
      assumes bytes == SIZE_MAX;
      ensures \result == SIZE_MAX;
    behavior set:
      assumes bytes < SIZE_MAX;
      ensures \result >= bytes && \result % 4096 == 0;
    complete behaviors;
    disjoint behaviors;
 */
/* Sets the footprint limit, rounded up to whole pages (SIZE_MAX: no limit)
 * and returns the value enforced. Growth that would exceed it is refused; a
 * limit below the current footprint forbids all growth and releases
 * nothing (MSPACE-LIMIT-2). */
HSR_MSPACE_API size_t hsr_mspace_set_footprint_limit(hsr_mspace_t *ms, size_t bytes);

/* ------------------------------------------------------------------ */
/* Statistics, walking, checking                                       */
/* ------------------------------------------------------------------ */

/* mallinfo-style figures (all in bytes unless named otherwise). */
typedef struct hsr_mspace_stats_s {
    size_t footprint;       /* bytes obtained from the system (arena) */
    size_t max_footprint;   /* peak footprint */
    size_t footprint_limit; /* SIZE_MAX when never set */
    size_t used_bytes;      /* in-use chunks, headers included */
    size_t used_blocks;     /* number of in-use chunks */
    size_t free_bytes;      /* free chunks and the top chunk, headers included */
    size_t free_chunks;     /* free chunks, the top counted when it has room */
    size_t top_bytes;       /* size of the top chunk (what trim may release) */
    size_t overhead_bytes;  /* state struct and alignment slack */
} hsr_mspace_stats_t;

/*@ requires MspaceValid(ms) && \valid(out);
    assigns *out;
    ensures out->footprint == MsFootprint(ms);
    ensures out->used_bytes + out->free_bytes + out->overhead_bytes == MsFootprint(ms);
 */
/* Fills *out. Returns 0, or -1 for a NULL argument. */
HSR_MSPACE_API int hsr_mspace_mallinfo(hsr_mspace_t *ms, hsr_mspace_stats_t *out);

/* Called once per chunk in address order: [start, end) is the chunk's
 * payload (in use) or its whole extent (free, top), used_bytes is the
 * usable size of an in-use chunk and 0 for free memory. */
typedef void (*hsr_mspace_inspect_fn)(void *start, void *end, size_t used_bytes, void *arg);

/*@ requires MspaceValid(ms);
    assigns \nothing;
 */
/* Visits every chunk of ms, top included, with the lock held: the handler
 * must not call into ms (MSPACE-INSPECT-1: the regions partition the
 * managed space). */
HSR_MSPACE_API void hsr_mspace_inspect_all(hsr_mspace_t *ms, hsr_mspace_inspect_fn fn,
                                           void *arg);

/*@ assigns msg[0 .. len - 1];
    ensures \result == 0 <==> MspaceValid(ms);
    ensures \result == 0 || \result == -1;
 */
/* Walks the whole heap: headers agree with footers, no two free
 * neighbours, every free chunk in exactly one bin of its size class, bins
 * well linked, top last and ending at the committed end, footprint and used
 * bytes exact. Returns 0, or -1 with the first problem in msg (len may be
 * 0; msg may be NULL then). Never aborts. */
HSR_MSPACE_API int hsr_mspace_check(hsr_mspace_t *ms, char *msg, size_t len);

/* ------------------------------------------------------------------ */
/* Backing memory and fault injection                                  */
/* ------------------------------------------------------------------ */

/* Makes [base + old_commit, base + new_commit) usable (growing) or gives
 * [base + new_commit, base + old_commit) back (shrinking). base and both
 * sizes are page multiples. Returns 0, or a negative errno value with
 * nothing changed. */
typedef int (*hsr_mspace_morecore_fn)(void *arg, void *base, size_t old_commit,
                                      size_t new_commit);

/* The default hook: commits or decommits the pages through the glue. */
HSR_MSPACE_API int hsr_mspace_default_morecore(void *arg, void *base, size_t old_commit,
                                               size_t new_commit);

/* Replaces the morecore hook of ms (NULL restores the default). */
HSR_MSPACE_API void hsr_mspace_set_morecore(hsr_mspace_t *ms, hsr_mspace_morecore_fn fn,
                                            void *arg);

/* Fault injection: the nth growth request from now on fails as if the
 * system had refused (n == 0 turns it off); later requests succeed. */
HSR_MSPACE_API void hsr_mspace_fail_nth(hsr_mspace_t *ms, uint64_t n);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSPEC_REF_MSPACE_H */
