/* seed_files.h — the seed generators' file side: a seed input is either
 * written, or compared with the checked-in file of the same name. */
#ifndef HEAPSPEC_FUZZ_SEED_FILES_H
#define HEAPSPEC_FUZZ_SEED_FILES_H

#include <stddef.h>
#include <stdint.h>

/* 0 when path holds exactly buf[0..len); else -1 and a line on stderr that
 * names path and how to regenerate it (tool: the generator's name). */
int hsf_seed_compare(const char *path, const uint8_t *buf, size_t len, const char *tool);
/* Writes buf[0..len) to path; 0, or -1 and a line on stderr. */
int hsf_seed_write(const char *path, const uint8_t *buf, size_t len);

#endif
