/*
 * gc_test.c — the heap bitmap at its boundaries and the collector against
 * a shadow reachability model (built with HSR_DEBUG=3: hsr_gc_check runs
 * after every mutating call, with the reachability clause after each
 * collection).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/gc.h"
#include "heapspec/space.h"

#define CHECK(c)                                                                   \
    do {                                                                           \
        if (!(c)) {                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);  \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

static int hook_calls;
static char last_msg[240];
static void counting_hook(const char *msg, const void *where) {
    (void)where;
    snprintf(last_msg, sizeof last_msg, "%s", msg);
    hook_calls++;
}

static void walk_collect(uintptr_t addr, void *arg) {
    uintptr_t **out = arg;
    *(*out)++ = addr;
}

static void sweep_collect(void **ptrs, size_t n, void *arg) {
    size_t *total = arg;
    *total += n;
    (void)ptrs;
}

/* Bit arithmetic at word and space boundaries (no memory is touched, so
 * made-up addresses do). */
static void test_bitmap(void) {
    hsr_gc_bitmap_t bm, mk;
    const uintptr_t base = 0x100000;
    const uint64_t cap = 1000; /* 125 granules: word 1 is partial */
    char why[160];
    CHECK(hsr_gc_bitmap_init(&bm, base + 4, cap) == -EINVAL);
    CHECK(hsr_gc_bitmap_init(&bm, base, 0) == -EINVAL);
    CHECK(hsr_gc_bitmap_init(&bm, base, cap) == 0 && bm.nwords == 2);
    CHECK(hsr_gc_bitmap_covers(&bm, base) && hsr_gc_bitmap_covers(&bm, base + cap - 1));
    CHECK(!hsr_gc_bitmap_covers(&bm, base - 8) && !hsr_gc_bitmap_covers(&bm, base + cap));
    const uintptr_t edge[] = {base, base + 8 * 63, base + 8 * 64, base + 992};
    for (size_t i = 0; i < 4; i++) {
        CHECK(hsr_gc_bitmap_test(&bm, edge[i]) == 0);
        CHECK(hsr_gc_bitmap_set(&bm, edge[i]) == 0);
        CHECK(hsr_gc_bitmap_set(&bm, edge[i]) == 1);
        CHECK(hsr_gc_bitmap_test(&bm, edge[i]) == 1);
    }
    CHECK(bm.bits[0] == ((uint64_t)1 | (uint64_t)1 << 63));
    CHECK(bm.bits[1] == ((uint64_t)1 | (uint64_t)1 << 60)); /* granule 124 = 64 + 60 */
    CHECK(bm.max == base + 992 && hsr_gc_bitmap_count(&bm) == 4);
    CHECK(hsr_gc_bitmap_test(&bm, base + 8) == 0 && hsr_gc_bitmap_test(&bm, base + 1000) == 0);
    CHECK(hsr_gc_bitmap_test(&bm, base + 4) == 0); /* unaligned */
    CHECK(hsr_gc_bitmap_check(&bm, why, sizeof why) == 0);
    uintptr_t seen[8], *at = seen;
    hsr_gc_bitmap_walk(&bm, walk_collect, &at);
    CHECK(at - seen == 4);
    for (size_t i = 0; i < 4; i++) {
        CHECK(seen[i] == edge[i]);
    }
    /* misuse: outside or unaligned goes to the hook and changes nothing */
    hsr_spaces_set_usage_error_hook(counting_hook);
    CHECK(hsr_gc_bitmap_set(&bm, base + cap) == 0 && hook_calls == 1);
    CHECK(hsr_gc_bitmap_set(&bm, base - 8) == 0 && hook_calls == 2);
    CHECK(hsr_gc_bitmap_set(&bm, base + 12) == 0 && hook_calls == 3);
    hsr_spaces_set_usage_error_hook(NULL);
    CHECK(hsr_gc_bitmap_count(&bm) == 4);
    /* a corrupt bit past the capacity is caught by the checker */
    bm.bits[1] |= (uint64_t)1 << 62;
    CHECK(hsr_gc_bitmap_check(&bm, why, sizeof why) == -1);
    bm.bits[1] &= ~((uint64_t)1 << 62);
    /* sweep walk: live & ~mark */
    CHECK(hsr_gc_bitmap_init(&mk, base, cap) == 0);
    (void)hsr_gc_bitmap_set(&mk, base + 8 * 64);
    size_t garbage = 0;
    hsr_gc_bitmap_sweep_walk(&bm, &mk, sweep_collect, &garbage);
    CHECK(garbage == 3);
    hsr_gc_bitmap_clear(&bm, base + 992);
    CHECK(hsr_gc_bitmap_test(&bm, base + 992) == 0 && hsr_gc_bitmap_count(&bm) == 3);
    hsr_gc_bitmap_zero(&bm);
    CHECK(hsr_gc_bitmap_count(&bm) == 0 && bm.max == base);
    hsr_gc_bitmap_fini(&bm);
    hsr_gc_bitmap_fini(&mk);
}

