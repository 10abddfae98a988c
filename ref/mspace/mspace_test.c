/*
 * mspace_test.c — unit tests of the reference mspace, one function per
 * property (built with HSR_MSPACE_DEBUG: the walker also runs inside every
 * mutating call, and a failure there aborts through the default hook).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "ref/mspace/test_util.h"
#include "ref/mspace/track.h"

static const size_t kAlign = _Alignof(max_align_t);

/* ---- recording usage-error hook ---- */
static int n_errors;
static hsr_usage_error_t last_kind;
static const void *last_ptr;

static void record_hook(hsr_usage_error_t kind, const char *what, const void *ptr, void *arg) {
    (void)what;
    (void)arg;
    n_errors++;
    last_kind = kind;
    last_ptr = ptr;
}

static void test_basic(void) {
    hsr_mspace_t *ms = hsr_mspace_create(0, 0);
    void *p[64];
    size_t i;
    CHECK(ms != NULL);
    CHECK(hsr_mspace_footprint_limit(ms) == SIZE_MAX);
    for (i = 0; i < 64; i++) {
        size_t n = i * 37 + 1;
        p[i] = hsr_mspace_malloc(ms, n);
        CHECK(p[i] != NULL);
        CHECK((uintptr_t)p[i] % kAlign == 0);
        CHECK(hsr_mspace_usable_size(ms, p[i]) >= n);
        memset(p[i], (int)i, n);
    }
    for (i = 0; i < 64; i++) {
        size_t j;
        for (j = 0; j < i * 37 + 1; j++) {
            CHECK(((unsigned char *)p[i])[j] == (unsigned char)i);
        }
    }
    for (i = 0; i < 64; i += 2) {
        hsr_mspace_free(ms, p[i]);
    }
    CHECK_HEAP(ms);
    for (i = 1; i < 64; i += 2) {
        hsr_mspace_free(ms, p[i]);
    }
    CHECK_HEAP(ms);
    {
        hsr_mspace_stats_t st;
        CHECK(hsr_mspace_mallinfo(ms, &st) == 0);
        CHECK(st.used_bytes == 0 && st.used_blocks == 0);
        CHECK(st.free_chunks == 1); /* everything merged back into the top */
        CHECK(st.used_bytes + st.free_bytes + st.overhead_bytes == st.footprint);
    }
    /* malloc(0) is a unique, freeable block */
    {
        void *a = hsr_mspace_malloc(ms, 0);
        void *b = hsr_mspace_malloc(ms, 0);
        CHECK(a != NULL && b != NULL && a != b);
        hsr_mspace_free(ms, a);
        hsr_mspace_free(ms, b);
    }
    hsr_mspace_free(ms, NULL);
    CHECK(hsr_mspace_destroy(ms) >= 64 * 1024);
}

static void test_with_base(void) {
    static _Alignas(64) unsigned char buf[1 << 16];
    hsr_mspace_t *ms;
    size_t min = hsr_mspace_min_capacity();
    void *p;
    size_t got = 0;

    CHECK(hsr_mspace_create_with_base(buf, min - 1, 0) == NULL);
    CHECK(hsr_mspace_create_with_base(NULL, sizeof buf, 0) == NULL);
    ms = hsr_mspace_create_with_base(buf, min, 0);
    CHECK(ms != NULL);
    CHECK_HEAP(ms);
    p = hsr_mspace_malloc(ms, 1);
    CHECK(p != NULL);
    CHECK(hsr_mspace_malloc(ms, 1) == NULL); /* exactly one minimum chunk fits */
    CHECK(hsr_mspace_footprint(ms) == min);
    CHECK(hsr_mspace_destroy(ms) == 0);

    /* unaligned base, odd capacity: everything inside [base, base + cap) */
    ms = hsr_mspace_create_with_base(buf + 3, sizeof buf - 100, 1);
    CHECK(ms != NULL);
    CHECK((unsigned char *)ms >= buf + 3);
    CHECK(hsr_mspace_footprint(ms) == sizeof buf - 100);
    for (;;) {
        p = hsr_mspace_malloc(ms, 100);
        if (p == NULL) {
            break;
        }
        CHECK((unsigned char *)p >= buf + 3 &&
              (unsigned char *)p + 100 <= buf + 3 + sizeof buf - 100);
        got++;
    }
    CHECK(got > 400);                                    /* it filled up ... */
    CHECK(hsr_mspace_footprint(ms) == sizeof buf - 100); /* ... without growing */
    CHECK(hsr_mspace_trim(ms, 0) == 0);
    CHECK_HEAP(ms);
    hsr_mspace_destroy(ms);
    memset(buf, 0, sizeof buf); /* the base is the caller's again */
}

