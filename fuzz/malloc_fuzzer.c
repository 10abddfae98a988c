/*
 * malloc_fuzzer.c — the malloc family's fuzz target.
 *
 *   bytes --malloc_decode.c--> struct hst_case (<= 2000 ops, ids 0..255)
 *         --hst_malloc_run--> subject's malloc ops, judged against the shadow
 *         model by conformance/malloc_check.c --> events (F/B/Q/S lines) into
 *         a memfd sink --> on any F line, or a failed check() walker:
 *         print the F lines and the decoded trace (corpus text format) to
 *         stderr, then abort(), so the fuzzing engine records a crash.
 *
 * The subject is chosen once, at initialisation, from the environment:
 *   HEAPSPEC_FUZZ_SUBJECT=libc   the process's own malloc (default; with
 *                                LD_PRELOAD, any malloc replacement)
 *   HEAPSPEC_FUZZ_SUBJECT=ref    the reference mspace as malloc (ref/mspace)
 *   HEAPSPEC_FUZZ_SUBJECT=PATH   a shared object exporting heapspec_subject()
 *   HEAPSPEC_FUZZ_CHECKED=call|op|end
 *                                when the subject's check() walker runs:
 *                                after every mutating call (HS_OPEN_CHECKED),
 *                                after every op, or after the trace only
 *                                (events.h); default: op for ref, else end
 *   HEAPSPEC_FUZZ_EXPECT_FAIL=ID,...
 *                                clauses the subject is known to fail: an
 *                                input whose only violations are of these
 *                                clauses passes (glibc 2.36 fails
 *                                MALLOC-ALIGNED-ALLOC-1, ASan's allocator
 *                                MALLOC-HUGE-4; see fuzz/README.md)
 *
 * No state is carried from one input to the next: each input gets a freshly
 * opened subject context (closed after it), a reset arena for its ops, a
 * cleared sink and a cleared shadow model (see reset_engine_arena).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz/malloc_decode.h"
#include "fuzz/events.h"
#include "fuzz/malloc_fuzzer.h"
#include "heapspec/mspace_subject.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HSF_ASAN 1
#endif
#endif
#ifndef HSF_ASAN
#define HSF_ASAN 0
#endif

#define OPS_ARENA_SIZE ((size_t)1 << 20)
#define ENGINE_ARENA_SIZE ((size_t)64 << 20)
#define EVENTS_MAX ((size_t)64 << 10)

static struct {
    const struct hs_subject *subj;
    const char *name;
    enum hsf_walk walk;      /* when the subject's check() runs */
    const char *expect;      /* HEAPSPEC_FUZZ_EXPECT_FAIL, or "" */
    bool asan_malloc;        /* the subject's malloc is ASan's allocator */
    struct hst_arena ops;    /* the decoded trace; reset per input */
    struct hst_arena engine; /* the checker's shadow model; cleared per input */
    int sink_fd;             /* memfd the sink writes events into */
    volatile uint32_t pos;   /* op being executed (the sink's shared word) */
} g;

/* Huge sizes are fuzzed: under ASan they must return NULL (what the clauses
 * judge), not stop the process. The environment's ASAN_OPTIONS still win. */
const char *__asan_default_options(void) __attribute__((used));
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "malloc_fuzzer: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(2);
}

static const struct hs_subject *subject_from_env(const char *s)
{
    if (s == NULL || s[0] == '\0' || strcmp(s, "libc") == 0)
        return hst_libc_subject();
    if (strcmp(s, "ref") == 0)
        return hsr_malloc_subject();
    if (strchr(s, '/') == NULL)
        die("HEAPSPEC_FUZZ_SUBJECT=%s: expected libc, ref, or a path to a subject .so", s);
    return hsf_subject_lib(s);
}

