/*
 * glue.h — the reference heap's only door to the platform.
 *
 * Every system call the reference components make (mmap and friends, the
 * mutex, fork handlers, the last-resort error line) goes through the
 * functions below, so that porting or fault-injecting the heap means editing
 * one file (musl's glue.h, mimalloc's prim/ are the models).
 *
 * Names are internal (hsri_glue_*): they are not part of any public header
 * and are hidden in every shared object the reference ships.
 *
 * Memory model used by the mspace:
 *
 *     reserve(n)                commit(p, n)            decommit(p, n)
 *   [ PROT_NONE ........ ]  ->  [ RW | PROT_NONE ... ] -> [ PROT_NONE ..... ]
 *
 * A reservation costs address space only; commit makes pages readable and
 * writable; decommit gives the pages back to the system but keeps the
 * addresses reserved; release unmaps the whole reservation.
 *
 * Failure policy: these functions return an error value (NULL or -errno);
 * none of them prints, exits or aborts — except hsri_glue_abort, whose whole
 * purpose is to abort.
 */
#ifndef HEAPSPEC_REF_GLUE_GLUE_H
#define HEAPSPEC_REF_GLUE_GLUE_H

#include <pthread.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The system page size (a power of two), read once; 4096 if unknown. */
size_t hsri_glue_page_size(void);

/* Reserve n bytes of address space (n a multiple of the page size, n > 0),
 * inaccessible. Returns the start, or NULL when the system refuses. */
void *hsri_glue_reserve(size_t n);

/* Make [p, p+n) of a reservation readable and writable (p and n page
 * multiples). 0 on success, -errno on failure (nothing changed). */
int hsri_glue_commit(void *p, size_t n);

/* Give [p, p+n) back to the system and make it inaccessible again, keeping
 * the addresses reserved (p and n page multiples). 0 or -errno. */
int hsri_glue_decommit(void *p, size_t n);

/* As decommit, for memory to be committed again soon: [p, p+n) becomes
 * inaccessible and reads as zero when committed again, but the pages the
 * process has touched stay resident, zeroed here, so that committing them
 * again costs no page faults. Only the first HSRI_GLUE_KEEP_MAX bytes are
 * kept; the rest is decommitted. The caller makes the range writable to its
 * own tools first (the pages are written). 0 or -errno. */
#define HSRI_GLUE_KEEP_MAX ((size_t)1 << 20)
int hsri_glue_decommit_keep(void *p, size_t n);

/* Unmap a whole reservation [p, p+n). 0 or -errno. */
int hsri_glue_release(void *p, size_t n);

/* A non-recursive mutex. init returns 0 or -errno. */
typedef struct hsri_glue_mutex_s {
    pthread_mutex_t m; /* the platform mutex */
} hsri_glue_mutex_t;

/* Static initializer of a hsri_glue_mutex_t. */
#define HSRI_GLUE_MUTEX_INIT {PTHREAD_MUTEX_INITIALIZER}

int hsri_glue_mutex_init(hsri_glue_mutex_t *mu);
void hsri_glue_mutex_lock(hsri_glue_mutex_t *mu);
void hsri_glue_mutex_unlock(hsri_glue_mutex_t *mu);
void hsri_glue_mutex_destroy(hsri_glue_mutex_t *mu);

/* Register fork handlers (pthread_atfork). 0 or -errno. */
int hsri_glue_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void));

/* True while the process has only ever had one thread (glibc's
 * __libc_single_threaded, glibc >= 2.32; without it: always false). The
 * value changes from true to false only inside pthread_create, i.e. never
 * while the calling thread is inside another function; fork's child starts
 * single-threaded again. Inline: it is read on every lock decision. */
#if defined(__has_include)
#if __has_include(<sys/single_threaded.h>)
#include <sys/single_threaded.h>
#define HSRI_GLUE_HAVE_SINGLE_THREADED 1
#endif
#endif
static inline int hsri_glue_single_threaded(void) {
#ifdef HSRI_GLUE_HAVE_SINGLE_THREADED
    return __libc_single_threaded != 0;
#else
    return 0;
#endif
}

