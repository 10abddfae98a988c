/* region_check.c — the region family's checker: runs a trace against a
 * subject's struct hs_region_ops and judges every step against a shadow
 * model of the ashmem contract (spec/clauses/region.def).
 *
 * Trace grammar (ids #N name regions and mappings; numbers are arguments):
 *
 *   create #r SIZE NAME        NAME 0: unnamed (NULL), k: "hs-region-k"
 *   set_size #r SIZE           get_size #r        get_name #r
 *   set_prot #r PROT           get_prot #r        (PROT: PROT_* bits, 1|2|4)
 *   map_shared  #m #r PROT OFFSET LEN
 *   map_private #m #r PROT OFFSET LEN
 *   unmap #m
 *   write #m PAGE SEED         fills page PAGE of mapping #m (SEED 0: zeros)
 *   check #m                   verifies every readable page of #m
 *   verify                     check of every live mapping
 *   pin #r OFF LEN   unpin #r OFF LEN   pin_status #r OFF LEN   purge #r
 *   fork_write #m PAGE SEED    a fork child writes the page, then exits
 *   fork_set_prot #r PROT      a fork child calls set_prot on its copy
 *   close #r
 *   unmap_foreign #r           (hardening profile) unmap an address #r never mapped
 *
 * Shadow model, per region: the size, the protection mask, whether it was
 * ever mapped, and per page (page-granular content model):
 *
 *     page:        0      1      2      3
 *     seed:        s0     0      s2     0       0: the page reads as zero
 *     why:         MAP-1  PRG-2  PIN-3  PRG-2   clause blamed on a mismatch
 *     unpinned:    0      1      1      0
 *     purged:      0      1      0      0       purged implies unpinned
 *
 * A page with seed s holds the pattern of hst_fill with seed s. Per private
 * mapping, pages it wrote itself (copied) keep their own seed. Every
 * mismatch is judged on the clause that made the page's expectation.
 *
 * Nothing here calls the process malloc: shadow state lives in the arena.
 * Whatever the subject returns is validated before it is used (a mapping's
 * address must be page aligned, outside the arena, and mapped).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hs_internal.h"

enum region_op_kind {
    RO_CREATE = 1,
    RO_SET_SIZE,
    RO_GET_SIZE,
    RO_GET_NAME,
    RO_SET_PROT,
    RO_GET_PROT,
    RO_MAP_SHARED,
    RO_MAP_PRIVATE,
    RO_UNMAP,
    RO_WRITE,
    RO_CHECK,
    RO_VERIFY,
    RO_PIN,
    RO_UNPIN,
    RO_PIN_STATUS,
    RO_PURGE,
    RO_FORK_WRITE,
    RO_FORK_SET_PROT,
    RO_CLOSE,
    RO_UNMAP_FOREIGN,
};

static const struct hst_opdesc region_ops[] = {
    {"create", RO_CREATE, 1, 2, false, NULL, 0},
    {"set_size", RO_SET_SIZE, 1, 1, false, NULL, 0},
    {"get_size", RO_GET_SIZE, 1, 0, false, NULL, 0},
    {"get_name", RO_GET_NAME, 1, 0, false, NULL, 0},
    {"set_prot", RO_SET_PROT, 1, 1, false, NULL, 0},
    {"get_prot", RO_GET_PROT, 1, 0, false, NULL, 0},
    {"map_shared", RO_MAP_SHARED, 2, 3, false, NULL, 0},
    {"map_private", RO_MAP_PRIVATE, 2, 3, false, NULL, 0},
    {"unmap", RO_UNMAP, 1, 0, false, NULL, 0},
    {"write", RO_WRITE, 1, 2, false, NULL, 0},
    {"check", RO_CHECK, 1, 0, false, NULL, 0},
    {"verify", RO_VERIFY, 0, 0, false, NULL, 0},
    {"pin", RO_PIN, 1, 2, false, NULL, 0},
    {"unpin", RO_UNPIN, 1, 2, false, NULL, 0},
    {"pin_status", RO_PIN_STATUS, 1, 2, false, NULL, 0},
    {"purge", RO_PURGE, 1, 0, false, NULL, 0},
    {"fork_write", RO_FORK_WRITE, 1, 2, false, NULL, 0},
    {"fork_set_prot", RO_FORK_SET_PROT, 1, 1, false, NULL, 0},
    {"close", RO_CLOSE, 1, 0, false, NULL, 0},
    {"unmap_foreign", RO_UNMAP_FOREIGN, 1, 0, false, NULL, 0},
};

#define PROT_ALL7 7u
/* Regions larger than this many pages get no content shadow (their pages
 * are not written or verified; every other clause is still judged). */
#define MAX_SHADOW_PAGES 16384u
#define NAME_LEN 32
#define MAPS_BUF ((size_t)4 << 20)

struct rg {
    hs_region_t *h;
    uint8_t live;
    uint8_t mapped;      /* ever mapped: the size is fixed */
    uint8_t unpinned_any; /* some unpin succeeded (PIN-1 vs PIN-2) */
    uint32_t name_k;     /* 0: unnamed */
    uint32_t mask;       /* protection mask */
    uint64_t size;
    uint64_t ino;        /* inode of its descriptor (fd op), 0: unknown */
    uint32_t npages;     /* pages in the shadow (0: content not tracked) */
    uint64_t *seed;
    uint16_t *why;
    uint8_t *unp;
    uint8_t *purged;
};

