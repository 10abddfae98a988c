/* events.c — see events.h. */
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "fuzz/events.h"

size_t hsf_events_read(int fd, char *buf, size_t cap)
{
    off_t end = lseek(fd, 0, SEEK_CUR);
    if (end <= 0) {
        buf[0] = '\0';
        return 0;
    }
    size_t want = (size_t)end < cap - 1 ? (size_t)end : cap - 1;
    ssize_t n = pread(fd, buf, want, 0);
    buf[n > 0 ? (size_t)n : 0] = '\0';
    return n > 0 ? (size_t)n : 0;
}

void hsf_events_clear(int fd)
{
    if (lseek(fd, 0, SEEK_CUR) > 0) {
        (void)ftruncate(fd, 0);
        (void)lseek(fd, 0, SEEK_SET);
    }
}

void hsf_failed_clauses(const char *events, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (const char *l = events; *l;) {
        size_t n = strcspn(l, "\n");
        if (l[0] == 'F' && l[1] == ' ') {
            size_t m = strcspn(l + 2, " \n");
            if (len + m + 2 < cap) {
                if (len)
                    out[len++] = ' ';
                memcpy(out + len, l + 2, m);
                len += m;
                out[len] = '\0';
            }
        }
        l += n + (l[n] == '\n');
    }
}
