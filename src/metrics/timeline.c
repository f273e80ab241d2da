/*
 * timeline.c - the rows of a run, in memory or spilled to a temporary
 * file block by block (see timeline.h for the layout).
 */
#include "walsim/timeline.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "walsim/diag.h"

static void grow(ws_timeline *t, size_t need)
{
    if (need <= t->cap)
        return;
    size_t cap = t->cap ? 2 * t->cap : WS_TIMELINE_BLOCK;
    while (cap < need)
        cap *= 2;
    ws_interval *b = realloc(t->buf, cap * sizeof *b);
    if (!b)
        abort();
    t->buf = b;
    t->cap = cap;
}

/* Writes buf's rows to the file; false (and nothing changed) on error. */
static bool flush(ws_timeline *t)
{
    size_t nb = t->n - t->n_disk;
    const char *p = (const char *)t->buf;
    size_t left = nb * sizeof *t->buf;
    off_t at = (off_t)(t->n_disk * sizeof *t->buf);
    while (left) {
        ssize_t w = pwrite(t->fd, p, left, at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        at += w;
        left -= (size_t)w;
    }
    t->n_disk = t->n;
    return true;
}

ws_interval *ws_timeline_add(ws_timeline *t)
{
    size_t nb = t->n - t->n_disk;
    if (t->spill && !t->spill_failed && nb >= WS_TIMELINE_BLOCK && !flush(t))
        t->spill_failed = true;
    nb = t->n - t->n_disk;
    grow(t, nb + 1);
    ws_interval *r = &t->buf[nb];
    memset(r, 0, sizeof *r);
    t->n++;
    return r;
}

ws_interval *ws_timeline_last(ws_timeline *t)
{
    assert(t->n > t->n_disk);
    return &t->buf[t->n - t->n_disk - 1];
}

const ws_interval *ws_timeline_get(const ws_timeline *t, size_t i, ws_interval *tmp)
{
    assert(i < t->n);
    if (i >= t->n_disk)
        return &t->buf[i - t->n_disk];
    char *p = (char *)tmp;
    size_t left = sizeof *tmp;
    off_t at = (off_t)(i * sizeof *tmp);
    while (left) {
        ssize_t r = pread(t->fd, p, left, at);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            fprintf(stderr, "walsim: reading the timeline's temporary file back failed: %s\n",
                    r < 0 ? strerror(errno) : "short file");
            abort();
        }
        p += r;
        at += r;
        left -= (size_t)r;
    }
    return tmp;
}

int ws_timeline_spill(ws_timeline *t, const char *dir, char *msg, size_t msg_len)
{
    assert(t->n == 0 && !t->spill);
    char path[4200];
    int len = snprintf(path, sizeof path, "%s/.timeline-XXXXXX", dir);
    if (len < 0 || (size_t)len >= sizeof path) {
        snprintf(msg, msg_len, "%s: folder name too long for the timeline's temporary file", dir);
        return WS_EIO;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(msg, msg_len, "%s: cannot make the timeline's temporary file: %s", dir,
                 strerror(errno));
        return WS_EIO;
    }
    unlink(path); /* anonymous from now on: gone when closed, whatever happens */
    t->fd = fd;
    t->spill = true;
    return WS_OK;
}

void ws_timeline_free(ws_timeline *t)
{
    free(t->buf);
    if (t->spill)
        close(t->fd);
    *t = (ws_timeline){0};
}
