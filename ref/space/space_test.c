/*
 * space_test.c — ref/space against ART's space_test.h rules and the zygote
 * split (built with HSR_DEBUG=3: the whole heap is walked after every
 * mutating call, and a failure aborts through the usage-error hook).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "heapspec/space.h"

#define CHECK(c)                                                                   \
    do {                                                                           \
        if (!(c)) {                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);  \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

#define MiB ((uint64_t)1 << 20)
#define KiB ((uint64_t)1 << 10)

static hsr_spaces_config_t config(uint64_t initial, uint64_t growth, uint64_t capacity) {
    hsr_spaces_config_t c;
    memset(&c, 0, sizeof c);
    c.initial_size = initial;
    c.growth_limit = growth;
    c.capacity = capacity;
    c.los_capacity = 64 * MiB;
    return c;
}

static void heap_ok(const hsr_spaces_t *h) {
    char why[200];
    if (hsr_spaces_check(h, why, sizeof why) != 0) {
        fprintf(stderr, "check: %s\n", why);
        exit(1);
    }
}

/* ART InitTestBody: creation succeeds iff initial <= growth_limit <= capacity. */
static void test_create_rules(void) {
    static const struct {
        uint64_t i, g, c;
        int ok;
    } cases[] = {
        {16 * MiB, 32 * MiB, 32 * MiB, 1}, {16 * MiB, 8 * MiB, 32 * MiB, 0},
        {32 * MiB, 16 * MiB, 32 * MiB, 0}, {16 * MiB, 32 * MiB, 16 * MiB, 0},
        {16 * MiB, 32 * MiB, 32 * MiB, 1}, {8 * MiB, 4 * MiB, 16 * MiB, 0},
        {8 * MiB, 16 * MiB, 16 * MiB, 1},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        hsr_spaces_config_t c = config(cases[k].i, cases[k].g, cases[k].c);
        hsr_spaces_t *h = NULL;
        int err = hsr_spaces_create(&c, &h);
        CHECK(cases[k].ok ? err == 0 && h != NULL : err == -EINVAL && h == NULL);
        if (h != NULL) {
            CHECK(hsr_spaces_growth_limit(h) == cases[k].g);
            heap_ok(h);
            hsr_spaces_destroy(h);
        }
    }
    hsr_spaces_config_t c = config(MiB, MiB, MiB);
    c.reserved0 = 1;
    hsr_spaces_t *h = NULL;
    CHECK(hsr_spaces_create(&c, &h) == -EINVAL);
    c = config(MiB, MiB, MiB);
    c.los_kind = 7;
    CHECK(hsr_spaces_create(&c, &h) == -EINVAL);
}

/* ART AllocAndFreeTestBody: Alloc stays within the footprint limit,
 * AllocWithGrowth within the growth limit; sizes are consistent. */
