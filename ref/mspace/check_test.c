/*
 * check_test.c — the walker (hsr_mspace_check) catches each kind of damage
 * to the bins it exists for: I8 (binmap and bins disagree, either way, and a
 * bit past the last bin) and I5 (a free chunk missing from its bin, a chunk
 * in the wrong bin), and each flag byte of a header damaged (judged as one
 * word by the walker). Each case damages a fresh heap through internal.h,
 * asserts the walker's message, repairs it and asserts the heap passes again.
 * Then destroy and reset must end on a heap whose first header is damaged.
 * Last, the mark below which reset zeroes (written_end) must not be below
 * the top's header.
 */
#include <stddef.h>
#include <string.h>

#include "ref/mspace/internal.h"
#include "ref/mspace/test_util.h"

/* A heap with free chunks in the bins: 8 blocks, every other one freed. */
static hsr_mspace_t *fragmented(void) {
    hsr_mspace_t *ms = hsr_mspace_create(0, 0);
    void *p[8];
    CHECK(ms != NULL);
    for (int i = 0; i < 8; i++) {
        p[i] = hsr_mspace_malloc(ms, 100 + 200 * (size_t)i);
        CHECK(p[i] != NULL);
    }
    for (int i = 0; i < 8; i += 2) {
        hsr_mspace_free(ms, p[i]);
    }
    CHECK_HEAP(ms);
    CHECK(ms->nfree == 4);
    return ms;
}

/* The walker fails, and its message contains `want`. */
static void expect_broken(hsr_mspace_t *ms, const char *want, int line) {
    char msg[256];
    if (hsr_mspace_check(ms, msg, sizeof msg) == 0) {
        fprintf(stderr, "check_test.c:%d: walker passed a damaged heap (want \"%s\")\n", line,
                want);
        exit(1);
    }
    if (strstr(msg, want) == NULL) {
        fprintf(stderr, "check_test.c:%d: walker said \"%s\", want \"%s\"\n", line, msg, want);
        exit(1);
    }
}

/* The first non-empty bin. */
static size_t first_bin(const hsr_mspace_t *ms) {
    for (size_t i = 0; i < HSRI_NBINS; i++) {
        if (ms->bins[i] != NULL) {
            return i;
        }
    }
    fprintf(stderr, "check_test.c: no free chunk in any bin\n");
    exit(1);
}

static void test_binmap_bit_of_empty_bin(void) {
    hsr_mspace_t *ms = fragmented();
    size_t i = 0;
    while (ms->bins[i] != NULL) {
        i++;
    }
    ms->binmap[i / 64] |= (uint64_t)1 << (i % 64);
    expect_broken(ms, "binmap bit 1 but the bin is empty", __LINE__);
    ms->binmap[i / 64] &= ~((uint64_t)1 << (i % 64));
    CHECK_HEAP(ms);
    hsr_mspace_destroy(ms);
}

static void test_binmap_bit_missing(void) {
    hsr_mspace_t *ms = fragmented();
    size_t i = first_bin(ms);
    ms->binmap[i / 64] &= ~((uint64_t)1 << (i % 64));
    expect_broken(ms, "binmap bit 0 but the bin is not empty", __LINE__);
    ms->binmap[i / 64] |= (uint64_t)1 << (i % 64);
    CHECK_HEAP(ms);
    hsr_mspace_destroy(ms);
}

/* A pointer in a bin its binmap bit says is empty, at every bin: the fast
 * count takes the bins sixteen at a time, then the rest one by one. */
static void test_stray_in_every_empty_bin(void) {
    hsr_mspace_t *ms = fragmented();
    hsri_chunk_t *some = ms->bins[first_bin(ms)];
    size_t tried = 0;
    for (size_t i = 0; i < HSRI_NBINS; i++) {
        if (ms->bins[i] != NULL) {
            continue;
        }
        ms->bins[i] = some;
        expect_broken(ms, "binmap bit 0 but the bin is not empty", __LINE__);
        ms->bins[i] = NULL;
        tried++;
    }
    CHECK(tried > HSRI_NBINS / 2);
    CHECK_HEAP(ms);
    hsr_mspace_destroy(ms);
}

