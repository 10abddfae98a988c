/* events.h — what the two harnesses share with the engine.
 *
 * The event sink: the checker writes its event lines (hs_internal.h) into a
 * memfd; after each input the harness reads them back, names the violated
 * clauses, and empties it. And the subject: a subject library is loaded by
 * the engine's own loader, as `heapspec check --subject-lib` does. */
#ifndef HEAPSPEC_FUZZ_EVENTS_H
#define HEAPSPEC_FUZZ_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct hs_subject;
struct hs_ctx_s;
struct hst_sink;

/* The subject table exported by the shared object at path (dlopen, then
 * heapspec_subject(), checked for size, name and ABI version). Exits with a
 * message naming path when it cannot be loaded: a harness cannot run. */
const struct hs_subject *hsf_subject_lib(const char *path);

/* The events written to fd so far, NUL-terminated in buf (cap > 0); length. */
size_t hsf_events_read(int fd, char *buf, size_t cap);
/* Forget them: the next input starts with an empty sink. */
void hsf_events_clear(int fd);
/* The clause ids of the F lines of events, space separated, into out. */
void hsf_failed_clauses(const char *events, char *out, size_t cap);
/* When the subject's check() walker runs, from HEAPSPEC_FUZZ_CHECKED:
 *   call (or 1)  in the subject, after every mutating call (HS_OPEN_CHECKED:
 *                a loop op such as churn is walked after each of its calls);
 *   op           after every operation of the trace (hsf_walk_install);
 *   end (or 0)   once, after the trace.
 * Unset: ref_mode for a reference subject (is_ref), end for a library. A
 * value not in this list ends the harness with a message (exit 2). */
enum hsf_walk { HSF_WALK_END, HSF_WALK_OP, HSF_WALK_CALL };
enum hsf_walk hsf_walk_mode(const char *harness, bool is_ref, enum hsf_walk ref_mode);

/* The per-op walker (HSF_WALK_OP): after each op of the run on ctx, the
 * subject's check(); a failure becomes the event
 * "F check-walker POS message" in sink and stops the trace. */
struct hsf_walker {
    const struct hs_subject *subj;
    struct hs_ctx_s *ctx;
    struct hst_sink *sink;
};
void hsf_walk_install(struct hsf_walker *w, const struct hs_subject *subj, struct hs_ctx_s *ctx,
                      struct hst_sink *sink);

/* Prints the F and E lines of events on out, each after prefix. */
void hsf_print_failures(FILE *out, const char *prefix, const char *events);

/* The end of one input's run, after the family's engine returned rc and the
 * harness judged the events so far (bad). When nothing failed, the subject's
 * check() walker runs (its message into walker[]). When anything failed, the
 * events are read into events[] (engine_error there when the engine failed
 * without a line). A passing context is closed; a broken subject stays open
 * (closing into it adds nothing). Returns 0 when the input passed, else -1. */
int hsf_finish_run(const struct hs_subject *subj, struct hs_ctx_s *ctx, int rc, bool bad,
                   int sink_fd, char *events, size_t ecap, char *walker, size_t wcap,
                   const char *engine_error);

/* A violation found by the fuzzer, on stderr: the subject, the F and E
 * lines, a failed walker; then "decoded trace:" for the caller's trace. The
 * failed clause ids go into clauses[]. */
void hsf_report_violation(const char *subject, const char *family, const char *events,
                          const char *walker, char *clauses, size_t cap);

/* Runs one input for a printed trace (`--trace`): run(arg, walker, wcap) in
 * a forked child, whose events reach the shared sink_fd (a failed walker as
 * an F check-walker line); then prints on out a comment line with subject's
 * verdict (passes, a violation, or the signal the run died of) and the F
 * and E lines. The failed clause ids go into clauses[], to name the case. */
typedef int (*hsf_run_fn)(void *arg, char *walker, size_t wcap);
void hsf_print_verdict(FILE *out, const char *subject, int sink_fd, hsf_run_fn run, void *arg,
                       char *events, size_t ecap, char *clauses, size_t cap);

#endif
