/* seed_files.h — what the two seed generators (gen_seeds.c for malloc,
 * family_gen_seeds.c for the other families) share: the corpus walk, the
 * round-trip check, and the file side (a seed input is either written, or
 * compared with the checked-in file of the same name). */
#ifndef HEAPSPEC_FUZZ_SEED_FILES_H
#define HEAPSPEC_FUZZ_SEED_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conformance/hs_internal.h"

/* A harness's byte format, as a seed generator sees it. */
struct hsf_seed_format {
    const char *tool;             /* the generator's name, for messages */
    const char *family;           /* the corpus cases it encodes */
    const struct hst_family *fam; /* formats ops in messages */
    uint32_t max_ops;             /* room of canon[] */
    size_t max_bytes;             /* room of buf[] */
    const void *arg;              /* passed to encode and decode */
    /* Encodes cs into buf; returns the length. canon[] gets the ops the
     * bytes stand for, *ncanon their number (0: nothing of cs is fuzzed). */
    size_t (*encode)(const void *arg, const struct hst_case *cs, uint8_t *buf,
                     struct hst_op *canon, uint32_t *ncanon);
    /* Decodes buf into *out (in arena a); -1 when a is exhausted. *axes:
     * the bytes asked for an open() axis (fault injection, a limit) that
     * the encoding never writes. */
    int (*decode)(const void *arg, const uint8_t *buf, size_t len, struct hst_arena *a,
                  struct hst_case *out, bool *axes);
};

/* The generators' main, after their own arguments: every default-profile
 * case of f->family in the corpora paths[0..npaths) becomes one input, which
 * must decode back to exactly the ops it was made from; it is written to
 * dir/<case name> (write) or compared with that file. Prints a summary
 * line; returns the exit status (1 when anything failed or nothing was made,
 * 2 when a corpus cannot be read). */
int hsf_seed_main(const struct hsf_seed_format *f, bool write, const char *dir, char **paths,
                  int npaths);

/* 0 when path holds exactly buf[0..len); else -1 and a line on stderr that
 * names path and how to regenerate it (tool: the generator's name). */
int hsf_seed_compare(const char *path, const uint8_t *buf, size_t len, const char *tool);
/* Writes buf[0..len) to path; 0, or -1 and a line on stderr. */
int hsf_seed_write(const char *path, const uint8_t *buf, size_t len);

#endif
