/*
 * region_test.c — unit tests of ref/region: one test per sentence of the
 * manual in ref/include/heapspec/region.h (clause ids of
 * spec/clauses/region.tsv in brackets). After every mutating call the
 * walker hsr_region_check() must agree the handle is consistent.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "heapspec/region.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ref/region/region_impl.h" /* white-box: corrupt a handle for the walker test */

static int failures;
static int checks;

#define EXPECT(cond)                                                                     \
    do {                                                                                 \
        checks++;                                                                        \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond);             \
            failures++;                                                                  \
        }                                                                                \
    } while (0)

#define EXPECT_EQ(a, b)                                                                  \
    do {                                                                                 \
        long long a_ = (long long)(a), b_ = (long long)(b);                              \
        checks++;                                                                        \
        if (a_ != b_) {                                                                  \
            fprintf(stderr, "%s:%d: FAIL: %s == %s (%lld != %lld)\n", __FILE__, __LINE__, \
                    #a, #b, a_, b_);                                                     \
            failures++;                                                                  \
        }                                                                                \
    } while (0)

/* The walker must accept r. */
#define CHECKED(r)                                                                       \
    do {                                                                                 \
        char why_[160] = "";                                                             \
        checks++;                                                                        \
        if (!hsr_region_check((r), why_, sizeof why_)) {                                 \
            fprintf(stderr, "%s:%d: FAIL: check: %s\n", __FILE__, __LINE__, why_);       \
            failures++;                                                                  \
        }                                                                                \
    } while (0)

static long page;

static hsr_region_t *make(const char *name, uint64_t size) {
    hsr_region_t *r = NULL;
    int err = hsr_region_create(name, size, &r);
    EXPECT_EQ(err, 0);
    if (err != 0) {
        fprintf(stderr, "cannot create a region: %s\n", strerror(-err));
        exit(1);
    }
    CHECKED(r);
    return r;
}

static void *map(hsr_region_t *r, uint32_t prot, uint32_t how, uint64_t off, uint64_t len) {
    void *p = NULL;
    int err = hsr_region_map(r, prot, how, off, len, &p);
    EXPECT_EQ(err, 0);
    CHECKED(r);
    return err == 0 ? p : NULL;
}

static int all_bytes(const void *p, size_t n, unsigned char v) {
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i] != v)
            return 0;
    return 1;
}

/* Run fn in a child; returns its exit status (0 = all good). */
static int in_child(int (*fn)(void *), void *arg) {
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn(arg));
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

/* ---------------------------------------------------------------------- */