static void test_overflow(void) {
    hsr_mspace_t *ms = hsr_mspace_create(0, 0);
    void *p = hsr_mspace_malloc(ms, 10);
    CHECK(p != NULL);
    memcpy(p, "abcdefghi", 10);
    CHECK(hsr_mspace_malloc(ms, (size_t)PTRDIFF_MAX + 1) == NULL);
    CHECK(hsr_mspace_malloc(ms, SIZE_MAX) == NULL);
    CHECK(hsr_mspace_malloc(ms, SIZE_MAX - 8) == NULL);
    CHECK(hsr_mspace_calloc(ms, SIZE_MAX / 2, 3) == NULL);
    CHECK(hsr_mspace_calloc(ms, (size_t)1 << 32, (size_t)1 << 32) == NULL);
    CHECK(hsr_mspace_memalign(ms, 64, SIZE_MAX - 100) == NULL);
    CHECK(hsr_mspace_memalign(ms, (size_t)1 << 62, 1) == NULL);
    CHECK(hsr_mspace_memalign(ms, SIZE_MAX, 1) == NULL);
    CHECK(hsr_mspace_realloc(ms, p, SIZE_MAX) == NULL);
    CHECK(hsr_mspace_realloc(ms, p, (size_t)PTRDIFF_MAX + 1) == NULL);
    CHECK(memcmp(p, "abcdefghi", 10) == 0); /* untouched and live */
    CHECK(hsr_mspace_malloc(ms, (size_t)2 << 30) == NULL); /* above the reservation */
    CHECK_HEAP(ms);
    hsr_mspace_free(ms, p);
    hsr_mspace_destroy(ms);
}

static void test_calloc_zero(void) {
    hsr_mspace_t *ms = hsr_mspace_create(0, 0);
    unsigned char *p = hsr_mspace_malloc(ms, 4000);
    unsigned char *q;
    size_t i;
    memset(p, 0xAB, 4000);
    hsr_mspace_free(ms, p);
    q = hsr_mspace_calloc(ms, 1000, 4); /* reuses the dirty chunk */
    CHECK(q != NULL);
    for (i = 0; i < 4000; i++) {
        CHECK(q[i] == 0);
    }
    hsr_mspace_free(ms, q);
    hsr_mspace_destroy(ms);
}

