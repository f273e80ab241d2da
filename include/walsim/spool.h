/*
 * spool.h - an append-only array of fixed-size records that can live on
 * disk: the rows of a run's timeline, its checkpoint records.
 *
 * In memory by default (a growable array).  After ws_spool_spill, records
 * go to an unlinked temporary file in a given folder in blocks of
 * WS_SPOOL_BLOCK, so a week-long run holds one block of each, not the
 * week; the file vanishes when the spool is freed or the process ends.
 * If a write to it fails (disk full), the records stay in memory from
 * there on: slower to nothing, never lost.
 *
 * A zeroed ws_spool is an empty in-memory spool; its record size is fixed
 * by the first ws_spool_add.
 *
 * Invariants: records 0 .. n_disk-1 are in the file at i * size; records
 * n_disk .. n-1 are in buf; the last record is always in buf (a block is
 * written before the next record is added, not after), so its owner can
 * update it in place.
 */
#ifndef WALSIM_SPOOL_H
#define WALSIM_SPOOL_H

#include <stdbool.h>
#include <stddef.h>

enum { WS_SPOOL_BLOCK = 256 };

typedef struct ws_spool {
    void *buf;         /* the records not in the file */
    size_t size;       /* bytes of one record (0 until the first add) */
    size_t cap;        /* records buf has room for */
    size_t n;          /* records in all */
    size_t n_disk;     /* records in the file */
    int fd;            /* the file; meaningful only when spill */
    bool spill;
    bool spill_failed; /* a write failed: records stay in buf from then on */
} ws_spool;

/* Appends a zeroed record of `size` bytes (every record of a spool has
 * the same size) and returns it; aborts when out of memory. */
void *ws_spool_add(ws_spool *s, size_t size);
/* The last record (n > 0), to update in place. */
void *ws_spool_last(ws_spool *s);
/* Record i (< n): a pointer into buf, or tmp (size bytes) filled from the
 * file.  A read of the file we wrote failing is treated as memory running
 * out: abort with a message. */
const void *ws_spool_get(const ws_spool *s, size_t i, void *tmp);
/* Records go to a temporary file ".WHAT-XXXXXX" in dir from the next
 * full block on (those already added with them).  WS_EIO with a message naming dir and what when the file cannot
 * be made. */
int ws_spool_spill(ws_spool *s, const char *dir, const char *what, char *msg, size_t msg_len);
void ws_spool_free(ws_spool *s);

#endif
