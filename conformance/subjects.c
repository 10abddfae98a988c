/* subjects.c — where a case's subject comes from.
 *
 *   libc      the process's own malloc/free/... (whatever LD_PRELOAD or a
 *             `malloc =` link put there), extensions probed with dladdr so
 *             that a function libc would supply for a preloaded allocator is
 *             not mistaken for the allocator's own;
 *   glibc     libc with LD_PRELOAD removed for the case's process;
 *   jemalloc, mimalloc, tcmalloc
 *             libc with Debian's shared library preloaded (the way these
 *             allocators are deployed; the case verifies the preload took);
 *   ref...    reference components linked into the tool (weak references:
 *             present when the tool is built with them);
 *   --subject-lib PATH
 *             any shared object exporting heapspec_subject(). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "subjects.h"

/* ------------------------------------------------------------ registry */

const struct hs_subject *hsr_malloc_subject(void) __attribute__((weak));
const struct hs_subject *hsr_mspace_subject(void) __attribute__((weak));
const struct hs_subject *hsr_region_subject(void) __attribute__((weak));
const struct hs_subject *hsr_memfd_subject(void) __attribute__((weak));
const struct hs_subject *hsr_ring_subject(void) __attribute__((weak));
const struct hs_subject *hsr_buddy_subject(void) __attribute__((weak));
const struct hs_subject *hsr_spaces_subject(void) __attribute__((weak));
const struct hs_subject *hsr_gc_subject(void) __attribute__((weak));
const struct hs_subject *hsr_boehm_subject(void) __attribute__((weak));

struct builtin {
    const char *name;
    const struct hs_subject *(*fn)(void);
    const char *what;
};

static const struct builtin *builtins(size_t *n)
{
    static struct builtin b[16];
    static size_t count;
    if (count == 0) {
        b[count++] = (struct builtin){"libc", hst_libc_subject, "the process's own malloc"};
        if (hsr_malloc_subject)
            b[count++] = (struct builtin){"ref", hsr_malloc_subject, "reference mspace as malloc"};
        if (hsr_mspace_subject)
            b[count++] = (struct builtin){"ref-mspace", hsr_mspace_subject, "reference mspace"};
        if (hsr_region_subject)
            b[count++] = (struct builtin){"ref-region", hsr_region_subject, "reference region"};
        if (hsr_memfd_subject)
            b[count++] = (struct builtin){"memfd", hsr_memfd_subject, "plain memfd region"};
        if (hsr_ring_subject)
            b[count++] = (struct builtin){"ref-ring", hsr_ring_subject, "reference ring"};
        if (hsr_buddy_subject)
            b[count++] = (struct builtin){"ref-buddy", hsr_buddy_subject, "reference buddy"};
        if (hsr_spaces_subject)
            b[count++] = (struct builtin){"ref-spaces", hsr_spaces_subject, "reference ART spaces"};
        if (hsr_gc_subject)
            b[count++] = (struct builtin){"ref-gc", hsr_gc_subject, "reference mark-sweep GC"};
        if (hsr_boehm_subject)
            b[count++] = (struct builtin){"boehm", hsr_boehm_subject, "Boehm GC (libgc)"};
    }
    *n = count;
    return b;
}

static const struct {
    const char *name, *soname, *package, *what;
} preloads[] = {
    {"jemalloc", "libjemalloc.so.2", "libjemalloc2", "jemalloc, preloaded"},
    {"mimalloc", "libmimalloc.so.2", "libmimalloc2.0", "mimalloc, preloaded"},
    {"tcmalloc", "libtcmalloc.so.4", "libgoogle-perftools4", "tcmalloc (gperftools), preloaded"},
};

int hst_subject_lookup(const char *name, struct hst_subject_spec *out)
{
    memset(out, 0, sizeof *out);
    out->name = name;
    if (strcmp(name, "glibc") == 0) {
        out->builtin = "libc";
        out->clear_preload = true;
        return 0;
    }
    for (size_t i = 0; i < sizeof preloads / sizeof preloads[0]; i++)
        if (strcmp(name, preloads[i].name) == 0) {
            out->builtin = "libc";
            out->preload = preloads[i].soname;
            out->need = preloads[i].soname;
            out->package = preloads[i].package;
            return 0;
        }
    size_t n;
    const struct builtin *b = builtins(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, b[i].name) == 0) {
            out->builtin = b[i].name;
            return 0;
        }
    return -1;
}