struct mp {
    uint8_t live;
    uint8_t shared;
    uint32_t rid;
    uint32_t prot;
    uintptr_t addr;
    uint64_t len;     /* as asked (unmap repeats it) */
    uint64_t maplen;  /* rounded up to pages */
    uint64_t pg0;     /* first region page */
    uint64_t *own;    /* private: own copy of a page it wrote */
    uint8_t *copied;
};

struct run {
    struct hst_run run; /* first: the state every family's run shares */
    const struct hs_region_ops *ops;
    struct rg *rg;  /* HST_MAX_ID + 1 */
    struct mp *mp;  /* HST_MAX_ID + 1 */
    size_t page;
    bool pin_cap, size_cap, name_cap;
    bool purged_any;
    uint64_t purged_pages;
    char *maps;     /* /proc/self/maps buffer (arena), made on first use */
};

/* ------------------------------------------------------- judgement helpers */

#define judge(r, c, ok, ...) HST_JUDGE(r, c, ok, __VA_ARGS__)

#define skip_once(r, c, why) HST_SKIP_ONCE(r, c, why)

static uint64_t page_round(const struct run *r, uint64_t n)
{
    uint64_t p = r->page;
    if (n > UINT64_MAX - (p - 1))
        return UINT64_MAX;
    return (n + p - 1) / p * p;
}

static void name_of(uint32_t k, char *buf, size_t len)
{
    snprintf(buf, len, "hs-region-%u", k);
}

static struct rg *region_of(struct run *r, uint32_t id)
{
    return id <= HST_MAX_ID && r->rg[id].live ? &r->rg[id] : NULL;
}

static struct mp *mapping_of(struct run *r, uint32_t id)
{
    return id <= HST_MAX_ID && r->mp[id].live ? &r->mp[id] : NULL;
}

/* The subject's descriptor for g, or -1. */
static int fd_of(struct run *r, struct rg *g)
{
    if (r->ops->fd == NULL)
        return -1;
    int fd = r->ops->fd(r->run.ctx, g->h);
    return fd >= 0 ? fd : -1;
}

/* Gives g a page shadow for its current size (fresh pages read zero). */
static void shadow_pages(struct run *r, struct rg *g)
{
    uint64_t n = page_round(r, g->size) / r->page;
    g->npages = 0;
    if (n == 0 || n > MAX_SHADOW_PAGES)
        return;
    g->seed = hst_arena_alloc(r->run.arena, (size_t)n * sizeof(uint64_t));
    g->why = hst_arena_alloc(r->run.arena, (size_t)n * sizeof(uint16_t));
    g->unp = hst_arena_alloc(r->run.arena, (size_t)n);
    g->purged = hst_arena_alloc(r->run.arena, (size_t)n);
    if (g->seed == NULL || g->why == NULL || g->unp == NULL || g->purged == NULL)
        return;
    for (uint64_t i = 0; i < n; i++)
        g->why[i] = (uint16_t)HSC_REGION_MAP_1;
    g->npages = (uint32_t)n;
}

/* ------------------------------------------------------- /proc/self/maps */

/* Reads /proc/self/maps into r->maps (NUL-terminated); false on failure. */
static bool maps_read(struct run *r)
{
    if (r->maps == NULL)
        r->maps = hst_arena_alloc(r->run.arena, MAPS_BUF);
    if (r->maps == NULL)
        return false;
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    size_t n = 0;
    for (;;) {
        ssize_t k = read(fd, r->maps + n, MAPS_BUF - 1 - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        n += (size_t)k;
        if (n == MAPS_BUF - 1)
            break;
    }
    close(fd);
    r->maps[n] = '\0';
    return true;
}

static uint64_t hexnum(const char **s)
{
    uint64_t v = 0;
    for (;;) {
        char c = **s;
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            return v;
        v = v * 16 + d;
        (*s)++;
    }
}

/* The line of r->maps (after maps_read) whose range contains addr, copied
 * into line; false when no mapping contains addr. */
static bool maps_find(struct run *r, uintptr_t addr, char *line, size_t len)
{
    const char *s = r->maps;
    while (s != NULL && *s) {
        const char *e = strchr(s, '\n');
        const char *p = s;
        uint64_t lo = hexnum(&p);
        uint64_t hi = 0;
        if (*p == '-') {
            p++;
            hi = hexnum(&p);
        }
        if (addr >= lo && addr < hi) {
            size_t n = e ? (size_t)(e - s) : strlen(s);
            if (n >= len)
                n = len - 1;
            memcpy(line, s, n);
            line[n] = '\0';
            return true;
        }
        s = e ? e + 1 : NULL;
    }
    return false;
}

/* True when [addr, addr+len) is mapped (msync answers ENOMEM for holes). */
static bool is_mapped(uintptr_t addr, uint64_t len)
{
    return msync((void *)addr, (size_t)len, MS_ASYNC) == 0;
}

/* After an unmap or a close: does the page at addr still map region g? Any
 * mapping there counts when g's inode is unknown; when it is known, only one
 * of that inode does, since the range may legitimately be mapped afresh by
 * anything in the process in between (the subject's own walker allocating,
 * under ASan, took the freed range once). */
static bool still_maps(struct run *r, uintptr_t addr, const struct rg *g)
{
    if (!is_mapped(addr, r->page))
        return false;
    char line[512];
    if (g->ino == 0 || !maps_read(r) || !maps_find(r, addr, line, sizeof line))
        return g->ino == 0;
    /* "lo-hi perms offset dev inode [path]": the fifth field */
    unsigned long long ino = 0;
    return sscanf(line, "%*s %*s %*s %*s %llu", &ino) == 1 && ino == g->ino;
}

/* ----------------------------------------------------------- page contents */

static uint64_t page_seed(uint64_t seed, uint64_t rpage)
{
    return seed == 0 ? 0 : hst_mix(seed * 0x10001ull ^ (rpage << 20)) | 1u;
}

static void fill_page(void *p, size_t page, uint64_t s)
{
    if (s == 0)
        memset(p, 0, page);
    else
        hst_fill(p, 0, page, s);
}

static size_t verify_page(const void *p, size_t page, uint64_t s)
{
    return s != 0 ? hst_verify(p, 0, page, s) : hst_first_not(p, page, 0);
}

/* Pages of m that the shadow tracks (within the region's shadow). */
static uint64_t tracked_pages(const struct run *r, const struct mp *m)
{
    const struct rg *g = &r->rg[m->rid];
    uint64_t n = m->maplen / r->page;
    if (g->npages == 0 || m->pg0 >= g->npages)
        return 0;
    return n < g->npages - m->pg0 ? n : g->npages - m->pg0;
}

static void check_mapping(struct run *r, uint32_t id, const char *when)
{
    struct mp *m = &r->mp[id];
    struct rg *g = &r->rg[m->rid];
    if ((m->prot & PROT_READ) == 0)
        return;
    uint64_t n = tracked_pages(r, m);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t rp = m->pg0 + i;
        uint64_t want = g->seed[rp];
        int c = g->why[rp];
        if (!m->shared && m->copied[i]) {
            want = m->own[i];
            c = HSC_REGION_MAP_2;
        }
        const void *p = (const void *)(m->addr + i * r->page);
        size_t off = verify_page(p, r->page, want);
        if (!judge(r, c, off == SIZE_MAX,
                   "%s mapping #%u (region #%u page %llu) differs at byte %zu %s: expected %s",
                   m->shared ? "shared" : "private", id, m->rid, (unsigned long long)rp, off,
                   when, want == 0 ? "zeros" : "the page's last written pattern"))
            return;
    }
}

