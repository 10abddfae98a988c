/*
 * track.h — tell Valgrind's memcheck and AddressSanitizer about every block
 * state change of the mspace (mimalloc's track.h is the model).
 *
 * Block states and what the tools are told:
 *
 *   handed out  hsri_track_malloc   memcheck: MALLOCLIKE_BLOCK   ASan: unpoison
 *   resized     hsri_track_resize   memcheck: RESIZEINPLACE      ASan: (un)poison delta
 *   freed       hsri_track_free     memcheck: FREELIKE_BLOCK     ASan: poison
 *
 * The allocator's own bookkeeping inside free memory (free-list links,
 * footers, headers made by a split) is bracketed by hsri_track_open /
 * hsri_track_close; header peeks at untrusted addresses (misuse detection)
 * go through HSRI_NO_ASAN functions between hsri_track_quiet_begin/end.
 *
 * Without <valgrind/memcheck.h> and without ASan every macro is a no-op, and
 * the client requests themselves cost a few instructions when not running
 * under Valgrind.
 */
#ifndef HEAPSPEC_REF_MSPACE_TRACK_H
#define HEAPSPEC_REF_MSPACE_TRACK_H

#include <stddef.h>

#include "ref/glue/attrs.h"

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define HSRI_TRACK_VALGRIND 1
#endif
#endif

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HSRI_TRACK_ASAN 1
#endif
#endif
#if !defined(HSRI_TRACK_ASAN) && defined(__SANITIZE_ADDRESS__)
#define HSRI_TRACK_ASAN 1
#endif

#ifdef HSRI_TRACK_ASAN
#include <sanitizer/asan_interface.h>
#define HSRI_NO_ASAN __attribute__((no_sanitize("address")))
#define HSRI_ASAN_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define HSRI_ASAN_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define HSRI_NO_ASAN
#define HSRI_ASAN_POISON(p, n) ((void)(p), (void)(n))
#define HSRI_ASAN_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#ifdef HSRI_TRACK_VALGRIND
/* A client request costs a couple of dozen instructions even outside Valgrind,
 * and the allocator makes several per operation: ask once whether Valgrind is
 * there and skip them all with one branch when it is not. */
static HSRI_WALKER_INLINE int hsri_on_valgrind(void) {
    static int state = -1;
    if (__builtin_expect(state < 0, 0))
        state = RUNNING_ON_VALGRIND ? 1 : 0;
    return state;
}
#define HSRI_VG_WHEN(stmt)                                                     \
    do {                                                                       \
        if (__builtin_expect(hsri_on_valgrind(), 0)) {                         \
            stmt;                                                              \
        }                                                                      \
    } while (0)
#define HSRI_VG_MALLOCLIKE(p, n, z) HSRI_VG_WHEN(VALGRIND_MALLOCLIKE_BLOCK((p), (n), 0, (z)))
#define HSRI_VG_FREELIKE(p) HSRI_VG_WHEN(VALGRIND_FREELIKE_BLOCK((p), 0))
#define HSRI_VG_RESIZE(p, o, n) HSRI_VG_WHEN(VALGRIND_RESIZEINPLACE_BLOCK((p), (o), (n), 0))
#define HSRI_VG_DEFINED(p, n) HSRI_VG_WHEN((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#define HSRI_VG_NOACCESS(p, n) HSRI_VG_WHEN((void)VALGRIND_MAKE_MEM_NOACCESS((p), (n)))
#define HSRI_VG_QUIET_BEGIN() HSRI_VG_WHEN(VALGRIND_DISABLE_ERROR_REPORTING)
#define HSRI_VG_QUIET_END() HSRI_VG_WHEN(VALGRIND_ENABLE_ERROR_REPORTING)
#else
#define HSRI_VG_MALLOCLIKE(p, n, z) ((void)(p), (void)(n), (void)(z))
#define HSRI_VG_FREELIKE(p) ((void)(p))
#define HSRI_VG_RESIZE(p, o, n) ((void)(p), (void)(o), (void)(n))
#define HSRI_VG_DEFINED(p, n) ((void)(p), (void)(n))
#define HSRI_VG_NOACCESS(p, n) ((void)(p), (void)(n))
#define HSRI_VG_QUIET_BEGIN() ((void)0)
#define HSRI_VG_QUIET_END() ((void)0)
#endif

/* A block of n usable bytes at p is handed out (zeroed: 1 when known zero). */
static inline void hsri_track_malloc(void *p, size_t n, int zeroed) {
    HSRI_ASAN_UNPOISON(p, n);
    HSRI_VG_MALLOCLIKE(p, n, zeroed);
}

/* The block at p (n usable bytes) is given back: any later access is an error. */
static inline void hsri_track_free(void *p, size_t n) {
    HSRI_VG_FREELIKE(p);
    HSRI_ASAN_POISON(p, n);
}

/* The live block at p changes from old_n to new_n usable bytes in place. */
static inline void hsri_track_resize(void *p, size_t old_n, size_t new_n) {
    HSRI_VG_RESIZE(p, old_n, new_n);
    if (new_n > old_n) {
        HSRI_ASAN_UNPOISON((char *)p + old_n, new_n - old_n);
    } else if (old_n > new_n) {
        HSRI_ASAN_POISON((char *)p + new_n, old_n - new_n);
    }
}

/* The allocator itself is about to read/write [p, p+n) of memory that no
 * client owns (free-list links, footers, a new header). */
static HSRI_WALKER_INLINE void hsri_track_open(void *p, size_t n) {
    HSRI_ASAN_UNPOISON(p, n);
    HSRI_VG_DEFINED(p, n);
}

/* [p, p+n) belongs to no client and holds nothing the client may read. */
static HSRI_WALKER_INLINE void hsri_track_close(void *p, size_t n) {
    HSRI_ASAN_POISON(p, n);
    HSRI_VG_NOACCESS(p, n);
}

/* [p, p+n) is about to be unmapped. ASan keeps the shadow of unmapped memory,
 * so whatever maps these addresses next (a mapping of the caller's, another
 * mspace's reservation) would inherit the poison of this mspace's free chunks:
 * clear it first. memcheck forgets unmapped memory by itself. */
static inline void hsri_track_unmap(void *p, size_t n) {
    HSRI_ASAN_UNPOISON(p, n);
}

/* The allocator's own copy [p, p+n) of peeked bytes is to be judged by value
 * (a tag check), whatever memcheck thinks of where the bytes came from. */
static HSRI_WALKER_INLINE void hsri_track_judged(void *p, size_t n) {
    HSRI_VG_DEFINED(p, n);
}

/* Around a peek at an address that may be inaccessible (misuse detection):
 * memcheck stays silent; ASan is kept out by HSRI_NO_ASAN on the reader. */
#define hsri_track_quiet_begin() HSRI_VG_QUIET_BEGIN()
#define hsri_track_quiet_end() HSRI_VG_QUIET_END()

#endif /* HEAPSPEC_REF_MSPACE_TRACK_H */
