/*
 * tcache.c — per-thread caches of small free blocks in front of the process
 * malloc's one mspace (malloc_replacement.c). glibc's tcache is the model.
 *
 * WHY: a malloc/free pair through the mspace takes its lock (when the
 * process has threads), searches a bin, splits and coalesces. Most programs
 * free and allocate blocks of the same few small sizes over and over; a
 * thread that keeps a handful of its freed blocks per size class serves the
 * next malloc of that class without lock, search, split or merge.
 *
 * LAYOUT (thread-local, one per thread, about 0.6 KiB)
 *
 *   struct tcache
 *   +-------+------------------------------+---------------------------+
 *   | state | count[k], k < HSRI_TC_NCLASS | head[k], k < HSRI_TC_NCLASS|
 *   +-------+------------------------------+---------------------------+
 *                                             |
 *       class k = chunk size / HSRI_ALIGN     v
 *       (chunk sizes up to the chunk of    +--------+------+----   +--------+------+
 *       a 1 KiB request)                   | header | next | ..    | header | NULL | ..
 *                                          | cached |  ------------>cached |      |
 *                                          +--------+------+----   +--------+------+
 *   A cached block is an mspace chunk that the mspace counts as in use
 *   (used_bytes, used_blocks, mallinfo, inspect_all, the walker) with its
 *   header's `cached` byte set to 1; `next` is kept in the first word of
 *   its body. For the client (and memcheck/ASan) it is freed: the body is
 *   poisoned / FREELIKE'd, any access is a use-after-free report; freeing it
 *   again is a double free (the header says cached).
 *
 * BOUNDS: at most HSRI_TC_COUNT blocks per class per thread. malloc on an
 * empty class takes up to HSRI_TC_BATCH chunks under one lock (one for the
 * caller); free into a full class first gives HSRI_TC_BATCH back under one
 * lock. Moving most of a class at a time keeps a thread that only allocates
 * (or only frees) at one lock per HSRI_TC_BATCH calls.
 *
 * THREAD EXIT: the first cached call of a thread sets a thread key whose
 * destructor gives every cached block back to the mspace and turns the
 * cache off for that thread (later frees from other destructors go to the
 * mspace directly): a short-lived thread leaves nothing behind.
 *
 * FORK: the mspace lock is taken around fork (posix.h handlers). The
 * forking thread's cache is valid in the child; the other threads' caches
 * are lost with the threads (their blocks stay "in use", at most
 * HSRI_TC_COUNT per class per thread — glibc's tcache loses them the same).
 *
 * STATES of a thread's cache: OFF (never used) -> ON (key set) -> DEAD (thread
 * exiting, or the key could not be set): only ON caches blocks.
 */
#include "ref/mspace/tcache.h"

#include <errno.h>
#include <string.h>

#include "ref/mspace/internal.h"
#include "ref/mspace/posix.h"
#include "ref/mspace/track.h"

#define HSRI_TC_MAX_REQUEST ((size_t)1024) /* largest request served */
/* chunk size of the largest request: header added, rounded to the alignment */
#define HSRI_TC_MAX_CHUNK                                                                 \
    ((HSRI_TC_MAX_REQUEST + HSRI_HDR + HSRI_ALIGN - 1) / HSRI_ALIGN * HSRI_ALIGN)
#define HSRI_TC_NCLASS (HSRI_TC_MAX_CHUNK / HSRI_ALIGN + 1)
#define HSRI_TC_COUNT 7u /* blocks per class per thread, at most */
#define HSRI_TC_BATCH 6u /* chunks moved per refill or flush */

enum { TC_OFF = 0, TC_ON = 1, TC_DEAD = 2 };

struct tcache {
    int state;                               /* TC_OFF, TC_ON or TC_DEAD */
    uint8_t count[HSRI_TC_NCLASS];           /* blocks in each class */
    hsri_chunk_t *head[HSRI_TC_NCLASS];      /* the last freed block of each class */
};

/* initial-exec: one instruction to reach it (the library is preloaded or
 * linked into the executable, never dlopen'ed late). */
static __thread struct tcache tc __attribute__((tls_model("initial-exec")));

static hsr_mspace_t *tc_ms;   /* the process heap; set once by hsri_tcache_init */
static hsri_glue_key_t tc_key; /* its destructor empties an exiting thread's cache */
static int tc_ready;          /* 1 once tc_key exists */

/* ---- the `next` word in a cached block's (closed) body ---------------- */

static hsri_chunk_t *cached_next(hsri_chunk_t *c) {
    hsri_chunk_t *next;
    void *at = hsri_payload(c);
    hsri_track_open(at, sizeof next);
    memcpy(&next, at, sizeof next);
    hsri_track_close(at, sizeof next);
    return next;
}

static void set_cached_next(hsri_chunk_t *c, hsri_chunk_t *next) {
    void *at = hsri_payload(c);
    hsri_track_open(at, sizeof next);
    memcpy(at, &next, sizeof next);
    hsri_track_close(at, sizeof next);
}

/* Park c (in use, body closed, not announced) in class k of t. */
static void push(struct tcache *t, size_t k, hsri_chunk_t *c) {
    c->cached = 1;
    set_cached_next(c, t->head[k]);
    t->head[k] = c;
    t->count[k]++;
}

/* Unpark the head of class k (non-empty): in use, not cached, body closed. */
static hsri_chunk_t *pop(struct tcache *t, size_t k) {
    hsri_chunk_t *c = t->head[k];
    t->head[k] = cached_next(c);
    t->count[k]--;
    c->cached = 0;
    return c;
}

/* ---- thread life ------------------------------------------------------ */

