/* report.c — verdicts as a terminal table, JSON and JUnit XML; one content. */
#include <stdio.h>
#include <string.h>

#include "report.h"

const char *hst_verdict_name(const struct hst_subject_result *r, int c, const char **detail,
                             char *buf, size_t len)
{
    const struct hst_verdict *v = &r->v[c];
    char cls = hst_clauses[c].cls;
    *detail = "";
    if (r->error[0]) {
        *detail = r->error;
        return "ERROR";
    }
    if (v->nfail > 0) {
        *detail = v->first.msg;
        return "FAIL";
    }
    if (v->na && v->checks == 0 && v->nbranches == 0 && !v->has_figure) {
        *detail = "the subject does not offer this family";
        return "N/A";
    }
    if (cls == HST_I || cls == HST_U) {
        if (v->nbranches > 0) {
            size_t n = 0;
            buf[0] = '\0';
            for (uint32_t i = 0; i < v->nbranches && n + 4 < len; i++)
                n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "; " : "", v->branches[i]);
            *detail = buf;
            return "RECORD";
        }
        if (cls == HST_I && v->has_figure) {
            snprintf(buf, len, "%.0f %s", v->figure, v->figure_unit);
            *detail = buf;
            return "RECORD";
        }
        if (cls == HST_U) {
            *detail = "undefined behaviour: run only with --profile hardening";
            return "SKIP";
        }
    }
    if (cls == HST_Q && v->has_figure) {
        snprintf(buf, len, "%.1f %s", v->figure, v->figure_unit);
        *detail = buf;
        return "FIGURE";
    }
    if (v->checks > 0 && cls != HST_I && cls != HST_Q && cls != HST_U)
        return "PASS";
    if (v->skip[0]) {
        *detail = v->skip;
        return "SKIP";
    }
    *detail = "no selected case exercised it";
    return "NOT-RUN";
}

bool hst_listed(const struct hst_subject_result *res, size_t n, int c, bool filtered,
                unsigned profile)
{
    if (hst_clauses[c].cls == HST_U && profile != HST_PROFILE_HARDENING && filtered)
        return false;
    if (!filtered) {
        /* every clause of each family that ran */
        int fi = hst_family_index_of(hst_clauses[c].family);
        for (size_t i = 0; i < n; i++)
            if (fi >= 0 && res[i].family_ran[fi])
                return true;
        return false;
    }
    for (size_t i = 0; i < n; i++)
        if (res[i].v[c].touched)
            return true;
    return false;
}

void hst_summary(const struct hst_subject_result *res, size_t n, bool filtered, unsigned profile,
                 unsigned *passed, unsigned *failed, unsigned *skipped)
{
    *passed = *failed = *skipped = 0;
    for (size_t s = 0; s < n; s++)
        for (int c = 0; c < HSC_COUNT; c++) {
            if (!hst_listed(res, n, c, filtered, profile))
                continue;
            const char *d;
            char buf[8];
            const char *v = hst_verdict_name(&res[s], c, &d, buf, sizeof buf);
            if (strcmp(v, "N/A") == 0)
                continue;
            if (strcmp(v, "FAIL") == 0 || strcmp(v, "ERROR") == 0)
                (*failed)++;
            else if (strcmp(v, "SKIP") == 0 || strcmp(v, "NOT-RUN") == 0)
                (*skipped)++;
            else
                (*passed)++;
        }
}

/* -------------------------------------------------------------- terminal */

/* The subjects of res that ran cases of clause c's family (indices into res). */
static size_t family_subjects(const struct hst_subject_result *res, size_t n, int fi, size_t *out)
{
    size_t k = 0;
    for (size_t s = 0; s < n; s++)
        if (fi >= 0 && res[s].family_ran[fi])
            out[k++] = s;
    return k;
}