/* [REGION-CREATE-1..3, REGION-NAME-1, REGION-NAME-3, REGION-SIZE-1] */
static void test_create_and_name(void) {
    hsr_region_t *r = make("heapspec-create", 3 * (uint64_t)page + 5);
    EXPECT_EQ(hsr_region_get_size(r), 3 * page + 5);
    int fd = hsr_region_fd(r);
    EXPECT(fd >= 0);
    EXPECT((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    struct stat st;
    EXPECT_EQ(fstat(fd, &st), 0);
    EXPECT_EQ(st.st_size, 3 * page + 5);
    EXPECT_EQ(hsr_region_get_prot(r), HSR_REGION_PROT_ALL);

    char buf[300];
    EXPECT_EQ(hsr_region_get_name(r, buf, sizeof buf), 0);
    EXPECT(strcmp(buf, "heapspec-create") == 0);
    EXPECT_EQ(hsr_region_get_name(r, buf, 5), -ERANGE);
    EXPECT(strcmp(buf, "heap") == 0);
    EXPECT_EQ(hsr_region_get_name(r, NULL, 5), -EINVAL);
    EXPECT_EQ(hsr_region_close(r), 0);

    r = make(NULL, 0); /* unnamed, size later */
    EXPECT_EQ(hsr_region_get_size(r), 0);
    EXPECT_EQ(hsr_region_get_name(r, buf, sizeof buf), 0);
    EXPECT(strcmp(buf, HSR_REGION_DEFAULT_NAME) == 0);
    EXPECT_EQ(hsr_region_close(r), 0);

    char longname[HSR_REGION_NAME_MAX + 2];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    hsr_region_t *bad = (hsr_region_t *)&page; /* must stay untouched on failure */
    EXPECT_EQ(hsr_region_create(longname, 10, &bad), -EINVAL);
    EXPECT(bad == (hsr_region_t *)&page);
    longname[HSR_REGION_NAME_MAX] = '\0'; /* exactly the maximum: fine */
    r = make(longname, 10);
    EXPECT_EQ(hsr_region_get_name(r, buf, sizeof buf), 0);
    EXPECT_EQ(strlen(buf), HSR_REGION_NAME_MAX);
    EXPECT_EQ(hsr_region_close(r), 0);
    EXPECT_EQ(hsr_region_create("x", HSR_REGION_SIZE_MAX + 1, &bad), -EINVAL);
    EXPECT_EQ(hsr_region_create("x", 1, NULL), -EINVAL);
}

/* The exact line form in /proc/self/maps [REGION-NAME-2]. */
static void test_proc_maps_name(void) {
    hsr_region_t *r = make("dalvik-main space", (uint64_t)page * 2);
    char *p = map(r, HSR_REGION_PROT_READ | HSR_REGION_PROT_WRITE, HSR_REGION_MAP_SHARED, 0,
                  (uint64_t)page * 2);
    FILE *f = fopen("/proc/self/maps", "r");
    EXPECT(f != NULL);
    int found = 0;
    char line[512];
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        unsigned long lo = 0, hi = 0;
        char perms[8] = "";
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || lo != (unsigned long)p)
            continue;
        found = 1;
        EXPECT_EQ(hi - lo, 2 * page);
        EXPECT(strcmp(perms, "rw-s") == 0);
        EXPECT(strstr(line, " /memfd:dalvik-main space (deleted)\n") != NULL);
    }
    if (f != NULL)
        fclose(f);
    EXPECT(found);
    EXPECT_EQ(hsr_region_close(r), 0);
}

/* [REGION-SIZE-1..4] */
static void test_size_rules(void) {
    hsr_region_t *r = make("heapspec-size", 0);
    void *p = NULL;
    EXPECT_EQ(hsr_region_map(r, HSR_REGION_PROT_READ, HSR_REGION_MAP_SHARED, 0, 4096, &p),
              -EINVAL); /* no size yet */
    CHECKED(r);
    EXPECT_EQ(hsr_region_set_size(r, 100), 0);
    CHECKED(r);
    EXPECT_EQ(hsr_region_set_size(r, 3 * (uint64_t)page), 0); /* settable again */
    CHECKED(r);
    EXPECT_EQ(hsr_region_get_size(r), 3 * page);
    EXPECT_EQ(hsr_region_set_size(r, HSR_REGION_SIZE_MAX + 1), -EINVAL);
    EXPECT_EQ(hsr_region_get_size(r), 3 * page);
    p = map(r, HSR_REGION_PROT_READ, HSR_REGION_MAP_SHARED, 0, (uint64_t)page);
    EXPECT_EQ(hsr_region_set_size(r, 4 * (uint64_t)page), -EINVAL); /* fixed once mapped */
    EXPECT_EQ(hsr_region_set_size(r, 3 * (uint64_t)page), -EINVAL); /* even the same size */
    EXPECT_EQ(hsr_region_unmap(r, p, (uint64_t)page), 0);
    CHECKED(r);
    EXPECT_EQ(hsr_region_set_size(r, (uint64_t)page), -EINVAL); /* and after unmapping */
    EXPECT_EQ(hsr_region_get_size(r), 3 * page);
    /* Other holders of the fd cannot resize it either. */
    int fd = hsr_region_fd(r);
    EXPECT(ftruncate(fd, page) != 0 && errno == EPERM);
    int seals = fcntl(fd, F_GET_SEALS);
    EXPECT((seals & F_SEAL_GROW) != 0 && (seals & F_SEAL_SHRINK) != 0);
    EXPECT_EQ(hsr_region_close(r), 0);
}

