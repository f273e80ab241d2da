/*
 * test_m4.c - M4 decimation (src/plot/m4.c): which points are kept (the
 * first, last, lowest and highest of each pixel column, in input order,
 * one point per gap), and the picture: a long series drawn by
 * ws_plot_line, ws_plot_band and ws_plot_stack (decimated) against the
 * same path through every point, drawn here with plain cairo calls, on
 * 1600 x 900 image surfaces compared pixel by pixel.
 *
 * Tolerance.  M4 keeps every point that decides which pixels a column
 * covers, but an antialiased 2-pixel stroke also has partly covered edge
 * pixels whose coverage depends on the exact shape of the path between
 * kept points (a zig-zag inside a column against two vertical strokes).
 * M4 runs on half-pixel columns (WS_PLOT_M4_SUB) to keep that small.
 * Filled areas (bands, stacks) with a zig-zag top differ the same way in
 * the rows between a column's lowest and highest value: the pixel's
 * coverage is the share of the full polygon in it.  So the comparison
 * allows a difference of up to PIX_TOL of 255 in a line's pixels (half
 * of full ink: no pixel turns from ink to background or back) and
 * AREA_TOL in an area's; a missing peak, a shifted line or a lost gap
 * changes whole pixels (about 255) and fails.  Measured on this noisy
 * week (the worst case: every column's span full of zig-zags), half-pixel
 * columns: line 2 px: 21 % of the inked pixels differ, by at most
 * 119/255; band: most pixels of the span, by at most 159/255; stack:
 * 22 % by at most 192/255.  Quarter-pixel columns halve the differences
 * (57, 110, 132) but draw three times slower (6.5 s instead of 2.1 s of
 * CPU for the charts of a day of 1 s rows).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/plot.h"

enum { W = WS_PLOT_WIDTH, H = WS_PLOT_HEIGHT };

static ws_plot_panel panel(double ylo, double yhi, bool log_y)
{
    ws_plot_panel p = {.r = {100, 80, 1400, 700}};
    ws_plot_axis_time(&p.x, 0, 7 * 86400, p.r.w, 110);
    if (log_y)
        ws_plot_axis_fit_log(&p.y, ylo, yhi, WS_PU_MS);
    else
        ws_plot_axis_fit(&p.y, ylo, yhi, p.r.h, 60, WS_PU_PLAIN);
    return p;
}

/* A week of 1 s rows: a daily curve, noise, spikes, and two gaps. */
static void series(size_t n, double *x, double *y, unsigned seed)
{
    uint64_t s = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        double u = (double)(s >> 11) / 9007199254740992.0;
        x[i] = (double)i * (7.0 * 86400 / (double)n) + 0.5;
        y[i] = 50 + 30 * sin(x[i] / 86400 * 2 * M_PI) + 10 * u + (u > 0.9995 ? 40 : 0);
        if ((i > n / 3 && i < n / 3 + n / 500) || i == n / 2)
            y[i] = NAN;
    }
}

typedef struct img {
    cairo_surface_t *s;
    cairo_t *cr;
} img;

static img img_new(void)
{
    img m;
    m.s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    m.cr = cairo_create(m.s);
    cairo_set_source_rgb(m.cr, 1, 1, 1);
    cairo_paint(m.cr);
    return m;
}

static void img_free(img *m)
{
    cairo_destroy(m->cr);
    cairo_surface_destroy(m->s);
}

enum { PIX_TOL = 128, AREA_TOL = 200 };

/* Pixels whose channels differ by more than PIX_TOL, and the largest
 * difference. */
static size_t compare(img *a, img *b, int tol, int *max_diff, size_t *n_diff)
{
    cairo_surface_flush(a->s);
    cairo_surface_flush(b->s);
    const unsigned char *pa = cairo_image_surface_get_data(a->s);
    const unsigned char *pb = cairo_image_surface_get_data(b->s);
    int stride = cairo_image_surface_get_stride(a->s);
    size_t bad = 0;
    *max_diff = 0;
    *n_diff = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int worst = 0;
            for (int c = 0; c < 3; c++) {
                int d = abs(pa[y * stride + 4 * x + c] - pb[y * stride + 4 * x + c]);
                if (d > worst)
                    worst = d;
            }
            if (worst)
                (*n_diff)++;
            if (worst > *max_diff)
                *max_diff = worst;
            if (worst > tol)
                bad++;
        }
    return bad;
}

