/*
 * glue.c — platform calls of the reference heap (see glue.h for the model).
 *
 * Linux/POSIX implementation: mmap(PROT_NONE, MAP_NORESERVE) reserves,
 * mprotect commits, madvise(MADV_DONTNEED) + mprotect(PROT_NONE) decommits,
 * munmap releases. errno is read right after a failing call and turned into
 * a negative return value; callers that must preserve errno save it.
 */
#define _GNU_SOURCE
#include "ref/glue/glue.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ref/glue/attrs.h"

size_t hsri_glue_page_size(void) {
    static size_t cached;
    size_t sz = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (sz == 0) {
        long v = sysconf(_SC_PAGESIZE);
        sz = v > 0 ? (size_t)v : 4096u;
        __atomic_store_n(&cached, sz, __ATOMIC_RELAXED);
    }
    return sz;
}

void *hsri_glue_reserve(size_t n) {
    void *p = mmap(NULL, n, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int hsri_glue_commit(void *p, size_t n) {
    if (mprotect(p, n, PROT_READ | PROT_WRITE) != 0) {
        return -errno;
    }
    return 0;
}

int hsri_glue_decommit(void *p, size_t n) {
    /* DONTNEED first: the pages are dropped (and read back as zero if ever
     * committed again); then the range becomes inaccessible. */
    if (madvise(p, n, MADV_DONTNEED) != 0) {
        return -errno;
    }
    if (mprotect(p, n, PROT_NONE) != 0) {
        return -errno;
    }
    return 0;
}

HSRI_NO_COVERAGE int hsri_glue_decommit_keep(void *p, size_t n) {
    /* One mincore() byte per page of the kept part; pages are 4 KiB or
     * larger on every Linux target. */
    unsigned char resident[HSRI_GLUE_KEEP_MAX / 4096];
    size_t page = hsri_glue_page_size();
    size_t keep = n < HSRI_GLUE_KEEP_MAX ? n : HSRI_GLUE_KEEP_MAX;
    size_t npages = keep / page;
    size_t i = 0;
    char *b = p;
    if (keep == 0 || mincore(p, keep, resident) != 0) {
        return hsri_glue_decommit(p, n);
    }
    while (i < npages) {
        size_t j = i;
        if (resident[i] & 1u) {
            /* touched: zero it where it is */
            memset(b + i * page, 0, page);
            i++;
            continue;
        }
        /* a run of pages not resident: never touched, or swapped out (not
         * zero then), so dropped as decommit drops them */
        while (j < npages && !(resident[j] & 1u)) {
            j++;
        }
        if (madvise(b + i * page, (j - i) * page, MADV_DONTNEED) != 0) {
            return -errno;
        }
        i = j;
    }
    if (mprotect(p, keep, PROT_NONE) != 0) {
        return -errno;
    }
    return keep < n ? hsri_glue_decommit(b + keep, n - keep) : 0;
}

int hsri_glue_release(void *p, size_t n) {
    if (munmap(p, n) != 0) {
        return -errno;
    }
    return 0;
}

int hsri_glue_mutex_init(hsri_glue_mutex_t *mu) {
    int rc = pthread_mutex_init(&mu->m, NULL);
    return rc == 0 ? 0 : -rc;
}

void hsri_glue_mutex_lock(hsri_glue_mutex_t *mu) {
    (void)pthread_mutex_lock(&mu->m);
}

void hsri_glue_mutex_unlock(hsri_glue_mutex_t *mu) {
    (void)pthread_mutex_unlock(&mu->m);
}

void hsri_glue_mutex_destroy(hsri_glue_mutex_t *mu) {
    (void)pthread_mutex_destroy(&mu->m);
}

int hsri_glue_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void)) {
    int rc = pthread_atfork(prepare, parent, child);
    return rc == 0 ? 0 : -rc;
}

int hsri_glue_key_create(hsri_glue_key_t *key, void (*destructor)(void *)) {
    int rc = pthread_key_create(key, destructor);
    return rc == 0 ? 0 : -rc;
}

int hsri_glue_key_set(hsri_glue_key_t key, const void *value) {
    int rc = pthread_setspecific(key, value);
    return rc == 0 ? 0 : -rc;
}