static void verify_all(struct run *r, const char *when)
{
    for (uint32_t id = 0; id < r->run.idn; id++)
        if (r->mp[id].live)
            check_mapping(r, id, when);
}

/* ------------------------------------------------------- size and name */

static void judge_size(struct run *r, uint32_t id, int c, const char *when)
{
    struct rg *g = &r->rg[id];
    int64_t s = r->ops->get_size(r->run.ctx, g->h);
    judge(r, c, s >= 0 && (uint64_t)s == g->size,
          "get_size of region #%u answers %lld %s, expected %llu", id, (long long)s, when,
          (unsigned long long)g->size);
    int fd = fd_of(r, g);
    if (fd < 0)
        return;
    struct stat st;
    int rc = fstat(fd, &st);
    judge(r, HSC_REGION_SIZE_1, rc == 0 && st.st_size >= 0 && (uint64_t)st.st_size == g->size,
          "fstat of region #%u's descriptor %d: %s, size %lld; the region's size is %llu", id, fd,
          rc == 0 ? "ok" : strerror(errno), rc == 0 ? (long long)st.st_size : -1ll,
          (unsigned long long)g->size);
}

static void op_create(struct run *r, const struct hst_op *op)
{
    uint32_t id = op->dst;
    if (id > HST_MAX_ID || r->rg[id].live)
        return; /* the trace reuses a live id: the minimizer's leftovers */
    char name[NAME_LEN];
    name_of((uint32_t)op->b, name, sizeof name);
    hs_region_t *h = NULL;
    int rc = r->ops->create(r->run.ctx, op->b ? name : NULL, op->a, &h);
    if (op->a == 0) {
        hst_branch(r->run.sink, HSC_REGION_CREATE_3,
                   rc == 0 ? "size 0 accepted (set later)" : "size 0 refused with %d", rc);
        if (rc != 0)
            return;
    }
    if (!judge(r, HSC_REGION_CREATE_1, rc == 0 && h != NULL,
               "create(%s, %llu) answered %d with handle %p", op->b ? name : "NULL",
               (unsigned long long)op->a, rc, (void *)h))
        return;
    struct rg *g = &r->rg[id];
    memset(g, 0, sizeof *g);
    g->h = h;
    g->live = 1;
    g->name_k = (uint32_t)op->b;
    g->mask = PROT_ALL7;
    g->size = op->a;
    shadow_pages(r, g);
    judge_size(r, id, HSC_REGION_CREATE_1, "after create");
    int fd = fd_of(r, g);
    if (fd >= 0) {
        int fl = fcntl(fd, F_GETFD);
        judge(r, HSC_REGION_CREATE_2, fl >= 0 && (fl & FD_CLOEXEC) != 0,
              "region #%u's descriptor %d has descriptor flags %d (no FD_CLOEXEC)", id, fd, fl);
        struct stat st;
        if (fstat(fd, &st) == 0)
            g->ino = (uint64_t)st.st_ino;
    }
}

static void op_set_size(struct run *r, const struct hst_op *op)
{
    struct rg *g = region_of(r, op->dst);
    if (g == NULL)
        return;
    int rc = r->ops->set_size(r->run.ctx, g->h, op->a);
    if (g->mapped) {
        judge(r, HSC_REGION_SIZE_2, rc == -EINVAL,
              "set_size(%llu) of region #%u after it was mapped answered %d, expected -EINVAL",
              (unsigned long long)op->a, op->dst, rc);
        judge_size(r, op->dst, HSC_REGION_SIZE_2, "after a refused set_size");
        return;
    }
    if (!r->size_cap) {
        skip_once(r, HSC_REGION_SIZE_3, "capability SET_SIZE absent");
        if (rc == 0 && op->a != g->size) {
            g->size = op->a; /* it did change: follow it (CREATE-1 judges get_size) */
            shadow_pages(r, g);
        }
        judge_size(r, op->dst, HSC_REGION_CREATE_1, "after set_size");
        return;
    }
    if (judge(r, HSC_REGION_SIZE_3, rc == 0, "set_size(%llu) of unmapped region #%u answered %d",
              (unsigned long long)op->a, op->dst, rc)) {
        g->size = op->a;
        shadow_pages(r, g);
    }
    judge_size(r, op->dst, HSC_REGION_SIZE_3, "after set_size");
}