void hst_report_text(FILE *f, const struct hst_subject_result *res, size_t n, bool filtered,
                     unsigned profile)
{
    /* one table per family, with the subjects that offer it */
    for (size_t fam = 0; hst_families[fam] != NULL; fam++) {
        size_t cols[64];
        size_t nc = family_subjects(res, n < 64 ? n : 64, (int)fam, cols);
        bool any = false;
        for (int c = 0; c < HSC_COUNT; c++)
            any |= strcmp(hst_clauses[c].family, hst_families[fam]->name) == 0 &&
                   hst_listed(res, n, c, filtered, profile);
        if (nc == 0 || !any)
            continue;
        fprintf(f, "\n%-26s %-5s", hst_families[fam]->name, "class");
        for (size_t k = 0; k < nc; k++)
            fprintf(f, " %-10s", res[cols[k]].spec.name);
        fprintf(f, "\n");
        for (int c = 0; c < HSC_COUNT; c++) {
            if (strcmp(hst_clauses[c].family, hst_families[fam]->name) != 0 ||
                !hst_listed(res, n, c, filtered, profile))
                continue;
            fprintf(f, "%-26s %-5c", hst_clauses[c].id, hst_clauses[c].cls);
            for (size_t k = 0; k < nc; k++) {
                const char *d;
                char buf[1024];
                fprintf(f, " %-10s", hst_verdict_name(&res[cols[k]], c, &d, buf, sizeof buf));
            }
            /* one subject: the recorded branch or figure on the same line */
            if (nc == 1) {
                const char *d;
                char buf[1024];
                const char *v = hst_verdict_name(&res[cols[0]], c, &d, buf, sizeof buf);
                if (strcmp(v, "RECORD") == 0 || strcmp(v, "FIGURE") == 0 || strcmp(v, "SKIP") == 0)
                    fprintf(f, " %s", d);
            }
            fprintf(f, "\n");
        }
    }
    if (n > 1) {
        bool head = false;
        for (int c = 0; c < HSC_COUNT; c++) {
            if (!hst_listed(res, n, c, filtered, profile))
                continue;
            for (size_t s = 0; s < n; s++) {
                const char *d;
                char buf[1024];
                const char *v = hst_verdict_name(&res[s], c, &d, buf, sizeof buf);
                if (strcmp(v, "RECORD") && strcmp(v, "FIGURE") && strcmp(v, "SKIP"))
                    continue;
                if (!head) {
                    fprintf(f, "\nrecorded branches, figures and skips:\n");
                    head = true;
                }
                fprintf(f, "  %-26s %-10s %s\n", hst_clauses[c].id, res[s].spec.name, d);
            }
        }
    }
    for (size_t s = 0; s < n; s++) {
        if (res[s].error[0])
            fprintf(f, "\nsubject %s: ERROR: %s\n", res[s].spec.name, res[s].error);
        for (int c = 0; c < HSC_COUNT; c++) {
            const struct hst_verdict *v = &res[s].v[c];
            if (v->nfail == 0)
                continue;
            const struct hst_failure *x = &v->first;
            fprintf(f, "\nFAIL %s on %s: %s\n", hst_clauses[c].id, res[s].spec.name,
                    hst_clauses[c].statement);
            fprintf(f, "  case %s (%s:%u), operation %u: %s\n", x->cs->name, x->cs->file,
                    x->cs->line, x->pos, x->msg);
            if (v->nfail > 1)
                fprintf(f, "  (%u failing cases in all)\n", v->nfail);
            fprintf(f, "  shortest trace found (%u of %u operations):\n", x->ntrace, x->orig_len);
            for (uint32_t i = 0; i < x->ntrace; i++)
                fprintf(f, "    %s\n", x->trace[i]);
            fprintf(f, "  replay: heapspec check --subject %s --case %s\n", res[s].spec.name,
                    x->cs->name);
        }
    }
    unsigned p, fl, sk;
    hst_summary(res, n, filtered, profile, &p, &fl, &sk);
    fprintf(f, "\n");
    for (size_t s = 0; s < n; s++)
        fprintf(f, "subject %-10s %u cases, %u failed, %.1f s of case time\n", res[s].spec.name,
                res[s].cases_run, res[s].cases_failed, res[s].seconds);
    fprintf(f, "clauses: %u passed, %u failed, %u skipped\n", p, fl, sk);
}

/* ------------------------------------------------------------------ JSON */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

