/*
 * family_fuzzer.c — one fuzz target for any family but malloc, built once per
 * family with -DHS_FUZZ_FAMILY="ring" (//fuzz:ring_fuzzer, buddy_fuzzer,
 * mspace_fuzzer, region_fuzzer, gc_fuzzer, spaces_fuzzer).
 *
 *   bytes --family_decode.c--> struct hst_case of the family's grammar
 *         (<= 500 ops, ids 0..15, bounded numbers)
 *         --fam->run--> the family's reference subject (hsr_<family>_subject),
 *         judged by conformance/<family>_check.c --> events into a memfd sink
 *         --> on any F line, an engine error, or a failed check() walker:
 *         print the F lines and the decoded trace (corpus text format) to
 *         stderr, then abort(), so the fuzzing engine records a crash.
 *
 * No state is carried from one input to the next: each input gets a freshly
 * opened subject context (closed after it), a cleared sink and an engine
 * arena that is all zero again (the checkers rely on fresh zero memory).
 *
 * Arena reset. A checker takes arrays for every id (65536 records), its I/O
 * buffers (megabytes) and scratch from the arena, but an input touches
 * little of them: the front of each (ids 0..15, bounded sizes), and for gc
 * and spaces the records of the ids that exhaust, fill and churn name
 * (40000 and up). Clearing everything used would cost megabytes of writes
 * per input (and turn the shared zero page behind untouched arena pages
 * into real memory). So every arena allocation the checker makes is
 * recorded (the link wraps hst_arena_alloc: -Wl,--wrap=hst_arena_alloc),
 * and after the run each one is scanned page by page from its start: a
 * page holding anything but zeros is cleared; the scan of an allocation
 * stops at the second all-zero page in a row, and the rest of it is dropped
 * with madvise(MADV_DONTNEED).
 * HEAPSPEC_FUZZ_CHECK_RESET=1 (set by the replay tests) checks after every
 * input that the whole used arena is zero again.
 *
 * Environment:
 *   HEAPSPEC_FUZZ_SUBJECT=ref (default) the family's reference subject;
 *   HEAPSPEC_FUZZ_SUBJECT=PATH          a shared object exporting
 *                                       heapspec_subject() (a third-party
 *                                       implementation, or a mutant);
 *   HEAPSPEC_FUZZ_CHECKED=call|op|end   when the subject's check() walker
 *                                       runs: after every mutating call
 *                                       (HS_OPEN_CHECKED), after every op,
 *                                       or after the trace only (events.h);
 *                                       default for ref: call for mspace and
 *                                       region, op for the others (ref_walk);
 *                                       end for a library.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conformance/hs_internal.h"
#include "fuzz/family_decode.h"
#include "fuzz/events.h"
#include "fuzz/malloc_fuzzer.h"
#include "heapspec/buddy.h"
#include "heapspec/gc.h"
#include "heapspec/mspace_subject.h"
#include "heapspec/region_subject.h"
#include "heapspec/ring.h"
#include "heapspec/space.h"

#ifndef HS_FUZZ_FAMILY
#error "build with -DHS_FUZZ_FAMILY=\"ring\" (or buddy, mspace, region, gc, spaces)"
#endif

#define OPS_ARENA_SIZE ((size_t)1 << 20)
#define ENGINE_ARENA_SIZE ((size_t)256 << 20)
#define EVENTS_MAX ((size_t)64 << 10)
#define MAX_ALLOCS 256u
#define PAGE ((size_t)4096)

static struct {
    struct hsf_family fam;
    const struct hs_subject *subj;
    enum hsf_walk walk;      /* when the subject's check() runs */
    bool check_reset;
    struct hst_arena ops;    /* the decoded trace; reset per input */
    struct hst_arena engine; /* the checker's state; zeroed per input */
    int sink_fd;             /* memfd the sink writes events into */
    volatile uint32_t pos;   /* op being executed (the sink's shared word) */
    size_t alloc_off[MAX_ALLOCS], alloc_len[MAX_ALLOCS];
    unsigned nallocs;
    bool allocs_lost; /* more than MAX_ALLOCS: the whole used range is scanned */
} g;

const char *__asan_default_options(void) __attribute__((used));
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

