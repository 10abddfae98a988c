/*
 * mspace_random_test.c — randomized differential test: 10^5 operations
 * (malloc, calloc, realloc, realloc_in_place, memalign, free, bulk_free,
 * trim, footprint-limit changes, injected morecore failures) against a
 * shadow model of the live blocks. After every operation:
 *   - hsr_mspace_check passes;
 *   - the mallinfo counters equal the shadow's block count;
 * and every block's contents (a per-block byte pattern) are verified before
 * it is freed or resized, so overlapping blocks or a lost copy are caught.
 * A fixed seed makes failures reproducible (argv[1] overrides it).
 */
#include <stdint.h>
#include <string.h>

#include "ref/mspace/test_util.h"

#define NSLOTS 512
#define NOPS 100000

struct slot {
    unsigned char *p; /* NULL when empty */
    size_t n;         /* requested size */
    size_t align;     /* requested alignment (0: natural) */
    unsigned char fill;
};

static struct slot slots[NSLOTS];
static uint64_t rng_state;

static uint64_t rnd(void) {
    /* xorshift64*: small, decent, deterministic */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static size_t rnd_size(void) {
    switch (rnd() % 8) {
    case 0:
        return (size_t)(rnd() % 16);
    case 1:
    case 2:
    case 3:
        return (size_t)(rnd() % 256);
    case 4:
    case 5:
        return (size_t)(rnd() % 4096);
    case 6:
        return (size_t)(rnd() % 65536);
    default:
        return (size_t)(rnd() % 400000);
    }
}

static void verify(const struct slot *s) {
    size_t i;
    for (i = 0; i < s->n; i++) {
        if (s->p[i] != s->fill) {
            fprintf(stderr, "block %p byte %zu: %u != %u\n", (void *)s->p, i, s->p[i], s->fill);
            exit(1);
        }
    }
    if (s->align > 0) {
        CHECK((uintptr_t)s->p % s->align == 0);
    }
}

static void put(hsr_mspace_t *ms, struct slot *s, void *p, size_t n, size_t align) {
    s->p = p;
    s->n = n;
    s->align = align;
    s->fill = (unsigned char)(rnd() | 1);
    CHECK((uintptr_t)p % _Alignof(max_align_t) == 0);
    CHECK(hsr_mspace_usable_size(ms, p) >= n);
    memset(p, s->fill, n);
}

int main(int argc, char **argv) {
    hsr_mspace_t *ms = hsr_mspace_create(0, 0);
    long op;
    size_t live = 0;
    size_t nulls = 0;
    rng_state = argc > 1 ? strtoull(argv[1], NULL, 0) : 0x9e3779b97f4a7c15ull;
    CHECK(ms != NULL);

    for (op = 0; op < NOPS; op++) {
        struct slot *s = &slots[rnd() % NSLOTS];
        unsigned kind = (unsigned)(rnd() % 100);
        void *p;
        size_t n = rnd_size();

        if (kind < 2) {
            /* environment changes: limit, injected failures, trim */
            switch (rnd() % 3) {
            case 0: {
                size_t lim = rnd() % 2 ? SIZE_MAX : hsr_mspace_footprint(ms) + (size_t)(rnd() % (1u << 20));
                size_t got = hsr_mspace_set_footprint_limit(ms, lim);
                CHECK(got >= lim && hsr_mspace_footprint_limit(ms) == got);
                break;
            }
            case 1:
                hsr_mspace_fail_nth(ms, 1 + rnd() % 4);
                break;
            default: {
                size_t before = hsr_mspace_footprint(ms);
                int r = hsr_mspace_trim(ms, (size_t)(rnd() % 100000));
                CHECK(r == 0 ? hsr_mspace_footprint(ms) == before
                             : hsr_mspace_footprint(ms) < before);
                break;
            }
            }
        } else if (s->p == NULL) {
            size_t align = 0;
            if (kind < 60) {
                p = hsr_mspace_malloc(ms, n);
            } else if (kind < 80) {
                p = hsr_mspace_calloc(ms, n, 1);
                if (p != NULL) {
                    size_t i;
                    for (i = 0; i < n; i++) {
                        CHECK(((unsigned char *)p)[i] == 0);
                    }
                }
            } else {
                align = (size_t)1 << (rnd() % 14);
                p = hsr_mspace_memalign(ms, align, n);
            }
            if (p == NULL) {
                nulls++;
            } else {
                put(ms, s, p, n, align);
                live++;
            }
        } else {
            verify(s);
            if (kind < 50) {
                if (rnd() % 8 == 0) {
                    void *arr[3] = {NULL, s->p, NULL};
                    CHECK(hsr_mspace_bulk_free(ms, arr, 3) == 0 && arr[1] == NULL);
                } else {
                    hsr_mspace_free(ms, s->p);
                }
                s->p = NULL;
                live--;
            } else if (kind < 85) {
                p = hsr_mspace_realloc(ms, s->p, n);
                if (p == NULL) {
                    nulls++;
                    verify(s); /* failure leaves the block intact */
                } else {
                    size_t keep = n < s->n ? n : s->n;
                    size_t i;
                    for (i = 0; i < keep; i++) {
                        CHECK(((unsigned char *)p)[i] == s->fill);
                    }
                    put(ms, s, p, n, 0);
                }
            } else {
                p = hsr_mspace_realloc_in_place(ms, s->p, n);
                if (p == NULL) {
                    verify(s);
                } else {
                    CHECK(p == s->p);
                    verify(&(struct slot){s->p, n < s->n ? n : s->n, s->align, s->fill});
                    s->n = n;
                    memset(p, s->fill, n);
                }
            }
        }
        CHECK_HEAP(ms);
        {
            hsr_mspace_stats_t st;
            CHECK(hsr_mspace_mallinfo(ms, &st) == 0);
            CHECK(st.used_blocks == live);
            CHECK(st.footprint <= st.max_footprint);
            CHECK(st.used_bytes + st.free_bytes + st.overhead_bytes == st.footprint);
        }
    }
    {
        size_t i;
        for (i = 0; i < NSLOTS; i++) {
            if (slots[i].p != NULL) {
                verify(&slots[i]);
                hsr_mspace_free(ms, slots[i].p);
            }
        }
    }
    CHECK_HEAP(ms);
    CHECK(hsr_mspace_set_footprint_limit(ms, SIZE_MAX) == SIZE_MAX);
    printf("mspace_random_test: %d ops, %zu failed allocations (limits/injections), "
           "max footprint %zu\n",
           NOPS, nulls, hsr_mspace_max_footprint(ms));
    hsr_mspace_destroy(ms);
    return 0;
}
