/*
 * threads_mutant.c — breaks MALLOC-THREAD-1 (group THREADS).
 *
 * The bug: requests of at most 48 bytes come from the mutant's own pool of
 * 64-byte blocks whose free list has no lock. Popping reads the head, yields
 * the CPU (to widen the race window), then writes head->next back: two
 * threads can pop the same block (overlap), or one can follow a next pointer
 * that another thread's data has already overwritten (a wild pointer).
 * Single-threaded, the pool is correct; larger requests are glibc's.
 *
 *   pool (static, POOL_BYTES):  [blk 0][blk 1][blk 2] ... bump ->  (never returned)
 *   free list:   head -> blk -> blk -> NULL   (next pointer in a free block's first word)
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <malloc.h>

#include "mutant_common.h"

#define BLOCK 64u                      /* pool block size */
#define SMALL_MAX 48u                  /* requests up to this come from the pool */
#define POOL_BYTES (64u * 1024u * 1024u)

struct node {
    struct node *next; /* next free block */
};

static _Alignas(64) char pool[POOL_BYTES];
static atomic_size_t bump;   /* bytes of pool ever handed out (correctly atomic) */
static struct node *head;    /* BUG: shared, unlocked free-list head */

static bool in_pool(const void *p)
{
    return (uintptr_t)p >= (uintptr_t)pool && (uintptr_t)p < (uintptr_t)pool + POOL_BYTES;
}

static void *pool_alloc(void)
{
    struct node *n = head;        /* read ... */
    if (n != NULL) {
        sched_yield();            /* ... let another thread read the same head ... */
        head = n->next;           /* ... and write: BUG, not atomic */
        return n;
    }
    size_t off = atomic_fetch_add(&bump, BLOCK);
    if (off + BLOCK > POOL_BYTES)
        return NULL;
    return pool + off;
}

static void pool_free(void *p)
{
    struct node *n = p;
    n->next = head; /* BUG: unlocked push */
    head = n;
}

MUT_EXPORT void *malloc(size_t n)
{
    if (n <= SMALL_MAX) {
        void *p = pool_alloc();
        if (p != NULL)
            return p;
    }
    return __libc_malloc(n);
}

MUT_EXPORT void free(void *p)
{
    if (in_pool(p))
        pool_free(p);
    else
        __libc_free(p);
}

MUT_EXPORT void *calloc(size_t n, size_t m)
{
    size_t total;
    if (__builtin_mul_overflow(n, m, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    if (total <= SMALL_MAX) {
        void *p = pool_alloc();
        if (p != NULL) {
            memset(p, 0, total);
            return p;
        }
    }
    return __libc_calloc(n, m);
}

MUT_EXPORT void *realloc(void *p, size_t n)
{
    if (p == NULL)
        return malloc(n);
    if (!in_pool(p))
        return __libc_realloc(p, n);
    if (n == 0) {
        pool_free(p);
        return NULL; /* as glibc's realloc(p, 0) */
    }
    if (n <= BLOCK)
        return p;
    void *q = __libc_malloc(n);
    if (q == NULL)
        return NULL;
    memcpy(q, p, SMALL_MAX); /* the request was at most SMALL_MAX bytes */
    pool_free(p);
    return q;
}

MUT_EXPORT void *reallocarray(void *p, size_t n, size_t m)
{
    return mut_reallocarray_via(p, n, m, realloc);
}

MUT_EXPORT size_t malloc_usable_size(void *p)
{
    return in_pool(p) ? BLOCK : mut_glibc_usable(p);
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_MALLOC
#define MUT_HAS_FREE
#define MUT_HAS_CALLOC
#define MUT_HAS_REALLOC
#define MUT_HAS_REALLOCARRAY
#define MUT_HAS_MALLOC_USABLE_SIZE
#include "mutant_passthrough.h"
