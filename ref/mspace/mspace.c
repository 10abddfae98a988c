/*
 * mspace.c — creation, destruction, locking and the public entry points of
 * the reference mspace (the manual is ref/include/heapspec/mspace.h).
 *
 * Every public function follows one shape:
 *   1. validate the handle (NULL: the neutral answer; a dead or foreign
 *      handle: the usage-error hook);
 *   2. take the lock when the mspace is locked;
 *   3. call the *_locked core (alloc.c / check.c);
 *   4. in debug builds (HSR_MSPACE_DEBUG) walk the whole heap after any
 *      mutation;
 *   5. unlock and return.
 */
#include <errno.h>
#include <string.h>

#include "ref/mspace/internal.h"
#include "ref/mspace/track.h"

#define HSRI_VERSION_STRING "hsr-mspace 1"

const char *hsr_mspace_version(void) {
    return HSRI_VERSION_STRING;
}

/* ---- usage errors ---------------------------------------------------- */

static hsr_usage_error_fn usage_hook;
static void *usage_hook_arg;

hsr_usage_error_fn hsr_set_usage_error_hook(hsr_usage_error_fn fn, void *arg) {
    hsr_usage_error_fn old = usage_hook;
    usage_hook = fn;
    usage_hook_arg = arg;
    return old;
}

static const char *kind_name(hsr_usage_error_t kind) {
    switch (kind) {
    case HSR_USAGE_DOUBLE_FREE:
        return "double free";
    case HSR_USAGE_FOREIGN_POINTER:
        return "foreign pointer";
    case HSR_USAGE_INTERIOR_POINTER:
        return "interior pointer";
    case HSR_USAGE_BAD_HANDLE:
        return "bad mspace handle";
    case HSR_USAGE_CORRUPTION:
        return "heap corruption";
    }
    return "usage error";
}

/* Append s to buf[*at..cap-1], always leaving room for the NUL. */
static void put(char *buf, size_t cap, size_t *at, const char *s) {
    while (*s != '\0' && *at + 1 < cap) {
        buf[(*at)++] = *s++;
    }
    buf[*at] = '\0';
}

/* The default hook: one line on stderr (no stdio, no allocation: it may run
 * inside the process's malloc), then abort. */
static _Noreturn void default_usage_error(hsr_usage_error_t kind, const char *what,
                                          const void *ptr) {
    static const char hex[] = "0123456789abcdef";
    char line[256];
    char num[2 + 2 * sizeof(uintptr_t) + 1];
    uintptr_t v = (uintptr_t)ptr;
    size_t at = 0;
    size_t i;

    num[0] = '0';
    num[1] = 'x';
    for (i = 0; i < 2 * sizeof(uintptr_t); i++) {
        num[2 + i] = hex[(v / ((uintptr_t)1 << (4 * (2 * sizeof(uintptr_t) - 1 - i)))) % 16];
    }
    num[sizeof num - 1] = '\0';
    put(line, sizeof line, &at, "heapspec mspace: ");
    put(line, sizeof line, &at, kind_name(kind));
    put(line, sizeof line, &at, ": ");
    put(line, sizeof line, &at, what);
    put(line, sizeof line, &at, " at ");
    put(line, sizeof line, &at, num);
    put(line, sizeof line, &at, "\n");
    hsri_glue_write_stderr(line);
    hsri_glue_abort();
}

void hsri_usage_error(hsr_usage_error_t kind, const char *what, const void *ptr) {
    hsr_usage_error_fn fn = usage_hook;
    if (fn == NULL) {
        default_usage_error(kind, what, ptr);
    }
    fn(kind, what, ptr, usage_hook_arg);
}

void hsri_debug_check_locked(hsr_mspace_t *ms) {
#if HSR_MSPACE_DEBUG
    char msg[192];
    if (hsri_check_locked(ms, msg, sizeof msg) != 0) {
        hsri_usage_error(HSR_USAGE_CORRUPTION, msg, ms);
    }
#else
    (void)ms;
#endif
}

/* ---- handle checks and locking --------------------------------------- */

/* True when ms may be used; a non-NULL dead/foreign handle is misuse. */
static bool handle_ok(const hsr_mspace_t *ms) {
    if (ms == NULL) {
        return false;
    }
    if (ms->magic != HSRI_MSPACE_MAGIC) {
        hsri_usage_error(HSR_USAGE_BAD_HANDLE, "not a live mspace", ms);
        return false;
    }
    return true;
}

