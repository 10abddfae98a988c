/*
 * hs_internal.h — the conformance engine's internal data structures.
 *
 *   corpus text --trace.c--> struct hst_case (ops) --runner.c--> child process
 *   child: subject.c opens the subject, the family's <family>_check.c runs
 *   the ops (check_run.c drives them) against the shadow model and writes
 *   events to the parent; the parent (runner.c) collects them per clause,
 *   minimizes failing traces, and report.c prints.
 *
 * The engine never uses the process malloc for its own state while a case
 * runs: the child's memory comes from arena.c (mmap), so a broken subject
 * cannot corrupt the checker and the checker does not perturb the subject.
 */
#ifndef HS_INTERNAL_H
#define HS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "heapspec/heapspec.h"

#define HST_VERSION "0.1.0"

/* ---------------------------------------------------------------- arena */

/* A bump arena on mmap; reset frees everything at once. */
struct hst_arena {
    char *base;   /* start of the mapping */
    size_t size;  /* bytes mapped */
    size_t used;  /* bytes handed out */
};

int hst_arena_init(struct hst_arena *a, size_t size);
void hst_arena_fini(struct hst_arena *a);
/* Zeroed memory, aligned to 16; NULL when the arena is exhausted. */
void *hst_arena_alloc(struct hst_arena *a, size_t n);
char *hst_arena_strdup(struct hst_arena *a, const char *s, size_t n);

/* -------------------------------------------------------------- clauses */

enum hst_class { HST_R = 'R', HST_I = 'I', HST_X = 'X', HST_U = 'U', HST_Q = 'Q' };

enum hst_clause_id {
#define HS_CLAUSE(id, cls, grp, stmt, src) HSC_##id,
#include "clauses/all.def"
#undef HS_CLAUSE
    HSC_COUNT
};

struct hst_clause {
    const char *id;        /* "MALLOC-ALIGN-1" */
    char cls;              /* enum hst_class */
    const char *group;     /* "ALIGN" */
    const char *family;    /* "malloc" */
    const char *statement;
    const char *source;
};

extern struct hst_clause hst_clauses[HSC_COUNT];
/* Clause index by id ("MALLOC-ALIGN-1"), or -1. */
int hst_clause_find(const char *id, size_t len);

/* ---------------------------------------------------------------- trace */

enum hst_op_kind {
    HSO_MALLOC,
    HSO_CALLOC,
    HSO_REALLOC,
    HSO_REALLOCARRAY,
    HSO_ALIGNED_ALLOC,
    HSO_POSIX_MEMALIGN,
    HSO_MEMALIGN,
    HSO_VALLOC,
    HSO_PVALLOC,
    HSO_FREE,
    HSO_FREE_SIZED,
    HSO_FREE_ALIGNED_SIZED,
    HSO_USABLE_SIZE,
    HSO_WRITE_USABLE,
    HSO_VERIFY,
    /* scenarios */
    HSO_THREADS,
    HSO_CROSS_FREE,
    HSO_THREAD_EXIT,
    HSO_FORK,
    HSO_INTERPOSE,
    HSO_REUSE,
    HSO_CHURN,
    HSO_HARDEN,
    HSO_COUNT
};

#define HST_NULL_ID UINT32_MAX /* `null` in place of a block id */
#define HST_MAX_ID 65535u

struct hst_op {
    uint16_t kind;    /* the family's operation kind (enum hst_op_kind for malloc) */
    uint32_t dst;     /* block id made (or used) by the op, HST_NULL_ID for null */
    uint32_t src;     /* realloc source id, HST_NULL_ID for null */
    uint64_t a, b, c; /* numeric arguments, by kind */
    uint32_t line;    /* source line, 0 for generated ops */
};

enum hst_profile { HST_PROFILE_DEFAULT = 0, HST_PROFILE_HARDENING = 1 };

struct hst_family;

struct hst_case {
    const char *name;
    const char *file;  /* corpus file it came from */
    uint32_t line;     /* line of `case` */
    const char *family;
    const struct hst_family *fam;
    int clauses[16];   /* clause indices named by `clauses` */
    uint32_t nclauses;
    uint32_t timeout_s;
    uint32_t profile;  /* enum hst_profile */
    uint64_t fail_nth;        /* `fault fail_nth N`: the Nth backing request fails (0: off) */
    uint64_t footprint_limit; /* `fault footprint_limit L` (0: none) */
    bool scenario;     /* holds a whole-process scenario op (threads, fork, reuse, ...) */
    struct hst_op *ops;
    uint32_t nops;
};

struct hst_corpus {
    struct hst_case *cases;
    uint32_t ncases;
    uint32_t cap;
};