static void test_growth(void) {
    hsr_spaces_config_t c = config(1 * MiB, 4 * MiB, 8 * MiB);
    hsr_spaces_t *h = NULL;
    CHECK(hsr_spaces_create(&c, &h) == 0);
    CHECK(hsr_spaces_footprint_limit(h) == 1 * MiB);
    void *blocks[1024];
    size_t n = 0;
    for (;;) {
        uint64_t ba = 0, us = 0;
        void *p = hsr_spaces_alloc(h, 60 * KiB, 0, &ba, &us);
        if (p == NULL) {
            break;
        }
        CHECK(ba >= us && us >= 60 * KiB);
        CHECK(hsr_spaces_allocation_size(h, p) == ba);
        CHECK(hsr_spaces_space_of(h, p) == HSR_SPACE_MAIN);
        memset(p, 0xab, (size_t)us);
        CHECK(n < 1024);
        blocks[n++] = p;
    }
    CHECK(n >= 14 && n <= 17); /* about 1 MiB of 60 KiB blocks */
    CHECK(hsr_spaces_footprint(h) <= 1 * MiB);
    size_t before_grow = n;
    for (;;) {
        uint64_t ba = 0, us = 0;
        void *p = hsr_spaces_alloc(h, 60 * KiB, HSR_SPACES_ALLOC_GROW, &ba, &us);
        if (p == NULL) {
            break;
        }
        CHECK(n < 1024);
        blocks[n++] = p;
        CHECK(hsr_spaces_footprint(h) <= hsr_spaces_growth_limit(h));
    }
    CHECK(n > before_grow + 40); /* it grew to about 4 MiB */
    CHECK(hsr_spaces_footprint(h) <= 4 * MiB && hsr_spaces_footprint(h) > 3 * MiB);
    /* Freed memory is reused by plain Alloc: no growth needed. */
    uint64_t fp = hsr_spaces_footprint(h);
    CHECK(hsr_spaces_free(h, blocks[n - 1]) > 0);
    blocks[n - 1] = hsr_spaces_alloc(h, 60 * KiB, 0, NULL, NULL);
    CHECK(blocks[n - 1] != NULL && hsr_spaces_footprint(h) == fp);
    /* ClearGrowthLimit: the whole capacity becomes reachable. */
    CHECK(hsr_spaces_alloc(h, 60 * KiB, HSR_SPACES_ALLOC_GROW, NULL, NULL) == NULL);
    hsr_spaces_clear_growth_limit(h);
    CHECK(hsr_spaces_growth_limit(h) == 8 * MiB);
    void *q = hsr_spaces_alloc(h, 60 * KiB, HSR_SPACES_ALLOC_GROW, NULL, NULL);
    CHECK(q != NULL && hsr_spaces_footprint(h) > 4 * MiB);
    CHECK(hsr_spaces_free(h, q) > 0);
    /* FreeList of everything (Dalvik's dvmHeapSourceFreeList). */
    int64_t freed = hsr_spaces_free_list(h, HSR_SPACE_MAIN, blocks, n);
    CHECK(freed > (int64_t)(n * 60 * KiB));
    for (size_t i = 0; i < n; i++) {
        CHECK(blocks[i] == NULL);
    }
    hsr_space_info_t info[5];
    CHECK(hsr_spaces_list(h, info, 5) == 3);
    CHECK(info[0].kind == HSR_SPACE_MAIN && info[0].objects == 0 && info[0].bytes == 0);
    heap_ok(h);
    hsr_spaces_destroy(h);

    /* ClampGrowthLimit: capacity shrinks to the limit for good. */
    c = config(1 * MiB, 2 * MiB, 8 * MiB);
    CHECK(hsr_spaces_create(&c, &h) == 0);
    hsr_spaces_clamp_growth_limit(h);
    hsr_spaces_clear_growth_limit(h);
    CHECK(hsr_spaces_growth_limit(h) == 2 * MiB);
    while (hsr_spaces_alloc(h, 100 * KiB, HSR_SPACES_ALLOC_GROW, NULL, NULL) != NULL) {
    }
    CHECK(hsr_spaces_footprint(h) <= 2 * MiB);
    hsr_spaces_destroy(h);

    /* Clamp to a limit that is no page multiple, then split: the fresh main
     * space rounds its capacity up to a page, and the backup must follow it
     * (found by the WP work on ref/space/limits.c). */
    c = config(64 * KiB, 100000, 1 * MiB);
    CHECK(hsr_spaces_create(&c, &h) == 0);
    hsr_spaces_clamp_growth_limit(h);
    heap_ok(h);
    hsr_spaces_forward_t *fwd = NULL;
    size_t nfwd = 0;
    CHECK(hsr_spaces_zygote_split(h, &fwd, &nfwd) == 0);
    heap_ok(h);
    hsr_spaces_forward_free(fwd);
    hsr_spaces_destroy(h);
}

