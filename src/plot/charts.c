/*
 * charts.c - the charts of a run (ws_plot_dir; docs/charts.md).
 *
 * Every chart has the same frame: a bold title saying what it shows, the
 * scenario's name under it, a legend row, then the panels, then the time
 * axis.  Time-series charts stack one panel per variant with shared axes,
 * so the eye compares variants by position, not by reading numbers; the
 * checkpoint write and sync phases are shaded behind the data.
 *
 * Per-interval quantities (tps, latency, bytes written) are drawn at the
 * middle of their interval; levels measured at the end of an interval
 * (pg_wal size, dirty data) at its end.  An interval in which no
 * transaction completed has no latency: the line has a gap there rather
 * than a misleading 0.
 */
#include "walsim/plot.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "rundir.h"

#define W ((double)WS_PLOT_WIDTH)
#define H ((double)WS_PLOT_HEIGHT)
#define LEFT ((double)WS_PLOT_MARGIN_LEFT)
#define RIGHT (W - WS_PLOT_MARGIN_RIGHT)
#define BOTTOM (H - 74)

/* PostgreSQL's default block size (BLCKSZ, pg_config.h): dirty buffers
 * to bytes. */
#define BLCKSZ 8192.0

static ws_plot_font font(double size, bool bold)
{
    return (ws_plot_font){size, bold, WS_PLOT_TEXT};
}

static ws_plot_font font2(double size)
{
    return (ws_plot_font){size, false, WS_PLOT_TEXT2};
}

#define F_TICK font(16, false)
#define F_AXIS font(18, false)
#define F_LEGEND font(17, false)
#define F_NAME font(18, true)
#define F_REF font(15, false)
#define F_TAG 15.0

/* ------------------------------------------------------------------ */
/* Frame */

static double draw_head(cairo_t *cr, const plot_run *r, const char *what,
                        const ws_plot_legend_item *items, int n_items)
{
    return plot_draw_head(cr, what, r->title, items, n_items);
}

static void draw_time_title(cairo_t *cr, const ws_plot_axis *x, double x0, double x1)
{
    char buf[96];
    ws_plot_axis_title(&x->t, "simulated time", buf, sizeof buf);
    ws_plot_text(cr, F_AXIS, (x0 + x1) / 2, H - 14, WS_TA_CENTER | WS_TA_BOTTOM, 0, buf);
}

static void draw_y_title(cairo_t *cr, const ws_plot_axis *y, const char *what, double x, double y0,
                         double y1)
{
    char buf[128];
    ws_plot_axis_title(&y->t, what, buf, sizeof buf);
    ws_plot_text(cr, F_AXIS, x, (y0 + y1) / 2, WS_TA_CENTER | WS_TA_TOP, -M_PI / 2, buf);
}

/* n panels stacked between top and bottom, each with a caption row above
 * it (the variant's name). */
static void stack_rects(double top, double bottom, double left, double right, size_t n,
                        ws_plot_rect *out)
{
    const double label_h = 28, gap = 14;
    double ph = (bottom - top - (double)n * label_h - (double)(n - 1) * gap) / (double)n;
    for (size_t i = 0; i < n; i++)
        out[i] = (ws_plot_rect){left, top + label_h + (double)i * (ph + label_h + gap), right - left,
                                ph};
}

/* The variant's name above its panel, its warnings as tags after it (the
 * overload in red), then its distinguishing settings (the modelled ones
 * first, rundir.c), smaller or on two lines where they would reach
 * `max_right`.  Tags come before settings: when
 * the full tags do not fit, their short forms ("OVERLOADED") are used,
 * and tags that still do not fit are dropped from the end, with "+N"
 * saying how many. */
static void draw_caption(cairo_t *cr, const plot_variant *v, const ws_plot_rect *r, double max_right)
{
    double w = ws_plot_text(cr, F_NAME, r->x, r->y - 10, WS_TA_LEFT | WS_TA_BOTTOM, 0, v->name);
    double x = r->x + w + 12;
    /* The caption's text runs from y - 10 - ~18 to y - 10: tags centred on it. */
    double mid = r->y - 10 - 9;
    double full = 0;
    for (int i = 0; i < v->n_tags; i++)
        full += ws_plot_tag_draw(cr, x, mid, &v->tags[i], F_TAG, false) + 8;
    const ws_plot_tag *tags = x + full - 8 <= max_right ? v->tags : v->short_tags;
    for (int i = 0; i < v->n_tags; i++) {
        double tw = ws_plot_tag_draw(cr, x, mid, &tags[i], F_TAG, false);
        if (x + tw > max_right) {
            char more[16];
            snprintf(more, sizeof more, "+%d", v->n_tags - i);
            ws_plot_text(cr, font(16, true), x, r->y - 10, WS_TA_LEFT | WS_TA_BOTTOM, 0, more);
            return;
        }
        x += ws_plot_tag_draw(cr, x, mid, &tags[i], F_TAG, true) + 8;
    }
    if (v->n_tags)
        x += 6;
    if (!v->settings || !*v->settings)
        return;
    x += 2;
    /* Never cut: the settings at 16 px, else smaller (down to 12 px),
     * else on two lines of 12 px, broken after a comma; only what does
     * not fit even then ends in "...". */
    ws_plot_font f = font2(16);
    for (double size = 16; size >= 12; size -= 1) {
        f = font2(size);
        if (x + ws_plot_text_width(cr, f, v->settings) <= max_right) {
            ws_plot_text(cr, f, x, r->y - 10, WS_TA_LEFT | WS_TA_BOTTOM, 0, v->settings);
            return;
        }
    }
    char buf[512];
    snprintf(buf, sizeof buf, "%s", v->settings);
    /* the longest first line that fits, ending at a ", " */
    char *cut = NULL;
    for (char *c = strstr(buf, ", "); c; c = strstr(c + 2, ", ")) {
        *c = '\0';
        bool fits = x + ws_plot_text_width(cr, f, buf) <= max_right;
        *c = ',';
        if (!fits)
            break;
        cut = c;
    }
    const char *second = buf;
    if (cut) {
        *cut = '\0';
        ws_plot_text(cr, f, x, r->y - 10 - 14, WS_TA_LEFT | WS_TA_BOTTOM, 0, buf);
        second = cut + 2;
    }
    char line[512];
    snprintf(line, sizeof line, "%s", second);
    size_t n = strlen(line);
    while (n > 0 && x + ws_plot_text_width(cr, f, line) > max_right) {
        /* Drop a character (and any UTF-8 continuation bytes) and retry. */
        do
            n--;
        while (n > 0 && ((unsigned char)line[n] & 0xC0) == 0x80);
        snprintf(line + n, sizeof line - n, "...");
    }
    if (n > 0)
        ws_plot_text(cr, f, x, r->y - 10 + (cut ? 1 : 0), WS_TA_LEFT | WS_TA_BOTTOM, 0, line);
}

/* Notes right-aligned in the caption row above a panel: the values of
 * reference lines, so no label sits on the data. */
typedef struct note {
    char text[128];
    ws_plot_rgb color;
} note;

enum { MAX_NOTES = 4 };

static double draw_notes(cairo_t *cr, const ws_plot_rect *r, const note *notes, int n)
{
    double x = r->x + r->w;
    for (int i = n - 1; i >= 0; i--) {
        ws_plot_font f = {16, false, notes[i].color};
        double w = ws_plot_text_width(cr, f, notes[i].text);
        ws_plot_text(cr, f, x, r->y - 10, WS_TA_RIGHT | WS_TA_BOTTOM, 0, notes[i].text);
        x -= w + 26;
    }
    return x;
}

/* A dashed reference line at y, its value noted in the caption row; a
 * line above the axis range is noted as such instead of drawn. */
static void ref_line(cairo_t *cr, const ws_plot_panel *p, double y, ws_plot_rgb c,
                     const char *what, ws_plot_unit unit, const char *after, note *notes, int *n)
{
    if (!isfinite(y) || *n >= MAX_NOTES)
        return;
    char num[32];
    ws_plot_format_value(y, unit, num, sizeof num);
    bool above = y > p->y.hi * (1 + 1e-9);
    snprintf(notes[*n].text, sizeof notes[*n].text,
             above ? "%s %s%s (\xE2\x86\x91 above the axis)" : "%s %s%s", what, num, after);
    notes[*n].color = c;
    (*n)++;
    ws_plot_hline(cr, p, y, c, 9, NULL, F_REF, NULL);
}

/* Phases denser than one checkpoint per PHASE_MIN_PX pixels (a week of
 * 5-minute checkpoints: 2,016 in 1,400 px) would tint the whole panel and
 * hide nothing but the data's contrast: they go into a strip of
 * PHASE_STRIP_PX at the top of the panel instead, where their rhythm
 * (and a night of back-to-back checkpoints) still shows. */
#define PHASE_MIN_PX 6.0
#define PHASE_STRIP_PX 10.0

static void draw_phases(cairo_t *cr, const ws_plot_panel *p, const plot_variant *v)
{
    size_t shown = 0;
    for (size_t i = 0; i < v->n_spans; i++)
        shown += !v->spans[i].sync && v->spans[i].t1 > p->x.lo && v->spans[i].t0 < p->x.hi;
    bool dense = (double)shown * PHASE_MIN_PX > p->r.w;
    ws_plot_panel strip = *p;
    if (dense)
        strip.r.h = PHASE_STRIP_PX;
    for (size_t i = 0; i < v->n_spans; i++)
        ws_plot_vspan(cr, &strip, v->spans[i].t0, v->spans[i].t1,
                      v->spans[i].sync ? WS_PLOT_SYNC_SHADE : WS_PLOT_WRITE_SHADE, dense ? 1 : 2);
}

/* The part of the time axis outside the variant's measurement window:
 * the warm-up before it and, when rows follow its end, the time after
 * it.  Drawn over the phases and the grid, under the data: a white veil
 * (phases stay visible, paler), a grey, and a thin line at the window's
 * edge. */
static void shade_outside(cairo_t *cr, const ws_plot_panel *p, double t0, double t1, bool at_left)
{
    double a = fmax(ws_plot_px(p, t0), p->r.x), b = fmin(ws_plot_px(p, t1), p->r.x + p->r.w);
    if (!(b > a))
        return;
    cairo_save(cr);
    cairo_rectangle(cr, p->r.x, p->r.y, p->r.w, p->r.h);
    cairo_clip(cr);
    cairo_set_source_rgba(cr, 1, 1, 1, WS_PLOT_WARMUP_VEIL);
    cairo_rectangle(cr, a, p->r.y, b - a, p->r.h);
    cairo_fill(cr);
    ws_plot_set_color(cr, WS_PLOT_WARMUP_INK, WS_PLOT_WARMUP_ALPHA);
    cairo_rectangle(cr, a, p->r.y, b - a, p->r.h);
    cairo_fill(cr);
    double edge = floor(at_left ? b : a) + 0.5;
    ws_plot_set_color(cr, WS_PLOT_TEXT2, 1);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, edge, p->r.y);
    cairo_line_to(cr, edge, p->r.y + p->r.h);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* The spans outside a variant's window: [x.lo, start) and, when rows
 * follow the window's end (timeline.csv in_window 0), [end, x.hi); NAN
 * when there is none.  A last, partial interval ending at the window's
 * end is in the window. */
static void outside_spans(const plot_variant *v, const ws_plot_panel *p, double *warm_to,
                          double *after_from)
{
    *warm_to = *after_from = NAN;
    if (!v->has_window)
        return;
    if (v->win_start > p->x.lo)
        *warm_to = v->win_start;
    if (v->n && v->t_last >= v->win_end - 1e-9 && v->win_end < p->x.hi)
        *after_from = v->win_end;
}

static void draw_warmup(cairo_t *cr, const ws_plot_panel *p, const plot_variant *v)
{
    double w, a;
    outside_spans(v, p, &w, &a);
    if (isfinite(w))
        shade_outside(cr, p, p->x.lo, w, true);
    if (isfinite(a))
        shade_outside(cr, p, a, p->x.hi, false);
}

/* The words "warm-up" (and "after the window") in their band, where no
 * data is drawn: the band's top left corner, else its bottom left, else
 * nowhere (the legend names the shade anyway).  The candidate boxes are
 * set up before the data is drawn, every series drawn in the panel marks
 * the boxes it crosses (wl_mark), and the labels go into the boxes left
 * free (wl_draw), so a label never covers data. */
enum { WL_MAX = 4 };

typedef struct wlabels {
    int n;
    struct {
        double x0, y0, x1, y1;
        bool free;
        int band;
    } c[WL_MAX];
    const char *text[2];
} wlabels;

#define F_WARMUP font(14, false)

