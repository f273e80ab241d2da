/*
 * axis.c - panels: axes, grid, tick labels, and the marks drawn in them
 * (lines, bands, stacked areas, shaded spans, reference lines, markers),
 * and legends.
 *
 * One-pixel lines are drawn on half-pixel coordinates so that the PNG
 * shows them as one crisp pixel instead of two grey ones.
 */
#include "walsim/plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double crisp(double v) { return floor(v) + 0.5; }

static double map(const ws_plot_axis *a, double v, double p0, double p1)
{
    double f;
    if (a->t.log) {
        double lo = log10(a->lo), hi = log10(a->hi);
        f = v > 0 ? (log10(v) - lo) / (hi - lo) : -1e3;
    } else {
        f = (v - a->lo) / (a->hi - a->lo);
    }
    /* Far outside values are clamped so cairo's fixed point cannot wrap. */
    if (f < -1e3)
        f = -1e3;
    if (f > 1e3)
        f = 1e3;
    return p0 + f * (p1 - p0);
}

double ws_plot_px(const ws_plot_panel *p, double x) { return map(&p->x, x, p->r.x, p->r.x + p->r.w); }
double ws_plot_py(const ws_plot_panel *p, double y) { return map(&p->y, y, p->r.y + p->r.h, p->r.y); }

static int intervals_for(double length, double px_per_tick)
{
    int n = (int)floor(length / (px_per_tick > 1 ? px_per_tick : 1));
    return n < 2 ? 2 : n > WS_PLOT_MAX_TICKS - 2 ? WS_PLOT_MAX_TICKS - 2 : n;
}

void ws_plot_axis_fit(ws_plot_axis *a, double lo, double hi, double length, double px_per_tick,
                      ws_plot_unit unit)
{
    ws_plot_ticks_linear(lo, hi, intervals_for(length, px_per_tick), unit, &a->t);
    a->lo = a->t.v[0];
    a->hi = a->t.v[a->t.n - 1];
}

/* The largest 1-2-5 value at or below x (down) or smallest at or above. */
static double step125(double x, bool up)
{
    double d = pow(10.0, floor(log10(x)));
    static const double m[] = {1, 2, 5, 10};
    if (up) {
        for (int i = 0; i < 4; i++)
            if (m[i] * d >= x * (1 - 1e-9))
                return m[i] * d;
        return 10 * d;
    }
    for (int i = 3; i >= 0; i--)
        if (m[i] * d <= x * (1 + 1e-9))
            return m[i] * d;
    return d;
}

void ws_plot_axis_fit_log(ws_plot_axis *a, double lo, double hi, ws_plot_unit unit)
{
    if (!(hi > 0) || !isfinite(hi))
        hi = 1;
    if (!(lo > 0) || lo >= hi)
        lo = hi / 100;
    a->lo = step125(lo, false);
    a->hi = step125(hi, true);
    if (a->hi <= a->lo)
        a->hi = a->lo * 10;
    ws_plot_ticks_log(a->lo, a->hi, unit, &a->t);
}

void ws_plot_axis_time(ws_plot_axis *a, double lo, double hi, double length, double px_per_tick)
{
    if (!(hi > lo))
        hi = lo + 1;
    ws_plot_ticks_linear(lo, hi, intervals_for(length, px_per_tick), WS_PU_TIME, &a->t);
    /* Keep the ticks inside the data range: the axis is the run. */
    int k = 0;
    double eps = (hi - lo) * 1e-9;
    for (int i = 0; i < a->t.n; i++)
        if (a->t.v[i] >= lo - eps && a->t.v[i] <= hi + eps)
            a->t.v[k++] = a->t.v[i];
    a->t.n = k;
    a->lo = lo;
    a->hi = hi;
}