static void op_get_name(struct run *r, const struct hst_op *op)
{
    struct rg *g = region_of(r, op->dst);
    if (g == NULL)
        return;
    char buf[300];
    memset(buf, 'x', sizeof buf);
    int rc = r->ops->get_name(r->run.ctx, g->h, buf, sizeof buf - 44);
    bool term = memchr(buf, '\0', sizeof buf - 44) != NULL;
    if (g->name_k == 0) {
        if (rc == 0 && term)
            hst_branch(r->run.sink, HSC_REGION_NAME_3, "unnamed region's name: '%s'", buf);
        else
            hst_branch(r->run.sink, HSC_REGION_NAME_3, "get_name of an unnamed region: %d", rc);
        return;
    }
    char want[NAME_LEN];
    name_of(g->name_k, want, sizeof want);
    judge(r, HSC_REGION_NAME_1, rc == 0 && term && strcmp(buf, want) == 0,
          "get_name of region #%u answered %d, '%.*s'%s; expected '%s'", op->dst, rc, 64,
          term ? buf : "", term ? "" : " (not NUL-terminated)", want);
}

/* ------------------------------------------------------------ protection */

static void op_get_prot(struct run *r, uint32_t id, int c, const char *when)
{
    struct rg *g = &r->rg[id];
    int64_t p = r->ops->get_prot(r->run.ctx, g->h);
    judge(r, c, p == (int64_t)g->mask, "get_prot of region #%u answers %lld %s, expected %u", id,
          (long long)p, when, g->mask);
}

/* PROT-3: another holder of the descriptor cannot map it writable-shared. */
static void raw_write_probe(struct run *r, uint32_t id, int c)
{
    int fd = fd_of(r, &r->rg[id]);
    if (fd < 0)
        return;
    void *p = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    judge(r, c, p == MAP_FAILED,
          "after PROT_WRITE left region #%u's mask, mmap(PROT_WRITE, MAP_SHARED) of its "
          "descriptor still succeeded",
          id);
    if (p != MAP_FAILED)
        munmap(p, r->page);
}

/* PROT-5: the protection of g's live mappings, as the kernel shows it. */
static void record_kept_prot(struct run *r, uint32_t rid)
{
    bool read = false;
    for (uint32_t id = 0; id < r->run.idn; id++) {
        struct mp *m = &r->mp[id];
        if (!m->live || m->rid != rid || (m->prot & PROT_WRITE) == 0)
            continue;
        if (!read && !maps_read(r))
            return;
        read = true;
        char line[512];
        if (!maps_find(r, m->addr, line, sizeof line))
            continue;
        const char *perm = strchr(line, ' ');
        bool w = perm != NULL && perm[1] != '\0' && perm[2] == 'w';
        hst_branch(r->run.sink, HSC_REGION_PROT_5,
                   w ? "a writable mapping made before the reduction stays writable"
                     : "a writable mapping made before the reduction lost PROT_WRITE");
    }
}

static void op_set_prot(struct run *r, const struct hst_op *op)
{
    struct rg *g = region_of(r, op->dst);
    if (g == NULL)
        return;
    /* the ABI takes a uint32_t: judge what the subject was given */
    uint32_t prot = (uint32_t)op->a;
    int rc = r->ops->set_prot(r->run.ctx, g->h, prot);
    if (prot > PROT_ALL7 || (prot & ~g->mask) != 0) {
        judge(r, HSC_REGION_PROT_1, rc == -EINVAL,
              "set_prot(%u) of region #%u with mask %u answered %d, expected -EINVAL", prot,
              op->dst, g->mask, rc);
        op_get_prot(r, op->dst, HSC_REGION_PROT_1, "after a refused set_prot");
        return;
    }
    bool lost_write = (g->mask & PROT_WRITE) != 0 && (prot & PROT_WRITE) == 0;
    if (judge(r, HSC_REGION_PROT_1, rc == 0,
              "set_prot(%u) of region #%u with mask %u answered %d", prot, op->dst, g->mask, rc))
        g->mask = prot;
    op_get_prot(r, op->dst, HSC_REGION_PROT_1, "after set_prot");
    if (lost_write && rc == 0) {
        raw_write_probe(r, op->dst, HSC_REGION_PROT_3);
        record_kept_prot(r, op->dst);
    }
}