/* Thread-specific keys (pthread_key_create / pthread_setspecific): the
 * destructor runs at the exit of each thread that set a non-NULL value.
 * Both return 0 or -errno; neither allocates for the first 32 keys. */
typedef pthread_key_t hsri_glue_key_t;
int hsri_glue_key_create(hsri_glue_key_t *key, void (*destructor)(void *));
int hsri_glue_key_set(hsri_glue_key_t key, const void *value);

/* Write the NUL-terminated line to standard error with one write(2), no
 * stdio, no allocation (safe inside a malloc replacement). */
void hsri_glue_write_stderr(const char *line);

/* Abort the process (SIGABRT). */
_Noreturn void hsri_glue_abort(void);

/* ======================================================================
 * BEGIN region section (ref/region): memfd, seals, fd mappings.
 * Same conventions: 0 (or a non-negative answer) or -errno; no printing.
 * ==================================================================== */

#include <stdint.h>

/* Protection bits as the region API and the heapspec ABI spell them (the
 * values of Linux's PROT_*; glue.c checks that at compile time). */
#define HSRI_GLUE_PROT_READ 0x1u
#define HSRI_GLUE_PROT_WRITE 0x2u
#define HSRI_GLUE_PROT_EXEC 0x4u

/* Seal bits (the values of Linux's F_SEAL_*). */
#define HSRI_GLUE_SEAL_SEAL 0x1u
#define HSRI_GLUE_SEAL_SHRINK 0x2u
#define HSRI_GLUE_SEAL_GROW 0x4u
#define HSRI_GLUE_SEAL_WRITE 0x8u
#define HSRI_GLUE_SEAL_FUTURE_WRITE 0x10u

/* memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING); name at most 249
 * bytes (Linux's limit). Stores the descriptor in *fd; 0 or -errno. */
int hsri_glue_memfd_create(const char *name, int *fd);

/* ftruncate(fd, size). 0 or -errno (-EFBIG above INT64_MAX). */
int hsri_glue_ftruncate(int fd, uint64_t size);

/* fstat(fd).st_size into *size. 0 or -errno. */
int hsri_glue_fd_size(int fd, uint64_t *size);

/* fcntl(F_ADD_SEALS) / fcntl(F_GET_SEALS) with HSRI_GLUE_SEAL_* bits.
 * add_seals: 0 or -errno (-EINVAL when the kernel does not know a bit).
 * get_seals: the seal bits (>= 0) or -errno. */
int hsri_glue_add_seals(int fd, uint32_t seals);
int hsri_glue_get_seals(int fd);

/* mmap(NULL, len, prot, shared ? MAP_SHARED : MAP_PRIVATE, fd, offset);
 * prot is HSRI_GLUE_PROT_* bits. Stores the address in *out; 0 or -errno. */
int hsri_glue_mmap_fd(uint64_t len, uint32_t prot, int shared, int fd, uint64_t offset,
                      void **out);

/* munmap(addr, len). 0 or -errno. */
int hsri_glue_munmap(void *addr, uint64_t len);

/* fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len):
 * the range reads as zero through every shared mapping afterwards; the size
 * is unchanged. 0 or -errno (-EPERM on a write-sealed memfd). */
int hsri_glue_punch_hole(int fd, uint64_t offset, uint64_t len);

/* close(fd). 0 or -errno. */
int hsri_glue_close(int fd);

/* ======================================================================
 * END region section
 * ==================================================================== */

/* ======================================================================
 * BEGIN space section (ref/space, ref/gc): files for the image space,
 * a clock for the collector's pause figures.
 * ==================================================================== */

/* open(path, O_RDONLY | O_CLOEXEC); stores the descriptor in *fd.
 * 0 or -errno. */
int hsri_glue_open_read(const char *path, int *fd);

/* CLOCK_MONOTONIC in nanoseconds (0 if the clock fails). */
uint64_t hsri_glue_now_ns(void);

/* ======================================================================
 * END space section
 * ==================================================================== */

#ifdef __cplusplus
}
#endif

#endif /* HEAPSPEC_REF_GLUE_GLUE_H */
