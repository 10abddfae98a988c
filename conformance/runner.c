/* runner.c — every case runs in a child process of its own, bounded in time
 * and memory; the parent folds the events into per-clause verdicts and
 * shrinks each failing trace to the shortest one it can find.
 *
 *   parent                                   child (this binary, `__run`)
 *   ------                                   -----
 *   fd 0  ->  the case as trace text         parse, open subject, run checker
 *   fd 1  <-  events (C/F/B/Q/S/D/E lines)   (see hs_internal.h)
 *   fd 2  <-  the subject's own stderr       (kept: last lines shown on a crash)
 *   fd 3  <-> a shared word: op in progress  (names the op a crash happened in)
 *
 * The child is exec'd afresh, so LD_PRELOAD of the subject applies to it
 * and to nothing else, and a crash or hang costs one case, never the run. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"
#include "subjects.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define HST_ASAN 1
#endif

#define EVENTS_MAX (1u << 20)
#define ERRTAIL 2048

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------- job */

struct job {
    pid_t pid;
    int out_fd, err_fd;
    volatile uint32_t *pos;  /* shared op position */
    char *ev;                /* events text */
    size_t evlen;
    char errtail[ERRTAIL];
    size_t errlen;
    double deadline;
    double started;
    bool timed_out;
    int status;
    /* what it was running */
    const struct hst_case *cs;
    size_t subject;
};

struct outcome {
    enum hst_end end;
    int sig;
    uint32_t pos;           /* crash position, or the violation's */
    int fail_clause;        /* the first violated clause, -1 if none */
    uint64_t failmask[(HSC_COUNT + 63) / 64]; /* every violated clause */
    char msg[768];
    uint32_t crash_pos;     /* op in progress when the process died or hung */
    char crash_msg[512];
};

static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The case as text for the child: header, then the kept ops. */
static char *serialize(const struct hst_case *cs, const uint8_t *keep, uint64_t fault_nth,
                       uint64_t fault_limit, size_t *len)
{
    size_t cap = 256 + (size_t)cs->nops * 96u, n = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return NULL;
    n += (size_t)snprintf(buf + n, cap - n, "case %s\nfamily %s\nclauses", cs->name,
                          cs->fam->name);
    for (uint32_t i = 0; i < cs->nclauses; i++)
        n += (size_t)snprintf(buf + n, cap - n, " %s", hst_clauses[cs->clauses[i]].id);
    n += (size_t)snprintf(buf + n, cap - n, "\nprofile %s\n",
                          cs->profile == HST_PROFILE_HARDENING ? "hardening" : "default");
    /* the fault axis: the case's own, else the run's (--fail-nth, --footprint-limit) */
    if (cs->fail_nth || fault_nth)
        n += (size_t)snprintf(buf + n, cap - n, "fault fail_nth %llu\n",
                              (unsigned long long)(cs->fail_nth ? cs->fail_nth : fault_nth));
    if (cs->footprint_limit || fault_limit)
        n += (size_t)snprintf(buf + n, cap - n, "fault footprint_limit %llu\n",
                              (unsigned long long)(cs->footprint_limit ? cs->footprint_limit
                                                                       : fault_limit));
    for (uint32_t i = 0; i < cs->nops; i++) {
        if (keep != NULL && !keep[i])
            continue;
        hst_op_format_in(cs->fam, &cs->ops[i], buf + n, cap - n - 8);
        n += strlen(buf + n);
        buf[n++] = '\n';
    }
    n += (size_t)snprintf(buf + n, cap - n, "end\n");
    *len = n;
    return buf;
}

