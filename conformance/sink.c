/* sink.c — the child's side of the event protocol (see hs_internal.h).
 * write(2) on a pipe, formatted on the stack: no stdio buffers, no malloc. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hs_internal.h"

static void put(int fd, const char *buf, size_t n)
{
    int saved = errno; /* reporting must not disturb the errno a check reads */
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        buf += w;
        n -= (size_t)w;
    }
    errno = saved;
}

static void vemit(struct hst_sink *s, const char *fmt, va_list ap)
{
    char line[1024];
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof line - 1 ? (size_t)n : sizeof line - 2;
    /* one event per line: newlines inside a message become spaces */
    for (size_t i = 0; i < len; i++)
        if (line[i] == '\n')
            line[i] = ' ';
    line[len++] = '\n';
    put(s->fd, line, len);
}

void hst_emit(struct hst_sink *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vemit(s, fmt, ap);
    va_end(ap);
}

bool hst_judge(struct hst_sink *s, int c, uint32_t pos, bool ok, const char *fmt, ...)
{
    s->checks[c]++;
    if (ok)
        return true;
    s->failed = true;
    uint64_t bit = 1ull << (c % 64);
    if (s->failed_mask[c / 64] & bit)
        return false; /* the first violation of a clause is the one reported */
    s->failed_mask[c / 64] |= bit;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    hst_emit(s, "F %s %u %s", hst_clauses[c].id, pos, msg);
    return false;
}

void hst_branch(struct hst_sink *s, int c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    s->checks[c]++;
    if (s->failures_only)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* The same branch is reported once per case, not once per operation. */
    uint64_t h = (uint64_t)c * 0x100000001b3ull;
    for (const char *p = msg; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    h |= 1u;
    for (size_t i = 0; i < sizeof s->seen / sizeof s->seen[0]; i++) {
        if (s->seen[i] == h)
            return;
        if (s->seen[i] == 0) {
            s->seen[i] = h;
            break;
        }
    }
    hst_emit(s, "B %s %s", hst_clauses[c].id, msg);
}

void hst_skip(struct hst_sink *s, int c, const char *reason)
{
    if (s->failures_only)
        return;
    hst_emit(s, "S %s %s", hst_clauses[c].id, reason);
}

void hst_skip_once(struct hst_sink *s, int c, const char *reason)
{
    uint64_t bit = 1ull << (c % 64);
    if (s->skipped_mask[c / 64] & bit)
        return;
    s->skipped_mask[c / 64] |= bit;
    hst_skip(s, c, reason);
}

void hst_figure(struct hst_sink *s, int c, double value, const char *unit)
{
    s->checks[c]++;
    if (s->failures_only)
        return;
    hst_emit(s, "Q %s %.1f %s", hst_clauses[c].id, value, unit);
}