static void op_fork_set_prot(struct run *r, const struct hst_op *op)
{
    struct rg *g = region_of(r, op->dst);
    if (g == NULL)
        return;
    uint32_t prot = (uint32_t)op->a;
    pid_t pid = fork();
    if (pid == 0) {
        int rc = r->ops->set_prot(r->run.ctx, g->h, prot);
        _exit(rc == 0 ? 0 : 1);
    }
    if (!judge(r, HSC_REGION_PROT_4, pid > 0, "fork failed: %s", strerror(errno)))
        return;
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!judge(r, HSC_REGION_PROT_4, WIFEXITED(st) && WEXITSTATUS(st) == 0,
               "set_prot(%u) of region #%u in a fork child failed (status 0x%x)", prot, op->dst,
               (unsigned)st))
        return;
    /* Only PROT_WRITE travels with the descriptor; READ/EXEC are per handle. */
    if ((prot & PROT_WRITE) == 0)
        g->mask &= ~(uint32_t)PROT_WRITE;
    op_get_prot(r, op->dst, HSC_REGION_PROT_4, "after a fork child's set_prot");
    if ((prot & PROT_WRITE) != 0 || g->size == 0)
        return;
    void *p = NULL;
    int rc = r->ops->map(r->run.ctx, g->h, PROT_READ | PROT_WRITE, HS_REGION_MAP_SHARED, 0, r->page,
                         &p);
    judge(r, HSC_REGION_PROT_4, rc == -EPERM,
          "map(SHARED, READ|WRITE) of region #%u after a fork child removed PROT_WRITE "
          "answered %d, expected -EPERM",
          op->dst, rc);
    if (rc == 0) {
        g->mapped = 1;
        if (p != NULL && r->ops->unmap != NULL)
            (void)r->ops->unmap(r->run.ctx, g->h, p, r->page);
    }
}

/* -------------------------------------------------------------- mappings */

static bool in_arena(const struct run *r, uintptr_t a, uint64_t len)
{
    uintptr_t lo = (uintptr_t)r->run.arena->base, hi = lo + r->run.arena->size;
    return a < hi && a + len > lo;
}

/* The file that the mapping [addr, addr + len) shows, read as the link
 * /proc/self/map_files/<start>-<end>: one lookup, where /proc/self/maps
 * renders every mapping of the process (a third of a region fuzz run).
 * The link exists only when the range is exactly one mapping; false when
 * there is none. */
static bool map_file_name(uintptr_t addr, uint64_t len, char *out, size_t cap)
{
    char path[80];
    snprintf(path, sizeof path, "/proc/self/map_files/%llx-%llx", (unsigned long long)addr,
             (unsigned long long)(addr + len));
    ssize_t n = readlink(path, out, cap - 1);
    if (n <= 0)
        return false;
    out[n] = '\0';
    return true;
}

static void check_name_in_maps(struct run *r, uint32_t id, const struct mp *m)
{
    const struct rg *g = &r->rg[m->rid];
    if (g->name_k == 0)
        return;
    if (!r->name_cap) {
        skip_once(r, HSC_REGION_NAME_2, "capability NAME absent");
        return;
    }
    char line[512], name[NAME_LEN], a[96], b[96];
    name_of(g->name_k, name, sizeof name);
    snprintf(a, sizeof a, "/memfd:%s (deleted)", name);
    snprintf(b, sizeof b, "/dev/ashmem/%s (deleted)", name);
    /* The mapping's own link naming the file is the line's ending that the
     * full read below would find: a pass. Anything else is judged from
     * /proc/self/maps, which also gives the message its whole line. */
    if (map_file_name(m->addr, m->maplen, line, sizeof line) &&
        (strcmp(line, a) == 0 || strcmp(line, b) == 0)) {
        judge(r, HSC_REGION_NAME_2, true, "mapping #%u of region #%u", id, m->rid);
        return;
    }
    if (!maps_read(r))
        return;
    bool found = maps_find(r, m->addr, line, sizeof line);
    size_t n = strlen(line), na = strlen(a), nb = strlen(b);
    bool ok = found && ((n >= na && strcmp(line + n - na, a) == 0) ||
                        (n >= nb && strcmp(line + n - nb, b) == 0));
    judge(r, HSC_REGION_NAME_2, ok, "mapping #%u of region #%u shows in /proc/self/maps as '%s'",
          id, m->rid, found ? line : "(absent)");
}

static void op_map(struct run *r, const struct hst_op *op, bool shared)
{
    uint32_t mid = op->dst;
    struct rg *g = region_of(r, op->src);
    if (g == NULL || mid > HST_MAX_ID || r->mp[mid].live)
        return;
    uint32_t prot = (uint32_t)op->a; /* the ABI takes a uint32_t: judge what is passed */
    uint64_t off = op->b, len = op->c;
    uint64_t span = page_round(r, g->size);
    int want = 0, c = shared ? HSC_REGION_MAP_1 : HSC_REGION_MAP_2;
    if (g->size == 0) {
        want = -EINVAL;
        c = HSC_REGION_SIZE_4;
    } else if (len == 0 || off % r->page != 0 || off > span || len > span - off) {
        want = -EINVAL;
        c = HSC_REGION_MAP_3;
    } else if ((prot & ~g->mask) != 0) {
        want = -EPERM;
        c = shared && (prot & ~g->mask & PROT_WRITE) != 0 ? HSC_REGION_PROT_3 : HSC_REGION_PROT_2;
    }
    /* A bit that is no protection at all (beyond read|write|exec) may be
     * refused as an invalid argument before the mask is looked at. */
    bool invalid_ok = want == -EPERM && prot > PROT_ALL7;
    void *p = NULL;
    int rc = r->ops->map(r->run.ctx, g->h, prot,
                         shared ? HS_REGION_MAP_SHARED : HS_REGION_MAP_PRIVATE, off, len, &p);
    if (rc == 0)
        g->mapped = 1;
    if (want != 0) {
        judge(r, c, rc == want || (invalid_ok && rc == -EINVAL),
              "map(prot %u, %s, offset %llu, len %llu) of region #%u (size %llu, mask %u) "
              "answered %d, expected %d",
              prot, shared ? "shared" : "private", (unsigned long long)off,
              (unsigned long long)len, op->src, (unsigned long long)g->size, g->mask, rc, want);
        if (rc != 0)
            return;
        /* A wrong success: keep the mapping so close can be judged on it. */
        c = shared ? HSC_REGION_MAP_1 : HSC_REGION_MAP_2;
    }
    uintptr_t a = (uintptr_t)p;
    uint64_t maplen = page_round(r, len);
    if (!judge(r, c, rc == 0, "map(prot %u, %s, offset %llu, len %llu) of region #%u answered %d",
               prot, shared ? "shared" : "private", (unsigned long long)off,
               (unsigned long long)len, op->src, rc))
        return;
    if (!judge(r, HSC_REGION_MAP_1,
               a != 0 && a % r->page == 0 && maplen != UINT64_MAX && !in_arena(r, a, maplen) &&
                   is_mapped(a, maplen),
               "map of region #%u returned %p, which is not a page-aligned mapping of %llu bytes",
               op->src, p, (unsigned long long)maplen))
        return;
    struct mp *m = &r->mp[mid];
    memset(m, 0, sizeof *m);
    m->live = 1;
    m->shared = shared;
    m->rid = op->src;
    m->prot = prot;
    m->addr = a;
    m->len = len;
    m->maplen = maplen;
    m->pg0 = off / r->page;
    uint64_t n = tracked_pages(r, m);
    if (!shared && n > 0) {
        m->own = hst_arena_alloc(r->run.arena, (size_t)n * sizeof(uint64_t));
        m->copied = hst_arena_alloc(r->run.arena, (size_t)n);
        if (m->own == NULL || m->copied == NULL) {
            m->live = 0; /* no room to shadow it: leave it to close */
            return;
        }
    }
    check_name_in_maps(r, mid, m);
}

