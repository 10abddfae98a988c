/*
 * malloc_bench.c — throughput and peak footprint of the reference malloc
 * (libheapspec_malloc.so, built on ref/mspace) against glibc, jemalloc,
 * mimalloc and tcmalloc. A benchmark: it prints figures and asserts nothing
 * about speed (ref/bench/malloc_bench_smoke_test.sh only checks that it
 * works).
 *
 * HOW ONE RUN WORKS
 *
 *   malloc_bench (launcher, system malloc)
 *     for rep in 1..R, for workload, for allocator:
 *       fork + exec /proc/self/exe --child <workload> --expect <lib>
 *           env LD_PRELOAD=<lib>  (nothing for glibc)
 *         child: 1. dlsym(RTLD_DEFAULT, "malloc") + dladdr: the malloc in
 *                   use must come from <lib>, else it exits with status 3;
 *                2. runs the workload (seeded, deterministic sizes);
 *                3. writes one line to the pipe:
 *                   "HSB <ops> <seconds> <VmHWM KiB> <checksum>"
 *       wait4: ru_maxrss of the child ("max resident", KiB)
 *     median over the R repetitions of each figure, one table row per
 *     (allocator, workload), ratios against glibc.
 *
 *   One process per (allocator, workload, repetition): no allocator sees
 *   another's heap, and VmHWM (the high-water mark of the resident set in
 *   /proc/self/status) is the footprint of that workload alone plus the
 *   process's fixed few MiB (binary, libc, the preloaded library).
 *
 * WORKLOADS (an "op" is one call of malloc, free or realloc)
 *
 *   churn     sizes 16..256 B uniform; 10 000 live slots filled first, then
 *             each step frees a random slot and mallocs a new block into it.
 *   mixed     sizes 16 B..64 KiB log-distributed (a power-of-two class
 *             2^4..2^15 uniformly, then uniform inside it); 4096 slots; each
 *             op is with probability 0.3 a realloc of a random slot (to a new
 *             random size; realloc(NULL, n) when the slot is empty), else a
 *             malloc into an empty slot or a free of a full one.
 *   prodcons  2 producers, 2 consumers; producer i mallocs blocks of 16..256 B
 *             and passes them through its single-producer single-consumer
 *             ring (1024 entries) to consumer i, which checks and frees them:
 *             every block is freed by a thread other than its allocator.
 *
 *   Every block is written where it is allocated (a tag in its first bytes,
 *   one byte per 4 KiB page, its last byte) and checked before it is freed or
 *   after a realloc, so the pages count in the resident set and a broken
 *   allocator shows up as a checksum failure (exit status 4), not as a figure.
 *
 * Usage: malloc_bench [--ref PATH] [--ops N] [--reps R] [--only NAME]
 *   --ref PATH  libheapspec_malloc.so (default: ref/libheapspec_malloc.so)
 *   --ops N     operations of churn (default 10 000 000); mixed and prodcons
 *               run N/2 (they touch more memory per op)
 *   --reps R    repetitions per (allocator, workload), median reported (3)
 *   --only NAME run that allocator (and glibc, the baseline) only
 * Exit status: 0 when every child ran and checked out, 1 otherwise.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- the allocators and workloads ------------------------------------- */

struct allocator {
    const char *name;    /* table name */
    const char *preload; /* LD_PRELOAD value; NULL = the system malloc */
    const char *expect;  /* substring of the file malloc must come from */
};

static struct allocator allocators[] = {
    {"glibc", NULL, "libc.so"},
    {"ref", NULL /* set from --ref */, "libheapspec_malloc.so"},
    {"jemalloc", "libjemalloc.so.2", "libjemalloc.so"},
    {"mimalloc", "libmimalloc.so.2", "libmimalloc.so"},
    {"tcmalloc", "libtcmalloc.so.4", "libtcmalloc.so"},
};
#define N_ALLOCATORS (sizeof allocators / sizeof allocators[0])

static const char *const workloads[] = {"churn", "mixed", "prodcons"};
#define N_WORKLOADS (sizeof workloads / sizeof workloads[0])

#define MAX_REPS 15

/* ---- helpers shared by both sides -------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* xorshift64*: fast, seeded, the same sequence on every run. */
static uint64_t rnd(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 2685821657736338717ull;
}