void hst_report_json(FILE *f, const struct hst_subject_result *res, size_t n, bool filtered,
                     unsigned profile)
{
    fprintf(f, "{\"heapspec\":{\"abi_version\":%u,\"version\":\"%s\"},\"subjects\":[",
            HS_ABI_VERSION, HST_VERSION);
    for (size_t s = 0; s < n; s++) {
        const struct hst_subject_result *r = &res[s];
        fprintf(f, "%s{\"name\":", s ? "," : "");
        json_str(f, r->spec.name);
        fprintf(f, ",\"preload\":");
        json_str(f, r->spec.preload ? r->spec.preload : "");
        fprintf(f, ",\"library\":");
        json_str(f, r->spec.lib ? r->spec.lib : "");
        fprintf(f, ",\"error\":");
        json_str(f, r->error);
        fprintf(f, ",\"cases\":%u,\"cases_failed\":%u,\"seconds\":%.2f,\"clauses\":[",
                r->cases_run, r->cases_failed, r->seconds);
        bool first = true;
        for (int c = 0; c < HSC_COUNT; c++) {
            if (!hst_listed(res, n, c, filtered, profile))
                continue;
            const struct hst_verdict *v = &r->v[c];
            const char *d;
            char buf[1024];
            const char *vn = hst_verdict_name(r, c, &d, buf, sizeof buf);
            fprintf(f, "%s{\"id\":\"%s\",\"class\":\"%c\",\"group\":\"%s\",\"verdict\":\"%s\","
                       "\"detail\":",
                    first ? "" : ",", hst_clauses[c].id, hst_clauses[c].cls, hst_clauses[c].group,
                    vn);
            first = false;
            json_str(f, d);
            fprintf(f, ",\"checks\":%llu,\"failures\":[", (unsigned long long)v->checks);
            if (v->nfail > 0) {
                fprintf(f, "{\"case\":");
                json_str(f, v->first.cs->name);
                fprintf(f, ",\"file\":");
                json_str(f, v->first.cs->file);
                fprintf(f, ",\"position\":%u,\"count\":%u,\"message\":", v->first.pos, v->nfail);
                json_str(f, v->first.msg);
                fprintf(f, ",\"trace\":[");
                for (uint32_t i = 0; i < v->first.ntrace; i++) {
                    if (i)
                        fputc(',', f);
                    json_str(f, v->first.trace[i]);
                }
                fprintf(f, "]}");
            }
            fprintf(f, "]}");
        }
        fprintf(f, "]}");
    }
    unsigned p, fl, sk;
    hst_summary(res, n, filtered, profile, &p, &fl, &sk);
    fprintf(f, "],\"summary\":{\"passed\":%u,\"failed\":%u,\"skipped\":%u}}\n", p, fl, sk);
}

/* ----------------------------------------------------------------- JUnit */

static void xml_str(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
                fputc(*s, f);
        }
    }
}

void hst_report_junit(FILE *f, const struct hst_subject_result *res, size_t n, bool filtered,
                      unsigned profile)
{
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"heapspec\">\n");
    for (size_t s = 0; s < n; s++) {
        const struct hst_subject_result *r = &res[s];
        unsigned tests = 0, fails = 0, skips = 0;
        for (int c = 0; c < HSC_COUNT; c++) {
            if (!hst_listed(res, n, c, filtered, profile))
                continue;
            const char *d;
            char buf[1024];
            const char *vn = hst_verdict_name(r, c, &d, buf, sizeof buf);
            if (strcmp(vn, "N/A") == 0)
                continue;
            tests++;
            fails += strcmp(vn, "FAIL") == 0 || strcmp(vn, "ERROR") == 0;
            skips += strcmp(vn, "SKIP") == 0 || strcmp(vn, "NOT-RUN") == 0;
        }
        fprintf(f, "  <testsuite name=\"heapspec.");
        xml_str(f, r->spec.name);
        fprintf(f, "\" tests=\"%u\" failures=\"%u\" skipped=\"%u\" time=\"%.2f\">\n", tests,
                fails, skips, r->seconds);
        for (int c = 0; c < HSC_COUNT; c++) {
            if (!hst_listed(res, n, c, filtered, profile))
                continue;
            const struct hst_verdict *v = &r->v[c];
            const char *d;
            char buf[1024];
            const char *vn = hst_verdict_name(r, c, &d, buf, sizeof buf);
            if (strcmp(vn, "N/A") == 0)
                continue;
            fprintf(f, "    <testcase classname=\"heapspec.%s.", hst_clauses[c].family);
            xml_str(f, r->spec.name);
            fprintf(f, "\" name=\"%s\">", hst_clauses[c].id);
            if (strcmp(vn, "FAIL") == 0 || strcmp(vn, "ERROR") == 0) {
                fprintf(f, "<failure message=\"");
                xml_str(f, d);
                fprintf(f, "\">");
                xml_str(f, hst_clauses[c].statement);
                if (v->nfail > 0) {
                    fprintf(f, "\ncase %s, operation %u\nshortest trace:\n", v->first.cs->name,
                            v->first.pos);
                    for (uint32_t i = 0; i < v->first.ntrace; i++) {
                        xml_str(f, v->first.trace[i]);
                        fputc('\n', f);
                    }
                }
                fprintf(f, "</failure>");
            } else if (strcmp(vn, "SKIP") == 0 || strcmp(vn, "NOT-RUN") == 0) {
                fprintf(f, "<skipped message=\"");
                xml_str(f, d);
                fprintf(f, "\"/>");
            } else if (d[0]) {
                fprintf(f, "<system-out>");
                xml_str(f, vn);
                fprintf(f, ": ");
                xml_str(f, d);
                fprintf(f, "</system-out>");
            }
            fprintf(f, "</testcase>\n");
        }
        fprintf(f, "  </testsuite>\n");
    }
    fprintf(f, "</testsuites>\n");
}

