/*
 * diag.c - user-facing error messages (see diag.h).
 */
#include "walsim/diag.h"

#include <stdarg.h>
#include <stdio.h>

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