static void test_realloc(void) {
    hsr_mspace_t *ms = hsr_mspace_create(0, 0);
    unsigned char *p = hsr_mspace_malloc(ms, 100);
    unsigned char *q;
    unsigned char *guard;
    size_t i;
    for (i = 0; i < 100; i++) {
        p[i] = (unsigned char)i;
    }
    /* grow into the top: in place */
    q = hsr_mspace_realloc(ms, p, 5000);
    CHECK(q == p);
    for (i = 0; i < 100; i++) {
        CHECK(q[i] == (unsigned char)i);
    }
    /* shrink in place */
    CHECK(hsr_mspace_realloc_in_place(ms, q, 50) == q);
    CHECK(hsr_mspace_usable_size(ms, q) < 5000);
    guard = hsr_mspace_malloc(ms, 10); /* blocks growth into the top */
    CHECK(guard != NULL);
    CHECK(hsr_mspace_realloc_in_place(ms, q, 100000) == NULL);
    for (i = 0; i < 50; i++) {
        CHECK(q[i] == (unsigned char)i);
    }
    /* a move keeps the contents */
    p = hsr_mspace_realloc(ms, q, 100000);
    CHECK(p != NULL && p != q);
    for (i = 0; i < 50; i++) {
        CHECK(p[i] == (unsigned char)i);
    }
    /* grow into a free neighbour: in place (a fresh mspace: a, b, c adjacent) */
    {
        hsr_mspace_t *m2 = hsr_mspace_create(0, 0);
        unsigned char *a = hsr_mspace_malloc(m2, 64);
        unsigned char *b = hsr_mspace_malloc(m2, 512);
        unsigned char *c = hsr_mspace_malloc(m2, 64);
        CHECK(b > a && c > b);
        memset(a, 7, 64);
        hsr_mspace_free(m2, b);
        CHECK(hsr_mspace_realloc_in_place(m2, a, 300) == a);
        CHECK(a[63] == 7);
        CHECK(hsr_mspace_usable_size(m2, a) >= 300);
        CHECK(hsr_mspace_realloc_in_place(m2, a, 592) == a); /* all of b's room */
        CHECK(hsr_mspace_realloc_in_place(m2, a, 600) == NULL);
        CHECK_HEAP(m2);
        hsr_mspace_free(m2, a);
        hsr_mspace_free(m2, c);
        hsr_mspace_destroy(m2);
    }
    /* realloc(NULL, n) is malloc; realloc(p, 0) keeps a minimum block */
    q = hsr_mspace_realloc(ms, NULL, 10);
    CHECK(q != NULL);
    CHECK(hsr_mspace_realloc(ms, q, 0) == q);
    hsr_mspace_free(ms, q);
    hsr_mspace_free(ms, p);
    hsr_mspace_free(ms, guard);
    CHECK_HEAP(ms);
    hsr_mspace_destroy(ms);
}

static void test_memalign(void) {
    hsr_mspace_t *ms = hsr_mspace_create(0, 0);
    size_t a;
    void *keep[32];
    size_t n = 0;
    for (a = 1; a <= 65536; a *= 2) {
        void *p = hsr_mspace_memalign(ms, a, 100);
        CHECK(p != NULL);
        CHECK((uintptr_t)p % (a < kAlign ? kAlign : a) == 0);
        CHECK(hsr_mspace_usable_size(ms, p) >= 100);
        memset(p, 1, 100);
        keep[n++] = p;
        CHECK_HEAP(ms);
    }
    {
        void *p = hsr_mspace_memalign(ms, 48, 10); /* not a power of two: 64 */
        CHECK(p != NULL && (uintptr_t)p % 64 == 0);
        keep[n++] = p;
    }
    while (n > 0) {
        hsr_mspace_free(ms, keep[--n]);
    }
    CHECK_HEAP(ms);
    hsr_mspace_destroy(ms);
}

static void test_bulk_free(void) {
    hsr_mspace_t *ms = hsr_mspace_create(0, 0);
    hsr_mspace_t *other = hsr_mspace_create(0, 0);
    void *arr[10];
    void *foreign = hsr_mspace_malloc(other, 10);
    size_t i;
    for (i = 0; i < 10; i++) {
        arr[i] = i % 3 == 0 ? NULL : i == 4 ? foreign : hsr_mspace_malloc(ms, i * 10);
    }
    CHECK(hsr_mspace_bulk_free(ms, arr, 10) == 1);
    for (i = 0; i < 10; i++) {
        CHECK(arr[i] == (i == 4 ? foreign : NULL));
    }
    {
        hsr_mspace_stats_t st;
        hsr_mspace_mallinfo(ms, &st);
        CHECK(st.used_blocks == 0);
    }
    CHECK_HEAP(ms);
    hsr_mspace_free(other, foreign);
    hsr_mspace_destroy(ms);
    hsr_mspace_destroy(other);
}