static void wl_init(cairo_t *cr, wlabels *wl, const ws_plot_panel *p, double warm_to,
                    const char *warm_text, double after_from)
{
    memset(wl, 0, sizeof *wl);
    wl->text[0] = warm_text;
    wl->text[1] = "after the window";
    double spans[2][2] = {{p->x.lo, warm_to}, {after_from, p->x.hi}};
    for (int band = 0; band < 2; band++) {
        if (!isfinite(spans[band][0]) || !isfinite(spans[band][1]))
            continue;
        double a = fmax(ws_plot_px(p, spans[band][0]), p->r.x);
        double b = fmin(ws_plot_px(p, spans[band][1]), p->r.x + p->r.w);
        double w = ws_plot_text_width(cr, F_WARMUP, wl->text[band]) + 8, h = 14 + 6;
        if (w + 6 > b - a)
            continue; /* too narrow for the word */
        for (int top = 1; top >= 0; top--) {
            double y0 = top ? p->r.y + 3 : p->r.y + p->r.h - 3 - h;
            wl->c[wl->n].x0 = a + 3;
            wl->c[wl->n].x1 = a + 3 + w;
            wl->c[wl->n].y0 = y0;
            wl->c[wl->n].y1 = y0 + h;
            wl->c[wl->n].free = true;
            wl->c[wl->n].band = band;
            wl->n++;
        }
    }
}

/* A series drawn in the panel: points (x[i], y[i]) joined by lines (NAN
 * breaks them); `area` when it is filled down to the axis (a stack's
 * top). */
static void wl_mark(wlabels *wl, const ws_plot_panel *p, const double *x, const double *y, size_t n,
                    bool area)
{
    const double pad = 2;
    bool have = false;
    double px0 = 0, py0 = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i]) || (p->y.t.log && y[i] <= 0)) {
            have = false;
            continue;
        }
        double px = ws_plot_px(p, x[i]), py = ws_plot_py(p, y[i]);
        double xa = have ? fmin(px0, px) : px, xb = have ? fmax(px0, px) : px;
        double ya = have ? fmin(py0, py) : py, yb = have ? fmax(py0, py) : py;
        if (area)
            yb = p->r.y + p->r.h;
        for (int k = 0; k < wl->n; k++)
            if (xb >= wl->c[k].x0 - pad && xa <= wl->c[k].x1 + pad && yb >= wl->c[k].y0 - pad &&
                ya <= wl->c[k].y1 + pad)
                wl->c[k].free = false;
        px0 = px;
        py0 = py;
        have = true;
    }
}

/* A horizontal line across x0..x1 (a reference line). */
static void wl_mark_hline(wlabels *wl, const ws_plot_panel *p, double y, double x0, double x1)
{
    if (!isfinite(y) || y > p->y.hi || y < p->y.lo)
        return;
    double xs2[2] = {x0, x1}, ys2[2] = {y, y};
    wl_mark(wl, p, xs2, ys2, 2, false);
}

static void wl_draw(cairo_t *cr, const wlabels *wl)
{
    bool done[2] = {false, false};
    for (int k = 0; k < wl->n; k++) {
        int band = wl->c[k].band;
        if (!wl->c[k].free || done[band])
            continue;
        done[band] = true;
        ws_plot_text(cr, F_WARMUP, wl->c[k].x0 + 4, (wl->c[k].y0 + wl->c[k].y1) / 2,
                     WS_TA_LEFT | WS_TA_MIDDLE, 0, wl->text[band]);
    }
}

/* The shading and the label boxes of one variant's panel. */
static void warmup_begin(cairo_t *cr, wlabels *wl, const ws_plot_panel *p, const plot_variant *v)
{
    double w, a;
    outside_spans(v, p, &w, &a);
    draw_warmup(cr, p, v);
    wl_init(cr, wl, p, w, "warm-up", a);
}

static const ws_plot_legend_item LEG_WARMUP = {"warm-up (outside the measurement window)",
                                               {0xDF / 255.0, 0xDF / 255.0, 0xDF / 255.0},
                                               WS_SW_AREA, 0};

/* Appends the warm-up's legend item when a chart shades one. */
static void add_warmup_item(const plot_run *r, ws_plot_legend_item *items, int *n)
{
    if (plot_run_has_warmup(r))
        items[(*n)++] = LEG_WARMUP;
}

static const ws_plot_legend_item LEG_WRITE = {"checkpoint write phase", {0xDD / 255.0, 0xEB / 255.0, 0xF7 / 255.0}, WS_SW_AREA, 0};
static const ws_plot_legend_item LEG_SYNC = {"checkpoint sync phase", {0xF9 / 255.0, 0xD2 / 255.0, 0x8C / 255.0}, WS_SW_AREA, 0};

/* ------------------------------------------------------------------ */
/* Series helpers */

/* Does any variant have the limit at byte offset `off` of plot_variant
 * (summary.json's limits are optional)? */
static bool any_limit(const plot_run *r, size_t off)
{
    for (size_t k = 0; k < r->nv; k++)
        if (isfinite(*(const double *)((const char *)&r->v[k] + off)))
            return true;
    return false;
}

/* Removes the legend item `label` when `keep` is false: the legend
 * names only what the chart draws. */
static void keep_item(ws_plot_legend_item *items, int *n, const char *label, bool keep)
{
    if (keep)
        return;
    for (int i = 0; i < *n; i++)
        if (strcmp(items[i].label, label) == 0) {
            memmove(items + i, items + i + 1, (size_t)(*n - i - 1) * sizeof *items);
            (*n)--;
            return;
        }
}

/* A little room above the highest value, so a series that sits at its
 * maximum (pg_wal at max_wal_size) is not drawn on the frame. */
#define HEAD(x) ((x) * 1.03)

typedef struct xs {
    double *mid, *end; /* per variant: interval middles and ends */
} xs;