/* A uniform integer in [lo, hi]; the slight modulo bias does not matter. */
static size_t rnd_range(uint64_t *state, size_t lo, size_t hi)
{
    return lo + (size_t)(rnd(state) % (uint64_t)(hi - lo + 1));
}

/* 16 B .. 64 KiB, log-distributed: a class 2^4 .. 2^15 uniformly, then a
 * uniform size inside [2^k, 2^(k+1)). */
static size_t rnd_log_size(uint64_t *state)
{
    unsigned k = 4u + (unsigned)(rnd(state) % 12u);
    size_t base = (size_t)1 << k;
    return base + (size_t)(rnd(state) % base);
}

/* ---- child side: block tagging ---------------------------------------- */

/*
 * A written block of n >= 16 bytes:
 *   [0..7]  tag (64 bits)    [8..15] n
 *   one byte every 4096 from offset 4096: low byte of the tag
 *   [n-1]   low byte of the tag (when n > 16)
 */
static void block_write(unsigned char *p, size_t n, uint64_t tag)
{
    uint64_t sz = (uint64_t)n;
    memcpy(p, &tag, sizeof tag);
    memcpy(p + 8, &sz, sizeof sz);
    for (size_t off = 4096; off < n; off += 4096) {
        p[off] = (unsigned char)tag;
    }
    if (n > 16) {
        p[n - 1] = (unsigned char)tag;
    }
}

/* The tag of a written block, or 0 (never a valid tag) when it is damaged.
 * Only the first `keep` bytes are checked in full (a realloc keeps
 * min(old, new) bytes); the tail byte only when the block is whole. */
static uint64_t block_check(const unsigned char *p, size_t keep)
{
    uint64_t tag, sz;
    memcpy(&tag, p, sizeof tag);
    memcpy(&sz, p + 8, sizeof sz);
    size_t n = (size_t)sz;
    size_t lim = keep < n ? keep : n;
    for (size_t off = 4096; off < lim; off += 4096) {
        if (p[off] != (unsigned char)tag) {
            return 0;
        }
    }
    if (keep >= n && n > 16 && p[n - 1] != (unsigned char)tag) {
        return 0;
    }
    return tag;
}

/* ---- child side: the workloads ---------------------------------------- */

struct outcome {
    uint64_t ops;      /* allocator calls made */
    uint64_t checksum; /* sum of the tags checked; 0 = damage or OOM */
};

#define CHURN_SLOTS 10000u

static struct outcome run_churn(uint64_t n_ops)
{
    struct outcome r = {0, 0};
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    unsigned char **a_slot = calloc(CHURN_SLOTS, sizeof *a_slot);
    if (a_slot == NULL) {
        return r;
    }
    uint64_t tag = 1;
    for (size_t i = 0; i < CHURN_SLOTS; i++) {
        size_t n = rnd_range(&rng, 16, 256);
        a_slot[i] = malloc(n);
        if (a_slot[i] == NULL) {
            return r;
        }
        block_write(a_slot[i], n, tag++);
        r.ops++;
    }
    uint64_t sum = 0;
    while (r.ops + 2 <= n_ops) {
        size_t i = rnd_range(&rng, 0, CHURN_SLOTS - 1);
        size_t n = rnd_range(&rng, 16, 256);
        uint64_t got = block_check(a_slot[i], SIZE_MAX);
        if (got == 0) {
            return r;
        }
        sum += got;
        free(a_slot[i]);
        a_slot[i] = malloc(n);
        if (a_slot[i] == NULL) {
            return r;
        }
        block_write(a_slot[i], n, tag++);
        r.ops += 2;
    }
    for (size_t i = 0; i < CHURN_SLOTS; i++) {
        sum += block_check(a_slot[i], SIZE_MAX);
        free(a_slot[i]);
    }
    free(a_slot);
    r.checksum = sum;
    return r;
}

#define MIXED_SLOTS 4096u