static void test_trim(void) {
    hsr_mspace_t *ms = hsr_mspace_create(0, 0);
    void *p[100];
    size_t i;
    size_t before;
    for (i = 0; i < 100; i++) {
        p[i] = hsr_mspace_malloc(ms, 8000);
        CHECK(p[i] != NULL);
    }
    before = hsr_mspace_footprint(ms);
    CHECK(before >= 800000);
    CHECK(hsr_mspace_max_footprint(ms) == before);
    for (i = 0; i < 100; i++) {
        hsr_mspace_free(ms, p[i]);
    }
    CHECK(hsr_mspace_trim(ms, 0) == 1);
    CHECK(hsr_mspace_footprint(ms) < before / 10);
    CHECK(hsr_mspace_max_footprint(ms) == before);
    CHECK(hsr_mspace_trim(ms, 0) == 0); /* nothing left to give */
    CHECK_HEAP(ms);
    /* and it grows again */
    p[0] = hsr_mspace_malloc(ms, 500000);
    CHECK(p[0] != NULL);
    memset(p[0], 3, 500000);
    hsr_mspace_free(ms, p[0]);
    hsr_mspace_destroy(ms);
}

static void test_footprint_limit(void) {
    hsr_mspace_t *ms = hsr_mspace_create(64 * 1024, 0);
    void *p;
    size_t fp = hsr_mspace_footprint(ms);
    CHECK(hsr_mspace_set_footprint_limit(ms, 1) == 4096); /* page-rounded */
    CHECK(hsr_mspace_footprint_limit(ms) == 4096);
    CHECK(hsr_mspace_footprint(ms) == fp); /* nothing released */
    p = hsr_mspace_malloc(ms, 30000);      /* fits in what is committed */
    CHECK(p != NULL);
    CHECK(hsr_mspace_malloc(ms, 100000) == NULL); /* would need growth */
    CHECK_HEAP(ms);
    CHECK(hsr_mspace_set_footprint_limit(ms, 300000) == 303104);
    CHECK(hsr_mspace_malloc(ms, 400000) == NULL); /* above the limit */
    {
        void *q = hsr_mspace_malloc(ms, 100000);
        CHECK(q != NULL);
        CHECK(hsr_mspace_footprint(ms) <= 303104);
        hsr_mspace_free(ms, q);
    }
    CHECK(hsr_mspace_set_footprint_limit(ms, SIZE_MAX) == SIZE_MAX);
    {
        void *q = hsr_mspace_malloc(ms, 400000);
        CHECK(q != NULL);
        hsr_mspace_free(ms, q);
    }
    hsr_mspace_free(ms, p);
    hsr_mspace_destroy(ms);
}

/* Fail the Nth growth request for N = 1..k: every entry point fails cleanly,
 * the heap stays consistent, and later requests succeed. */
