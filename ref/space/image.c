/*
 * image.c — the read-only image space (ART's ImageSpace, much reduced): a
 * file in the format space.h describes, mapped PROT_READ and MAP_PRIVATE.
 * Its records are objects that are never allocated, freed or collected.
 *
 * Steps of hsri_image_create: open, fstat, read the header through a
 * mapping of the whole file, check magic / data_offset (a page multiple
 * inside the file) / data_size (within the file) / reserved words, walk the
 * record chain (each size a multiple of 16, >= 16, inside data_size,
 * summing to it, nobjects of them), then keep the mapping and close the
 * descriptor (the mapping keeps the file alive).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/space.h"
#include "ref/glue/attrs.h"
#include "ref/glue/glue.h"
#include "ref/space/space_impl.h"

/* 0 when the records of [data, data+size) form a valid chain of n. */
static HSRI_WALKER_INLINE int chain_ok(const char *data, uint64_t size, uint64_t n) {
    uint64_t off = 0;
    uint64_t count = 0;
    while (off < size) {
        uint64_t rec;
        if (size - off < 16) {
            return -1;
        }
        memcpy(&rec, data + off, sizeof rec);
        if (rec < 16 || rec % 16 != 0 || rec > size - off) {
            return -1;
        }
        off += rec;
        count++;
    }
    return count == n ? 0 : -1;
}

int hsri_image_create(const char *path, hsr_space_t **out) {
    int fd = -1;
    uint64_t fsize = 0;
    void *map = NULL;
    hsr_image_header_t hdr;
    hsr_space_t *s;
    int err;

    err = hsri_glue_open_read(path, &fd);
    if (err != 0) {
        return err;
    }
    err = hsri_glue_fd_size(fd, &fsize);
    if (err == 0 && (fsize < sizeof hdr || fsize > HSR_SPACES_MAX_CAPACITY)) {
        err = -EINVAL;
    }
    if (err == 0) {
        err = hsri_glue_mmap_fd(fsize, HSRI_GLUE_PROT_READ, 0, fd, 0, &map);
    }
    (void)hsri_glue_close(fd);
    if (err != 0) {
        return err;
    }
    memcpy(&hdr, map, sizeof hdr);
    int bad = memcmp(hdr.magic, HSR_IMAGE_MAGIC, 8) != 0 ||
              hdr.data_offset % hsri_glue_page_size() != 0 || hdr.data_offset < sizeof hdr ||
              hdr.data_offset > fsize || hdr.data_size > fsize - hdr.data_offset;
    for (size_t i = 0; i < 4 && !bad; i++) {
        bad = hdr.reserved[i] != 0;
    }
    if (!bad) {
        bad = chain_ok((const char *)map + hdr.data_offset, hdr.data_size, hdr.nobjects) != 0;
    }
    if (bad) {
        (void)hsri_glue_munmap(map, fsize);
        return -EINVAL;
    }
    s = calloc(1, sizeof *s);
    if (s == NULL) {
        (void)hsri_glue_munmap(map, fsize);
        return -ENOMEM;
    }
    s->magic = HSRI_SPACE_MAGIC;
    s->kind = HSR_SPACE_IMAGE;
    s->immutable = 1;
    s->begin = map;
    s->capacity = fsize;
    s->map_len = fsize;
    s->footprint = fsize;
    s->data_offset = hdr.data_offset;
    s->data_size = hdr.data_size;
    s->nobjects = hdr.nobjects;
    s->nbytes = hdr.data_size;
    *out = s;
    return 0;
}

uint64_t hsri_image_size_of(const hsr_space_t *s, const void *p) {
    const char *data = s->begin + s->data_offset;
    const char *c = p;
    uint64_t off = 0;
    if (c < data || c >= data + s->data_size) {
        return 0;
    }
    while (off < s->data_size) { /* the chain was checked at create */
        uint64_t rec;
        memcpy(&rec, data + off, sizeof rec);
        if (data + off == c) {
            return rec;
        }
        off += rec;
    }
    return 0;
}

HSRI_WALKER int hsri_image_check(const hsr_space_t *s, char *msg, size_t len) {
    if (s->magic != HSRI_SPACE_MAGIC || !s->immutable ||
        chain_ok(s->begin + s->data_offset, s->data_size, s->nobjects) != 0) {
        snprintf(msg, len, "image space: header or record chain broken");
        return -1;
    }
    return 0;
}