static struct outcome run_mixed(uint64_t n_ops)
{
    struct outcome r = {0, 0};
    uint64_t rng = 0xD1B54A32D192ED03ull;
    unsigned char **a_slot = calloc(MIXED_SLOTS, sizeof *a_slot);
    size_t *a_size = calloc(MIXED_SLOTS, sizeof *a_size);
    if (a_slot == NULL || a_size == NULL) {
        return r;
    }
    uint64_t tag = 1, sum = 0;
    while (r.ops < n_ops) {
        size_t i = rnd_range(&rng, 0, MIXED_SLOTS - 1);
        bool do_realloc = rnd(&rng) % 10u < 3u;
        r.ops++;
        if (do_realloc) {
            size_t n = rnd_log_size(&rng);
            size_t old = a_size[i];
            unsigned char *q = realloc(a_slot[i], n);
            if (q == NULL) {
                return r;
            }
            if (old != 0) {
                /* the first min(old, n) bytes moved with the block */
                uint64_t got = block_check(q, n < old ? n : old);
                if (got == 0) {
                    return r;
                }
                sum += got;
            }
            a_slot[i] = q;
            a_size[i] = n;
            block_write(q, n, tag++);
        } else if (a_slot[i] == NULL) {
            size_t n = rnd_log_size(&rng);
            a_slot[i] = malloc(n);
            if (a_slot[i] == NULL) {
                return r;
            }
            a_size[i] = n;
            block_write(a_slot[i], n, tag++);
        } else {
            uint64_t got = block_check(a_slot[i], SIZE_MAX);
            if (got == 0) {
                return r;
            }
            sum += got;
            free(a_slot[i]);
            a_slot[i] = NULL;
            a_size[i] = 0;
        }
    }
    for (size_t i = 0; i < MIXED_SLOTS; i++) {
        if (a_slot[i] != NULL) {
            sum += block_check(a_slot[i], SIZE_MAX);
            free(a_slot[i]);
        }
    }
    free(a_size);
    free(a_slot);
    r.checksum = sum;
    return r;
}

/*
 * Single-producer single-consumer ring (ring-buffer rule: power-of-two
 * capacity, free-running unsigned indices, len = head - tail). The producer
 * alone writes head, the consumer alone writes tail.
 */
#define RING_CAP 1024u

struct spsc {
    unsigned char *a_item[RING_CAP]; /* blocks in flight */
    size_t head;                     /* next slot to fill; producer-owned */
    size_t tail;                     /* next slot to drain; consumer-owned */
    int done;                        /* producer finished (1) */
    uint64_t n_blocks;               /* blocks this producer makes */
    uint64_t seed;                   /* its size sequence */
    uint64_t tag_base;               /* its tags are tag_base + 1, + 2, ... */
    uint64_t sum;                    /* consumer: sum of the tags it checked */
    uint64_t bad;                    /* consumer: damaged blocks seen */
    uint64_t oom;                    /* producer: malloc returned NULL */
};

