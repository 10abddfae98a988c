/* scenarios.c — the malloc family's whole-process scenarios: threads, fork,
 * thread exit, libc interposition, reuse, churn, and the hardening probes.
 *
 * Each scenario is one trace operation judged as a whole. Threads keep their
 * own shadow state on their stacks and report the first violation they see;
 * the calling thread turns it into an event. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hs_internal.h"
#include "subjects.h"

#define SLOTS 64

struct tshared {
    const struct hs_malloc_ops *ops;
    hs_ctx_t *ctx;
    uint64_t iters;
    uint64_t maxsize;
    atomic_int failed;
    char msg[512];
    pthread_mutex_t lock;
};

struct tlocal {
    struct tshared *sh;
    uint32_t index;
};

static void tfail(struct tshared *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tfail(struct tshared *sh, const char *fmt, ...)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&sh->failed, &expected, 1))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sh->msg, sizeof sh->msg, fmt, ap);
    va_end(ap);
}

static size_t need_align(uint64_t n)
{
    size_t a = 1, maxa = _Alignof(max_align_t);
    while (a <= n / 2 && a < maxa)
        a *= 2;
    return a;
}

static uint64_t rand_size(uint64_t *x, uint64_t maxsize)
{
    *x = hst_mix(*x);
    unsigned bits = 64u - (unsigned)__builtin_clzll(maxsize | 1u);
    uint64_t sz = (*x >> 11) & ((1ull << ((*x % bits) + 1u)) - 1u);
    return sz == 0 ? 1 : sz > maxsize ? maxsize : sz;
}

static int spawn(pthread_t *t, void *(*fn)(void *), void *arg)
{
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, 256u * 1024u);
    int rc = pthread_create(t, &at, fn, arg);
    pthread_attr_destroy(&at);
    return rc;
}

/* ------------------------------------------------------------ threads */

static void *threads_body(void *arg)
{
    struct tlocal *tl = arg;
    struct tshared *sh = tl->sh;
    struct {
        unsigned char *p;
        uint64_t n, seed;
    } s[SLOTS];
    memset(s, 0, sizeof s);
    uint64_t x = hst_mix(tl->index + 1u);
    for (uint64_t i = 0; i < sh->iters && !atomic_load_explicit(&sh->failed, memory_order_relaxed);
         i++) {
        x = hst_mix(x);
        unsigned k = (unsigned)(x % SLOTS);
        unsigned r = (unsigned)((x >> 8) % 100u);
        if (s[k].p == NULL) {
            uint64_t n = rand_size(&x, sh->maxsize);
            unsigned char *p = r < 20 ? sh->ops->calloc(sh->ctx, 1, (size_t)n)
                                      : sh->ops->malloc(sh->ctx, (size_t)n);
            if (p == NULL)
                continue;
            if ((uintptr_t)p % need_align(n) != 0) {
                tfail(sh, "thread %u: %p for %llu bytes misaligned", tl->index, (void *)p,
                      (unsigned long long)n);
                break;
            }
            if (r < 20)
                for (uint64_t j = 0; j < n; j++)
                    if (p[j] != 0) {
                        tfail(sh, "thread %u: calloc block %p not zero at %llu", tl->index,
                              (void *)p, (unsigned long long)j);
                        break;
                    }
            s[k].p = p;
            s[k].n = n;
            s[k].seed = x;
            hst_fill(p, 0, (size_t)n, x);
            continue;
        }
        size_t off = hst_verify(s[k].p, 0, (size_t)s[k].n, s[k].seed);
        if (off != SIZE_MAX) {
            tfail(sh, "thread %u: block %p (%llu bytes) changed at offset %zu while live",
                  tl->index, (void *)s[k].p, (unsigned long long)s[k].n, off);
            break;
        }
        if (r < 55) {
            sh->ops->free(sh->ctx, s[k].p);
            s[k].p = NULL;
        } else if (r < 85) {
            uint64_t n = rand_size(&x, sh->maxsize);
            unsigned char *p = sh->ops->realloc(sh->ctx, s[k].p, (size_t)n);
            if (p == NULL)
                continue;
            uint64_t keep = n < s[k].n ? n : s[k].n;
            off = hst_verify(p, 0, (size_t)keep, s[k].seed);
            if (off != SIZE_MAX) {
                tfail(sh, "thread %u: realloc to %llu lost contents at %zu", tl->index,
                      (unsigned long long)n, off);
                s[k].p = NULL;
                break;
            }
            hst_fill(p, (size_t)keep, (size_t)n, s[k].seed);
            s[k].p = p;
            s[k].n = n;
        }
    }
    for (unsigned k = 0; k < SLOTS; k++)
        if (s[k].p != NULL)
            sh->ops->free(sh->ctx, s[k].p);
    return NULL;
}

