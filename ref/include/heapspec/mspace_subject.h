/*
 * mspace_subject.h — the mspace component's conformance subject tables
 * (definitions in mspace_subject.c; the ABI is
 * spec/include/heapspec/heapspec.h).
 */
#ifndef HEAPSPEC_REF_MSPACE_SUBJECT_H
#define HEAPSPEC_REF_MSPACE_SUBJECT_H

#include "heapspec/heapspec.h"

#if defined(__GNUC__)
#define HSR_SUBJECT_API __attribute__((visibility("default")))
#else
#define HSR_SUBJECT_API
#endif

/* "ref-mspace": the mspace family. */
HSR_SUBJECT_API const struct hs_subject *hsr_mspace_subject(void);

/* "ref": the malloc family over one locked mspace per context. */
HSR_SUBJECT_API const struct hs_subject *hsr_malloc_subject(void);

#endif /* HEAPSPEC_REF_MSPACE_SUBJECT_H */