static void init_once(void)
{
    if (g.subj != NULL)
        return;
    const char *s = getenv("HEAPSPEC_FUZZ_SUBJECT");
    g.name = s != NULL && s[0] ? s : "libc";
    g.walk = hsf_walk_mode("malloc_fuzzer", strcmp(g.name, "ref") == 0, HSF_WALK_OP);
    g.expect = getenv("HEAPSPEC_FUZZ_EXPECT_FAIL");
    if (g.expect == NULL)
        g.expect = "";
    g.subj = subject_from_env(s);
    if (g.subj == NULL || g.subj->malloc_ops == NULL || g.subj->open == NULL)
        die("subject %s offers no malloc family", g.name);
    g.asan_malloc = HSF_ASAN && (g.subj->malloc_ops->caps & HS_MALLOC_CAP_PROCESS_MALLOC) != 0;
    if (hst_arena_init(&g.ops, OPS_ARENA_SIZE) != 0 ||
        hst_arena_init(&g.engine, ENGINE_ARENA_SIZE) != 0)
        die("cannot map the arenas (%s)", strerror(errno));
    g.sink_fd = memfd_create("heapspec-fuzz-events", MFD_CLOEXEC);
    if (g.sink_fd < 0)
        die("memfd_create: %s", strerror(errno));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    init_once();
    return 0;
}

/* The checker's shadow model (one record per block id the trace names) is
 * the only thing hst_malloc_run takes from the engine arena, and it relies on
 * fresh (zero) memory. Mapping the arena afresh per input would cost more than
 * the run, so it is kept and the bytes the run took are cleared after it: a
 * few KiB, as the harness names at most HSF_MAX_IDS ids. */
static void reset_engine_arena(void)
{
    memset(g.engine.base, 0, g.engine.used);
    g.engine.used = 0;
}

/* True when the clause id [id, id+n) is in the expected-failure list. */
static bool expected(const char *id, size_t n)
{
    for (const char *e = g.expect; *e;) {
        size_t m = strcspn(e, ", ");
        if (m == n && memcmp(e, id, n) == 0)
            return true;
        e += m;
        e += strspn(e, ", ");
    }
    return false;
}

/* True when events hold an F line of a clause not in the expected list. */
static bool unexpected_failure(const char *events)
{
    for (const char *l = events; *l;) {
        size_t n = strcspn(l, "\n");
        if (l[0] == 'F' && l[1] == ' ' && !expected(l + 2, strcspn(l + 2, " \n")))
            return true;
        l += n + (l[n] == '\n');
    }
    return false;
}

static int open_ctx(const struct hsf_malloc_input *in, hs_ctx_t **ctx)
{
    struct hs_open_args args;
    memset(&args, 0, sizeof args);
    args.struct_size = sizeof args;
    args.version = HS_OPEN_ARGS_VERSION;
    args.fail_nth_backing = in->fail_nth;
    args.footprint_limit = in->footprint_limit;
    args.flags = g.walk == HSF_WALK_CALL ? HS_OPEN_CHECKED : 0u;
    bool want = in->fail_nth || in->footprint_limit || args.flags;
    if (want && g.subj->open(&args, ctx) == 0)
        return 0;
    /* a subject without fault injection (libc): the trace still runs */
    return g.subj->open(NULL, ctx);
}

/* Runs one decoded input. Returns 0 when it passed; otherwise -1 with the
 * events in events[] and, for a failed walker, its message in walker[]. */
static int run_input(const struct hsf_malloc_input *in, char *events, size_t ecap, char *walker,
                     size_t wcap)
{
    static struct hst_sink sink;
    hs_ctx_t *ctx = NULL;
    events[0] = walker[0] = '\0';
    if (open_ctx(in, &ctx) != 0)
        return 0; /* the subject cannot open a context: nothing to judge */
    memset(&sink, 0, sizeof sink);
    sink.fd = g.sink_fd;
    sink.pos = &g.pos;
    sink.failures_only = true;
    static struct hsf_walker walker_op;
    if (g.walk == HSF_WALK_OP)
        hsf_walk_install(&walker_op, g.subj, ctx, &sink);
    int rc = hst_malloc_run(g.subj, ctx, &in->cs, &sink, &g.engine);
    int bad = rc != 0;
    if (sink.failed) {
        hsf_events_read(g.sink_fd, events, ecap);
        bad = bad || unexpected_failure(events);
    }
    /* After an expected failure the blocks the checker kept are dropped
     * with the context. */
    bad = hsf_finish_run(g.subj, ctx, rc, bad, g.sink_fd, events, ecap, walker, wcap,
                         "E engine error (arena exhausted)\n");
    reset_engine_arena();
    return bad;
}

