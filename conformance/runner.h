/* runner.h — the parent side: each case in its own bounded child process,
 * results folded per clause, failing traces minimized. */
#ifndef HS_RUNNER_H
#define HS_RUNNER_H

#include "hs_internal.h"

struct hst_options {
    const char *self;         /* path of this executable, re-executed for each case */
    unsigned jobs;            /* cases run at once */
    uint64_t mem_limit;       /* RLIMIT_AS of a case's process, bytes (0: none) */
    unsigned timeout_scale;   /* percent applied to each case's timeout */
    unsigned profile;         /* enum hst_profile */
    bool minimize;            /* shrink failing traces */
    bool progress;            /* a line per finished case on stderr */
    uint64_t fail_nth;        /* fault axis: the Nth backing request fails (0: off) */
    uint64_t footprint_limit; /* fault axis: backing memory allowed (0: no limit) */
};

/* How one run of one case ended. */
enum hst_end { HST_RAN, HST_CRASHED, HST_TIMEOUT, HST_ERROR };

#define HST_MAX_BRANCHES 6

struct hst_failure {
    const struct hst_case *cs;
    uint32_t pos;
    char msg[768];
    char **trace;       /* minimized operations, formatted */
    uint32_t ntrace;
    uint32_t orig_len;  /* ops up to the violation before minimizing */
};

/* Everything known about one clause for one subject. */
struct hst_verdict {
    uint64_t checks;
    uint32_t nfail;
    struct hst_failure first;
    char branches[HST_MAX_BRANCHES][160];
    uint32_t nbranches;
    char skip[160];
    double figure;
    bool has_figure;
    char figure_unit[48];
    bool touched; /* a selected case names it or judged it */
    bool na;      /* the subject does not offer the clause's family */
};

struct hst_subject_result {
    struct hst_subject_spec spec;
    char version[128];
    char error[512];     /* subject could not be used at all */
    struct hst_verdict v[HSC_COUNT];
    uint32_t cases_run, cases_failed;
    bool family_ran[16];   /* by hst_family_index() */
    double seconds;
};

/* Runs the selected cases against every subject. */
int hst_check(const struct hst_options *o, struct hst_corpus *corpus, const bool *selected,
              struct hst_subject_result *res, size_t nsubjects);

/* The child: reads one case from fd 0, writes events to fd 1. */
int hst_child_main(int argc, char **argv);

#endif
