/* main.c — the heapspec command: list, clauses, check, replay, coverage.
 *
 * Exit status: 0 every required (R) and probed extension (X) clause passed;
 * 1 a clause failed or a subject could not be used; 2 usage or input error. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "runner.h"

#define MAX_SUBJECTS 16

static int usage(const char *msg)
{
    if (msg != NULL)
        fprintf(stderr, "heapspec: %s\n", msg);
    fprintf(stderr,
            "usage: heapspec list\n"
            "       heapspec clauses [--tsv | --json]\n"
            "       heapspec check --subject NAME[,NAME...] [--subject-lib PATH] [--preload PATH]\n"
            "                      [--family F[,F...]] [--case NAME[,...]] [--clause ID[,...]]\n"
            "                      [--corpus PATH] [--jobs N] [--timeout-scale PCT] [--mem-mb N]\n"
            "                      [--profile default|hardening] [--no-minimize] [--progress]\n"
            "                      [--fail-nth N] [--footprint-limit BYTES]   (fault injection)\n"
            "                      [--json FILE] [--junit FILE] [--html FILE]\n"
            "       heapspec replay --subject NAME TRACE-FILE...   (check over the given traces)\n"
            "       heapspec coverage [--corpus PATH]   (every R clause has a case)\n"
            "       heapspec record -o FILE -- PROGRAM [ARGS...]   (its malloc traffic as a trace)\n"
            "       heapspec fuzz --engine libfuzzer|afl|both --family F --subject S\n"
            "                     --seconds N --jobs J [--preload LIB] [--max-len BYTES]\n"
            "                     [--walker call|op|end]\n"
            "                     (fuzz/campaign.sh)\n"
            "       heapspec prove [COMPONENT...]   (proofs/prove.sh: Frama-C WP, goals proved)\n"
            "       heapspec version\n");
    return 2;
}

static const char *self_path(void)
{
    static char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return buf;
}

static const char *default_corpus(void)
{
    static char buf[PATH_MAX + 64];
    const char *env = getenv("HEAPSPEC_CORPUS");
    if (env != NULL && env[0] != '\0')
        return env;
    const char *self = self_path();
    const char *rf = getenv("RUNFILES_DIR");
    if (rf != NULL) {
        snprintf(buf, sizeof buf, "%s/heapspec/conformance/corpus", rf);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    if (self != NULL) {
        snprintf(buf, sizeof buf, "%s.runfiles/heapspec/conformance/corpus", self);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    const char *src = getenv("TEST_SRCDIR");
    if (src != NULL) {
        snprintf(buf, sizeof buf, "%s/heapspec/conformance/corpus", src);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    if (access("conformance/corpus", R_OK) == 0)
        return "conformance/corpus";
    return NULL;
}

static bool in_list(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, word, n) == 0)
            return true;
        p = e ? e + 1 : NULL;
    }
    return false;
}

static int cmd_clauses(int argc, char **argv)
{
    bool tsv = argc > 2 && strcmp(argv[2], "--tsv") == 0;
    bool json = argc > 2 && strcmp(argv[2], "--json") == 0;
    if (argc > 2 && !tsv && !json)
        return usage("clauses takes --tsv or --json");
    if (json)
        printf("[");
    for (int c = 0; c < HSC_COUNT; c++) {
        const struct hst_clause *k = &hst_clauses[c];
        if (tsv) {
            printf("%s\t%c\t%s\t%s\t%s\n", k->id, k->cls, k->group, k->statement, k->source);
        } else if (json) {
            printf("%s{\"id\":\"%s\",\"class\":\"%c\",\"group\":\"%s\",\"family\":\"%s\","
                   "\"statement\":\"",
                   c ? "," : "", k->id, k->cls, k->group, k->family);
            for (const char *s = k->statement; *s; s++)
                printf(*s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
            printf("\",\"source\":\"");
            for (const char *s = k->source; *s; s++)
                printf(*s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
            printf("\"}");
        } else {
            printf("%-26s %c  %s\n%-29s[%s]\n", k->id, k->cls, k->statement, "", k->source);
        }
    }
    if (json)
        printf("]\n");
    return 0;
}

static int load_corpus(struct hst_arena *a, struct hst_corpus *c, const char **paths, int n)
{
    char err[1024];
    for (int i = 0; i < n; i++)
        if (hst_load_path(a, c, paths[i], err, sizeof err) != 0) {
            fprintf(stderr, "heapspec: %s\n", err);
            return -1;
        }
    return 0;
}

static int cmd_coverage(int argc, char **argv)
{
    const char *corpus = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc)
            corpus = argv[++i];
        else
            return usage("coverage takes only --corpus PATH");
    }
    if (corpus == NULL && (corpus = default_corpus()) == NULL)
        return usage("no corpus found: pass --corpus PATH or set HEAPSPEC_CORPUS");
    struct hst_arena a;
    struct hst_corpus c = {0};
    if (hst_arena_init(&a, (size_t)1 << 30) != 0 || load_corpus(&a, &c, &corpus, 1) != 0)
        return 2;
    unsigned cases[HSC_COUNT] = {0}, missing = 0;
    for (uint32_t i = 0; i < c.ncases; i++)
        for (uint32_t k = 0; k < c.cases[i].nclauses; k++)
            cases[c.cases[i].clauses[k]]++;
    for (int k = 0; k < HSC_COUNT; k++) {
        printf("%-26s %c  %u case%s\n", hst_clauses[k].id, hst_clauses[k].cls, cases[k],
               cases[k] == 1 ? "" : "s");
        if (cases[k] == 0 && hst_clauses[k].cls == HST_R) {
            fprintf(stderr, "heapspec: required clause %s has no corpus case\n", hst_clauses[k].id);
            missing++;
        }
    }
    printf("corpus: %u cases; required clauses without a case: %u\n", c.ncases, missing);
    return missing ? 1 : 0;
}

/* Clauses that demand a success an injected fault may take away (a request
 * served after recovery, a limit "never set"): their cases are not replayed on
 * the fault axis. */