void hst_subject_list(void)
{
    size_t n;
    const struct builtin *b = builtins(&n);
    printf("subjects:\n");
    for (size_t i = 0; i < n; i++) {
        const struct hs_subject *s = b[i].fn();
        printf("  %-12s %-34s families:%s%s%s%s%s%s%s\n", b[i].name, b[i].what,
               s->malloc_ops ? " malloc" : "", s->mspace_ops ? " mspace" : "",
               s->region_ops ? " region" : "", s->ring_ops ? " ring" : "",
               s->buddy_ops ? " buddy" : "", s->gc_ops ? " gc" : "",
               s->spaces_ops ? " spaces" : "");
    }
    printf("  %-12s %-34s families: malloc\n", "glibc", "glibc malloc (LD_PRELOAD cleared)");
    for (size_t i = 0; i < sizeof preloads / sizeof preloads[0]; i++) {
        void *h = dlopen(preloads[i].soname, RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD);
        printf("  %-12s %-34s families: malloc (%s)\n", preloads[i].name, preloads[i].what,
               preloads[i].soname);
        if (h)
            dlclose(h);
    }
    printf("  any shared object exporting %s(): --subject-lib PATH\n", HS_SUBJECT_ENTRY);
    printf("  any malloc replacement: --subject libc --preload PATH\n");
}

/* ---------------------------------------------------------- libc subject */

typedef void *(*fn_aligned)(size_t, size_t);
typedef void *(*fn_one)(size_t);
typedef int (*fn_pm)(void **, size_t, size_t);
typedef size_t (*fn_us)(void *);
typedef void *(*fn_ra)(void *, size_t, size_t);
typedef void (*fn_fs)(void *, size_t);
typedef void (*fn_fas)(void *, size_t, size_t);

static struct {
    fn_aligned aligned_alloc, memalign;
    fn_pm posix_memalign;
    fn_one valloc, pvalloc;
    fn_us usable_size;
    fn_ra reallocarray;
    fn_fs free_sized;
    fn_fas free_aligned_sized;
    char provider[256]; /* object that defines malloc */
} libc_fns;

static void *l_malloc(hs_ctx_t *c, size_t n) { (void)c; return malloc(n); }
static void l_free(hs_ctx_t *c, void *p) { (void)c; free(p); }
static void *l_calloc(hs_ctx_t *c, size_t n, size_t m) { (void)c; return calloc(n, m); }
static void *l_realloc(hs_ctx_t *c, void *p, size_t n) { (void)c; return realloc(p, n); }
static void *l_reallocarray(hs_ctx_t *c, void *p, size_t n, size_t m)
{ (void)c; return libc_fns.reallocarray(p, n, m); }
static void *l_aligned_alloc(hs_ctx_t *c, size_t a, size_t n)
{ (void)c; return libc_fns.aligned_alloc(a, n); }
static int l_posix_memalign(hs_ctx_t *c, void **o, size_t a, size_t n)
{ (void)c; return libc_fns.posix_memalign(o, a, n); }
static void *l_memalign(hs_ctx_t *c, size_t a, size_t n)
{ (void)c; return libc_fns.memalign(a, n); }
static void *l_valloc(hs_ctx_t *c, size_t n) { (void)c; return libc_fns.valloc(n); }
static void *l_pvalloc(hs_ctx_t *c, size_t n) { (void)c; return libc_fns.pvalloc(n); }
static size_t l_usable(hs_ctx_t *c, const void *p)
{ (void)c; return libc_fns.usable_size((void *)(uintptr_t)p); }
static void l_free_sized(hs_ctx_t *c, void *p, size_t n)
{ (void)c; libc_fns.free_sized(p, n); }
static void l_free_aligned_sized(hs_ctx_t *c, void *p, size_t a, size_t n)
{ (void)c; libc_fns.free_aligned_sized(p, a, n); }