static int make_xs(const plot_variant *v, xs *x, ws_diag *err)
{
    x->mid = malloc(v->n * sizeof *x->mid);
    x->end = malloc(v->n * sizeof *x->end);
    if (!x->mid || !x->end) {
        free(x->mid);
        free(x->end);
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    for (size_t i = 0; i < v->n; i++) {
        x->mid[i] = v->t[i] + v->dt / 2;
        x->end[i] = v->t[i] + v->dt;
    }
    return WS_OK;
}

static void free_xs(xs *x)
{
    free(x->mid);
    free(x->end);
}

/* A scratch array of n doubles per call site. */
static double *scratch(size_t n, ws_diag *err)
{
    double *p = malloc((n ? n : 1) * sizeof *p);
    if (!p)
        ws_diag_set(err, NULL, 0, "out of memory");
    return p;
}

/* Latency of an interval, NAN when it completed no transaction. */
static double lat_at(const plot_variant *v, plot_tcol c, size_t i)
{
    return v->col[PLOT_TPS][i] > 0 ? v->col[c][i] : NAN;
}

static double col_max(const plot_run *r, plot_tcol c, double scale_by_dt)
{
    double m = 0;
    for (size_t k = 0; k < r->nv; k++)
        for (size_t i = 0; i < r->v[k].n; i++) {
            double x = r->v[k].col[c][i] / (scale_by_dt ? r->v[k].dt : 1);
            if (isfinite(x) && x > m)
                m = x;
        }
    return m;
}

/* Whether interval i of v's throughput is a burst: over 3 times the
 * median of the (up to) 10 intervals around it.  A variant that stalls
 * and then releases its backlog completes many times its rate in one
 * interval (oltp-200gb-pgbench, overloaded: 39,000 tx/s once over a
 * 695 tx/s average); a load that rises for an hour is no burst, its
 * neighbours rise with it. */
static bool tps_burst(const plot_variant *v, size_t i)
{
    double y = v->col[PLOT_TPS][i], near[10];
    if (!isfinite(y) || y <= 0)
        return false;
    int n = 0;
    size_t lo = i >= 5 ? i - 5 : 0, hi = i + 5 < v->n ? i + 5 : v->n - 1;
    for (size_t j = lo; j <= hi; j++) {
        double x = v->col[PLOT_TPS][j];
        if (j == i || !isfinite(x))
            continue;
        int k = n++; /* insertion sort: at most 10 */
        while (k > 0 && near[k - 1] > x) {
            near[k] = near[k - 1];
            k--;
        }
        near[k] = x;
    }
    if (n < 4)
        return false;
    double med = n % 2 ? near[n / 2] : (near[n / 2 - 1] + near[n / 2]) / 2;
    return y > 3 * med;
}

/* The top of a throughput axis: the largest interval that is not a
 * burst (tps_burst), so that a few bursts do not squash every line
 * against the bottom; bursts above it run off the top of the frame, with
 * a note (above_note).  Without bursts, the largest interval. */
static double tps_top(const plot_run *r)
{
    double top = 0;
    for (size_t k = 0; k < r->nv; k++)
        for (size_t i = 0; i < r->v[k].n; i++) {
            double y = r->v[k].col[PLOT_TPS][i];
            if (isfinite(y) && y > top && !tps_burst(&r->v[k], i))
                top = y;
        }
    return top > 0 ? top : col_max(r, PLOT_TPS, 0);
}

/* How many intervals of v's throughput are above `top`; *hi gets the
 * highest (left as it is when none is). */
static size_t above_count(const plot_variant *v, double top, double *hi)
{
    size_t above = 0;
    for (size_t i = 0; i < v->n; i++) {
        double y = v->col[PLOT_TPS][i];
        if (isfinite(y) && y > top) {
            above++;
            *hi = fmax(*hi, y);
        }
    }
    return above;
}

/* The note for `above` intervals up to `hi` above the axis, so that a
 * spike cut by the frame is read as a burst, not as the scale; `brief`
 * for a panel whose title leaves little room (the overview's). */
static void above_note(size_t above, double hi, bool brief, note *notes, int *nn)
{
    if (above == 0 || *nn >= MAX_NOTES)
        return;
    char num[32];
    ws_plot_format_value(hi, WS_PU_PLAIN, num, sizeof num);
    if (brief)
        snprintf(notes[*nn].text, sizeof notes[*nn].text, "%zu above (max %s)", above, num);
    else
        snprintf(notes[*nn].text, sizeof notes[*nn].text,
                 "%zu interval%s above the axis (up to %s tx/s)", above, above == 1 ? "" : "s", num);
    notes[*nn].color = WS_PLOT_TEXT2;
    (*nn)++;
}

/* The top of a shared axis: the data maximum, or a limit line when it is
 * close enough above the data (at most `slack` times the data) to be
 * worth showing; a limit far above is labelled "above the axis". */
static double with_limits(double data_max, const double *limits, size_t n, double slack)
{
    double hi = data_max;
    for (size_t i = 0; i < n; i++)
        if (isfinite(limits[i]) && limits[i] * 1.05 > hi &&
            (data_max <= 0 || limits[i] <= slack * data_max))
            hi = limits[i] * 1.05; /* room above the line, off the frame */
    return hi > 0 ? hi : 1;
}

/* ------------------------------------------------------------------ */
/* 1. latency */

typedef struct chart_ctx {
    const plot_run *r;
    const ws_plot_options *opts;
} chart_ctx;

static bool latency_log(const plot_run *r, ws_plot_scale scale, double *lo, double *hi)
{
    double mn = INFINITY, mx = 0;
    for (size_t k = 0; k < r->nv; k++)
        for (size_t i = 0; i < r->v[k].n; i++) {
            /* only what the time axis shows (a zoom shows part of the run) */
            if (r->v[k].t[i] + r->v[k].dt <= r->t0 || r->v[k].t[i] >= r->t1)
                continue;
            double p50 = lat_at(&r->v[k], PLOT_P50, i), m = lat_at(&r->v[k], PLOT_MAX, i);
            if (p50 > 0 && p50 < mn)
                mn = p50;
            if (m > mx)
                mx = m;
        }
    if (!isfinite(mn))
        mn = mx > 0 ? mx / 10 : 1;
    *lo = mn;
    *hi = mx > 0 ? mx : 1;
    /* Auto: one linear axis cannot show a 6 ms median and a 600 ms max
     * both readably; past 30x the median would be a flat line at 0. */
    return scale == WS_PLOT_SCALE_LOG || (scale == WS_PLOT_SCALE_AUTO && *hi / *lo > 30);
}

/* "per second", "per minute", "per 10 s": what one row of the timeline
 * covers (every variant has the same interval). */
static void per_interval(const plot_run *r, char *buf, size_t len)
{
    double dt = r->nv ? r->v[0].dt : 1;
    if (fabs(dt - 1) < 1e-9)
        snprintf(buf, len, "per second");
    else if (fabs(dt - 60) < 1e-9)
        snprintf(buf, len, "per minute");
    else if (fabs(dt - 3600) < 1e-9)
        snprintf(buf, len, "per hour");
    else {
        char v[32];
        ws_plot_format_value(dt * 1e3, WS_PU_MS, v, sizeof v);
        snprintf(buf, len, "per %s interval", v);
    }
}

static int latency_chart(cairo_t *cr, const chart_ctx *cx, const char *title, ws_diag *err);

static int chart_latency(cairo_t *cr, const chart_ctx *cx, ws_diag *err)
{
    char per[48], title[160];
    per_interval(cx->r, per, sizeof per);
    snprintf(title, sizeof title, "Transaction latency %s: p50, p99 and max", per);
    return latency_chart(cr, cx, title, err);
}

/* The worst hour: of every hour-long stretch of rows inside a variant's
 * measurement window, the one with the highest mean p99 (a sustained
 * slowdown, such as a nightly batch, rather than one noisy interval),
 * found while timeline.csv was read (rundir.c); none when the run is not
 * long enough (6 h) for a zoom to add anything.  The zoom draws the
 * hour's rows whole, also of a variant whose rows were decimated. */
static int chart_worst_hour(cairo_t *cr, const chart_ctx *cx, ws_diag *err)
{
    const plot_run *r = cx->r;
    if (!r->zoom) {
        ws_diag_set(err, NULL, 0, "internal error: worst-hour.png drawn for a short run");
        return WS_EINPUT;
    }
    double a = r->zoom_at;
    plot_run z = *r;
    z.t0 = a;
    z.t1 = a + PLOT_ZOOM_SPAN;
    z.v = malloc((r->nv ? r->nv : 1) * sizeof *z.v);
    if (!z.v) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    for (size_t k = 0; k < r->nv; k++) {
        z.v[k] = r->v[k];
        if (r->v[k].decimated) {
            z.v[k].n = r->v[k].zn;
            z.v[k].t = r->v[k].zt;
            memcpy(z.v[k].col, r->v[k].zcol, sizeof z.v[k].col);
        }
    }
    chart_ctx zc = {&z, cx->opts};
    char per[48], when[48], p99[32], title[256];
    per_interval(r, per, sizeof per);
    ws_plot_ticks t;
    ws_plot_ticks_linear(z.t0, z.t1, 8, WS_PU_TIME, &t);
    ws_plot_tick_label(&t, z.t0, when, sizeof when);
    ws_plot_format_value(r->zoom_worst, WS_PU_MS, p99, sizeof p99);
    snprintf(title, sizeof title, "The worst hour (from %s): latency %s, mean p99 %s (%s)", when,
             per, p99, r->v[r->zoom_which].name);
    int rc = latency_chart(cr, &zc, title, err);
    free(z.v);
    return rc;
}

static int latency_chart(cairo_t *cr, const chart_ctx *cx, const char *title, ws_diag *err)
{
    const plot_run *r = cx->r;
    /* a sampled run's max is that of the transactions simulated one by
     * one: at 1 in 1,000, of 3,000 a minute where the system ran 3 million */
    char max_label[64] = "max";
    if (r->tx_rate > 0 && r->tx_rate < 1)
        snprintf(max_label, sizeof max_label, "max (of the 1 in %.0f simulated)", 1 / r->tx_rate);
    ws_plot_legend_item items[6] = {
        {"p50 (median)", WS_OI_BLUE, WS_SW_LINE, 0},
        {"p99", WS_OI_VERMILLION, WS_SW_LINE, 0},
        {max_label, {0.45, 0.45, 0.45}, WS_SW_LINE, 0},
        LEG_WRITE,
        LEG_SYNC,
    };
    int n_items = 5;
    add_warmup_item(r, items, &n_items);
    double top = draw_head(cr, r, title, items, n_items);
    ws_plot_rect *rects = calloc(r->nv, sizeof *rects);
    if (!rects) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    stack_rects(top, BOTTOM, LEFT, RIGHT, r->nv, rects);
    double lo, hi;
    bool log = latency_log(r, cx->opts->latency_scale, &lo, &hi);
    ws_plot_axis ya;
    if (log)
        ws_plot_axis_fit_log(&ya, lo, HEAD(hi), WS_PU_MS);
    else
        ws_plot_axis_fit(&ya, 0, HEAD(hi), rects[0].h, 45, WS_PU_MS);
    ws_plot_axis xa;
    ws_plot_axis_time(&xa, r->t0, r->t1, RIGHT - LEFT, 120);
    int rc = WS_OK;
    for (size_t k = 0; k < r->nv && rc == WS_OK; k++) {
        const plot_variant *v = &r->v[k];
        ws_plot_panel p = {rects[k], xa, ya};
        xs x;
        double *y = scratch(v->n, err);
        if (!y || (rc = make_xs(v, &x, err)) != WS_OK) {
            free(y);
            rc = rc != WS_OK ? rc : WS_ENOMEM;
            break;
        }
        draw_phases(cr, &p, v);
        ws_plot_panel_grid(cr, &p);
        wlabels wl;
        warmup_begin(cr, &wl, &p, v);
        const struct {
            plot_tcol c;
            ws_plot_rgb color;
            double width;
        } lines[] = {{PLOT_MAX, {0.45, 0.45, 0.45}, 1.0},
                     {PLOT_P99, WS_OI_VERMILLION, 1.6},
                     {PLOT_P50, WS_OI_BLUE, 2.0}};
        for (int s = 0; s < 3; s++) {
            for (size_t i = 0; i < v->n; i++)
                y[i] = lat_at(v, lines[s].c, i);
            ws_plot_line(cr, &p, x.mid, y, v->n, lines[s].color, lines[s].width, 0);
            wl_mark(&wl, &p, x.mid, y, v->n, false);
        }
        wl_draw(cr, &wl);
        if (v->n_cdf == 0 && v->transactions == 0)
            ws_plot_text(cr, F_AXIS, p.r.x + p.r.w / 2, p.r.y + p.r.h / 2,
                         WS_TA_CENTER | WS_TA_MIDDLE, 0, "no transactions completed");
        ws_plot_panel_frame(cr, &p);
        ws_plot_panel_ylabels(cr, &p, F_TICK);
        if (k + 1 == r->nv)
            ws_plot_panel_xlabels(cr, &p, F_TICK);
        draw_caption(cr, v, &rects[k], RIGHT);
        free(y);
        free_xs(&x);
    }
    if (rc == WS_OK) {
        draw_y_title(cr, &ya, "latency", 22, rects[0].y, rects[r->nv - 1].y + rects[r->nv - 1].h);
        draw_time_title(cr, &xa, LEFT, RIGHT);
    }
    free(rects);
    return rc;
}

/* ------------------------------------------------------------------ */
/* 2. throughput */

static int chart_throughput(cairo_t *cr, const chart_ctx *cx, ws_diag *err)
{
    const plot_run *r = cx->r;
    /* With a window (schema 2), summary.json's tps is the window's
     * average: the line spans the window only. */
    bool windowed = false;
    for (size_t k = 0; k < r->nv; k++)
        windowed = windowed || r->v[k].has_window;
    ws_plot_legend_item items[5] = {
        {"transactions per second", WS_OI_BLUE, WS_SW_LINE, 0},
        {windowed ? "window average" : "run average", WS_OI_BLACK, WS_SW_DASH, 0},
        LEG_WRITE,
        LEG_SYNC,
    };
    int n_items = 4;
    add_warmup_item(r, items, &n_items);
    double top = draw_head(cr, r, "Throughput: transactions completed per second", items, n_items);
    ws_plot_rect *rects = calloc(r->nv, sizeof *rects);
    if (!rects) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    stack_rects(top, BOTTOM, LEFT, RIGHT, r->nv, rects);
    ws_plot_axis ya, xa;
    ws_plot_axis_fit(&ya, 0, HEAD(tps_top(r)), rects[0].h, 45, WS_PU_PLAIN);
    ws_plot_axis_time(&xa, r->t0, r->t1, RIGHT - LEFT, 120);
    int rc = WS_OK;
    for (size_t k = 0; k < r->nv && rc == WS_OK; k++) {
        const plot_variant *v = &r->v[k];
        ws_plot_panel p = {rects[k], xa, ya};
        xs x;
        if ((rc = make_xs(v, &x, err)) != WS_OK)
            break;
        draw_phases(cr, &p, v);
        ws_plot_panel_grid(cr, &p);
        wlabels wl;
        warmup_begin(cr, &wl, &p, v);
        ws_plot_line(cr, &p, x.mid, v->col[PLOT_TPS], v->n, WS_OI_BLUE, 1.6, 0);
        wl_mark(&wl, &p, x.mid, v->col[PLOT_TPS], v->n, false);
        note notes[MAX_NOTES];
        int nn = 0;
        if (v->has_window) {
            ws_plot_panel wp = p;
            wp.x.lo = fmax(p.x.lo, v->win_start);
            wp.x.hi = fmin(p.x.hi, v->win_end);
            wp.r.x = ws_plot_px(&p, wp.x.lo);
            wp.r.w = ws_plot_px(&p, wp.x.hi) - wp.r.x;
            if (wp.r.w > 0)
                ref_line(cr, &wp, v->tps, WS_OI_BLACK, "window average", WS_PU_PLAIN, " tps", notes,
                         &nn);
            wl_mark_hline(&wl, &p, v->tps, wp.x.lo, wp.x.hi);
        } else
            ref_line(cr, &p, v->tps, WS_OI_BLACK, "run average", WS_PU_PLAIN, " tps", notes, &nn);
        double hi = 0;
        size_t above = above_count(v, ya.hi, &hi);
        above_note(above, hi, false, notes, &nn);
        wl_draw(cr, &wl);
        ws_plot_panel_frame(cr, &p);
        ws_plot_panel_ylabels(cr, &p, F_TICK);
        if (k + 1 == r->nv)
            ws_plot_panel_xlabels(cr, &p, F_TICK);
        draw_caption(cr, v, &rects[k], draw_notes(cr, &rects[k], notes, nn) - 20);
        free_xs(&x);
    }
    if (rc == WS_OK) {
        draw_y_title(cr, &ya, "transactions per second", 22, rects[0].y,
                     rects[r->nv - 1].y + rects[r->nv - 1].h);
        draw_time_title(cr, &xa, LEFT, RIGHT);
    }
    free(rects);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Two-column charts: a row per variant, a quantity per column. */

#define COL_GAP 130.0

/* Rows of panels under a header row that names each column's quantity
 * and unit (in place of rotated axis titles, which would collide with
 * the captions between the columns). */
static void two_columns(double top, size_t n, ws_plot_rect *left, ws_plot_rect *right)
{
    double mid = (LEFT + RIGHT) / 2;
    stack_rects(top + 32, BOTTOM, LEFT, mid - COL_GAP / 2 + 10, n, left);
    stack_rects(top + 32, BOTTOM, mid + COL_GAP / 2 + 10, RIGHT, n, right);
}

/* Where a caption of the left column must end: before the notes of the
 * right column's caption row, and short of the right column's tick
 * labels (which start about 70 px left of its panel). */
static double caption_right(const ws_plot_rect *left, double notes_left)
{
    return fmin(notes_left - 20, left->x + left->w + COL_GAP - 90);
}

static void column_titles(cairo_t *cr, const ws_plot_rect *lr, const ws_plot_rect *rr,
                          const ws_plot_axis *ly, const ws_plot_axis *ry, const char *lwhat,
                          const char *rwhat, const ws_plot_axis *xa)
{
    char buf[256];
    double y = lr[0].y - 28 - 8;
    ws_plot_axis_title(&ly->t, lwhat, buf, sizeof buf);
    ws_plot_text(cr, font(18, true), lr[0].x - 70, y, WS_TA_LEFT | WS_TA_BOTTOM, 0, buf);
    ws_plot_axis_title(&ry->t, rwhat, buf, sizeof buf);
    ws_plot_text(cr, font(18, true), rr[0].x - 70, y, WS_TA_LEFT | WS_TA_BOTTOM, 0, buf);
    draw_time_title(cr, xa, LEFT, RIGHT);
}

/* ------------------------------------------------------------------ */
/* 3. wal */

static int chart_wal(cairo_t *cr, const chart_ctx *cx, ws_diag *err)
{
    const plot_run *r = cx->r;
    ws_plot_legend_item items[7] = {
        {"full-page images", WS_OI_ORANGE, WS_SW_AREA, 0},
        {"WAL records", WS_OI_BLUE, WS_SW_AREA, 0},
        {"pg_wal size", WS_OI_BLACK, WS_SW_LINE, 0},
        {"max_wal_size", WS_OI_VERMILLION, WS_SW_DASH, 0},
        LEG_WRITE,
        LEG_SYNC,
    };
    int n_items = 6;
    add_warmup_item(r, items, &n_items);
    keep_item(items, &n_items, "max_wal_size", any_limit(r, offsetof(plot_variant, max_wal_size)));
    double top = draw_head(cr, r, "WAL: written per second by kind, and the size of pg_wal", items,
                           n_items);
    ws_plot_rect *lr = calloc(r->nv, sizeof *lr), *rr = calloc(r->nv, sizeof *rr);
    double *lim = calloc(r->nv, sizeof *lim);
    if (!lr || !rr || !lim) {
        free(lr);
        free(rr);
        free(lim);
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    two_columns(top, r->nv, lr, rr);
    double wal_max = 0;
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        for (size_t i = 0; i < v->n; i++) {
            double s = (fmax(v->col[PLOT_WAL_FPI][i], 0) + fmax(v->col[PLOT_WAL_REC][i], 0)) / v->dt;
            if (s > wal_max)
                wal_max = s;
        }
    }
    /* pg_wal on one scale for every variant, so the panels compare by
     * height (the question is often "how much more disk does the tuned
     * variant need"); a max_wal_size line is on the axis when it is
     * within 1.5 times the largest pg_wal, else labelled above it. */
    double pg_max = 0;
    for (size_t k = 0; k < r->nv; k++) {
        for (size_t i = 0; i < r->v[k].n; i++)
            pg_max = fmax(pg_max, r->v[k].col[PLOT_PG_WAL][i]);
        lim[k] = r->v[k].max_wal_size;
    }
    ws_plot_axis pg_axis;
    ws_plot_axis_fit(&pg_axis, 0, HEAD(with_limits(pg_max, lim, r->nv, 1.5)), rr[0].h, 45,
                     WS_PU_BYTES);
    pg_axis.t.label_units = true;
    ws_plot_axis ly, xl, xr;
    ws_plot_axis_fit(&ly, 0, HEAD(wal_max), lr[0].h, 45, WS_PU_BYTE_RATE);
    ws_plot_axis_time(&xl, r->t0, r->t1, lr[0].w, 110);
    ws_plot_axis_time(&xr, r->t0, r->t1, rr[0].w, 110);
    int rc = WS_OK;
    for (size_t k = 0; k < r->nv && rc == WS_OK; k++) {
        const plot_variant *v = &r->v[k];
        xs x;
        double *fpi = scratch(v->n, err), *rec = scratch(v->n, err), *tot = scratch(v->n, err);
        if (!fpi || !rec || !tot || (rc = make_xs(v, &x, err)) != WS_OK) {
            free(fpi);
            free(rec);
            free(tot);
            rc = rc != WS_OK ? rc : WS_ENOMEM;
            break;
        }
        for (size_t i = 0; i < v->n; i++) {
            fpi[i] = v->col[PLOT_WAL_FPI][i] / v->dt;
            rec[i] = v->col[PLOT_WAL_REC][i] / v->dt;
            tot[i] = fmax(fpi[i], 0) + fmax(rec[i], 0);
        }
        ws_plot_axis ry = pg_axis;
        ws_plot_panel pl = {lr[k], xl, ly}, pr = {rr[k], xr, ry};
        draw_phases(cr, &pl, v);
        draw_phases(cr, &pr, v);
        ws_plot_panel_grid(cr, &pl);
        ws_plot_panel_grid(cr, &pr);
        wlabels wll, wlr;
        warmup_begin(cr, &wll, &pl, v);
        warmup_begin(cr, &wlr, &pr, v);
        const double *layers[2] = {fpi, rec};
        const ws_plot_rgb colors[2] = {WS_OI_ORANGE, WS_OI_BLUE};
        ws_plot_stack(cr, &pl, x.mid, layers, colors, 2, v->n);
        wl_mark(&wll, &pl, x.mid, tot, v->n, true);
        note notes[MAX_NOTES];
        int nn = 0;
        ref_line(cr, &pr, v->max_wal_size, WS_OI_VERMILLION, "max_wal_size", WS_PU_BYTES, "",
                 notes, &nn);
        wl_mark_hline(&wlr, &pr, v->max_wal_size, pr.x.lo, pr.x.hi);
        ws_plot_line(cr, &pr, x.end, v->col[PLOT_PG_WAL], v->n, WS_OI_BLACK, 2, 0);
        wl_mark(&wlr, &pr, x.end, v->col[PLOT_PG_WAL], v->n, false);
        wl_draw(cr, &wll);
        wl_draw(cr, &wlr);
        double free_right = draw_notes(cr, &rr[k], notes, nn);
        for (int side = 0; side < 2; side++) {
            const ws_plot_panel *p = side ? &pr : &pl;
            ws_plot_panel_frame(cr, p);
            ws_plot_panel_ylabels(cr, p, F_TICK);
            if (k + 1 == r->nv)
                ws_plot_panel_xlabels(cr, p, F_TICK);
        }
        draw_caption(cr, v, &lr[k], caption_right(&lr[k], free_right));
        free(fpi);
        free(rec);
        free(tot);
        free_xs(&x);
    }
    if (rc == WS_OK) {
        ws_plot_axis ry = ly;
        ry.t.label_units = true; /* no unit in the title: the labels carry it */
        column_titles(cr, lr, rr, &ly, &ry, "WAL written per second",
                      "pg_wal size (one scale)", &xl);
    }
    free(lr);
    free(rr);
    free(lim);
    return rc;
}

/* ------------------------------------------------------------------ */
/* 4. dirty */

static int chart_dirty(cairo_t *cr, const chart_ctx *cx, ws_diag *err)
{
    const plot_run *r = cx->r;
    ws_plot_legend_item items[8] = {
        {"dirty shared buffers", WS_OI_BLUE, WS_SW_LINE, 0},
        {"OS dirty", WS_OI_VERMILLION, WS_SW_LINE, 0},
        {"OS under writeback", WS_OI_SKY, WS_SW_LINE, 0},
        {"background writeback threshold", WS_OI_GREEN, WS_SW_DASH, 0},
        {"throttling threshold", WS_OI_BLACK, WS_SW_DASH, 0},
        LEG_WRITE,
        LEG_SYNC,
    };
    int n_items = 7;
    keep_item(items, &n_items, "background writeback threshold",
              any_limit(r, offsetof(plot_variant, dirty_background)));
    keep_item(items, &n_items, "throttling threshold",
              any_limit(r, offsetof(plot_variant, dirty_limit)));
    if (plot_run_has_warmup(r))
        items[n_items++] = LEG_WARMUP;
    double top = draw_head(cr, r, "Dirty data: in shared buffers, and in the OS page cache", items,
                           n_items);
    ws_plot_rect *lr = calloc(r->nv, sizeof *lr), *rr = calloc(r->nv, sizeof *rr);
    double *lim = calloc(2 * r->nv + 1, sizeof *lim);
    if (!lr || !rr || !lim) {
        free(lr);
        free(rr);
        free(lim);
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    two_columns(top, r->nv, lr, rr);
    double buf_max = col_max(r, PLOT_DIRTY_BUFFERS, 0) * BLCKSZ;
    double os_max = fmax(col_max(r, PLOT_OS_DIRTY, 0), col_max(r, PLOT_OS_WRITEBACK, 0));
    double *sb = calloc(r->nv + 1, sizeof *sb);
    if (!sb) {
        free(lr);
        free(rr);
        free(lim);
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    for (size_t k = 0; k < r->nv; k++) {
        lim[2 * k] = r->v[k].dirty_background;
        lim[2 * k + 1] = r->v[k].dirty_limit;
        sb[k] = r->v[k].shared_buffers;
    }
    bool same_sb = true;
    for (size_t k = 1; k < r->nv; k++)
        same_sb = same_sb && (sb[k] == sb[0] || (isnan(sb[k]) && isnan(sb[0])));
    ws_plot_axis ly, ry, xl, xr;
    ws_plot_axis_fit(&ly, 0, HEAD(with_limits(buf_max, sb, r->nv, 1.5)), lr[0].h, 45, WS_PU_BYTES);
    ws_plot_axis_fit(&ry, 0, HEAD(with_limits(os_max, lim, 2 * r->nv, 2.5)), rr[0].h, 45, WS_PU_BYTES);
    ws_plot_axis_time(&xl, r->t0, r->t1, lr[0].w, 110);
    ws_plot_axis_time(&xr, r->t0, r->t1, rr[0].w, 110);
    int rc = WS_OK;
    for (size_t k = 0; k < r->nv && rc == WS_OK; k++) {
        const plot_variant *v = &r->v[k];
        xs x;
        double *bytes = scratch(v->n, err);
        if (!bytes || (rc = make_xs(v, &x, err)) != WS_OK) {
            free(bytes);
            rc = rc != WS_OK ? rc : WS_ENOMEM;
            break;
        }
        for (size_t i = 0; i < v->n; i++)
            bytes[i] = v->col[PLOT_DIRTY_BUFFERS][i] * BLCKSZ;
        ws_plot_panel pl = {lr[k], xl, ly}, pr = {rr[k], xr, ry};
        draw_phases(cr, &pl, v);
        draw_phases(cr, &pr, v);
        ws_plot_panel_grid(cr, &pl);
        ws_plot_panel_grid(cr, &pr);
        wlabels wll, wlr;
        warmup_begin(cr, &wll, &pl, v);
        warmup_begin(cr, &wlr, &pr, v);
        ws_plot_line(cr, &pl, x.end, bytes, v->n, WS_OI_BLUE, 2, 0);
        ws_plot_line(cr, &pr, x.end, v->col[PLOT_OS_WRITEBACK], v->n, WS_OI_SKY, 1.6, 0);
        ws_plot_line(cr, &pr, x.end, v->col[PLOT_OS_DIRTY], v->n, WS_OI_VERMILLION, 2, 0);
        wl_mark(&wll, &pl, x.end, bytes, v->n, false);
        wl_mark(&wlr, &pr, x.end, v->col[PLOT_OS_WRITEBACK], v->n, false);
        wl_mark(&wlr, &pr, x.end, v->col[PLOT_OS_DIRTY], v->n, false);
        note nl[MAX_NOTES], nr[MAX_NOTES];
        int nnl = 0, nnr = 0;
        ref_line(cr, &pl, v->shared_buffers, WS_PLOT_AXIS, "shared_buffers", WS_PU_BYTES, "", nl,
                 &nnl);
        ref_line(cr, &pr, v->dirty_background, WS_OI_GREEN, "background writeback", WS_PU_BYTES,
                 "", nr, &nnr);
        ref_line(cr, &pr, v->dirty_limit, WS_OI_BLACK, "throttling", WS_PU_BYTES, "", nr, &nnr);
        wl_mark_hline(&wll, &pl, v->shared_buffers, pl.x.lo, pl.x.hi);
        wl_mark_hline(&wlr, &pr, v->dirty_background, pr.x.lo, pr.x.hi);
        wl_mark_hline(&wlr, &pr, v->dirty_limit, pr.x.lo, pr.x.hi);
        wl_draw(cr, &wll);
        wl_draw(cr, &wlr);
        double free_right = draw_notes(cr, &rr[k], nr, nnr);
        /* shared_buffers is noted in the column header when every variant
         * has the same; otherwise after the caption, in the left column. */
        if (!same_sb)
            free_right = fmin(free_right, draw_notes(cr, &lr[k], nl, nnl));
        for (int side = 0; side < 2; side++) {
            const ws_plot_panel *p = side ? &pr : &pl;
            ws_plot_panel_frame(cr, p);
            ws_plot_panel_ylabels(cr, p, F_TICK);
            if (k + 1 == r->nv)
                ws_plot_panel_xlabels(cr, p, F_TICK);
        }
        draw_caption(cr, v, &lr[k], caption_right(&lr[k], free_right));
        free(bytes);
        free_xs(&x);
    }
    if (rc == WS_OK) {
        column_titles(cr, lr, rr, &ly, &ry, "dirty shared buffers", "dirty data in the OS page cache",
                      &xl);
        if (same_sb && isfinite(sb[0])) {
            char num[32], what[160];
            ws_plot_format_value(sb[0], WS_PU_BYTES, num, sizeof num);
            ws_plot_axis_title(&ly.t, "dirty shared buffers", what, sizeof what);
            double w = ws_plot_text_width(cr, font(18, true), what);
            snprintf(what, sizeof what, "of shared_buffers %s", num);
            ws_plot_text(cr, font2(17), lr[0].x - 70 + w + 12, lr[0].y - 28 - 8,
                         WS_TA_LEFT | WS_TA_BOTTOM, 0, what);
        }
    }
    free(lr);
    free(rr);
    free(lim);
    free(sb);
    return rc;
}

/* ------------------------------------------------------------------ */
/* 5. device */

/* Three columns: throughput by source, I/O operations per second, busy.
 * Busy is a share: its column is narrower. */
#define DEV_GAP 112.0

static void three_columns(double top, size_t n, ws_plot_rect *a, ws_plot_rect *b, ws_plot_rect *c)
{
    double avail = RIGHT - LEFT - 2 * DEV_GAP;
    double wa = avail * 0.43, wb = avail * 0.39;
    double xa = LEFT, xb = xa + wa + DEV_GAP, xc = xb + wb + DEV_GAP;
    stack_rects(top + 32, BOTTOM, xa, xa + wa, n, a);
    stack_rects(top + 32, BOTTOM, xb, xb + wb, n, b);
    stack_rects(top + 32, BOTTOM, xc, RIGHT, n, c);
}

/* Did the variant read from the device at all (then a separate read
 * limit is worth a line)? */
static bool has_reads(const plot_variant *v)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->col[PLOT_DEV_READ][i] > 0)
            return true;
    return false;
}

/* A dashed limit line at y, its value noted in the caption row in the
 * short form of the device chart, whose captions share their row with
 * the variant's name: "limit 125 MiB/s", "limit 200000 IOPS ↑" when it
 * is above the axis (the legend says what the arrow means). */
static void limit_line(cairo_t *cr, const ws_plot_panel *p, double y, ws_plot_rgb c,
                       const char *what, ws_plot_unit unit, note *notes, int *n)
{
    if (!isfinite(y) || *n >= MAX_NOTES)
        return;
    char num[32];
    ws_plot_format_value(y, unit, num, sizeof num);
    bool above = y > p->y.hi * (1 + 1e-9);
    snprintf(notes[*n].text, sizeof notes[*n].text, "%s %s%s%s", what, num,
             unit == WS_PU_PLAIN ? " IOPS" : "", above ? " \xE2\x86\x91" : "");
    notes[*n].color = c;
    (*n)++;
    if (cr)
        ws_plot_hline(cr, p, y, c, 9, NULL, F_REF, NULL);
}

/* Is a limit of the variant above its panel's axis? */
static bool limit_above(const ws_plot_axis *y, double lim)
{
    return isfinite(lim) && lim > 0 && lim > y->hi * (1 + 1e-9);
}

/* The device's limits of one kind as reference lines: one "limit" when
 * reads and writes share it (or the variant reads nothing), else the
 * write limit and the read limit; a gp2-style burst limit above the
 * baseline.  cr and wl NULL: the notes only. */
static void device_limits(cairo_t *cr, const ws_plot_panel *p, const plot_variant *v,
                          double wr, double rd, double burst, ws_plot_unit unit, note *notes,
                          int *nn, wlabels *wl)
{
    bool same = !(rd > 0) || rd == wr || !has_reads(v);
    if (wr > 0) {
        limit_line(cr, p, wr, WS_OI_BLACK, same ? "limit" : "write limit", unit, notes, nn);
        if (wl)
            wl_mark_hline(wl, p, wr, p->x.lo, p->x.hi);
    }
    if (!same) {
        limit_line(cr, p, rd, WS_OI_SKY, "read limit", unit, notes, nn);
        if (wl)
            wl_mark_hline(wl, p, rd, p->x.lo, p->x.hi);
    }
    if (burst > 0 && burst > wr) {
        limit_line(cr, p, burst, WS_PLOT_AXIS, "burst", unit, notes, nn);
        if (wl)
            wl_mark_hline(wl, p, burst, p->x.lo, p->x.hi);
    }
}

/* The device chart's panels under `top` and its bandwidth and IOPS axes,
 * shared by the variants (lim: room for 3 limits a variant). */
static void device_axes(const plot_run *r, double top, ws_plot_rect *lr, ws_plot_rect *mr,
                        ws_plot_rect *rr, ws_plot_axis *ly, ws_plot_axis *my, double *lim)
{
    enum { NCLASS = 6 };
    static const plot_tcol cls[NCLASS] = {PLOT_DEV_READ,     PLOT_DEV_WAL,     PLOT_DEV_CKPT,
                                          PLOT_DEV_BGWRITER, PLOT_DEV_BACKEND, PLOT_DEV_WRITEBACK};
    bool iops = r->has_iops;
    three_columns(top, r->nv, lr, mr, rr);
    double mx = 0, mx_ios = 0;
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        for (size_t i = 0; i < v->n; i++) {
            double s = 0;
            for (int c = 0; c < NCLASS; c++)
                s += fmax(v->col[cls[c]][i], 0);
            if (s / v->dt > mx)
                mx = s / v->dt;
            if (iops) {
                double n = fmax(v->col[PLOT_DEV_READ_IOPS][i], 0) +
                           fmax(v->col[PLOT_DEV_WRITE_IOPS][i], 0);
                if (n > mx_ios)
                    mx_ios = n;
            }
        }
    }
    /* the limits share the axis when they are near the data (1.5x) */
    size_t nl = 0;
    for (size_t k = 0; k < r->nv; k++) {
        lim[nl++] = r->v[k].dev_write_bw > 0 ? r->v[k].dev_write_bw : NAN;
        if (has_reads(&r->v[k]) && r->v[k].dev_read_bw > 0)
            lim[nl++] = r->v[k].dev_read_bw;
    }
    ws_plot_axis_fit(ly, 0, HEAD(with_limits(mx, lim, nl, 1.5)), lr[0].h, 45, WS_PU_BYTE_RATE);
    nl = 0;
    for (size_t k = 0; k < r->nv && iops; k++) {
        const plot_variant *v = &r->v[k];
        lim[nl++] = v->dev_write_iops > 0 ? v->dev_write_iops : NAN;
        if (has_reads(v) && v->dev_read_iops > 0)
            lim[nl++] = v->dev_read_iops;
        if (v->dev_burst_iops > v->dev_write_iops)
            lim[nl++] = v->dev_burst_iops;
    }
    ws_plot_axis_fit(my, 0, iops ? HEAD(with_limits(mx_ios, lim, nl, 1.5)) : 1, mr[0].h, 45,
                     WS_PU_PLAIN);
}

/* Do two variants' limit notes read the same? */
static bool same_notes(const note *a, int na, const note *b, int nb)
{
    if (na != nb)
        return false;
    for (int i = 0; i < na; i++)
        if (strcmp(a[i].text, b[i].text) != 0)
            return false;
    return true;
}

/* Notes after a column title at (x, y), in their colours; returns the
 * right end. */
static double header_notes(cairo_t *cr, double x, double y, const note *notes, int n, bool draw)
{
    for (int i = 0; i < n; i++) {
        ws_plot_font f = {17, false, notes[i].color};
        x += 12;
        if (draw)
            ws_plot_text(cr, f, x, y, WS_TA_LEFT | WS_TA_BOTTOM, 0, notes[i].text);
        x += ws_plot_text_width(cr, f, notes[i].text);
    }
    return x;
}

static const ws_plot_rgb WRITE_IOS = {0.62, 0.62, 0.62};

static int chart_device(cairo_t *cr, const chart_ctx *cx, ws_diag *err)
{
    const plot_run *r = cx->r;
    enum { NCLASS = 6 };
    static const plot_tcol cls[NCLASS] = {PLOT_DEV_READ,     PLOT_DEV_WAL,     PLOT_DEV_CKPT,
                                          PLOT_DEV_BGWRITER, PLOT_DEV_BACKEND, PLOT_DEV_WRITEBACK};
    const ws_plot_rgb colors[NCLASS] = {WS_OI_SKY,   WS_OI_BLUE,       WS_OI_ORANGE,
                                        WS_OI_GREEN, WS_OI_VERMILLION, WS_OI_PURPLE};
    static const char *const names[NCLASS] = {"reads",   "WAL writes",      "checkpointer",
                                              "bgwriter", "backends", "OS writeback"};
    bool iops = r->has_iops;
    bool any_lim = false, any_read_lim = false, any_burst = false;
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        any_lim = any_lim || v->dev_write_bw > 0 || (iops && v->dev_write_iops > 0);
        bool split = (v->dev_read_bw > 0 && v->dev_read_bw != v->dev_write_bw) ||
                     (iops && v->dev_read_iops > 0 && v->dev_read_iops != v->dev_write_iops);
        any_read_lim = any_read_lim || (split && has_reads(v));
        any_burst = any_burst || (iops && v->dev_burst_iops > v->dev_write_iops);
    }
    ws_plot_rect *lr = calloc(r->nv, sizeof *lr), *mr = calloc(r->nv, sizeof *mr),
                 *rr = calloc(r->nv, sizeof *rr);
    double *lim = calloc(3 * r->nv + 1, sizeof *lim);
    if (!lr || !mr || !rr || !lim) {
        free(lr);
        free(mr);
        free(rr);
        free(lim);
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    ws_plot_axis ly, my, ry, xl, xm, xr;
    /* the panels' size depends on the legend's rows, the legend on
     * whether a limit is above its axis: fit once under a provisional
     * head (two legend rows), then again under the real one */
    device_axes(r, 146, lr, mr, rr, &ly, &my, lim);
    bool any_above = false;
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        any_above = any_above || limit_above(&ly, v->dev_write_bw) ||
                    (has_reads(v) && limit_above(&ly, v->dev_read_bw)) ||
                    (iops && (limit_above(&my, v->dev_write_iops) ||
                              (has_reads(v) && limit_above(&my, v->dev_read_iops)) ||
                              limit_above(&my, v->dev_burst_iops)));
    }
    ws_plot_legend_item items[NCLASS + 9];
    int n_items = 0;
    for (int i = 0; i < NCLASS; i++)
        items[n_items++] = (ws_plot_legend_item){names[i], colors[i], WS_SW_AREA, 0};
    if (iops)
        items[n_items++] = (ws_plot_legend_item){"writes (I/Os of every source)", WRITE_IOS,
                                                 WS_SW_AREA, 0};
    items[n_items++] = (ws_plot_legend_item){"busy", WS_OI_BLACK, WS_SW_LINE, 0};
    if (any_lim)
        items[n_items++] = (ws_plot_legend_item){
            any_read_lim ? (any_above ? "device limit (writes; \xE2\x86\x91 above the axis)"
                                      : "device limit (writes)")
                         : (any_above ? "device limit (\xE2\x86\x91 above the axis)"
                                      : "device limit"),
            WS_OI_BLACK, WS_SW_DASH, 0};
    if (any_read_lim)
        items[n_items++] = (ws_plot_legend_item){"device limit (reads)", WS_OI_SKY, WS_SW_DASH, 0};
    if (any_burst)
        items[n_items++] = (ws_plot_legend_item){"burst limit", WS_PLOT_AXIS, WS_SW_DASH, 0};
    items[n_items++] = LEG_WRITE;
    items[n_items++] = LEG_SYNC;
    add_warmup_item(r, items, &n_items);
    double top = draw_head(cr, r,
                           iops ? "Disk: throughput by source, I/O operations per second, and "
                                  "utilisation"
                                : "Disk: throughput by source, and utilisation",
                           items, n_items);
    device_axes(r, top, lr, mr, rr, &ly, &my, lim);
    ws_plot_axis_fit(&ry, 0, 1, rr[0].h, 45, WS_PU_PERCENT);
    /* room above 100 %, without a tick at 120 %: a device busy all the
     * time (the one that matters) is not drawn on the frame */
    ry.hi = HEAD(ry.hi);
    ws_plot_axis_time(&xl, r->t0, r->t1, lr[0].w, 110);
    ws_plot_axis_time(&xm, r->t0, r->t1, mr[0].w, 110);
    ws_plot_axis_time(&xr, r->t0, r->t1, rr[0].w, 110);
    /* Limits that read the same for every variant (one disk for all) are
     * noted once, after the column's title, when they fit there; the
     * captions then have the row (up to the IOPS column's own notes). */
    note hl[MAX_NOTES], hm[MAX_NOTES];
    int nhl = 0, nhm = 0;
    bool same_l = true, same_m = iops;
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        ws_plot_panel pl = {lr[k], xl, ly}, pm = {mr[k], xm, my};
        note a[MAX_NOTES], b[MAX_NOTES];
        int na = 0, nb = 0;
        device_limits(NULL, &pl, v, v->dev_write_bw, v->dev_read_bw, 0, WS_PU_BYTE_RATE, a, &na,
                      NULL);
        if (iops)
            device_limits(NULL, &pm, v, v->dev_write_iops, v->dev_read_iops, v->dev_burst_iops,
                          WS_PU_PLAIN, b, &nb, NULL);
        if (k == 0) {
            memcpy(hl, a, sizeof a);
            memcpy(hm, b, sizeof b);
            nhl = na;
            nhm = nb;
        } else {
            same_l = same_l && same_notes(a, na, hl, nhl);
            same_m = same_m && same_notes(b, nb, hm, nhm);
        }
    }
    char lt[256], rt[256];
    const char *mt = "I/O operations per second (IOPS)";
    ws_plot_axis_title(&ly.t, "throughput by source", lt, sizeof lt);
    ws_plot_axis_title(&ry.t, "busy", rt, sizeof rt);
    double hy = lr[0].y - 28 - 8;
    same_l = same_l && header_notes(cr, lr[0].x - 70 + ws_plot_text_width(cr, font(18, true), lt),
                                    hy, hl, nhl, false) <= mr[0].x - 70 - 20;
    same_m = same_m && header_notes(cr, mr[0].x - 70 + ws_plot_text_width(cr, font(18, true), mt),
                                    hy, hm, nhm, false) <= rr[0].x - 70 - 20;
    int rc = WS_OK;
    for (size_t k = 0; k < r->nv && rc == WS_OK; k++) {
        const plot_variant *v = &r->v[k];
        xs x;
        double *rates[NCLASS + 1] = {0}; /* the last: the stack's top */
        double *ios[3] = {0};            /* reads, writes, their sum */
        for (int c = 0; c <= NCLASS && rc == WS_OK; c++)
            if (!(rates[c] = scratch(v->n, err)))
                rc = WS_ENOMEM;
        for (int c = 0; c < 3 && rc == WS_OK && iops; c++)
            if (!(ios[c] = scratch(v->n, err)))
                rc = WS_ENOMEM;
        if (rc == WS_OK)
            rc = make_xs(v, &x, err);
        if (rc != WS_OK) {
            for (int c = 0; c <= NCLASS; c++)
                free(rates[c]);
            for (int c = 0; c < 3; c++)
                free(ios[c]);
            break;
        }
        for (size_t i = 0; i < v->n; i++)
            rates[NCLASS][i] = 0;
        for (int c = 0; c < NCLASS; c++)
            for (size_t i = 0; i < v->n; i++) {
                rates[c][i] = v->col[cls[c]][i] / v->dt;
                rates[NCLASS][i] += fmax(rates[c][i], 0);
            }
        for (size_t i = 0; i < v->n && iops; i++) {
            ios[0][i] = v->col[PLOT_DEV_READ_IOPS][i];
            ios[1][i] = v->col[PLOT_DEV_WRITE_IOPS][i];
            ios[2][i] = fmax(ios[0][i], 0) + fmax(ios[1][i], 0);
        }
        ws_plot_panel pl = {lr[k], xl, ly}, pm = {mr[k], xm, my}, pr = {rr[k], xr, ry};
        const ws_plot_panel *ps[3] = {&pl, &pm, &pr};
        wlabels wl[3];
        for (int s = 0; s < 3; s++) {
            draw_phases(cr, ps[s], v);
            ws_plot_panel_grid(cr, ps[s]);
        }
        for (int s = 0; s < 3; s++)
            warmup_begin(cr, &wl[s], ps[s], v);
        note nl_[MAX_NOTES], nm[MAX_NOTES];
        int nnl = 0, nnm = 0;
        ws_plot_stack(cr, &pl, x.mid, (const double *const *)rates, colors, NCLASS, v->n);
        wl_mark(&wl[0], &pl, x.mid, rates[NCLASS], v->n, true);
        device_limits(cr, &pl, v, v->dev_write_bw, v->dev_read_bw, 0, WS_PU_BYTE_RATE, nl_, &nnl,
                      &wl[0]);
        if (iops) {
            const ws_plot_rgb ic[2] = {WS_OI_SKY, WRITE_IOS};
            ws_plot_stack(cr, &pm, x.mid, (const double *const *)ios, ic, 2, v->n);
            wl_mark(&wl[1], &pm, x.mid, ios[2], v->n, true);
            device_limits(cr, &pm, v, v->dev_write_iops, v->dev_read_iops, v->dev_burst_iops,
                          WS_PU_PLAIN, nm, &nnm, &wl[1]);
        } else if (k == 0 || r->nv <= 3) {
            ws_plot_text(cr, font2(16), pm.r.x + pm.r.w / 2, pm.r.y + pm.r.h / 2,
                         WS_TA_CENTER | WS_TA_MIDDLE, 0, "no I/O counts in this run");
        }
        ws_plot_line(cr, &pr, x.mid, v->col[PLOT_DEV_UTIL], v->n, WS_OI_BLACK, 1.6, 0);
        wl_mark(&wl[2], &pr, x.mid, v->col[PLOT_DEV_UTIL], v->n, false);
        for (int s = 0; s < 3; s++)
            wl_draw(cr, &wl[s]);
        double mid_left = same_m ? mr[k].x + mr[k].w : draw_notes(cr, &mr[k], nm, nnm);
        double free_right = same_l ? INFINITY : draw_notes(cr, &lr[k], nl_, nnl);
        for (int s = 0; s < 3; s++) {
            ws_plot_panel_frame(cr, ps[s]);
            if (s != 1 || iops)
                ws_plot_panel_ylabels(cr, ps[s], F_TICK);
            if (k + 1 == r->nv)
                ws_plot_panel_xlabels(cr, ps[s], F_TICK);
        }
        /* the caption may run on over the IOPS column's caption row when
         * the left one has no notes (its tick labels are below the row) */
        draw_caption(cr, v, &lr[k],
                     same_l ? mid_left - 26
                            : fmin(free_right - 20, lr[k].x + lr[k].w + DEV_GAP - 80));
        for (int c = 0; c <= NCLASS; c++)
            free(rates[c]);
        for (int c = 0; c < 3; c++)
            free(ios[c]);
        free_xs(&x);
    }
    if (rc == WS_OK) {
        double w = ws_plot_text(cr, font(18, true), lr[0].x - 70, hy, WS_TA_LEFT | WS_TA_BOTTOM, 0, lt);
        if (same_l)
            header_notes(cr, lr[0].x - 70 + w, hy, hl, nhl, true);
        w = ws_plot_text(cr, font(18, true), mr[0].x - 70, hy, WS_TA_LEFT | WS_TA_BOTTOM, 0, mt);
        if (same_m)
            header_notes(cr, mr[0].x - 70 + w, hy, hm, nhm, true);
        ws_plot_text(cr, font(18, true), rr[0].x - 70, hy, WS_TA_LEFT | WS_TA_BOTTOM, 0, rt);
        draw_time_title(cr, &xl, LEFT, RIGHT);
    }
    free(lr);
    free(mr);
    free(rr);
    free(lim);
    return rc;
}

