/*
 * gc_subject_export.c — the one exported symbol of
 * libheapspec_subject_gc.so: heapspec_subject() returns the table.
 * ref/subject.lds hides every other symbol of the object.
 */
#include "heapspec/gc.h"
#include "heapspec/heapspec.h"

/* The ABI names the entry point (HS_SUBJECT_ENTRY) but declares no
 * prototype for it; this is that prototype. */
__attribute__((visibility("default"))) const struct hs_subject *heapspec_subject(void);

const struct hs_subject *heapspec_subject(void) {
    return hsr_gc_subject();
}