/* Routing by size and flags; space_of; huge requests. */
static void test_routing(uint32_t los_kind) {
    hsr_spaces_config_t c = config(4 * MiB, 16 * MiB, 16 * MiB);
    c.los_kind = los_kind;
    c.los_capacity = 8 * MiB;
    hsr_spaces_t *h = NULL;
    CHECK(hsr_spaces_create(&c, &h) == 0);
    uint64_t ba = 0, us = 0;
    void *small = hsr_spaces_alloc(h, 100, HSR_SPACES_ALLOC_LARGE_OK, &ba, &us);
    CHECK(small && hsr_spaces_space_of(h, small) == HSR_SPACE_MAIN && ba >= us && us >= 100);
    void *below = hsr_spaces_alloc(h, 12 * KiB - 1, HSR_SPACES_ALLOC_LARGE_OK, NULL, NULL);
    CHECK(below && hsr_spaces_space_of(h, below) == HSR_SPACE_MAIN);
    void *big = hsr_spaces_alloc(h, 12 * KiB, HSR_SPACES_ALLOC_LARGE_OK, &ba, &us);
    CHECK(big && hsr_spaces_space_of(h, big) == HSR_SPACE_LARGE_OBJECT);
    CHECK(ba >= us && us >= 12 * KiB && (uintptr_t)big % 4096 == 0);
    CHECK(hsr_spaces_allocation_size(h, big) == ba);
    CHECK(hsr_spaces_space_of(h, (char *)big + 12 * KiB - 1) == HSR_SPACE_LARGE_OBJECT);
    void *bigm = hsr_spaces_alloc(h, 64 * KiB, 0, NULL, NULL); /* not LARGE_OK */
    CHECK(bigm && hsr_spaces_space_of(h, bigm) == HSR_SPACE_MAIN);
    void *nm = hsr_spaces_alloc(h, 64, HSR_SPACES_ALLOC_NON_MOVABLE, NULL, NULL);
    CHECK(nm && hsr_spaces_space_of(h, nm) == HSR_SPACE_NON_MOVING);
    int local = 0;
    CHECK(hsr_spaces_space_of(h, &local) == HSR_SPACE_NONE);
    CHECK(hsr_spaces_space_of(h, NULL) == HSR_SPACE_NONE);
    CHECK(hsr_spaces_alloc(h, UINT64_MAX, 0, NULL, NULL) == NULL);
    CHECK(hsr_spaces_alloc(h, 9 * MiB, HSR_SPACES_ALLOC_LARGE_OK, NULL, NULL) == NULL);
    CHECK(hsr_spaces_free(h, big) == (int64_t)ba);
    CHECK(hsr_spaces_free(h, nm) > 0 && hsr_spaces_free(h, small) > 0);
    CHECK(hsr_spaces_free(h, below) > 0 && hsr_spaces_free(h, bigm) > 0);

    /* Random large objects against a shadow list: contents survive. */
    enum { N = 200 };
    void *objs[N] = {0};
    uint64_t sizes[N] = {0};
    unsigned seed = 7u + los_kind;
    for (int step = 0; step < 4000; step++) {
        int i = rand_r(&seed) % N;
        if (objs[i] != NULL) {
            CHECK(((unsigned char *)objs[i])[0] == (unsigned char)i);
            CHECK(((unsigned char *)objs[i])[sizes[i] - 1] == (unsigned char)i);
            CHECK(hsr_spaces_free(h, objs[i]) > 0);
            objs[i] = NULL;
        } else {
            uint64_t n = 12 * KiB + (uint64_t)(rand_r(&seed) % (int)(200 * KiB));
            objs[i] = hsr_spaces_alloc(h, n, HSR_SPACES_ALLOC_LARGE_OK, &ba, &us);
            if (objs[i] != NULL) {
                CHECK(us >= n && ba >= us);
                sizes[i] = n;
                ((unsigned char *)objs[i])[0] = (unsigned char)i;
                ((unsigned char *)objs[i])[n - 1] = (unsigned char)i;
            }
        }
    }
    heap_ok(h);
    hsr_spaces_destroy(h);
}

/* Zygote split: copies + forwarding table, immutable zygote, fresh spaces,
 * copy-on-write across fork. */
