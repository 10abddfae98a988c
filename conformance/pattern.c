/* pattern.c — per-block fill patterns and the checks on them.
 *
 * Byte k of a block with seed s is byte (k % 8) of word(k / 8), where
 * word(i) = mix(s) + i * STEP. The pattern depends on the offset, so a copy
 * that shifts data, a block that aliases another, and a stray write all show. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "hs_internal.h"

uint64_t hst_mix(uint64_t x)
{
    /* splitmix64 finalizer: cheap and every input bit affects every output bit */
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Word i of the pattern of seed s is mix(s) + i * STEP.
 * - Consecutive words differ by STEP (odd), so a copy shifted by whole words
 *   shows, and a byte shift shows in the bytes.
 * - Two seeds' patterns agree under a shift of d words only where
 *   d * STEP = mix(s1) - mix(s2) (mod 2^64): d is as good as random over
 *   [0, 2^64), so a block aliasing another shows.
 * One add per 8 bytes, where a mix per word was most of the checkers' fill
 * and verify time; verify's 64-byte loop compiles to vector compares. */
#define STEP 0x9e3779b97f4a7c15ull

static inline uint64_t word_at(uint64_t base, uint64_t i)
{
    return base + i * STEP;
}

static inline uint8_t byte_at(uint64_t base, uint64_t k)
{
    return (uint8_t)(word_at(base, k >> 3) >> ((k & 7u) * 8u));
}

uint8_t hst_pattern_byte(uint64_t seed, uint64_t k)
{
    return byte_at(hst_mix(seed), k);
}

static inline __attribute__((always_inline)) void fill_body(void *dst, uint64_t at, size_t n,
                                                             uint64_t seed)
{
    unsigned char *b = dst;
    uint64_t base = hst_mix(seed);
    size_t i = 0;
    for (; i < n && ((at + i) & 7u) != 0; i++)
        b[i] = byte_at(base, at + i);
    /* 64 bytes at a time, eight words from one (vector stores); a loop
     * that carried w from word to word ran at a store a cycle */
    uint64_t w = word_at(base, (at + i) >> 3);
    for (; i + 64 <= n; i += 64, w += 8 * STEP)
        for (size_t j = 0; j < 8; j++) {
            uint64_t v = w + j * STEP;
            memcpy(b + i + 8 * j, &v, 8);
        }
    for (; i + 8 <= n; i += 8, w += STEP)
        memcpy(b + i, &w, 8);
    for (; i < n; i++)
        b[i] = byte_at(base, at + i);
}

static inline __attribute__((always_inline)) size_t verify_body(const void *src, uint64_t at,
                                                                size_t n, uint64_t seed)
{
    const unsigned char *b = src;
    uint64_t base = hst_mix(seed);
    size_t i = 0;
    for (; i < n && ((at + i) & 7u) != 0; i++)
        if (b[i] != byte_at(base, at + i))
            return i;
    /* 64 bytes at a time, differences or-ed together (vectorizes); the
     * loops below name the first wrong byte of a dirty stretch */
    uint64_t w = word_at(base, (at + i) >> 3);
    for (; i + 64 <= n; i += 64, w += 8 * STEP) {
        uint64_t diff = 0;
        for (size_t j = 0; j < 8; j++) {
            uint64_t v;
            memcpy(&v, b + i + 8 * j, 8);
            diff |= v ^ (w + j * STEP);
        }
        if (diff != 0)
            break;
    }
    for (; i + 8 <= n; i += 8, w += STEP) {
        uint64_t v;
        memcpy(&v, b + i, 8);
        if (v != w)
            break;
    }
    for (; i < n; i++)
        if (b[i] != byte_at(base, at + i))
            return i;
    return SIZE_MAX;
}

void hst_fill(void *p, size_t from, size_t to, uint64_t seed)
{
    if (from < to)
        hst_fill_at((unsigned char *)p + from, from, to - from, seed);
}

size_t hst_verify(const void *p, size_t from, size_t to, uint64_t seed)
{
    size_t bad = from < to ? hst_verify_at((const unsigned char *)p + from, from, to - from, seed)
                           : SIZE_MAX;
    return bad == SIZE_MAX ? SIZE_MAX : from + bad;
}

size_t hst_verify_ends(const void *p, uint64_t to, uint64_t seed, uint64_t full, size_t edge)
{
    if (to <= full)
        return hst_verify(p, 0, (size_t)to, seed);
    size_t off = hst_verify(p, 0, edge, seed);
    if (off != SIZE_MAX)
        return off;
    return hst_verify(p, (size_t)(to - edge), (size_t)to, seed);
}