/* ------------------------------------------------------------------ */
/* 6. latency_cdf */

/* latency_cdf.csv holds the latencies of the measurement window only
 * (docs/outputs.md): say which span of each variant that is, in the
 * panel's bottom right corner, where a CDF has no data (at high
 * latencies every curve is near 100 %).  Nothing for a folder without
 * windows. */
/* "no transactions completed: NAME, NAME" in the middle of the panel, for
 * the variants that have no latency (their rows in latency_cdf.csv and
 * their latency columns are empty): a chart that says so rather than a
 * failed run. */
static void no_tx_note(cairo_t *cr, const plot_run *r, const ws_plot_panel *p)
{
    char buf[512] = "";
    size_t len = 0;
    for (size_t k = 0; k < r->nv; k++) {
        if (r->v[k].n_cdf != 0 || r->v[k].transactions != 0)
            continue;
        int w = snprintf(buf + len, sizeof buf - len, "%s%s", len ? ", " : "no transactions completed: ",
                         r->v[k].name);
        if (w < 0 || (size_t)w >= sizeof buf - len)
            break;
        len += (size_t)w;
    }
    if (len)
        ws_plot_text(cr, F_AXIS, p->r.x + p->r.w / 2, p->r.y + p->r.h * 0.3,
                     WS_TA_CENTER | WS_TA_MIDDLE, 0, buf);
}