static size_t ink(img *a)
{
    cairo_surface_flush(a->s);
    const unsigned char *p = cairo_image_surface_get_data(a->s);
    int stride = cairo_image_surface_get_stride(a->s);
    size_t n = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            n += p[y * stride + 4 * x] != 255 || p[y * stride + 4 * x + 1] != 255 ||
                 p[y * stride + 4 * x + 2] != 255;
    return n;
}

static void expect_close(img *dec, img *full, int tol, const char *what)
{
    int max_diff;
    size_t n_diff;
    size_t bad = compare(dec, full, tol, &max_diff, &n_diff);
    size_t inked = ink(full);
    print_message("%s: %zu inked pixels, %zu differ (largest difference %d/255), %zu beyond %d\n",
                  what, inked, n_diff, max_diff, bad, tol);
    assert_true(inked > 10000);
    assert_true(bad == 0);
}

/* The reference: every point, as ws_plot_line draws (same clip, width,
 * joins, caps). */
static void full_line(cairo_t *cr, const ws_plot_panel *p, const double *x, const double *y,
                      size_t n, double width)
{
    cairo_save(cr);
    cairo_rectangle(cr, p->r.x, p->r.y, p->r.w, p->r.h);
    cairo_clip(cr);
    ws_plot_set_color(cr, WS_OI_BLUE, 1);
    cairo_set_line_width(cr, width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    bool pen = false;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i]) || (p->y.t.log && y[i] <= 0)) {
            pen = false;
            continue;
        }
        double px = ws_plot_px(p, x[i]), py = ws_plot_py(p, y[i]);
        if (pen)
            cairo_line_to(cr, px, py);
        else
            cairo_move_to(cr, px, py);
        pen = true;
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void test_indices(void **state)
{
    (void)state;
    ws_plot_panel p = {.r = {0, 0, 10, 100}};
    /* one unit of x per M4 column */
    ws_plot_axis_fit(&p.x, 0, 10, 10, 1000, WS_PU_PLAIN);
    p.x.lo = 0;
    p.x.hi = 10.0 * WS_PLOT_M4_SUB;
    p.y.lo = 0;
    p.y.hi = 100;
    /* column 0: 0.1 .. 0.9 (9 points), column 1: a NaN between points,
     * column 2: one point */
    double x[] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.5, 1.6, 1.9, 2.5};
    double y[] = {5, 7, 1, 9, 3, 9, 2, 6, 4, 1, NAN, NAN, 3, 8};
    const double *ys[1] = {y};
    size_t idx[14];
    size_t m = ws_plot_m4(&p, x, ys, 1, 14, idx);
    /* first 0, min 2, max 3 (the first 9), last 8; 9; gap 10; 12; 13 */
    size_t want[] = {0, 2, 3, 8, 9, 10, 12, 13};
    assert_int_equal(m, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < m; i++)
        assert_int_equal(idx[i], want[i]);
    assert_false(ws_plot_m4_worth(&p, 20 * WS_PLOT_M4_SUB));
    assert_true(ws_plot_m4_worth(&p, 20 * WS_PLOT_M4_SUB + 1));
}

static void test_line_pixels(void **state)
{
    (void)state;
    size_t n = 100800; /* a week of 6 s rows */
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    series(n, x, y, 1);
    ws_plot_panel p = panel(0, 130, false);
    img dec = img_new(), full = img_new();
    ws_plot_line(dec.cr, &p, x, y, n, WS_OI_BLUE, 2, 0);
    full_line(full.cr, &p, x, y, n, 2);
    expect_close(&dec, &full, PIX_TOL, "line, 2 px");
    img_free(&dec);
    img_free(&full);
    /* a thin line on a log axis */
    ws_plot_panel pl = panel(1, 1000, true);
    dec = img_new();
    full = img_new();
    ws_plot_line(dec.cr, &pl, x, y, n, WS_OI_BLUE, 1.4, 0);
    full_line(full.cr, &pl, x, y, n, 1.4);
    expect_close(&dec, &full, PIX_TOL, "line, 1.4 px, log axis");
    img_free(&dec);
    img_free(&full);
    free(x);
    free(y);
}