static int provider_of(const char *sym, char *out, size_t len, void **addr)
{
    void *f = dlsym(RTLD_DEFAULT, sym);
    Dl_info info;
    *addr = f;
    if (f == NULL || dladdr(f, &info) == 0 || info.dli_fname == NULL) {
        out[0] = '\0';
        return -1;
    }
    snprintf(out, len, "%s", info.dli_fname);
    return 0;
}

/* An extension counts as the allocator's own only when the object that
 * defines it is the object that defines malloc. */
static void *probe_ext(const char *sym)
{
    char where[256];
    void *f;
    if (provider_of(sym, where, sizeof where, &f) != 0)
        return NULL;
    return strcmp(where, libc_fns.provider) == 0 ? f : NULL;
}

static struct hs_malloc_ops libc_ops;

static int libc_open(const struct hs_open_args *args, hs_ctx_t **out)
{
    if (args != NULL && (args->fail_nth_backing || args->footprint_limit))
        return -ENOTSUP;
    *out = NULL;
    return 0;
}

static void libc_close(hs_ctx_t *ctx) { (void)ctx; }

static struct hs_subject libc_subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "libc",
    .version = "process malloc",
    .description = "the process's own malloc family, as libc resolves it",
    .open = libc_open,
    .close = libc_close,
    .malloc_ops = &libc_ops,
};

const struct hs_subject *hst_libc_subject(void)
{
    if (libc_ops.struct_size != 0)
        return &libc_subject;
    void *f;
    provider_of("malloc", libc_fns.provider, sizeof libc_fns.provider, &f);
    libc_fns.aligned_alloc = (fn_aligned)probe_ext("aligned_alloc");
    libc_fns.memalign = (fn_aligned)probe_ext("memalign");
    libc_fns.posix_memalign = (fn_pm)probe_ext("posix_memalign");
    libc_fns.valloc = (fn_one)probe_ext("valloc");
    libc_fns.pvalloc = (fn_one)probe_ext("pvalloc");
    libc_fns.usable_size = (fn_us)probe_ext("malloc_usable_size");
    libc_fns.reallocarray = (fn_ra)probe_ext("reallocarray");
    libc_fns.free_sized = (fn_fs)probe_ext("free_sized");
    libc_fns.free_aligned_sized = (fn_fas)probe_ext("free_aligned_sized");
    struct hs_malloc_ops o = {
        .struct_size = sizeof o,
        .version = HS_MALLOC_OPS_VERSION,
        .caps = HS_MALLOC_CAP_CALLOC | HS_MALLOC_CAP_REALLOC | HS_MALLOC_CAP_THREADS |
                HS_MALLOC_CAP_FORK | HS_MALLOC_CAP_PROCESS_MALLOC,
        .malloc = l_malloc,
        .free = l_free,
        .calloc = l_calloc,
        .realloc = l_realloc,
    };
#define EXT(field, cap, fn)                                                                \
    if (libc_fns.field) {                                                                  \
        o.field = fn;                                                                      \
        o.caps |= cap;                                                                     \
    }
    EXT(reallocarray, HS_MALLOC_CAP_REALLOCARRAY, l_reallocarray)
    EXT(aligned_alloc, HS_MALLOC_CAP_ALIGNED_ALLOC, l_aligned_alloc)
    EXT(posix_memalign, HS_MALLOC_CAP_POSIX_MEMALIGN, l_posix_memalign)
    EXT(memalign, HS_MALLOC_CAP_MEMALIGN, l_memalign)
    EXT(valloc, HS_MALLOC_CAP_VALLOC, l_valloc)
    EXT(pvalloc, HS_MALLOC_CAP_PVALLOC, l_pvalloc)
    EXT(usable_size, HS_MALLOC_CAP_USABLE_SIZE, l_usable)
    EXT(free_sized, HS_MALLOC_CAP_FREE_SIZED, l_free_sized)
    EXT(free_aligned_sized, HS_MALLOC_CAP_FREE_ALIGNED_SIZED, l_free_aligned_sized)
#undef EXT
    libc_ops = o;
    return &libc_subject;
}