static hsr_gc_t *make(uint64_t max, uint32_t stack, uint32_t los_kind) {
    hsr_gc_config_t c;
    memset(&c, 0, sizeof c);
    c.max_bytes = max;
    c.mark_stack_entries = stack;
    c.los_kind = los_kind;
    hsr_gc_t *g = NULL;
    CHECK(hsr_gc_create(&c, &g) == 0);
    return g;
}

static void gc_ok(const hsr_gc_t *g, uint32_t flags) {
    char why[200];
    if (hsr_gc_check(g, flags, why, sizeof why) != 0) {
        fprintf(stderr, "gc check: %s\n", why);
        exit(1);
    }
}

/* Cycles, removed roots, the LOS, the real edge of a space bitmap. */
static void test_basics(void) {
    hsr_gc_config_t bad;
    memset(&bad, 0, sizeof bad);
    hsr_gc_t *g = NULL;
    CHECK(hsr_gc_create(&bad, &g) == -EINVAL);
    g = make(4 << 20, 0, HSR_LOS_FREE_LIST);
    void *a = hsr_gc_alloc(g, 2, 24);
    void *b = hsr_gc_alloc(g, 1, 0);
    void *c = hsr_gc_alloc(g, 1, 0);
    CHECK(a && b && c && hsr_gc_nslots(a) == 2 && hsr_gc_payload_size(a) == 24);
    CHECK(hsr_gc_get_ref(g, a, 0) == NULL && ((char *)hsr_gc_payload(a))[23] == 0);
    hsr_gc_set_ref(g, a, 0, b);
    hsr_gc_set_ref(g, b, 0, c);
    hsr_gc_set_ref(g, c, 0, b); /* b <-> c cycle */
    void *big = hsr_gc_alloc(g, 1, 64 * 1024);
    CHECK(big && hsr_gc_space_of(g, big) == HSR_SPACE_LARGE_OBJECT);
    hsr_gc_set_ref(g, a, 1, big);
    hsr_gc_set_ref(g, big, 0, a);
    CHECK(hsr_gc_root_add(g, a) == 0 && hsr_gc_root_add(g, a) == 0);
    CHECK(hsr_gc_collect(g) == 0);
    CHECK(hsr_gc_is_live(g, a) && hsr_gc_is_live(g, b) && hsr_gc_is_live(g, c) &&
          hsr_gc_is_live(g, big));
    CHECK(hsr_gc_root_remove(g, a) == 0);
    CHECK(hsr_gc_collect(g) == 0); /* still rooted once */
    hsr_gc_set_ref(g, a, 0, NULL);
    CHECK(hsr_gc_collect(g) == 2); /* the b/c cycle */
    CHECK(!hsr_gc_is_live(g, b) && !hsr_gc_is_live(g, c) && hsr_gc_is_live(g, a));
    CHECK(hsr_gc_root_remove(g, a) == 0 && hsr_gc_root_remove(g, a) == -ENOENT);
    CHECK(hsr_gc_collect(g) == 2); /* a <-> big cycle, one in the LOS */
    CHECK(!hsr_gc_is_live(g, a) && !hsr_gc_is_live(g, big));
    hsr_gc_stats_t st;
    hsr_gc_stats(g, &st);
    CHECK(st.objects == 0 && st.bytes == 0 && st.collections == 4);
    /* misuse: slot out of range */
    void *d = hsr_gc_alloc(g, 1, 0);
    hsr_spaces_set_usage_error_hook(counting_hook);
    int before = hook_calls;
    hsr_gc_set_ref(g, d, 1, d);
    CHECK(hook_calls == before + 1 && hsr_gc_get_ref(g, d, 0) == NULL);
    /* the collector's misuse says so (the hook is the spaces' one) */
    CHECK(strncmp(last_msg, "gc: set_ref:", 12) == 0);
    hsr_spaces_set_usage_error_hook(NULL);
    gc_ok(g, 0);
    hsr_gc_destroy(g);
}

/* Randomized graphs against a shadow model. Each object carries its id in
 * the payload; the model keeps ids, edges and roots. */
enum { MAXN = 3000, SLOTS = 4 };
struct shadow {
    void *p[MAXN];
    uint32_t nslots[MAXN];
    int edge[MAXN][SLOTS]; /* -1: NULL */
    int live[MAXN];
    int roots[MAXN]; /* root count */
    int n;
};