static int run_threads(struct tshared *sh, unsigned n, void *(*fn)(void *))
{
    pthread_t t[64];
    struct tlocal tl[64];
    unsigned started = 0;
    for (unsigned i = 0; i < n; i++) {
        tl[i].sh = sh;
        tl[i].index = i;
        if (spawn(&t[i], fn, &tl[i]) != 0)
            break;
        started++;
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    return started == n ? 0 : -1;
}

/* --------------------------------------------------------- cross free */

#define QCAP 1024

struct qitem {
    unsigned char *p;
    uint64_t n, seed;
};

struct xshared {
    struct tshared base;
    pthread_cond_t cv;
    struct qitem q[QCAP];
    unsigned head, tail;
    unsigned producers_left;
};

static void *producer(void *arg)
{
    struct tlocal *tl = arg;
    struct xshared *xs = (struct xshared *)tl->sh;
    uint64_t x = hst_mix(0x1000u + tl->index);
    for (uint64_t i = 0; i < xs->base.iters && !atomic_load(&xs->base.failed); i++) {
        uint64_t n = rand_size(&x, 2048);
        unsigned char *p = xs->base.ops->malloc(xs->base.ctx, (size_t)n);
        if (p == NULL)
            continue;
        hst_fill(p, 0, (size_t)n, x);
        pthread_mutex_lock(&xs->base.lock);
        while (xs->tail - xs->head == QCAP && !atomic_load(&xs->base.failed))
            pthread_cond_wait(&xs->cv, &xs->base.lock);
        xs->q[xs->tail % QCAP] = (struct qitem){p, n, x};
        xs->tail++;
        pthread_cond_broadcast(&xs->cv);
        pthread_mutex_unlock(&xs->base.lock);
    }
    pthread_mutex_lock(&xs->base.lock);
    xs->producers_left--;
    pthread_cond_broadcast(&xs->cv);
    pthread_mutex_unlock(&xs->base.lock);
    return NULL;
}

static void *consumer(void *arg)
{
    struct tlocal *tl = arg;
    struct xshared *xs = (struct xshared *)tl->sh;
    for (;;) {
        pthread_mutex_lock(&xs->base.lock);
        while (xs->tail == xs->head && xs->producers_left > 0)
            pthread_cond_wait(&xs->cv, &xs->base.lock);
        if (xs->tail == xs->head) {
            pthread_mutex_unlock(&xs->base.lock);
            return NULL;
        }
        struct qitem it = xs->q[xs->head % QCAP];
        xs->head++;
        pthread_cond_broadcast(&xs->cv);
        pthread_mutex_unlock(&xs->base.lock);
        size_t off = hst_verify(it.p, 0, (size_t)it.n, it.seed);
        if (off != SIZE_MAX)
            tfail(&xs->base, "block %p (%llu bytes) changed at offset %zu before another thread freed it",
                  (void *)it.p, (unsigned long long)it.n, off);
        xs->base.ops->free(xs->base.ctx, it.p);
    }
}

static void *cross_body(void *arg)
{
    struct tlocal *tl = arg;
    return (tl->index & 1u) ? consumer(arg) : producer(arg);
}

/* -------------------------------------------------------- thread exit */

static void *short_lived(void *arg)
{
    struct tlocal *tl = arg;
    struct tshared *sh = tl->sh;
    void *p[40];
    for (unsigned i = 0; i < 40; i++) {
        p[i] = sh->ops->malloc(sh->ctx, i == 39 ? 65536u : 16u + 24u * i);
        if (p[i] != NULL)
            memset(p[i], 0x5a, 16);
    }
    for (unsigned i = 0; i < 40; i++)
        sh->ops->free(sh->ctx, p[i]);
    return NULL;
}

/* ---------------------------------------------------------------- fork */

struct fshared {
    struct tshared base;
    atomic_int stop;
};

static void *fork_noise(void *arg)
{
    struct tlocal *tl = arg;
    struct fshared *fs = (struct fshared *)tl->sh;
    uint64_t x = hst_mix(0x2000u + tl->index);
    while (!atomic_load_explicit(&fs->stop, memory_order_relaxed)) {
        uint64_t n = rand_size(&x, 4096);
        void *p = fs->base.ops->malloc(fs->base.ctx, (size_t)n);
        if (p != NULL)
            memset(p, 0x33, (size_t)n);
        fs->base.ops->free(fs->base.ctx, p);
    }
    return NULL;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000u, (long)(ms % 1000u) * 1000000L};
    nanosleep(&ts, NULL);
}

