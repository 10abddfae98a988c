/* events.h — what the two harnesses share with the engine.
 *
 * The event sink: the checker writes its event lines (hs_internal.h) into a
 * memfd; after each input the harness reads them back, names the violated
 * clauses, and empties it. And the subject: a subject library is loaded by
 * the engine's own loader, as `heapspec check --subject-lib` does. */
#ifndef HEAPSPEC_FUZZ_EVENTS_H
#define HEAPSPEC_FUZZ_EVENTS_H

#include <stddef.h>

struct hs_subject;

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

#endif
