/*
 * malloc_replacement.c — the process's malloc, built on one reference
 * mspace: libheapspec_malloc.so (LD_PRELOAD) and the heapspec_malloc
 * library (Bazel's `malloc =` attribute). See posix.h for the exact C17 /
 * POSIX behaviour of each function and the implementation-defined choices
 * (malloc(0) and realloc(p, 0) return a unique minimum block).
 *
 * Design:
 *   1. One locked mspace over its own reservation of address space: 256 GiB of PROT_NONE pages, halved
 *      until the system accepts (e.g. under `ulimit -v`), at least 256 MiB.
 *      Pages are committed as the heap grows, never beyond the reservation.
 *   2. No recursion during initialisation: the first call of any entry
 *      point creates the mspace with mmap/mprotect only — its state struct
 *      lives inside its own mapping and nothing calls malloc. Threads that
 *      race the first call spin until it is done (one compare-and-swap).
 *   3. Fork safety: pthread_atfork handlers (registered by a constructor,
 *      after the heap exists) take the mspace lock before fork and release
 *      it in the parent / re-create it in the child, so the child's heap is
 *      consistent and unlocked.
 *   4. Speed: the lock is skipped while the process is single-threaded
 *      (hsri_enter), and malloc/free of blocks up to 1 KiB go through
 *      per-thread caches (tcache.c: at most 7 blocks per size class, given
 *      back in batches and at thread exit).
 *   5. Misuse (double free, a foreign or interior pointer) aborts with one
 *      line on stderr: the mspace's default usage-error hook.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "heapspec/mspace.h"
#include "ref/glue/glue.h"
#include "ref/mspace/posix.h"
#include "ref/mspace/tcache.h"

#define HSR_EXPORT __attribute__((visibility("default")))

#define INITIAL_COMMIT ((size_t)1 << 20)   /* 1 MiB committed at start */
#define MAX_RESERVE ((size_t)1 << 38)      /* 256 GiB of address space */
#define MIN_RESERVE ((size_t)1 << 28)      /* give up below 256 MiB */

enum { UNINIT = 0, STARTING = 1, READY = 2, FAILED = 3 };

static hsr_mspace_t *heap_ms; /* written once, before state becomes READY */
static int heap_state;        /* UNINIT -> STARTING -> READY | FAILED */

static hsr_mspace_t *heap_start_slow(void) {
    int expected = UNINIT;
    if (__atomic_compare_exchange_n(&heap_state, &expected, STARTING, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
        size_t reserve = MAX_RESERVE;
        hsr_mspace_t *ms = NULL;
        while (ms == NULL && reserve >= MIN_RESERVE) {
            ms = hsr_mspace_create_reserved(INITIAL_COMMIT, reserve, 1);
            reserve /= 2;
        }
        heap_ms = ms;
        /* release: a thread that sees READY also sees heap_ms */
        __atomic_store_n(&heap_state, ms != NULL ? READY : FAILED, __ATOMIC_RELEASE);
        return ms;
    }
    while (__atomic_load_n(&heap_state, __ATOMIC_ACQUIRE) == STARTING) {
        /* another thread is inside mmap; it never calls back into us */
    }
    return heap_ms;
}

static inline hsr_mspace_t *heap(void) {
    if (__atomic_load_n(&heap_state, __ATOMIC_ACQUIRE) == READY) {
        return heap_ms;
    }
    return heap_start_slow();
}

static void *no_heap(void) {
    errno = ENOMEM;
    return NULL;
}

/* ---- fork ------------------------------------------------------------ */

static void fork_prepare(void) {
    hsri_fork_prepare(heap());
}

static void fork_parent(void) {
    hsri_fork_parent(heap());
}

static void fork_child(void) {
    hsri_fork_child(heap());
}

__attribute__((constructor)) static void heap_constructor(void) {
    hsr_mspace_t *ms = heap();
    if (ms != NULL) {
        (void)hsri_glue_atfork(fork_prepare, fork_parent, fork_child);
        (void)hsri_tcache_init(ms); /* on failure: no caches, still correct */
    }
}

/* ---- the C / POSIX / GNU entry points --------------------------------- */

void free_sized(void *p, size_t n);
void free_aligned_sized(void *p, size_t a, size_t n);

HSR_EXPORT void *malloc(size_t n) {
    hsr_mspace_t *ms = heap();
    return ms != NULL ? hsri_tcache_malloc(ms, n) : no_heap();
}

HSR_EXPORT void free(void *p) {
    hsr_mspace_t *ms = p != NULL ? heap() : NULL;
    if (ms != NULL) { /* no heap: p cannot be ours, nothing to do */
        hsri_tcache_free(ms, p);
    }
}

HSR_EXPORT void *calloc(size_t n, size_t m) {
    hsr_mspace_t *ms = heap();
    return ms != NULL ? hsri_posix_calloc(ms, n, m) : no_heap();
}

HSR_EXPORT void *realloc(void *p, size_t n) {
    hsr_mspace_t *ms = heap();
    return ms != NULL ? hsri_posix_realloc(ms, p, n) : no_heap();
}

HSR_EXPORT void *reallocarray(void *p, size_t n, size_t m) {
    hsr_mspace_t *ms = heap();
    return ms != NULL ? hsri_posix_reallocarray(ms, p, n, m) : no_heap();
}

HSR_EXPORT void *aligned_alloc(size_t a, size_t n) {
    hsr_mspace_t *ms = heap();
    return ms != NULL ? hsri_posix_aligned_alloc(ms, a, n) : no_heap();
}

HSR_EXPORT int posix_memalign(void **out, size_t a, size_t n) {
    hsr_mspace_t *ms = heap();
    return ms != NULL ? hsri_posix_memalign(ms, out, a, n) : ENOMEM;
}

HSR_EXPORT void *memalign(size_t a, size_t n) {
    hsr_mspace_t *ms = heap();
    return ms != NULL ? hsri_posix_memalign_legacy(ms, a, n) : no_heap();
}

HSR_EXPORT void *valloc(size_t n) {
    hsr_mspace_t *ms = heap();
    return ms != NULL ? hsri_posix_valloc(ms, n) : no_heap();
}

HSR_EXPORT void *pvalloc(size_t n) {
    hsr_mspace_t *ms = heap();
    return ms != NULL ? hsri_posix_pvalloc(ms, n) : no_heap();
}

HSR_EXPORT size_t malloc_usable_size(void *p) {
    return p != NULL ? hsri_posix_usable_size(heap(), p) : 0;
}

HSR_EXPORT void free_sized(void *p, size_t n) {
    (void)n;
    free(p);
}

HSR_EXPORT void free_aligned_sized(void *p, size_t a, size_t n) {
    (void)a;
    (void)n;
    free(p);
}