static void test_zygote(void) {
    hsr_spaces_config_t c = config(2 * MiB, 8 * MiB, 8 * MiB);
    hsr_spaces_t *h = NULL;
    CHECK(hsr_spaces_create(&c, &h) == 0);
    enum { N = 300 };
    char *objs[N];
    for (int i = 0; i < N; i++) {
        objs[i] = hsr_spaces_alloc(h, (uint64_t)(16 + i * 8), 0, NULL, NULL);
        CHECK(objs[i] != NULL);
        memset(objs[i], i & 0xff, (size_t)(16 + i * 8));
    }
    void *pre_nm = hsr_spaces_alloc(h, 40, HSR_SPACES_ALLOC_NON_MOVABLE, NULL, NULL);
    CHECK(pre_nm != NULL);
    memset(pre_nm, 0x5a, 40);
    void *los = hsr_spaces_alloc(h, 20 * KiB, HSR_SPACES_ALLOC_LARGE_OK, NULL, NULL);
    CHECK(los != NULL);
    /* free every third one: holes that must not be forwarded */
    for (int i = 0; i < N; i += 3) {
        CHECK(hsr_spaces_free(h, objs[i]) > 0);
        objs[i] = NULL;
    }
    hsr_spaces_forward_t *fwd = NULL;
    size_t nfwd = 0;
    CHECK(hsr_spaces_zygote_split(h, &fwd, &nfwd) == 0);
    CHECK(nfwd == N - (N + 2) / 3);
    for (size_t k = 1; k < nfwd; k++) {
        CHECK((char *)fwd[k - 1].from < (char *)fwd[k].from);
    }
    char *moved[N];
    for (int i = 0; i < N; i++) {
        if (objs[i] == NULL) {
            continue;
        }
        moved[i] = hsr_spaces_forward_lookup(fwd, nfwd, objs[i]);
        CHECK(moved[i] != objs[i]);
        CHECK(hsr_spaces_space_of(h, moved[i]) == HSR_SPACE_ZYGOTE);
        CHECK(hsr_spaces_space_of(h, objs[i]) == HSR_SPACE_NONE); /* retired */
        for (int b = 0; b < 16 + i * 8; b++) {
            CHECK((unsigned char)moved[i][b] == (unsigned char)(i & 0xff));
        }
        CHECK(hsr_spaces_free(h, moved[i]) == -EPERM);
    }
    CHECK(hsr_spaces_space_of(h, pre_nm) == HSR_SPACE_ZYGOTE);
    CHECK(hsr_spaces_free(h, pre_nm) == -EPERM);
    CHECK(hsr_spaces_space_of(h, los) == HSR_SPACE_LARGE_OBJECT);
    void *z[1] = {pre_nm};
    CHECK(hsr_spaces_free_list(h, HSR_SPACE_ZYGOTE, z, 1) == -EPERM);
    hsr_spaces_forward_t *f2 = NULL;
    size_t n2 = 0;
    CHECK(hsr_spaces_zygote_split(h, &f2, &n2) == -EPERM);
    hsr_space_info_t info[5];
    CHECK(hsr_spaces_list(h, info, 5) == 4);
    CHECK(info[0].kind == HSR_SPACE_MAIN && info[0].objects == 0);
    CHECK(info[1].kind == HSR_SPACE_NON_MOVING && info[1].objects == 0);
    CHECK(info[3].kind == HSR_SPACE_ZYGOTE && info[3].objects == nfwd + 1);
    void *fresh = hsr_spaces_alloc(h, 64, 0, NULL, NULL);
    CHECK(fresh != NULL && hsr_spaces_space_of(h, fresh) == HSR_SPACE_MAIN);
    heap_ok(h);

    /* fork: the child sees the zygote pages as they were at fork time. */
    char *probe = moved[1];
    int to_child[2], from_child[2];
    CHECK(pipe(to_child) == 0 && pipe(from_child) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char go;
        int ok = (unsigned char)probe[0] == 1;
        if (read(to_child[0], &go, 1) != 1) {
            _exit(3);
        }
        /* The parent has written 0xEE over it by now. */
        ok = ok && (unsigned char)probe[0] == 1 && (unsigned char)probe[23] == 1;
        probe[1] = 0x77; /* the child's write must not reach the parent */
        char done = 'd';
        if (write(from_child[1], &done, 1) != 1) {
            _exit(4);
        }
        _exit(ok ? 0 : 1);
    }
    memset(probe, 0xee, 24);
    char go = 'g';
    CHECK(write(to_child[1], &go, 1) == 1);
    char done;
    CHECK(read(from_child[0], &done, 1) == 1);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK((unsigned char)probe[1] == 0xee);
    close(to_child[0]);
    close(to_child[1]);
    close(from_child[0]);
    close(from_child[1]);
    hsr_spaces_forward_free(fwd);
    hsr_spaces_destroy(h);
}