void hsri_glue_write_stderr(const char *line) {
    size_t n = strlen(line);
    while (n > 0) {
        ssize_t w = write(2, line, n);
        if (w <= 0) {
            return; /* nothing sensible left to do on the error path */
        }
        line += w;
        n -= (size_t)w;
    }
}

_Noreturn void hsri_glue_abort(void) {
    abort();
}

/* ======================================================================
 * BEGIN region section (ref/region)
 * ==================================================================== */

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

_Static_assert(HSRI_GLUE_PROT_READ == PROT_READ, "PROT_READ value");
_Static_assert(HSRI_GLUE_PROT_WRITE == PROT_WRITE, "PROT_WRITE value");
_Static_assert(HSRI_GLUE_PROT_EXEC == PROT_EXEC, "PROT_EXEC value");
_Static_assert(HSRI_GLUE_SEAL_SEAL == F_SEAL_SEAL, "F_SEAL_SEAL value");
_Static_assert(HSRI_GLUE_SEAL_SHRINK == F_SEAL_SHRINK, "F_SEAL_SHRINK value");
_Static_assert(HSRI_GLUE_SEAL_GROW == F_SEAL_GROW, "F_SEAL_GROW value");
_Static_assert(HSRI_GLUE_SEAL_WRITE == F_SEAL_WRITE, "F_SEAL_WRITE value");
#ifdef F_SEAL_FUTURE_WRITE
_Static_assert(HSRI_GLUE_SEAL_FUTURE_WRITE == F_SEAL_FUTURE_WRITE, "F_SEAL_FUTURE_WRITE value");
#endif

/* errno as a negative status; never 0, even if a call failed without one. */
static int region_neg_errno(void) { return errno > 0 ? -errno : -EIO; }

int hsri_glue_memfd_create(const char *name, int *fd) {
    int r = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (r < 0)
        return region_neg_errno();
    *fd = r;
    return 0;
}

int hsri_glue_ftruncate(int fd, uint64_t size) {
    if (size > (uint64_t)INT64_MAX)
        return -EFBIG;
    return ftruncate(fd, (off_t)size) == 0 ? 0 : region_neg_errno();
}

int hsri_glue_fd_size(int fd, uint64_t *size) {
    struct stat st;
    if (fstat(fd, &st) != 0)
        return region_neg_errno();
    *size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
    return 0;
}

int hsri_glue_add_seals(int fd, uint32_t seals) {
    if (seals > (uint32_t)INT_MAX)
        return -EINVAL;
    return fcntl(fd, F_ADD_SEALS, (int)seals) == 0 ? 0 : region_neg_errno();
}

int hsri_glue_get_seals(int fd) {
    int r = fcntl(fd, F_GET_SEALS);
    return r >= 0 ? r : region_neg_errno();
}

int hsri_glue_mmap_fd(uint64_t len, uint32_t prot, int shared, int fd, uint64_t offset,
                      void **out) {
    if (len > (uint64_t)SIZE_MAX || offset > (uint64_t)INT64_MAX || prot > 7u)
        return -EINVAL;
    void *p = mmap(NULL, (size_t)len, (int)prot, shared ? MAP_SHARED : MAP_PRIVATE, fd,
                   (off_t)offset);
    if (p == MAP_FAILED)
        return region_neg_errno();
    *out = p;
    return 0;
}

int hsri_glue_munmap(void *addr, uint64_t len) {
    if (len > (uint64_t)SIZE_MAX)
        return -EINVAL;
    return munmap(addr, (size_t)len) == 0 ? 0 : region_neg_errno();
}

int hsri_glue_punch_hole(int fd, uint64_t offset, uint64_t len) {
    if (offset > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - offset)
        return -EINVAL;
    int r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)offset,
                      (off_t)len);
    return r == 0 ? 0 : region_neg_errno();
}

int hsri_glue_close(int fd) { return close(fd) == 0 ? 0 : region_neg_errno(); }

/* ======================================================================
 * END region section
 * ==================================================================== */

/* ======================================================================
 * BEGIN space section (ref/space, ref/gc)
 * ==================================================================== */

#include <time.h>

int hsri_glue_open_read(const char *path, int *fd) {
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0)
        return errno != 0 ? -errno : -EIO;
    *fd = f;
    return 0;
}

uint64_t hsri_glue_now_ns(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ======================================================================
 * END space section
 * ==================================================================== */
