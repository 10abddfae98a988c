/*
 * valgrind_uaf.c — a deliberate use-after-free of an mspace block, run under
 * memcheck by valgrind_uaf_test.sh, which asserts that memcheck reports
 * "Invalid read": the mspace's client requests (track.h) make freed blocks
 * inaccessible to memcheck even though the memory stays mapped.
 *
 * Before the bad read it does ordinary work (split, merge, realloc, calloc)
 * so that a false report from the allocator's own bookkeeping would show as
 * an extra error in the log.
 */
#include <stdio.h>
#include <string.h>

#include "heapspec/mspace.h"

int main(int argc, char **argv) {
    hsr_mspace_t *ms;
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
    /* memcheck cannot run an ASan binary; the script skips on this answer */
    if (argc > 1 && strcmp(argv[1], "--probe") == 0) {
        puts("asan");
        return 0;
    }
#endif
#endif
    if (argc > 1 && strcmp(argv[1], "--probe") == 0) {
        puts("plain");
        return 0;
    }
    ms = hsr_mspace_create(0, 0);
    char *a;
    char *b;
    char *c;
    volatile char sink;
    if (ms == NULL) {
        return 2;
    }
    a = hsr_mspace_malloc(ms, 100);
    b = hsr_mspace_calloc(ms, 10, 30);
    c = hsr_mspace_malloc(ms, 5000);
    memset(a, 'a', 100);
    memset(c, 'c', 5000);
    hsr_mspace_free(ms, b);
    a = hsr_mspace_realloc(ms, a, 200); /* grows into b's space */
    c = hsr_mspace_realloc(ms, c, 100); /* shrinks */
    b = hsr_mspace_memalign(ms, 256, 64);
    memset(b, 'b', 64);
    if (hsr_mspace_check(ms, NULL, 0) != 0) {
        return 2;
    }
    hsr_mspace_free(ms, b);
    hsr_mspace_free(ms, c);
    fprintf(stderr, "clean part done\n");
    sink = a[0];
    hsr_mspace_free(ms, a);
    sink = a[10]; /* use after free: memcheck must say "Invalid read" */
    (void)sink;
    hsr_mspace_destroy(ms);
    return 0;
}