static void test_binmap_bit_past_last_bin(void) {
    hsr_mspace_t *ms = fragmented();
    size_t w = HSRI_BINMAP_WORDS - 1;
    CHECK(HSRI_NBINS % 64 != 0); /* the last word has bits past the last bin */
    ms->binmap[w] |= (uint64_t)1 << 63;
    expect_broken(ms, "set beyond the last bin", __LINE__);
    ms->binmap[w] &= ~((uint64_t)1 << 63);
    CHECK_HEAP(ms);
    hsr_mspace_destroy(ms);
}

static void test_free_chunk_unlisted(void) {
    hsr_mspace_t *ms = fragmented();
    size_t i = first_bin(ms);
    hsri_chunk_t *head = ms->bins[i];
    hsri_links_t l = hsri_get_links(head);
    CHECK(l.fd == NULL); /* one chunk per bin: the sizes differ */
    ms->bins[i] = NULL;
    ms->binmap[i / 64] &= ~((uint64_t)1 << (i % 64));
    expect_broken(ms, "free chunks: walk 4", __LINE__);
    ms->bins[i] = head;
    ms->binmap[i / 64] |= (uint64_t)1 << (i % 64);
    CHECK_HEAP(ms);
    hsr_mspace_destroy(ms);
}

static void test_chunk_in_wrong_bin(void) {
    hsr_mspace_t *ms = fragmented();
    size_t i = first_bin(ms);
    size_t j = i + 1;
    hsri_chunk_t *head = ms->bins[i];
    CHECK(ms->bins[j] == NULL);
    ms->bins[j] = head;
    ms->bins[i] = NULL;
    ms->binmap[i / 64] ^= (uint64_t)1 << (i % 64);
    ms->binmap[j / 64] ^= (uint64_t)1 << (j % 64);
    expect_broken(ms, "belongs to bin", __LINE__);
    ms->bins[i] = head;
    ms->bins[j] = NULL;
    ms->binmap[i / 64] ^= (uint64_t)1 << (i % 64);
    ms->binmap[j / 64] ^= (uint64_t)1 << (j % 64);
    CHECK_HEAP(ms);
    hsr_mspace_destroy(ms);
}

/* Each flag byte of a chunk header damaged in turn, on the first chunk (free:
 * fragmented() frees every other block from the first) and on the second (in
 * use): the walker judges the four bytes as one word and must still catch
 * every case, with the message of the byte that is wrong. */