int hst_interpose_providers(const struct hs_malloc_ops *ops, char *why, size_t len)
{
    if (ops != &libc_ops) {
        if (ops->malloc && ops->free && ops->calloc && ops->realloc)
            return 0;
        snprintf(why, len, "the subject lacks one of malloc, free, calloc, realloc");
        return -1;
    }
    static const char *const core[] = {"malloc", "free", "calloc", "realloc"};
    char first[256], where[256];
    void *f;
    if (provider_of("malloc", first, sizeof first, &f) != 0) {
        snprintf(why, len, "cannot tell which object defines malloc");
        return -1;
    }
    for (size_t i = 1; i < 4; i++) {
        if (provider_of(core[i], where, sizeof where, &f) != 0 || strcmp(where, first) != 0) {
            snprintf(why, len, "malloc comes from %s but %s from %s: the replacement is partial",
                     first, core[i], where[0] ? where : "nowhere");
            return -1;
        }
    }
    return 0;
}

void hst_copy_table(void *dst, size_t dst_size, const void *src)
{
    uint32_t have;
    memcpy(&have, src, sizeof have);
    memcpy(dst, src, have < dst_size ? have : dst_size);
}

void hst_copy_malloc_ops(struct hs_malloc_ops *dst, const struct hs_malloc_ops *src)
{
    memset(dst, 0, sizeof *dst);
    hst_copy_table(dst, sizeof *dst, src);
}

/* ----------------------------------------------------------- in the child */

const struct hs_subject *hst_subject_open_table(const struct hst_subject_spec *spec, char *err,
                                                size_t errlen)
{
    const struct hs_subject *s = NULL;
    if (spec->lib != NULL) {
        void *h = dlopen(spec->lib, RTLD_NOW | RTLD_LOCAL);
        if (h == NULL) {
            snprintf(err, errlen, "cannot load subject library %s: %s", spec->lib, dlerror());
            return NULL;
        }
        hs_subject_entry_fn fn;
        *(void **)&fn = dlsym(h, HS_SUBJECT_ENTRY);
        if (fn == NULL) {
            snprintf(err, errlen, "%s does not export %s()", spec->lib, HS_SUBJECT_ENTRY);
            return NULL;
        }
        s = fn();
    } else {
        if (spec->need != NULL) {
            void *h = dlopen(spec->need, RTLD_LAZY | RTLD_NOLOAD);
            if (h == NULL) {
                snprintf(err, errlen,
                         "subject %s is not available: %s could not be preloaded%s%s%s",
                         spec->name, spec->need, spec->package ? " (apt-get install " : "",
                         spec->package ? spec->package : "", spec->package ? ")" : "");
                return NULL;
            }
        }
        size_t n;
        const struct builtin *b = builtins(&n);
        for (size_t i = 0; i < n && s == NULL; i++)
            if (strcmp(b[i].name, spec->builtin ? spec->builtin : "libc") == 0)
                s = b[i].fn();
        if (s == NULL) {
            snprintf(err, errlen, "unknown subject %s", spec->name);
            return NULL;
        }
        if (spec->need != NULL && s == &libc_subject &&
            strstr(libc_fns.provider, spec->need) == NULL) {
            snprintf(err, errlen, "subject %s: malloc comes from %s, not %s", spec->name,
                     libc_fns.provider, spec->need);
            return NULL;
        }
    }
    if (s == NULL || s->struct_size < offsetof(struct hs_subject, malloc_ops) ||
        s->name == NULL || s->open == NULL) {
        snprintf(err, errlen, "subject table is malformed (too small, or no name/open)");
        return NULL;
    }
    if (s->abi_version == 0 || s->abi_version > HS_ABI_VERSION) {
        snprintf(err, errlen, "subject %s was built for ABI version %u; this tool speaks %u",
                 s->name, s->abi_version, HS_ABI_VERSION);
        return NULL;
    }
    return s;
}

const char *hst_libc_provider(void);
const char *hst_libc_provider(void)
{
    return libc_fns.provider;
}