static bool assumes_no_fault(const struct hst_case *cs)
{
    static const char *const ids[] = {"MSPACE-FAULT-3", "MSPACE-FREE-2", "MSPACE-LIMIT-1"};
    for (uint32_t k = 0; k < cs->nclauses; k++)
        for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
            if (strcmp(hst_clauses[cs->clauses[k]].id, ids[i]) == 0)
                return true;
    return false;
}

static int cmd_check(int argc, char **argv, bool replay)
{
    struct hst_options o = {0};
    o.self = self_path();
    long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = nproc > 0 ? (unsigned)nproc : 1u;
    o.mem_limit = (uint64_t)4 << 30;
    o.timeout_scale = 100;
    o.minimize = true;
    o.progress = isatty(2);
    const char *subjects = NULL, *preload = NULL, *cases = NULL, *clauses = NULL;
    const char *families = NULL;
    const char *json = NULL, *junit = NULL, *html = NULL;
    const char *libs[MAX_SUBJECTS];
    int nlibs = 0;
    const char *paths[64];
    int npaths = 0;
    const char *expect_fail[HSC_COUNT];
    int nexpect = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--subject") == 0 || strcmp(a, "--preload") == 0 ||
            strcmp(a, "--subject-lib") == 0 || strcmp(a, "--family") == 0 ||
            strcmp(a, "--case") == 0 || strcmp(a, "--clause") == 0 || strcmp(a, "--corpus") == 0 ||
            strcmp(a, "--jobs") == 0 || strcmp(a, "--json") == 0 || strcmp(a, "--junit") == 0 ||
            strcmp(a, "--html") == 0 ||
            strcmp(a, "--timeout-scale") == 0 || strcmp(a, "--mem-mb") == 0 ||
            strcmp(a, "--profile") == 0 || strcmp(a, "--fail-nth") == 0 ||
            strcmp(a, "--footprint-limit") == 0) {
            if (v == NULL) {
                fprintf(stderr, "heapspec: %s needs a value\n", a);
                return 2;
            }
            i++;
            if (strcmp(a, "--subject") == 0)
                subjects = v;
            else if (strcmp(a, "--preload") == 0)
                preload = v;
            else if (strcmp(a, "--subject-lib") == 0) {
                if (nlibs == MAX_SUBJECTS)
                    return usage("too many --subject-lib");
                libs[nlibs++] = v;
            } else if (strcmp(a, "--family") == 0) {
                for (const char *p = v; p && *p;) {
                    const char *e = strchr(p, ',');
                    size_t len = e ? (size_t)(e - p) : strlen(p);
                    if (hst_family_find(p, len) == NULL) {
                        fprintf(stderr, "heapspec: family %.*s: not judged by this version "
                                        "(see `heapspec list`)\n", (int)len, p);
                        return 2;
                    }
                    p = e ? e + 1 : NULL;
                }
                families = v;
            } else if (strcmp(a, "--case") == 0)
                cases = v;
            else if (strcmp(a, "--clause") == 0)
                clauses = v;
            else if (strcmp(a, "--corpus") == 0) {
                if (npaths == 64)
                    return usage("too many corpus paths");
                paths[npaths++] = v;
            } else if (strcmp(a, "--json") == 0)
                json = v;
            else if (strcmp(a, "--junit") == 0)
                junit = v;
            else if (strcmp(a, "--html") == 0)
                html = v;
            else if (strcmp(a, "--profile") == 0) {
                if (strcmp(v, "default") == 0)
                    o.profile = HST_PROFILE_DEFAULT;
                else if (strcmp(v, "hardening") == 0)
                    o.profile = HST_PROFILE_HARDENING;
                else
                    return usage("--profile is default or hardening");
            } else if (strcmp(a, "--fail-nth") == 0 || strcmp(a, "--footprint-limit") == 0) {
                char *end;
                errno = 0;
                unsigned long long n = strtoull(v, &end, 10);
                if (errno || *end || n == 0)
                    return usage("--fail-nth and --footprint-limit take a positive number");
                if (strcmp(a, "--fail-nth") == 0)
                    o.fail_nth = n;
                else
                    o.footprint_limit = n;
            } else {
                char *end;
                errno = 0;
                unsigned long n = strtoul(v, &end, 10);
                if (errno || *end || n == 0 || n > 1000000)
                    return usage("numeric option out of range");
                if (strcmp(a, "--jobs") == 0)
                    o.jobs = n > 32 ? 32u : (unsigned)n;
                else if (strcmp(a, "--timeout-scale") == 0)
                    o.timeout_scale = (unsigned)n;
                else
                    o.mem_limit = (uint64_t)n << 20;
            }
        } else if (strcmp(a, "--malloc-test") == 0) {
            /* the Bazel macro's mode: this binary's own malloc is the subject */
            subjects = "libc";
            o.progress = false;
            if (getenv("XML_OUTPUT_FILE") != NULL)
                junit = getenv("XML_OUTPUT_FILE");
        } else if (strcmp(a, "--expect-fail") == 0) {
            if (v == NULL || hst_clause_find(v, strlen(v)) < 0 || nexpect == HSC_COUNT)
                return usage("--expect-fail takes a clause id");
            expect_fail[nexpect++] = v;
            i++;
        } else if (strcmp(a, "--no-minimize") == 0) {
            o.minimize = false;
        } else if (strcmp(a, "--progress") == 0) {
            o.progress = true;
        } else if (a[0] == '-') {
            fprintf(stderr, "heapspec: unknown option %s\n", a);
            return usage(NULL);
        } else if (replay) {
            if (npaths == 64)
                return usage("too many trace files");
            paths[npaths++] = a;
        } else {
            fprintf(stderr, "heapspec: unexpected argument %s\n", a);
            return usage(NULL);
        }
    }
    if (o.self == NULL) {
        fprintf(stderr, "heapspec: cannot find its own executable (/proc/self/exe)\n");
        return 2;
    }
    if (subjects == NULL && nlibs == 0)
        return usage("name at least one --subject or --subject-lib");
    if (npaths == 0) {
        const char *d = default_corpus();
        if (d == NULL)
            return usage("no corpus found: pass --corpus PATH or set HEAPSPEC_CORPUS");
        paths[npaths++] = d;
    }
    static struct hst_subject_result res[MAX_SUBJECTS];
    size_t nres = 0;
    for (const char *p = subjects; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char name[64];
        if (len == 0 || len >= sizeof name || nres == MAX_SUBJECTS)
            return usage("bad --subject list");
        memcpy(name, p, len);
        name[len] = '\0';
        struct hst_subject_spec spec;
        if (hst_subject_lookup(name, &spec) != 0) {
            fprintf(stderr, "heapspec: unknown subject '%s' (see `heapspec list`)\n", name);
            return 2;
        }
        spec.name = strdup(name);
        if (preload != NULL) {
            if (strcmp(name, "libc") != 0) {
                fprintf(stderr, "heapspec: --preload goes with --subject libc\n");
                return 2;
            }
            if (access(preload, R_OK) != 0) {
                fprintf(stderr, "heapspec: --preload %s: %s\n", preload, strerror(errno));
                return 2;
            }
            char *abs = realpath(preload, NULL);
            spec.preload = abs ? abs : preload;
            spec.need = spec.preload; /* by path: found whether or not it has a soname */
        }
        memset(&res[nres], 0, sizeof res[nres]);
        res[nres++].spec = spec;
        p = e ? e + 1 : NULL;
    }
    for (int i = 0; i < nlibs; i++) {
        if (nres == MAX_SUBJECTS)
            return usage("too many subjects");
        if (access(libs[i], R_OK) != 0) {
            fprintf(stderr, "heapspec: --subject-lib %s: %s\n", libs[i], strerror(errno));
            return 2;
        }
        char *abs = realpath(libs[i], NULL);
        memset(&res[nres], 0, sizeof res[nres]);
        const char *base = strrchr(libs[i], '/');
        res[nres].spec.name = base ? base + 1 : libs[i];
        res[nres].spec.lib = abs ? abs : libs[i];
        nres++;
    }
    struct hst_arena arena;
    struct hst_corpus corpus = {0};
    if (hst_arena_init(&arena, (size_t)1 << 30) != 0) {
        fprintf(stderr, "heapspec: cannot map memory for the corpus\n");
        return 2;
    }
    if (load_corpus(&arena, &corpus, paths, npaths) != 0)
        return 2;
    bool *sel = hst_arena_alloc(&arena, corpus.ncases + 1u);
    uint32_t nsel = 0;
    for (uint32_t i = 0; i < corpus.ncases; i++) {
        const struct hst_case *cs = &corpus.cases[i];
        bool ok = cs->profile == o.profile || (o.profile == HST_PROFILE_HARDENING && cases);
        if (o.profile == HST_PROFILE_HARDENING && cs->profile == HST_PROFILE_DEFAULT)
            ok = false;
        if (cases != NULL)
            ok = in_list(cases, cs->name);
        if (families != NULL && !in_list(families, cs->fam->name))
            ok = false;
        /* Under injected faults only the clean-failure clauses hold; whole-process
         * scenarios (reuse loops, threads) need their allocations to succeed. */
        if ((o.fail_nth || o.footprint_limit) && (cs->scenario || assumes_no_fault(cs)))
            ok = false;
        if (ok && clauses != NULL) {
            bool any = false;
            for (uint32_t k = 0; k < cs->nclauses; k++)
                any |= in_list(clauses, hst_clauses[cs->clauses[k]].id);
            ok = any;
        }
        sel[i] = ok;
        nsel += ok;
    }
    if (cases != NULL)
        for (const char *p = cases; p && *p;) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            bool found = false;
            for (uint32_t i = 0; i < corpus.ncases; i++)
                found |= strlen(corpus.cases[i].name) == len &&
                         memcmp(corpus.cases[i].name, p, len) == 0;
            if (!found) {
                fprintf(stderr, "heapspec: no case named '%.*s' in the corpus\n", (int)len, p);
                return 2;
            }
            p = e ? e + 1 : NULL;
        }
    if (clauses != NULL)
        for (const char *p = clauses; p && *p;) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            if (hst_clause_find(p, len) < 0) {
                fprintf(stderr, "heapspec: unknown clause id '%.*s' (see `heapspec clauses`)\n",
                        (int)len, p);
                return 2;
            }
            p = e ? e + 1 : NULL;
        }
    if (nsel == 0) {
        fprintf(stderr, "heapspec: no case selected\n");
        return 2;
    }
    bool filtered = cases != NULL || clauses != NULL || replay;
    printf("heapspec %s: %s, %u case%s, %zu subject%s\n", HST_VERSION,
           families ? families : "all families", nsel,
           nsel == 1 ? "" : "s", nres, nres == 1 ? "" : "s");
    fflush(stdout);
    if (hst_check(&o, &corpus, sel, res, nres) != 0)
        return 2;
    hst_report_text(stdout, res, nres, filtered, o.profile);
    if (json != NULL) {
        FILE *f = fopen(json, "w");
        if (f == NULL) {
            fprintf(stderr, "heapspec: --json %s: %s\n", json, strerror(errno));
            return 2;
        }
        hst_report_json(f, res, nres, filtered, o.profile);
        fclose(f);
    }
    if (junit != NULL) {
        FILE *f = fopen(junit, "w");
        if (f == NULL) {
            fprintf(stderr, "heapspec: --junit %s: %s\n", junit, strerror(errno));
            return 2;
        }
        hst_report_junit(f, res, nres, filtered, o.profile);
        fclose(f);
    }
    if (html != NULL) {
        FILE *f = fopen(html, "w");
        if (f == NULL) {
            fprintf(stderr, "heapspec: --html %s: %s\n", html, strerror(errno));
            return 2;
        }
        hst_report_html(f, res, nres, filtered, o.profile);
        fclose(f);
    }
    unsigned p, fl, sk;
    hst_summary(res, nres, filtered, o.profile, &p, &fl, &sk);
    if (nexpect == 0)
        return fl ? 1 : 0;
    /* Known deviations: each must still fail, and nothing else may. */
    int rc = 0;
    for (size_t s = 0; s < nres; s++)
        for (int c = 0; c < HSC_COUNT; c++) {
            bool expected = false;
            for (int k = 0; k < nexpect; k++)
                expected |= strcmp(expect_fail[k], hst_clauses[c].id) == 0;
            const char *d;
            char buf[1024];
            const char *vn = hst_verdict_name(&res[s], c, &d, buf, sizeof buf);
            bool failed = strcmp(vn, "FAIL") == 0 || strcmp(vn, "ERROR") == 0;
            if (expected && !failed) {
                printf("expected failure of %s on %s did not happen (%s): update the list\n",
                       hst_clauses[c].id, res[s].spec.name, vn);
                rc = 1;
            } else if (!expected && failed) {
                rc = 1;
            } else if (expected) {
                printf("known deviation: %s fails on %s, as listed\n", hst_clauses[c].id,
                       res[s].spec.name);
            }
        }
    return rc;
}