/* [REGION-MAP-3] bad map arguments */
static void test_map_arguments(void) {
    hsr_region_t *r = make("heapspec-args", 2 * (uint64_t)page + 1); /* 3 pages rounded */
    void *p = NULL;
    uint32_t rw = HSR_REGION_PROT_READ | HSR_REGION_PROT_WRITE;
    EXPECT_EQ(hsr_region_map(r, rw, HSR_REGION_MAP_SHARED, 0, 0, &p), -EINVAL);
    EXPECT_EQ(hsr_region_map(r, rw, HSR_REGION_MAP_SHARED, 1, 10, &p), -EINVAL);
    EXPECT_EQ(hsr_region_map(r, rw, 3, 0, 10, &p), -EINVAL);
    EXPECT_EQ(hsr_region_map(r, 8, HSR_REGION_MAP_SHARED, 0, 10, &p), -EINVAL);
    EXPECT_EQ(hsr_region_map(r, rw, HSR_REGION_MAP_SHARED, 0, 3 * (uint64_t)page + 1, &p),
              -EINVAL);
    EXPECT_EQ(hsr_region_map(r, rw, HSR_REGION_MAP_SHARED, 3 * (uint64_t)page, 1, &p), -EINVAL);
    EXPECT_EQ(hsr_region_map(r, rw, HSR_REGION_MAP_SHARED, (uint64_t)page, 3 * (uint64_t)page,
                             &p),
              -EINVAL);
    CHECKED(r);
    EXPECT_EQ(hsr_region_set_size(r, 3 * (uint64_t)page), 0); /* failures did not fix it */
    char *q = map(r, rw, HSR_REGION_MAP_SHARED, 2 * (uint64_t)page, (uint64_t)page);
    if (q != NULL)
        q[page - 1] = 1; /* the last page is whole */
    EXPECT_EQ(hsr_region_close(r), 0); /* close unmaps what is left */
}

/* [REGION-PROT-1..5] the mask only shrinks; maps outside it are -EPERM */
static void test_prot_mask(void) {
    const uint32_t R = HSR_REGION_PROT_READ, W = HSR_REGION_PROT_WRITE,
                   X = HSR_REGION_PROT_EXEC;
    hsr_region_t *r = make("heapspec-prot", (uint64_t)page);
    char *rw = map(r, R | W, HSR_REGION_MAP_SHARED, 0, (uint64_t)page);
    EXPECT_EQ(hsr_region_set_prot(r, R | W), 0); /* drop EXEC */
    CHECKED(r);
    EXPECT_EQ(hsr_region_get_prot(r), R | W);
    EXPECT_EQ(hsr_region_set_prot(r, R | W | X), -EINVAL); /* adding back */
    EXPECT_EQ(hsr_region_set_prot(r, 0x10), -EINVAL);      /* unknown bit */
    EXPECT_EQ(hsr_region_get_prot(r), R | W);
    void *p = NULL;
    EXPECT_EQ(hsr_region_map(r, R | X, HSR_REGION_MAP_SHARED, 0, (uint64_t)page, &p), -EPERM);
    EXPECT_EQ(hsr_region_map(r, R | X, HSR_REGION_MAP_PRIVATE, 0, (uint64_t)page, &p), -EPERM);
    CHECKED(r);

    /* Dropping WRITE seals the memfd for every holder of the descriptor. */
    EXPECT_EQ(hsr_region_set_prot(r, R), 0);
    CHECKED(r);
    int fd = hsr_region_fd(r);
    EXPECT((fcntl(fd, F_GET_SEALS) & F_SEAL_FUTURE_WRITE) != 0);
    EXPECT_EQ(hsr_region_map(r, R | W, HSR_REGION_MAP_SHARED, 0, (uint64_t)page, &p), -EPERM);
    EXPECT_EQ(hsr_region_map(r, R | W, HSR_REGION_MAP_PRIVATE, 0, (uint64_t)page, &p), -EPERM);
    EXPECT_EQ(hsr_region_set_prot(r, R | W), -EINVAL);
    int dupfd = dup(fd);
    void *raw = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, dupfd, 0);
    EXPECT(raw == MAP_FAILED && errno == EPERM); /* a second holder is refused too */
    /* A read-only mapping made now cannot be made writable. */
    char *ro = map(r, R, HSR_REGION_MAP_SHARED, 0, (uint64_t)page);
    EXPECT(ro != NULL && mprotect(ro, (size_t)page, PROT_READ | PROT_WRITE) != 0);
    /* A mapping made before the reduction keeps its protection. */
    if (rw != NULL && ro != NULL) {
        rw[7] = 42;
        EXPECT_EQ(ro[7], 42);
    }
    EXPECT_EQ(hsr_region_set_prot(r, 0), 0);
    EXPECT_EQ(hsr_region_map(r, R, HSR_REGION_MAP_SHARED, 0, (uint64_t)page, &p), -EPERM);
    EXPECT_EQ(hsr_region_get_prot(r), 0);
    CHECKED(r);
    close(dupfd);
    EXPECT_EQ(hsr_region_close(r), 0);
}

