/* recorder.c — libheapspec_record.so: records a program's malloc traffic as a
 * heapspec trace, so that any subject can replay it (`heapspec replay`).
 *
 *   HEAPSPEC_RECORD_FILE=out.trace LD_PRELOAD=libheapspec_record.so prog ...
 *   (or: heapspec record -o out.trace -- prog ...)
 *
 * Every malloc, calloc, realloc, free, aligned_alloc, posix_memalign and
 * memalign is passed to the next definition (glibc, or whatever is preloaded
 * after this library) and written as one trace line. Pointers become block
 * ids through a hash table in memory of its own (mmap), ids are reused once
 * freed, and a block allocated before recording started is left out. The
 * trace is one case; threads interleave in it as they happened (the replay
 * is single-threaded). A fork child stops recording. Output goes through a
 * buffer and write(2): the recorder never allocates through malloc itself.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define API __attribute__((visibility("default")))
#define MAX_ID 65535u          /* the trace format's largest block id */
#define SLOTS (1u << 18)       /* hash slots: a power of two, > 3 * MAX_ID */

API void *malloc(size_t n);
API void free(void *p);
API void *calloc(size_t n, size_t m);
API void *realloc(void *p, size_t n);
API void *aligned_alloc(size_t a, size_t n);
API int posix_memalign(void **out, size_t a, size_t n);
API void *memalign(size_t a, size_t n);

static void *(*next_malloc)(size_t);
static void (*next_free)(void *);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static void *(*next_aligned_alloc)(size_t, size_t);
static int (*next_posix_memalign)(void **, size_t, size_t);
static void *(*next_memalign)(size_t, size_t);

/* dlsym may itself call calloc before next_calloc is known: serve those few
 * early requests from a static buffer that is never freed. */
static char boot[16384] __attribute__((aligned(16)));
static size_t boot_used;

static int out_fd = -1;
static int enabled;          /* recording is on */
static int truncated;        /* ran out of ids: recording stopped */
static __thread int inside;  /* this thread is inside the recorder */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

struct slot {
    uintptr_t key; /* pointer, 0 = empty, 1 = deleted */
    uint32_t id;
};
static struct slot *table;
static uint32_t *free_ids;
static uint32_t nfree, next_id = 1;

static char buf[1 << 16];
static size_t buf_len;

static void flush_locked(void)
{
    size_t off = 0;
    while (off < buf_len) {
        ssize_t w = write(out_fd, buf + off, buf_len - off);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            break;
        }
        off += (size_t)w;
    }
    buf_len = 0;
}

static void emit_locked(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit_locked(const char *fmt, ...)
{
    if (buf_len + 256 > sizeof buf)
        flush_locked();
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + buf_len, sizeof buf - buf_len, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof buf - buf_len)
        buf_len += (size_t)n;
}

static uint32_t hash(uintptr_t p)
{
    uint64_t x = (uint64_t)p * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(x >> 46) & (SLOTS - 1u);
}

/* Id of a new block p; 0 when out of ids (recording then stops). */
static uint32_t id_add_locked(uintptr_t p)
{
    uint32_t id = nfree ? free_ids[--nfree] : (next_id <= MAX_ID ? next_id++ : 0);
    if (id == 0) {
        truncated = 1;
        return 0;
    }
    for (uint32_t h = hash(p);; h = (h + 1u) & (SLOTS - 1u))
        if (table[h].key <= 1) {
            table[h].key = p;
            table[h].id = id;
            return id;
        }
}

/* Id of live block p (removed from the table), or 0 when it is not known. */
static uint32_t id_take_locked(uintptr_t p)
{
    for (uint32_t h = hash(p);; h = (h + 1u) & (SLOTS - 1u)) {
        if (table[h].key == 0)
            return 0;
        if (table[h].key == p) {
            uint32_t id = table[h].id;
            table[h].key = 1;
            free_ids[nfree++] = id;
            return id;
        }
    }
}

static void stop_in_child(void)
{
    enabled = 0; /* a fork child's traffic is not the recorded program's */
}

static void finish(void)
{
    if (!enabled)
        return;
    pthread_mutex_lock(&lock);
    if (truncated)
        emit_locked("# recording stopped: more than %u live blocks\n", MAX_ID);
    emit_locked("end\n");
    flush_locked();
    enabled = 0;
    pthread_mutex_unlock(&lock);
}

static void resolve(void)
{
    inside++;
    next_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    next_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    next_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    next_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    next_aligned_alloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
    next_posix_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
    next_memalign = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "memalign");
    inside--;
}

