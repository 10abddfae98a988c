/*
 * boehm_subject_export.c — the one exported symbol of
 * libheapspec_subject_boehm.so: heapspec_subject() returns the table.
 * ref/subject.lds hides every other symbol of the object.
 */
#include "heapspec/heapspec.h"

/* ref/gc/boehm_subject.c */
const struct hs_subject *hsr_boehm_subject(void);

/* The ABI names the entry point (HS_SUBJECT_ENTRY) but declares no
 * prototype for it; this is that prototype. */
__attribute__((visibility("default"))) const struct hs_subject *heapspec_subject(void);

const struct hs_subject *heapspec_subject(void) {
    return hsr_boehm_subject();
}
