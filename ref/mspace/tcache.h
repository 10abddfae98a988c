/*
 * tcache.h — per-thread caches of small free blocks in front of the
 * process malloc's one mspace (glibc's tcache is the model). The manual is
 * the header comment of ref/mspace/tcache.c.
 */
#ifndef HEAPSPEC_REF_MSPACE_TCACHE_H
#define HEAPSPEC_REF_MSPACE_TCACHE_H

#include <stddef.h>

#include "heapspec/mspace.h"

/* Turn the caches on for ms (the process heap; one mspace per process, a
 * locked one). Call once, before the process starts a second thread (a
 * constructor). Returns 0, or -errno when no thread key is left (the
 * caches then stay off and every call goes to the mspace). */
int hsri_tcache_init(hsr_mspace_t *ms);

/* malloc(n) with C17 semantics (NULL + ENOMEM on failure): from the calling
 * thread's cache when n is small and the cache holds a block of its class,
 * else from ms. ms is the mspace given to hsri_tcache_init (or any mspace
 * when the caches are off). */
void *hsri_tcache_malloc(hsr_mspace_t *ms, size_t n);

/* free(p), p != NULL, errno untouched: a live small block of ms goes to the
 * calling thread's cache; anything else (large, foreign, misuse) to
 * hsri_posix_free, which reports misuse. */
void hsri_tcache_free(hsr_mspace_t *ms, void *p);

/* Fork: the forking thread's cache is its own and stays valid in the child;
 * the caches of the other threads are lost with them (a bounded leak: at
 * most HSRI_TCACHE_COUNT blocks per class per thread). The atfork handlers
 * of posix.h lock the mspace itself. */

#endif /* HEAPSPEC_REF_MSPACE_TCACHE_H */