void ws_plot_panel_grid(cairo_t *cr, const ws_plot_panel *p)
{
    cairo_save(cr);
    ws_plot_set_color(cr, WS_PLOT_GRID, 1);
    cairo_set_line_width(cr, 1);
    for (int i = 0; i < p->y.t.n; i++) {
        double y = ws_plot_py(p, p->y.t.v[i]);
        if (y < p->r.y - 0.5 || y > p->r.y + p->r.h + 0.5)
            continue;
        cairo_move_to(cr, p->r.x, crisp(y));
        cairo_line_to(cr, p->r.x + p->r.w, crisp(y));
    }
    for (int i = 0; i < p->x.t.n; i++) {
        double x = ws_plot_px(p, p->x.t.v[i]);
        if (x < p->r.x - 0.5 || x > p->r.x + p->r.w + 0.5)
            continue;
        cairo_move_to(cr, crisp(x), p->r.y);
        cairo_line_to(cr, crisp(x), p->r.y + p->r.h);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

void ws_plot_panel_frame(cairo_t *cr, const ws_plot_panel *p)
{
    cairo_save(cr);
    ws_plot_set_color(cr, WS_PLOT_AXIS, 1);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, crisp(p->r.x), crisp(p->r.y), floor(p->r.w), floor(p->r.h));
    cairo_stroke(cr);
    /* Tick marks outside the frame. */
    for (int i = 0; i < p->y.t.n; i++) {
        double y = ws_plot_py(p, p->y.t.v[i]);
        if (y < p->r.y - 0.5 || y > p->r.y + p->r.h + 0.5)
            continue;
        cairo_move_to(cr, p->r.x - 5, crisp(y));
        cairo_line_to(cr, p->r.x, crisp(y));
    }
    for (int i = 0; i < p->x.t.n; i++) {
        double x = ws_plot_px(p, p->x.t.v[i]);
        if (x < p->r.x - 0.5 || x > p->r.x + p->r.w + 0.5)
            continue;
        cairo_move_to(cr, crisp(x), p->r.y + p->r.h);
        cairo_line_to(cr, crisp(x), p->r.y + p->r.h + 5);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

void ws_plot_panel_ylabels(cairo_t *cr, const ws_plot_panel *p, ws_plot_font f)
{
    char buf[64];
    double last_y = 1e9;
    /* Bottom to top; skip a label that would touch the one below. */
    for (int i = 0; i < p->y.t.n; i++) {
        double y = ws_plot_py(p, p->y.t.v[i]);
        if (y < p->r.y - 0.5 || y > p->r.y + p->r.h + 0.5)
            continue;
        if (last_y - y < f.size * 1.1)
            continue;
        ws_plot_tick_label(&p->y.t, p->y.t.v[i], buf, sizeof buf);
        ws_plot_text(cr, f, p->r.x - 9, y, WS_TA_RIGHT | WS_TA_MIDDLE, 0, buf);
        last_y = y;
    }
}

void ws_plot_panel_xlabels(cairo_t *cr, const ws_plot_panel *p, ws_plot_font f)
{
    char buf[64];
    double last_right = -1e9;
    for (int i = 0; i < p->x.t.n; i++) {
        double x = ws_plot_px(p, p->x.t.v[i]);
        if (x < p->r.x - 0.5 || x > p->r.x + p->r.w + 0.5)
            continue;
        ws_plot_tick_label(&p->x.t, p->x.t.v[i], buf, sizeof buf);
        double w = ws_plot_text_width(cr, f, buf);
        if (x - w / 2 < last_right + f.size * 0.8)
            continue;
        ws_plot_text(cr, f, x, p->r.y + p->r.h + 8, WS_TA_CENTER | WS_TA_TOP, 0, buf);
        last_right = x + w / 2;
    }
}

static void clip_to(cairo_t *cr, const ws_plot_panel *p)
{
    cairo_rectangle(cr, p->r.x, p->r.y, p->r.w, p->r.h);
    cairo_clip(cr);
}

/* The points to draw: M4's choice when the series is long (m4.c), NULL
 * for all of them (also when memory is short: drawing every point is
 * slower but the same picture). */
/* The rows a panel can show of a series in time order: [*i0, *i1), the
 * ones inside the x range and one more on each side (the segments that
 * leave the area).  A zoom (worst-hour.png: one hour of a week) would
 * otherwise stroke the whole week outside its clip. */
static void visible(const ws_plot_panel *p, const double *x, size_t n, size_t *i0, size_t *i1)
{
    *i0 = 0;
    *i1 = n;
    for (size_t i = 1; i < n; i++)
        if (x[i] < x[i - 1])
            return; /* not in x order: all of it */
    while (*i0 + 1 < n && x[*i0 + 1] < p->x.lo)
        (*i0)++;
    while (*i1 > *i0 + 1 && x[*i1 - 2] > p->x.hi)
        (*i1)--;
}

static size_t *pick(const ws_plot_panel *p, const double *x, const double *const *ys, int ny,
                    size_t n, size_t *m)
{
    *m = n;
    size_t i0, i1;
    visible(p, x, n, &i0, &i1);
    if (!ws_plot_m4_worth(p, i1 - i0) && i0 == 0 && i1 == n)
        return NULL;
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        return NULL;
    if (!ws_plot_m4_worth(p, i1 - i0)) {
        for (size_t i = i0; i < i1; i++)
            idx[i - i0] = i;
        *m = i1 - i0;
        return idx;
    }
    const double *sub[16];
    for (int s = 0; s < ny; s++)
        sub[s] = ys[s] + i0;
    *m = ws_plot_m4(p, x + i0, sub, ny, i1 - i0, idx);
    for (size_t k = 0; k < *m; k++)
        idx[k] += i0;
    return idx;
}

#define AT(idx, k) ((idx) ? (idx)[k] : (k))

void ws_plot_line(cairo_t *cr, const ws_plot_panel *p, const double *x, const double *y, size_t n,
                  ws_plot_rgb c, double width, double dash)
{
    size_t m;
    size_t *idx = pick(p, x, &y, 1, n, &m);
    cairo_save(cr);
    clip_to(cr, p);
    ws_plot_set_color(cr, c, 1);
    cairo_set_line_width(cr, width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    if (dash > 0) {
        double d[2] = {dash, dash * 0.7};
        cairo_set_dash(cr, d, 2, 0);
    }
    bool pen = false;
    for (size_t k = 0; k < m; k++) {
        size_t i = AT(idx, k);
        if (!isfinite(y[i]) || !isfinite(x[i]) || (p->y.t.log && y[i] <= 0)) {
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
    free(idx);
}

void ws_plot_band(cairo_t *cr, const ws_plot_panel *p, const double *x, const double *lo,
                  const double *hi, size_t n, ws_plot_rgb c, double alpha)
{
    const double *ys[2] = {lo, hi};
    size_t m;
    size_t *idx = pick(p, x, ys, 2, n, &m);
    cairo_save(cr);
    clip_to(cr, p);
    ws_plot_set_color(cr, c, alpha);
#define OK(k) (isfinite(lo[AT(idx, k)]) && isfinite(hi[AT(idx, k)]))
    size_t i = 0;
    while (i < m) {
        while (i < m && !OK(i))
            i++;
        size_t j = i;
        while (j < m && OK(j))
            j++;
        if (j > i) {
            cairo_move_to(cr, ws_plot_px(p, x[AT(idx, i)]), ws_plot_py(p, hi[AT(idx, i)]));
            for (size_t k = i + 1; k < j; k++)
                cairo_line_to(cr, ws_plot_px(p, x[AT(idx, k)]), ws_plot_py(p, hi[AT(idx, k)]));
            for (size_t k = j; k-- > i;)
                cairo_line_to(cr, ws_plot_px(p, x[AT(idx, k)]), ws_plot_py(p, lo[AT(idx, k)]));
            cairo_close_path(cr);
            cairo_fill(cr);
        }
        i = j;
    }
#undef OK
    cairo_restore(cr);
    free(idx);
}

static double layer_sum(const double *const *ys, int upto, size_t i)
{
    double s = 0;
    for (int k = 0; k < upto; k++)
        if (isfinite(ys[k][i]) && ys[k][i] > 0)
            s += ys[k][i];
    return s;
}

/* The M4 choice for a stack: the union over the layers' top boundaries
 * (the running sums), so every layer keeps sharing its boundary with the
 * next.  NULL: draw every point. */
static size_t *pick_stack(const ws_plot_panel *p, const double *x, const double *const *ys,
                          int layers, size_t n, size_t *m)
{
    *m = n;
    size_t i0, i1;
    visible(p, x, n, &i0, &i1);
    if ((!ws_plot_m4_worth(p, i1 - i0) && i0 == 0 && i1 == n) || layers > 16)
        return NULL;
    size_t v = i1 - i0;
    double *sums = malloc((size_t)layers * (v ? v : 1) * sizeof *sums);
    size_t *idx = malloc((v ? v : 1) * sizeof *idx);
    if (!sums || !idx) {
        free(sums);
        free(idx);
        return NULL;
    }
    const double *rows[16];
    for (int k = 0; k < layers; k++) {
        double *s = sums + (size_t)k * v;
        for (size_t i = 0; i < v; i++)
            s[i] = layer_sum(ys, k + 1, i0 + i);
        rows[k] = s;
    }
    if (ws_plot_m4_worth(p, v))
        *m = ws_plot_m4(p, x + i0, rows, layers, v, idx);
    else
        for (*m = 0; *m < v; (*m)++)
            idx[*m] = *m;
    for (size_t k = 0; k < *m; k++)
        idx[k] += i0;
    free(sums);
    return idx;
}

void ws_plot_stack(cairo_t *cr, const ws_plot_panel *p, const double *x,
                   const double *const *ys, const ws_plot_rgb *colors, int layers, size_t n)
{
    if (n == 0)
        return;
    size_t m;
    size_t *idx = pick_stack(p, x, ys, layers, n, &m);
    cairo_save(cr);
    clip_to(cr, p);
    for (int k = 0; k < layers; k++) {
        ws_plot_set_color(cr, colors[k], 1);
        for (size_t j = 0; j < m; j++) {
            size_t i = AT(idx, j);
            double py = ws_plot_py(p, layer_sum(ys, k + 1, i));
            if (j == 0)
                cairo_move_to(cr, ws_plot_px(p, x[i]), py);
            else
                cairo_line_to(cr, ws_plot_px(p, x[i]), py);
        }
        for (size_t j = m; j-- > 0;) {
            size_t i = AT(idx, j);
            cairo_line_to(cr, ws_plot_px(p, x[i]), ws_plot_py(p, layer_sum(ys, k, i)));
        }
        cairo_close_path(cr);
        cairo_fill(cr);
    }
    cairo_restore(cr);
    free(idx);
}

void ws_plot_vspan(cairo_t *cr, const ws_plot_panel *p, double x0, double x1, ws_plot_rgb c,
                   double min_px)
{
    double a = ws_plot_px(p, x0), b = ws_plot_px(p, x1);
    if (b - a < min_px) {
        double mid = (a + b) / 2;
        a = mid - min_px / 2;
        b = mid + min_px / 2;
    }
    cairo_save(cr);
    clip_to(cr, p);
    ws_plot_set_color(cr, c, 1);
    cairo_rectangle(cr, a, p->r.y, b - a, p->r.h);
    cairo_fill(cr);
    cairo_restore(cr);
}

/* Text on a white backing so a label over a line stays readable. */
static void backed_text(cairo_t *cr, ws_plot_font f, double x, double y, int anchor,
                        const char *s)
{
    double w = ws_plot_text_width(cr, f, s);
    double x0 = (anchor & 3) == WS_TA_RIGHT ? x - w : (anchor & 3) == WS_TA_CENTER ? x - w / 2 : x;
    double y0 = (anchor & 12) == WS_TA_TOP ? y : y - f.size;
    cairo_save(cr);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, x0 - 3, y0 - 1, w + 6, f.size + 4);
    cairo_fill(cr);
    cairo_restore(cr);
    ws_plot_text(cr, f, x, (anchor & 12) == WS_TA_TOP ? y : y - f.size * 0.22, anchor, 0, s);
}

void ws_plot_hline(cairo_t *cr, const ws_plot_panel *p, double y, ws_plot_rgb c, double dash,
                   const char *label, ws_plot_font f, int *above_slot)
{
    if (!isfinite(y))
        return;
    bool above = p->y.t.log ? y > p->y.hi * (1 + 1e-9) : y > p->y.hi + (p->y.hi - p->y.lo) * 1e-9;
    if (above) {
        if (label && *label) {
            char buf[256];
            snprintf(buf, sizeof buf, "\xE2\x86\x91 %s (above the axis)", label);
            ws_plot_font g = f;
            g.color = c;
            int slot = above_slot ? (*above_slot)++ : 0;
            backed_text(cr, g, p->r.x + p->r.w - 8, p->r.y + 4 + slot * (f.size + 6),
                        WS_TA_RIGHT | WS_TA_TOP, buf);
        }
        return;
    }
    double py = ws_plot_py(p, y);
    if (py > p->r.y + p->r.h + 0.5)
        return;
    double xs[2] = {p->x.lo, p->x.hi}, ys[2] = {y, y};
    ws_plot_line(cr, p, xs, ys, 2, c, 2, dash);
    if (label && *label) {
        ws_plot_font g = f;
        g.color = c;
        /* Above the line, or below it when the line is at the top. */
        if (py - f.size - 6 < p->r.y)
            backed_text(cr, g, p->r.x + p->r.w - 8, py + 4, WS_TA_RIGHT | WS_TA_TOP, label);
        else
            backed_text(cr, g, p->r.x + p->r.w - 8, py - 4, WS_TA_RIGHT | WS_TA_BASELINE, label);
    }
}

/* The path of a marker shape around (x, y). */
static void marker_path(cairo_t *cr, double x, double y, int shape, double r)
{
    cairo_new_path(cr);
    switch (shape) {
    case 1:
        cairo_move_to(cr, x, y - r * 1.25);
        cairo_line_to(cr, x + r * 1.25, y);
        cairo_line_to(cr, x, y + r * 1.25);
        cairo_line_to(cr, x - r * 1.25, y);
        cairo_close_path(cr);
        break;
    case 2:
        cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r);
        break;
    case 3:
        cairo_move_to(cr, x, y - r * 1.2);
        cairo_line_to(cr, x + r * 1.2, y + r * 0.9);
        cairo_line_to(cr, x - r * 1.2, y + r * 0.9);
        cairo_close_path(cr);
        break;
    default:
        cairo_arc(cr, x, y, r, 0, 2 * M_PI);
        break;
    }
}

void ws_plot_marker(cairo_t *cr, double x, double y, int shape, double size, ws_plot_rgb c)
{
    cairo_save(cr);
    marker_path(cr, x, y, shape, size / 2);
    ws_plot_set_color(cr, c, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 1.5);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void ws_plot_marker_hollow(cairo_t *cr, double x, double y, int shape, double size, ws_plot_rgb c)
{
    cairo_save(cr);
    marker_path(cr, x, y, shape, size / 2 - 1);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    ws_plot_set_color(cr, c, 1);
    cairo_set_line_width(cr, 2);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void ws_plot_ring(cairo_t *cr, double x, double y, double size, ws_plot_rgb c)
{
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_arc(cr, x, y, size / 2, 0, 2 * M_PI);
    ws_plot_set_color(cr, c, 1);
    cairo_set_line_width(cr, 2);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void ws_plot_errbar(cairo_t *cr, const ws_plot_panel *p, double x, double dx, double lo, double hi,
                    ws_plot_rgb c, double width, double cap)
{
    if (!isfinite(lo) || !isfinite(hi) || !isfinite(x) || (p->y.t.log && (lo <= 0 || hi <= 0)))
        return;
    /* On whole pixels, so a 2 px bar is two crisp columns in the PNG. */
    double px = round(ws_plot_px(p, x) + dx), y0 = round(ws_plot_py(p, lo)),
           y1 = round(ws_plot_py(p, hi));
    cairo_save(cr);
    clip_to(cr, p);
    ws_plot_set_color(cr, c, 1);
    cairo_set_line_width(cr, width);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_move_to(cr, px, y0);
    cairo_line_to(cr, px, y1);
    cairo_move_to(cr, px - cap / 2, y0);
    cairo_line_to(cr, px + cap / 2, y0);
    cairo_move_to(cr, px - cap / 2, y1);
    cairo_line_to(cr, px + cap / 2, y1);
    cairo_stroke(cr);
    cairo_restore(cr);
}

double ws_plot_tag_draw(cairo_t *cr, double x, double y_mid, const ws_plot_tag *t, double size,
                        bool draw)
{
    bool alarm = t->level == WS_TAG_ALARM;
    ws_plot_font f = {size, true, alarm ? (ws_plot_rgb){1, 1, 1} : WS_PLOT_CAUTION_INK};
    const double pad = size * 0.45;
    double w = ws_plot_text_width(cr, f, t->text) + 2 * pad, h = size * 1.5;
    if (!draw)
        return w;
    /* Whole pixels, so the box has crisp edges in the PNG. */
    double bx = floor(x) + 0.5, by = floor(y_mid - h / 2) + 0.5, bw = ceil(w), bh = ceil(h);
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, bx, by, bw, bh);
    ws_plot_set_color(cr, alarm ? WS_PLOT_ALARM : WS_PLOT_CAUTION_FILL, 1);
    cairo_fill_preserve(cr);
    ws_plot_set_color(cr, alarm ? WS_PLOT_ALARM : WS_PLOT_CAUTION_INK, 1);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    cairo_restore(cr);
    ws_plot_text(cr, f, bx + pad, by + bh / 2, WS_TA_LEFT | WS_TA_MIDDLE, 0, t->text);
    return bw;
}

static void swatch(cairo_t *cr, const ws_plot_legend_item *it, double x, double y, double w,
                   double h)
{
    cairo_save(cr);
    double mid = y + h / 2;
    switch (it->kind) {
    case WS_SW_AREA:
        ws_plot_set_color(cr, it->color, 1);
        cairo_rectangle(cr, x, y + h * 0.12, w, h * 0.76);
        cairo_fill_preserve(cr);
        cairo_set_source_rgba(cr, 0, 0, 0, 0.25);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
        break;
    case WS_SW_DASH: {
        double d[2] = {7, 5};
        cairo_set_dash(cr, d, 2, 0);
    }
        /* fall through */
    case WS_SW_LINE:
    case WS_SW_MARKER_LINE:
        ws_plot_set_color(cr, it->color, 1);
        cairo_set_line_width(cr, 3);
        cairo_move_to(cr, x, mid);
        cairo_line_to(cr, x + w, mid);
        cairo_stroke(cr);
        if (it->kind == WS_SW_MARKER_LINE)
            ws_plot_marker(cr, x + w / 2, mid, it->marker, 11, it->color);
        break;
    case WS_SW_MARKER_HOLLOW:
        ws_plot_marker_hollow(cr, x + w / 2, mid, it->marker, 12, it->color);
        break;
    case WS_SW_MARKER:
        ws_plot_marker(cr, x + w / 2, mid, it->marker, 11, it->color);
        break;
    case WS_SW_RING:
        ws_plot_marker(cr, x + w / 2, mid, it->marker, 9, WS_PLOT_TEXT2);
        ws_plot_ring(cr, x + w / 2, mid, 18, it->color);
        break;
    case WS_SW_ERRBAR:
        ws_plot_set_color(cr, it->color, 1);
        cairo_set_line_width(cr, 2);
        cairo_move_to(cr, x + w / 2, y);
        cairo_line_to(cr, x + w / 2, y + h);
        cairo_move_to(cr, x + w / 2 - 5, y);
        cairo_line_to(cr, x + w / 2 + 5, y);
        cairo_move_to(cr, x + w / 2 - 5, y + h);
        cairo_line_to(cr, x + w / 2 + 5, y + h);
        cairo_stroke(cr);
        break;
    }
    cairo_restore(cr);
}

double ws_plot_legend(cairo_t *cr, double x, double y, double max_w, const ws_plot_legend_item *items,
                      int n, ws_plot_font f, bool draw)
{
    return ws_plot_legend_tagged(cr, x, y, max_w, items, NULL, n, f, draw);
}

double ws_plot_legend_tagged(cairo_t *cr, double x, double y, double max_w,
                             const ws_plot_legend_item *items, const ws_plot_tags *tags, int n,
                             ws_plot_font f, bool draw)
{
    const double sw = 30, gap = 8, sep = 30, row_h = f.size * 1.6, tag_gap = 8;
    const double tag_size = f.size - 3;
    double cx = x, cy = y;
    for (int i = 0; i < n; i++) {
        double w = sw + gap + ws_plot_text_width(cr, f, items[i].label);
        int nt = tags ? tags[i].n : 0;
        for (int k = 0; k < nt; k++)
            w += tag_gap + ws_plot_tag_draw(cr, 0, 0, &tags[i].t[k], tag_size, false);
        if (cx > x && cx + w > x + max_w) {
            cx = x;
            cy += row_h;
        }
        if (draw) {
            swatch(cr, &items[i], cx, cy + (row_h - f.size) / 2 - 1, sw, f.size + 2);
            double tx = cx + sw + gap;
            tx += ws_plot_text(cr, f, tx, cy + row_h / 2, WS_TA_LEFT | WS_TA_MIDDLE, 0,
                               items[i].label);
            for (int k = 0; k < nt; k++)
                tx += tag_gap +
                      ws_plot_tag_draw(cr, tx + tag_gap, cy + row_h / 2, &tags[i].t[k], tag_size,
                                       true);
        }
        cx += w + sep;
    }
    return n ? cy - y + row_h : 0;
}
