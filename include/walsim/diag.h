/*
 * diag.h - user-facing error messages ("diagnostics").
 *
 * Anything in walsim that can fail on user input returns an int status
 * (0 = ok, negative = error) and fills a ws_diag with one line of text in
 * the form
 *
 *     FILE:LINE: KEY: what was found, what was expected
 *
 * e.g. "checkpoint.conf:14: checkpoint_timeout: 10s is below the minimum 30s".
 * The CLI prints it as is and exits 2.  Programmer errors use assert().
 */
#ifndef WALSIM_DIAG_H
#define WALSIM_DIAG_H

#include <stddef.h>

#define WS_DIAG_MAX 1024

typedef struct ws_diag {
    char msg[WS_DIAG_MAX];
} ws_diag;

/* Status codes returned by fallible functions. */
enum {
    WS_OK = 0,
    WS_EINPUT = -1,  /* bad user input: message in the ws_diag */
    WS_EIO = -2,     /* file could not be read or written: message in the ws_diag */
    WS_ENOMEM = -3   /* allocation failed */
};

/* Formats "FILE:LINE: " (omitted parts when file is NULL or line <= 0)
 * followed by the printf-style message.  d may be NULL (message dropped). */
void ws_diag_set(ws_diag *d, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Clears the message. */
void ws_diag_clear(ws_diag *d);

/* The user's text as it goes into a message: control characters become
 * '?' (a message is one line) and text longer than `max` bytes is cut on
 * a UTF-8 character boundary and ends in "...", so one huge value cannot
 * crowd out the rest of the message.  buf must hold max + 4 bytes;
 * returns buf. */
const char *ws_diag_show(const char *s, size_t n, size_t max, char *buf, size_t len);

/* Edit distance between a (its first la bytes) and b for "did you mean"
 * suggestions: insertions, deletions, substitutions and swaps of
 * neighbours each count one (optimal string alignment), ASCII case
 * ignored.  Words longer than 32 bytes are compared on their first 32. */
int ws_edit_distance(const char *a, size_t la, const char *b);

#endif