bool hsri_enter(hsr_mspace_t *ms) {
    /* __libc_single_threaded goes from 1 to 0 only inside pthread_create of
     * this very thread: it cannot change while we are inside the mspace, so
     * the answer taken here holds until hsri_leave. */
    if (ms->locked && !hsri_glue_single_threaded()) {
        hsri_glue_mutex_lock(&ms->lock);
        return true;
    }
    return false;
}

/* Leave after a mutation: the walker runs first in debug builds. */
void hsri_leave_mutated(hsr_mspace_t *ms, bool held) {
    hsri_debug_check_locked(ms);
    if (held) {
        hsri_glue_mutex_unlock(&ms->lock);
    }
}

void hsri_leave(hsr_mspace_t *ms, bool held) {
    if (held) {
        hsri_glue_mutex_unlock(&ms->lock);
    }
}

/* ---- creation -------------------------------------------------------- */

static size_t state_bytes(void) {
    return (sizeof(struct hsr_mspace_s) + HSRI_ALIGN - 1) / HSRI_ALIGN * HSRI_ALIGN;
}

size_t hsr_mspace_min_capacity(void) {
    /* alignment slack at both ends, the state, one chunk, the top header */
    return (HSRI_ALIGN - 1) + state_bytes() + HSRI_MIN_CHUNK + HSRI_HDR + (HSRI_ALIGN - 1);
}

static uint32_t make_secret(const void *where) {
    static uint32_t counter;
    uint32_t n = __atomic_add_fetch(&counter, 1u, __ATOMIC_RELAXED);
    uint32_t a = (uint32_t)(((uintptr_t)where / HSRI_ALIGN) % 4294967291u);
    return (a * 2654435761u) ^ (n * 2246822519u) ^ 0x6a09e667u;
}

/* Lay out a fresh mspace: state at `at` (aligned), one top chunk up to end
 * (aligned). The caller checked end - at >= state + MIN_CHUNK + HDR. */
static hsr_mspace_t *init_state(char *seg_base, char *at, char *end, char *reserve_end,
                                size_t tail_slack, bool owns, int locked) {
    hsr_mspace_t *ms = (hsr_mspace_t *)(void *)at;
    hsri_track_open(at, state_bytes());
    memset(ms, 0, sizeof *ms);
    ms->seg_base = seg_base;
    ms->first = at + state_bytes();
    ms->commit_end = end;
    ms->reserve_end = reserve_end;
    ms->tail_slack = tail_slack;
    ms->footprint = (size_t)(end - seg_base) + tail_slack;
    ms->max_footprint = ms->footprint;
    ms->limit = SIZE_MAX;
    ms->owns_memory = owns;
    ms->initial_end = owns ? end : NULL;
    ms->locked = locked != 0;
    ms->morecore = hsr_mspace_default_morecore;
    ms->morecore_arg = NULL;
    ms->secret = make_secret(ms);
    if (ms->locked && hsri_glue_mutex_init(&ms->lock) != 0) {
        return NULL;
    }
    ms->top = (hsri_chunk_t *)(void *)ms->first;
    ms->written_end = ms->first + HSRI_HDR;
    hsri_track_close(ms->first, (size_t)(end - ms->first));
    hsri_write_header(ms, ms->top, (size_t)(end - ms->first), 0, 1);
    ms->magic = HSRI_MSPACE_MAGIC;
    hsri_debug_check_locked(ms);
    return ms;
}

hsr_mspace_t *hsr_mspace_create_with_base(void *base, size_t capacity, int locked) {
    uintptr_t b = (uintptr_t)base;
    uintptr_t at;
    uintptr_t end;
    if (base == NULL || capacity < hsr_mspace_min_capacity() ||
        b > UINTPTR_MAX - capacity) {
        return NULL;
    }
    at = b + (HSRI_ALIGN - b % HSRI_ALIGN) % HSRI_ALIGN;
    end = (b + capacity) - (b + capacity) % HSRI_ALIGN;
    return init_state((char *)base, (char *)at, (char *)end, (char *)end,
                      (size_t)(b + capacity - end), false, locked);
}

/* Tells memcheck and ASan that every live block is gone (destroy, reset).
 * The walk stops at the first header that is no chunk: a damaged heap, which
 * the walker reports, must not make destroy loop or run off the heap. */
