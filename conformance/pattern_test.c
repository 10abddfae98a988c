/* pattern_test.c — the fill/verify patterns and hst_first_not, in each build
 * of their loops (baseline, and AVX2 where the CPU has it).
 *
 * For every start offset 0..15 and length up to 300, and some long lengths:
 * - fill writes exactly the pattern bytes, nothing before or after;
 * - verify accepts the fill, and names the first wrong byte wherever one
 *   byte is changed (each position, each bit for short blocks);
 * - first_not finds a lone other byte wherever it is;
 * - both builds write the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/hs_internal.h"

/* a broken loop fails at every length: stop after twenty */
#define HST_EXPECT_MAX 20
#include "conformance/test_expect.h"

#define GUARD 64
#define LONG 70000
static unsigned char buf[GUARD + LONG + GUARD];
static unsigned char other[GUARD + LONG + GUARD];

static const size_t long_lengths[] = {511, 512, 513, 4096 + 7, 65536, LONG - 1};

/* Every position of a length-n fill at offset `at`, one byte changed. */
static void check_length(uint64_t at, size_t n, uint64_t seed, const char *build)
{
    unsigned char *p = buf + GUARD;
    memset(buf, 0x5a, sizeof buf);
    hst_fill_at(p, at, n, seed);
    for (size_t i = 0; i < GUARD; i++) {
        EXPECT(buf[i] == 0x5a, "%s: fill of %zu at %llu wrote before its start", build, n,
              (unsigned long long)at);
        EXPECT(p[n + i] == 0x5a, "%s: fill of %zu at %llu wrote past its end", build, n,
              (unsigned long long)at);
    }
    for (size_t i = 0; i < n; i++)
        EXPECT(p[i] == hst_pattern_byte(seed, at + i), "%s: byte %zu of a fill at %llu", build,
              i, (unsigned long long)at);
    EXPECT(hst_verify_at(p, at, n, seed) == SIZE_MAX, "%s: verify refuses a fill of %zu at %llu",
          build, n, (unsigned long long)at);
    size_t step = n <= 300 ? 1 : 61;
    for (size_t i = 0; i < n; i += step) {
        unsigned bits = n <= 64 ? 0xffu : 0x81u;
        for (unsigned bit = 0; bit < 8; bit++) {
            if (!(bits >> bit & 1u))
                continue;
            p[i] ^= (unsigned char)(1u << bit);
            size_t got = hst_verify_at(p, at, n, seed);
            EXPECT(got == i, "%s: byte %zu of %zu at %llu changed, verify says %zu", build, i, n,
                  (unsigned long long)at, got);
            p[i] ^= (unsigned char)(1u << bit);
        }
    }
    /* first_not over the same span: all one byte value, then one other */
    memset(p, 0xc3, n);
    EXPECT(hst_first_not(p, n, 0xc3) == SIZE_MAX, "%s: first_not on %zu equal bytes", build, n);
    for (size_t i = 0; i < n; i += step) {
        p[i] = 0xc2;
        size_t got = hst_first_not(p, n, 0xc3);
        EXPECT(got == i, "%s: first_not on %zu bytes with byte %zu other says %zu", build, n, i,
              got);
        p[i] = 0xc3;
    }
}

static void check_build(const char *build)
{
    for (uint64_t at = 0; at < 16; at++) {
        for (size_t n = 0; n <= 300; n++)
            check_length(at, n, 0x1234 + at, build);
        for (size_t k = 0; k < sizeof long_lengths / sizeof long_lengths[0]; k++)
            check_length(at, long_lengths[k], 0x9876 + at, build);
    }
}

int main(void)
{
    EXPECT(hst_pattern_build(0) == 0, "the baseline build is always there");
    check_build("baseline");
    memset(other, 0, sizeof other);
    hst_fill_at(other + GUARD, 5, LONG - 9, 77);
    if (hst_pattern_build(1) == 0) {
        check_build("avx2");
        memset(buf, 0, sizeof buf);
        hst_fill_at(buf + GUARD, 5, LONG - 9, 77);
        EXPECT(memcmp(buf, other, sizeof buf) == 0, "the two builds fill differently");
    } else {
        printf("pattern_test: this CPU has no AVX2; the baseline build only\n");
    }
    EXPECT(hst_pattern_build(-1) == 0, "back to the CPU's choice");
    if (failures) {
        fprintf(stderr, "pattern_test: %d failures\n", failures);
        return 1;
    }
    printf("pattern_test: ok\n");
    return 0;
}