/* Image space from a file written here. */
static void write_image(const char *path, int corrupt) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    hsr_image_header_t hdr;
    memset(&hdr, 0, sizeof hdr);
    memcpy(hdr.magic, HSR_IMAGE_MAGIC, 8);
    hdr.data_offset = 4096;
    hdr.data_size = 16 + 32 + 64;
    hdr.nobjects = corrupt ? 4 : 3;
    CHECK(fwrite(&hdr, sizeof hdr, 1, f) == 1);
    static char pad[4096];
    CHECK(fwrite(pad, 4096 - sizeof hdr, 1, f) == 1);
    uint64_t sizes[3] = {16, 32, 64};
    for (int i = 0; i < 3; i++) {
        char rec[64];
        memset(rec, 'a' + i, sizeof rec);
        memcpy(rec, &sizes[i], 8);
        CHECK(fwrite(rec, (size_t)sizes[i], 1, f) == 1);
    }
    CHECK(fclose(f) == 0);
}

static void test_image(void) {
    const char *dir = getenv("TEST_TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/space_test_image.bin", dir ? dir : "/tmp");
    hsr_spaces_config_t c = config(MiB, MiB, 2 * MiB);
    hsr_spaces_t *h = NULL;
    CHECK(hsr_spaces_create(&c, &h) == 0);
    write_image(path, 1);
    CHECK(hsr_spaces_add_image(h, path) == -EINVAL);
    CHECK(hsr_spaces_add_image(h, "/nonexistent/heapspec.img") == -ENOENT);
    write_image(path, 0);
    CHECK(hsr_spaces_add_image(h, path) == 0);
    CHECK(hsr_spaces_add_image(h, path) == -EEXIST);
    hsr_space_info_t info[5];
    CHECK(hsr_spaces_list(h, info, 5) == 4 && info[3].kind == HSR_SPACE_IMAGE);
    char *data = info[3].begin + 4096;
    CHECK(hsr_spaces_space_of(h, data) == HSR_SPACE_IMAGE);
    CHECK(hsr_spaces_allocation_size(h, data) == 16);
    CHECK(hsr_spaces_allocation_size(h, data + 16) == 32);
    CHECK(hsr_spaces_allocation_size(h, data + 48) == 64);
    CHECK(hsr_spaces_allocation_size(h, data + 8) == 0);
    CHECK(data[16 + 8] == 'b' && data[48 + 63] == 'c');
    CHECK(hsr_spaces_free(h, data) == -EPERM);
    heap_ok(h);
    hsr_spaces_destroy(h);
    unlink(path);
}

/* Misuse goes to the hook; a returning hook turns it into -EINVAL. */
static int hook_calls;
static void counting_hook(const char *msg, const void *where) {
    (void)msg;
    (void)where;
    hook_calls++;
}

static void test_misuse(void) {
    hsr_spaces_config_t c = config(MiB, MiB, MiB);
    hsr_spaces_t *h = NULL;
    CHECK(hsr_spaces_create(&c, &h) == 0);
    CHECK(hsr_spaces_set_usage_error_hook(counting_hook) == NULL);
    int local;
    CHECK(hsr_spaces_free(h, &local) == -EINVAL && hook_calls == 1);
    void *big = hsr_spaces_alloc(h, 16 * KiB, HSR_SPACES_ALLOC_LARGE_OK, NULL, NULL);
    CHECK(big != NULL);
    CHECK(hsr_spaces_free(h, (char *)big + 4096) == -EINVAL && hook_calls == 2);
    CHECK(hsr_spaces_set_usage_error_hook(NULL) == counting_hook);
    heap_ok(h);
    hsr_spaces_destroy(h);
}