static int child_drops_write(void *arg) {
    return hsr_region_set_prot((hsr_region_t *)arg, HSR_REGION_PROT_READ) == 0 ? 0 : 1;
}

/* A reduction made through another holder (a fork child) is seen by the
 * parent's next map and get_prot [REGION-PROT-4]. */
static void test_prot_across_fork(void) {
    hsr_region_t *r = make("heapspec-prot-fork", (uint64_t)page);
    EXPECT_EQ(in_child(child_drops_write, r), 0);
    void *p = NULL;
    EXPECT_EQ(hsr_region_map(r, HSR_REGION_PROT_READ | HSR_REGION_PROT_WRITE,
                             HSR_REGION_MAP_SHARED, 0, (uint64_t)page, &p),
              -EPERM);
    EXPECT_EQ(hsr_region_get_prot(r), HSR_REGION_PROT_READ | HSR_REGION_PROT_EXEC);
    CHECKED(r);
    EXPECT(map(r, HSR_REGION_PROT_READ, HSR_REGION_MAP_SHARED, 0, (uint64_t)page) != NULL);
    EXPECT_EQ(hsr_region_close(r), 0);
}

/* [REGION-MAP-1, REGION-MAP-2] shared mappings share; private ones copy */
static void test_shared_and_private(void) {
    const uint32_t RW = HSR_REGION_PROT_READ | HSR_REGION_PROT_WRITE;
    hsr_region_t *r = make("heapspec-share", 2 * (uint64_t)page);
    char *a = map(r, RW, HSR_REGION_MAP_SHARED, 0, 2 * (uint64_t)page);
    char *b = map(r, RW, HSR_REGION_MAP_SHARED, 0, 2 * (uint64_t)page);
    char *c = map(r, RW, HSR_REGION_MAP_SHARED, (uint64_t)page, (uint64_t)page); /* offset */
    char *v = map(r, RW, HSR_REGION_MAP_PRIVATE, 0, 2 * (uint64_t)page);
    if (a == NULL || b == NULL || c == NULL || v == NULL)
        return;
    EXPECT(a != b);
    a[10] = 'a';
    EXPECT_EQ(b[10], 'a');
    b[page + 3] = 'b';
    EXPECT_EQ(a[page + 3], 'b');
    EXPECT_EQ(c[3], 'b');
    EXPECT_EQ(v[10], 'a'); /* unwritten private page: sees the file */
    v[10] = 'v';           /* copy on write */
    EXPECT_EQ(a[10], 'a');
    EXPECT_EQ(b[10], 'a');
    a[11] = 'z'; /* the private copy no longer follows page 0 */
    EXPECT_EQ(v[11], 0);
    EXPECT_EQ(v[10], 'v');
    EXPECT_EQ(hsr_region_unmap(r, c, (uint64_t)page), 0);
    CHECKED(r);
    EXPECT_EQ(hsr_region_unmap(r, b, (uint64_t)page), -EINVAL); /* not its length */
    EXPECT_EQ(hsr_region_unmap(r, b, 2 * (uint64_t)page - 1), 0); /* rounds to it */
    CHECKED(r);
    EXPECT_EQ(hsr_region_close(r), 0);
}

struct fork_arg {
    char *shared;
    char *priv;
};

static int child_writes(void *arg) {
    struct fork_arg *fa = arg;
    strcpy(fa->shared, "from the child");
    strcpy(fa->priv, "private child");
    return 0;
}

/* Across fork: the child's shared writes reach the parent, its private
 * writes do not [REGION-MAP-1, REGION-MAP-2]. */