static void test_flag_bytes(void) {
    static const struct {
        size_t off;  /* byte of the header: inuse, prev_inuse, cached, reserved */
        uint8_t val; /* damaged value */
        bool on_free; /* damage the first (free) chunk, else the second (in use) */
        const char *want;
    } cases[] = {
        {offsetof(hsri_chunk_t, inuse), 2, false, "bad flag bytes"},
        {offsetof(hsri_chunk_t, cached), 2, false, "bad flag bytes"},
        {offsetof(hsri_chunk_t, reserved), 1, false, "bad flag bytes"},
        {offsetof(hsri_chunk_t, reserved), 0x80, true, "bad flag bytes"},
        {offsetof(hsri_chunk_t, cached), 1, true, "bad flag bytes"}, /* cached, not in use */
        {offsetof(hsri_chunk_t, prev_inuse), 1, false, "prev_inuse 1 disagrees"},
        {offsetof(hsri_chunk_t, prev_inuse), 0, true, "prev_inuse 0 disagrees"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        hsr_mspace_t *ms = fragmented();
        hsri_chunk_t *c = (hsri_chunk_t *)(void *)ms->first;
        if (!cases[k].on_free) {
            c = hsri_next(c);
        }
        CHECK(c->inuse == (cases[k].on_free ? 0 : 1));
        uint8_t *byte = (uint8_t *)c + cases[k].off;
        uint8_t saved = *byte;
        CHECK(saved != cases[k].val);
        *byte = cases[k].val;
        expect_broken(ms, cases[k].want, __LINE__);
        *byte = saved;
        CHECK_HEAP(ms);
        hsr_mspace_destroy(ms);
    }
}

/* Every value of every flag byte, on a free chunk and on an in-use one: the
 * walker judges the tag and the four bytes as one word of bit tests, so each
 * bit of each byte must be shown to count. Passes exactly for the headers
 * the invariants allow (cached = 1 on an in-use chunk is a chunk parked in a
 * per-thread cache); inuse flipped to the other valid value changes the
 * heap's shape, which other invariants refuse. */
static void test_flag_bytes_every_value(void) {
    static const size_t offs[] = {offsetof(hsri_chunk_t, inuse),
                                  offsetof(hsri_chunk_t, prev_inuse),
                                  offsetof(hsri_chunk_t, cached),
                                  offsetof(hsri_chunk_t, reserved)};
    hsr_mspace_t *ms = fragmented();
    unsigned caught = 0;
    for (int on_free = 0; on_free < 2; on_free++) {
        hsri_chunk_t *c = (hsri_chunk_t *)(void *)ms->first;
        if (!on_free) {
            c = hsri_next(c);
        }
        for (size_t k = 0; k < sizeof offs / sizeof offs[0]; k++) {
            uint8_t *byte = (uint8_t *)c + offs[k];
            uint8_t saved = *byte;
            for (unsigned v = 0; v < 256; v++) {
                if (v == saved) {
                    continue;
                }
                bool legal = offs[k] == offsetof(hsri_chunk_t, cached) && v == 1 && !on_free;
                const char *want = offs[k] == offsetof(hsri_chunk_t, prev_inuse)
                                       ? "disagrees with the chunk below"
                                   : offs[k] == offsetof(hsri_chunk_t, inuse) && v <= 1
                                       ? ""
                                       : "bad flag bytes";
                *byte = (uint8_t)v;
                if (legal) {
                    CHECK_HEAP(ms);
                } else {
                    expect_broken(ms, want, __LINE__);
                    caught++;
                }
                *byte = saved;
            }
        }
    }
    CHECK(caught == 2u * 4u * 255u - 1u);
    CHECK_HEAP(ms);
    hsr_mspace_destroy(ms);
}

/* A chunk header damaged to size 0 or past the top: the walker names it, and
 * destroy and reset still end (their walk over the live blocks stops there)
 * instead of looping on the same chunk or leaving the heap. */
static void test_damaged_size_ends(void) {
    for (int round = 0; round < 4; round++) {
        hsr_mspace_t *ms = fragmented();
        hsri_chunk_t *c = (hsri_chunk_t *)(void *)ms->first;
        c->size = round % 2 == 0 ? 0 : SIZE_MAX - 15;
        expect_broken(ms, "bad size", __LINE__);
        if (round < 2) {
            CHECK(hsr_mspace_destroy(ms) > 0);
        } else {
            CHECK(hsr_mspace_reset(ms) == 0);
            CHECK_HEAP(ms);
            CHECK(hsr_mspace_destroy(ms) > 0);
        }
    }
}

/* I6's mark for reset: written_end below the top's header (reset would
 * leave written bytes behind), or past the reservation. */
static void test_written_end(void) {
    hsr_mspace_t *ms = fragmented();
    char *was = ms->written_end;
    CHECK(was >= (char *)ms->top + HSRI_HDR);
    ms->written_end = (char *)ms->top + HSRI_HDR - 1;
    expect_broken(ms, "written_end", __LINE__);
    ms->written_end = ms->reserve_end + 1;
    expect_broken(ms, "written_end", __LINE__);
    ms->written_end = was;
    CHECK_HEAP(ms);
    CHECK(hsr_mspace_destroy(ms) > 0);
}

int main(void) {
    test_binmap_bit_of_empty_bin();
    test_binmap_bit_missing();
    test_stray_in_every_empty_bin();
    test_binmap_bit_past_last_bin();
    test_free_chunk_unlisted();
    test_chunk_in_wrong_bin();
    test_flag_bytes();
    test_flag_bytes_every_value();
    test_damaged_size_ends();
    test_written_end();
    printf("check_test: 5 kinds of bin damage, 7 of flag-byte damage, every value of each "
           "flag byte and a written_end below the top caught; destroy and reset end on a "
           "damaged size\n");
    return 0;
}