static void forget_live_blocks(hsr_mspace_t *ms) {
    hsri_chunk_t *c = (hsri_chunk_t *)(void *)ms->first;
    while ((char *)c < (char *)ms->top && c->size >= HSRI_MIN_CHUNK &&
           c->size <= (size_t)((char *)ms->top - (char *)c)) {
        if (c->inuse) {
            hsri_track_free(hsri_payload(c), c->size - HSRI_HDR);
        }
        c = hsri_next(c);
    }
}

hsr_mspace_t *hsr_mspace_create_reserved(size_t capacity, size_t reserve, int locked) {
    size_t page = hsri_glue_page_size();
    char *seg;
    hsr_mspace_t *ms;

    if (capacity == 0) {
        capacity = HSRI_GRANULE;
    }
    if (capacity < hsr_mspace_min_capacity()) {
        capacity = hsr_mspace_min_capacity();
    }
    if (capacity > (size_t)PTRDIFF_MAX || reserve > (size_t)PTRDIFF_MAX ||
        !hsri_round_up(capacity, page, &capacity) || !hsri_round_up(reserve, page, &reserve) ||
        reserve < capacity) {
        return NULL;
    }
    seg = hsri_glue_reserve(reserve);
    if (seg == NULL) {
        return NULL;
    }
    if (hsri_glue_commit(seg, capacity) != 0) {
        (void)hsri_glue_release(seg, reserve);
        return NULL;
    }
    ms = init_state(seg, seg, seg + capacity, seg + reserve, 0, true, locked);
    if (ms == NULL) {
        (void)hsri_glue_release(seg, reserve);
    }
    return ms;
}

int hsr_mspace_reset(hsr_mspace_t *ms) {
    char *seg;
    char *first_end;
    char *written_end;
    char *reserve_end;
    size_t high;
    int locked;
    if (!handle_ok(ms)) {
        return -EINVAL;
    }
    if (!ms->owns_memory) {
        return -EINVAL;
    }
    bool held = hsri_enter(ms);
    seg = ms->seg_base;
    first_end = ms->initial_end;
    written_end = ms->written_end < first_end ? ms->written_end : first_end;
    reserve_end = ms->reserve_end;
    high = ms->max_footprint;
    locked = ms->locked;
    /* Before anything changes: a trim may have decommitted part of the
     * first capacity, which must be there again. */
    if (ms->commit_end < first_end &&
        hsri_glue_commit(ms->commit_end, (size_t)(first_end - ms->commit_end)) != 0) {
        hsri_leave(ms, held);
        return -ENOMEM;
    }
    forget_live_blocks(ms);
    if (ms->commit_end > first_end) {
        /* Kept resident, zeroed, when not far above the first capacity: the
         * next growth finds its pages there. A fuzz harness's inputs grow
         * past the first 64 KiB by a few pages; faulting them in again after
         * every reset (three faults an input) cost the malloc harness 6% of
         * its executions over ten minutes. */
        size_t grown = (size_t)(ms->commit_end - first_end);
        hsri_track_open(first_end, grown < HSRI_GLUE_KEEP_MAX ? grown : HSRI_GLUE_KEEP_MAX);
        (void)hsri_glue_decommit_keep(first_end, grown);
    }
    ms->magic = HSRI_MSPACE_DEAD;
    hsri_leave(ms, held);
    if (locked) {
        hsri_glue_mutex_destroy(&ms->lock);
    }
    /* As destroy leaves the poison (ASan): none where memory ever was. */
    hsri_track_unmap(seg, high);
    /* Zero what was written: an input that stays low in the first capacity
     * leaves the rest of it as create did. */
    hsri_track_open(seg, (size_t)(first_end - seg));
    memset(seg, 0, (size_t)(written_end - seg));
    if (init_state(seg, seg, first_end, reserve_end, 0, true, locked) == NULL) {
        (void)hsri_glue_release(seg, (size_t)(reserve_end - seg));
        return -EAGAIN;
    }
    return 0;
}

hsr_mspace_t *hsr_mspace_create(size_t capacity, int locked) {
    size_t reserve = HSR_MSPACE_DEFAULT_RESERVE;
    if (capacity > reserve) {
        reserve = capacity;
    }
    return hsr_mspace_create_reserved(capacity, reserve, locked);
}