/* `heapspec fuzz ...` and `heapspec prove ...` run the scripts of the source
 * tree (fuzz/campaign.sh, proofs/prove.sh): found from $HEAPSPEC_ROOT, from
 * `bazel run`'s $BUILD_WORKSPACE_DIRECTORY, or from the current directory. */
static int run_script(const char *rel, int argc, char **argv)
{
    const char *roots[] = {getenv("HEAPSPEC_ROOT"), getenv("BUILD_WORKSPACE_DIRECTORY"), "."};
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        if (roots[i] == NULL || roots[i][0] == '\0')
            continue;
        snprintf(path, sizeof path, "%s/%s", roots[i], rel);
        if (access(path, R_OK) != 0)
            continue;
        char *args[64];
        int n = 0;
        args[n++] = (char *)"bash";
        args[n++] = path;
        for (int k = 2; k < argc && n < 63; k++)
            args[n++] = argv[k];
        args[n] = NULL;
        execvp("bash", args);
        fprintf(stderr, "heapspec: cannot run bash %s: %s\n", path, strerror(errno));
        return 2;
    }
    fprintf(stderr,
            "heapspec: %s not found: run from the heapspec source tree or set HEAPSPEC_ROOT\n",
            rel);
    return 2;
}

/* heapspec record -o FILE -- PROGRAM ARGS...: runs the program with the
 * recorder preloaded (libheapspec_record.so, built beside this binary). */