static void test_fail_nth(void) {
    uint64_t nth;
    for (nth = 1; nth <= 12; nth++) {
        hsr_mspace_t *ms = hsr_mspace_create(4096, 0);
        void *blocks[400];
        size_t n = 0;
        size_t fails = 0;
        size_t i;
        hsr_mspace_fail_nth(ms, nth);
        for (i = 0; i < 400; i++) {
            size_t sz = 1000 + (i % 7) * 3000;
            void *p;
            switch (i % 4) {
            case 0:
                p = hsr_mspace_malloc(ms, sz);
                break;
            case 1:
                p = hsr_mspace_calloc(ms, sz, 1);
                break;
            case 2:
                p = hsr_mspace_memalign(ms, 256, sz);
                break;
            default:
                /* in place: one growth attempt, so an injected failure shows
                 * (realloc may absorb it by moving, which is also clean) */
                p = n > 0 ? hsr_mspace_realloc_in_place(ms, blocks[n - 1], sz + 70000) : NULL;
                if (p != NULL) {
                    n--; /* same block, stored again below */
                } else if (n > 0) {
                    void *q = hsr_mspace_realloc(ms, blocks[n - 1], sz);
                    CHECK(q != NULL); /* shrinking or moving within memory we have */
                    blocks[n - 1] = q;
                }
                break;
            }
            CHECK_HEAP(ms);
            if (p == NULL) {
                fails++;
                continue;
            }
            memset(p, (int)i, sz);
            blocks[n++] = p;
        }
        CHECK(fails >= 1); /* the injected failure was seen ... */
        CHECK(n > 250);    /* ... and the heap kept serving afterwards (300 max) */
        for (i = 0; i < n; i++) {
            hsr_mspace_free(ms, blocks[i]);
        }
        CHECK_HEAP(ms);
        hsr_mspace_destroy(ms);
    }
}

static void test_misuse(void) {
    hsr_mspace_t *ms = hsr_mspace_create(0, 0);
    hsr_mspace_t *other = hsr_mspace_create(0, 0);
    char *p = hsr_mspace_malloc(ms, 100);
    char *q = hsr_mspace_malloc(ms, 100);
    char *o = hsr_mspace_malloc(other, 100);
    int local;
    hsr_set_usage_error_hook(record_hook, NULL);

    hsr_mspace_free(ms, p);
    hsr_mspace_free(ms, p); /* double free */
    CHECK(n_errors == 1 && last_kind == HSR_USAGE_DOUBLE_FREE && last_ptr == p);
    hsr_mspace_free(ms, &local); /* a stack address */
    CHECK(n_errors == 2 && last_kind == HSR_USAGE_FOREIGN_POINTER);
    hsr_mspace_free(ms, o); /* another mspace's block */
    CHECK(n_errors == 3 && last_kind == HSR_USAGE_FOREIGN_POINTER && last_ptr == o);
    hsr_mspace_free(ms, q + 32); /* interior */
    CHECK(n_errors == 4 && last_kind == HSR_USAGE_INTERIOR_POINTER);
    hsr_mspace_free(ms, q + 1); /* misaligned interior */
    CHECK(n_errors == 5);
    CHECK(hsr_mspace_realloc(ms, p, 10) == NULL); /* realloc of a freed block */
    CHECK(n_errors == 6 && last_kind == HSR_USAGE_DOUBLE_FREE);
    CHECK(hsr_mspace_usable_size(ms, q + 16) == 0);
    CHECK(n_errors == 7);
    {
        void *arr[2] = {p, q};
        CHECK(hsr_mspace_bulk_free(ms, arr, 2) == 1); /* p already free */
        CHECK(n_errors == 8 && arr[0] == p && arr[1] == NULL);
    }
    CHECK_HEAP(ms);
    CHECK_HEAP(other);
    hsr_mspace_free(other, o);
    hsr_mspace_destroy(ms);
    {
        /* a destroyed handle (with-base: its memory is still mapped) */
        static _Alignas(16) char base[8192];
        hsr_mspace_t *dead = hsr_mspace_create_with_base(base, sizeof base, 0);
        CHECK(dead != NULL);
        hsr_mspace_destroy(dead);
        hsr_mspace_free(dead, o);
        CHECK(n_errors == 9 && last_kind == HSR_USAGE_BAD_HANDLE);
        CHECK(hsr_mspace_check(dead, NULL, 0) == -1);
    }
    hsr_mspace_destroy(other);
    hsr_set_usage_error_hook(NULL, NULL);
}

struct walk_acc {
    char *expect; /* where the next region must start */
    size_t regions;
    size_t used;
    size_t free_regions;
};