static void fork_scenario(const struct hs_malloc_ops *ops, hs_ctx_t *ctx, unsigned nthreads,
                          uint64_t forks, uint32_t pos, struct hst_sink *sink)
{
    struct fshared fs;
    memset(&fs, 0, sizeof fs);
    fs.base.ops = ops;
    fs.base.ctx = ctx;
    pthread_t t[64];
    struct tlocal tl[64];
    unsigned started = 0;
    for (unsigned i = 0; i < nthreads; i++) {
        tl[i].sh = &fs.base;
        tl[i].index = i;
        if (spawn(&t[i], fork_noise, &tl[i]) == 0)
            started++;
    }
    char msg[256] = "";
    for (uint64_t f = 0; f < forks && msg[0] == '\0'; f++) {
        sleep_ms(2);
        pid_t pid = fork();
        if (pid < 0) {
            snprintf(msg, sizeof msg, "fork failed: %s", strerror(errno));
            break;
        }
        if (pid == 0) {
            /* The child: only this thread exists; the allocator must work. */
            alarm(10);
            uint64_t x = 7;
            for (unsigned i = 0; i < 2000; i++) {
                uint64_t n = rand_size(&x, 8192);
                unsigned char *p = ops->malloc(ctx, (size_t)n);
                if (p == NULL)
                    _exit(3);
                hst_fill(p, 0, (size_t)n, x);
                if (hst_verify(p, 0, (size_t)n, x) != SIZE_MAX)
                    _exit(4);
                ops->free(ctx, p);
            }
            _exit(0);
        }
        int status = 0;
        unsigned waited = 0;
        pid_t w;
        while ((w = waitpid(pid, &status, WNOHANG)) == 0 && waited < 5000) {
            sleep_ms(1);
            waited++;
        }
        if (w == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            snprintf(msg, sizeof msg,
                     "fork %llu of %llu: the child did not finish 2000 malloc/free within 5 s "
                     "(deadlock in the allocator after fork)",
                     (unsigned long long)f + 1, (unsigned long long)forks);
        } else if (WIFSIGNALED(status)) {
            snprintf(msg, sizeof msg, "fork %llu: the child died of signal %d (%s)",
                     (unsigned long long)f + 1, WTERMSIG(status), strsignal(WTERMSIG(status)));
        } else if (WEXITSTATUS(status) != 0) {
            snprintf(msg, sizeof msg, "fork %llu: the child's allocations failed (code %d)",
                     (unsigned long long)f + 1, WEXITSTATUS(status));
        }
    }
    atomic_store(&fs.stop, 1);
    for (unsigned i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    hst_judge(sink, HSC_MALLOC_FORK_1, pos, msg[0] == '\0', "%s", msg);
}

/* ----------------------------------------------------------- interpose */

static void interpose_scenario(const struct hs_malloc_ops *ops, hs_ctx_t *ctx, uint32_t pos,
                               struct hst_sink *sink)
{
    char why[256];
    if (hst_interpose_providers(ops, why, sizeof why) != 0) {
        hst_judge(sink, HSC_MALLOC_INTERPOSE_2, pos, false, "%s", why);
        return;
    }
    sink->checks[HSC_MALLOC_INTERPOSE_2]++;
    const char *probe = "heapspec: libc allocates this through the process malloc";
    size_t len = strlen(probe) + 1;
    char *s = strdup(probe);
    if (s == NULL) {
        hst_judge(sink, HSC_MALLOC_INTERPOSE_1, pos, false, "strdup failed");
        return;
    }
    if (ops->usable_size != NULL) {
        size_t u = ops->usable_size(ctx, s);
        if (!hst_judge(sink, HSC_MALLOC_INTERPOSE_1, pos, u >= len,
                       "the subject's malloc_usable_size(strdup result) = %zu < %zu: libc's "
                       "strdup did not allocate from the subject",
                       u, len))
            return;
    }
    char *g = ops->realloc(ctx, s, 4096);
    if (!hst_judge(sink, HSC_MALLOC_INTERPOSE_1, pos, g != NULL && memcmp(g, probe, len) == 0,
                   "the subject's realloc of a strdup block lost its contents"))
        return;
    ops->free(ctx, g);

    char *buf = NULL;
    size_t blen = 0;
    FILE *m = open_memstream(&buf, &blen);
    if (m != NULL) {
        fprintf(m, "%s %d", probe, 42);
        fclose(m);
        if (ops->usable_size != NULL &&
            !hst_judge(sink, HSC_MALLOC_INTERPOSE_1, pos, ops->usable_size(ctx, buf) >= blen + 1,
                       "open_memstream's buffer is not a block of the subject"))
            return;
        ops->free(ctx, buf);
    }
    static char text[] = "first line\nsecond line\n";
    FILE *f = fmemopen(text, sizeof text - 1, "r");
    if (f != NULL) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t got = getline(&line, &cap, f);
        fclose(f);
        if (!hst_judge(sink, HSC_MALLOC_INTERPOSE_1, pos, got == 11 && line != NULL,
                       "getline through fmemopen failed"))
            return;
        if (ops->usable_size != NULL &&
            !hst_judge(sink, HSC_MALLOC_INTERPOSE_1, pos, ops->usable_size(ctx, line) >= 12,
                       "getline's buffer is not a block of the subject"))
            return;
        ops->free(ctx, line);
    }
    FILE *p = fopen("/proc/self/statm", "r");
    if (p != NULL)
        fclose(p);
    sink->checks[HSC_MALLOC_INTERPOSE_1]++;
}