static void *producer(void *arg)
{
    struct spsc *q = arg;
    uint64_t rng = q->seed;
    for (uint64_t k = 1; k <= q->n_blocks; k++) {
        size_t n = rnd_range(&rng, 16, 256);
        unsigned char *p = malloc(n);
        if (p == NULL) {
            q->oom++;
            break;
        }
        block_write(p, n, q->tag_base + k);
        size_t head = q->head;
        /* acquire: the consumer is done with the slot it freed */
        while (head - __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE) == RING_CAP) {
            sched_yield();
        }
        q->a_item[head % RING_CAP] = p;
        /* release: the block's contents and the slot are visible first */
        __atomic_store_n(&q->head, head + 1, __ATOMIC_RELEASE);
    }
    /* release: every head update happens before done is seen */
    __atomic_store_n(&q->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void *consumer(void *arg)
{
    struct spsc *q = arg;
    size_t tail = q->tail;
    for (;;) {
        /* acquire: pairs with the producer's release of head */
        size_t head = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
        if (head == tail) {
            /* done is read before a last look at head: nothing is lost */
            if (__atomic_load_n(&q->done, __ATOMIC_ACQUIRE) &&
                __atomic_load_n(&q->head, __ATOMIC_ACQUIRE) == tail) {
                break;
            }
            sched_yield();
            continue;
        }
        while (tail != head) {
            unsigned char *p = q->a_item[tail % RING_CAP];
            uint64_t got = block_check(p, SIZE_MAX);
            if (got == 0) {
                q->bad++;
            }
            q->sum += got;
            free(p);
            tail++;
            /* release: the slot is read before the producer may reuse it */
            __atomic_store_n(&q->tail, tail, __ATOMIC_RELEASE);
        }
    }
    return NULL;
}

static struct outcome run_prodcons(uint64_t n_ops)
{
    struct outcome r = {0, 0};
    static struct spsc ring[2];
    pthread_t prod[2], cons[2];
    uint64_t per = n_ops / 4; /* blocks per producer: 2 ops each */
    if (per == 0) {
        per = 1;
    }
    for (unsigned i = 0; i < 2; i++) {
        memset(&ring[i], 0, sizeof ring[i]);
        ring[i].n_blocks = per;
        ring[i].seed = 0xA0761D6478BD642Full + i;
        ring[i].tag_base = (uint64_t)i << 40;
    }
    for (unsigned i = 0; i < 2; i++) {
        if (pthread_create(&cons[i], NULL, consumer, &ring[i]) != 0 ||
            pthread_create(&prod[i], NULL, producer, &ring[i]) != 0) {
            return r;
        }
    }
    uint64_t sum = 0;
    bool ok = true;
    for (unsigned i = 0; i < 2; i++) {
        pthread_join(prod[i], NULL);
        pthread_join(cons[i], NULL);
        sum += ring[i].sum;
        ok = ok && ring[i].bad == 0 && ring[i].oom == 0;
        r.ops += 2 * per;
    }
    r.checksum = ok ? sum : 0;
    return r;
}

/* The checksum a correct run must produce: sum of the tags checked. Only
 * churn and prodcons have a closed form; mixed must merely be non-zero. */
static uint64_t expected_prodcons(uint64_t n_ops)
{
    uint64_t per = n_ops / 4 == 0 ? 1 : n_ops / 4;
    uint64_t s = 0;
    for (uint64_t i = 0; i < 2; i++) {
        s += per * (i << 40) + per * (per + 1) / 2;
    }
    return s;
}

/* VmHWM of this process in KiB, or 0 if it cannot be read. */
static unsigned long vm_hwm_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) {
        return 0;
    }
    char line[256];
    unsigned long kib = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmHWM:", 6) == 0) {
            kib = strtoul(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kib;
}

/* The file the process's malloc comes from, or NULL. */
static const char *malloc_origin(void)
{
    void *sym = dlsym(RTLD_DEFAULT, "malloc");
    Dl_info info;
    if (sym == NULL || dladdr(sym, &info) == 0 || info.dli_fname == NULL) {
        return NULL;
    }
    return info.dli_fname;
}

static int child_main(const char *workload, const char *expect, uint64_t n_ops)
{
    const char *origin = malloc_origin();
    if (origin == NULL || strstr(origin, expect) == NULL) {
        fprintf(stderr, "malloc_bench: malloc comes from %s, not %s\n",
                origin != NULL ? origin : "(unknown)", expect);
        return 3;
    }
    struct outcome r;
    uint64_t want = 0; /* 0: any non-zero checksum */
    double t0 = now();
    if (strcmp(workload, "churn") == 0) {
        r = run_churn(n_ops);
    } else if (strcmp(workload, "mixed") == 0) {
        r = run_mixed(n_ops);
    } else if (strcmp(workload, "prodcons") == 0) {
        r = run_prodcons(n_ops);
        want = expected_prodcons(n_ops);
    } else {
        fprintf(stderr, "malloc_bench: unknown workload %s\n", workload);
        return 2;
    }
    double secs = now() - t0;
    if (r.checksum == 0 || (want != 0 && r.checksum != want)) {
        fprintf(stderr, "malloc_bench: %s on %s: damaged block or out of memory\n",
                workload, origin);
        return 4;
    }
    printf("HSB %" PRIu64 " %.9f %lu %" PRIu64 "\n", r.ops, secs, vm_hwm_kib(),
           r.checksum);
    return fflush(stdout) == 0 ? 0 : 5;
}

/* ---- launcher side ----------------------------------------------------- */