static void shadow_reach(const struct shadow *s, int *reach) {
    static int stack[MAXN];
    int sp = 0;
    memset(reach, 0, sizeof(int) * MAXN);
    for (int i = 0; i < s->n; i++) {
        if (s->live[i] && s->roots[i] > 0 && !reach[i]) {
            reach[i] = 1;
            stack[sp++] = i;
        }
    }
    while (sp > 0) {
        int i = stack[--sp];
        for (uint32_t k = 0; k < s->nslots[i]; k++) {
            int t = s->edge[i][k];
            if (t >= 0 && !reach[t]) {
                reach[t] = 1;
                stack[sp++] = t;
            }
        }
    }
}

static void verify_after_collect(hsr_gc_t *g, struct shadow *s) {
    static int reach[MAXN];
    shadow_reach(s, reach);
    for (int i = 0; i < s->n; i++) {
        if (!s->live[i]) {
            continue;
        }
        if (reach[i]) {
            CHECK(hsr_gc_is_live(g, s->p[i]));
            uint64_t id;
            memcpy(&id, hsr_gc_payload(s->p[i]), sizeof id);
            CHECK(id == (uint64_t)i); /* contents unchanged */
            for (uint32_t k = 0; k < s->nslots[i]; k++) {
                void *t = hsr_gc_get_ref(g, s->p[i], k);
                CHECK(t == (s->edge[i][k] < 0 ? NULL : s->p[s->edge[i][k]]));
            }
        } else {
            CHECK(!hsr_gc_is_live(g, s->p[i])); /* freed by this collection */
            s->live[i] = 0;
        }
    }
}

static void test_random(uint32_t stack, uint32_t los_kind, unsigned seed) {
    static struct shadow s;
    memset(&s, 0, sizeof s);
    hsr_gc_t *g = make(64 << 20, stack, los_kind);
    for (int step = 0; step < 6000; step++) {
        int op = rand_r(&seed) % 100;
        if (op < 40 && s.n < MAXN) {
            uint32_t ns = (uint32_t)(rand_r(&seed) % (SLOTS + 1));
            uint64_t pay = 8 + (rand_r(&seed) % 50 == 0 ? 20000u : (uint64_t)(rand_r(&seed) % 64));
            hsr_gc_stats_t st0, st1;
            hsr_gc_stats(g, &st0);
            void *p = hsr_gc_alloc(g, ns, pay);
            CHECK(p != NULL);
            hsr_gc_stats(g, &st1);
            if (st1.collections != st0.collections) {
                verify_after_collect(g, &s); /* the allocation path collected */
            }
            int i = s.n++;
            s.p[i] = p;
            s.nslots[i] = ns;
            s.live[i] = 1;
            for (int k = 0; k < SLOTS; k++) {
                s.edge[i][k] = -1;
            }
            uint64_t id = (uint64_t)i;
            memcpy(hsr_gc_payload(p), &id, sizeof id);
            if (rand_r(&seed) % 4 == 0) {
                CHECK(hsr_gc_root_add(g, p) == 0);
                s.roots[i]++;
            }
        } else if (op < 80 && s.n > 0) {
            int i = rand_r(&seed) % s.n;
            int t = rand_r(&seed) % s.n;
            if (s.live[i] && s.nslots[i] > 0) {
                uint32_t k = (uint32_t)rand_r(&seed) % s.nslots[i];
                if (!s.live[t] || rand_r(&seed) % 5 == 0) {
                    t = -1;
                }
                hsr_gc_set_ref(g, s.p[i], k, t < 0 ? NULL : s.p[t]);
                s.edge[i][k] = t;
            }
        } else if (op < 90 && s.n > 0) {
            int i = rand_r(&seed) % s.n;
            if (s.live[i] && s.roots[i] > 0) {
                CHECK(hsr_gc_root_remove(g, s.p[i]) == 0);
                s.roots[i]--;
            } else if (s.live[i]) {
                CHECK(hsr_gc_root_add(g, s.p[i]) == 0);
                s.roots[i]++;
            }
        } else if (op < 92) {
            CHECK(hsr_gc_collect(g) >= 0);
            verify_after_collect(g, &s);
        }
    }
    CHECK(hsr_gc_collect(g) >= 0);
    verify_after_collect(g, &s);
    for (int i = 0; i < s.n; i++) {
        while (s.live[i] && s.roots[i] > 0) {
            CHECK(hsr_gc_root_remove(g, s.p[i]) == 0);
            s.roots[i]--;
        }
    }
    CHECK(hsr_gc_collect(g) >= 0);
    verify_after_collect(g, &s);
    hsr_gc_stats_t st;
    hsr_gc_stats(g, &st);
    CHECK(st.objects == 0);
    hsr_gc_destroy(g);
}

/* dvmMalloc: garbage never makes allocation fail; a full heap fails
 * cleanly and recovers once the roots go. */