static void test_band_and_stack_pixels(void **state)
{
    (void)state;
    size_t n = 60000;
    double *x = malloc(n * sizeof *x), *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    assert_true(x && a && b);
    series(n, x, a, 2);
    series(n, x, b, 3);
    for (size_t i = 0; i < n; i++)
        if (isfinite(a[i]) && isfinite(b[i]) && b[i] < a[i]) {
            double t = a[i];
            a[i] = b[i];
            b[i] = t;
        }
    ws_plot_panel p = panel(0, 260, false);
    /* band: the reference is every point's polygon */
    img dec = img_new(), full = img_new();
    ws_plot_band(dec.cr, &p, x, a, b, n, WS_OI_ORANGE, 1);
    cairo_t *cr = full.cr;
    cairo_save(cr);
    cairo_rectangle(cr, p.r.x, p.r.y, p.r.w, p.r.h);
    cairo_clip(cr);
    ws_plot_set_color(cr, WS_OI_ORANGE, 1);
    size_t i = 0;
    while (i < n) {
        while (i < n && !(isfinite(a[i]) && isfinite(b[i])))
            i++;
        size_t j = i;
        while (j < n && isfinite(a[j]) && isfinite(b[j]))
            j++;
        if (j > i) {
            cairo_move_to(cr, ws_plot_px(&p, x[i]), ws_plot_py(&p, b[i]));
            for (size_t k = i + 1; k < j; k++)
                cairo_line_to(cr, ws_plot_px(&p, x[k]), ws_plot_py(&p, b[k]));
            for (size_t k = j; k-- > i;)
                cairo_line_to(cr, ws_plot_px(&p, x[k]), ws_plot_py(&p, a[k]));
            cairo_close_path(cr);
            cairo_fill(cr);
        }
        i = j;
    }
    cairo_restore(cr);
    expect_close(&dec, &full, AREA_TOL, "band");
    img_free(&dec);
    img_free(&full);
    /* stack of two layers (NaN counts as 0) */
    dec = img_new();
    full = img_new();
    const double *ys[2] = {a, b};
    ws_plot_rgb colors[2] = {WS_OI_BLUE, WS_OI_ORANGE};
    ws_plot_stack(dec.cr, &p, x, ys, colors, 2, n);
    cr = full.cr;
    cairo_save(cr);
    cairo_rectangle(cr, p.r.x, p.r.y, p.r.w, p.r.h);
    cairo_clip(cr);
#define V(arr, k) (isfinite((arr)[k]) && (arr)[k] > 0 ? (arr)[k] : 0)
    for (int layer = 0; layer < 2; layer++) {
        ws_plot_set_color(cr, colors[layer], 1);
        for (size_t k = 0; k < n; k++) {
            double top = V(a, k) + (layer ? V(b, k) : 0);
            if (k == 0)
                cairo_move_to(cr, ws_plot_px(&p, x[k]), ws_plot_py(&p, top));
            else
                cairo_line_to(cr, ws_plot_px(&p, x[k]), ws_plot_py(&p, top));
        }
        for (size_t k = n; k-- > 0;)
            cairo_line_to(cr, ws_plot_px(&p, x[k]), ws_plot_py(&p, layer ? V(a, k) : 0));
        cairo_close_path(cr);
        cairo_fill(cr);
    }
#undef V
    cairo_restore(cr);
    expect_close(&dec, &full, AREA_TOL, "stack");
    img_free(&dec);
    img_free(&full);
    free(x);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_indices),
        cmocka_unit_test(test_line_pixels),
        cmocka_unit_test(test_band_and_stack_pixels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
