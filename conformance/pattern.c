/* pattern.c — per-block fill patterns and the checks on them.
 *
 * Byte k of a block with seed s is byte (k % 8) of word(k / 8), where
 * word(i) = mix(s) + i * STEP. The pattern depends on the offset, so a copy
 * that shifts data, a block that aliases another, and a stray write all show. */
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

HST_NO_COVERAGE void hst_fill_at(void *dst, uint64_t at, size_t n, uint64_t seed)
{
    unsigned char *b = dst;
    uint64_t base = hst_mix(seed);
    size_t i = 0;
    for (; i < n && ((at + i) & 7u) != 0; i++)
        b[i] = byte_at(base, at + i);
    uint64_t w = word_at(base, (at + i) >> 3);
    for (; i + 8 <= n; i += 8, w += STEP)
        memcpy(b + i, &w, 8);
    for (; i < n; i++)
        b[i] = byte_at(base, at + i);
}

HST_NO_COVERAGE size_t hst_verify_at(const void *src, uint64_t at, size_t n, uint64_t seed)
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

HST_NO_COVERAGE size_t hst_first_not(const void *p, size_t n, unsigned char c)
{
    const unsigned char *b = p;
    const uint64_t all = 0x0101010101010101ull * c;
    size_t k = 0;
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