/* run_input for hsf_print_verdict (its events stay in the sink). */
static int run_for_trace(void *in, char *walker, size_t wcap)
{
    static char events[EVENTS_MAX];
    return run_input(in, events, sizeof events, walker, wcap);
}

static void report(const struct hsf_malloc_input *in, const char *events, const char *walker)
{
    char clauses[512];
    hsf_report_violation(g.name, "malloc", events, walker, clauses, sizeof clauses);
    hsf_malloc_print_case(stderr, in, "fuzz-crash", clauses);
    fflush(stderr);
}

/* Ops the harness rewrites before running, so that a crash is a finding:
 *
 * ASan's allocator in clang 14 fails an internal CHECK (asan_allocator.cpp:554,
 * "user_end <= alloc_end", an overflow) on posix_memalign and memalign with
 * an alignment of 2^63, and dies. That is ASan's bug, not the subject's:
 * when ASan's allocator is the subject, such ops become `verify`.
 *
 * memalign(a, n) with a huge n and an alignment that is no power of two or
 * above PTRDIFF_MAX: glibc and ASan fail it with EINVAL (the alignment is
 * judged first), the checker demands ENOMEM (MALLOC-HUGE-5). Which error is
 * right is a question for the clause; until it is settled, such ops become
 * `verify` for every subject.
 *
 * Uninstrumented (HST_NO_COVERAGE): a rewrite of the decoded ops, whose
 * comparisons repeat the decoder's; traced they were 2% of a run. */
HST_NO_COVERAGE static void avoid_known_false_reports(struct hsf_malloc_input *in)
{
    for (uint32_t i = 0; i < in->cs.nops; i++) {
        struct hst_op *op = &in->cs.ops[i];
        /* The checker (conformance/malloc_check.c, op_realloc) judges
         * reallocarray(p, n, m) with n*m == 0 as a failed resize, while it is
         * realloc(p, 0) (implementation-defined, MALLOC-REALLOC-4; glibc frees
         * p and returns NULL). Until the checker knows, it runs as realloc. */
        uint64_t prod;
        if (op->kind == HSO_REALLOCARRAY && op->src != HST_NULL_ID &&
            !__builtin_mul_overflow(op->a, op->b, &prod) && prod == 0) {
            op->kind = HSO_REALLOC;
            op->a = op->b = 0;
        }
        bool pow2 = op->a != 0 && (op->a & (op->a - 1)) == 0;
        bool odd_align = !pow2 || op->a > (uint64_t)PTRDIFF_MAX;
        if ((g.asan_malloc && (op->kind == HSO_POSIX_MEMALIGN || op->kind == HSO_MEMALIGN) &&
             op->a > (uint64_t)PTRDIFF_MAX) ||
            (op->kind == HSO_MEMALIGN && odd_align && op->b > (uint64_t)PTRDIFF_MAX)) {
            op->kind = HSO_VERIFY;
            op->dst = op->src = HST_NULL_ID;
            op->a = op->b = 0;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char events[EVENTS_MAX];
    static char walker[512];
    struct hsf_malloc_input in;
    init_once();
    g.ops.used = 0;
    if (hsf_malloc_decode(data, size, &g.ops, &in) != 0)
        return 0;
    avoid_known_false_reports(&in);
    int bad = run_input(&in, events, sizeof events, walker, sizeof walker);
    hsf_events_clear(g.sink_fd);
    if (bad) {
        report(&in, events, walker);
        abort();
    }
    return 0;
}

int hsf_fuzz_print_trace(const uint8_t *data, size_t size, const char *name, FILE *out)
{
    static char events[EVENTS_MAX];
    char clauses[512] = "";
    struct hsf_malloc_input in;
    init_once();
    g.ops.used = 0;
    if (hsf_malloc_decode(data, size, &g.ops, &in) != 0)
        return -1;
    avoid_known_false_reports(&in);
    /* Run it in a child: the clauses it fails name the case; a crash is noted. */
    hsf_print_verdict(out, g.name, g.sink_fd, run_for_trace, &in, events, sizeof events, clauses,
                      sizeof clauses);
    hsf_malloc_print_case(out, &in, name, clauses);
    return 0;
}
