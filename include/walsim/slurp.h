/*
 * slurp.h - a file read whole into memory, bounded.
 *
 * The readers of walsim's own outputs (json.c, csvread.c, sweepcsv.c) and
 * of pg_waldump's statistics (validate.c) parse text held in memory; this
 * reads it, with one set of messages for what can go wrong.
 */
#ifndef WALSIM_SLURP_H
#define WALSIM_SLURP_H

#include <stddef.h>
#include <stdio.h>

#include "walsim/diag.h"

/* Reads the open file f to its end into a malloc'd buffer, NUL-terminated
 * after its *len bytes, and closes f.  A file of more than max bytes is
 * WS_EINPUT with "PATH: larger than ...", too_big being the rest of that
 * message; a read error WS_EIO, no memory WS_ENOMEM ("PATH: ..."). */
int ws_slurp(FILE *f, const char *path, size_t max, const char *too_big, char **out,
             size_t *len, ws_diag *err);

#endif