static void test_fork(void) {
    const uint32_t RW = HSR_REGION_PROT_READ | HSR_REGION_PROT_WRITE;
    hsr_region_t *r = make("heapspec-fork", (uint64_t)page);
    struct fork_arg fa;
    fa.shared = map(r, RW, HSR_REGION_MAP_SHARED, 0, (uint64_t)page);
    fa.priv = map(r, RW, HSR_REGION_MAP_PRIVATE, 0, (uint64_t)page);
    if (fa.shared == NULL || fa.priv == NULL)
        return;
    strcpy(fa.shared, "parent");
    fa.priv[100] = 'p'; /* the parent's private page is its own copy */
    EXPECT_EQ(in_child(child_writes, &fa), 0);
    EXPECT(strcmp(fa.shared, "from the child") == 0);
    EXPECT(strcmp(fa.priv, "parent") == 0 || fa.priv[0] == 'p');
    EXPECT(strncmp(fa.priv, "private child", 13) != 0);
    EXPECT_EQ(fa.priv[100], 'p');
    /* A fresh mapping after fork sees the child's data too. */
    char *again = map(r, HSR_REGION_PROT_READ, HSR_REGION_MAP_SHARED, 0, (uint64_t)page);
    EXPECT(again != NULL && strcmp(again, "from the child") == 0);
    EXPECT_EQ(hsr_region_close(r), 0);
}

/* [REGION-PIN-1..3, REGION-PIN-5, REGION-PIN-6] page-granular pin/unpin/status */
static void test_pin_rules(void) {
    const uint64_t P = (uint64_t)page;
    hsr_region_t *r = make("heapspec-pin", 4 * P);
    EXPECT_EQ(hsr_region_pin(r, 0, P), -EINVAL); /* not mapped yet */
    EXPECT_EQ(hsr_region_unpin(r, 0, P), -EINVAL);
    EXPECT_EQ(hsr_region_pin_status(r, 0, P), -EINVAL);
    EXPECT_EQ(hsr_region_purge_all(r), 0);
    char *a = map(r, HSR_REGION_PROT_READ | HSR_REGION_PROT_WRITE, HSR_REGION_MAP_SHARED, 0,
                  4 * P);
    if (a == NULL)
        return;
    EXPECT_EQ(hsr_region_pin_status(r, 0, 0), HSR_REGION_PINNED); /* pages start pinned */
    EXPECT_EQ(hsr_region_unpin(r, 1, P), -EINVAL);                /* unaligned offset */
    EXPECT_EQ(hsr_region_unpin(r, 0, P + 1), -EINVAL);            /* unaligned length */
    EXPECT_EQ(hsr_region_unpin(r, 3 * P, 2 * P), -EINVAL);        /* past the end */
    EXPECT_EQ(hsr_region_unpin(r, 5 * P, 0), -EINVAL);
    EXPECT_EQ(hsr_region_unpin(r, P, UINT64_MAX - P + 1), -EINVAL); /* wraps */
    CHECKED(r);
    memset(a, 0x5a, 4 * P);
    EXPECT_EQ(hsr_region_unpin(r, P, 2 * P), 0);
    CHECKED(r);
    EXPECT_EQ(hsr_region_pin_status(r, 0, P), HSR_REGION_PINNED);
    EXPECT_EQ(hsr_region_pin_status(r, 0, 2 * P), HSR_REGION_UNPINNED); /* any page */
    EXPECT_EQ(hsr_region_pin_status(r, 2 * P, 0), HSR_REGION_UNPINNED); /* len 0: to end */
    EXPECT_EQ(hsr_region_pin_status(r, 3 * P, P), HSR_REGION_PINNED);
    /* Re-pinning before any purge: intact, NOT_PURGED. */
    EXPECT_EQ(hsr_region_pin(r, P, P), HSR_REGION_NOT_PURGED);
    CHECKED(r);
    EXPECT_EQ(hsr_region_pin_status(r, P, P), HSR_REGION_PINNED);
    EXPECT_EQ(hsr_region_pin_status(r, 2 * P, P), HSR_REGION_UNPINNED);
    EXPECT(all_bytes(a, 4 * P, 0x5a));
    EXPECT_EQ(hsr_region_pin(r, 0, 0), HSR_REGION_NOT_PURGED);
    EXPECT_EQ(hsr_region_pin_status(r, 0, 0), HSR_REGION_PINNED);
    EXPECT_EQ(hsr_region_close(r), 0);
}

