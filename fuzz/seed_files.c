/* seed_files.c — see seed_files.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/seed_files.h"

int hsf_seed_compare(const char *path, const uint8_t *buf, size_t len, const char *tool)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: missing (regenerate with %s --write)\n", path, tool);
        return -1;
    }
    uint8_t *have = malloc(len + 1);
    size_t n = have ? fread(have, 1, len + 1, f) : 0;
    fclose(f);
    int same = have != NULL && n == len && memcmp(have, buf, len) == 0;
    free(have);
    if (!same) {
        fprintf(stderr, "%s: stale (regenerate with %s --write)\n", path, tool);
        return -1;
    }
    return 0;
}

int hsf_seed_write(const char *path, const uint8_t *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len) {
        fprintf(stderr, "%s: cannot write\n", path);
        if (f)
            fclose(f);
        return -1;
    }
    return fclose(f) == 0 ? 0 : -1;
}
