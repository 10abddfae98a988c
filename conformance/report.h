/* report.h — terminal, JSON and JUnit renderings of the same verdicts. */
#ifndef HS_REPORT_H
#define HS_REPORT_H

#include <stdio.h>

#include "runner.h"

/* The verdict word of clause c for one subject (PASS, FAIL, SKIP, NOT-RUN,
 * RECORD, FIGURE, ERROR) and its detail text (buf holds it when composed). */
const char *hst_verdict_name(const struct hst_subject_result *r, int c, const char **detail,
                             char *buf, size_t len);
/* Whether clause c appears in the report. */
bool hst_listed(const struct hst_subject_result *res, size_t n, int c, bool filtered,
                unsigned profile);
void hst_summary(const struct hst_subject_result *res, size_t n, bool filtered, unsigned profile,
                 unsigned *passed, unsigned *failed, unsigned *skipped);
void hst_report_text(FILE *f, const struct hst_subject_result *res, size_t n, bool filtered,
                     unsigned profile);
void hst_report_json(FILE *f, const struct hst_subject_result *res, size_t n, bool filtered,
                     unsigned profile);
void hst_report_junit(FILE *f, const struct hst_subject_result *res, size_t n, bool filtered,
                      unsigned profile);
void hst_report_html(FILE *f, const struct hst_subject_result *res, size_t n, bool filtered,
                     unsigned profile);

#endif
