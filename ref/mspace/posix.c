/*
 * posix.c — C17/POSIX allocation semantics over one mspace (see posix.h for
 * the rules each function adds to the core).
 */
#include "ref/mspace/posix.h"

#include <errno.h>
#include <stdint.h>

#include "ref/mspace/internal.h"

static void *nomem(void) {
    errno = ENOMEM;
    return NULL;
}

static bool is_pow2(size_t a) {
    size_t x = 1;
    while (x < a && x <= SIZE_MAX / 2) {
        x *= 2;
    }
    return a != 0 && x == a;
}

void *hsri_posix_malloc(hsr_mspace_t *ms, size_t n) {
    void *p = hsr_mspace_malloc(ms, n);
    return p != NULL ? p : nomem();
}

void hsri_posix_free(hsr_mspace_t *ms, void *p) {
    int saved = errno; /* a trim or a hook must not leak into errno */
    hsr_mspace_free(ms, p);
    errno = saved;
}

void *hsri_posix_calloc(hsr_mspace_t *ms, size_t n, size_t m) {
    void *p = hsr_mspace_calloc(ms, n, m);
    return p != NULL ? p : nomem();
}

void *hsri_posix_realloc(hsr_mspace_t *ms, void *p, size_t n) {
    void *q = hsr_mspace_realloc(ms, p, n);
    return q != NULL ? q : nomem();
}

void *hsri_posix_reallocarray(hsr_mspace_t *ms, void *p, size_t n, size_t m) {
    size_t total;
    if (!hsri_mul(n, m, &total)) {
        return nomem();
    }
    return hsri_posix_realloc(ms, p, total);
}

void *hsri_posix_aligned_alloc(hsr_mspace_t *ms, size_t a, size_t n) {
    void *p;
    if (!is_pow2(a)) {
        errno = EINVAL;
        return NULL;
    }
    p = hsr_mspace_memalign(ms, a, n);
    return p != NULL ? p : nomem();
}

int hsri_posix_memalign(hsr_mspace_t *ms, void **out, size_t a, size_t n) {
    int saved = errno;
    void *p;
    if (!is_pow2(a) || a % sizeof(void *) != 0) {
        return EINVAL;
    }
    p = hsr_mspace_memalign(ms, a, n);
    errno = saved;
    if (p == NULL) {
        return ENOMEM;
    }
    *out = p;
    return 0;
}

void *hsri_posix_memalign_legacy(hsr_mspace_t *ms, size_t a, size_t n) {
    void *p = hsr_mspace_memalign(ms, a, n); /* dlmalloc: rounds a up */
    return p != NULL ? p : nomem();
}

void *hsri_posix_valloc(hsr_mspace_t *ms, size_t n) {
    return hsri_posix_memalign_legacy(ms, hsri_glue_page_size(), n);
}

void *hsri_posix_pvalloc(hsr_mspace_t *ms, size_t n) {
    size_t page = hsri_glue_page_size();
    size_t rounded;
    if (n == 0) {
        n = page;
    }
    if (!hsri_round_up(n, page, &rounded)) {
        return nomem();
    }
    return hsri_posix_memalign_legacy(ms, page, rounded);
}

size_t hsri_posix_usable_size(hsr_mspace_t *ms, const void *p) {
    return p == NULL ? 0 : hsr_mspace_usable_size(ms, p);
}

void hsri_fork_prepare(hsr_mspace_t *ms) {
    if (ms != NULL && ms->locked) {
        hsri_glue_mutex_lock(&ms->lock);
    }
}

void hsri_fork_parent(hsr_mspace_t *ms) {
    if (ms != NULL && ms->locked) {
        hsri_glue_mutex_unlock(&ms->lock);
    }
}

void hsri_fork_child(hsr_mspace_t *ms) {
    if (ms != NULL && ms->locked) {
        (void)hsri_glue_mutex_init(&ms->lock);
    }
}
