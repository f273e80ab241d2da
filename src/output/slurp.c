/* slurp.c - a file read whole into memory, bounded (slurp.h). */
#include "walsim/slurp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ws_slurp(FILE *f, const char *path, size_t max, const char *too_big, char **out,
             size_t *len, ws_diag *err)
{
    *out = NULL;
    *len = 0;
    size_t cap = max < (1 << 16) ? max : (1 << 16), n = 0;
    char *buf = malloc(cap + 1);
    int rc = WS_OK;
    while (buf) {
        if (n == cap) {
            if (cap >= max) {
                if (fgetc(f) == EOF)
                    break; /* exactly max bytes */
                ws_diag_set(err, path, 0, "%s", too_big);
                rc = WS_EINPUT;
                break;
            }
            size_t nc = cap * 2 < max ? cap * 2 : max;
            char *nb = realloc(buf, nc + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap = nc;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (!buf) {
        ws_diag_set(err, path, 0, "out of memory");
        rc = WS_ENOMEM;
    } else if (rc == WS_OK && ferror(f)) {
        ws_diag_set(err, path, 0, "read error: %s", strerror(errno));
        rc = WS_EIO;
    }
    fclose(f);
    if (rc != WS_OK) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return WS_OK;
}