/* Parses `text` (a whole corpus file called `file`) and appends its cases.
 * On a bad line returns -1 with "file:line: message" in err. */
int hst_parse(struct hst_arena *a, struct hst_corpus *c, const char *file, const char *text,
              size_t len, char *err, size_t errlen);
/* Loads every *.trace file under dir (sorted) or the file itself. */
int hst_load_path(struct hst_arena *a, struct hst_corpus *c, const char *path, char *err,
                  size_t errlen);
/* 1 + the largest id (dst or src) any op of cs names, at most HST_MAX_ID + 1:
 * a checker's scans over its ids stop there, not at HST_MAX_ID (a short trace
 * names a handful; 65536 per scan was most of a fuzz run's time). */
uint32_t hst_case_id_bound(const struct hst_case *cs);
/* Writes op as one trace line into buf (no newline): hst_op_format for a
 * malloc-family op, hst_op_format_in for any family's. */
void hst_op_format(const struct hst_op *op, char *buf, size_t len);
void hst_op_format_in(const struct hst_family *f, const struct hst_op *op, char *buf, size_t len);
const char *hst_op_name(unsigned kind);

/* ------------------------------------------------------------- families */

/* One operation of a family's trace grammar:
 *   NAME [#dst [#src]] [NUM ...]  or  NAME WORD  (when words != NULL; a = word index) */
struct hst_opdesc {
    const char *name;
    uint16_t kind;
    uint8_t nids;          /* 0, 1 (dst) or 2 (dst src) */
    uint8_t nnums;         /* numbers after the ids */
    bool id_may_be_null;   /* `null` allowed for the first id (and always for src) */
    const char *const *words;
    uint8_t nwords;
};

struct hst_sink;

/* A family: its trace grammar, its checker, and whether a subject offers it. */
struct hst_family {
    const char *name;
    const struct hst_opdesc *ops;
    size_t nops;
    int (*run)(const struct hs_subject *subj, hs_ctx_t *ctx, const struct hst_case *cs,
               struct hst_sink *sink, struct hst_arena *arena);
    bool (*offered)(const struct hs_subject *subj);
    int selfcheck; /* clause judged by the subject's own check walker, or -1 */
};

extern const struct hst_family hst_malloc_family;
/* Family by name, or NULL. */
const struct hst_family *hst_family_find(const char *name, size_t len);
/* Every family this tool judges, NULL-terminated. */
extern const struct hst_family *hst_families[];
/* Position of f in hst_families (of the family named name: hst_family_index_of). */
int hst_family_index(const struct hst_family *f);
int hst_family_index_of(const char *name);

/* ------------------------------------------------------------- subjects */

/* How a case reaches its subject: the process's own allocator (possibly with
 * a preload), a subject table linked in, or a subject shared object. */
struct hst_subject_spec {
    const char *name;     /* as reported */
    const char *builtin;  /* linked-in table name, or NULL */
    const char *lib;      /* --subject-lib path, or NULL */
    const char *preload;  /* LD_PRELOAD for the child, or NULL */
    bool clear_preload;   /* child runs without any LD_PRELOAD */
    const char *need;     /* library the preload must have loaded (soname) */
    const char *package;  /* Debian package to suggest when missing */
};

/* Resolves a --subject name to a spec; -1 when unknown. */
int hst_subject_lookup(const char *name, struct hst_subject_spec *out);
void hst_subject_list(void);
/* In the child: the subject table for spec, or NULL with a message. */
const struct hs_subject *hst_subject_open_table(const struct hst_subject_spec *spec, char *err,
                                                size_t errlen);
/* The process-malloc subject (libc), with capabilities probed by dladdr. */
const struct hs_subject *hst_libc_subject(void);

/* ---------------------------------------------------------------- events */

/* What the child reports, one text line each, on its event pipe:
 *   C <clause> <checks>                 checks performed (end of case)
 *   F <clause> <pos> <message>          a violation at op pos (1-based); the case stops
 *   B <clause> <branch>                 the branch an I / U clause took
 *   Q <clause> <value> <unit>           a figure
 *   S <clause> <reason>                 skipped (extension absent, not applicable)
 *   D <nops>                            the case ran to its end
 */