size_t hsr_mspace_destroy(hsr_mspace_t *ms) {
    size_t released = 0;
    if (!handle_ok(ms)) {
        return 0;
    }
    bool held = hsri_enter(ms);
    forget_live_blocks(ms);
    ms->magic = HSRI_MSPACE_DEAD;
    hsri_leave(ms, held);
    if (ms->locked) {
        hsri_glue_mutex_destroy(&ms->lock);
    }
    if (ms->owns_memory) {
        char *seg = ms->seg_base;
        size_t len = (size_t)(ms->reserve_end - ms->seg_base);
        released = ms->footprint;
        /* Poison lies only where memory was ever committed: up to the
         * high-water mark, which trim may have lowered commit_end from. */
        hsri_track_unmap(seg, ms->max_footprint - ms->tail_slack);
        if (hsri_glue_release(seg, len) != 0) {
            released = 0;
        }
    } else {
        /* The caller's memory is the caller's again: fully accessible. */
        hsri_track_open(ms->seg_base,
                        (size_t)(ms->commit_end - ms->seg_base) + ms->tail_slack);
    }
    return released;
}

/* ---- allocation entry points ----------------------------------------- */

void *hsr_mspace_malloc(hsr_mspace_t *ms, size_t n) {
    void *p;
    if (!handle_ok(ms)) {
        return NULL;
    }
    bool held = hsri_enter(ms);
    p = hsri_malloc_locked(ms, n);
    hsri_leave_mutated(ms, held);
    return p;
}

void hsr_mspace_free(hsr_mspace_t *ms, void *p) {
    if (p == NULL || !handle_ok(ms)) {
        return;
    }
    bool held = hsri_enter(ms);
    hsri_free_locked(ms, p);
    hsri_leave_mutated(ms, held);
}

void *hsr_mspace_calloc(hsr_mspace_t *ms, size_t n, size_t m) {
    size_t total;
    void *p;
    if (!handle_ok(ms) || !hsri_mul(n, m, &total)) {
        return NULL;
    }
    bool held = hsri_enter(ms);
    p = hsri_malloc_locked(ms, total);
    if (p != NULL) {
        memset(p, 0, total); /* recycled chunks hold old data */
    }
    hsri_leave_mutated(ms, held);
    return p;
}

void *hsr_mspace_realloc(hsr_mspace_t *ms, void *p, size_t n) {
    void *q;
    if (!handle_ok(ms)) {
        return NULL;
    }
    bool held = hsri_enter(ms);
    q = hsri_realloc_locked(ms, p, n, true);
    hsri_leave_mutated(ms, held);
    return q;
}

void *hsr_mspace_realloc_in_place(hsr_mspace_t *ms, void *p, size_t n) {
    void *q;
    if (p == NULL || !handle_ok(ms)) {
        return NULL;
    }
    bool held = hsri_enter(ms);
    q = hsri_realloc_locked(ms, p, n, false);
    hsri_leave_mutated(ms, held);
    return q;
}

void *hsr_mspace_memalign(hsr_mspace_t *ms, size_t a, size_t n) {
    void *p;
    if (!handle_ok(ms)) {
        return NULL;
    }
    bool held = hsri_enter(ms);
    p = hsri_memalign_locked(ms, a, n);
    hsri_leave_mutated(ms, held);
    return p;
}

size_t hsr_mspace_bulk_free(hsr_mspace_t *ms, void **array, size_t n) {
    size_t unfreed = 0;
    size_t i;
    if (array == NULL) {
        return 0;
    }
    if (!handle_ok(ms)) {
        for (i = 0; i < n; i++) {
            unfreed += array[i] != NULL;
        }
        return unfreed;
    }
    bool held = hsri_enter(ms);
    for (i = 0; i < n; i++) {
        void *p = array[i];
        if (p == NULL) {
            continue;
        }
        if (!hsri_in_range(ms, p)) {
            unfreed++; /* another heap's block: not ours to free, not misuse */
            continue;
        }
        if (hsri_owned_chunk_locked(ms, p, true) == NULL) {
            unfreed++; /* ours but not live: reported as misuse */
            continue;
        }
        hsri_free_locked(ms, p);
        array[i] = NULL;
    }
    hsri_leave_mutated(ms, held);
    return unfreed;
}