static void cdf_window_note(cairo_t *cr, const plot_run *r, const ws_plot_panel *p)
{
    bool same = true, any = false;
    const plot_variant *v0 = &r->v[0];
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        any = any || v->has_window;
        same = same && v->has_window && v0->has_window && v->win_start == v0->win_start &&
               v->win_end == v0->win_end;
    }
    if (!any)
        return;
    /* Times labelled as on the other charts' time axis. */
    ws_plot_axis ta;
    ws_plot_axis_time(&ta, r->t0, r->t1, RIGHT - LEFT, 120);
    const char *unit = ta.t.time_style == WS_PT_SECONDS   ? " s"
                       : ta.t.time_style == WS_PT_MINUTES ? " min"
                                                          : "";
    char buf[512], a[32], b[32];
    size_t o = (size_t)snprintf(buf, sizeof buf, "Measurement window%s only (warm-up excluded): ",
                                same ? "" : "s");
    bool first = true;
    for (size_t k = 0; k < r->nv && o < sizeof buf - 96; k++) {
        const plot_variant *v = &r->v[k];
        if (!v->has_window)
            continue;
        ws_plot_tick_label(&ta.t, v->win_start, a, sizeof a);
        ws_plot_tick_label(&ta.t, v->win_end, b, sizeof b);
        if (same) {
            snprintf(buf + o, sizeof buf - o, "%s to %s%s of simulated time", a, b, unit);
            break;
        }
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s %s to %s%s", first ? "" : ", ",
                              v->name, a, b, unit);
        first = false;
    }
    ws_plot_text(cr, font2(16), p->r.x + p->r.w - 12, p->r.y + p->r.h - 12,
                 WS_TA_RIGHT | WS_TA_BOTTOM, 0, buf);
}

