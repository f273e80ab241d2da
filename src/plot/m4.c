/*
 * m4.c - M4 decimation of a series for one panel (Jugel et al., "M4: A
 * Visualization-Oriented Time Series Data Aggregation", VLDB 2014).
 *
 * A polyline of n points costs cairo about n log n to stroke, and much
 * more when the path crosses itself thousands of times in one pixel
 * column (a week of 1 s rows in a 1,400-pixel panel): 35 s for 60,000
 * rows.  But what a column shows is fixed by four of its points: the
 * first (where the line enters), the last (where it leaves), the lowest
 * and the highest (how far it reaches).  Every other point lies between
 * those in x and y, so the segments through it are covered by the
 * segments through the four.  Keeping those four per column makes the
 * work linear in n and the path at most 4 points per column.
 *
 * The kept points are the input's own points (not averages), in input
 * order, so the decimated path is a sub-sequence of the full one.  With
 * several series drawn with the same x (the layers of a stack, the two
 * sides of a band) the union of each series' four is kept, so the layers
 * keep sharing their boundaries.  A point that is not drawable (NaN, or
 * <= 0 on a log axis) breaks the line; one such point is kept per gap so
 * the gap stays.
 */
#include "walsim/plot.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

enum { M4_MAX_SERIES = 16 };

/* Columns per pixel.  At one column per pixel the kept points fix which
 * pixels are covered, but an antialiased line 1.4 to 2.5 px wide also
 * covers parts of its neighbours, and there the full path (points all
 * across the column) and the decimated one (four points) differ by up to
 * one pixel's coverage.  Half-pixel columns keep the envelope within half
 * a pixel of the full one's, at most 8 points per pixel; quarter pixels
 * halve the difference again but cairo then takes three times as long
 * to stroke the zig-zag (test_m4.c has the figures). */
#define WS_M4_SUB WS_PLOT_M4_SUB

/* The kept indices of one column's run [i, j) of drawable points. */
static size_t keep_run(const double *const *ys, int ny, size_t i, size_t j, size_t *idx)
{
    size_t lo[M4_MAX_SERIES], hi[M4_MAX_SERIES];
    for (int s = 0; s < ny; s++) {
        lo[s] = hi[s] = i;
        for (size_t k = i + 1; k < j; k++) {
            if (ys[s][k] < ys[s][lo[s]])
                lo[s] = k;
            if (ys[s][k] > ys[s][hi[s]])
                hi[s] = k;
        }
    }
    /* In input order, each index once: walk the run once and keep k when
     * it is one of the marked ones.  The run is short (the points of one
     * pixel column), so the scan is cheap next to drawing. */
    size_t m = 0;
    for (size_t k = i; k < j; k++) {
        bool keep = k == i || k == j - 1;
        for (int s = 0; !keep && s < ny; s++)
            keep = k == lo[s] || k == hi[s];
        if (keep)
            idx[m++] = k;
    }
    return m;
}

static bool drawable(const ws_plot_panel *p, const double *x, const double *const *ys, int ny,
                     size_t i)
{
    if (!isfinite(x[i]))
        return false;
    for (int s = 0; s < ny; s++)
        if (!isfinite(ys[s][i]) || (p->y.t.log && ys[s][i] <= 0))
            return false;
    return true;
}

size_t ws_plot_m4(const ws_plot_panel *p, const double *x, const double *const *ys, int ny,
                  size_t n, size_t *idx)
{
    assert(ny >= 1 && ny <= M4_MAX_SERIES);
    size_t m = 0, i = 0;
    while (i < n) {
        if (!drawable(p, x, ys, ny, i)) {
            idx[m++] = i; /* one point per gap */
            while (i < n && !drawable(p, x, ys, ny, i))
                i++;
            continue;
        }
        double col = floor(WS_M4_SUB * ws_plot_px(p, x[i]));
        size_t j = i + 1;
        while (j < n && drawable(p, x, ys, ny, j) && floor(WS_M4_SUB * ws_plot_px(p, x[j])) == col)
            j++;
        m += keep_run(ys, ny, i, j, idx + m);
        i = j;
    }
    assert(m <= n);
    return m;
}

bool ws_plot_m4_worth(const ws_plot_panel *p, size_t n)
{
    return (double)n > 2 * WS_M4_SUB * p->r.w;
}