/* ---------------------------------------------------------- hardening */

static void harden_scenario(const struct hs_malloc_ops *ops, hs_ctx_t *ctx, uint64_t kind,
                            struct hst_sink *sink)
{
    static const int clause[] = {HSC_MALLOC_UB_DOUBLE_FREE, HSC_MALLOC_UB_INTERIOR_FREE,
                                 HSC_MALLOC_UB_FOREIGN_FREE, HSC_MALLOC_UB_UAF_WRITE};
    if (kind >= 4)
        return;
    char *p = ops->malloc(ctx, 48), *q;
    char local[64];
    if (p == NULL)
        return;
    switch (kind) {
    case 0:
        ops->free(ctx, p);
        ops->free(ctx, p);
        break;
    case 1:
        ops->free(ctx, p + 16);
        break;
    case 2:
        ops->free(ctx, local + 16);
        break;
    default:
        ops->free(ctx, p);
        memset(p, 0x41, 48);
        break;
    }
    /* give the allocator the chance to notice on its next calls */
    for (int i = 0; i < 8; i++) {
        q = ops->malloc(ctx, 48);
        if (q != NULL)
            memset(q, 0, 48);
    }
    hst_branch(sink, clause[kind], "silent (no abort, no trap)");
}

/* ------------------------------------------------------------ dispatch */