static int cdf_twin(const plot_run *r, size_t k);

static int chart_cdf(cairo_t *cr, const chart_ctx *cx, ws_diag *err)
{
    const plot_run *r = cx->r;
    enum { MAXLEG = 16 };
    ws_plot_legend_item items[MAXLEG] = {{0}};
    ws_plot_tags tags[MAXLEG] = {{0}};
    char labels[MAXLEG][160];
    int n_items = 0;
    for (size_t k = 0; k < r->nv && n_items < MAXLEG - 2; k++) {
        char a[32], b[32];
        ws_plot_format_value(r->v[k].p50_ms, WS_PU_MS, a, sizeof a);
        ws_plot_format_value(r->v[k].p99_ms, WS_PU_MS, b, sizeof b);
        int twin = cdf_twin(r, k);
        if (r->v[k].n_cdf == 0 && r->v[k].transactions == 0)
            snprintf(labels[n_items], sizeof labels[n_items], "%s: no transactions completed",
                     r->v[k].name);
        else if (twin >= 0)
            snprintf(labels[n_items], sizeof labels[n_items], "%s: identical to %s (p50 %s, p99 %s)",
                     r->v[k].name, r->v[twin].name, a, b);
        else
            snprintf(labels[n_items], sizeof labels[n_items], "%s: p50 %s, p99 %s", r->v[k].name,
                     a, b);
        /* An overloaded variant's latencies are those of a growing queue,
         * not a distribution the system settles in: its curve is dashed. */
        items[n_items] = (ws_plot_legend_item){labels[n_items], ws_plot_series_color((int)k),
                                               r->v[k].overloaded ? WS_SW_DASH : WS_SW_LINE, 0};
        tags[n_items] = (ws_plot_tags){r->v[k].tags, r->v[k].n_tags};
        n_items++;
    }
    if (n_items + 2 <= MAXLEG) {
        items[n_items++] = (ws_plot_legend_item){"p50", WS_PLOT_AXIS, WS_SW_MARKER_LINE, 0};
        items[n_items - 1].color = WS_PLOT_TEXT2;
        items[n_items++] = (ws_plot_legend_item){"p99", WS_PLOT_TEXT2, WS_SW_MARKER_LINE, 1};
    }
    double top = plot_draw_head_tagged(
        cr, "Latency distribution: share of transactions at or below a latency", r->title, items,
        tags, n_items);
    /* x from where the first variant reaches 0.1 % to the largest bucket. */
    double lo = INFINITY, hi = 0;
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        if (v->n_cdf == 0)
            continue; /* no transaction completed: noted below */
        for (size_t i = 0; i < v->n_cdf; i++)
            if (v->cdf[i] >= 0.001) {
                lo = fmin(lo, v->cdf_ms[i] / (i == 0 ? 1.02 : 1));
                break;
            }
        hi = fmax(hi, v->cdf_ms[v->n_cdf - 1]);
    }
    if (!(lo < hi)) { /* no variant has a latency: any honest decade */
        lo = 1;
        hi = 100;
    }
    ws_plot_panel p;
    p.r = (ws_plot_rect){LEFT, top + 6, RIGHT - LEFT, BOTTOM - top - 6};
    ws_plot_axis_fit_log(&p.x, lo, hi, WS_PU_MS);
    ws_plot_axis_fit(&p.y, 0, 1, p.r.h, 60, WS_PU_PERCENT);
    ws_plot_panel_grid(cr, &p);
    ws_plot_hline(cr, &p, 0.5, WS_PLOT_TEXT2, 4, "50 %", F_REF, NULL);
    ws_plot_hline(cr, &p, 0.99, WS_PLOT_TEXT2, 4, "99 %", F_REF, NULL);
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        if (v->n_cdf == 0)
            continue;
        /* The first bucket's lower edge (hist.h: growth 1.02) holds 0 %:
         * start the curve there, not in mid-air at the first row. */
        double *x = malloc((v->n_cdf + 1) * sizeof *x), *y = malloc((v->n_cdf + 1) * sizeof *y);
        if (!x || !y) {
            free(x);
            free(y);
            ws_diag_set(err, NULL, 0, "out of memory");
            return WS_ENOMEM;
        }
        x[0] = v->cdf_ms[0] / 1.02;
        y[0] = 0;
        memcpy(x + 1, v->cdf_ms, v->n_cdf * sizeof *x);
        memcpy(y + 1, v->cdf, v->n_cdf * sizeof *y);
        ws_plot_line(cr, &p, x, y, v->n_cdf + 1, ws_plot_series_color((int)k), 2.5,
                     v->overloaded ? 10 : 0);
        free(x);
        free(y);
    }
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        ws_plot_rgb c = ws_plot_series_color((int)k);
        if (v->p50_ms > 0)
            ws_plot_marker(cr, ws_plot_px(&p, v->p50_ms), ws_plot_py(&p, 0.5), 0, 13, c);
        if (v->p99_ms > 0)
            ws_plot_marker(cr, ws_plot_px(&p, v->p99_ms), ws_plot_py(&p, 0.99), 1, 13, c);
    }
    ws_plot_panel_frame(cr, &p);
    ws_plot_panel_ylabels(cr, &p, F_TICK);
    ws_plot_panel_xlabels(cr, &p, F_TICK);
    cdf_window_note(cr, r, &p);
    no_tx_note(cr, r, &p);
    draw_y_title(cr, &p.y, "transactions at or below", 22, p.r.y, p.r.y + p.r.h);
    char buf[96];
    ws_plot_axis_title(&p.x.t, "transaction latency", buf, sizeof buf);
    ws_plot_text(cr, F_AXIS, (LEFT + RIGHT) / 2, H - 14, WS_TA_CENTER | WS_TA_BOTTOM, 0, buf);
    return WS_OK;
}

/* Do two variants have the same latency distribution (latency_cdf.csv
 * rows equal to 1e-9)?  Then their curves coincide and the later one
 * would hide the earlier: the legend says so instead. */
static bool same_cdf(const plot_variant *a, const plot_variant *b)
{
    if (a->n_cdf != b->n_cdf || a->n_cdf == 0)
        return false;
    for (size_t i = 0; i < a->n_cdf; i++)
        if (fabs(a->cdf_ms[i] - b->cdf_ms[i]) > 1e-9 * fmax(1, fabs(a->cdf_ms[i])) ||
            fabs(a->cdf[i] - b->cdf[i]) > 1e-9)
            return false;
    return true;
}