/* The link redirects every call to hst_arena_alloc here (--wrap). */
void *__real_hst_arena_alloc(struct hst_arena *a, size_t n);
void *__wrap_hst_arena_alloc(struct hst_arena *a, size_t n);
void *__wrap_hst_arena_alloc(struct hst_arena *a, size_t n)
{
    char *p = __real_hst_arena_alloc(a, n);
    if (p != NULL && a == &g.engine) {
        if (g.nallocs < MAX_ALLOCS) {
            g.alloc_off[g.nallocs] = (size_t)(p - a->base);
            g.alloc_len[g.nallocs++] = n;
        } else {
            g.allocs_lost = true;
        }
    }
    return p;
}

static void die(const char *what)
{
    fprintf(stderr, HS_FUZZ_FAMILY "_fuzzer: %s (%s)\n", what, strerror(errno));
    exit(2);
}

static const struct hs_subject *family_subject(const char *name)
{
    if (strcmp(name, "ring") == 0)
        return hsr_ring_subject();
    if (strcmp(name, "buddy") == 0)
        return hsr_buddy_subject();
    if (strcmp(name, "mspace") == 0)
        return hsr_mspace_subject();
    if (strcmp(name, "region") == 0)
        return hsr_region_subject();
    if (strcmp(name, "gc") == 0)
        return hsr_gc_subject();
    if (strcmp(name, "spaces") == 0)
        return hsr_spaces_subject();
    return NULL;
}

/* When the reference's walker runs by default. check() walks every handle
 * of the context, and a per-call walk (HS_OPEN_CHECKED) only the one called:
 * mspace and region traces hold many handles and make one call per op, so
 * they walk per call; the others have loop ops (churn, exhaust, fill: up to
 * 512 calls each), so they walk per op. The execs per second of each mode
 * are in the README (Fuzzing); a 15-s run differs by 10-20% with the path
 * the fuzzer takes, and mspace's op and call trade places with the seed. */
static enum hsf_walk ref_walk(const char *family)
{
    return strcmp(family, "mspace") == 0 || strcmp(family, "region") == 0 ? HSF_WALK_CALL
                                                                           : HSF_WALK_OP;
}

static void init_once(void)
{
    if (g.subj != NULL)
        return;
    if (hsf_family_init(&g.fam, HS_FUZZ_FAMILY) != 0)
        die("the engine has no family " HS_FUZZ_FAMILY);
    const char *s = getenv("HEAPSPEC_FUZZ_SUBJECT");
    if (s == NULL || s[0] == '\0' || strcmp(s, "ref") == 0)
        g.subj = family_subject(HS_FUZZ_FAMILY);
    else if (strchr(s, '/') != NULL)
        g.subj = hsf_subject_lib(s);
    else
        die("HEAPSPEC_FUZZ_SUBJECT: expected ref or a path to a subject .so");
    if (g.subj == NULL || g.subj->open == NULL || !g.fam.fam->offered(g.subj))
        die("the subject offers no family " HS_FUZZ_FAMILY);
    const char *cr = getenv("HEAPSPEC_FUZZ_CHECK_RESET");
    bool is_ref = s == NULL || s[0] == '\0' || strcmp(s, "ref") == 0;
    g.walk = hsf_walk_mode(HS_FUZZ_FAMILY "_fuzzer", is_ref, ref_walk(HS_FUZZ_FAMILY));
    g.check_reset = cr != NULL && strcmp(cr, "1") == 0;
    if (hst_arena_init(&g.ops, OPS_ARENA_SIZE) != 0 ||
        hst_arena_init(&g.engine, ENGINE_ARENA_SIZE) != 0)
        die("cannot map the arenas");
    g.sink_fd = memfd_create("heapspec-fuzz-events", MFD_CLOEXEC);
    if (g.sink_fd < 0)
        die("memfd_create");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    init_once();
    return 0;
}

HST_NO_COVERAGE static bool page_is_zero(const char *p)
{
    const uint64_t *w = (const uint64_t *)(const void *)p;
    uint64_t acc = 0;
    for (size_t i = 0; i < PAGE / 8; i++)
        acc |= w[i];
    return acc == 0;
}

/* Clears the pages of [from, to) (arena offsets) that are not zero, from
 * the front, until two zero pages in a row (or to). Returns the offset of
 * the first page it did not look at. */
HST_NO_COVERAGE static size_t clear_from(size_t from, size_t to, bool whole)
{
    unsigned clean = 0;
    size_t pg = from / PAGE * PAGE;
    for (; pg < to; pg += PAGE) {
        char *p = g.engine.base + pg;
        if (!page_is_zero(p)) {
            memset(p, 0, PAGE);
            clean = 0;
        } else if (++clean == 2 && !whole) {
            return pg + PAGE;
        }
    }
    return pg;
}

