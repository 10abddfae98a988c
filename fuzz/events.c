/* events.c — see events.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "conformance/hs_internal.h"
#include "fuzz/events.h"

const struct hs_subject *hsf_subject_lib(const char *path)
{
    struct hst_subject_spec spec = {.name = path, .lib = path};
    char err[512];
    const struct hs_subject *s = hst_subject_open_table(&spec, err, sizeof err);
    if (s == NULL) {
        fprintf(stderr, "heapspec fuzz: HEAPSPEC_FUZZ_SUBJECT=%s: %s\n", path, err);
        exit(2);
    }
    return s;
}

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
