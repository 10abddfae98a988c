/*
 * ring_test.c — unit tests of the reference ring (ring.h).
 *
 *   1. bad input: capacities that are not powers of two in [2, 2^62], bad modes;
 *   2. randomized differential test against a trivial shadow FIFO, in every
 *      mode, for several capacities, with the free-running indices started at
 *      0, just below 2^32 and just below 2^64 (so that they wrap mid-test);
 *      hsr_ring_check() after every operation;
 *   3. exhaustive small case: every sequence of 6 operations on a ring of 4;
 *   4. SPSC: a producer and a consumer thread move HS_RING_SPSC_MIB MiB
 *      (default 256, 4 under Valgrind; the `manual` long test passes 1100) of a pseudo-random
 *      stream in odd-sized chunks; the consumer checks every byte and both
 *      sides' checksums must agree;
 *   5. create/destroy.
 * Usage: ring_test [spsc_mib]
 */
#include "heapspec/ring.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#define CHECK(c)                                                                   \
    do {                                                                           \
        if (!(c)) {                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);  \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* ---- shadow model: a plain array FIFO ---- */
#define SHADOW_MAX 4096
struct shadow {
    unsigned char b[SHADOW_MAX];
    uint64_t len, cap, overruns;
    uint32_t mode;
};

static uint64_t shadow_write(struct shadow *s, const char *src, uint64_t n)
{
    if (s->mode != HSR_RING_OVERWRITE) {
        uint64_t k = n < s->cap - s->len ? n : s->cap - s->len;
        memcpy(s->b + s->len, src, k);
        s->len += k;
        return k;
    }
    /* keep the newest cap bytes of (old contents, src) */
    if (n >= s->cap) {
        s->overruns += s->len + n - s->cap;
        memcpy(s->b, src + (n - s->cap), s->cap);
        s->len = s->cap;
        return n;
    }
    uint64_t drop = s->len + n > s->cap ? s->len + n - s->cap : 0;
    memmove(s->b, s->b + drop, s->len - drop);
    s->len -= drop;
    s->overruns += drop;
    memcpy(s->b + s->len, src, n);
    s->len += n;
    return n;
}

static uint64_t shadow_read(struct shadow *s, char *dst, uint64_t n, int consume)
{
    uint64_t k = n < s->len ? n : s->len;
    memcpy(dst, s->b, k);
    if (consume) {
        memmove(s->b, s->b + k, s->len - k);
        s->len -= k;
    }
    return k;
}

static void test_bad_input(void)
{
    hsr_ring_t r;
    char buf[16];
    uint64_t bad_caps[] = {0, 1, 3, 6, 12, 15, (UINT64_C(1) << 62) + 1, UINT64_C(1) << 63,
                           UINT64_MAX};
    for (size_t i = 0; i < sizeof bad_caps / sizeof bad_caps[0]; i++) {
        memset(&r, 0xab, sizeof r);
        CHECK(hsr_ring_init(&r, buf, bad_caps[i], HSR_RING_REFUSE) == -EINVAL);
        CHECK(r.cap == 0xabababababababab); /* untouched */
    }
    CHECK(hsr_ring_init(&r, buf, 16, 3) == -EINVAL);
    CHECK(hsr_ring_init(&r, NULL, 16, HSR_RING_REFUSE) == -EINVAL);
    CHECK(hsr_ring_init(&r, buf, 16, HSR_RING_OVERWRITE) == 0);
    CHECK(hsr_ring_check(&r) == 1);
    CHECK(hsr_ring_check(NULL) == 0);
    /* the checker notices a broken invariant */
    r.tail = r.head + 17;
    CHECK(hsr_ring_check(&r) == 0);
    r.tail = r.head;
    r.cap = 12;
    CHECK(hsr_ring_check(&r) == 0);
    hsr_ring_t *rp = NULL;
    CHECK(hsr_ring_create(24, HSR_RING_REFUSE, &rp) == -EINVAL && rp == NULL);
}

static void compare(const hsr_ring_t *r, const struct shadow *s)
{
    char tmp[SHADOW_MAX];
    CHECK(hsr_ring_check(r) == 1);
    CHECK(hsr_ring_len(r) == s->len);
    CHECK(hsr_ring_avail(r) == s->cap - s->len);
    CHECK(hsr_ring_capacity(r) == s->cap);
    CHECK(hsr_ring_overruns(r) == s->overruns);
    CHECK(hsr_ring_peek(r, tmp, s->len + 5) == s->len);
    CHECK(memcmp(tmp, s->b, s->len) == 0);
}

/* One random step on both; returns nothing, checks everything. */
static void random_step(hsr_ring_t *r, struct shadow *s, unsigned char *counter)
{
    char in[3 * SHADOW_MAX], out[3 * SHADOW_MAX], exp[3 * SHADOW_MAX];
    uint64_t op = rnd() % 4;
    uint64_t n = rnd() % (2 * s->cap + 2);
    if (op <= 1) {
        for (uint64_t i = 0; i < n; i++)
            in[i] = (char)(*counter)++;
        uint64_t got = hsr_ring_write(r, in, n);
        uint64_t want = shadow_write(s, in, n);
        CHECK(got == want);
    } else if (op == 2) {
        uint64_t got = hsr_ring_read(r, out, n);
        uint64_t want = shadow_read(s, exp, n, 1);
        CHECK(got == want);
        CHECK(memcmp(out, exp, got) == 0);
    } else {
        uint64_t got = hsr_ring_peek(r, out, n);
        uint64_t want = shadow_read(s, exp, n, 0);
        CHECK(got == want);
        CHECK(memcmp(out, exp, got) == 0);
    }
    compare(r, s);
}

static void test_differential(void)
{
    static char buf[SHADOW_MAX];
    static struct shadow s;
    const uint64_t caps[] = {2, 4, 8, 64, 1024, 4096};
    const uint64_t starts[] = {0, UINT32_MAX - 37, UINT64_MAX - 5000, UINT64_MAX};
    unsigned long steps = 0;
    for (uint32_t mode = 0; mode <= HSR_RING_SPSC; mode++)
        for (size_t ci = 0; ci < sizeof caps / sizeof caps[0]; ci++)
            for (size_t si = 0; si < sizeof starts / sizeof starts[0]; si++) {
                hsr_ring_t r;
                unsigned char counter = 0;
                CHECK(hsr_ring_init_at(&r, buf, caps[ci], mode, starts[si]) == 0);
                memset(&s, 0, sizeof s);
                s.cap = caps[ci];
                s.mode = mode;
                compare(&r, &s);
                for (int i = 0; i < 3000; i++, steps++)
                    random_step(&r, &s, &counter);
                if (starts[si] == UINT64_MAX - 5000 && caps[ci] >= 64)
                    CHECK(r.tail < starts[si]); /* the indices really wrapped */
            }
    printf("differential: %lu random steps against the shadow, 0 mismatches\n", steps);
}

/* Every sequence of 6 ops from {write 1, write 3, write 5, read 1, read 3, peek 2}
 * on a ring of 4 started 3 bytes before the 2^64 wrap, in each mode. */
static void test_exhaustive(void)
{
    static const uint64_t ops_n[] = {1, 3, 5, 1, 3, 2};
    unsigned long seqs = 0;
    for (uint32_t mode = 0; mode <= HSR_RING_SPSC; mode++) {
        for (unsigned code = 0; code < 6 * 6 * 6 * 6 * 6 * 6; code++) {
            char buf[4], out[8], exp[8], in[8];
            hsr_ring_t r;
            struct shadow s;
            unsigned char counter = 0;
            memset(&s, 0, sizeof s);
            s.cap = 4;
            s.mode = mode;
            CHECK(hsr_ring_init_at(&r, buf, 4, mode, UINT64_MAX - 2) == 0);
            unsigned c = code;
            for (int step = 0; step < 6; step++, c /= 6) {
                unsigned op = c % 6;
                uint64_t n = ops_n[op];
                if (op <= 2) {
                    for (uint64_t i = 0; i < n; i++)
                        in[i] = (char)counter++;
                    CHECK(hsr_ring_write(&r, in, n) == shadow_write(&s, in, n));
                } else {
                    int consume = op != 5;
                    uint64_t got = consume ? hsr_ring_read(&r, out, n) : hsr_ring_peek(&r, out, n);
                    CHECK(got == shadow_read(&s, exp, n, consume));
                    CHECK(memcmp(out, exp, got) == 0);
                }
                compare(&r, &s);
            }
            seqs++;
        }
    }
    printf("exhaustive: %lu sequences of 6 ops on a ring of 4 across the 2^64 wrap\n", seqs);
}

/* ---- SPSC: two threads ---- */
struct spsc {
    hsr_ring_t *r;
    uint64_t total;
    uint64_t sum_out, sum_in;
    int bad;
};

static unsigned char stream_byte(uint64_t i)
{
    uint64_t x = i * 0x9e3779b97f4a7c15u;
    return (unsigned char)(x >> 56 ^ x >> 29 ^ i);
}

static void *producer(void *arg)
{
    struct spsc *t = arg;
    char chunk[3000];
    uint64_t i = 0, sum = 0;
    while (i < t->total) {
        uint64_t n = 1 + (i * 7) % sizeof chunk; /* odd sizes, crossing the wrap often */
        if (n > t->total - i)
            n = t->total - i;
        for (uint64_t k = 0; k < n; k++)
            chunk[k] = (char)stream_byte(i + k);
        uint64_t off = 0;
        while (off < n) /* REFUSE semantics: retry the rest */
            off += hsr_ring_write(t->r, chunk + off, n - off);
        for (uint64_t k = 0; k < n; k++)
            sum = sum * 31 + (unsigned char)chunk[k];
        i += n;
    }
    t->sum_in = sum;
    return NULL;
}

static void *consumer(void *arg)
{
    struct spsc *t = arg;
    char chunk[2500];
    uint64_t i = 0, sum = 0;
    while (i < t->total) {
        uint64_t got = hsr_ring_read(t->r, chunk, sizeof chunk);
        for (uint64_t k = 0; k < got; k++) {
            if ((unsigned char)chunk[k] != stream_byte(i + k))
                t->bad = 1;
            sum = sum * 31 + (unsigned char)chunk[k];
        }
        i += got;
    }
    t->sum_out = sum;
    return NULL;
}

static void test_spsc(uint64_t mib)
{
    hsr_ring_t *r = NULL;
    CHECK(hsr_ring_create(1u << 16, HSR_RING_SPSC, &r) == 0);
    /* start near the wrap so the indices overflow during the run */
    r->head = r->tail = UINT64_MAX - (UINT64_C(1) << 20);
    struct spsc t = {r, mib << 20, 0, 0, 0};
    pthread_t p, c;
    CHECK(pthread_create(&c, NULL, consumer, &t) == 0);
    CHECK(pthread_create(&p, NULL, producer, &t) == 0);
    CHECK(pthread_join(p, NULL) == 0);
    CHECK(pthread_join(c, NULL) == 0);
    CHECK(t.bad == 0);
    CHECK(t.sum_in == t.sum_out);
    CHECK(hsr_ring_len(r) == 0);
    CHECK(hsr_ring_check(r) == 1);
    printf("spsc: %" PRIu64 " MiB moved by two threads, checksum %016" PRIx64 " matches\n", mib,
           t.sum_out);
    hsr_ring_destroy(r);
}

static void test_create(void)
{
    hsr_ring_t *r = NULL;
    CHECK(hsr_ring_create(8, HSR_RING_OVERWRITE, &r) == 0 && r != NULL);
    CHECK(hsr_ring_write(r, "abcdefghijkl", 12) == 12); /* keeps the newest 8 */
    CHECK(hsr_ring_overruns(r) == 4);
    char out[8];
    CHECK(hsr_ring_read(r, out, 8) == 8 && memcmp(out, "efghijkl", 8) == 0);
    hsr_ring_destroy(r);
    hsr_ring_destroy(NULL);
    hsr_ring_t local;
    char buf[4];
    CHECK(hsr_ring_init(&local, buf, 4, HSR_RING_REFUSE) == 0);
    CHECK(hsr_ring_write(&local, "abcdef", 6) == 4);
    CHECK(hsr_ring_avail(&local) == 0);
    hsr_ring_destroy(&local); /* not owned: nothing happens */
}

int main(int argc, char **argv)
{
    uint64_t mib = 256;
    const char *env = getenv("HS_RING_SPSC_MIB");
    if (argc > 1)
        mib = strtoull(argv[1], NULL, 10);
    else if (env)
        mib = strtoull(env, NULL, 10);
    else if (RUNNING_ON_VALGRIND)
        mib = 4; /* memcheck runs one thread at a time: keep the default run short */
    test_bad_input();
    test_create();
    test_differential();
    test_exhaustive();
    test_spsc(mib);
    printf("ring_test: all passed\n");
    return 0;
}