static int job_start(const struct hst_options *o, const struct hst_subject_spec *spec,
                     const struct hst_case *cs, const uint8_t *keep, struct job *j)
{
    int in[2], out[2], err[2];
    memset(j, 0, sizeof *j);
    j->cs = cs;
    int shm = memfd_create("heapspec-pos", MFD_CLOEXEC);
    if (shm < 0 || ftruncate(shm, 4096) != 0)
        return -1;
    j->pos = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, shm, 0);
    if (j->pos == MAP_FAILED) {
        close(shm);
        return -1;
    }
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
        close(shm);
        return -1;
    }
    size_t tlen;
    char *text = serialize(cs, keep, o->fail_nth, o->footprint_limit, &tlen);
    if (text == NULL)
        return -1;
    char timeout_arg[32];
    snprintf(timeout_arg, sizeof timeout_arg, "%llu", (unsigned long long)o->mem_limit);
    pid_t pid = fork();
    if (pid < 0) {
        free(text);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        dup2(shm, 3);
        if (spec->clear_preload)
            unsetenv("LD_PRELOAD");
        if (spec->preload != NULL) {
            const char *old = getenv("LD_PRELOAD");
            char buf[4096];
            if (old != NULL && old[0] != '\0' && !spec->clear_preload)
                snprintf(buf, sizeof buf, "%s:%s", spec->preload, old);
            else
                snprintf(buf, sizeof buf, "%s", spec->preload);
            setenv("LD_PRELOAD", buf, 1);
        }
        char *argv[16];
        int a = 0;
        argv[a++] = (char *)o->self;
        argv[a++] = (char *)"__run";
        argv[a++] = (char *)"--name";
        argv[a++] = (char *)spec->name;
        argv[a++] = (char *)"--mem";
        argv[a++] = timeout_arg;
        if (spec->builtin) {
            argv[a++] = (char *)"--builtin";
            argv[a++] = (char *)spec->builtin;
        }
        if (spec->lib) {
            argv[a++] = (char *)"--lib";
            argv[a++] = (char *)spec->lib;
        }
        if (spec->need) {
            argv[a++] = (char *)"--need";
            argv[a++] = (char *)spec->need;
        }
        argv[a] = NULL;
#ifndef HST_ASAN
        /* The bound holds from the first instruction, so an allocator that
         * sizes its reservations at start-up sees it (ASan's shadow needs
         * terabytes of address space: no bound under ASan). */
        if (o->mem_limit > 0) {
            struct rlimit as = {o->mem_limit, o->mem_limit};
            setrlimit(RLIMIT_AS, &as);
        }
#endif
        execv(o->self, argv);
        dprintf(1, "E cannot run %s: %s\n", o->self, strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    close(shm);
    /* The trace goes in whole before we read: the child reads it all first. */
    signal(SIGPIPE, SIG_IGN);
    write_all(in[1], text, tlen);
    close(in[1]);
    free(text);
    j->pid = pid;
    j->out_fd = out[0];
    j->err_fd = err[0];
    /* Never block on one pipe while the child fills the other. */
    fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
    fcntl(err[0], F_SETFL, fcntl(err[0], F_GETFL) | O_NONBLOCK);
    j->ev = malloc(EVENTS_MAX + 1);
    if (j->ev == NULL)
        return -1;
    unsigned scale = o->timeout_scale ? o->timeout_scale : 100;
    j->started = now_s();
    j->deadline = j->started + (double)cs->timeout_s * scale / 100.0;
    return 0;
}

/* Reads what is ready; returns true when both pipes are closed. */
static bool job_pump(struct job *j)
{
    char buf[4096];
    if (j->out_fd >= 0) {
        ssize_t n = read(j->out_fd, buf, sizeof buf);
        if (n > 0) {
            size_t room = EVENTS_MAX - j->evlen;
            size_t take = (size_t)n < room ? (size_t)n : room;
            memcpy(j->ev + j->evlen, buf, take);
            j->evlen += take;
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            close(j->out_fd);
            j->out_fd = -1;
        }
    }
    if (j->err_fd >= 0) {
        ssize_t n = read(j->err_fd, buf, sizeof buf);
        if (n > 0) {
            /* keep the last ERRTAIL bytes */
            size_t take = (size_t)n;
            if (take >= ERRTAIL) {
                memcpy(j->errtail, buf + take - (ERRTAIL - 1), ERRTAIL - 1);
                j->errlen = ERRTAIL - 1;
            } else {
                if (j->errlen + take >= ERRTAIL) {
                    size_t drop = j->errlen + take - (ERRTAIL - 1);
                    memmove(j->errtail, j->errtail + drop, j->errlen - drop);
                    j->errlen -= drop;
                }
                memcpy(j->errtail + j->errlen, buf, take);
                j->errlen += take;
            }
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            close(j->err_fd);
            j->err_fd = -1;
        }
    }
    return j->out_fd < 0 && j->err_fd < 0;
}

static void job_kill(struct job *j)
{
    kill(-j->pid, SIGKILL);
    kill(j->pid, SIGKILL);
    j->timed_out = true;
}

static void job_reap(struct job *j)
{
    if (j->out_fd >= 0)
        close(j->out_fd);
    if (j->err_fd >= 0)
        close(j->err_fd);
    j->out_fd = j->err_fd = -1;
    while (waitpid(j->pid, &j->status, 0) < 0 && errno == EINTR)
        ;
    kill(-j->pid, SIGKILL); /* anything the case left behind in its group */
    j->ev[j->evlen] = '\0';
    j->errtail[j->errlen] = '\0';
}

static void job_free(struct job *j)
{
    free(j->ev);
    j->ev = NULL;
    if (j->pos != NULL && j->pos != MAP_FAILED)
        munmap((void *)(uintptr_t)j->pos, 4096);
    j->pos = NULL;
}

/* Runs jobs until every one has ended; polls all their pipes. */
static void jobs_wait(struct job **js, size_t n, bool any)
{
    for (;;) {
        struct pollfd pf[64];
        size_t map[64];
        nfds_t np = 0;
        size_t live = 0;
        double t = now_s(), next = t + 1.0;
        for (size_t i = 0; i < n; i++) {
            struct job *j = js[i];
            if (j == NULL || j->pid == 0)
                continue;
            if (j->out_fd < 0 && j->err_fd < 0)
                continue;
            live++;
            if (!j->timed_out && t >= j->deadline)
                job_kill(j);
            if (j->deadline < next)
                next = j->deadline;
            if (j->out_fd >= 0 && np < 64) {
                pf[np].fd = j->out_fd;
                pf[np].events = POLLIN;
                map[np++] = i;
            }
            if (j->err_fd >= 0 && np < 64) {
                pf[np].fd = j->err_fd;
                pf[np].events = POLLIN;
                map[np++] = i;
            }
        }
        if (live == 0)
            return;
        int ms = (int)((next - t) * 1000.0) + 1;
        if (ms < 1)
            ms = 1;
        if (ms > 1000)
            ms = 1000;
        int r = poll(pf, np, ms);
        if (r < 0 && errno != EINTR)
            return;
        bool finished = false;
        for (nfds_t k = 0; k < np; k++)
            if (pf[k].revents) {
                struct job *j = js[map[k]];
                if (job_pump(j))
                    finished = true;
            }
        if (any && finished)
            return;
    }
}

/* ----------------------------------------------------------- outcomes */

static void outcome_of(const struct job *j, struct outcome *oc)
{
    memset(oc, 0, sizeof *oc);
    oc->fail_clause = -1;
    bool done = false;
    for (const char *l = j->ev; *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        if (len > 2 && l[0] == 'F') {
            const char *id = l + 2, *sp = memchr(id, ' ', len - 2);
            int c = sp ? hst_clause_find(id, (size_t)(sp - id)) : -1;
            if (c >= 0)
                oc->failmask[c / 64] |= 1ull << (c % 64);
            if (sp != NULL && oc->fail_clause < 0) {
                oc->fail_clause = c;
                oc->pos = (uint32_t)strtoul(sp + 1, NULL, 10);
                const char *m = strchr(sp + 1, ' ');
                if (m != NULL && m < l + len)
                    snprintf(oc->msg, sizeof oc->msg, "%.*s", (int)(l + len - m - 1), m + 1);
            }
        } else if (len >= 1 && l[0] == 'D') {
            done = true;
        } else if (len > 2 && l[0] == 'E') {
            oc->end = HST_ERROR;
            snprintf(oc->msg, sizeof oc->msg, "%.*s", (int)(len - 2), l + 2);
            return;
        }
        l = e ? e + 1 : l + len;
    }
    oc->crash_pos = *j->pos;
    if (j->timed_out) {
        oc->end = HST_TIMEOUT;
        snprintf(oc->crash_msg, sizeof oc->crash_msg, "timeout after %u s at operation %u",
                 j->cs->timeout_s, oc->crash_pos);
        return;
    }
    if (WIFSIGNALED(j->status) && !done) {
        oc->end = HST_CRASHED;
        oc->sig = WTERMSIG(j->status);
        snprintf(oc->crash_msg, sizeof oc->crash_msg,
                 "the case's process died of SIG%s (%s) at operation %u",
                 sigabbrev_np(oc->sig) ? sigabbrev_np(oc->sig) : "?", strsignal(oc->sig),
                 oc->crash_pos);
        return;
    }
    if (!done) {
        oc->end = HST_CRASHED;
        snprintf(oc->crash_msg, sizeof oc->crash_msg,
                 "the case's process exited with status %d at operation %u",
                 WIFEXITED(j->status) ? WEXITSTATUS(j->status) : -1, oc->crash_pos);
        return;
    }
    oc->end = HST_RAN;
}

static bool same_failure(const struct outcome *a, const struct outcome *b)
{
    if (a->fail_clause >= 0)
        return (b->failmask[a->fail_clause / 64] >> (a->fail_clause % 64)) & 1u;
    if (a->end == HST_CRASHED)
        return b->end == HST_CRASHED && b->sig == a->sig;
    return false;
}

static int run_once(const struct hst_options *o, const struct hst_subject_spec *spec,
                    const struct hst_case *cs, const uint8_t *keep, struct outcome *oc)
{
    struct job j;
    if (job_start(o, spec, cs, keep, &j) != 0)
        return -1;
    struct job *jp = &j;
    jobs_wait(&jp, 1, false);
    job_reap(&j);
    outcome_of(&j, oc);
    job_free(&j);
    return 0;
}

/* ------------------------------------------------------------ minimizer */

/* ddmin over the operations before the failure: remove chunks while the same
 * clause still fails (or the same signal still kills the case). Ops on
 * blocks that a removal left undefined are skipped by the checker. Bounded
 * in attempts and in time. */
static void minimize(const struct hst_options *o, const struct hst_subject_spec *spec,
                     const struct hst_case *cs, const struct outcome *want,
                     struct hst_failure *f)
{
    uint32_t n = want->pos < cs->nops ? want->pos : cs->nops;
    if (n == 0)
        n = cs->nops;
    uint8_t *keep = calloc(cs->nops ? cs->nops : 1, 1);
    uint8_t *trial = calloc(cs->nops ? cs->nops : 1, 1);
    if (keep == NULL || trial == NULL) {
        free(keep);
        free(trial);
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        keep[i] = 1;
    f->orig_len = n;
    uint32_t chunks = 2, attempts = 0;
    double stop = now_s() + 30.0;
    bool can = o->minimize && want->end != HST_TIMEOUT && n > 1;
    while (can && attempts < 300 && now_s() < stop) {
        uint32_t live = 0;
        for (uint32_t i = 0; i < n; i++)
            live += keep[i];
        if (live <= 1 || chunks > live)
            break;
        uint32_t size = (live + chunks - 1) / chunks;
        bool reduced = false;
        for (uint32_t c = 0; c < chunks && attempts < 300; c++) {
            /* trial = keep minus the c-th chunk of the kept ops */
            uint32_t k = 0;
            bool any = false;
            for (uint32_t i = 0; i < cs->nops; i++) {
                trial[i] = keep[i];
                if (keep[i]) {
                    if (k / size == c) {
                        trial[i] = 0;
                        any = true;
                    }
                    k++;
                }
            }
            if (!any)
                continue;
            struct outcome oc;
            attempts++;
            if (run_once(o, spec, cs, trial, &oc) == 0 && same_failure(want, &oc)) {
                memcpy(keep, trial, cs->nops);
                chunks = chunks > 2 ? chunks - 1 : 2;
                reduced = true;
                break;
            }
        }
        if (!reduced) {
            if (chunks >= live)
                break;
            chunks = chunks * 2 < live ? chunks * 2 : live;
        }
    }
    uint32_t cnt = 0;
    for (uint32_t i = 0; i < n; i++)
        cnt += keep[i];
    f->trace = calloc(cnt ? cnt : 1, sizeof *f->trace);
    if (f->trace != NULL) {
        for (uint32_t i = 0; i < n; i++)
            if (keep[i]) {
                char line[160];
                hst_op_format_in(cs->fam, &cs->ops[i], line, sizeof line);
                f->trace[f->ntrace++] = strdup(line);
            }
    }
    free(keep);
    free(trial);
}

/* ------------------------------------------------------------- folding */

static void add_branch(struct hst_verdict *v, const char *b, size_t len)
{
    for (uint32_t i = 0; i < v->nbranches; i++)
        if (strlen(v->branches[i]) == len && memcmp(v->branches[i], b, len) == 0)
            return;
    if (v->nbranches < HST_MAX_BRANCHES) {
        snprintf(v->branches[v->nbranches], sizeof v->branches[0], "%.*s", (int)len, b);
        v->nbranches++;
    }
}

static void record_failure(const struct hst_options *o, struct hst_subject_result *r, int c,
                           const struct hst_case *cs, const struct outcome *oc,
                           const char *errtail)
{
    struct hst_verdict *v = &r->v[c];
    v->touched = true;
    if (v->nfail++ > 0)
        return; /* the first failure per clause is the one shown, minimized */
    v->first.cs = cs;
    v->first.pos = oc->pos;
    snprintf(v->first.msg, sizeof v->first.msg, "%s", oc->msg);
    if (errtail[0] != '\0' && oc->fail_clause < 0) {
        /* the subject's last words, when it died */
        const char *t = errtail + strlen(errtail);
        int lines = 0;
        while (t > errtail && lines < 3)
            if (*--t == '\n' && t[1] != '\0')
                lines++;
        size_t used = strlen(v->first.msg);
        snprintf(v->first.msg + used, sizeof v->first.msg - used, "; stderr: %s", t);
        for (char *q = v->first.msg; *q; q++)
            if (*q == '\n')
                *q = ' ';
    }
    minimize(o, &r->spec, cs, oc, &v->first);
}

static void fold(const struct hst_options *o, struct hst_subject_result *r, const struct job *j)
{
    const struct hst_case *cs = j->cs;
    struct outcome oc;
    outcome_of(j, &oc);
    if (j->ev[0] == 'N') {
        /* not run: the subject does not offer the case's family */
        for (int k = 0; k < HSC_COUNT; k++)
            if (strcmp(hst_clauses[k].family, cs->fam->name) == 0)
                r->v[k].na = true;
        return;
    }
    r->cases_run++;
    r->seconds += now_s() - j->started;
    r->family_ran[hst_family_index(cs->fam)] = true;
    for (uint32_t i = 0; i < cs->nclauses; i++)
        r->v[cs->clauses[i]].touched = true;
    for (const char *l = j->ev; *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        if (len > 2) {
            const char *id = l + 2, *sp = memchr(id, ' ', len - 2);
            size_t idlen = sp ? (size_t)(sp - id) : len - 2;
            const char *rest = sp ? sp + 1 : l + len;
            size_t restlen = (size_t)(l + len - rest);
            if (l[0] == 'N') {
                /* the subject does not offer this case's family */
                for (int k = 0; k < HSC_COUNT; k++)
                    if (strcmp(hst_clauses[k].family, cs->fam->name) == 0)
                        r->v[k].na = true;
            }
            int c = (l[0] == 'D' || l[0] == 'E' || l[0] == 'N') ? -1 : hst_clause_find(id, idlen);
            if (c >= 0) {
                struct hst_verdict *v = &r->v[c];
                v->touched = true;
                switch (l[0]) {
                case 'C':
                    v->checks += strtoull(rest, NULL, 10);
                    break;
                case 'B':
                    add_branch(v, rest, restlen);
                    break;
                case 'S':
                    snprintf(v->skip, sizeof v->skip, "%.*s", (int)restlen, rest);
                    break;
                case 'Q': {
                    double val = strtod(rest, NULL);
                    if (!v->has_figure || val > v->figure)
                        v->figure = val;
                    v->has_figure = true;
                    const char *u = memchr(rest, ' ', restlen);
                    if (u != NULL)
                        snprintf(v->figure_unit, sizeof v->figure_unit, "%.*s",
                                 (int)(rest + restlen - u - 1), u + 1);
                    break;
                }
                default:
                    break;
                }
            }
        }
        l = e ? e + 1 : l + len;
    }
    if (oc.end == HST_ERROR) {
        snprintf(r->error, sizeof r->error, "%s", oc.msg);
        r->cases_failed++;
        return;
    }
    if (cs->profile == HST_PROFILE_HARDENING && oc.end == HST_CRASHED && oc.fail_clause < 0) {
        /* U clauses: the outcome is recorded, not judged */
        for (uint32_t i = 0; i < cs->nclauses; i++) {
            int c = cs->clauses[i];
            if (hst_clauses[c].cls != HST_U)
                continue;
            char b[96];
            snprintf(b, sizeof b, "%s (SIG%s)", oc.sig == SIGABRT ? "abort" : "trap",
                     sigabbrev_np(oc.sig) ? sigabbrev_np(oc.sig) : "?");
            add_branch(&r->v[c], b, strlen(b));
        }
        return;
    }
    if (oc.fail_clause >= 0) {
        /* every clause the case violated, each with its own first violation */
        r->cases_failed++;
        for (const char *l = j->ev; *l;) {
            const char *e = strchr(l, '\n');
            size_t len = e ? (size_t)(e - l) : strlen(l);
            const char *sp = len > 2 && l[0] == 'F' ? memchr(l + 2, ' ', len - 2) : NULL;
            int c = sp ? hst_clause_find(l + 2, (size_t)(sp - l - 2)) : -1;
            if (c >= 0) {
                struct outcome one = oc;
                one.fail_clause = c;
                one.pos = (uint32_t)strtoul(sp + 1, NULL, 10);
                const char *m = strchr(sp + 1, ' ');
                one.msg[0] = '\0';
                if (m != NULL && m < l + len)
                    snprintf(one.msg, sizeof one.msg, "%.*s", (int)(l + len - m - 1), m + 1);
                record_failure(o, r, c, cs, &one, j->errtail);
            }
            l = e ? e + 1 : l + len;
        }
        if (oc.end == HST_RAN)
            return;
    }
    if (oc.end != HST_RAN) {
        /* a crash or a hang counts against every judged clause the case names */
        if (oc.fail_clause < 0)
            r->cases_failed++;
        struct outcome crash = oc;
        crash.fail_clause = -1;
        crash.pos = oc.crash_pos;
        memset(crash.failmask, 0, sizeof crash.failmask);
        snprintf(crash.msg, sizeof crash.msg, "%s", oc.crash_msg);
        for (uint32_t i = 0; i < cs->nclauses; i++) {
            int c = cs->clauses[i];
            if (hst_clauses[c].cls == HST_R || hst_clauses[c].cls == HST_X)
                record_failure(o, r, c, cs, &crash, j->errtail);
        }
    }
}

/* ------------------------------------------------------------ schedule */

int hst_check(const struct hst_options *o, struct hst_corpus *corpus, const bool *selected,
              struct hst_subject_result *res, size_t nsubjects)
{
    size_t total = 0;
    for (uint32_t i = 0; i < corpus->ncases; i++)
        total += selected[i];
    total *= nsubjects;
    unsigned width = o->jobs ? o->jobs : 1;
    if (width > 32)
        width = 32;
    struct job *slots[32] = {0};
    struct job pool[32];
    size_t next_subject = 0, done = 0;
    uint32_t next_case = 0;
    double t0 = now_s();
    for (;;) {
        /* fill free slots */
        for (unsigned s = 0; s < width; s++) {
            if (slots[s] != NULL)
                continue;
            while (next_subject < nsubjects &&
                   (next_case >= corpus->ncases || res[next_subject].error[0] != '\0')) {
                next_subject++;
                next_case = 0;
            }
            if (next_subject >= nsubjects)
                break;
            while (next_case < corpus->ncases && !selected[next_case])
                next_case++;
            if (next_case >= corpus->ncases)
                continue;
            struct hst_case *cs = &corpus->cases[next_case++];
            if (job_start(o, &res[next_subject].spec, cs, NULL, &pool[s]) != 0) {
                fprintf(stderr, "heapspec: cannot start a case process: %s\n", strerror(errno));
                return -1;
            }
            pool[s].subject = next_subject;
            slots[s] = &pool[s];
        }
        bool any = false;
        for (unsigned s = 0; s < width; s++)
            any |= slots[s] != NULL;
        if (!any)
            break;
        jobs_wait(slots, width, true);
        for (unsigned s = 0; s < width; s++) {
            struct job *j = slots[s];
            if (j == NULL || j->out_fd >= 0 || j->err_fd >= 0)
                continue;
            job_reap(j);
            struct hst_subject_result *r = &res[j->subject];
            uint32_t failed_before = r->cases_failed;
            fold(o, r, j);
            done++;
            if (o->progress)
                fprintf(stderr, "[%zu/%zu] %-9s %-40s %s\n", done, total, r->spec.name,
                        j->cs->name, r->cases_failed > failed_before ? "FAIL" : "ok");
            job_free(j);
            slots[s] = NULL;
        }
    }
    fprintf(stderr, "heapspec: %zu case runs in %.1f s wall time, %u at a time\n", done,
            now_s() - t0, width);
    return 0;
}

/* --------------------------------------------------------------- child */

static void child_error(const char *msg)
{
    dprintf(1, "E %s\n", msg);
}

int hst_child_main(int argc, char **argv)
{
    struct hst_subject_spec spec = {0};
    uint64_t mem = 0;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--name") == 0)
            spec.name = argv[i + 1];
        else if (strcmp(argv[i], "--builtin") == 0)
            spec.builtin = argv[i + 1];
        else if (strcmp(argv[i], "--lib") == 0)
            spec.lib = argv[i + 1];
        else if (strcmp(argv[i], "--need") == 0)
            spec.need = argv[i + 1];
        else if (strcmp(argv[i], "--mem") == 0)
            mem = strtoull(argv[i + 1], NULL, 10);
    }
    if (spec.name == NULL)
        spec.name = "?";
    struct rlimit core = {0, 0};
    setrlimit(RLIMIT_CORE, &core);
    (void)mem; /* RLIMIT_AS was set before exec (see job_start) */
    struct hst_arena arena;
    if (hst_arena_init(&arena, (size_t)256 << 20) != 0) {
        child_error("engine: cannot map its arena");
        return 2;
    }
    size_t cap = (size_t)64 << 20, len = 0;
    char *text = hst_arena_alloc(&arena, cap);
    for (;;) {
        ssize_t n = read(0, text + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
        if (len == cap)
            break;
    }
    struct hst_corpus corpus = {0};
    char err[512];
    if (hst_parse(&arena, &corpus, "<case>", text, len, err, sizeof err) != 0 || corpus.ncases != 1) {
        child_error(corpus.ncases != 1 ? "engine: expected one case" : err);
        return 2;
    }
    const struct hs_subject *s = hst_subject_open_table(&spec, err, sizeof err);
    if (s == NULL) {
        child_error(err);
        return 2;
    }
    const struct hst_case *cs = &corpus.cases[0];
    if (!cs->fam->offered(s)) {
        dprintf(1, "N %s\nD 0\n", cs->fam->name);
        _exit(0);
    }
    struct hs_malloc_ops ops;
    struct hs_subject local = *s;
    if (s->malloc_ops != NULL) {
        hst_copy_malloc_ops(&ops, s->malloc_ops);
        local.malloc_ops = &ops;
    }
    hs_ctx_t *ctx = NULL;
    struct hs_open_args args = {.struct_size = sizeof args, .version = HS_OPEN_ARGS_VERSION};
    args.fail_nth_backing = cs->fail_nth;
    args.footprint_limit = cs->footprint_limit;
    bool faulty = cs->fail_nth || cs->footprint_limit;
    int rc = s->open(faulty ? &args : NULL, &ctx);
    if (rc != 0) {
        snprintf(err, sizeof err, "subject %s: open failed (%d)%s", s->name, rc,
                 rc == -ENOTSUP ? ": it does not support fault injection" : "");
        child_error(err);
        return 2;
    }
    static uint32_t fallback;
    struct hst_sink sink = {.fd = 1, .pos = &fallback};
    void *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, 3, 0);
    if (shared != MAP_FAILED)
        sink.pos = shared;
    if (cs->fam->run(&local, ctx, cs, &sink, &arena) != 0) {
        child_error("engine: the checker could not run (arena exhausted?)");
        return 2;
    }
    if (!sink.failed && cs->fam->selfcheck >= 0 && s->check != NULL &&
        HS_HAS_FIELD(s, struct hs_subject, check)) {
        char msg[512] = "";
        int ok = s->check(ctx, msg, sizeof msg);
        hst_judge(&sink, cs->fam->selfcheck, cs->nops, ok == 0,
                  "the subject's own invariant walker failed: %s", msg);
    }
    for (int c = 0; c < HSC_COUNT; c++)
        if (sink.checks[c])
            hst_emit(&sink, "C %s %llu", hst_clauses[c].id, (unsigned long long)sink.checks[c]);
    hst_emit(&sink, "D %u", cs->nops);
    s->close(ctx);
    _exit(0);
}
