/* events.c — see events.h. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conformance/hs_internal.h"
#include "fuzz/events.h"

const struct hs_subject *hsf_subject_lib(const char *path)
{
    struct hst_subject_spec spec = {.name = path, .lib = path};
    char err[512];
    const struct hs_subject *s = hst_subject_open_table(&spec, err, sizeof err);
    if (s == NULL) {
        fprintf(stderr, "heapspec fuzz: HEAPSPEC_FUZZ_SUBJECT=%s: %s\n", path, err);
        exit(2);
    }
    return s;
}

size_t hsf_events_read(int fd, char *buf, size_t cap)
{
    off_t end = lseek(fd, 0, SEEK_CUR);
    if (end <= 0) {
        buf[0] = '\0';
        return 0;
    }
    size_t want = (size_t)end < cap - 1 ? (size_t)end : cap - 1;
    ssize_t n = pread(fd, buf, want, 0);
    buf[n > 0 ? (size_t)n : 0] = '\0';
    return n > 0 ? (size_t)n : 0;
}

void hsf_events_clear(int fd)
{
    if (lseek(fd, 0, SEEK_CUR) > 0) {
        (void)ftruncate(fd, 0);
        (void)lseek(fd, 0, SEEK_SET);
    }
}

void hsf_failed_clauses(const char *events, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (const char *l = events; *l;) {
        size_t n = strcspn(l, "\n");
        if (l[0] == 'F' && l[1] == ' ') {
            size_t m = strcspn(l + 2, " \n");
            if (len + m + 2 < cap) {
                if (len)
                    out[len++] = ' ';
                memcpy(out + len, l + 2, m);
                len += m;
                out[len] = '\0';
            }
        }
        l += n + (l[n] == '\n');
    }
}

void hsf_print_failures(FILE *out, const char *prefix, const char *events)
{
    for (const char *l = events; *l;) {
        size_t n = strcspn(l, "\n");
        if (l[0] == 'F' || l[0] == 'E')
            fprintf(out, "%s%.*s\n", prefix, (int)n, l);
        l += n + (l[n] == '\n');
    }
}

int hsf_finish_run(const struct hs_subject *subj, hs_ctx_t *ctx, int rc, bool bad, int sink_fd,
                   char *events, size_t ecap, char *walker, size_t wcap, const char *engine_error)
{
    if (!bad && subj->check != NULL && subj->check(ctx, walker, wcap) != 0) {
        if (walker[0] == '\0')
            snprintf(walker, wcap, "check() failed without a message");
        bad = true;
    }
    if (bad)
        hsf_events_read(sink_fd, events, ecap);
    if (rc != 0 && events[0] == '\0')
        snprintf(events, ecap, "%s", engine_error);
    if (!bad)
        subj->close(ctx);
    return bad ? -1 : 0;
}

void hsf_report_violation(const char *subject, const char *family, const char *events,
                          const char *walker, char *clauses, size_t cap)
{
    hsf_failed_clauses(events, clauses, cap);
    fprintf(stderr, "==heapspec== subject %s: the %s checker found a violation\n", subject,
            family);
    hsf_print_failures(stderr, "==heapspec== ", events);
    if (walker[0])
        fprintf(stderr, "==heapspec== F check-walker 0 %s\n", walker);
    fprintf(stderr, "==heapspec== decoded trace:\n");
}

void hsf_print_verdict(FILE *out, const char *subject, int sink_fd, hsf_run_fn run, void *arg,
                       char *events, size_t ecap, char *clauses, size_t cap)
{
    char walker[512];
    int status = 0;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        walker[0] = '\0';
        int rc = run(arg, walker, sizeof walker);
        /* the events are in the shared memfd; leave them for the parent */
        if (rc != 0 && walker[0])
            dprintf(sink_fd, "F check-walker 0 %s\n", walker);
        _exit(rc != 0 ? 1 : 0);
    }
    if (pid > 0)
        waitpid(pid, &status, 0);
    events[0] = '\0';
    hsf_events_read(sink_fd, events, ecap);
    hsf_events_clear(sink_fd);
    hsf_failed_clauses(events, clauses, cap);
    fprintf(out, "# subject %s: ", subject);
    if (pid < 0)
        fprintf(out, "not run (fork failed)\n");
    else if (WIFSIGNALED(status))
        fprintf(out, "the run died of signal %d (%s)\n", WTERMSIG(status),
                strsignal(WTERMSIG(status)));
    else
        fprintf(out, "%s\n", WEXITSTATUS(status) ? "the checker reported a violation" : "passes");
    hsf_print_failures(out, "#   ", events);
}

enum hsf_walk hsf_walk_mode(const char *harness, bool is_ref, enum hsf_walk ref_mode)
{
    const char *v = getenv("HEAPSPEC_FUZZ_CHECKED");
    if (v == NULL || v[0] == '\0')
        return is_ref ? ref_mode : HSF_WALK_END;
    if (strcmp(v, "call") == 0 || strcmp(v, "1") == 0)
        return HSF_WALK_CALL;
    if (strcmp(v, "op") == 0)
        return HSF_WALK_OP;
    if (strcmp(v, "end") == 0 || strcmp(v, "0") == 0)
        return HSF_WALK_END;
    fprintf(stderr, "%s: HEAPSPEC_FUZZ_CHECKED=%s: expected call, op or end (1, 0)\n", harness,
            v);
    exit(2);
}

HST_NO_COVERAGE static bool walk_after_op(void *arg)
{
    struct hsf_walker *w = arg;
    char msg[512];
    msg[0] = '\0'; /* runs after every op: no 512-byte clear */
    if (w->subj->check(w->ctx, msg, sizeof msg) == 0)
        return true;
    hst_emit(w->sink, "F check-walker %u %s", *w->sink->pos,
             msg[0] ? msg : "check() failed without a message");
    w->sink->failed = true;
    return false;
}

void hsf_walk_install(struct hsf_walker *w, const struct hs_subject *subj, hs_ctx_t *ctx,
                      struct hst_sink *sink)
{
    w->subj = subj;
    w->ctx = ctx;
    w->sink = sink;
    if (subj->check != NULL) {
        sink->after_op = walk_after_op;
        sink->after_arg = w;
    }
}
