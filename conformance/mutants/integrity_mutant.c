/*
 * integrity_mutant.c — breaks MALLOC-INTEGRITY-1 (group INTEGRITY).
 *
 * The bug: every 100th free also flips the first byte of the live block just
 * below the freed one in address order (among the last RECENT blocks that
 * malloc, calloc and realloc handed out), as an allocator that miscomputes a
 * neighbour's boundary tag would. Nothing else changes.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "mutant_common.h"

#define EVERY 100    /* the Nth free corrupts */
#define RECENT 1024  /* live blocks remembered (a ring; the oldest are forgotten) */

struct live {
    char *p;   /* block (NULL: slot free) */
    size_t n;  /* requested size */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct live recent[RECENT];
static unsigned next;         /* ring position of the next insertion */
static unsigned long nfrees;  /* non-NULL frees so far */

static void *remember(void *p, size_t n)
{
    if (p == NULL || n == 0)
        return p;
    pthread_mutex_lock(&lock);
    recent[next].p = p;
    recent[next].n = n;
    next = (next + 1u) % RECENT;
    pthread_mutex_unlock(&lock);
    return p;
}

/* Forgets p; on every EVERY-th call also damages p's lower neighbour. */
static void forget(void *p, int count)
{
    pthread_mutex_lock(&lock);
    char *below = NULL;
    for (unsigned i = 0; i < RECENT; i++) {
        char *q = recent[i].p;
        if (q == p)
            recent[i].p = NULL;
        else if (q != NULL && (uintptr_t)q < (uintptr_t)p && (below == NULL || q > below))
            below = q;
    }
    if (count && ++nfrees % EVERY == 0 && below != NULL)
        below[0] = (char)~below[0]; /* BUG: writes into another live block */
    pthread_mutex_unlock(&lock);
}

MUT_EXPORT void *malloc(size_t n)
{
    return remember(__libc_malloc(n), n);
}

MUT_EXPORT void *calloc(size_t n, size_t m)
{
    void *p = __libc_calloc(n, m);
    return p != NULL ? remember(p, n * m) : NULL;
}

MUT_EXPORT void free(void *p)
{
    if (p == NULL)
        return;
    forget(p, 1);
    __libc_free(p);
}

MUT_EXPORT void *realloc(void *p, size_t n)
{
    void *q = __libc_realloc(p, n);
    if (p != NULL && (q != NULL || n == 0))
        forget(p, 0);
    return remember(q, n);
}

MUT_EXPORT void *reallocarray(void *p, size_t n, size_t m)
{
    return mut_reallocarray_via(p, n, m, realloc);
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_MALLOC
#define MUT_HAS_FREE
#define MUT_HAS_CALLOC
#define MUT_HAS_REALLOC
#define MUT_HAS_REALLOCARRAY
#include "mutant_passthrough.h"