/* Random mixed traffic with the walker after every call (debug build). */
static void test_random(void) {
    hsr_spaces_config_t c = config(256 * KiB, 2 * MiB, 4 * MiB);
    c.los_capacity = 4 * MiB;
    hsr_spaces_t *h = NULL;
    CHECK(hsr_spaces_create(&c, &h) == 0);
    enum { N = 256 };
    void *objs[N] = {0};
    unsigned seed = 42;
    for (int step = 0; step < 20000; step++) {
        int i = rand_r(&seed) % N;
        if (objs[i] != NULL) {
            CHECK(hsr_spaces_free(h, objs[i]) > 0);
            objs[i] = NULL;
            continue;
        }
        uint32_t flags = (uint32_t)(rand_r(&seed) % 8);
        uint64_t n = (uint64_t)(rand_r(&seed) % 3 == 0 ? rand_r(&seed) % (40 * 1024)
                                                       : rand_r(&seed) % 512);
        uint64_t ba = 0, us = 0;
        objs[i] = hsr_spaces_alloc(h, n, flags, &ba, &us);
        if (objs[i] != NULL) {
            CHECK(ba >= us && us >= n && hsr_spaces_allocation_size(h, objs[i]) == ba);
            CHECK(hsr_spaces_footprint(h) <= hsr_spaces_growth_limit(h));
            uint32_t k = hsr_spaces_space_of(h, objs[i]);
            if ((flags & HSR_SPACES_ALLOC_LARGE_OK) && n >= 12 * KiB) {
                CHECK(k == HSR_SPACE_LARGE_OBJECT);
            } else if (flags & HSR_SPACES_ALLOC_NON_MOVABLE) {
                CHECK(k == HSR_SPACE_NON_MOVING);
            } else {
                CHECK(k == HSR_SPACE_MAIN);
            }
        }
    }
    heap_ok(h);
    hsr_spaces_destroy(h);
}

/* Compaction: fill the main space with objs[i] of size 16 + (i % 7) * 32,
 * each filled with its own byte; free the even ones when `holes`. */
enum { CN = 2000 };

static uint64_t cobj_size(int i) {
    return (uint64_t)(16 + (i % 7) * 32);
}

static void check_moved(const hsr_spaces_t *h, char **objs, const hsr_spaces_forward_t *fwd,
                        size_t nfwd) {
    for (int i = 0; i < CN; i++) {
        if (objs[i] == NULL) {
            continue;
        }
        char *to = hsr_spaces_forward_lookup(fwd, nfwd, objs[i]);
        CHECK(to != objs[i]);
        CHECK(hsr_spaces_space_of(h, to) == HSR_SPACE_MAIN);
        /* the old address is in the (now empty) backup: no space answers */
        CHECK(hsr_spaces_space_of(h, objs[i]) == HSR_SPACE_NONE);
        CHECK(hsr_spaces_usable_size(h, to) >= cobj_size(i));
        for (uint64_t b = 0; b < cobj_size(i); b++) {
            CHECK((unsigned char)to[b] == (unsigned char)(i * 7 + 1));
        }
        objs[i] = to;
    }
}

static int compact_misuse;

static void compact_hook(const char *msg, const void *where) {
    (void)msg;
    (void)where;
    compact_misuse++;
}

