/*
 * mutant_common.h — what every malloc mutant in this folder shares.
 *
 * A mutant is a deliberately broken malloc replacement, loaded with LD_PRELOAD
 * (conformance/mutants/BUILD builds each as libmutant_<group>.so). It wraps
 * glibc's own allocator through the entry points glibc exports for exactly
 * this purpose (__libc_malloc and friends: they are the real allocator, never
 * the interposed symbols) and plants ONE bug. mutants_test.sh then shows that
 * `heapspec check` names the clause the bug breaks, and that plain glibc
 * passes that clause: the mutant, not the clause, made the difference.
 *
 * Two helpers live here:
 *
 *  - the glibc entry points, declared by hand (no public header has them);
 *  - "wrapped blocks": a mutant that must hand out a pointer that is not the
 *    start of a glibc chunk (an offset, or a header carrying the requested
 *    size) puts a 16-byte tag right before the pointer it returns:
 *
 *        base (from __libc_malloc)          p (returned to the caller)
 *        |                                  |
 *        v                                  v
 *        +------------ ... --+------+-------+------------------------+
 *        | slack (off - 16)  | tag  | size  | caller's bytes ...     |
 *        +------------ ... --+------+-------+------------------------+
 *                             8 B    8 B
 *
 *    tag = MUT_TAG + off, where off = p - base (16 or more); size = the
 *    requested size. free/realloc/usable_size recognise a wrapped block by
 *    its tag and undo the offset; every other pointer goes to glibc as is.
 *    glibc puts its own 16-byte chunk header before each chunk, so reading
 *    p - 16 is always in bounds for a glibc pointer, and a random header
 *    matching the 64-bit tag is not a practical concern.
 *
 * Everything is static inline: each mutant is one self-contained .so.
 */
#ifndef HEAPSPEC_MUTANT_COMMON_H
#define HEAPSPEC_MUTANT_COMMON_H

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* glibc's real allocator (exported by libc.so.6 with default visibility). */
extern void *__libc_malloc(size_t n);
extern void __libc_free(void *p);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t a, size_t n);

/* Exported entry points of a mutant: the library is built hidden by default. */
#define MUT_EXPORT __attribute__((visibility("default")))

#define MUT_TAG 0x6d7574616e740000ull /* "mutant\0\0": low bits carry the offset */

struct mut_wrap {
    uint64_t tag;  /* MUT_TAG + offset of the caller's pointer from the glibc base */
    uint64_t size; /* the size the caller asked for */
};

/* The tag of p, or NULL when p is not a wrapped block. Caller guarantees p is
 * NULL or a pointer this process's allocator handed out. */
static inline struct mut_wrap *mut_wrap_of(const void *p)
{
    if (p == NULL)
        return NULL;
    struct mut_wrap *w = (struct mut_wrap *)((uintptr_t)p - sizeof(struct mut_wrap));
    uint64_t off = w->tag - MUT_TAG;
    if (w->tag < MUT_TAG || off < sizeof(struct mut_wrap) || off > 255u)
        return NULL;
    return w;
}

/* The glibc chunk a wrapped block lives in. */
static inline void *mut_wrap_base(const void *p, const struct mut_wrap *w)
{
    return (void *)((uintptr_t)p - (uintptr_t)(w->tag - MUT_TAG));
}

/* Allocates n bytes at offset off (>= 16, a multiple of 8, <= 255) into a fresh
 * glibc chunk and tags them. NULL + ENOMEM when glibc fails or n + off
 * overflows. */
static inline void *mut_wrap_alloc(size_t n, size_t off)
{
    if (n > SIZE_MAX - off) {
        errno = ENOMEM;
        return NULL;
    }
    char *base = __libc_malloc(n + off);
    if (base == NULL)
        return NULL;
    char *p = base + off;
    struct mut_wrap *w = (struct mut_wrap *)(void *)(p - sizeof(struct mut_wrap));
    w->tag = MUT_TAG + off;
    w->size = n;
    return p;
}

/* Frees a wrapped block; the tag is cleared so a stale pointer is not taken for one. */
static inline void mut_wrap_free(void *p, struct mut_wrap *w)
{
    void *base = mut_wrap_base(p, w);
    w->tag = 0;
    __libc_free(base);
}

/* glibc's malloc_usable_size, found past the mutant's own (RTLD_NEXT). */
static inline size_t mut_glibc_usable(void *p)
{
    static size_t (*real)(void *);
    if (real == NULL)
        *(void **)&real = dlsym(RTLD_NEXT, "malloc_usable_size");
    return real != NULL && p != NULL ? real(p) : 0;
}

/* free for a mutant that wraps some blocks: unwrap, or hand to glibc. */
static inline void mut_free_any(void *p)
{
    struct mut_wrap *w = mut_wrap_of(p);
    if (w != NULL)
        mut_wrap_free(p, w);
    else
        __libc_free(p);
}

/* realloc for a mutant that wraps some blocks. A wrapped block moves to a
 * block from alloc (the mutant's own malloc) with min(old, n) bytes copied;
 * n == 0 frees it and returns NULL, as glibc's realloc does. Other blocks go
 * to glibc's realloc. */
static inline void *mut_realloc_any(void *p, size_t n, void *(*alloc)(size_t))
{
    if (p == NULL)
        return alloc(n);
    struct mut_wrap *w = mut_wrap_of(p);
    if (w == NULL)
        return __libc_realloc(p, n);
    if (n == 0) {
        mut_wrap_free(p, w);
        return NULL;
    }
    void *q = alloc(n);
    if (q == NULL)
        return NULL; /* p stays live and unchanged */
    memcpy(q, p, w->size < n ? w->size : n);
    mut_wrap_free(p, w);
    return q;
}

/* reallocarray on top of a realloc: n*m overflow fails with ENOMEM. */
static inline void *mut_reallocarray_via(void *p, size_t n, size_t m, void *(*re)(void *, size_t))
{
    size_t total;
    if (__builtin_mul_overflow(n, m, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return re(p, total);
}

#endif /* HEAPSPEC_MUTANT_COMMON_H */