/* [REGION-PURGE-1..3, REGION-PIN-4] purge punches holes over unpinned pages only */
static void test_purge(void) {
    const uint64_t P = (uint64_t)page;
    hsr_region_t *r = make("heapspec-purge", 6 * P);
    const uint32_t RW = HSR_REGION_PROT_READ | HSR_REGION_PROT_WRITE;
    char *a = map(r, RW, HSR_REGION_MAP_SHARED, 0, 6 * P);
    char *b = map(r, HSR_REGION_PROT_READ, HSR_REGION_MAP_SHARED, 0, 6 * P);
    if (a == NULL || b == NULL)
        return;
    memset(a, 0x77, 6 * P);
    EXPECT_EQ(hsr_region_unpin(r, P, 2 * P), 0); /* pages 1, 2 */
    EXPECT_EQ(hsr_region_unpin(r, 4 * P, P), 0); /* page 4 */
    EXPECT_EQ(hsr_region_purge_all(r), 3);
    CHECKED(r);
    EXPECT(all_bytes(a, P, 0x77));           /* pinned: intact */
    EXPECT(all_bytes(a + P, 2 * P, 0));      /* purged: zero in every mapping */
    EXPECT(all_bytes(b + P, 2 * P, 0));
    EXPECT(all_bytes(a + 3 * P, P, 0x77));
    EXPECT(all_bytes(b + 4 * P, P, 0));
    EXPECT(all_bytes(a + 5 * P, P, 0x77));
    EXPECT_EQ(hsr_region_purge_all(r), 0); /* nothing new to purge */
    EXPECT_EQ(hsr_region_pin_status(r, P, P), HSR_REGION_UNPINNED); /* still unpinned */
    /* Re-pin: WAS_PURGED when any page of the range was purged. */
    EXPECT_EQ(hsr_region_pin(r, 0, 2 * P), HSR_REGION_WAS_PURGED);
    CHECKED(r);
    EXPECT(all_bytes(b + P, P, 0));
    a[P] = 9; /* a purged page is usable again once pinned */
    EXPECT_EQ(b[P], 9);
    EXPECT_EQ(hsr_region_pin(r, 0, 2 * P), HSR_REGION_NOT_PURGED); /* answer once */
    EXPECT_EQ(hsr_region_pin(r, 2 * P, 0), HSR_REGION_WAS_PURGED);  /* pages 2, 4 */
    EXPECT_EQ(hsr_region_pin_status(r, 0, 0), HSR_REGION_PINNED);
    EXPECT_EQ(hsr_region_purge_all(r), 0);
    /* The memfd keeps its size (KEEP_SIZE). */
    struct stat st;
    EXPECT(fstat(hsr_region_fd(r), &st) == 0 && st.st_size == (off_t)(6 * P));
    /* Unpin, write, pin with no purge between: data kept. */
    EXPECT_EQ(hsr_region_unpin(r, 0, 0), 0);
    a[0] = 1;
    EXPECT_EQ(hsr_region_pin(r, 0, 0), HSR_REGION_NOT_PURGED);
    EXPECT_EQ(b[0], 1);
    CHECKED(r);
    EXPECT_EQ(hsr_region_close(r), 0);
}

/* Memory pressure purges every open region [REGION-PURGE-1, -2]. */
static void test_memory_pressure(void) {
    const uint64_t P = (uint64_t)page;
    const uint32_t RW = HSR_REGION_PROT_READ | HSR_REGION_PROT_WRITE;
    hsr_region_t *r1 = make("heapspec-pressure-1", 3 * P);
    hsr_region_t *r2 = make("heapspec-pressure-2", 2 * P);
    hsr_region_t *r3 = make("heapspec-pressure-3", 2 * P); /* never mapped: skipped */
    char *a = map(r1, RW, HSR_REGION_MAP_SHARED, 0, 3 * P);
    char *b = map(r2, RW, HSR_REGION_MAP_SHARED, 0, 2 * P);
    if (a == NULL || b == NULL)
        return;
    memset(a, 1, 3 * P);
    memset(b, 2, 2 * P);
    EXPECT_EQ(hsr_region_unpin(r1, 0, 0), 0);
    EXPECT_EQ(hsr_region_unpin(r2, P, P), 0);
    EXPECT_EQ(hsr_region_memory_pressure(), 4);
    CHECKED(r1);
    CHECKED(r2);
    CHECKED(r3);
    EXPECT(all_bytes(a, 3 * P, 0));
    EXPECT(all_bytes(b, P, 2));
    EXPECT(all_bytes(b + P, P, 0));
    EXPECT_EQ(hsr_region_pin(r1, 0, 0), HSR_REGION_WAS_PURGED);
    EXPECT_EQ(hsr_region_pin(r2, 0, P), HSR_REGION_NOT_PURGED);
    EXPECT_EQ(hsr_region_pin(r2, P, P), HSR_REGION_WAS_PURGED);
    EXPECT_EQ(hsr_region_close(r1), 0);
    EXPECT_EQ(hsr_region_memory_pressure(), 0); /* r1 is gone from the registry */
    EXPECT_EQ(hsr_region_close(r2), 0);
    EXPECT_EQ(hsr_region_close(r3), 0);
}

