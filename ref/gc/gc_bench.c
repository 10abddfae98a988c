/*
 * gc_bench.c — ref-gc against the Boehm collector (prints, asserts
 * nothing). Three object graphs: a linked list of 10^6 nodes, a random
 * graph (a spine plus random edges), a complete binary tree. For each:
 *   - a full collection with everything reachable: pause, and mark rate in
 *     MB/s of live objects (ref-gc: its marking time; Boehm: the whole
 *     pause, libgc having no separate figure);
 *   - the root dropped, a full collection: pause, and for ref-gc the sweep
 *     rate in MB/s of freed objects (libgc sweeps lazily, during later
 *     allocation: its figure is the pause alone).
 * Both go through the heapspec gc ABI for building; ref-gc's phase times
 * come from hsr_gc_stats. Every measurement runs in a fresh child process.
 * "freed=K of N" says what the collection after the drop found. Boehm is
 * conservative: a stale word that still holds the root's address keeps the
 * whole graph, and its pause(dead) is then a second full mark, not a sweep.
 * Whether such a word survives depends on code layout: built with the
 * toolchain's -fno-omit-frame-pointer, or linked with -z now, it kept every
 * graph; as an ordinary -O2 program (ref/gc/BUILD) Boehm frees them all.
 * Boehm's pause(dead) includes running one finalizer per object: that is
 * how the boehm subject learns what was freed (boehm_subject.c), not libgc's
 * own cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "heapspec/gc.h"
#include "heapspec/heapspec.h"

const struct hs_subject *hsr_boehm_subject(void);

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct run {
    const struct hs_gc_ops *ops;
    hs_ctx_t *c;
    hs_gc_t *g;
};

/* Builds the graph; returns the root (already rooted). */
static void *build(struct run *r, int shape, int n) {
    const struct hs_gc_ops *ops = r->ops;
    void **all = malloc(sizeof(void *) * (size_t)n);
    void *root = ops->alloc(r->c, r->g, 4, 16);
    ops->root_add(r->c, r->g, root);
    all[0] = root;
    unsigned seed = 1;
    for (int i = 1; i < n; i++) {
        void *p = ops->alloc(r->c, r->g, shape == 1 ? 4 : 2, 16);
        if (p == NULL) {
            fprintf(stderr, "allocation failed at %d\n", i);
            exit(1);
        }
        all[i] = p;
        if (shape == 0) {
            ops->set_ref(r->c, r->g, all[i - 1], 0, p); /* list */
        } else if (shape == 1) {
            ops->set_ref(r->c, r->g, all[i - 1], 0, p); /* spine */
            ops->set_ref(r->c, r->g, p, 1, all[rand_r(&seed) % i]);
            ops->set_ref(r->c, r->g, all[rand_r(&seed) % i], 2, p);
        } else {
            ops->set_ref(r->c, r->g, all[(i - 1) / 2], (uint32_t)((i - 1) % 2), p); /* tree */
        }
    }
    /* the array is malloc memory, which libgc may scan (the brk heap next to
     * the data segment): clear it, or it keeps the whole graph alive */
    memset(all, 0, sizeof(void *) * (size_t)n);
    free(all);
    return root;
}

/* A conservative collector (Boehm) treats any stale word on the stack or in a
 * register as a root: overwrite the dead stack below this frame before timing
 * a collection of "all dead", so that what is measured is the collector, not
 * the stack. */
__attribute__((noinline)) static void scrub_stack(void) {
    volatile char pad[1 << 16];
    memset((char *)pad, 0, sizeof pad);
}

/* Builds the graph, times a collection with all of it reachable, and drops
 * the root. The root's address lives only in this frame and its callees:
 * once it returns, the caller's callee-saved registers hold none of the
 * graph (a root left in one kept whole lists alive under Boehm). */
__attribute__((noinline)) static double build_collect_drop(struct run *r, int shape, int n) {
    void *root = build(r, shape, n);
    double t0 = now_s();
    (void)r->ops->collect(r->c, r->g);
    double pause = now_s() - t0;
    r->ops->root_remove(r->c, r->g, root);
    return pause;
}