struct sample {
    bool ok;
    double mops;          /* million ops per second */
    double hwm_mib;       /* VmHWM of the child */
    double maxrss_mib;    /* ru_maxrss of the child */
};

extern char **environ;

/* environ without LD_PRELOAD, plus LD_PRELOAD=preload when given. The
 * strings stay owned by environ or by `own`. */
static char **child_env(const char *preload, char *own, size_t own_size)
{
    size_t n = 0;
    while (environ[n] != NULL) {
        n++;
    }
    char **env = calloc(n + 2, sizeof *env);
    if (env == NULL) {
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0) {
            env[k++] = environ[i];
        }
    }
    if (preload != NULL) {
        snprintf(own, own_size, "LD_PRELOAD=%s", preload);
        env[k++] = own;
    }
    env[k] = NULL;
    return env;
}

static struct sample run_child(const struct allocator *al, const char *workload,
                               uint64_t n_ops)
{
    struct sample s = {false, 0, 0, 0};
    char ops_arg[32], own[PATH_MAX + 16];
    snprintf(ops_arg, sizeof ops_arg, "%" PRIu64, n_ops);
    char **env = child_env(al->preload, own, sizeof own);
    int fd[2];
    if (env == NULL || pipe(fd) != 0) {
        free(env);
        return s;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        free(env);
        close(fd[0]);
        close(fd[1]);
        return s;
    }
    if (pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        char *argv[] = {"malloc_bench", "--child", (char *)workload, "--expect",
                        (char *)al->expect, "--ops", ops_arg, NULL};
        execve("/proc/self/exe", argv, env);
        _exit(127);
    }
    free(env);
    close(fd[1]);
    char buf[512];
    size_t len = 0;
    ssize_t got;
    while (len < sizeof buf - 1 &&
           ((got = read(fd[0], buf + len, sizeof buf - 1 - len)) > 0 ||
            (got < 0 && errno == EINTR))) {
        len += got > 0 ? (size_t)got : 0;
    }
    buf[len] = '\0';
    close(fd[0]);
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
    }
    uint64_t ops = 0, sum = 0;
    double secs = 0;
    unsigned long hwm = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        sscanf(buf, "HSB %" SCNu64 " %lf %lu %" SCNu64, &ops, &secs, &hwm, &sum) != 4 ||
        secs <= 0) {
        fprintf(stderr, "malloc_bench: %s/%s failed (status %d)\n", al->name, workload,
                WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        return s;
    }
    s.ok = true;
    s.mops = (double)ops / secs / 1e6;
    s.hwm_mib = (double)hwm / 1024.0;
    s.maxrss_mib = (double)ru.ru_maxrss / 1024.0;
    return s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the successful samples' field at `offset`; -1 if none. */
static double median(const struct sample *a_s, unsigned n, size_t offset)
{
    double v[MAX_REPS];
    unsigned k = 0;
    for (unsigned i = 0; i < n; i++) {
        if (a_s[i].ok) {
            memcpy(&v[k++], (const char *)&a_s[i] + offset, sizeof(double));
        }
    }
    if (k == 0) {
        return -1;
    }
    qsort(v, k, sizeof v[0], cmp_double);
    return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: malloc_bench [--ref PATH] [--ops N] [--reps R] [--only NAME]\n");
}

int main(int argc, char **argv)
{
    const char *ref_path = "ref/libheapspec_malloc.so";
    const char *child = NULL, *expect = NULL, *only = NULL;
    uint64_t n_ops = 10000000u;
    unsigned reps = 3;
    for (int i = 1; i < argc; i += 2) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL) {
            usage();
            return 2;
        }
        if (strcmp(argv[i], "--ref") == 0) {
            ref_path = v;
        } else if (strcmp(argv[i], "--ops") == 0) {
            n_ops = strtoull(v, NULL, 10);
        } else if (strcmp(argv[i], "--reps") == 0) {
            reps = (unsigned)strtoul(v, NULL, 10);
        } else if (strcmp(argv[i], "--only") == 0) {
            only = v;
        } else if (strcmp(argv[i], "--child") == 0) {
            child = v;
        } else if (strcmp(argv[i], "--expect") == 0) {
            expect = v;
        } else {
            usage();
            return 2;
        }
    }
    if (child != NULL) {
        return child_main(child, expect != NULL ? expect : "", n_ops);
    }
    if (n_ops < 4 || reps == 0 || reps > MAX_REPS) {
        fprintf(stderr, "malloc_bench: need --ops >= 4 and 1 <= --reps <= %d\n", MAX_REPS);
        return 2;
    }
    /* LD_PRELOAD needs a path that does not depend on the child's cwd */
    static char ref_abs[PATH_MAX];
    if (realpath(ref_path, ref_abs) == NULL) {
        fprintf(stderr, "malloc_bench: cannot find %s (give --ref PATH)\n", ref_path);
        return 2;
    }
    allocators[1].preload = ref_abs;