static void test_alloc_path(void) {
    hsr_gc_t *g = make(256 << 10, 0, HSR_LOS_FREE_LIST);
    for (int i = 0; i < 5000; i++) {
        CHECK(hsr_gc_alloc(g, 1, 100) != NULL); /* all garbage */
    }
    hsr_gc_stats_t st;
    hsr_gc_stats(g, &st);
    CHECK(st.collections > 0 && st.bytes <= (256 << 10));
    void *head = hsr_gc_alloc(g, 1, 100);
    CHECK(head != NULL && hsr_gc_root_add(g, head) == 0);
    void *tail = head;
    int n = 1;
    for (;;) {
        void *p = hsr_gc_alloc(g, 1, 100);
        if (p == NULL) {
            break;
        }
        hsr_gc_set_ref(g, tail, 0, p);
        tail = p;
        n++;
    }
    CHECK(n > 1000);
    CHECK(hsr_gc_alloc(g, 0, 1 << 20) == NULL); /* larger than the whole heap */
    gc_ok(g, HSR_GC_CHECK_REACHABLE);
    CHECK(hsr_gc_root_remove(g, head) == 0);
    CHECK(hsr_gc_alloc(g, 1, 100) != NULL); /* collects the chain */
    hsr_gc_stats(g, &st);
    CHECK(st.objects < 10);
    hsr_gc_destroy(g);
}

struct find_ctx {
    void *by_id[64];
};

static void find_fn(void *obj, void *arg) {
    struct find_ctx *f = arg;
    uint64_t id;
    memcpy(&id, hsr_gc_payload(obj), sizeof id);
    if (id < 64) {
        f->by_id[id] = obj;
    }
}

/* The zygote split under the collector: references fixed, zygote objects
 * never freed and marked through. */
static void test_zygote(void) {
    hsr_gc_t *g = make(8 << 20, 0, HSR_LOS_FREE_LIST);
    void *o[8];
    for (uint64_t i = 0; i < 8; i++) {
        o[i] = hsr_gc_alloc(g, 2, 8);
        CHECK(o[i] != NULL);
        memcpy(hsr_gc_payload(o[i]), &i, 8);
    }
    hsr_gc_set_ref(g, o[0], 0, o[1]); /* root 0 -> 1 -> 2 */
    hsr_gc_set_ref(g, o[1], 0, o[2]);
    hsr_gc_set_ref(g, o[3], 0, o[4]); /* 3 -> 4, unrooted */
    CHECK(hsr_gc_root_add(g, o[0]) == 0);
    uint64_t moved = 0;
    CHECK(hsr_gc_zygote_split(g, &moved) == 0 && moved == 8);
    uint64_t again = 0;
    CHECK(hsr_gc_zygote_split(g, &again) == -EPERM);
    struct find_ctx f;
    memset(&f, 0, sizeof f);
    hsr_gc_walk(g, find_fn, &f);
    for (int i = 0; i < 8; i++) {
        CHECK(f.by_id[i] != NULL && f.by_id[i] != o[i]);
        CHECK(hsr_gc_space_of(g, f.by_id[i]) == HSR_SPACE_ZYGOTE);
    }
    CHECK(hsr_gc_get_ref(g, f.by_id[0], 0) == f.by_id[1]);
    CHECK(hsr_gc_get_ref(g, f.by_id[1], 0) == f.by_id[2]);
    CHECK(hsr_gc_get_ref(g, f.by_id[3], 0) == f.by_id[4]);
    /* A new object referenced only from an unrooted zygote object lives. */
    void *n1 = hsr_gc_alloc(g, 0, 8);
    void *n2 = hsr_gc_alloc(g, 0, 8);
    CHECK(hsr_gc_space_of(g, n1) == HSR_SPACE_MAIN);
    hsr_gc_set_ref(g, f.by_id[5], 1, n1);
    CHECK(hsr_gc_collect(g) == 1); /* only n2 */
    CHECK(hsr_gc_is_live(g, n1) && !hsr_gc_is_live(g, n2));
    for (int i = 0; i < 8; i++) {
        CHECK(hsr_gc_is_live(g, f.by_id[i]));
    }
    CHECK(hsr_gc_root_remove(g, f.by_id[0]) == 0); /* the root moved with it */
    CHECK(hsr_gc_collect(g) == 0);
    gc_ok(g, HSR_GC_CHECK_REACHABLE);
    hsr_gc_destroy(g);
}

int main(void) {
    test_bitmap();
    test_basics();
    test_random(4096, HSR_LOS_FREE_LIST, 1);
    test_random(2, HSR_LOS_MAP, 2); /* tiny stack: overflow recovery all along */
    test_alloc_path();
    test_zygote();
    printf("gc_test: all passed\n");
    return 0;
}