static void walk_fn(void *start, void *end, size_t used, void *arg) {
    struct walk_acc *w = arg;
    CHECK((char *)end > (char *)start);
    if (used > 0) {
        CHECK((size_t)((char *)end - (char *)start) == used);
    } else {
        w->free_regions++;
        if (w->expect != NULL) {
            CHECK((char *)start == w->expect);
        }
    }
    w->regions++;
    w->used += used;
    w->expect = end;
}

static void test_inspect(void) {
    hsr_mspace_t *ms = hsr_mspace_create(0, 0);
    void *p[20];
    size_t i;
    size_t usable = 0;
    struct walk_acc w = {NULL, 0, 0, 0};
    for (i = 0; i < 20; i++) {
        p[i] = hsr_mspace_malloc(ms, 50 + i * 20);
    }
    for (i = 0; i < 20; i += 3) {
        hsr_mspace_free(ms, p[i]);
        p[i] = NULL;
    }
    for (i = 0; i < 20; i++) {
        if (p[i] != NULL) {
            usable += hsr_mspace_usable_size(ms, p[i]);
        }
    }
    hsr_mspace_inspect_all(ms, walk_fn, &w);
    CHECK(w.used == usable);
    CHECK(w.regions == 20 + 1);   /* every chunk and the top */
    CHECK(w.free_regions == 7 + 1); /* freed ones (none adjacent) + top */
    for (i = 0; i < 20; i++) {
        hsr_mspace_free(ms, p[i]);
    }
    hsr_mspace_destroy(ms);
}

/* ---- a locked mspace shared by threads ---- */
static hsr_mspace_t *shared_ms;

static void *thread_body(void *arg) {
    void *mine[64] = {0};
    unsigned seed = (unsigned)(uintptr_t)arg;
    int i;
    for (i = 0; i < 20000; i++) {
        unsigned k;
        seed = seed * 1103515245u + 12345u;
        k = (seed >> 8) % 64;
        if (mine[k] != NULL) {
            CHECK(*(unsigned char *)mine[k] == (unsigned char)k);
            hsr_mspace_free(shared_ms, mine[k]);
            mine[k] = NULL;
        } else {
            mine[k] = hsr_mspace_malloc(shared_ms, 16 + (seed >> 16) % 2000);
            CHECK(mine[k] != NULL);
            *(unsigned char *)mine[k] = (unsigned char)k;
        }
    }
    for (i = 0; i < 64; i++) {
        hsr_mspace_free(shared_ms, mine[i]);
    }
    return NULL;
}