static void op_unmap(struct run *r, const struct hst_op *op)
{
    struct mp *m = mapping_of(r, op->dst);
    if (m == NULL)
        return;
    int rc = r->ops->unmap(r->run.ctx, r->rg[m->rid].h, (void *)m->addr, m->len);
    if (!judge(r, HSC_REGION_MAP_4, rc == 0, "unmap of mapping #%u (%p, %llu bytes) answered %d",
               op->dst, (void *)m->addr, (unsigned long long)m->len, rc))
        return;
    m->live = 0;
    judge(r, HSC_REGION_MAP_4, !still_maps(r, m->addr, &r->rg[m->rid]),
          "mapping #%u (%p) is still in the address space after unmap", op->dst,
          (void *)m->addr);
}

/* Records a write of page i of m with seed s (already done in memory). */
static void shadow_write(struct run *r, struct mp *m, uint64_t i, uint64_t v, bool own_copy)
{
    struct rg *g = &r->rg[m->rid];
    uint64_t rp = m->pg0 + i;
    if (m->shared) {
        g->seed[rp] = v;
        g->why[rp] = (uint16_t)HSC_REGION_MAP_1;
        return;
    }
    if (own_copy) {
        m->own[i] = v;
        m->copied[i] = 1;
    }
    /* whatever the others read of this page must not have changed */
    g->why[rp] = (uint16_t)HSC_REGION_MAP_2;
}

static bool writable_page(struct run *r, const struct mp *m, uint64_t i)
{
    return (m->prot & PROT_WRITE) != 0 && i < tracked_pages(r, m);
}

static void op_write(struct run *r, const struct hst_op *op)
{
    struct mp *m = mapping_of(r, op->dst);
    if (m == NULL || !writable_page(r, m, op->a))
        return;
    uint64_t v = page_seed(op->b, m->pg0 + op->a);
    fill_page((void *)(m->addr + op->a * r->page), r->page, v);
    shadow_write(r, m, op->a, v, true);
}

static void op_fork_write(struct run *r, const struct hst_op *op)
{
    struct mp *m = mapping_of(r, op->dst);
    if (m == NULL || !writable_page(r, m, op->a))
        return;
    uint64_t v = page_seed(op->b, m->pg0 + op->a);
    pid_t pid = fork();
    if (pid == 0) {
        fill_page((void *)(m->addr + op->a * r->page), r->page, v);
        _exit(0);
    }
    int c = m->shared ? HSC_REGION_MAP_1 : HSC_REGION_MAP_2;
    if (!judge(r, c, pid > 0, "fork failed: %s", strerror(errno)))
        return;
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!judge(r, c, WIFEXITED(st) && WEXITSTATUS(st) == 0,
               "a fork child writing mapping #%u ended with status 0x%x", op->dst, (unsigned)st))
        return;
    if (m->shared)
        shadow_write(r, m, op->a, v, false);
    else
        shadow_write(r, m, op->a, 0, false); /* the child's copy is its own */
}

/* --------------------------------------------------------- pin and purge */

/* First and end page of [off, off+len) (len 0: to the end) in g, or false
 * when the range is not page-aligned or passes the size rounded up. */
static bool pin_range(const struct run *r, const struct rg *g, uint64_t off, uint64_t len,
                      uint64_t *first, uint64_t *end)
{
    uint64_t span = page_round(r, g->size);
    if (off % r->page != 0 || len % r->page != 0 || off > span)
        return false;
    if (len == 0)
        len = span - off;
    if (len > span - off)
        return false;
    *first = off / r->page;
    *end = (off + len) / r->page;
    return true;
}

