/*
 * window.c - per-second series and chunks of a run (see window.h).
 */
#include "walsim/window.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static int chunk_alloc(ws_chunk *c)
{
    c->lat = ws_hist_new();
    for (int i = 0; i < 3; i++)
        c->phase[i] = ws_hist_new();
    return c->lat && c->phase[0] && c->phase[1] && c->phase[2] ? 0 : -1;
}

static void chunk_free(ws_chunk *c)
{
    ws_hist_free(c->lat);
    for (int i = 0; i < 3; i++)
        ws_hist_free(c->phase[i]);
    memset(c, 0, sizeof *c);
}

static void peaks_max(ws_peaks *into, const ws_peaks *p)
{
    if (p->pg_wal > into->pg_wal)
        into->pg_wal = p->pg_wal;
    if (p->os_dirty > into->os_dirty)
        into->os_dirty = p->os_dirty;
    if (p->worst_replay > into->worst_replay) {
        into->worst_replay = p->worst_replay;
        into->worst_replay_pages = p->worst_replay_pages;
    }
}

int ws_win_init(ws_win *w, const ws_counters *c0, bool mser)
{
    memset(w, 0, sizeof *w);
    w->mser = mser;
    w->ser_step_s = 1;
    w->chunk_len_s = 1;
    w->n_chunk = 1;
    w->chunk[0].t0 = c0->t;
    w->chunk[0].at = *c0;
    return chunk_alloc(&w->chunk[0]);
}

void ws_win_free(ws_win *w)
{
    for (size_t i = 0; i < w->n_chunk; i++)
        chunk_free(&w->chunk[i]);
    free(w->tx);
    free(w->lat_sum);
    free(w->wal);
    memset(w, 0, sizeof *w);
}

void ws_win_tx(ws_win *w, double lat_s, int phase)
{
    assert(phase >= 0 && phase < 3);
    ws_chunk *c = &w->chunk[w->n_chunk - 1];
    ws_hist_add(c->lat, lat_s);
    ws_hist_add(c->phase[phase], lat_s);
    double n = w->tx_weight > 0 ? w->tx_weight : 1;
    w->cur_tx += n;
    w->cur_lat_sum += lat_s * n;
}

static int grow(double **a, size_t cap)
{
    double *n = realloc(*a, cap * sizeof *n);
    if (!n)
        return -1;
    *a = n;
    return 0;
}

/* Merges chunk pairs (0,1), (2,3), ...: half as many, twice as long. */
static void halve(ws_win *w)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n_chunk; i += 2, n++) {
        ws_chunk *a = &w->chunk[i];
        if (i + 1 < w->n_chunk) {
            ws_chunk *b = &w->chunk[i + 1];
            ws_hist_merge(a->lat, b->lat);
            for (int k = 0; k < 3; k++)
                ws_hist_merge(a->phase[k], b->phase[k]);
            peaks_max(&a->peak, &b->peak);
            ws_linfit_merge(&a->backlog, &b->backlog);
            chunk_free(b);
        }
        if (n != i) {
            w->chunk[n] = *a;
            memset(a, 0, sizeof *a);
        }
    }
    w->n_chunk = n;
    w->chunk_len_s *= 2;
}

/* Merges MSER-5's steps in pairs: half as many, twice as long (n_ser is
 * even: it is the capacity, a power of two). */
static void halve_series(ws_win *w)
{
    assert(w->n_ser % 2 == 0);
    for (size_t i = 0; i < w->n_ser / 2; i++) {
        w->tx[i] = w->tx[2 * i] + w->tx[2 * i + 1];
        w->lat_sum[i] = w->lat_sum[2 * i] + w->lat_sum[2 * i + 1];
        w->wal[i] = w->wal[2 * i + 1];
    }
    w->n_ser /= 2;
    w->ser_step_s *= 2;
}

/* MSER-5's step that ends with this second, if one does. */
static int series_step(ws_win *w, const ws_counters *c)
{
    if ((int64_t)w->n_sec % w->ser_step_s != 0)
        return 0;
    if (w->n_ser == w->cap_ser) {
        if (w->cap_ser >= WS_WIN_MAX_SERIES) {
            halve_series(w);
            if ((int64_t)w->n_sec % w->ser_step_s != 0)
                return 0; /* the open step is now twice as long */
        } else {
            size_t cap = w->cap_ser ? 2 * w->cap_ser : 1024;
            if (grow(&w->tx, cap) || grow(&w->lat_sum, cap) || grow(&w->wal, cap))
                return -1;
            w->cap_ser = cap;
        }
    }
    size_t s = w->n_ser++;
    w->tx[s] = w->cur_tx;
    w->lat_sum[s] = w->cur_lat_sum;
    w->wal[s] = (double)c->wal_bytes; /* cumulative: mser_cut (run.c) differences it */
    w->cur_tx = w->cur_lat_sum = 0;
    return 0;
}

double ws_win_backlog(const ws_win *w, size_t ago)
{
    assert(ago < WS_WIN_RECENT && ago < w->n_sec);
    return w->recent[(w->n_sec - 1 - ago) % WS_WIN_RECENT];
}

int ws_win_second(ws_win *w, const ws_counters *c, double backlog, const ws_peaks *peaks)
{
    ws_chunk *open = &w->chunk[w->n_chunk - 1];
    peaks_max(&open->peak, peaks);
    size_t s = w->n_sec++;
    ws_linfit_add(&open->backlog, (double)s, backlog);
    w->recent[s % WS_WIN_RECENT] = backlog;
    if (w->mser) {
        if (series_step(w, c) != 0)
            return -1;
    } else {
        w->cur_tx = w->cur_lat_sum = 0;
    }
    if ((int64_t)w->n_sec % w->chunk_len_s != 0)
        return 0;
    if (w->n_chunk == WS_WIN_MAX_CHUNKS) {
        halve(w);
        if ((int64_t)w->n_sec % w->chunk_len_s != 0)
            return 0;
    }
    ws_chunk *next = &w->chunk[w->n_chunk];
    memset(next, 0, sizeof *next);
    if (chunk_alloc(next) != 0) {
        chunk_free(next);
        return -1;
    }
    next->t0 = c->t;
    next->at = *c;
    w->n_chunk++;
    return 0;
}

size_t ws_win_chunk_at(const ws_win *w, ws_time t)
{
    for (size_t i = 0; i < w->n_chunk; i++)
        if (w->chunk[i].t0 >= t)
            return i;
    return w->n_chunk;
}

void ws_win_merge(const ws_win *w, size_t c0, size_t c1, ws_hist *lat, ws_hist *const phase[3],
                  ws_peaks *peak)
{
    assert(c0 <= c1 && c1 <= w->n_chunk);
    ws_hist_reset(lat);
    for (int k = 0; k < 3; k++)
        if (phase)
            ws_hist_reset(phase[k]);
    *peak = (ws_peaks){0};
    for (size_t i = c0; i < c1; i++) {
        ws_hist_merge(lat, w->chunk[i].lat);
        for (int k = 0; k < 3 && phase; k++)
            ws_hist_merge(phase[k], w->chunk[i].phase[k]);
        peaks_max(peak, &w->chunk[i].peak);
    }
}

void ws_win_lat_series(const ws_win *w, double *out)
{
    assert(w->mser);
    double last = 0;
    for (size_t s = 0; s < w->n_ser; s++) {
        if (w->tx[s] > 0)
            last = w->lat_sum[s] / w->tx[s];
        out[s] = last;
    }
}