struct hst_sink {
    int fd;                    /* event pipe */
    uint64_t checks[HSC_COUNT];
    bool failed;               /* a violation was reported in this case */
    uint64_t failed_mask[(HSC_COUNT + 63) / 64]; /* clauses already reported */
    volatile uint32_t *pos;    /* shared word: op being executed (crash attribution) */
    uint64_t seen[64];         /* hashes of branch events already sent (sent once each) */
    uint64_t skipped_mask[(HSC_COUNT + 63) / 64]; /* clauses already reported skipped */
    /* Send F lines only: B, S and Q are counted (checks[]) but not written.
     * The fuzz harnesses read nothing else, and formatting and writing the
     * branch lines was a tenth of a malloc harness run. */
    bool failures_only;
    /* Optional, called by hst_run_trace after each op (the fuzz harnesses run
     * the subject's check() walker there); false stops the trace. */
    bool (*after_op)(void *arg);
    void *after_arg;
};

void hst_emit(struct hst_sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Counts a check of clause c; on !ok reports F and sets s->failed. Returns ok. */
bool hst_judge(struct hst_sink *s, int c, uint32_t pos, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void hst_branch(struct hst_sink *s, int c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void hst_skip(struct hst_sink *s, int c, const char *reason);
/* hst_skip once per clause and case (an absent extension is said once). */
void hst_skip_once(struct hst_sink *s, int c, const char *reason);

/* For a family checker whose run state `r` begins with its struct hst_run
 * `run` (below): judge clause c at the current op, or skip it once. A pass
 * is counted inline; only a failure calls hst_judge, so the message's
 * arguments are evaluated only then and must have no side effects (the
 * variadic call on every pass was 2% of a malloc harness run). */
#define HST_JUDGE(r, c, ok, ...)                                                            \
    __extension__({                                                                         \
        bool hst_ok_ = (ok);                                                                \
        if (hst_ok_)                                                                        \
            (r)->run.sink->checks[(c)]++;                                                   \
        else                                                                                \
            (void)hst_judge((r)->run.sink, (c), (r)->run.pos, false, __VA_ARGS__);          \
        hst_ok_;                                                                            \
    })
#define HST_SKIP_ONCE(r, c, why) hst_skip_once((r)->run.sink, (c), (why))
void hst_figure(struct hst_sink *s, int c, double value, const char *unit);

/* ------------------------------------------------------------ check runs */

/* What every family checker's run of a case holds (check_run.c). A family's
 * run state begins with it, as its member `run`; the engine drives the trace
 * through it and hands it back to the family's hooks, which cast it to their
 * own state (a pointer to a struct points to its first member too). */
struct hst_run {
    hs_ctx_t *ctx;              /* the subject's context, opened by the runner */
    struct hst_sink *sink;      /* where the judgements go */
    struct hst_arena *arena;    /* the shadow's memory */
    const struct hst_case *cs;  /* the case being run */
    uint32_t idn;  /* hst_case_id_bound(cs): the ids the trace names are below it */
    uint32_t pos;  /* op being judged, 1-based; nops + 1 once past the last */
    bool oom;      /* the arena could not hold a shadow: stop, an engine error */
};

/* A family checker's part in hst_run_trace. */
struct hst_run_hooks {
    /* Runs and judges op, the one at run->pos. Returns 0 (violations are in
     * the events), or -1 on an engine error: the case ends there with -1. */
    int (*step)(struct hst_run *run, const struct hst_op *op);
    /* Once past the last op, before any object is ended; NULL: none. */
    void (*finish)(struct hst_run *run);
    /* Ends object id (its last judgements, then its destroy), for every
     * id < run->idn, when no violation was reported; NULL: none. */
    void (*end)(struct hst_run *run, uint32_t id);
};

/* Whether subject s offers the family whose table is its field `ops`. */
#define HST_OFFERS(s, ops) (HS_HAS_FIELD(s, struct hs_subject, ops) && (s)->ops != NULL)

/* Fills run (caller storage) for case cs; the rest of the family's run state
 * is the caller's to zero. */
void hst_run_init(struct hst_run *run, hs_ctx_t *ctx, const struct hst_case *cs,
                  struct hst_sink *sink, struct hst_arena *arena);
/* A family's run state of size bytes (it begins with its struct hst_run),
 * zeroed, from the arena and filled as by hst_run_init; NULL when the arena
 * is exhausted. The arena's reset frees it. */
void *hst_run_alloc(size_t size, hs_ctx_t *ctx, const struct hst_case *cs,
                    struct hst_sink *sink, struct hst_arena *arena);
/* At op 1, before any op runs: judges clause c on whether the subject's
 * hs_<family>_ops holds every function a <family> subject must offer
 * (complete). Returns complete: without them nothing can be judged. */
bool hst_run_complete(struct hst_run *run, int c, const char *family, bool complete);
/* Runs run->cs's ops through hooks->step in order (stopping early when
 * run->oom is set), each followed by the sink's after_op if any, then, past
 * the last op, hooks->finish and hooks->end (see struct hst_run_hooks).
 * Returns 0 when the case ran to its end or after_op stopped it (violations
 * are in the events), -1 on an engine error. */
int hst_run_trace(struct hst_run *run, const struct hst_run_hooks *hooks);

/* --------------------------------------------------------------- checker */

/* Runs the case's ops against the subject's malloc family and judges every
 * step (a minimized trace is a case of its own). Returns 0 when the case
 * ran to its end (violations are in the events), -1 on an engine error. */
int hst_malloc_run(const struct hs_subject *subj, hs_ctx_t *ctx, const struct hst_case *cs,
                   struct hst_sink *sink, struct hst_arena *arena);

/* Scenario ops (scenarios.c): judged as a whole. */
void hst_scenario_run(const struct hs_malloc_ops *ops, hs_ctx_t *ctx, const struct hst_op *op,
                      uint32_t pos, struct hst_sink *sink);

/* The ordered set of live blocks (iset.c): a treap keyed by start address,
 * nodes indexed by object id, links id + 1 (0: none). The caller gives the
 * node array (HST_MAX_ID + 1 entries, from its arena) and may walk it in
 * address order through root / left / right. */
struct hst_inode {
    uintptr_t key;                /* start address */
    uint32_t left, right, prio;   /* links (id + 1), heap priority */
};

struct hst_iset {
    struct hst_inode *n; /* indexed by object id */
    uint32_t root;       /* id + 1 of the root, 0 when empty */
    uint64_t rng;        /* priorities */
};

void hst_iset_insert(struct hst_iset *s, uint32_t id, uintptr_t key);
void hst_iset_remove(struct hst_iset *s, uint32_t id);
/* Largest key <= key (pred) and smallest key > key (succ), as id + 1 or 0. */
void hst_iset_neighbours(const struct hst_iset *s, uintptr_t key, uint32_t *pred, uint32_t *succ);

/* The checkers' data loops (pattern fill and verify, zero checks, byte
 * streams) and the shadow's ordered set (iset.c) are built without the
 * fuzzers' coverage instrumentation: a
 * compare per byte gives a fuzzer no signal about the subject, and traced
 * (-fsanitize=fuzzer-no-link) such loops were most of a harness's run time.
 * Their results still steer everything after them. (noinline: inlined into an
 * instrumented caller, the body would be instrumented after all.) */
#define HST_NO_COVERAGE __attribute__((no_sanitize("coverage"), noinline))

/* Fill/verify patterns (pattern.c). Pattern byte k of seed s is byte k % 8 of
 * mix(s) + (k / 8) * STEP: one add per 8 bytes, and a shifted copy shows. */
uint8_t hst_pattern_byte(uint64_t seed, uint64_t k);
/* dst[i] = pattern byte at + i, for i < n. */
void hst_fill_at(void *dst, uint64_t at, size_t n, uint64_t seed);
/* The first i < n where src[i] is not pattern byte at + i, or SIZE_MAX. */
size_t hst_verify_at(const void *src, uint64_t at, size_t n, uint64_t seed);
/* For tests: run the loops of hst_fill_at, hst_verify_at and hst_first_not
 * as built for the baseline CPU (wide 0), for AVX2 (1; -1 returned where
 * the CPU lacks it), or as the CPU decides (-1, the default). */
int hst_pattern_build(int wide);
/* The block's own pattern over its offsets [from, to): byte k is pattern byte k. */
void hst_fill(void *p, size_t from, size_t to, uint64_t seed);
/* Returns the first offset in [from, to) that differs, or SIZE_MAX. */
size_t hst_verify(const void *p, size_t from, size_t to, uint64_t seed);
/* hst_verify over [0, to); when to > full, over its first and last edge
 * bytes only (edge <= full): a large block is checked at its ends, where a
 * neighbour's overlap shows. The offset of the first wrong byte, or SIZE_MAX. */
size_t hst_verify_ends(const void *p, uint64_t to, uint64_t seed, uint64_t full, size_t edge);
/* Returns the first offset in [0, n) of a byte that is not c, or SIZE_MAX. */
size_t hst_first_not(const void *p, size_t n, unsigned char c);
uint64_t hst_mix(uint64_t x);

/* Copies a subject's size-prefixed table (it begins with uint32_t
 * struct_size) into dst: at most dst_size bytes, never more than the subject's
 * struct_size. The caller gives a zeroed dst, so fields that a subject built
 * against an older, shorter table lacks read as NULL ("not offered"). */
void hst_copy_table(void *dst, size_t dst_size, const void *src);

/* Resident set size of this process in KiB, from /proc/self/statm. */
uint64_t hst_rss_kib(void);
size_t hst_page_size(void);

#endif /* HS_INTERNAL_H */