static int cmd_record(int argc, char **argv)
{
    const char *out = NULL;
    int i = 2;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else
            return usage("record takes -o FILE -- PROGRAM [ARGS...]");
    }
    if (out == NULL || i >= argc)
        return usage("record takes -o FILE -- PROGRAM [ARGS...]");
    const char *self = self_path();
    char lib[PATH_MAX + 64];
    const char *env = getenv("HEAPSPEC_RECORDER");
    if (env != NULL && env[0] != '\0') {
        snprintf(lib, sizeof lib, "%s", env);
    } else if (self != NULL) {
        snprintf(lib, sizeof lib, "%s", self);
        char *slash = strrchr(lib, '/');
        snprintf(slash ? slash + 1 : lib, sizeof lib - (size_t)(slash ? slash + 1 - lib : 0),
                 "libheapspec_record.so");
    }
    if (access(lib, R_OK) != 0) {
        fprintf(stderr, "heapspec: recorder %s: %s (bazel build //conformance:heapspec builds it)\n",
                lib, strerror(errno));
        return 2;
    }
    setenv("HEAPSPEC_RECORD_FILE", out, 1);
    const char *old = getenv("LD_PRELOAD");
    char pre[2 * PATH_MAX];
    snprintf(pre, sizeof pre, "%s%s%s", lib, old && old[0] ? ":" : "", old ? old : "");
    setenv("LD_PRELOAD", pre, 1);
    execvp(argv[i], argv + i);
    fprintf(stderr, "heapspec: cannot run %s: %s\n", argv[i], strerror(errno));
    return 2;
}