/* Give every block of t back to the mspace; t stays off from now on. */
static void tc_thread_exit(void *arg) {
    struct tcache *t = arg;
    size_t k;
    bool held;
    t->state = TC_DEAD;
    held = hsri_enter(tc_ms);
    for (k = 0; k < HSRI_TC_NCLASS; k++) {
        while (t->head[k] != NULL) {
            hsri_chunk_t *c = t->head[k];
            t->head[k] = cached_next(c);
            hsri_release_cached_locked(tc_ms, c);
        }
        t->count[k] = 0;
    }
    hsri_leave_mutated(tc_ms, held);
}

int hsri_tcache_init(hsr_mspace_t *ms) {
    int rc;
    if (ms == NULL) {
        return -EINVAL;
    }
    rc = hsri_glue_key_create(&tc_key, tc_thread_exit);
    if (rc != 0) {
        return rc;
    }
    tc_ms = ms;
    __atomic_store_n(&tc_ready, 1, __ATOMIC_RELEASE);
    return 0;
}

/* True when t may cache: turns an OFF cache ON (registering the exit
 * destructor) the first time. */
static bool tc_usable(struct tcache *t) {
    if (__builtin_expect(t->state == TC_ON, 1)) {
        return true;
    }
    if (t->state != TC_OFF || !__atomic_load_n(&tc_ready, __ATOMIC_ACQUIRE)) {
        return false;
    }
    t->state = TC_DEAD; /* should setting the key allocate, that goes direct */
    if (hsri_glue_key_set(tc_key, t) == 0) {
        t->state = TC_ON;
    }
    return t->state == TC_ON;
}

/* ---- malloc ----------------------------------------------------------- */

/* Class k of t is empty: one chunk of nb bytes for the caller and up to
 * HSRI_TC_BATCH - 1 more into the class, under one lock. NULL when out of
 * memory. */
static hsri_chunk_t *refill(hsr_mspace_t *ms, struct tcache *t, size_t k, size_t nb) {
    bool held = hsri_enter(ms);
    hsri_chunk_t *first = hsri_alloc_chunk_locked(ms, nb);
    unsigned i;
    for (i = 1; first != NULL && i < HSRI_TC_BATCH; i++) {
        hsri_chunk_t *c = hsri_alloc_chunk_locked(ms, nb);
        if (c == NULL) {
            break;
        }
        if (c->size != nb) { /* a remainder too small to split: not this class */
            c->cached = 1;
            hsri_release_cached_locked(ms, c);
            break;
        }
        push(t, k, c);
    }
    hsri_leave_mutated(ms, held);
    return first;
}

void *hsri_tcache_malloc(hsr_mspace_t *ms, size_t n) {
    struct tcache *t = &tc;
    if (n <= HSRI_TC_MAX_REQUEST && tc_usable(t)) {
        size_t nb;
        size_t k;
        hsri_chunk_t *c;
        (void)hsri_request_to_chunk(n, &nb); /* n <= 1 KiB: cannot fail */
        k = nb / HSRI_ALIGN;
        c = t->head[k] != NULL ? pop(t, k) : refill(ms, t, k, nb);
        if (c == NULL) {
            errno = ENOMEM;
            return NULL;
        }
        hsri_track_malloc(hsri_payload(c), c->size - HSRI_HDR, 0);
        return hsri_payload(c);
    }
    return hsri_posix_malloc(ms, n);
}

/* ---- free ------------------------------------------------------------- */

/* The header fields the free path judges, read at an address that may be
 * inside closed memory (misuse): size, tag, inuse, cached. prev_inuse is not
 * read: another thread may be changing it under the lock. */
struct peeked {
    size_t size;
    uint32_t tag;
    uint8_t inuse;
    uint8_t cached;
};

HSRI_NO_ASAN static struct peeked peek(const hsri_chunk_t *c) {
    struct peeked h;
    const volatile hsri_chunk_t *v = c;
    hsri_track_quiet_begin();
    h.size = v->size;
    h.tag = v->tag;
    h.inuse = v->inuse;
    h.cached = v->cached;
    hsri_track_quiet_end();
    hsri_track_judged(&h, sizeof h);
    return h;
}

/* Class k of t is full: give HSRI_TC_BATCH of its blocks back. */
static void flush(hsr_mspace_t *ms, struct tcache *t, size_t k) {
    bool held = hsri_enter(ms);
    unsigned i;
    for (i = 0; i < HSRI_TC_BATCH && t->head[k] != NULL; i++) {
        hsri_release_cached_locked(ms, pop(t, k));
    }
    hsri_leave_mutated(ms, held);
}

void hsri_tcache_free(hsr_mspace_t *ms, void *p) {
    struct tcache *t = &tc;
    const char *q = (const char *)p;
    if ((uintptr_t)p % HSRI_ALIGN == 0 && q >= ms->first + HSRI_HDR &&
        q < __atomic_load_n(&ms->commit_end, __ATOMIC_RELAXED) && tc_usable(t)) {
        hsri_chunk_t *c = hsri_chunk_of(p);
        struct peeked h = peek(c);
        /* a live small block of ms; anything else goes to the checks of the
         * mspace, which report misuse precisely */
        if (h.tag == hsri_tag(ms, c) && h.inuse == 1 && h.cached == 0 &&
            h.size >= HSRI_MIN_CHUNK && h.size <= HSRI_TC_MAX_CHUNK &&
            h.size % HSRI_ALIGN == 0) {
            size_t k = h.size / HSRI_ALIGN;
            if (t->count[k] >= HSRI_TC_COUNT) {
                flush(ms, t, k);
            }
            hsri_track_free(p, h.size - HSRI_HDR);
            push(t, k, c);
            return;
        }
    }
    hsri_posix_free(ms, p);
}