static void test_compact(void) {
    hsr_spaces_config_t c = config(2 * MiB, 8 * MiB, 8 * MiB);
    hsr_spaces_t *h = NULL;
    CHECK(hsr_spaces_create(&c, &h) == 0);
    const uint64_t fp_empty = hsr_spaces_footprint(h); /* mspace header only */
    hsr_space_info_t info[5];
    CHECK(hsr_spaces_list(h, info, 5) == 3); /* the backup is not listed */
    char *const main0 = info[0].begin;
    static char *objs[CN];
    for (int i = 0; i < CN; i++) {
        objs[i] = hsr_spaces_alloc(h, cobj_size(i), HSR_SPACES_ALLOC_GROW, NULL, NULL);
        CHECK(objs[i] != NULL);
        memset(objs[i], i * 7 + 1, (size_t)cobj_size(i));
    }
    void *nm = hsr_spaces_alloc(h, 48, HSR_SPACES_ALLOC_NON_MOVABLE, NULL, NULL);
    void *los = hsr_spaces_alloc(h, 16 * KiB, HSR_SPACES_ALLOC_LARGE_OK, NULL, NULL);
    CHECK(nm != NULL && los != NULL);
    memset(nm, 0x3c, 48);
    /* fragment: free every other object (the frees leave holes, and the
     * footprint does not go down) */
    for (int i = 0; i < CN; i += 2) {
        CHECK(hsr_spaces_free(h, objs[i]) > 0);
        objs[i] = NULL;
    }
    const uint64_t fp_frag = hsr_spaces_footprint(h);
    CHECK(hsr_spaces_list(h, info, 5) == 3);
    const uint64_t live_objects = info[0].objects;
    const uint64_t live_bytes = info[0].bytes;
    CHECK(live_objects == CN / 2);

    hsr_spaces_forward_t *fwd = NULL;
    size_t nfwd = 0;
    CHECK(hsr_spaces_compact(h, &fwd, &nfwd) == 0);
    heap_ok(h);
    CHECK(nfwd == live_objects && fwd != NULL);
    for (size_t k = 1; k < nfwd; k++) {
        CHECK((char *)fwd[k - 1].from < (char *)fwd[k].from);
    }
    check_moved(h, objs, fwd, nfwd);
    hsr_spaces_forward_free(fwd);
    CHECK(hsr_spaces_list(h, info, 5) == 3);
    CHECK(info[0].kind == HSR_SPACE_MAIN && info[0].begin != main0);
    CHECK(info[0].objects == live_objects && info[0].bytes == live_bytes);
    /* defragmented: header plus the live bytes, page-rounded */
    const uint64_t fp1 = hsr_spaces_footprint(h);
    CHECK(fp1 < fp_frag);
    CHECK(fp1 <= fp_empty + (live_bytes + 4095) / 4096 * 4096);
    CHECK(fp1 >= live_bytes);
    CHECK(hsr_spaces_growth_limit(h) == 8 * MiB);
    /* other spaces untouched */
    CHECK(hsr_spaces_space_of(h, nm) == HSR_SPACE_NON_MOVING);
    CHECK(((unsigned char *)nm)[47] == 0x3c);
    CHECK(hsr_spaces_space_of(h, los) == HSR_SPACE_LARGE_OBJECT);
    CHECK(info[1].objects == 1 && info[2].objects == 1);
    /* a free at an old address (now the backup) is misuse, not a free */
    compact_misuse = 0;
    hsr_spaces_usage_error_fn prev = hsr_spaces_set_usage_error_hook(compact_hook);
    CHECK(hsr_spaces_free(h, main0 + 4096) == -EINVAL && compact_misuse == 1);
    (void)hsr_spaces_set_usage_error_hook(prev);

    /* allocation continues in the new main space */
    for (int i = 0; i < CN; i += 2) {
        objs[i] = hsr_spaces_alloc(h, cobj_size(i), HSR_SPACES_ALLOC_GROW, NULL, NULL);
        CHECK(objs[i] != NULL && hsr_spaces_space_of(h, objs[i]) == HSR_SPACE_MAIN);
        memset(objs[i], i * 7 + 1, (size_t)cobj_size(i));
    }
    for (int i = 1; i < CN; i += 4) {
        CHECK(hsr_spaces_free(h, objs[i]) > 0);
        objs[i] = NULL;
    }
    CHECK(hsr_spaces_list(h, info, 5) == 3);
    const uint64_t live2 = info[0].objects;
    const uint64_t fp_frag2 = hsr_spaces_footprint(h);

    /* a second compaction goes back into the first mapping */
    CHECK(hsr_spaces_compact(h, &fwd, &nfwd) == 0);
    heap_ok(h);
    CHECK(nfwd == live2);
    check_moved(h, objs, fwd, nfwd);
    hsr_spaces_forward_free(fwd);
    CHECK(hsr_spaces_list(h, info, 5) == 3);
    CHECK(info[0].begin == main0 && info[0].objects == live2);
    CHECK(hsr_spaces_footprint(h) < fp_frag2);
    CHECK(hsr_spaces_footprint(h) <= fp_empty + (info[0].bytes + 4095) / 4096 * 4096);

    /* an empty main space compacts to an empty table */
    for (int i = 0; i < CN; i++) {
        if (objs[i] != NULL) {
            CHECK(hsr_spaces_free(h, objs[i]) > 0);
        }
    }
    CHECK(hsr_spaces_compact(h, &fwd, &nfwd) == 0);
    CHECK(fwd == NULL && nfwd == 0 && hsr_spaces_footprint(h) == fp_empty);
    heap_ok(h);
    hsr_spaces_destroy(h);
}