static void op_pin_family(struct run *r, const struct hst_op *op)
{
    struct rg *g = region_of(r, op->dst);
    if (g == NULL)
        return;
    const char *what = op->kind == RO_PIN ? "pin" : op->kind == RO_UNPIN ? "unpin" : "pin_status";
    int rc = op->kind == RO_PIN     ? r->ops->pin(r->run.ctx, g->h, op->a, op->b)
             : op->kind == RO_UNPIN ? r->ops->unpin(r->run.ctx, g->h, op->a, op->b)
                                    : r->ops->pin_status(r->run.ctx, g->h, op->a, op->b);
    if (!r->pin_cap) {
        for (int c = HSC_REGION_PIN_1; c <= HSC_REGION_PIN_5; c++)
            skip_once(r, c, "capability PIN absent");
        hst_branch(r->run.sink, HSC_REGION_PURGE_4, "%s answers %d", what, rc);
        return;
    }
    if (!g->mapped) {
        hst_branch(r->run.sink, HSC_REGION_PIN_6, "%s before the first map answers %d", what, rc);
        return;
    }
    uint64_t first = 0, end = 0;
    if (!pin_range(r, g, op->a, op->b, &first, &end)) {
        judge(r, HSC_REGION_PIN_5, rc == -EINVAL,
              "%s(%llu, %llu) of region #%u (size %llu) answered %d, expected -EINVAL", what,
              (unsigned long long)op->a, (unsigned long long)op->b, op->dst,
              (unsigned long long)g->size, rc);
        return;
    }
    if (g->npages == 0 || end > g->npages)
        return; /* no page shadow: nothing to compare with */
    bool any_unp = false, any_purged = false;
    for (uint64_t p = first; p < end; p++) {
        any_unp |= g->unp[p] != 0;
        any_purged |= g->purged[p] != 0;
    }
    if (op->kind == RO_PIN_STATUS) {
        int want = any_unp ? HS_REGION_UNPINNED : HS_REGION_PINNED;
        judge(r, g->unpinned_any ? HSC_REGION_PIN_2 : HSC_REGION_PIN_1, rc == want,
              "pin_status(%llu, %llu) of region #%u answered %d, expected %s",
              (unsigned long long)op->a, (unsigned long long)op->b, op->dst, rc,
              any_unp ? "UNPINNED" : "PINNED");
        return;
    }
    if (op->kind == RO_UNPIN) {
        if (!judge(r, HSC_REGION_PIN_2, rc == 0, "unpin(%llu, %llu) of region #%u answered %d",
                   (unsigned long long)op->a, (unsigned long long)op->b, op->dst, rc))
            return;
        g->unpinned_any = 1;
        for (uint64_t p = first; p < end; p++)
            g->unp[p] = 1;
        return;
    }
    int want = any_purged ? HS_REGION_WAS_PURGED : HS_REGION_NOT_PURGED;
    judge(r, any_purged ? HSC_REGION_PIN_4 : HSC_REGION_PIN_3, rc == want,
          "pin(%llu, %llu) of region #%u answered %d, expected %s", (unsigned long long)op->a,
          (unsigned long long)op->b, op->dst, rc, any_purged ? "WAS_PURGED" : "NOT_PURGED");
    if (rc < 0)
        return;
    /* A wrong answer is judged above; the pages are pinned all the same. */
    for (uint64_t p = first; p < end; p++) {
        if (g->purged[p])
            g->why[p] = (uint16_t)HSC_REGION_PIN_4;
        else if (g->unp[p])
            g->why[p] = (uint16_t)HSC_REGION_PIN_3;
        g->unp[p] = 0;
        g->purged[p] = 0;
    }
}

static void op_purge(struct run *r, const struct hst_op *op)
{
    struct rg *g = region_of(r, op->dst);
    if (g == NULL)
        return;
    int64_t n = r->ops->purge_all(r->run.ctx, g->h);
    r->purged_any = true;
    if (n > 0)
        r->purged_pages += (uint64_t)n;
    if (!r->pin_cap) {
        skip_once(r, HSC_REGION_PURGE_1, "capability PIN absent");
        skip_once(r, HSC_REGION_PURGE_2, "capability PIN absent");
        hst_branch(r->run.sink, HSC_REGION_PURGE_4, "purge_all answers %lld", (long long)n);
        return;
    }
    if (g->npages == 0)
        return;
    /* A write-sealed memfd cannot be hole-punched: nothing is purged then. */
    bool effective = g->mapped && (g->mask & PROT_WRITE) != 0;
    int64_t want = 0;
    for (uint32_t p = 0; p < g->npages; p++)
        want += effective && g->unp[p] && !g->purged[p];
    judge(r, HSC_REGION_PURGE_2, n == want,
          "purge_all of region #%u answered %lld, expected %lld unpinned page(s) purged",
          op->dst, (long long)n, (long long)want);
    for (uint32_t p = 0; p < g->npages; p++) {
        if (!g->unp[p]) {
            g->why[p] = (uint16_t)HSC_REGION_PURGE_1;
        } else if (effective && !g->purged[p]) {
            g->purged[p] = 1;
            g->seed[p] = 0;
            g->why[p] = (uint16_t)HSC_REGION_PURGE_2;
        }
    }
    judge_size(r, op->dst, HSC_REGION_PURGE_2, "after purge_all");
}

/* ------------------------------------------------------------------ close */

