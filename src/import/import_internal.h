/*
 * import_internal.h - what the three importers (pglog.c, pgbenchlog.c,
 * pgstats.c) share and nobody else uses: reading a whole file (gunzipped
 * when zlib is built in), walking its lines, and a bounded cursor that reads
 * literals and numbers without ever looking past the end of a line.  Names
 * carry the internal prefix imp_.
 */
#ifndef WALSIM_IMPORT_INTERNAL_H
#define WALSIM_IMPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "walsim/diag.h"

/* Reads the file at path into a malloc'd buffer (*buf, *len; *buf is
 * NUL-terminated after *len bytes, which may themselves contain NULs).
 * Input starting with the gzip magic is decompressed when walsim was built
 * with zlib, and is a clear error otherwise; xz and zstd input is a clear
 * error ("decompress it first").  WS_EIO / WS_EINPUT / WS_ENOMEM. */
int imp_read_file(const char *path, char **buf, size_t *len, ws_diag *err);

/* True when imp_read_file can gunzip. */
bool imp_have_gzip(void);

/* Line walker over [p, end): lines end in '\n'; a '\r' before it is
 * dropped.  `line` is the 1-based number of the line last returned and
 * `terminated` whether it ended in '\n' (false only for a last line). */
typedef struct imp_lines {
    const char *p, *end;
    int line;
    bool terminated;
} imp_lines;

void imp_lines_init(imp_lines *it, const char *text, size_t len);
bool imp_lines_next(imp_lines *it, const char **s, size_t *n);

/* A cursor over one line: p moves forward, never beyond end. */
typedef struct imp_cur {
    const char *p, *end, *start;
} imp_cur;

void imp_cur_init(imp_cur *c, const char *s, size_t n);
/* Consumes lit when the text continues with it. */
bool imp_lit(imp_cur *c, const char *lit);
/* Consumes spaces and tabs. */
void imp_skip_blank(imp_cur *c);
/* Unsigned decimal integer, at most 18 digits (no overflow). */
bool imp_uint(imp_cur *c, int64_t *v);
/* Optional '-' then as imp_uint. */
bool imp_int(imp_cur *c, int64_t *v);
/* Decimal number: [-]digits[.digits], no exponent, finite. */
bool imp_dec(imp_cur *c, double *v);
/* PostgreSQL LSN "%X/%X": 1-8 hex digits, '/', 1-8 hex digits. */
bool imp_lsn(imp_cur *c, uint64_t *v);
bool imp_at_end(const imp_cur *c);
/* 1-based column of the cursor in its line. */
int imp_col(const imp_cur *c);

/* Reads fmt at the cursor: literal text, "%u" (imp_uint, int64_t *),
 * "%d" (imp_int, int64_t *), "%f" (imp_dec, double *), "%L" (imp_lsn,
 * uint64_t *), "%%" for '%'.  This mirrors PostgreSQL's own format strings
 * so that a line's grammar reads as the ereport() that wrote it.  On a
 * mismatch the cursor stops at the start of the item that failed (the
 * literal run or the number), nothing after it is stored, and `what` (when
 * not NULL) receives what was expected there ("' s, sync='" or "a
 * number"). */
bool imp_scan(imp_cur *c, char *what, size_t whatlen, const char *fmt, ...);

/* First occurrence of needle (nl bytes) in [s, s+n), or NULL. */
const char *imp_find(const char *s, size_t n, const char *needle, size_t nl);

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), so that no time zone of the machine enters. */
int64_t imp_days_from_civil(int64_t y, int m, int d);

/* Writes the text at the cursor (at most 40 bytes, "..." when cut, "end of
 * line" at the end) into buf, for "found ..." in messages. */
const char *imp_show_here(const imp_cur *c, char *buf, size_t len);

/* Growable array: ensures room for one more element of size `size`. */
int imp_grow(void **arr, size_t *cap, size_t n, size_t size);

#endif
