/*
 * mspace_subject_export.c — the one exported symbol of
 * libheapspec_subject_mspace.so (version script ref/subject.lds).
 */
#include "heapspec/mspace_subject.h"

HSR_SUBJECT_API const struct hs_subject *heapspec_subject(void);

const struct hs_subject *heapspec_subject(void) {
    return hsr_mspace_subject();
}
