/*
 * spool.c - an append-only array of fixed-size records, in memory or
 * spilled to a temporary file block by block (see spool.h).
 */
#include "walsim/spool.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "walsim/diag.h"

static void grow(ws_spool *s, size_t need)
{
    if (need <= s->cap)
        return;
    size_t cap = s->cap ? 2 * s->cap : WS_SPOOL_BLOCK;
    while (cap < need)
        cap *= 2;
    void *b = realloc(s->buf, cap * s->size);
    if (!b)
        abort();
    s->buf = b;
    s->cap = cap;
}

/* Writes buf's records to the file; false (and nothing changed) on error. */
static bool flush(ws_spool *s)
{
    const char *p = s->buf;
    size_t left = (s->n - s->n_disk) * s->size;
    off_t at = (off_t)(s->n_disk * s->size);
    while (left) {
        ssize_t w = pwrite(s->fd, p, left, at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        at += w;
        left -= (size_t)w;
    }
    s->n_disk = s->n;
    return true;
}

void *ws_spool_add(ws_spool *s, size_t size)
{
    assert(size > 0 && (s->size == 0 || s->size == size));
    s->size = size;
    if (s->spill && !s->spill_failed && s->n - s->n_disk >= WS_SPOOL_BLOCK && !flush(s))
        s->spill_failed = true;
    size_t nb = s->n - s->n_disk;
    grow(s, nb + 1);
    char *r = (char *)s->buf + nb * size;
    memset(r, 0, size);
    s->n++;
    return r;
}

void *ws_spool_last(ws_spool *s)
{
    assert(s->n > s->n_disk);
    return (char *)s->buf + (s->n - s->n_disk - 1) * s->size;
}

const void *ws_spool_get(const ws_spool *s, size_t i, void *tmp)
{
    assert(i < s->n);
    if (i >= s->n_disk)
        return (const char *)s->buf + (i - s->n_disk) * s->size;
    char *p = tmp;
    size_t left = s->size;
    off_t at = (off_t)(i * s->size);
    while (left) {
        ssize_t r = pread(s->fd, p, left, at);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            fprintf(stderr, "walsim: reading a temporary file back failed: %s\n",
                    r < 0 ? strerror(errno) : "short file");
            abort();
        }
        p += r;
        at += r;
        left -= (size_t)r;
    }
    return tmp;
}

int ws_spool_spill(ws_spool *s, const char *dir, const char *what, char *msg, size_t msg_len)
{
    assert(!s->spill);
    char path[4200];
    int len = snprintf(path, sizeof path, "%s/.%s-XXXXXX", dir, what);
    if (len < 0 || (size_t)len >= sizeof path) {
        snprintf(msg, msg_len, "%s: folder name too long for the %s's temporary file", dir, what);
        return WS_EIO;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(msg, msg_len, "%s: cannot make the %s's temporary file: %s", dir, what,
                 strerror(errno));
        return WS_EIO;
    }
    unlink(path); /* anonymous from now on: gone when closed, whatever happens */
    s->fd = fd;
    s->spill = true;
    return WS_OK;
}

void ws_spool_free(ws_spool *s)
{
    free(s->buf);
    if (s->spill)
        close(s->fd);
    *s = (ws_spool){0};
}
