/*
 * fork_mutant.c — breaks MALLOC-FORK-1 (group FORK).
 *
 * The bug: malloc runs under a global mutex (sleeping 50 us inside it, as a
 * slow allocator would) and registers no pthread_atfork handler. A fork
 * while another thread holds the mutex copies it locked into the child,
 * where no thread will ever unlock it: the child's first malloc deadlocks.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "mutant_common.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* BUG: no atfork handler */

MUT_EXPORT void *malloc(size_t n)
{
    pthread_mutex_lock(&lock);
    usleep(50);
    void *p = __libc_malloc(n);
    int e = errno;
    pthread_mutex_unlock(&lock);
    errno = e;
    return p;
}

/* Everything this mutant does not break is glibc's (mutant_passthrough.h). */
#define MUT_HAS_MALLOC
#include "mutant_passthrough.h"
