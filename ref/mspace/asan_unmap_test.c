/* asan_unmap_test.c — built with ASan: an mspace that owns its memory leaves
 * no poison behind when destroyed. ASan keeps the shadow of unmapped memory,
 * and the mspace poisons its free chunks (track.h): without the unpoisoning
 * in hsr_mspace_destroy, whoever mapped the same addresses next inherited
 * that poison, and their first write to their own fresh memory was reported
 * as a use-after-poison (found by //fuzz:oss_fuzz_build_test: the mspace
 * checker's mapping for create_with_base landed where a destroyed mspace had
 * been). Trimmed pages count too: the poison lies up to the high-water mark. */
#define _GNU_SOURCE
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "heapspec/mspace.h"

static int failures;

/* Create, use, optionally trim, destroy; then map the same addresses again
 * and ask ASan whether any byte of them is still poisoned. */
static void check_round(const char *what, size_t capacity, size_t reserve, size_t grow, int trim)
{
    hsr_mspace_t *ms = hsr_mspace_create_reserved(capacity, reserve, 0);
    if (ms == NULL) {
        fprintf(stderr, "asan_unmap_test: %s: create_reserved failed\n", what);
        failures++;
        return;
    }
    void *blocks[64];
    for (int i = 0; i < 64; i++)
        blocks[i] = hsr_mspace_malloc(ms, grow / 64);
    for (int i = 0; i < 64; i += 2)
        hsr_mspace_free(ms, blocks[i]);
    if (trim) {
        for (int i = 1; i < 64; i += 2)
            hsr_mspace_free(ms, blocks[i]);
        (void)hsr_mspace_trim(ms, 0);
    }
    /* the state sits at the start of the reservation */
    char *seg = (char *)(void *)ms;
    size_t seen = hsr_mspace_max_footprint(ms);
    (void)hsr_mspace_destroy(ms);
    void *again = mmap(seg, seen, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (again != seg) {
        fprintf(stderr, "asan_unmap_test: %s: cannot map %p again\n", what, (void *)seg);
        failures++;
        if (again != MAP_FAILED)
            munmap(again, seen);
        return;
    }
    void *bad = __asan_region_is_poisoned(again, seen);
    if (bad != NULL) {
        fprintf(stderr, "asan_unmap_test: %s: byte %zu of a fresh mapping is poisoned\n", what,
                (size_t)((char *)bad - (char *)again));
        failures++;
    } else {
        memset(again, 0xa5, seen); /* what the mspace checker did */
        printf("ok: %s (%zu bytes mapped again, none poisoned)\n", what, seen);
    }
    munmap(again, seen);
}

int main(void)
{
    check_round("used, not trimmed", 1 << 20, 4 << 20, 512 << 10, 0);
    check_round("grown past its capacity, then trimmed", 64 << 10, 8 << 20, 2 << 20, 1);
    if (failures != 0) {
        fprintf(stderr, "asan_unmap_test: %d failure(s)\n", failures);
        return 1;
    }
    return 0;
}