/* Drops the pages of [from, to) (arena offsets, page aligned): the next
 * touch of any of them gets a fresh zero page. This finds what a checker
 * wrote far behind the front of an allocation (objects of gc and spaces
 * named by the ids of exhaust, fill and churn, 40000 and up). One
 * madvise(MADV_DONTNEED) over the range: the kernel skips the parts that
 * were never touched a page-table level at a time, where asking mincore()
 * which pages are resident first cost a byte per page (a sixth of a ring
 * run). */
HST_NO_COVERAGE static void drop_resident(size_t from, size_t to)
{
    if (to > from)
        (void)madvise(g.engine.base + from, to - from, MADV_DONTNEED);
}

/* Makes the engine arena all zero again (see "Arena reset" above). */
static void reset_engine_arena(void)
{
    size_t used = (g.engine.used + PAGE - 1) / PAGE * PAGE;
    if (g.allocs_lost) {
        clear_from(0, used, true);
    } else {
        for (unsigned i = 0; i < g.nallocs; i++) {
            size_t end = clear_from(g.alloc_off[i], g.alloc_off[i] + g.alloc_len[i], false);
            size_t lim = (g.alloc_off[i] + g.alloc_len[i] + PAGE - 1) / PAGE * PAGE;
            if (end < lim)
                drop_resident(end, lim < used ? lim : used);
        }
    }
    if (g.check_reset) {
        for (size_t pg = 0; pg < used; pg += PAGE)
            if (!page_is_zero(g.engine.base + pg)) {
                fprintf(stderr, HS_FUZZ_FAMILY "_fuzzer: the arena reset left page %zu dirty\n",
                        pg / PAGE);
                abort();
            }
    }
    g.engine.used = 0;
    g.nallocs = 0;
    g.allocs_lost = false;
}

static int open_ctx(struct hsf_family_input *in, hs_ctx_t **ctx)
{
    struct hs_open_args args;
    memset(&args, 0, sizeof args);
    args.struct_size = sizeof args;
    args.version = HS_OPEN_ARGS_VERSION;
    args.footprint_limit = in->footprint_limit;
    args.flags = g.walk == HSF_WALK_CALL ? HS_OPEN_CHECKED : 0u;
    if ((in->footprint_limit || args.flags) && g.subj->open(&args, ctx) == 0)
        return 0;
    /* no such axis: the trace runs without it, and the checker knows */
    in->footprint_limit = in->cs.footprint_limit = 0;
    return g.subj->open(NULL, ctx);
}

/* Runs one decoded input. Returns 0 when it passed; otherwise -1 with the
 * events in events[] and, for a failed walker, its message in walker[]. */
static int run_input(struct hsf_family_input *in, char *events, size_t ecap, char *walker,
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
    g.engine.used = 0;
    g.nallocs = 0;
    int rc = g.fam.fam->run(g.subj, ctx, &in->cs, &sink, &g.engine);
    int bad = hsf_finish_run(g.subj, ctx, rc, rc != 0 || sink.failed, g.sink_fd, events, ecap,
                             walker, wcap,
                             "E engine error (a bound of the harness or the arena)\n");
    reset_engine_arena();
    return bad;
}

/* run_input for hsf_print_verdict (its events stay in the sink). */
static int run_for_trace(void *in, char *walker, size_t wcap)
{
    static char events[EVENTS_MAX];
    return run_input(in, events, sizeof events, walker, wcap);
}

static void report(const struct hsf_family_input *in, const char *events, const char *walker)
{
    char clauses[512];
    hsf_report_violation(g.subj->name, HS_FUZZ_FAMILY, events, walker, clauses, sizeof clauses);
    hsf_family_print_case(stderr, &g.fam, in, "fuzz-crash", clauses);
    fflush(stderr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char events[EVENTS_MAX];
    static char walker[512];
    struct hsf_family_input in;
    init_once();
    g.ops.used = 0;
    if (hsf_family_decode(&g.fam, data, size, &g.ops, &in) != 0)
        return 0;
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
    struct hsf_family_input in;
    init_once();
    g.ops.used = 0;
    if (hsf_family_decode(&g.fam, data, size, &g.ops, &in) != 0)
        return -1;
    /* Run it in a child: the clauses it fails name the case; a crash is noted. */
    hsf_print_verdict(out, g.subj->name, g.sink_fd, run_for_trace, &in, events, sizeof events,
                      clauses, sizeof clauses);
    hsf_family_print_case(out, &g.fam, &in, name, clauses);
    return 0;
}