/* The first earlier variant with the same distribution as variant k, or
 * -1. */
static int cdf_twin(const plot_run *r, size_t k)
{
    for (size_t j = 0; j < k; j++)
        if (same_cdf(&r->v[j], &r->v[k]))
            return (int)j;
    return -1;
}

/* ------------------------------------------------------------------ */
/* 6b. tail: the percentile spectrum */

/* x of percentile p on the tail axis: the number of nines,
 * log10(1 / (1 - p)): 50 % at 0.30, 90 % at 1, 99 % at 2, 99.99 % at 4,
 * so each decade of the tail gets the same width (HdrHistogram's plot). */
static double nines(double p) { return -log10(1 - p); }

#define TAIL_TOP 0.9999
#define TAIL_STEPS 600

/* The latency at percentile q: the first CDF row at or above q. */
static double lat_at_share(const plot_variant *v, double q, size_t *from)
{
    while (*from < v->n_cdf && v->cdf[*from] < q - 1e-12)
        (*from)++;
    return *from < v->n_cdf ? v->cdf_ms[*from] : v->cdf_ms[v->n_cdf - 1];
}

static int chart_tail(cairo_t *cr, const chart_ctx *cx, ws_diag *err)
{
    const plot_run *r = cx->r;
    enum { MAXLEG = 16 };
    ws_plot_legend_item items[MAXLEG] = {{0}};
    ws_plot_tags tags[MAXLEG] = {{0}};
    char labels[MAXLEG][200];
    int n_items = 0;
    double lo = INFINITY, hi = 0;
    for (size_t k = 0; k < r->nv && n_items < MAXLEG - 1; k++) {
        const plot_variant *v = &r->v[k];
        int twin = cdf_twin(r, k);
        char a[32], b[32];
        if (v->n_cdf) {
            size_t at = 0;
            double p999 = lat_at_share(v, 0.999, &at);
            double p9999 = lat_at_share(v, TAIL_TOP, &at);
            at = 0;
            lo = fmin(lo, lat_at_share(v, 0.5, &at));
            hi = fmax(hi, p9999);
            ws_plot_format_value(p999, WS_PU_MS, a, sizeof a);
            ws_plot_format_value(p9999, WS_PU_MS, b, sizeof b);
        }
        if (v->n_cdf == 0)
            snprintf(labels[n_items], sizeof labels[n_items], "%s: no transactions completed",
                     v->name);
        else if (twin >= 0)
            snprintf(labels[n_items], sizeof labels[n_items], "%s: identical to %s", v->name,
                     r->v[twin].name);
        else
            snprintf(labels[n_items], sizeof labels[n_items], "%s: p99.9 %s, p99.99 %s", v->name,
                     a, b);
        items[n_items] = (ws_plot_legend_item){labels[n_items], ws_plot_series_color((int)k),
                                               v->overloaded ? WS_SW_DASH : WS_SW_LINE, 0};
        tags[n_items] = (ws_plot_tags){v->tags, v->n_tags};
        n_items++;
    }
    double top = plot_draw_head_tagged(
        cr, "Latency tail: the latency at each percentile, 50 % to 99.99 %", r->title, items,
        tags, n_items);
    if (!(lo < hi)) {
        lo = isfinite(lo) && lo > 0 ? lo / 2 : 1;
        hi = lo * 100;
    }
    ws_plot_panel p;
    p.r = (ws_plot_rect){LEFT, top + 6, RIGHT - LEFT, BOTTOM - top - 6};
    /* x: the nines, labelled as percentiles */
    static const char *const xl[] = {"50 %", "90 %", "99 %", "99.9 %", "99.99 %"};
    memset(&p.x, 0, sizeof p.x);
    p.x.t.v[0] = nines(0.5);
    for (int i = 1; i < 5; i++)
        p.x.t.v[i] = i;
    p.x.t.n = 5;
    p.x.t.text = xl;
    p.x.t.unit = WS_PU_PLAIN;
    p.x.t.suffix = "";
    p.x.t.scale = 1;
    p.x.lo = nines(0.5);
    p.x.hi = nines(TAIL_TOP);
    /* y: log when the tail spans more than a decade, else linear from 0
     * (a 5 ms to 9 ms tail on a log axis would look flat) */
    bool log = hi / lo > 10;
    if (log)
        ws_plot_axis_fit_log(&p.y, lo, hi * 1.05, WS_PU_MS);
    else
        ws_plot_axis_fit(&p.y, 0, HEAD(hi), p.r.h, 60, WS_PU_MS);
    ws_plot_panel_grid(cr, &p);
    double *x = malloc(TAIL_STEPS * sizeof *x), *y = malloc(TAIL_STEPS * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        if (v->n_cdf == 0 || cdf_twin(r, k) >= 0)
            continue;
        size_t at = 0;
        for (int i = 0; i < TAIL_STEPS; i++) {
            x[i] = p.x.lo + (p.x.hi - p.x.lo) * i / (TAIL_STEPS - 1);
            y[i] = lat_at_share(v, 1 - pow(10, -x[i]), &at);
        }
        ws_plot_line(cr, &p, x, y, TAIL_STEPS, ws_plot_series_color((int)k), 2.5,
                     v->overloaded ? 10 : 0);
    }
    free(x);
    free(y);
    ws_plot_panel_frame(cr, &p);
    ws_plot_panel_ylabels(cr, &p, F_TICK);
    ws_plot_panel_xlabels(cr, &p, F_TICK);
    no_tx_note(cr, r, &p);
    draw_y_title(cr, &p.y, "transaction latency", 22, p.r.y, p.r.y + p.r.h);
    ws_plot_text(cr, F_AXIS, (LEFT + RIGHT) / 2, H - 14, WS_TA_CENTER | WS_TA_BOTTOM, 0,
                 "percentile of the measurement window's transactions (each step: ten times "
                 "rarer)");
    return WS_OK;
}

/* ------------------------------------------------------------------ */
/* 7. overview */

typedef enum { OV_P99, OV_TPS, OV_WAL, OV_PGWAL } ov_kind;

/* The overview overlays the variants: the shade covers the longest
 * warm-up (and the time after the earliest window end), and where the
 * variants' windows start at different times, a dashed line in each
 * variant's colour marks where its window starts. */
/* Do the variants' windows start at different times? */
static bool windows_differ(const plot_run *r)
{
    const plot_variant *first = NULL;
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        if (!v->has_window)
            continue;
        if (first && v->win_start != first->win_start)
            return true;
        if (!first)
            first = v;
    }
    return false;
}

static void overview_warmup(cairo_t *cr, const plot_run *r, const ws_plot_panel *p, wlabels *wl)
{
    wl_init(cr, wl, p, NAN, NULL, NAN);
    double start = -INFINITY, end = INFINITY;
    bool differ = windows_differ(r);
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        if (!v->has_window)
            continue;
        start = fmax(start, v->win_start);
        if (v->n && v->t_last >= v->win_end - 1e-9)
            end = fmin(end, v->win_end);
    }
    if (!isfinite(start))
        return;
    if (start > p->x.lo)
        shade_outside(cr, p, p->x.lo, start, true);
    if (isfinite(end))
        shade_outside(cr, p, end, p->x.hi, false);
    wl_init(cr, wl, p, start > p->x.lo ? start : NAN, "warm-up", end);
    if (!differ)
        return;
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        if (!v->has_window || !(v->win_start > p->x.lo) || !(v->win_start < start))
            continue;
        double lx[2] = {v->win_start, v->win_start}, ly[2] = {p->y.lo, p->y.hi};
        ws_plot_line(cr, p, lx, ly, 2, ws_plot_series_color((int)k), 2, 6);
        wl_mark(wl, p, lx, ly, 2, false);
    }
}

static double ov_value(const plot_variant *v, ov_kind kind, size_t i)
{
    return kind == OV_P99   ? lat_at(v, PLOT_P99, i)
           : kind == OV_TPS ? v->col[PLOT_TPS][i]
           : kind == OV_WAL ? (v->col[PLOT_WAL_FPI][i] + v->col[PLOT_WAL_REC][i]) / v->dt
                            : v->col[PLOT_PG_WAL][i];
}

/* The first earlier variant whose series in this panel is the same as
 * variant k's (same times, values equal to 1e-9, gaps in the same
 * places), or -1: its line is drawn exactly under k's. */
static int ov_twin(const plot_run *r, ov_kind kind, size_t k)
{
    const plot_variant *b = &r->v[k];
    for (size_t j = 0; j < k; j++) {
        const plot_variant *a = &r->v[j];
        if (a->n != b->n || a->n == 0 || fabs(a->dt - b->dt) > 1e-9)
            continue;
        bool same = true;
        for (size_t i = 0; same && i < a->n; i++) {
            double x = ov_value(a, kind, i), y = ov_value(b, kind, i);
            same = fabs(a->t[i] - b->t[i]) <= 1e-9 &&
                   (isfinite(x) ? fabs(x - y) <= 1e-9 * fmax(1, fabs(x)) : !isfinite(y));
        }
        if (same)
            return (int)j;
    }
    return -1;
}

static void overview_panel(cairo_t *cr, const plot_run *r, ov_kind kind, ws_plot_rect rect,
                           const ws_plot_options *opts, double *scratch_y, double *scratch_x)
{
    ws_plot_panel p;
    p.r = rect;
    ws_plot_axis_time(&p.x, r->t0, r->t1, rect.w, 110);
    const char *what = "";
    double mx = 0;
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        for (size_t i = 0; i < v->n; i++) {
            double y = kind == OV_P99   ? lat_at(v, PLOT_P99, i)
                       : kind == OV_TPS ? v->col[PLOT_TPS][i]
                       : kind == OV_WAL ? (v->col[PLOT_WAL_FPI][i] + v->col[PLOT_WAL_REC][i]) / v->dt
                                        : v->col[PLOT_PG_WAL][i];
            if (isfinite(y) && y > mx)
                mx = y;
        }
    }
    bool log = false;
    switch (kind) {
    case OV_P99: {
        double lo = INFINITY;
        for (size_t k = 0; k < r->nv; k++)
            for (size_t i = 0; i < r->v[k].n; i++) {
                double y = lat_at(&r->v[k], PLOT_P99, i);
                if (y > 0 && y < lo)
                    lo = y;
            }
        log = opts->latency_scale == WS_PLOT_SCALE_LOG ||
              (opts->latency_scale == WS_PLOT_SCALE_AUTO && isfinite(lo) && mx / lo > 30);
        if (log)
            ws_plot_axis_fit_log(&p.y, lo, HEAD(mx), WS_PU_MS);
        else
            ws_plot_axis_fit(&p.y, 0, HEAD(mx), rect.h, 45, WS_PU_MS);
        what = NULL; /* "p99 latency per minute": set below */
        break;
    }
    case OV_TPS:
        ws_plot_axis_fit(&p.y, 0, HEAD(tps_top(r)), rect.h, 45, WS_PU_PLAIN);
        what = "throughput (transactions per second)";
        break;
    case OV_WAL:
        ws_plot_axis_fit(&p.y, 0, HEAD(mx), rect.h, 45, WS_PU_BYTE_RATE);
        what = "WAL written per second";
        break;
    case OV_PGWAL: {
        double lim[64];
        size_t n = r->nv < 64 ? r->nv : 64;
        for (size_t k = 0; k < n; k++)
            lim[k] = r->v[k].max_wal_size;
        ws_plot_axis_fit(&p.y, 0, HEAD(with_limits(mx, lim, n, 1.5)), rect.h, 45, WS_PU_BYTES);
        what = "pg_wal size";
        break;
    }
    }
    char p99_what[64];
    if (!what) {
        char per[48];
        per_interval(r, per, sizeof per);
        snprintf(p99_what, sizeof p99_what, "p99 latency %s", per);
        what = p99_what;
    }
    ws_plot_panel_grid(cr, &p);
    wlabels wl;
    overview_warmup(cr, r, &p, &wl);
    note notes[MAX_NOTES];
    int nn = 0;
    /* A variant whose line coincides with an earlier one's is named, so
     * the hidden line is not taken for a missing one. */
    /* One short note, so it never reaches the panel's title: "all
     * variants identical", or the first pair and how many more. */
    size_t n_twins = 0, first = 0;
    int first_twin = -1;
    for (size_t k = 1; k < r->nv; k++) {
        int twin = ov_twin(r, kind, k);
        if (twin < 0)
            continue;
        if (n_twins++ == 0) {
            first = k;
            first_twin = twin;
        }
    }
    if (n_twins && r->nv > 1 && n_twins == r->nv - 1) {
        snprintf(notes[nn].text, sizeof notes[nn].text, "all %zu variants identical", r->nv);
        notes[nn++].color = WS_PLOT_TEXT2;
    } else if (n_twins) {
        snprintf(notes[nn].text, sizeof notes[nn].text, "%.24s = %.24s%s", r->v[first].name,
                 r->v[first_twin].name, n_twins > 1 ? " (and more)" : "");
        notes[nn++].color = ws_plot_series_color((int)first);
    }
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        ws_plot_rgb c = ws_plot_series_color((int)k);
        for (size_t i = 0; i < v->n; i++) {
            bool at_end = kind == OV_PGWAL;
            scratch_x[i] = v->t[i] + (at_end ? v->dt : v->dt / 2);
            scratch_y[i] = ov_value(v, kind, i);
        }
        ws_plot_line(cr, &p, scratch_x, scratch_y, v->n, c, 1.4, 0);
        wl_mark(&wl, &p, scratch_x, scratch_y, v->n, false);
        /* max_wal_size dashed in the variant's colour; noted only when
         * off the axis (in it, the colour says whose line it is). */
        if (kind == OV_PGWAL && isfinite(v->max_wal_size)) {
            if (v->max_wal_size > p.y.hi * (1 + 1e-9) && nn < MAX_NOTES) {
                char num[32];
                ws_plot_format_value(v->max_wal_size, WS_PU_BYTES, num, sizeof num);
                snprintf(notes[nn].text, sizeof notes[nn].text, "%s: %s (\xE2\x86\x91 above)",
                         v->name, num);
                notes[nn++].color = c;
            } else {
                ws_plot_hline(cr, &p, v->max_wal_size, c, 8, NULL, F_REF, NULL);
                wl_mark_hline(&wl, &p, v->max_wal_size, p.x.lo, p.x.hi);
            }
        }
    }
    if (kind == OV_TPS) {
        double hi = 0;
        size_t above = 0;
        for (size_t k = 0; k < r->nv; k++)
            above += above_count(&r->v[k], p.y.hi, &hi);
        above_note(above, hi, true, notes, &nn);
    }
    wl_draw(cr, &wl);
    ws_plot_panel_frame(cr, &p);
    ws_plot_panel_ylabels(cr, &p, F_TICK);
    ws_plot_panel_xlabels(cr, &p, F_TICK);
    char title[128];
    ws_plot_axis_title(&p.y.t, what, title, sizeof title);
    if (kind == OV_PGWAL && any_limit(r, offsetof(plot_variant, max_wal_size))) {
        size_t n = strlen(title);
        snprintf(title + n, sizeof title - n, ", dashed: max_wal_size");
    }
    ws_plot_text(cr, font(17, true), rect.x, rect.y - 8, WS_TA_LEFT | WS_TA_BOTTOM, 0, title);
    draw_notes(cr, &rect, notes, nn);
}