int hsr_mspace_trim(hsr_mspace_t *ms, size_t pad) {
    int r;
    if (!handle_ok(ms)) {
        return 0;
    }
    bool held = hsri_enter(ms);
    r = hsri_trim_locked(ms, pad);
    hsri_leave_mutated(ms, held);
    return r;
}

size_t hsr_mspace_usable_size(hsr_mspace_t *ms, const void *p) {
    size_t n;
    if (p == NULL || !handle_ok(ms)) {
        return 0;
    }
    bool held = hsri_enter(ms);
    n = hsri_usable_locked(ms, p);
    hsri_leave(ms, held);
    return n;
}

/* ---- footprint ------------------------------------------------------- */

/* Plain reads without the lock (dlmalloc's rule: lock-free, maybe stale). */
size_t hsr_mspace_footprint(hsr_mspace_t *ms) {
    return handle_ok(ms) ? __atomic_load_n(&ms->footprint, __ATOMIC_RELAXED) : 0;
}

size_t hsr_mspace_max_footprint(hsr_mspace_t *ms) {
    return handle_ok(ms) ? __atomic_load_n(&ms->max_footprint, __ATOMIC_RELAXED) : 0;
}

size_t hsr_mspace_footprint_limit(hsr_mspace_t *ms) {
    return handle_ok(ms) ? __atomic_load_n(&ms->limit, __ATOMIC_RELAXED) : 0;
}

size_t hsr_mspace_set_footprint_limit(hsr_mspace_t *ms, size_t bytes) {
    size_t page = hsri_glue_page_size();
    size_t lim = SIZE_MAX;
    if (!handle_ok(ms)) {
        return 0;
    }
    if (bytes != SIZE_MAX && !hsri_round_up(bytes, page, &lim)) {
        lim = SIZE_MAX; /* within a page of SIZE_MAX: no limit at all */
    }
    bool held = hsri_enter(ms);
    __atomic_store_n(&ms->limit, lim, __ATOMIC_RELAXED);
    hsri_leave_mutated(ms, held);
    return lim;
}

/* ---- statistics, walking, checking ----------------------------------- */

int hsr_mspace_mallinfo(hsr_mspace_t *ms, hsr_mspace_stats_t *out) {
    if (out == NULL || !handle_ok(ms)) {
        return -1;
    }
    bool held = hsri_enter(ms);
    hsri_stats_locked(ms, out);
    hsri_leave(ms, held);
    return 0;
}

void hsr_mspace_inspect_all(hsr_mspace_t *ms, hsr_mspace_inspect_fn fn, void *arg) {
    if (fn == NULL || !handle_ok(ms)) {
        return;
    }
    bool held = hsri_enter(ms);
    hsri_inspect_locked(ms, fn, arg);
    hsri_leave(ms, held);
}

int hsr_mspace_check(hsr_mspace_t *ms, char *msg, size_t len) {
    int r;
    if (ms == NULL || ms->magic != HSRI_MSPACE_MAGIC) {
        if (msg != NULL && len > 0) {
            size_t at = 0;
            put(msg, len, &at, "not a live mspace");
        }
        return -1;
    }
    bool held = hsri_enter(ms);
    r = hsri_check_locked(ms, msg, len);
    hsri_leave(ms, held);
    return r;
}

/* ---- backing memory -------------------------------------------------- */

int hsr_mspace_default_morecore(void *arg, void *base, size_t old_commit, size_t new_commit) {
    char *b = (char *)base;
    (void)arg;
    if (new_commit > old_commit) {
        return hsri_glue_commit(b + old_commit, new_commit - old_commit);
    }
    if (new_commit < old_commit) {
        return hsri_glue_decommit(b + new_commit, old_commit - new_commit);
    }
    return 0;
}

void hsr_mspace_set_morecore(hsr_mspace_t *ms, hsr_mspace_morecore_fn fn, void *arg) {
    if (!handle_ok(ms)) {
        return;
    }
    bool held = hsri_enter(ms);
    ms->morecore = fn != NULL ? fn : hsr_mspace_default_morecore;
    ms->morecore_arg = fn != NULL ? arg : NULL;
    hsri_leave(ms, held);
}

void hsr_mspace_fail_nth(hsr_mspace_t *ms, uint64_t n) {
    if (!handle_ok(ms)) {
        return;
    }
    bool held = hsri_enter(ms);
    ms->fail_nth = n;
    ms->nrequests = 0;
    hsri_leave(ms, held);
}