/* A write-sealed memfd cannot be hole-punched: purge leaves its pages
 * unpinned and intact, and pin answers NOT_PURGED (region.h, PINNING). */
static void test_purge_sealed(void) {
    const uint64_t P = (uint64_t)page;
    hsr_region_t *r = make("heapspec-sealed", 2 * P);
    char *a = map(r, HSR_REGION_PROT_READ | HSR_REGION_PROT_WRITE, HSR_REGION_MAP_SHARED, 0,
                  2 * P);
    if (a == NULL)
        return;
    memset(a, 3, 2 * P);
    EXPECT_EQ(hsr_region_set_prot(r, HSR_REGION_PROT_READ), 0);
    EXPECT_EQ(hsr_region_unpin(r, 0, 0), 0);
    EXPECT_EQ(hsr_region_purge_all(r), 0);
    EXPECT(all_bytes(a, 2 * P, 3));
    EXPECT_EQ(hsr_region_pin_status(r, 0, 0), HSR_REGION_UNPINNED);
    EXPECT_EQ(hsr_region_pin(r, 0, 0), HSR_REGION_NOT_PURGED);
    CHECKED(r);
    EXPECT_EQ(hsr_region_close(r), 0);
}

static int count_open_fds(void) {
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        if (fcntl(fd, F_GETFD) != -1)
            n++;
    return n;
}

/* dvmAllocRegion: page-rounded, shared RW, fd closed (region.h, Dalvik helper). */
static void test_alloc_mapped(void) {
    int before = count_open_fds();
    uint64_t len = 0;
    void *base = NULL;
    EXPECT_EQ(hsr_region_alloc_mapped("dalvik-heap", (uint64_t)page + 1, &len, &base), 0);
    EXPECT_EQ(len, 2 * page);
    EXPECT(base != NULL && (uintptr_t)base % (uintptr_t)page == 0);
    EXPECT_EQ(count_open_fds(), before); /* descriptor closed */
    if (base != NULL) {
        EXPECT(all_bytes(base, (size_t)len, 0));
        memset(base, 0xee, (size_t)len); /* writable over its whole length */
        EXPECT(all_bytes(base, (size_t)len, 0xee));
    }
    /* Named in /proc/self/maps, shared. */
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int found = 0;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (strtoul(line, NULL, 16) == (unsigned long)base &&
            strstr(line, "rw-s") != NULL && strstr(line, "/memfd:dalvik-heap (deleted)") != NULL)
            found = 1;
    if (f != NULL)
        fclose(f);
    EXPECT(found);
    EXPECT_EQ(hsr_region_free_mapped(base, len), 0);
    EXPECT_EQ(hsr_region_alloc_mapped("x", 0, &len, &base), -EINVAL);
    EXPECT_EQ(hsr_region_alloc_mapped("x", HSR_REGION_SIZE_MAX + 1, &len, &base), -EINVAL);
    EXPECT_EQ(hsr_region_free_mapped(NULL, 10), -EINVAL);
    EXPECT_EQ(count_open_fds(), before);
}

static int hook_calls;
static const void *hook_where;
static void recording_hook(const char *msg, const void *where) {
    (void)msg;
    hook_calls++;
    hook_where = where;
}