__attribute__((constructor)) static void start(void)
{
    if (next_malloc == NULL)
        resolve();
    const char *path = getenv("HEAPSPEC_RECORD_FILE");
    if (path == NULL || path[0] == '\0')
        return;
    size_t tsz = sizeof(struct slot) * SLOTS, fsz = sizeof(uint32_t) * (MAX_ID + 1u);
    void *t = mmap(NULL, tsz + fsz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (t == MAP_FAILED)
        return;
    out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out_fd < 0) {
        munmap(t, tsz + fsz);
        return;
    }
    table = t;
    free_ids = (uint32_t *)(void *)((char *)t + tsz);
    pthread_atfork(NULL, NULL, stop_in_child);
    atexit(finish);
    emit_locked("# recorded by libheapspec_record.so, pid %d\n"
                "case recorded-%d\n"
                "clauses MALLOC-INTEGRITY-1 MALLOC-DISJOINT-1 MALLOC-ALIGN-1 MALLOC-REALLOC-1\n",
                (int)getpid(), (int)getpid());
    enabled = 1;
}

/* Records one result. kind: 'm' malloc(a), 'c' calloc(a, b), 'A' aligned_alloc(a, b),
 * 'P' posix_memalign(a, b), 'M' memalign(a, b). */
static void record_new(char kind, void *p, size_t a, size_t b)
{
    if (!enabled || inside || p == NULL)
        return;
    inside++;
    pthread_mutex_lock(&lock);
    uint32_t id = truncated ? 0 : id_add_locked((uintptr_t)p);
    if (id != 0) {
        switch (kind) {
        case 'm': emit_locked("malloc #%u %zu\n", id, a); break;
        case 'c': emit_locked("calloc #%u %zu %zu\n", id, a, b); break;
        case 'A': emit_locked("aligned_alloc #%u %zu %zu\n", id, a, b); break;
        case 'P': emit_locked("posix_memalign #%u %zu %zu\n", id, a, b); break;
        default: emit_locked("memalign #%u %zu %zu\n", id, a, b); break;
        }
    }
    pthread_mutex_unlock(&lock);
    inside--;
}

static void record_free(void *p)
{
    if (!enabled || inside || p == NULL)
        return;
    inside++;
    pthread_mutex_lock(&lock);
    uint32_t id = id_take_locked((uintptr_t)p);
    if (id != 0)
        emit_locked("free #%u\n", id);
    pthread_mutex_unlock(&lock);
    inside--;
}

API void *malloc(size_t n)
{
    if (next_malloc == NULL)
        resolve();
    void *p = next_malloc(n);
    record_new('m', p, n, 0);
    return p;
}

API void *calloc(size_t n, size_t m)
{
    if (next_calloc == NULL) {
        /* dlsym's own calloc, before next_calloc exists */
        size_t total = n * m, start = (boot_used + 15u) & ~(size_t)15u;
        if ((m != 0 && total / m != n) || total > sizeof boot - start)
            return NULL;
        boot_used = start + total;
        return boot + start; /* static storage: already zero */
    }
    void *p = next_calloc(n, m);
    record_new('c', p, n, m);
    return p;
}

static int from_boot(const void *p)
{
    return (const char *)p >= boot && (const char *)p < boot + sizeof boot;
}

API void free(void *p)
{
    if (p == NULL || from_boot(p))
        return;
    if (next_free == NULL)
        resolve();
    record_free(p);
    next_free(p);
}

API void *realloc(void *p, size_t n)
{
    if (next_realloc == NULL)
        resolve();
    if (from_boot(p)) {
        void *q = malloc(n);
        if (q != NULL)
            memcpy(q, p, n < sizeof boot ? n : sizeof boot);
        return q;
    }
    void *q = next_realloc(p, n);
    if (!enabled || inside)
        return q;
    inside++;
    pthread_mutex_lock(&lock);
    if (p == NULL) {
        uint32_t id = q && !truncated ? id_add_locked((uintptr_t)q) : 0;
        if (id != 0)
            emit_locked("realloc #%u null %zu\n", id, n);
    } else if (q != NULL || n == 0) {
        /* the old block is gone (moved, resized, or freed by realloc(p, 0)) */
        uint32_t old = id_take_locked((uintptr_t)p);
        uint32_t id = q && !truncated ? id_add_locked((uintptr_t)q) : 0;
        if (old != 0 && id != 0)
            emit_locked("realloc #%u #%u %zu\n", id, old, n);
        else if (old != 0 && q == NULL)
            emit_locked("realloc #%u #%u 0\n", old, old);
        else if (old != 0)
            emit_locked("free #%u\n", old);
    }
    pthread_mutex_unlock(&lock);
    inside--;
    return q;
}

API void *aligned_alloc(size_t a, size_t n)
{
    if (next_aligned_alloc == NULL)
        resolve();
    void *p = next_aligned_alloc(a, n);
    record_new('A', p, a, n);
    return p;
}

API int posix_memalign(void **out, size_t a, size_t n)
{
    if (next_posix_memalign == NULL)
        resolve();
    int rc = next_posix_memalign(out, a, n);
    if (rc == 0)
        record_new('P', *out, a, n);
    return rc;
}

API void *memalign(size_t a, size_t n)
{
    if (next_memalign == NULL)
        resolve();
    void *p = next_memalign(a, n);
    record_new('M', p, a, n);
    return p;
}