/* Compaction after the zygote split moves main objects only. */
static void test_compact_after_zygote(void) {
    hsr_spaces_config_t c = config(2 * MiB, 8 * MiB, 8 * MiB);
    hsr_spaces_t *h = NULL;
    CHECK(hsr_spaces_create(&c, &h) == 0);
    char *zobj[10];
    for (int i = 0; i < 10; i++) {
        zobj[i] = hsr_spaces_alloc(h, 100, 0, NULL, NULL);
        CHECK(zobj[i] != NULL);
        memset(zobj[i], 0x40 + i, 100);
    }
    hsr_spaces_forward_t *fwd = NULL;
    size_t nfwd = 0;
    CHECK(hsr_spaces_zygote_split(h, &fwd, &nfwd) == 0 && nfwd == 10);
    for (int i = 0; i < 10; i++) {
        zobj[i] = hsr_spaces_forward_lookup(fwd, nfwd, zobj[i]);
        CHECK(hsr_spaces_space_of(h, zobj[i]) == HSR_SPACE_ZYGOTE);
    }
    hsr_spaces_forward_free(fwd);
    static char *objs[CN];
    memset(objs, 0, sizeof objs);
    for (int i = 0; i < CN; i++) {
        objs[i] = hsr_spaces_alloc(h, cobj_size(i), HSR_SPACES_ALLOC_GROW, NULL, NULL);
        CHECK(objs[i] != NULL);
        memset(objs[i], i * 7 + 1, (size_t)cobj_size(i));
    }
    for (int i = 1; i < CN; i += 2) {
        CHECK(hsr_spaces_free(h, objs[i]) > 0);
        objs[i] = NULL;
    }
    hsr_space_info_t info[5];
    CHECK(hsr_spaces_list(h, info, 5) == 4);
    const uint64_t zobjects = info[3].objects;
    const uint64_t fp = hsr_spaces_footprint(h);
    CHECK(hsr_spaces_compact(h, &fwd, &nfwd) == 0);
    heap_ok(h);
    CHECK(nfwd == CN / 2);
    check_moved(h, objs, fwd, nfwd);
    for (int i = 0; i < 10; i++) {
        CHECK(hsr_spaces_forward_lookup(fwd, nfwd, zobj[i]) == zobj[i]);
        CHECK(hsr_spaces_space_of(h, zobj[i]) == HSR_SPACE_ZYGOTE);
        for (int b = 0; b < 100; b++) {
            CHECK((unsigned char)zobj[i][b] == (unsigned char)(0x40 + i));
        }
    }
    hsr_spaces_forward_free(fwd);
    CHECK(hsr_spaces_list(h, info, 5) == 4);
    CHECK(info[3].kind == HSR_SPACE_ZYGOTE && info[3].objects == zobjects);
    CHECK(hsr_spaces_footprint(h) < fp);
    CHECK(hsr_spaces_compact(h, &fwd, &nfwd) == 0 && nfwd == CN / 2);
    check_moved(h, objs, fwd, nfwd);
    hsr_spaces_forward_free(fwd);
    heap_ok(h);
    hsr_spaces_destroy(h);
}

int main(void) {
    test_create_rules();
    test_growth();
    test_routing(HSR_LOS_FREE_LIST);
    test_routing(HSR_LOS_MAP);
    test_zygote();
    test_compact();
    test_compact_after_zygote();
    test_image();
    test_misuse();
    test_random();
    printf("space_test: all passed\n");
    return 0;
}