/* Misuse goes to the hook; bad input is just an error [REGION-USAGE-1]. */
static void test_usage_errors(void) {
    hsr_region_usage_error_fn old = hsr_region_set_usage_error_hook(recording_hook);
    EXPECT(old == NULL); /* the default */
    hsr_region_t *r = make("heapspec-usage", (uint64_t)page);
    char local[16];
    EXPECT_EQ(hsr_region_unmap(r, local, sizeof local), -EINVAL);
    EXPECT_EQ(hook_calls, 1);
    EXPECT(hook_where == local);
    EXPECT_EQ(hsr_region_get_size(NULL), -EINVAL); /* NULL: bad input, no hook */
    EXPECT_EQ(hook_calls, 1);
    /* A handle that is not a region. */
    struct hsr_region_s fake;
    memset(&fake, 0, sizeof fake);
    EXPECT_EQ(hsr_region_pin(&fake, 0, 0), -EINVAL);
    EXPECT_EQ(hook_calls, 2);
    EXPECT_EQ(hsr_region_close(r), 0);
    EXPECT(hsr_region_set_usage_error_hook(NULL) == recording_hook);
}

/* The default hook aborts with a message (run in a child). */
static int child_misuses(void *arg) {
    (void)arg;
    struct hsr_region_s fake;
    memset(&fake, 0, sizeof fake);
    int dn = open("/dev/null", O_WRONLY);
    if (dn >= 0)
        dup2(dn, 2); /* keep the expected message out of the test log */
    (void)hsr_region_get_size(&fake);
    return 0; /* not reached when the hook aborts */
}

static void test_default_hook_aborts(void) {
    pid_t pid = fork();
    if (pid == 0)
        _exit(child_misuses(NULL));
    int st = 0;
    EXPECT(pid > 0 && waitpid(pid, &st, 0) == pid);
    EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
}

/* The walker notices broken state (so CHECKED above can fail). */
static void test_walker_detects(void) {
    const uint64_t P = (uint64_t)page;
    hsr_region_t *r = make("heapspec-walker", 3 * P);
    EXPECT(map(r, HSR_REGION_PROT_READ, HSR_REGION_MAP_SHARED, 0, P) != NULL);
    char why[160];
    struct hsr_region_s saved = *r; /* scalars only: the bitmaps are shared */
    uint64_t purged0 = r->purged[0], unpinned0 = r->unpinned[0];

    r->purged[0] |= 1u; /* purged but pinned */
    EXPECT(!hsr_region_check(r, why, sizeof why) && strstr(why, "VALID-7") != NULL);
    r->purged[0] = purged0;
    r->unpinned[0] |= (uint64_t)1 << 3; /* past the last page */
    EXPECT(!hsr_region_check(r, why, sizeof why) && strstr(why, "VALID-8") != NULL);
    r->unpinned[0] = unpinned0;
    r->prot_mask = 8;
    EXPECT(!hsr_region_check(r, why, sizeof why) && strstr(why, "VALID-2") != NULL);
    r->prot_mask = saved.prot_mask;
    r->npages = 2;
    EXPECT(!hsr_region_check(r, why, sizeof why) && strstr(why, "VALID-6") != NULL);
    r->npages = saved.npages;
    r->size = 2 * P; /* the memfd says 3 pages */
    r->npages = 2;
    EXPECT(!hsr_region_check(r, why, sizeof why) && strstr(why, "VALID-11") != NULL);
    r->size = saved.size;
    r->npages = saved.npages;
    r->nmaps = r->cap_maps + 1;
    EXPECT(!hsr_region_check(r, why, sizeof why) && strstr(why, "VALID-9") != NULL);
    r->nmaps = saved.nmaps;
    CHECKED(r);
    EXPECT(!hsr_region_check(NULL, why, sizeof why));
    EXPECT(!hsr_region_check(NULL, NULL, 0));
    EXPECT_EQ(hsr_region_close(r), 0);
}

int main(void) {
    page = sysconf(_SC_PAGESIZE);
    test_create_and_name();
    test_proc_maps_name();
    test_size_rules();
    test_map_arguments();
    test_prot_mask();
    test_prot_across_fork();
    test_shared_and_private();
    test_fork();
    test_pin_rules();
    test_purge();
    test_memory_pressure();
    test_purge_sealed();
    test_alloc_mapped();
    test_usage_errors();
    test_default_hook_aborts();
    test_walker_detects();
    printf("region_test: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
