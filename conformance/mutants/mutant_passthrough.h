/*
 * mutant_passthrough.h — the rest of a complete malloc replacement.
 *
 * heapspec treats the object that defines malloc as "the allocator": an
 * extension (malloc_usable_size, posix_memalign, ...) counts only when that
 * same object defines it, and MALLOC-INTERPOSE-2 wants malloc, free, calloc
 * and realloc from one object. So every preload mutant exports the whole
 * family. A mutant defines the functions that carry its bug, says so with
 * MUT_HAS_<NAME>, and includes this file last: it forwards everything else
 * to glibc unchanged.
 */
#ifndef HEAPSPEC_MUTANT_PASSTHROUGH_H
#define HEAPSPEC_MUTANT_PASSTHROUGH_H

#include <malloc.h>
#include <stdlib.h>

#include "mutant_common.h"

extern void *__libc_valloc(size_t n);
extern void *__libc_pvalloc(size_t n);

/* glibc's definition of sym, past this object. */
static inline void *mut_next(const char *sym)
{
    return dlsym(RTLD_NEXT, sym);
}

#ifndef MUT_HAS_MALLOC
MUT_EXPORT void *malloc(size_t n)
{
    return __libc_malloc(n);
}
#endif

#ifndef MUT_HAS_FREE
MUT_EXPORT void free(void *p)
{
    __libc_free(p);
}
#endif

#ifndef MUT_HAS_CALLOC
MUT_EXPORT void *calloc(size_t n, size_t m)
{
    return __libc_calloc(n, m);
}
#endif

#ifndef MUT_HAS_REALLOC
MUT_EXPORT void *realloc(void *p, size_t n)
{
    return __libc_realloc(p, n);
}
#endif

#ifndef MUT_HAS_REALLOCARRAY
/* Through this object's realloc, so that a mutant's realloc bug shows here too. */
MUT_EXPORT void *reallocarray(void *p, size_t n, size_t m)
{
    return mut_reallocarray_via(p, n, m, realloc);
}
#endif

#ifndef MUT_HAS_MEMALIGN
MUT_EXPORT void *memalign(size_t a, size_t n)
{
    return __libc_memalign(a, n);
}
#endif

#ifndef MUT_HAS_ALIGNED_ALLOC
MUT_EXPORT void *aligned_alloc(size_t a, size_t n)
{
    void *(*real)(size_t, size_t);
    *(void **)&real = mut_next("aligned_alloc");
    if (real == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    return real(a, n);
}
#endif

#ifndef MUT_HAS_POSIX_MEMALIGN
MUT_EXPORT int posix_memalign(void **out, size_t a, size_t n)
{
    int (*real)(void **, size_t, size_t);
    *(void **)&real = mut_next("posix_memalign");
    return real != NULL ? real(out, a, n) : ENOMEM;
}
#endif

#ifndef MUT_HAS_VALLOC
MUT_EXPORT void *valloc(size_t n)
{
    return __libc_valloc(n);
}
#endif

#ifndef MUT_HAS_PVALLOC
MUT_EXPORT void *pvalloc(size_t n)
{
    return __libc_pvalloc(n);
}
#endif

#ifndef MUT_HAS_MALLOC_USABLE_SIZE
MUT_EXPORT size_t malloc_usable_size(void *p)
{
    return mut_glibc_usable(p);
}
#endif

#endif /* HEAPSPEC_MUTANT_PASSTHROUGH_H */