/* ------------------------------------------------------------------ HTML */

static void html_str(FILE *f, const char *s)
{
    xml_str(f, s);
}

void hst_report_html(FILE *f, const struct hst_subject_result *res, size_t n, bool filtered,
                     unsigned profile)
{
    unsigned p, fl, sk;
    hst_summary(res, n, filtered, profile, &p, &fl, &sk);
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<title>heapspec report</title>\n<style>\n"
               "body{font:14px system-ui,sans-serif;margin:2em;color:#222}\n"
               "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;"
               "vertical-align:top}\nth{background:#f0f0f0}td.id{font-family:monospace;white-space:nowrap}\n"
               ".PASS{background:#d9f2d9}.FAIL,.ERROR{background:#f7c6c6;font-weight:bold}"
               ".SKIP,.NOT-RUN,.N\\/A{background:#eee;color:#777}.RECORD,.FIGURE{background:#dde8f7}\n"
               "pre{background:#f8f8f8;padding:6px;border:1px solid #ddd}\n"
               "small{color:#555}</style></head><body>\n");
    fprintf(f, "<h1>heapspec %s</h1>\n", HST_VERSION);
    fprintf(f, "<p id=\"summary\">clauses: %u passed, %u failed, %u skipped</p>\n", p, fl, sk);
    for (size_t fam = 0; hst_families[fam] != NULL; fam++) {
        size_t cols[64];
        size_t nc = family_subjects(res, n < 64 ? n : 64, (int)fam, cols);
        bool any = false;
        for (int c = 0; c < HSC_COUNT; c++)
            any |= strcmp(hst_clauses[c].family, hst_families[fam]->name) == 0 &&
                   hst_listed(res, n, c, filtered, profile);
        if (nc == 0 || !any)
            continue;
        fprintf(f, "<h2>%s family</h2>\n<table><tr><th>clause</th><th>class</th>",
                hst_families[fam]->name);
        for (size_t k = 0; k < nc; k++) {
            fprintf(f, "<th>");
            html_str(f, res[cols[k]].spec.name);
            fprintf(f, "<br><small>%u cases</small></th>", res[cols[k]].cases_run);
        }
        fprintf(f, "<th>statement</th></tr>\n");
        for (int c = 0; c < HSC_COUNT; c++) {
            if (strcmp(hst_clauses[c].family, hst_families[fam]->name) != 0 ||
                !hst_listed(res, n, c, filtered, profile))
                continue;
            fprintf(f, "<tr><td class=\"id\">%s</td><td>%c</td>", hst_clauses[c].id,
                    hst_clauses[c].cls);
            for (size_t k = 0; k < nc; k++) {
                const char *d;
                char buf[1024];
                const char *vn = hst_verdict_name(&res[cols[k]], c, &d, buf, sizeof buf);
                fprintf(f, "<td class=\"%s\" title=\"", vn);
                html_str(f, d);
                fprintf(f, "\">%s", vn);
                if (d[0] && strcmp(vn, "FAIL") != 0) {
                    fprintf(f, "<br><small>");
                    html_str(f, d);
                    fprintf(f, "</small>");
                }
                fprintf(f, "</td>");
            }
            fprintf(f, "<td>");
            html_str(f, hst_clauses[c].statement);
            fprintf(f, "<br><small>");
            html_str(f, hst_clauses[c].source);
            fprintf(f, "</small></td></tr>\n");
        }
        fprintf(f, "</table>\n");
    }
    for (size_t s = 0; s < n; s++)
        for (int c = 0; c < HSC_COUNT; c++) {
            const struct hst_verdict *v = &res[s].v[c];
            if (v->nfail == 0)
                continue;
            fprintf(f, "<h3 id=\"%s-%s\">FAIL %s on ", res[s].spec.name, hst_clauses[c].id,
                    hst_clauses[c].id);
            html_str(f, res[s].spec.name);
            fprintf(f, "</h3>\n<p>");
            html_str(f, v->first.msg);
            fprintf(f, "<br><small>case %s (", v->first.cs->name);
            html_str(f, v->first.cs->file);
            fprintf(f, ":%u), operation %u; shortest trace %u of %u operations</small></p>\n<pre>",
                    v->first.cs->line, v->first.pos, v->first.ntrace, v->first.orig_len);
            for (uint32_t i = 0; i < v->first.ntrace; i++) {
                html_str(f, v->first.trace[i]);
                fputc('\n', f);
            }
            fprintf(f, "</pre>\n");
        }
    fprintf(f, "</body></html>\n");
}