static void test_threads(void) {
    pthread_t t[4];
    size_t i;
    shared_ms = hsr_mspace_create(0, 1);
    for (i = 0; i < 4; i++) {
        CHECK(pthread_create(&t[i], NULL, thread_body, (void *)(i + 1)) == 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
    }
    CHECK_HEAP(shared_ms);
    {
        hsr_mspace_stats_t st;
        hsr_mspace_mallinfo(shared_ms, &st);
        CHECK(st.used_blocks == 0);
    }
    hsr_mspace_destroy(shared_ms);
}

/* reset: the same mspace, as create left it, whatever it went through:
 * blocks, growth past the first granule, a trim below it, a limit. */
static void test_reset(void) {
    hsr_mspace_t *fresh = hsr_mspace_create(0, 1);
    hsr_mspace_stats_t want;
    hsr_mspace_stats_t got;
    CHECK(fresh != NULL);
    CHECK(hsr_mspace_mallinfo(fresh, &want) == 0);
    for (int round = 0; round < 3; round++) {
        hsr_mspace_t *ms = hsr_mspace_create(0, 1);
        void *small;
        void *big;
        CHECK(ms != NULL);
        small = hsr_mspace_malloc(ms, 100);
        big = hsr_mspace_malloc(ms, 1u << 20); /* grows past the first 64 KiB */
        CHECK(small != NULL && big != NULL);
        memset(small, 0xab, 100);
        memset(big, 0xcd, 1u << 20);
        if (round == 1) {
            hsr_mspace_free(ms, small);
            hsr_mspace_free(ms, big);
            CHECK(hsr_mspace_trim(ms, 0) == 1);
            CHECK(hsr_mspace_footprint(ms) < want.footprint); /* below the first granule */
        }
        if (round == 2) {
            CHECK(hsr_mspace_set_footprint_limit(ms, 2u << 20) != SIZE_MAX);
        }
        const unsigned char *seg_first = (const unsigned char *)ms;
        CHECK(hsr_mspace_reset(ms) == 0);
        CHECK_HEAP(ms);
        CHECK(hsr_mspace_mallinfo(ms, &got) == 0);
        CHECK(got.footprint == want.footprint && got.max_footprint == want.footprint);
        CHECK(got.footprint_limit == SIZE_MAX);
        CHECK(got.used_bytes == 0 && got.used_blocks == 0 && got.free_bytes == want.free_bytes);
        CHECK(hsr_mspace_footprint_limit(ms) == SIZE_MAX);
        /* Every byte reads as zero again, in the first granule (past the
         * state and the top header) and above it. Not under memcheck, for
         * which a malloc'd block is undefined, as it should be. */
        unsigned char *again = hsr_mspace_malloc(ms, 2u << 20);
        CHECK(again != NULL);
        if (!hsri_on_valgrind()) {
            for (size_t i = 4096; i < want.footprint; i++) {
                CHECK(seg_first[i] == 0);
            }
            for (size_t i = 0; i < (2u << 20); i++) {
                CHECK(again[i] == 0);
            }
        }
        CHECK_HEAP(ms);
        CHECK(hsr_mspace_destroy(ms) > 0);
    }
    /* Inside the first granule only: reset zeroes up to the highest top
     * header (the blocks and the top's old header left behind when the
     * blocks merged back into it), not the whole granule. */
    {
        hsr_mspace_t *ms = hsr_mspace_create(0, 1);
        CHECK(ms != NULL);
        unsigned char *a = hsr_mspace_malloc(ms, 9000);
        unsigned char *b = hsr_mspace_malloc(ms, 7000);
        CHECK(a != NULL && b != NULL);
        memset(a, 0xab, 9000);
        memset(b, 0xcd, 7000);
        hsr_mspace_free(ms, b); /* into the top: its header is left at b's end */
        hsr_mspace_free(ms, a);
        CHECK(hsr_mspace_footprint(ms) == want.footprint);
        CHECK(hsr_mspace_reset(ms) == 0);
        CHECK_HEAP(ms);
        /* one block over where a, b and the old top header were */
        unsigned char *again = hsr_mspace_malloc(ms, 32768);
        CHECK(again != NULL && again <= a);
        if (!hsri_on_valgrind()) {
            for (size_t i = 0; i < 32768; i++) {
                CHECK(again[i] == 0);
            }
        }
        CHECK_HEAP(ms);
        CHECK(hsr_mspace_destroy(ms) > 0);
    }
    /* a with-base mspace is the caller's memory: no reset */
    static unsigned char buf[8192];
    hsr_mspace_t *wb = hsr_mspace_create_with_base(buf, sizeof buf, 0);
    CHECK(wb != NULL);
    CHECK(hsr_mspace_reset(wb) == -EINVAL);
    CHECK_HEAP(wb);
    CHECK(hsr_mspace_destroy(wb) == 0);
    CHECK(hsr_mspace_destroy(fresh) > 0);
}

int main(void) {
    test_basic();
    test_with_base();
    test_overflow();
    test_calloc_zero();
    test_realloc();
    test_memalign();
    test_bulk_free();
    test_trim();
    test_footprint_limit();
    test_fail_nth();
    test_misuse();
    test_inspect();
    test_threads();
    test_reset();
    printf("mspace_test: all passed\n");
    return 0;
}