static inline __attribute__((always_inline)) size_t first_not_body(const void *p, size_t n,
                                                                   unsigned char c)
{
    const unsigned char *b = p;
    const uint64_t all = 0x0101010101010101ull * c;
    size_t k = 0;
    /* 64 bytes at a time, differences or-ed together (vectorizes), as in
     * hst_verify_at; the loops below name the first other byte */
    for (; k + 64 <= n; k += 64) {
        uint64_t diff = 0;
        for (size_t j = 0; j < 8; j++) {
            uint64_t w;
            memcpy(&w, b + k + 8 * j, 8);
            diff |= w ^ all;
        }
        if (diff != 0)
            break;
    }
    for (; k + 8 <= n; k += 8) {
        uint64_t w;
        memcpy(&w, b + k, 8);
        if (w != all)
            break;
    }
    for (; k < n; k++)
        if (b[k] != c)
            return k;
    return SIZE_MAX;
}

/* The three loops over a block's bytes, built twice on x86-64: for AVX2
 * (32-byte stores and compares) and for the baseline (16 bytes, SSE2). They
 * were 14% of a malloc fuzz run. */
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define HST_AVX2 __attribute__((target("avx2")))

static int known_wide; /* 0: not asked yet, 1: baseline, 2: AVX2 */

HST_NO_COVERAGE static bool cpu_has_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}

/* Whether to run the AVX2 build: the CPU is asked once. Inlined into the
 * loops' entry points, which have no coverage instrumentation. */
static inline __attribute__((always_inline)) bool wide_cpu(void)
{
    int k = __atomic_load_n(&known_wide, __ATOMIC_RELAXED);
    if (k == 0) {
        k = cpu_has_avx2() ? 2 : 1;
        __atomic_store_n(&known_wide, k, __ATOMIC_RELAXED);
    }
    return k == 2;
}

int hst_pattern_build(int wide)
{
    if (wide < 0) {
        __atomic_store_n(&known_wide, 0, __ATOMIC_RELAXED);
        return 0;
    }
    if (wide > 0 && !cpu_has_avx2())
        return -1;
    __atomic_store_n(&known_wide, wide > 0 ? 2 : 1, __ATOMIC_RELAXED);
    return 0;
}
#else
#define HST_AVX2
static inline bool wide_cpu(void)
{
    return false;
}

int hst_pattern_build(int wide)
{
    return wide > 0 ? -1 : 0;
}
#endif

HST_NO_COVERAGE static void fill_base(void *dst, uint64_t at, size_t n, uint64_t seed)
{
    fill_body(dst, at, n, seed);
}

HST_NO_COVERAGE HST_AVX2 static void fill_wide(void *dst, uint64_t at, size_t n, uint64_t seed)
{
    fill_body(dst, at, n, seed);
}

HST_NO_COVERAGE void hst_fill_at(void *dst, uint64_t at, size_t n, uint64_t seed)
{
    if (wide_cpu())
        fill_wide(dst, at, n, seed);
    else
        fill_base(dst, at, n, seed);
}

HST_NO_COVERAGE static size_t verify_base(const void *src, uint64_t at, size_t n, uint64_t seed)
{
    return verify_body(src, at, n, seed);
}

HST_NO_COVERAGE HST_AVX2 static size_t verify_wide(const void *src, uint64_t at, size_t n,
                                                   uint64_t seed)
{
    return verify_body(src, at, n, seed);
}

HST_NO_COVERAGE size_t hst_verify_at(const void *src, uint64_t at, size_t n, uint64_t seed)
{
    return wide_cpu() ? verify_wide(src, at, n, seed) : verify_base(src, at, n, seed);
}

HST_NO_COVERAGE static size_t first_not_base(const void *p, size_t n, unsigned char c)
{
    return first_not_body(p, n, c);
}

HST_NO_COVERAGE HST_AVX2 static size_t first_not_wide(const void *p, size_t n, unsigned char c)
{
    return first_not_body(p, n, c);
}

HST_NO_COVERAGE size_t hst_first_not(const void *p, size_t n, unsigned char c)
{
    return wide_cpu() ? first_not_wide(p, n, c) : first_not_base(p, n, c);
}

size_t hst_page_size(void)
{
    long v = sysconf(_SC_PAGESIZE);
    return v > 0 ? (size_t)v : 4096u;
}

uint64_t hst_rss_kib(void)
{
    /* statm: size resident shared ...; in pages. read(), not stdio: no malloc. */
    char buf[128];
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    const char *s = buf;
    while (*s && *s != ' ')
        s++;
    uint64_t pages = 0;
    while (*s == ' ')
        s++;
    while (*s >= '0' && *s <= '9')
        pages = pages * 10u + (uint64_t)(*s++ - '0');
    return pages * (hst_page_size() / 1024u);
}