uint32_t hs_abi_version(void)
{
    return HS_ABI_VERSION;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(NULL);
    const char *cmd = argv[1];
    if (strcmp(cmd, "__run") == 0)
        return hst_child_main(argc, argv);
    if (strcmp(cmd, "list") == 0) {
        hst_subject_list();
        printf("families judged:");
        for (size_t i = 0; hst_families[i] != NULL; i++)
            printf(" %s", hst_families[i]->name);
        printf(" (ABI v%u tables: malloc mspace region ring buddy gc spaces)\n", HS_ABI_VERSION);
        return 0;
    }
    if (strcmp(cmd, "clauses") == 0)
        return cmd_clauses(argc, argv);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc, argv, false);
    if (strcmp(cmd, "replay") == 0)
        return cmd_check(argc, argv, true);
    if (strcmp(cmd, "coverage") == 0)
        return cmd_coverage(argc, argv);
    if (strcmp(cmd, "record") == 0)
        return cmd_record(argc, argv);
    if (strcmp(cmd, "fuzz") == 0)
        return run_script("fuzz/campaign.sh", argc, argv);
    if (strcmp(cmd, "prove") == 0)
        return run_script("proofs/prove.sh", argc, argv);
    if (strcmp(cmd, "version") == 0) {
        printf("heapspec %s (ABI %u, runtime %u)\n", HST_VERSION, HS_ABI_VERSION, hs_abi_version());
        return hs_abi_version() == HS_ABI_VERSION ? 0 : 1;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        usage(NULL);
        return 0;
    }
    fprintf(stderr, "heapspec: unknown command '%s'\n", cmd);
    return usage(NULL);
}
