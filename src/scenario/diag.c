/*
 * diag.c - user-facing error messages (see diag.h).
 */
#include "walsim/diag.h"

#include <assert.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ws_diag_set(ws_diag *d, const char *file, int line, const char *fmt, ...)
{
    if (!d)
        return;
    int used = 0;
    if (file && line > 0)
        used = snprintf(d->msg, sizeof d->msg, "%s:%d: ", file, line);
    else if (file)
        used = snprintf(d->msg, sizeof d->msg, "%s: ", file);
    if (used < 0 || (size_t)used >= sizeof d->msg)
        used = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg + used, sizeof d->msg - (size_t)used, fmt, ap);
    va_end(ap);
}

void ws_diag_clear(ws_diag *d)
{
    if (d)
        d->msg[0] = '\0';
}

/* Edit distance with a swap of neighbours as one edit ("bluk" is one
 * from "bulk"): optimal string alignment, ASCII case ignored. */
const char *ws_diag_show(const char *s, size_t n, size_t max, char *buf, size_t len)
{
    assert(len > max + 3);
    (void)len;
    size_t cut = n > max ? max : n;
    while (cut < n && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    size_t i;
    for (i = 0; i < cut; i++)
        buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    if (cut < n) {
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
    return buf;
}

int ws_edit_distance(const char *a, size_t la, const char *b)
{
    enum { MAXW = 32 };
    int rows[3][MAXW + 1]; /* rows i-2, i-1, i, rotating */
    size_t lb = strlen(b);
    if (la > MAXW)
        la = MAXW;
    if (lb > MAXW)
        lb = MAXW;
    for (size_t j = 0; j <= lb; j++)
        rows[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int *cur = rows[i % 3], *prev = rows[(i - 1) % 3], *prev2 = rows[(i + 1) % 3];
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            char ca = a[i - 1] | 0x20, cb = b[j - 1] | 0x20; /* ASCII lowercase */
            int d = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == (b[j - 2] | 0x20) && (a[i - 2] | 0x20) == cb &&
                prev2[j - 2] + 1 < d)
                d = prev2[j - 2] + 1;
            cur[j] = d;
        }
    }
    return rows[la % 3][lb];
}