static int chart_overview(cairo_t *cr, const chart_ctx *cx, ws_diag *err)
{
    const plot_run *r = cx->r;
    enum { MAXLEG = 16 };
    ws_plot_legend_item items[MAXLEG] = {{0}};
    ws_plot_tags tags[MAXLEG] = {{0}};
    int n_items = 0;
    size_t nmax = 0;
    for (size_t k = 0; k < r->nv; k++) {
        if (n_items < MAXLEG - 1) {
            tags[n_items] = (ws_plot_tags){r->v[k].tags, r->v[k].n_tags};
            items[n_items++] = (ws_plot_legend_item){r->v[k].name, ws_plot_series_color((int)k),
                                                     WS_SW_LINE, 0};
        }
        if (r->v[k].n > nmax)
            nmax = r->v[k].n;
    }
    add_warmup_item(r, items, &n_items);
    if (windows_differ(r) && n_items < MAXLEG)
        items[n_items++] = (ws_plot_legend_item){"where each variant's window starts",
                                                 WS_PLOT_TEXT2, WS_SW_DASH, 0};
    double top = plot_draw_head_tagged(cr, "Overview: latency, throughput and WAL of each variant",
                                       r->title, items, tags, n_items);
    double *sy = scratch(nmax, err), *sx = scratch(nmax, err);
    if (!sx || !sy) {
        free(sx);
        free(sy);
        return WS_ENOMEM;
    }
    /* Table below the panels: a header row and a row per variant. */
    const double row_h = 27;
    size_t rows = r->nv < 8 ? r->nv : 8;
    double table_h = row_h * (double)(rows + 1) + 8;
    double table_top = H - 24 - table_h;
    double grid_bottom = table_top - 56;
    double mid = (LEFT + RIGHT) / 2;
    double ph = (grid_bottom - top - 2 * 30 - 44) / 2;
    ws_plot_rect rects[4] = {
        {LEFT, top + 30, mid - 50 - LEFT, ph},
        {mid + 80, top + 30, RIGHT - mid - 80, ph},
        {LEFT, top + 30 + ph + 44 + 30, mid - 50 - LEFT, ph},
        {mid + 80, top + 30 + ph + 44 + 30, RIGHT - mid - 80, ph},
    };
    const ov_kind kinds[4] = {OV_P99, OV_TPS, OV_WAL, OV_PGWAL};
    for (int i = 0; i < 4; i++)
        overview_panel(cr, r, kinds[i], rects[i], cx->opts, sy, sx);
    free(sx);
    free(sy);
    ws_plot_axis xa;
    ws_plot_axis_time(&xa, r->t0, r->t1, rects[2].w, 110);
    char tt[96];
    ws_plot_axis_title(&xa.t, "simulated time", tt, sizeof tt);
    ws_plot_text(cr, font2(16), (LEFT + RIGHT) / 2, rects[3].y + rects[3].h + 34,
                 WS_TA_CENTER | WS_TA_TOP, 0, tt);

    /* The headline figures, as in `walsim run`'s table.  Columns are as
     * wide as their widest text, spread over the page width.  With
     * windows (summary.json schema 2) a column says which span each row
     * covers, and an overloaded variant's latencies (a growing queue's,
     * not a steady state's) are in the alarm red; its tags are in the
     * legend above. */
    enum { NCOL = 10 };
    static const char *const heads[NCOL] = {
        "variant",     "window",      "tps",        "p50 latency", "p99 latency",
        "max latency", "checkpoints timed/req.",    "WAL per tx",  "FPI share",
        "pg_wal peak"};
    bool windowed = false;
    for (size_t k = 0; k < r->nv; k++)
        windowed = windowed || r->v[k].has_window;
    bool present[NCOL];
    int ncol = 0;
    for (int c = 0; c < NCOL; c++) {
        present[c] = c != 1 || windowed;
        ncol += present[c];
    }
    ws_plot_font fh = font(16, true), fc = font(16, false);
    char cell[8][NCOL][64];
    double width[NCOL];
    for (int c = 0; c < NCOL; c++)
        width[c] = present[c] ? ws_plot_text_width(cr, fh, heads[c]) : 0;
    for (size_t k = 0; k < rows; k++) {
        const plot_variant *v = &r->v[k];
        snprintf(cell[k][0], sizeof cell[k][0], "%s", v->name);
        cell[k][1][0] = '\0';
        if (v->has_window) {
            char a[32], b[32];
            ws_plot_tick_label(&xa.t, v->win_start, a, sizeof a);
            ws_plot_tick_label(&xa.t, v->win_end, b, sizeof b);
            snprintf(cell[k][1], sizeof cell[k][1], "%s\xE2\x80\x93%s", a, b);
        }
        ws_plot_format_value(v->tps, WS_PU_PLAIN, cell[k][2], sizeof cell[k][2]);
        ws_plot_format_value(v->p50_ms, WS_PU_MS, cell[k][3], sizeof cell[k][3]);
        ws_plot_format_value(v->p99_ms, WS_PU_MS, cell[k][4], sizeof cell[k][4]);
        ws_plot_format_value(v->max_ms, WS_PU_MS, cell[k][5], sizeof cell[k][5]);
        snprintf(cell[k][6], sizeof cell[k][6], "%.0f / %.0f", v->ckpt_timed, v->ckpt_req);
        ws_plot_format_value(v->wal_per_tx, WS_PU_BYTES, cell[k][7], sizeof cell[k][7]);
        ws_plot_format_value(v->fpi_share, WS_PU_PERCENT, cell[k][8], sizeof cell[k][8]);
        ws_plot_format_value(v->pg_wal_peak, WS_PU_BYTES, cell[k][9], sizeof cell[k][9]);
        for (int c = 0; c < NCOL; c++) {
            if (!present[c])
                continue;
            double w = ws_plot_text_width(cr, c ? fc : fh, cell[k][c]) + (c ? 0 : 34);
            if (w > width[c])
                width[c] = w;
        }
    }
    double total = 0;
    for (int c = 0; c < NCOL; c++)
        total += width[c];
    double gap = (RIGHT - LEFT - total) / (ncol - 1);
    if (gap < 12)
        gap = 12;
    /* x of each column's right edge (the first is left-aligned). */
    double colx[NCOL], x = LEFT;
    for (int c = 0; c < NCOL; c++) {
        colx[c] = c ? x + width[c] : LEFT;
        if (present[c])
            x += width[c] + gap;
    }
    double y = table_top;
    cairo_save(cr);
    ws_plot_set_color(cr, WS_PLOT_AXIS, 1);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, LEFT, floor(y + row_h) + 0.5);
    cairo_line_to(cr, RIGHT, floor(y + row_h) + 0.5);
    cairo_stroke(cr);
    cairo_restore(cr);
    for (int c = 0; c < NCOL; c++)
        if (present[c])
            ws_plot_text(cr, fh, colx[c], y + row_h / 2,
                         (c ? WS_TA_RIGHT : WS_TA_LEFT) | WS_TA_MIDDLE, 0, heads[c]);
    for (size_t k = 0; k < rows; k++) {
        const plot_variant *v = &r->v[k];
        double ry = y + row_h * (double)(k + 1) + 4;
        if (k % 2 == 1) {
            cairo_save(cr);
            cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
            cairo_rectangle(cr, LEFT, ry, RIGHT - LEFT, row_h);
            cairo_fill(cr);
            cairo_restore(cr);
        }
        cairo_save(cr);
        ws_plot_set_color(cr, ws_plot_series_color((int)k), 1);
        cairo_set_line_width(cr, 4);
        cairo_move_to(cr, LEFT, ry + row_h / 2);
        cairo_line_to(cr, LEFT + 24, ry + row_h / 2);
        cairo_stroke(cr);
        cairo_restore(cr);
        for (int c = 0; c < NCOL; c++) {
            if (!present[c])
                continue;
            ws_plot_font f = c ? fc : fh;
            if (v->overloaded && c >= 3 && c <= 5)
                f.color = WS_PLOT_ALARM;
            ws_plot_text(cr, f, c ? colx[c] : LEFT + 34, ry + row_h / 2,
                         (c ? WS_TA_RIGHT : WS_TA_LEFT) | WS_TA_MIDDLE, 0, cell[k][c]);
        }
    }
    if (r->nv > rows) {
        char more[64];
        snprintf(more, sizeof more, "(%zu more variants in summary.json)", r->nv - rows);
        ws_plot_text(cr, font2(14), RIGHT, H - 6, WS_TA_RIGHT | WS_TA_BOTTOM, 0, more);
    }
    return WS_OK;
}

/* ------------------------------------------------------------------ */
/* Driver */

static const struct {
    const char *name;
    int (*draw)(cairo_t *cr, const chart_ctx *cx, ws_diag *err);
    bool always_pdf;
} charts[] = {
    {"latency", chart_latency, false},   {"throughput", chart_throughput, false},
    {"wal", chart_wal, false},           {"dirty", chart_dirty, false},
    {"device", chart_device, false},     {"latency_cdf", chart_cdf, false},
    {"overview", chart_overview, true},
    {"latency_tail", chart_tail, false},
    {"worst-hour", chart_worst_hour, false}, /* runs of 6 h or more */
};

/* One job per chart; the adapter gives every chart the same context. */
typedef struct job_ctx {
    const chart_ctx *cx;
    size_t chart;
} job_ctx;

static int draw_job(cairo_t *cr, const void *ctx, ws_diag *err)
{
    const job_ctx *j = ctx;
    return charts[j->chart].draw(cr, j->cx, err);
}

int ws_plot_dir_with(const char *dir, const char *formats, const ws_plot_options *opts,
                     ws_diag *err)
{
    ws_diag_clear(err);
    unsigned mask;
    int rc = ws_plot_parse_formats(formats, &mask, err);
    if (rc != WS_OK)
        return rc;
    plot_run r;
    rc = plot_run_load(dir, &r, err);
    if (rc != WS_OK)
        return rc;
    static const ws_plot_options defaults = {WS_PLOT_SCALE_AUTO};
    chart_ctx cx = {&r, opts ? opts : &defaults};
    enum { N = sizeof charts / sizeof charts[0] };
    plot_job jobs[N];
    job_ctx jc[N];
    size_t nj = 0;
    for (size_t i = 0; i < N; i++) {
        if (charts[i].draw == chart_worst_hour && !r.zoom)
            continue;
        jc[nj] = (job_ctx){&cx, i};
        jobs[nj] = (plot_job){charts[i].name, draw_job, &jc[nj], charts[i].always_pdf};
        nj++;
    }
    rc = plot_render_all(dir, mask, jobs, nj, err);
    if (rc == WS_OK)
        rc = ws_plot_walvol(dir, r.title, mask, err);
    plot_run_free(&r);
    return rc;
}

int ws_plot_dir(const char *dir, const char *formats, ws_diag *err)
{
    return ws_plot_dir_with(dir, formats, NULL, err);
}