static void bench(const struct hs_subject *s, int shape, int n, const char *shape_name) {
    struct run r = {s->gc_ops, NULL, NULL};
    if (s->open(NULL, &r.c) != 0 || r.ops->create(r.c, (uint64_t)1 << 30, &r.g) != 0) {
        printf("%-8s %-12s could not start\n", s->name, shape_name);
        return;
    }
    double pause_live = build_collect_drop(&r, shape, n);
    scrub_stack();
    double t0 = now_s();
    int64_t freed = r.ops->collect(r.c, r.g);
    double pause_dead = now_s() - t0;
    /* what a second collection finds: objects a conservative scan kept once */
    int64_t freed2 = r.ops->collect(r.c, r.g);
    uint64_t obj_bytes = (uint64_t)n * (16 + (shape == 1 ? 32 : 16) + 16);
    double mark_mbs = (double)obj_bytes / 1e6 / pause_live;
    double sweep_mbs = 0;
    if (strcmp(s->name, "ref-gc") == 0) {
        /* ref-gc's own phase times (ABI handles are opaque: take the last
         * collection's figures from a fresh build on the reference API) */
        hsr_gc_config_t cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.max_bytes = (uint64_t)1 << 30;
        hsr_gc_t *g = NULL;
        if (hsr_gc_create(&cfg, &g) == 0) {
            void *rt = hsr_gc_alloc(g, 4, 16);
            hsr_gc_root_add(g, rt);
            void *prev = rt;
            unsigned seed = 1;
            void **all = malloc(sizeof(void *) * (size_t)n);
            all[0] = rt;
            for (int i = 1; i < n; i++) {
                void *p = hsr_gc_alloc(g, shape == 1 ? 4 : 2, 16);
                all[i] = p;
                if (shape == 0) {
                    hsr_gc_set_ref(g, prev, 0, p);
                } else if (shape == 1) {
                    hsr_gc_set_ref(g, all[i - 1], 0, p);
                    hsr_gc_set_ref(g, p, 1, all[rand_r(&seed) % i]);
                    hsr_gc_set_ref(g, all[rand_r(&seed) % i], 2, p);
                } else {
                    hsr_gc_set_ref(g, all[(i - 1) / 2], (uint32_t)((i - 1) % 2), p);
                }
                prev = p;
            }
            free(all);
            hsr_gc_stats_t st;
            (void)hsr_gc_collect(g);
            hsr_gc_stats(g, &st);
            mark_mbs = (double)st.marked_bytes / 1e6 / ((double)st.mark_ns * 1e-9);
            hsr_gc_root_remove(g, rt);
            (void)hsr_gc_collect(g);
            hsr_gc_stats(g, &st);
            sweep_mbs = (double)st.freed_bytes / 1e6 / ((double)st.sweep_ns * 1e-9);
            hsr_gc_destroy(g);
        }
    }
    printf("%-8s %-12s n=%-8d pause(live)=%8.2f ms  mark=%8.1f MB/s  pause(dead)=%8.2f ms  "
           "sweep=%s%8.1f MB/s  freed=%lld of %d (+%lld at the next collection)\n",
           s->name, shape_name, n, pause_live * 1e3, mark_mbs, pause_dead * 1e3,
           sweep_mbs > 0 ? "" : "(lazy)", sweep_mbs, (long long)freed, n, (long long)freed2);
    r.ops->destroy(r.c, r.g);
    s->close(r.c);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1000000;
    const struct hs_subject *subjects[2] = {hsr_gc_subject(), hsr_boehm_subject()};
    static const char *const shapes[3] = {"list", "random-graph", "binary-tree"};
    /* Each measurement in a child process of its own: a conservative
     * collector kept a dropped graph alive through words left by the graphs
     * measured before it in the same process (freed=0 of 10^6); in a fresh
     * child it frees them all, and the figures are the collector's. */
    for (int k = 0; k < 2; k++) {
        for (int shape = 0; shape < 3; shape++) {
            fflush(stdout);
            pid_t pid = fork();
            if (pid == 0) {
                bench(subjects[k], shape, shape == 1 ? n / 4 : n, shapes[shape]);
                fflush(stdout);
                _exit(0);
            }
            int status = 0;
            if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
                WEXITSTATUS(status) != 0) {
                printf("%-8s %-12s the measurement's process failed (status %#x)\n",
                       subjects[k]->name, shapes[shape], (unsigned)status);
            }
        }
    }
    return 0;
}
