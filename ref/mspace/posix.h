/*
 * posix.h — the C17/POSIX-shaped allocation functions over one mspace,
 * shared by the process malloc replacement (malloc_replacement.c) and the
 * malloc-family subject (mspace_subject.c). They add to the mspace core
 * exactly what the standards ask of the named functions:
 *
 *   malloc/calloc/realloc/reallocarray/memalign/valloc/pvalloc/aligned_alloc
 *       NULL + errno ENOMEM on failure (n > PTRDIFF_MAX, n*m overflow, OOM);
 *   aligned_alloc   alignment 0 or not a power of two: NULL + EINVAL; a size
 *                   that is not a multiple of the alignment is accepted (C17 DR 460);
 *   posix_memalign  alignment not a power-of-two multiple of sizeof(void *):
 *                   EINVAL; failure returns the error and leaves *out and errno
 *                   untouched;
 *   free            never changes errno;
 *   malloc(0)       a unique minimum block (implementation-defined choice);
 *   realloc(p, 0)   p shrunk to a minimum block and returned — never
 *                   "free and return NULL" (implementation-defined in C17,
 *                   undefined in C23; this choice is valid under both and
 *                   under POSIX.1-2024);
 *   pvalloc(0)      one page.
 */
#ifndef HEAPSPEC_REF_MSPACE_POSIX_H
#define HEAPSPEC_REF_MSPACE_POSIX_H

#include <stddef.h>

#include "heapspec/mspace.h"

void *hsri_posix_malloc(hsr_mspace_t *ms, size_t n);
void hsri_posix_free(hsr_mspace_t *ms, void *p);
void *hsri_posix_calloc(hsr_mspace_t *ms, size_t n, size_t m);
void *hsri_posix_realloc(hsr_mspace_t *ms, void *p, size_t n);
void *hsri_posix_reallocarray(hsr_mspace_t *ms, void *p, size_t n, size_t m);
void *hsri_posix_aligned_alloc(hsr_mspace_t *ms, size_t a, size_t n);
int hsri_posix_memalign(hsr_mspace_t *ms, void **out, size_t a, size_t n);
void *hsri_posix_memalign_legacy(hsr_mspace_t *ms, size_t a, size_t n);
void *hsri_posix_valloc(hsr_mspace_t *ms, size_t n);
void *hsri_posix_pvalloc(hsr_mspace_t *ms, size_t n);
size_t hsri_posix_usable_size(hsr_mspace_t *ms, const void *p);

/* Fork support for a locked mspace: prepare takes its lock, parent
 * releases it, child re-creates it (the child has one thread). */
void hsri_fork_prepare(hsr_mspace_t *ms);
void hsri_fork_parent(hsr_mspace_t *ms);
void hsri_fork_child(hsr_mspace_t *ms);

#endif /* HEAPSPEC_REF_MSPACE_POSIX_H */