static void close_region(struct run *r, uint32_t id)
{
    struct rg *g = &r->rg[id];
    int fd = fd_of(r, g);
    int rc = r->ops->close(r->run.ctx, g->h);
    g->live = 0;
    judge(r, HSC_REGION_CLOSE_1, rc == 0, "close of region #%u answered %d", id, rc);
    if (fd >= 0) {
        int fl = fcntl(fd, F_GETFD);
        judge(r, HSC_REGION_CLOSE_1, fl < 0 && errno == EBADF,
              "region #%u's descriptor %d is still open after close", id, fd);
    }
    for (uint32_t k = 0; k < r->run.idn; k++) {
        struct mp *m = &r->mp[k];
        if (!m->live || m->rid != id)
            continue;
        m->live = 0;
        judge(r, HSC_REGION_CLOSE_1, !still_maps(r, m->addr, g),
              "mapping #%u (%p) of region #%u is still in the address space after close", k,
              (void *)m->addr, id);
    }
}

static void op_unmap_foreign(struct run *r, const struct hst_op *op)
{
    struct rg *g = region_of(r, op->dst);
    if (g == NULL)
        return;
    /* The arena's first page: mapped, but never by the region. */
    int rc = r->ops->unmap(r->run.ctx, g->h, r->run.arena->base, r->page);
    hst_branch(r->run.sink, HSC_REGION_USAGE_1, "unmap of a foreign address answered %d", rc);
}

/* ------------------------------------------------------------------ run */

static bool ops_complete(const struct hs_region_ops *o)
{
    return o != NULL && HS_HAS_FIELD(o, struct hs_region_ops, close) && o->create != NULL &&
           o->set_size != NULL && o->get_size != NULL && o->get_name != NULL &&
           o->set_prot != NULL && o->get_prot != NULL && o->map != NULL && o->unmap != NULL &&
           o->pin != NULL && o->unpin != NULL && o->pin_status != NULL && o->purge_all != NULL &&
           o->close != NULL;
}

static int region_step(struct hst_run *run, const struct hst_op *op)
{
    struct run *r = (struct run *)run;
    switch (op->kind) {
    case RO_CREATE:
        op_create(r, op);
        break;
    case RO_SET_SIZE:
        op_set_size(r, op);
        break;
    case RO_GET_SIZE:
        if (region_of(r, op->dst) != NULL)
            judge_size(r, op->dst, r->rg[op->dst].mapped ? HSC_REGION_SIZE_2 : HSC_REGION_CREATE_1,
                       "at get_size");
        break;
    case RO_GET_NAME:
        op_get_name(r, op);
        break;
    case RO_SET_PROT:
        op_set_prot(r, op);
        break;
    case RO_GET_PROT:
        if (region_of(r, op->dst) != NULL)
            op_get_prot(r, op->dst, HSC_REGION_PROT_1, "at get_prot");
        break;
    case RO_MAP_SHARED: case RO_MAP_PRIVATE:
        op_map(r, op, op->kind == RO_MAP_SHARED);
        break;
    case RO_UNMAP:
        op_unmap(r, op);
        break;
    case RO_WRITE:
        op_write(r, op);
        break;
    case RO_CHECK:
        if (mapping_of(r, op->dst) != NULL)
            check_mapping(r, op->dst, "at a check step");
        break;
    case RO_VERIFY:
        verify_all(r, "at a verify step");
        break;
    case RO_PIN: case RO_UNPIN: case RO_PIN_STATUS:
        op_pin_family(r, op);
        break;
    case RO_PURGE:
        op_purge(r, op);
        break;
    case RO_FORK_WRITE:
        op_fork_write(r, op);
        break;
    case RO_FORK_SET_PROT:
        op_fork_set_prot(r, op);
        break;
    case RO_CLOSE:
        if (region_of(r, op->dst) != NULL)
            close_region(r, op->dst);
        break;
    case RO_UNMAP_FOREIGN:
        op_unmap_foreign(r, op);
        break;
    default:
        break;
    }
    return 0;
}

static void region_finish(struct hst_run *run)
{
    verify_all((struct run *)run, "at the end of the trace");
}

/* End of the trace: close what is left. */
static void region_end(struct hst_run *run, uint32_t id)
{
    struct run *r = (struct run *)run;
    if (r->rg[id].live)
        close_region(r, id);
}

static const struct hst_run_hooks region_hooks = {region_step, region_finish, region_end};

static int region_run(const struct hs_subject *subj, hs_ctx_t *ctx, const struct hst_case *cs,
                      struct hst_sink *sink, struct hst_arena *arena)
{
    struct run r;
    memset(&r, 0, sizeof r);
    hst_run_init(&r.run, ctx, cs, sink, arena);
    r.ops = subj->region_ops;
    r.page = hst_page_size();
    if (!ops_complete(r.ops) || r.page == 0)
        return -1;
    r.pin_cap = (r.ops->caps & HS_REGION_CAP_PIN) != 0;
    r.size_cap = (r.ops->caps & HS_REGION_CAP_SET_SIZE) != 0;
    r.name_cap = (r.ops->caps & HS_REGION_CAP_NAME) != 0;
    r.rg = hst_arena_alloc(arena, sizeof(struct rg) * (HST_MAX_ID + 1u));
    r.mp = hst_arena_alloc(arena, sizeof(struct mp) * (HST_MAX_ID + 1u));
    if (r.rg == NULL || r.mp == NULL)
        return -1;
    if (hst_run_trace(&r.run, &region_hooks) != 0)
        return -1;
    if (r.purged_any)
        hst_figure(sink, HSC_REGION_PURGE_3, (double)r.purged_pages, "pages purged");
    return 0;
}

static bool region_offered(const struct hs_subject *s)
{
    return HST_OFFERS(s, region_ops);
}

const struct hst_family hst_region_family = {
    "region", region_ops, sizeof region_ops / sizeof region_ops[0], region_run,
    region_offered, HSC_REGION_SELFCHECK_1,
};
