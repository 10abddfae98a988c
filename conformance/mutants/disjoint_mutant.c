/*
 * disjoint_mutant.c — breaks MALLOC-DISJOINT-1 (group DISJOINT).
 *
 * The bug: every 50th malloc of 1..64 bytes returns a pointer 16 bytes into
 * the most recent live small block (one of more than 16 bytes), so the two
 * blocks overlap over their requested sizes.
 *
 * To keep the bug to overlap alone, every small block is allocated 64 bytes
 * larger than asked: a fake block inside it then never reaches glibc's chunk
 * headers, and alignment (16) stays right. Fake pointers are remembered in a
 * table: free forgets them, realloc moves them into a real block, and
 * malloc_usable_size answers their requested size.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <malloc.h>

#include "mutant_common.h"

#define EVERY 50       /* the Nth small malloc is faked */
#define SMALL_MAX 64   /* "small": 1..SMALL_MAX bytes */
#define MAX_FAKES 4096 /* live fakes remembered; when full, no more fakes */

struct fake {
    char *p;   /* the fake pointer (NULL: slot free) */
    size_t n;  /* its requested size */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct fake fakes[MAX_FAKES];
static unsigned long nsmall;  /* small mallocs so far */
static char *last;            /* most recent live small block of more than 16 bytes */

/* Index of the live fake p (p == NULL: of a free slot), or -1. Caller holds lock. */
static int fake_find_locked(const void *p)
{
    for (int i = 0; i < MAX_FAKES; i++)
        if (fakes[i].p == p)
            return i;
    return -1;
}

MUT_EXPORT void *malloc(size_t n)
{
    if (n == 0 || n > SMALL_MAX)
        return __libc_malloc(n);
    pthread_mutex_lock(&lock);
    if (++nsmall % EVERY == 0 && last != NULL) {
        int slot = fake_find_locked(NULL);
        if (slot >= 0) {
            fakes[slot].p = last + 16; /* BUG: inside a live block */
            fakes[slot].n = n;
            pthread_mutex_unlock(&lock);
            return last + 16;
        }
    }
    char *p = __libc_malloc(n + SMALL_MAX);
    if (p != NULL && n > 16)
        last = p;
    pthread_mutex_unlock(&lock);
    return p;
}

/* Forgets p if it is a fake (true) or if it is `last`. */
static bool forget(void *p, size_t *fake_n)
{
    bool was_fake = false;
    pthread_mutex_lock(&lock);
    int i = fake_find_locked(p);
    if (i >= 0) {
        *fake_n = fakes[i].n;
        fakes[i].p = NULL;
        was_fake = true;
    }
    if (p == last)
        last = NULL;
    pthread_mutex_unlock(&lock);
    return was_fake;
}

MUT_EXPORT void free(void *p)
{
    size_t n;
    if (p != NULL && !forget(p, &n))
        __libc_free(p);
}

MUT_EXPORT void *realloc(void *p, size_t n)
{
    size_t old;
    if (p == NULL)
        return malloc(n);
    pthread_mutex_lock(&lock);
    int i = fake_find_locked(p);
    pthread_mutex_unlock(&lock);
    if (i < 0) {
        forget(p, &old);
        return __libc_realloc(p, n);
    }
    void *q = __libc_malloc(n > 0 ? n : 1);
    if (q == NULL)
        return NULL; /* p stays live */
    forget(p, &old);
    memcpy(q, p, old < n ? old : n);
    return q;
}

MUT_EXPORT void *reallocarray(void *p, size_t n, size_t m)
{
    return mut_reallocarray_via(p, n, m, realloc);
}

MUT_EXPORT size_t malloc_usable_size(void *p)
{
    if (p == NULL)
        return 0;
    pthread_mutex_lock(&lock);
    int i = fake_find_locked(p);
    size_t n = i >= 0 ? fakes[i].n : 0;
    pthread_mutex_unlock(&lock);
    return i >= 0 ? n : mut_glibc_usable(p);
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_MALLOC
#define MUT_HAS_FREE
#define MUT_HAS_REALLOC
#define MUT_HAS_REALLOCARRAY
#define MUT_HAS_MALLOC_USABLE_SIZE
#include "mutant_passthrough.h"
