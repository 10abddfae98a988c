/* events.h — the harnesses' side of the engine's event sink: the checker
 * writes its event lines (hs_internal.h) into a memfd; after each input the
 * harness reads them back, names the violated clauses, and empties it. */
#ifndef HEAPSPEC_FUZZ_EVENTS_H
#define HEAPSPEC_FUZZ_EVENTS_H

#include <stddef.h>

/* The events written to fd so far, NUL-terminated in buf (cap > 0); length. */
size_t hsf_events_read(int fd, char *buf, size_t cap);
/* Forget them: the next input starts with an empty sink. */
void hsf_events_clear(int fd);
/* The clause ids of the F lines of events, space separated, into out. */
void hsf_failed_clauses(const char *events, char *out, size_t cap);

#endif