#ifndef HSB_OPT
    printf("# WARNING: not built with -c opt: the reference library is unoptimised\n");
#endif
    printf("# malloc_bench: churn %" PRIu64 " ops, mixed and prodcons %" PRIu64
           " ops, %u repetition(s), median; ref = %s\n",
           n_ops, n_ops / 2, reps, ref_abs);

    static struct sample res[N_ALLOCATORS][N_WORKLOADS][MAX_REPS];
    bool all_ok = true;
    for (unsigned rep = 0; rep < reps; rep++) {
        for (size_t w = 0; w < N_WORKLOADS; w++) {
            uint64_t ops = w == 0 ? n_ops : n_ops / 2;
            for (size_t a = 0; a < N_ALLOCATORS; a++) {
                if (only != NULL && a != 0 && strcmp(only, allocators[a].name) != 0) {
                    continue;
                }
                res[a][w][rep] = run_child(&allocators[a], workloads[w], ops);
                all_ok = all_ok && res[a][w][rep].ok;
            }
        }
    }

    printf("%-9s %-9s %9s %9s %10s %9s %11s\n", "allocator", "workload", "Mops/s",
           "xglibc", "peakRSS_MiB", "xglibc", "maxrss_MiB");
    double ref_ratio[N_WORKLOADS][2];
    for (size_t w = 0; w < N_WORKLOADS; w++) {
        double base_mops = median(res[0][w], reps, offsetof(struct sample, mops));
        double base_hwm = median(res[0][w], reps, offsetof(struct sample, hwm_mib));
        for (size_t a = 0; a < N_ALLOCATORS; a++) {
            if (only != NULL && a != 0 && strcmp(only, allocators[a].name) != 0) {
                continue;
            }
            double mops = median(res[a][w], reps, offsetof(struct sample, mops));
            double hwm = median(res[a][w], reps, offsetof(struct sample, hwm_mib));
            double mrss = median(res[a][w], reps, offsetof(struct sample, maxrss_mib));
            if (mops < 0) {
                printf("%-9s %-9s %9s %9s %10s %9s %11s\n", allocators[a].name,
                       workloads[w], "FAILED", "-", "-", "-", "-");
                continue;
            }
            double rm = base_mops > 0 ? mops / base_mops : 0;
            double rh = base_hwm > 0 ? hwm / base_hwm : 0;
            if (a == 1) {
                ref_ratio[w][0] = rm;
                ref_ratio[w][1] = rh;
            }
            printf("%-9s %-9s %9.3f %8.2fx %10.2f %8.2fx %11.2f\n", allocators[a].name,
                   workloads[w], mops, rm, hwm, rh, mrss);
        }
    }
    if (only == NULL || strcmp(only, "ref") == 0) {
        printf("\nref vs glibc (throughput ratio, peak-RSS ratio; targets >= 0.80x, <= 1.10x):\n");
        for (size_t w = 0; w < N_WORKLOADS; w++) {
            if (median(res[1][w], reps, offsetof(struct sample, mops)) < 0) {
                printf("  %-9s FAILED\n", workloads[w]);
                continue;
            }
            printf("  %-9s throughput %5.2fx%s   peak RSS %5.2fx%s\n", workloads[w],
                   ref_ratio[w][0], ref_ratio[w][0] < 0.8 ? " (BELOW 0.80x)" : "",
                   ref_ratio[w][1], ref_ratio[w][1] > 1.1 ? " (ABOVE 1.10x)" : "");
        }
    }
    return all_ok ? 0 : 1;
}