void hst_scenario_run(const struct hs_malloc_ops *ops, hs_ctx_t *ctx, const struct hst_op *op,
                      uint32_t pos, struct hst_sink *sink)
{
    bool threads_ok = (ops->caps & HS_MALLOC_CAP_THREADS) != 0;
    switch (op->kind) {
    case HSO_THREADS:
    case HSO_CROSS_FREE:
    case HSO_THREAD_EXIT: {
        int c = op->kind == HSO_THREADS      ? HSC_MALLOC_THREAD_1
                : op->kind == HSO_CROSS_FREE ? HSC_MALLOC_THREAD_2
                                             : HSC_MALLOC_THREAD_3;
        if (!threads_ok) {
            hst_skip(sink, c, "subject is not thread-safe (no HS_MALLOC_CAP_THREADS)");
            return;
        }
        static struct xshared xs; /* large; static keeps it off the thread stack */
        memset(&xs, 0, sizeof xs);
        pthread_mutex_init(&xs.base.lock, NULL);
        pthread_cond_init(&xs.cv, NULL);
        xs.base.ops = ops;
        xs.base.ctx = ctx;
        xs.base.iters = op->b;
        xs.base.maxsize = op->kind == HSO_THREADS ? (op->c ? op->c : 4096) : 2048;
        int rc = 0;
        if (op->kind == HSO_THREADS) {
            rc = run_threads(&xs.base, (unsigned)op->a, threads_body);
        } else if (op->kind == HSO_CROSS_FREE) {
            unsigned n = (unsigned)op->a < 2 ? 2u : (unsigned)op->a;
            xs.producers_left = (n + 1) / 2;
            rc = run_threads(&xs.base, n, cross_body);
        } else {
            uint64_t rounds = op->a ? op->a : 1, warm = rounds / 5 ? rounds / 5 : 1;
            uint64_t base_rss = 0;
            for (uint64_t i = 0; i < rounds && rc == 0; i++) {
                rc = run_threads(&xs.base, (unsigned)(op->b ? op->b : 1), short_lived);
                if (i + 1 == warm)
                    base_rss = hst_rss_kib();
            }
            uint64_t end = hst_rss_kib();
            uint64_t growth = end > base_rss ? end - base_rss : 0;
            hst_judge(sink, c, pos, growth <= 64u * 1024u,
                      "resident memory grew by %llu KiB over %llu rounds of short-lived threads "
                      "after warm-up (bound 65536 KiB)",
                      (unsigned long long)growth, (unsigned long long)(rounds - warm));
            return;
        }
        if (!hst_judge(sink, c, pos, rc == 0, "could not start %llu threads",
                       (unsigned long long)op->a))
            return;
        hst_judge(sink, c, pos, atomic_load(&xs.base.failed) == 0, "%s", xs.base.msg);
        return;
    }
    case HSO_FORK:
        if (!threads_ok || !(ops->caps & HS_MALLOC_CAP_FORK)) {
            hst_skip(sink, HSC_MALLOC_FORK_1, "subject does not claim fork safety");
            return;
        }
        fork_scenario(ops, ctx, (unsigned)op->a, op->b ? op->b : 1, pos, sink);
        return;
    case HSO_INTERPOSE:
        if (!(ops->caps & HS_MALLOC_CAP_PROCESS_MALLOC)) {
            hst_skip(sink, HSC_MALLOC_INTERPOSE_1, "subject is not the process malloc");
            hst_skip(sink, HSC_MALLOC_INTERPOSE_2, "subject is not the process malloc");
            return;
        }
        interpose_scenario(ops, ctx, pos, sink);
        return;
    case HSO_REUSE: {
        uint64_t n = op->b ? op->b : 1;
        for (uint64_t i = 0; i < op->a; i++) {
            unsigned char *p = ops->malloc(ctx, (size_t)n);
            if (p == NULL) {
                hst_judge(sink, HSC_MALLOC_REUSE_1, pos, false,
                          "allocation %llu of %llu bytes failed after %llu MiB were allocated "
                          "and freed: freed memory is not reused",
                          (unsigned long long)i + 1, (unsigned long long)n,
                          (unsigned long long)(i * n >> 20));
                return;
            }
            p[0] = 1;
            p[n - 1] = 2;
            ops->free(ctx, p);
        }
        sink->checks[HSC_MALLOC_REUSE_1]++;
        return;
    }
    case HSO_CHURN: {
        uint64_t live = op->b ? op->b : 1, x = 99;
        if (live > 65536)
            live = 65536;
        static void *slot[65536];
        for (uint64_t i = 0; i < live; i++)
            slot[i] = ops->malloc(ctx, (size_t)rand_size(&x, 8192));
        uint64_t base = hst_rss_kib(), peak = base;
        for (uint64_t i = 0; i < op->a; i++) {
            x = hst_mix(x);
            uint64_t k = x % live;
            ops->free(ctx, slot[k]);
            slot[k] = ops->malloc(ctx, (size_t)rand_size(&x, 8192));
            if (slot[k] != NULL)
                memset(slot[k], 0x77, 8);
            if ((i & 1023u) == 0) {
                uint64_t now = hst_rss_kib();
                if (now > peak)
                    peak = now;
            }
        }
        for (uint64_t i = 0; i < live; i++)
            ops->free(ctx, slot[i]);
        hst_figure(sink, HSC_MALLOC_REUSE_2, (double)(peak - base), "KiB");
        return;
    }
    case HSO_HARDEN:
        harden_scenario(ops, ctx, op->a, sink);
        return;
    default:
        return;
    }
}
