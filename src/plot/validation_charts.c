/*
 * validation_charts.c - the overlay charts of `walsim validate`
 * (ws_plot_validation; docs/charts.md, docs/validate.md).
 *
 * A validation folder holds validation_timeline.csv (the measured window's
 * intervals next to the simulation's, one row per interval) and
 * validation.json (the figures of the whole window, their relative errors
 * and the verdict).  The charts put the two timelines on one time axis,
 * seconds since the start of the measured window, measured in one colour
 * and simulated in another on every chart, so the eye compares them by
 * position: throughput, latency p99 and p50 (the mean when the measured
 * input has no percentiles), and the checkpoint phases of both sides as
 * two labelled strips above the data.  The phases are strips rather than
 * shading behind the data because two sides' phases overlap: shaded
 * together they would blend into a third colour nobody can read.
 *
 * The headline relative errors (tps, p99, checkpoint write time, WAL per
 * transaction) sit in a box under the title; the whole-window figures are
 * dashed lines in the side's colour, their values in the caption row
 * above the panel.  The overview adds validation.json's whole table.
 *
 * Everything is read and checked before anything is drawn: a field of the
 * wrong kind or a cell that does not parse is WS_EINPUT naming FILE:LINE,
 * and no chart is written.  A side without data (a validation without a
 * pgbench log has no measured tps) is not an error: its line is absent
 * and the panel caption says so.
 */
#include "walsim/plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "rundir.h"
#include "walsim/csvread.h"
#include "walsim/json.h"

#define W ((double)WS_PLOT_WIDTH)
#define H ((double)WS_PLOT_HEIGHT)
#define LEFT ((double)WS_PLOT_MARGIN_LEFT)
#define RIGHT (W - WS_PLOT_MARGIN_RIGHT)
#define BOTTOM (H - 74)

/* A little room above the highest value, so a series at its maximum is
 * not drawn on the frame (as the run charts). */
#define HEAD(x) ((x) * 1.03)

enum { MEAS = 0, SIM = 1 };

/* Measured blue, simulated vermillion on every chart: the first two
 * Okabe-Ito series colours, far apart in hue and in lightness. */
#define SIDE_COLOR(s) ((s) == MEAS ? WS_OI_BLUE : WS_OI_VERMILLION)
static const char *const side_name[2] = {"measured", "simulated"};

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

/* ------------------------------------------------------------------ */
/* The folder in memory */

/* Per-interval statistics of one side, as the CSV's column pairs. */
typedef enum vstat { V_TPS, V_MEAN, V_P50, V_P99, V_STAT__COUNT } vstat;

static const char *const stat_col[V_STAT__COUNT] = {"tps", "lat_mean_ms", "lat_p50_ms",
                                                    "lat_p99_ms"};

typedef struct vside {
    double *v[V_STAT__COUNT]; /* n values each; NAN for an empty cell */
    bool has[V_STAT__COUNT];  /* some interval has a value */
    plot_span *spans;         /* checkpoint phases, merged runs of intervals */
    size_t n_spans;
    bool has_phase;           /* some interval has a phase */
} vside;

/* One row of validation.json's table. */
typedef struct vfig {
    char *name, *unit, *goal, *status; /* goal NULL when the row has none */
    double measured, simulated, rel, tol; /* NAN for null */
} vfig;

typedef struct vdata {
    char *title; /* "NAME (variant V)" for the chart frame */
    size_t n;
    double *t;   /* interval starts (s since the window start) */
    double dt;   /* scenario.interval_s */
    double t0, t1;
    vside s[2];
    vfig *rows;
    size_t n_rows;
    char *result;
    double goals, passed, failed, not_measured;
    size_t n_notes;
} vdata;

static int nomem(ws_diag *err)
{
    ws_diag_set(err, NULL, 0, "out of memory");
    return WS_ENOMEM;
}

static void vdata_free(vdata *d)
{
    for (int s = 0; s < 2; s++) {
        for (int k = 0; k < V_STAT__COUNT; k++)
            free(d->s[s].v[k]);
        free(d->s[s].spans);
    }
    for (size_t i = 0; i < d->n_rows; i++) {
        free(d->rows[i].name);
        free(d->rows[i].unit);
        free(d->rows[i].goal);
        free(d->rows[i].status);
    }
    free(d->rows);
    free(d->t);
    free(d->title);
    free(d->result);
    memset(d, 0, sizeof *d);
}

static char *dup_or_null(const char *s, bool *oom)
{
    if (!s)
        return NULL;
    char *p = strdup(s);
    if (!p)
        *oom = true;
    return p;
}

/* A member that is a number or null (NAN); missing or another kind is an
 * error naming the file and line. */
static int num_or_null(const ws_json *o, const char *key, double *out, ws_diag *err)
{
    const ws_json *v = ws_json_get(o, key);
    if (v && ws_json_type_of(v) == WS_JSON_NULL) {
        *out = NAN;
        return WS_OK;
    }
    if (v && ws_json_type_of(v) != WS_JSON_NUMBER) {
        ws_diag_set(err, ws_json_file(o), ws_json_line(v), "%s: expected a number or null, found %s",
                    key, ws_json_type_name(ws_json_type_of(v)));
        return WS_EINPUT;
    }
    return ws_json_get_num(o, key, out, err);
}

/* A member that is a string or null (*out NULL). */
static int str_or_null(const ws_json *o, const char *key, const char **out, ws_diag *err)
{
    const ws_json *v = ws_json_get(o, key);
    if (v && ws_json_type_of(v) == WS_JSON_NULL) {
        *out = NULL;
        return WS_OK;
    }
    return ws_json_get_str(o, key, out, err);
}

/* The last path component without ".conf": the scenario's slug, the
 * title when validation.json names no scenario. */
static void slug_of(const char *file, char *buf, size_t len)
{
    const char *b = strrchr(file, '/');
    b = b ? b + 1 : file;
    size_t n = strlen(b);
    if (n > 5 && strcmp(b + n - 5, ".conf") == 0)
        n -= 5;
    snprintf(buf, len, "%.*s", (int)(n < 400 ? n : 400), b);
}

static int load_json(const char *path, vdata *d, ws_diag *err)
{
    ws_json *root;
    int rc = ws_json_parse_file(path, &root, err);
    if (rc != WS_OK)
        return rc;
    const char *file = NULL, *variant = NULL, *name = NULL, *result = NULL;
    rc = ws_json_get_str(root, "scenario.file", &file, err);
    if (rc == WS_OK)
        rc = ws_json_get_str(root, "scenario.variant", &variant, err);
    if (rc == WS_OK)
        rc = ws_json_get_num(root, "scenario.interval_s", &d->dt, err);
    if (rc == WS_OK && !(d->dt > 0 && d->dt < 1e9)) {
        ws_diag_set(err, path, ws_json_line(ws_json_path(root, "scenario.interval_s")),
                    "scenario.interval_s: %g; expected a positive number of seconds", d->dt);
        rc = WS_EINPUT;
    }
    /* scenario.name is optional (the scenario's [scenario] name); without
     * it the title uses the file's name. */
    if (rc == WS_OK && ws_json_path(root, "scenario.name"))
        rc = ws_json_get_str(root, "scenario.name", &name, err);
    if (rc == WS_OK) {
        char slug[512], title[1200];
        if (!name || !*name) {
            slug_of(file, slug, sizeof slug);
            name = slug;
        }
        /* The window's length, when given, says what the time axis spans. */
        double len = NAN;
        const ws_json *lv = ws_json_path(root, "measured.window.length_s");
        if (ws_json_type_of(lv) == WS_JSON_NUMBER)
            len = ws_json_num(lv);
        char win[96] = "";
        if (isfinite(len) && len > 0) {
            char num[48];
            ws_plot_format_value(len * 1000, WS_PU_MS, num, sizeof num);
            snprintf(win, sizeof win, "; measured window %s", num);
        }
        snprintf(title, sizeof title, "%s, variant %s%s", name, variant, win);
        if (!(d->title = strdup(title)))
            rc = nomem(err);
    }
    const ws_json *rows = rc == WS_OK ? ws_json_get(root, "rows") : NULL;
    if (rc == WS_OK && ws_json_type_of(rows) != WS_JSON_ARRAY) {
        ws_diag_set(err, path, ws_json_line(rows ? rows : root), "rows: %s, expected an array",
                    rows ? ws_json_type_name(ws_json_type_of(rows)) : "missing");
        rc = WS_EINPUT;
    }
    if (rc == WS_OK && ws_json_count(rows) > 0 &&
        !(d->rows = calloc(ws_json_count(rows), sizeof *d->rows)))
        rc = nomem(err);
    for (size_t i = 0; rc == WS_OK && i < ws_json_count(rows); i++) {
        const ws_json *o = ws_json_at(rows, i);
        if (ws_json_type_of(o) != WS_JSON_OBJECT) {
            ws_diag_set(err, path, ws_json_line(o), "rows[%zu]: %s, expected an object", i,
                        ws_json_type_name(ws_json_type_of(o)));
            rc = WS_EINPUT;
            break;
        }
        const char *rn = NULL, *unit = NULL, *goal = NULL, *status = NULL;
        vfig *f = &d->rows[d->n_rows];
        rc = ws_json_get_str(o, "name", &rn, err);
        if (rc == WS_OK)
            rc = ws_json_get_str(o, "unit", &unit, err);
        if (rc == WS_OK)
            rc = str_or_null(o, "goal", &goal, err);
        if (rc == WS_OK)
            rc = ws_json_get_str(o, "status", &status, err);
        if (rc == WS_OK)
            rc = num_or_null(o, "measured", &f->measured, err);
        if (rc == WS_OK)
            rc = num_or_null(o, "simulated", &f->simulated, err);
        if (rc == WS_OK)
            rc = num_or_null(o, "rel_error", &f->rel, err);
        if (rc == WS_OK)
            rc = num_or_null(o, "tolerance", &f->tol, err);
        if (rc != WS_OK)
            break;
        bool oom = false;
        f->name = dup_or_null(rn, &oom);
        f->unit = dup_or_null(unit, &oom);
        f->goal = dup_or_null(goal, &oom);
        f->status = dup_or_null(status, &oom);
        d->n_rows++;
        if (oom)
            rc = nomem(err);
    }
    if (rc == WS_OK)
        rc = ws_json_get_str(root, "summary.result", &result, err);
    if (rc == WS_OK)
        rc = ws_json_get_num(root, "summary.goals", &d->goals, err);
    if (rc == WS_OK)
        rc = ws_json_get_num(root, "summary.passed", &d->passed, err);
    if (rc == WS_OK)
        rc = ws_json_get_num(root, "summary.failed", &d->failed, err);
    if (rc == WS_OK)
        rc = ws_json_get_num(root, "summary.not_measured", &d->not_measured, err);
    if (rc == WS_OK && !(d->result = strdup(result)))
        rc = nomem(err);
    if (rc == WS_OK)
        d->n_notes = ws_json_count(ws_json_get(root, "notes"));
    ws_json_free(root);
    return rc;
}

/* "idle", "write", "sync" as 0, 1, 2; an empty cell (no server log, or
 * past the side's last interval) -1. */
static int phase_of(const ws_csv *c, size_t row, size_t col, signed char *out, ws_diag *err)
{
    static const char *const words[] = {"idle", "write", "sync"};
    const char *s = ws_csv_cell(c, row, col);
    if (!*s) {
        *out = -1;
        return WS_OK;
    }
    for (int k = 0; k < 3; k++)
        if (strcmp(s, words[k]) == 0) {
            *out = (signed char)k;
            return WS_OK;
        }
    char show[40];
    ws_diag_set(err, ws_csv_name(c), ws_csv_line(c, row),
                "column '%s': '%s' is not a checkpoint phase; expected idle, write, sync or empty",
                ws_csv_col_name(c, col), ws_diag_show(s, strlen(s), 32, show, sizeof show));
    return WS_EINPUT;
}

/* Runs of equal write or sync phases into spans [start, end). */
static int add_phase_spans(vside *s, const vdata *d, const signed char *ph, ws_diag *err)
{
    if (!(s->spans = malloc((d->n ? d->n : 1) * sizeof *s->spans)))
        return nomem(err);
    for (size_t i = 0; i < d->n;) {
        size_t j = i + 1;
        while (j < d->n && ph[j] == ph[i])
            j++;
        if (ph[i] >= 0)
            s->has_phase = true;
        if (ph[i] >= 1)
            s->spans[s->n_spans++] =
                (plot_span){d->t[i], j < d->n ? d->t[j] : d->t[d->n - 1] + d->dt, ph[i] == 2};
        i = j;
    }
    return WS_OK;
}

static int load_csv(const char *path, vdata *d, ws_diag *err)
{
    ws_csv *c;
    int rc = ws_csv_read_file(path, &c, err);
    if (rc != WS_OK)
        return rc;
    int ct = ws_csv_need(c, "t_s", err);
    int cols[2][V_STAT__COUNT], cph[2] = {-1, -1};
    rc = ct < 0 ? WS_EINPUT : WS_OK;
    for (int s = 0; s < 2 && rc == WS_OK; s++) {
        char name[64];
        for (int k = 0; k < V_STAT__COUNT && rc == WS_OK; k++) {
            snprintf(name, sizeof name, "%s_%s", s == MEAS ? "meas" : "sim", stat_col[k]);
            if ((cols[s][k] = ws_csv_need(c, name, err)) < 0)
                rc = WS_EINPUT;
        }
        snprintf(name, sizeof name, "%s_ckpt_phase", s == MEAS ? "meas" : "sim");
        if (rc == WS_OK && (cph[s] = ws_csv_need(c, name, err)) < 0)
            rc = WS_EINPUT;
    }
    d->n = ws_csv_rows(c);
    if (rc == WS_OK && d->n == 0) {
        ws_diag_set(err, path, 1, "no intervals: expected one row per interval after the header");
        rc = WS_EINPUT;
    }
    signed char *ph[2] = {NULL, NULL};
    if (rc == WS_OK) {
        d->t = malloc(d->n * sizeof *d->t);
        ph[0] = malloc(d->n);
        ph[1] = malloc(d->n);
        if (!d->t || !ph[0] || !ph[1])
            rc = nomem(err);
        for (int s = 0; s < 2 && rc == WS_OK; s++)
            for (int k = 0; k < V_STAT__COUNT && rc == WS_OK; k++)
                if (!(d->s[s].v[k] = malloc(d->n * sizeof(double))))
                    rc = nomem(err);
    }
    for (size_t i = 0; i < d->n && rc == WS_OK; i++) {
        rc = ws_csv_num(c, i, (size_t)ct, &d->t[i], err);
        if (rc == WS_OK && i > 0 && !(d->t[i] > d->t[i - 1])) {
            ws_diag_set(err, path, ws_csv_line(c, i),
                        "t_s %g is not after the previous row's %g (one row per interval, in "
                        "time order)",
                        d->t[i], d->t[i - 1]);
            rc = WS_EINPUT;
        }
        for (int s = 0; s < 2 && rc == WS_OK; s++) {
            for (int k = 0; k < V_STAT__COUNT && rc == WS_OK; k++) {
                double *v = &d->s[s].v[k][i];
                rc = ws_csv_num_or(c, i, (size_t)cols[s][k], NAN, v, err);
                if (rc == WS_OK && *v < 0) {
                    ws_diag_set(err, path, ws_csv_line(c, i),
                                "column '%s': %g is negative; expected a rate or latency >= 0",
                                ws_csv_col_name(c, (size_t)cols[s][k]), *v);
                    rc = WS_EINPUT;
                }
                if (rc == WS_OK && isfinite(*v))
                    d->s[s].has[k] = true;
            }
            if (rc == WS_OK)
                rc = phase_of(c, i, (size_t)cph[s], &ph[s][i], err);
        }
    }
    for (int s = 0; s < 2 && rc == WS_OK; s++)
        rc = add_phase_spans(&d->s[s], d, ph[s], err);
    if (rc == WS_OK) {
        d->t0 = d->t[0];
        d->t1 = d->t[d->n - 1] + d->dt;
    }
    free(ph[0]);
    free(ph[1]);
    ws_csv_free(c);
    return rc;
}

static int vdata_load(const char *dir, vdata *d, ws_diag *err)
{
    memset(d, 0, sizeof *d);
    char path[4096];
    snprintf(path, sizeof path, "%s/validation.json", dir);
    int rc = load_json(path, d, err);
    if (rc == WS_OK) {
        snprintf(path, sizeof path, "%s/validation_timeline.csv", dir);
        rc = load_csv(path, d, err);
    }
    if (rc != WS_OK)
        vdata_free(d);
    return rc;
}

static const vfig *find_row(const vdata *d, const char *name)
{
    for (size_t i = 0; i < d->n_rows; i++)
        if (strcmp(d->rows[i].name, name) == 0)
            return &d->rows[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Text of figures */

/* "+23.5 %", with a true minus sign. */
static void format_rel(double rel, char *buf, size_t len)
{
    if (!isfinite(rel)) {
        snprintf(buf, len, "n/a");
        return;
    }
    double pct = rel * 100;
    if (fabs(pct) < 0.05)
        snprintf(buf, len, "0.0 %%");
    else if (pct < 0)
        snprintf(buf, len, "\xE2\x88\x92%.1f %%", -pct);
    else
        snprintf(buf, len, "+%.1f %%", pct);
}

/* Three significant digits, zeros kept so that measured and simulated
 * line up ("15.0" next to "14.5"); no decimals from 1000 on. */
static void sig3_text(double v, char *buf, size_t len)
{
    double a = fabs(v);
    int dec = a == 0 || a >= 999.5 ? 0 : 2 - (int)floor(log10(a * (1 + 1e-12)));
    if (dec < 0)
        dec = 0;
    if (dec > 6)
        dec = 6;
    snprintf(buf, len, "%.*f", dec, v);
    /* Rounding up across a power of ten ("9.996" to "10.00"): one digit too many. */
    if (dec > 0 && a < 999.5 && fabs(atof(buf)) >= pow(10, 3 - dec))
        snprintf(buf, len, "%.*f", dec - 1, v);
}

/* A figure in validation.json's unit, with its unit, for the table. */
static void format_fig(double v, const char *unit, char *buf, size_t len)
{
    char num[48];
    if (!isfinite(v)) {
        snprintf(buf, len, "n/a");
        return;
    }
    bool is_s = strcmp(unit, "s") == 0, is_ms = strcmp(unit, "ms") == 0;
    if (is_s || is_ms) {
        double ms = is_s ? v * 1000 : v;
        bool secs = fabs(ms) >= 999.5;
        sig3_text(secs ? ms / 1000 : ms, num, sizeof num);
        snprintf(buf, len, "%s %s", num, secs ? "s" : "ms");
    } else if (strcmp(unit, "bytes") == 0)
        ws_plot_format_value(v, WS_PU_BYTES, buf, len);
    else if (strcmp(unit, "ratio") == 0)
        snprintf(buf, len, "%.1f %%", v * 100);
    else if (strcmp(unit, "count") == 0 && v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, len, "%.0f", v);
    else
        sig3_text(v, buf, len);
}

/* "exact", "±15 %", or "" for a row without a goal. */
static void format_goal(const vfig *f, char *buf, size_t len)
{
    if (!f->goal)
        snprintf(buf, len, "\xE2\x80\x93");
    else if (strcmp(f->goal, "relative") == 0 && isfinite(f->tol))
        snprintf(buf, len, "\xC2\xB1%.0f %%", f->tol * 100);
    else
        snprintf(buf, len, "%s", f->goal);
}

/* ------------------------------------------------------------------ */
/* Frame: title, headline errors, legend */

static const struct {
    const char *row, *label;
} headline[] = {
    {"tps", "tps"},
    {"p99_latency_ms", "p99 latency"},
    {"checkpoint_write_s", "checkpoint write time"},
    {"wal_bytes_per_tx", "WAL per transaction"},
};

/* A light box under the title with one cell per headline figure: its
 * name and goal on the first line, the relative error and the verdict
 * large on the second, so a slide shows the result at a glance. */
static double draw_headline(cairo_t *cr, const vdata *d, double y)
{
    enum { NH = sizeof headline / sizeof headline[0] };
    const double box_h = 56, pad = 16;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.955, 0.955, 0.955);
    cairo_rectangle(cr, LEFT, y, RIGHT - LEFT, box_h);
    cairo_fill(cr);
    cairo_restore(cr);
    ws_plot_font flead = font2(16);
    double l1 = y + box_h * 0.3, l2 = y + box_h * 0.7;
    double lw = fmax(ws_plot_text_width(cr, flead, "simulated vs measured"),
                     ws_plot_text_width(cr, flead, "over the whole window"));
    ws_plot_text(cr, flead, LEFT + pad, l1, WS_TA_LEFT | WS_TA_MIDDLE, 0, "simulated vs measured");
    ws_plot_text(cr, flead, LEFT + pad, l2, WS_TA_LEFT | WS_TA_MIDDLE, 0, "over the whole window");
    /* Cells as wide as their text, the space left spread between them. */
    char rel[NH][48], goal[NH][48], miss[NH][48];
    const vfig *f[NH];
    double cw[NH], sum = 0;
    const ws_plot_font fname = font(16, true), frel = font(20, false), fstat = font(18, true),
                       fgoal = font2(15), fmiss = font2(17);
    for (int i = 0; i < NH; i++) {
        f[i] = find_row(d, headline[i].row);
        goal[i][0] = miss[i][0] = '\0';
        format_rel(f[i] ? f[i]->rel : NAN, rel[i], sizeof rel[i]);
        if (f[i] && f[i]->goal) {
            char g[32];
            format_goal(f[i], g, sizeof g);
            snprintf(goal[i], sizeof goal[i], "goal %s", g);
        }
        if (!f[i] || !isfinite(f[i]->rel))
            snprintf(miss[i], sizeof miss[i], "%s",
                     !f[i] ? "n/a (not in validation.json)"
                     : !isfinite(f[i]->measured) ? "n/a (not measured)"
                                                 : "n/a");
        double w2 = *miss[i] ? ws_plot_text_width(cr, fmiss, miss[i])
                             : ws_plot_text_width(cr, frel, rel[i]) + 12 +
                                   ws_plot_text_width(cr, fstat, "FAIL") + 14 +
                                   ws_plot_text_width(cr, fgoal, goal[i]);
        cw[i] = fmax(ws_plot_text_width(cr, fname, headline[i].label), w2);
        sum += cw[i];
    }
    double x = LEFT + pad + lw + 48;
    double gap = (RIGHT - pad - x - sum) / NH;
    if (gap < 16)
        gap = 16;
    for (int i = 0; i < NH; i++) {
        ws_plot_text(cr, fname, x, l1, WS_TA_LEFT | WS_TA_MIDDLE, 0, headline[i].label);
        if (*miss[i])
            ws_plot_text(cr, fmiss, x, l2, WS_TA_LEFT | WS_TA_MIDDLE, 0, miss[i]);
        else {
            double cx = x + ws_plot_text(cr, frel, x, l2, WS_TA_LEFT | WS_TA_MIDDLE, 0, rel[i]) + 12;
            bool fail = f[i]->status && strcmp(f[i]->status, "FAIL") == 0;
            bool pass = f[i]->status && strcmp(f[i]->status, "PASS") == 0;
            if (fail || pass)
                cx += ws_plot_text(cr, fail ? fstat : (ws_plot_font){18, false, WS_PLOT_TEXT2}, cx,
                                   l2, WS_TA_LEFT | WS_TA_MIDDLE, 0, f[i]->status) +
                      14;
            ws_plot_text(cr, fgoal, cx, l2 + 1, WS_TA_LEFT | WS_TA_MIDDLE, 0, goal[i]);
        }
        x += cw[i] + gap;
    }
    return y + box_h;
}

static const ws_plot_legend_item LEG_WRITE = {"checkpoint write phase", {0xDD / 255.0, 0xEB / 255.0, 0xF7 / 255.0}, WS_SW_AREA, 0};
static const ws_plot_legend_item LEG_SYNC = {"checkpoint sync phase", {0xF9 / 255.0, 0xD2 / 255.0, 0x8C / 255.0}, WS_SW_AREA, 0};

/* Title, scenario line, headline box, legend; returns where the panels
 * may start. */
static double draw_frame(cairo_t *cr, const vdata *d, const char *what, bool with_headline)
{
    ws_plot_legend_item items[] = {
        {"measured", WS_OI_BLUE, WS_SW_LINE, 0},
        {"simulated", WS_OI_VERMILLION, WS_SW_LINE, 0},
        {"whole-window figure (dashed)", WS_PLOT_TEXT2, WS_SW_DASH, 0},
        LEG_WRITE,
        LEG_SYNC,
    };
    double y = plot_draw_head(cr, what, d->title, NULL, 0) + 4;
    if (with_headline)
        y = draw_headline(cr, d, y) + 10;
    y += ws_plot_legend(cr, LEFT, y, RIGHT - LEFT, items, 5, F_LEGEND, true);
    return y + 8;
}

static void draw_time_title(cairo_t *cr, const ws_plot_axis *x, double x0, double x1, double y)
{
    char buf[128];
    ws_plot_axis_title(&x->t, "time since the start of the measured window", buf, sizeof buf);
    ws_plot_text(cr, F_AXIS, (x0 + x1) / 2, y, WS_TA_CENTER | WS_TA_BOTTOM, 0, buf);
}

static void draw_y_title(cairo_t *cr, const ws_plot_axis *y, const char *what, double x, double y0,
                         double y1)
{
    char buf[128];
    ws_plot_axis_title(&y->t, what, buf, sizeof buf);
    ws_plot_text(cr, F_AXIS, x, (y0 + y1) / 2, WS_TA_CENTER | WS_TA_TOP, -M_PI / 2, buf);
}

/* ------------------------------------------------------------------ */
/* Panels */

#define STRIP_ROW 20.0
#define STRIP_GAP 4.0
#define STRIP_H (2 * STRIP_ROW + STRIP_GAP)

/* The checkpoint phases of both sides, one labelled row each, on the
 * panels' time axis, from y `top`. */
static void draw_phase_strip(cairo_t *cr, const vdata *d, const ws_plot_axis *xa, double left,
                             double right, double top)
{
    for (int s = 0; s < 2; s++) {
        ws_plot_panel p = {{left, top + s * (STRIP_ROW + STRIP_GAP), right - left, STRIP_ROW},
                           *xa,
                           {0, 1, {0}}};
        p.y.t.n = 0;
        for (size_t i = 0; i < d->s[s].n_spans; i++)
            ws_plot_vspan(cr, &p, d->s[s].spans[i].t0, d->s[s].spans[i].t1,
                          d->s[s].spans[i].sync ? WS_PLOT_SYNC_SHADE : WS_PLOT_WRITE_SHADE, 2);
        ws_plot_panel_grid(cr, &p);
        ws_plot_axis nox = p.x;
        nox.t.n = 0; /* no tick marks between the rows */
        ws_plot_panel frame = {p.r, nox, p.y};
        ws_plot_panel_frame(cr, &frame);
        ws_plot_font f = {15, true, SIDE_COLOR(s)};
        ws_plot_text(cr, f, left - 9, p.r.y + STRIP_ROW / 2, WS_TA_RIGHT | WS_TA_MIDDLE, 0,
                     side_name[s]);
        if (!d->s[s].has_phase) {
            ws_plot_font g = font2(14);
            ws_plot_text(cr, g, left + 8, p.r.y + STRIP_ROW / 2, WS_TA_LEFT | WS_TA_MIDDLE, 0,
                         "no checkpoint phases in the inputs");
        }
    }
}

/* The value of stat k at interval i of side s, NAN when absent; latency
 * of an interval that completed no transaction is absent too. */
static double value(const vdata *d, int s, vstat k, size_t i)
{
    double v = d->s[s].v[k][i];
    if (k != V_TPS && isfinite(d->s[s].v[V_TPS][i]) && !(d->s[s].v[V_TPS][i] > 0))
        return NAN;
    return v;
}

/* The whole-window figure of validation.json matching stat k. */
static const char *const stat_row[V_STAT__COUNT] = {"tps", "mean_latency_ms", "p50_latency_ms",
                                                    "p99_latency_ms"};

/* One data panel: both sides' series of stat k, the whole-window figures
 * dashed, and a caption row above: the panel's name on the left, the
 * whole-window values (or what is missing) on the right. */
static int draw_series_panel(cairo_t *cr, const vdata *d, const ws_plot_panel *p, vstat k,
                             const char *caption, bool xlabels, ws_diag *err)
{
    double *x = malloc(d->n * sizeof *x), *y = malloc(d->n * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return nomem(err);
    }
    for (size_t i = 0; i < d->n; i++)
        x[i] = d->t[i] + d->dt / 2; /* per-interval values at the middle */
    ws_plot_panel_grid(cr, p);
    const vfig *f = find_row(d, stat_row[k]);
    ws_plot_unit unit = k == V_TPS ? WS_PU_PLAIN : WS_PU_MS;
    /* Measured first, simulated over it: the simulated line is usually
     * the smoother one, and stays visible on the noisy measured one. */
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; i < d->n; i++)
            y[i] = value(d, s, k, i);
        ws_plot_line(cr, p, x, y, d->n, SIDE_COLOR(s), 2.0, 0);
    }
    for (int s = 0; s < 2 && f; s++) {
        double v = s == MEAS ? f->measured : f->simulated;
        if (isfinite(v) && v >= p->y.lo && v <= p->y.hi)
            ws_plot_hline(cr, p, v, SIDE_COLOR(s), 9, NULL, F_TICK, NULL);
    }
    ws_plot_panel_frame(cr, p);
    ws_plot_panel_ylabels(cr, p, F_TICK);
    if (xlabels)
        ws_plot_panel_xlabels(cr, p, F_TICK);
    /* Caption row: right-aligned notes first, then the name in what is
     * left of the row. */
    double xr = p->r.x + p->r.w, yb = p->r.y - 8;
    for (int s = SIM; s >= MEAS; s--) {
        char text[160], num[48];
        if (!d->s[s].has[k])
            snprintf(text, sizeof text, "%s: not in the inputs", side_name[s]);
        else if (f && isfinite(s == MEAS ? f->measured : f->simulated)) {
            ws_plot_format_value(s == MEAS ? f->measured : f->simulated, unit, num, sizeof num);
            snprintf(text, sizeof text, "%s %s%s", side_name[s], num, k == V_TPS ? " tps" : "");
        } else
            snprintf(text, sizeof text, "%s: no whole-window figure", side_name[s]);
        ws_plot_font fn = {16, false, SIDE_COLOR(s)};
        xr -= ws_plot_text(cr, fn, xr, yb, WS_TA_RIGHT | WS_TA_BOTTOM, 0, text) + 24;
    }
    ws_plot_font fw = font2(16);
    xr -= ws_plot_text(cr, fw, xr + 10, yb, WS_TA_RIGHT | WS_TA_BOTTOM, 0, "whole window:") + 10;
    ws_plot_text(cr, F_NAME, p->r.x, yb, WS_TA_LEFT | WS_TA_BOTTOM, 0, caption);
    free(x);
    free(y);
    return WS_OK;
}

/* The largest value of stat k over both sides and the whole-window
 * figures, and the smallest positive one. */
static void stat_range(const vdata *d, vstat k, double *lo, double *hi)
{
    const vfig *f = find_row(d, stat_row[k]);
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; i < d->n; i++) {
            double v = value(d, s, k, i);
            if (!isfinite(v))
                continue;
            if (v > *hi)
                *hi = v;
            if (v > 0 && v < *lo)
                *lo = v;
        }
        double w = f ? (s == MEAS ? f->measured : f->simulated) : NAN;
        if (isfinite(w) && w > *hi)
            *hi = w;
        if (isfinite(w) && w > 0 && w < *lo)
            *lo = w;
    }
}

/* The y axis of a latency panel group: linear from 0, or logarithmic
 * when the values span more than 30x (a 3 ms median and a 120 ms p99
 * spike cannot both be read on one linear axis), as the run charts. */
static void latency_axis(const vdata *d, const vstat *ks, int nk, double length, ws_plot_axis *a)
{
    double lo = INFINITY, hi = 0;
    for (int i = 0; i < nk; i++)
        stat_range(d, ks[i], &lo, &hi);
    if (!(hi > 0))
        hi = 1;
    if (!isfinite(lo))
        lo = hi / 10;
    if (hi / lo > 30)
        ws_plot_axis_fit_log(a, lo, HEAD(hi), WS_PU_MS);
    else
        ws_plot_axis_fit(a, 0, HEAD(hi), length, 45, WS_PU_MS);
}

static void tps_axis(const vdata *d, double length, ws_plot_axis *a)
{
    double lo = INFINITY, hi = 0;
    stat_range(d, V_TPS, &lo, &hi);
    ws_plot_axis_fit(a, 0, HEAD(hi > 0 ? hi : 1), length, 45, WS_PU_PLAIN);
}

/* The latency statistics to draw: p99 and p50; when the measured side
 * has no percentiles (pgbench progress reports and aggregate logs give
 * only the mean), the mean first, the one panel that compares. */
static int latency_stats(const vdata *d, vstat *ks)
{
    int n = 0;
    if (!d->s[MEAS].has[V_P99] && !d->s[MEAS].has[V_P50] && d->s[MEAS].has[V_MEAN])
        ks[n++] = V_MEAN;
    ks[n++] = V_P99;
    ks[n++] = V_P50;
    return n;
}

static const char *stat_caption(vstat k)
{
    return k == V_P99 ? "p99 latency per interval"
           : k == V_P50 ? "p50 (median) latency per interval"
           : k == V_MEAN ? "mean latency per interval"
                         : "transactions per second";
}

/* ------------------------------------------------------------------ */
/* Charts */

#define CAPTION_H 30.0 /* the caption row above a panel */
#define PANEL_GAP 16.0

static int chart_tps(cairo_t *cr, const void *ctx, ws_diag *err)
{
    const vdata *d = ctx;
    double top = draw_frame(cr, d, "Throughput: measured and simulated transactions per second",
                            true);
    ws_plot_axis xa, ya;
    ws_plot_axis_time(&xa, d->t0, d->t1, RIGHT - LEFT, 120);
    draw_phase_strip(cr, d, &xa, LEFT, RIGHT, top + 4);
    ws_plot_rect r = {LEFT, top + 4 + STRIP_H + 12 + CAPTION_H, RIGHT - LEFT, 0};
    r.h = BOTTOM - r.y;
    tps_axis(d, r.h, &ya);
    ws_plot_panel p = {r, xa, ya};
    int rc = draw_series_panel(cr, d, &p, V_TPS, "throughput per interval", true, err);
    if (rc == WS_OK) {
        draw_y_title(cr, &ya, "transactions per second", 22, r.y, r.y + r.h);
        draw_time_title(cr, &xa, LEFT, RIGHT, H - 14);
    }
    return rc;
}

static int chart_latency(cairo_t *cr, const void *ctx, ws_diag *err)
{
    const vdata *d = ctx;
    vstat ks[3];
    int nk = latency_stats(d, ks);
    double top = draw_frame(cr, d,
                            nk == 3 ? "Latency: measured and simulated mean, p99 and p50 per interval"
                                    : "Latency: measured and simulated p99 and p50 per interval",
                            true);
    ws_plot_axis xa, ya;
    ws_plot_axis_time(&xa, d->t0, d->t1, RIGHT - LEFT, 120);
    draw_phase_strip(cr, d, &xa, LEFT, RIGHT, top + 4);
    double y0 = top + 4 + STRIP_H + 12;
    double ph = (BOTTOM - y0 - nk * CAPTION_H - (nk - 1) * PANEL_GAP) / nk;
    int rc = WS_OK;
    for (int i = 0; i < nk && rc == WS_OK; i++) {
        ws_plot_rect r = {LEFT, y0 + CAPTION_H + i * (ph + CAPTION_H + PANEL_GAP), RIGHT - LEFT,
                          ph};
        /* Each panel its own y axis: what a panel compares is measured
         * against simulated; on one axis with the p99 the median would be
         * a flat line at the bottom. */
        latency_axis(d, &ks[i], 1, ph, &ya);
        ws_plot_panel p = {r, xa, ya};
        rc = draw_series_panel(cr, d, &p, ks[i], stat_caption(ks[i]), i + 1 == nk, err);
        if (rc == WS_OK)
            draw_y_title(cr, &ya, "latency", 22, r.y, r.y + r.h);
    }
    if (rc == WS_OK)
        draw_time_title(cr, &xa, LEFT, RIGHT, H - 14);
    return rc;
}

/* validation.json's table, as `walsim validate` prints it, from (x, y)
 * to the right margin; the font shrinks until the widest cells fit. */
enum { NCOL = 6 };

static void table_cells(const vfig *f, char cell[NCOL][64])
{
    snprintf(cell[0], 64, "%s", f->name);
    format_fig(f->measured, f->unit, cell[1], 64);
    format_fig(f->simulated, f->unit, cell[2], 64);
    format_rel(f->rel, cell[3], 64);
    format_goal(f, cell[4], 64);
    /* "-" (no goal) as the goal column's dash. */
    snprintf(cell[5], 64, "%s", strcmp(f->status, "-") == 0 ? "\xE2\x80\x93" : f->status);
}

static void draw_table(cairo_t *cr, const vdata *d, double x0, double y)
{
    static const char *const heads[NCOL] = {"figure", "measured", "simulated",
                                            "error",  "goal",     "result"};
    const double min_gap = 14, avail_h = BOTTOM + 20 - y;
    size_t rows = d->n_rows;
    double fs = 15, row_h = 24, width[NCOL], total = 0;
    if ((double)(rows + 3) * row_h > avail_h) {
        row_h = avail_h / (double)(rows + 3);
        fs = fmin(15, row_h * 0.62);
    }
    char cell[NCOL][64];
    for (; fs >= 8; fs -= 0.5) {
        ws_plot_font fh = font(fs, true), fc = font(fs, false);
        total = 0;
        for (int c = 0; c < NCOL; c++)
            width[c] = ws_plot_text_width(cr, fh, heads[c]);
        for (size_t i = 0; i < rows; i++) {
            table_cells(&d->rows[i], cell);
            for (int c = 0; c < NCOL; c++)
                width[c] = fmax(width[c], ws_plot_text_width(cr, c == 0 || c == 5 ? fh : fc, cell[c]));
        }
        for (int c = 0; c < NCOL; c++)
            total += width[c];
        if (total + (NCOL - 1) * min_gap <= RIGHT - x0)
            break;
    }
    ws_plot_font fh = font(fs, true), fc = font(fs, false);
    double gap = (RIGHT - x0 - total) / (NCOL - 1), colx[NCOL], x = x0;
    if (gap < min_gap)
        gap = min_gap;
    if (gap > 36) /* a narrow table stays together, left-aligned */
        gap = 36;
    for (int c = 0; c < NCOL; c++) {
        colx[c] = c ? x + width[c] : x0; /* right edges; the first left-aligned */
        x += width[c] + gap;
    }
    double right = colx[NCOL - 1];
    for (int c = 0; c < NCOL; c++)
        ws_plot_text(cr, fh, colx[c], y + row_h / 2, (c ? WS_TA_RIGHT : WS_TA_LEFT) | WS_TA_MIDDLE,
                     0, heads[c]);
    cairo_save(cr);
    ws_plot_set_color(cr, WS_PLOT_AXIS, 1);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, x0 - 6, floor(y + row_h) + 0.5);
    cairo_line_to(cr, right + 6, floor(y + row_h) + 0.5);
    cairo_stroke(cr);
    cairo_restore(cr);
    for (size_t i = 0; i < rows; i++) {
        const vfig *f = &d->rows[i];
        double ry = y + row_h * (double)(i + 1) + 2;
        if (f->goal) {
            /* Rows with a goal decide the verdict: a light band. */
            cairo_save(cr);
            cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
            cairo_rectangle(cr, x0 - 6, ry, right - x0 + 12, row_h);
            cairo_fill(cr);
            cairo_restore(cr);
        }
        table_cells(f, cell);
        for (int c = 0; c < NCOL; c++) {
            ws_plot_font fnt = c == 0 ? fh : fc;
            if (c == 0)
                fnt.bold = false;
            if (c == 1 || c == 2)
                fnt.color = SIDE_COLOR(c == 1 ? MEAS : SIM);
            if (c == 5 && strcmp(f->status, "FAIL") == 0)
                fnt.bold = true;
            ws_plot_text(cr, fnt, colx[c], ry + row_h / 2,
                         (c ? WS_TA_RIGHT : WS_TA_LEFT) | WS_TA_MIDDLE, 0, cell[c]);
        }
    }
    /* The verdict line as `walsim validate` prints it (ws_validate_print). */
    char sum[256];
    int o = snprintf(sum, sizeof sum, "%.0f of %.0f figures with a goal pass", d->passed, d->goals);
    if (d->failed > 0 && o > 0 && (size_t)o < sizeof sum)
        o += snprintf(sum + o, sizeof sum - (size_t)o, ", %.0f fail%s", d->failed,
                      d->failed == 1 ? "s" : "");
    if (d->not_measured > 0 && o > 0 && (size_t)o < sizeof sum)
        o += snprintf(sum + o, sizeof sum - (size_t)o, ", %.0f not measured", d->not_measured);
    if (o > 0 && (size_t)o < sizeof sum)
        snprintf(sum + o, sizeof sum - (size_t)o, ": %s", d->result);
    double sy = y + row_h * (double)(rows + 1) + 12;
    ws_plot_text(cr, font(fs + 1, true), x0, sy, WS_TA_LEFT | WS_TA_TOP, 0, sum);
    char more[160];
    snprintf(more, sizeof more, "shaded: the rows with a goal%s",
             d->n_notes == 0    ? ""
             : d->n_notes == 1 ? "; 1 note in validation.json"
                               : "; notes in validation.json");
    ws_plot_text(cr, font2(fs), x0, sy + fs + 12, WS_TA_LEFT | WS_TA_TOP, 0, more);
}

/* The overview: the phases, tps and p99 on the left, validation.json's
 * table on the right. */
static int chart_overview(cairo_t *cr, const void *ctx, ws_diag *err)
{
    const vdata *d = ctx;
    double top = draw_frame(cr, d, "Validation: measured against simulated", false);
    const double split = 850, table_x = split + 64;
    ws_plot_axis xa, ya_tps, ya_lat;
    ws_plot_axis_time(&xa, d->t0, d->t1, split - LEFT, 110);
    draw_phase_strip(cr, d, &xa, LEFT, split, top + 4);
    double y0 = top + 4 + STRIP_H + 12;
    double ph = (BOTTOM - y0 - 2 * CAPTION_H - PANEL_GAP) / 2;
    ws_plot_rect r1 = {LEFT, y0 + CAPTION_H, split - LEFT, ph};
    ws_plot_rect r2 = {LEFT, r1.y + ph + PANEL_GAP + CAPTION_H, split - LEFT, ph};
    tps_axis(d, ph, &ya_tps);
    vstat k2 = d->s[MEAS].has[V_P99] || !d->s[MEAS].has[V_MEAN] ? V_P99 : V_MEAN;
    latency_axis(d, &k2, 1, ph, &ya_lat);
    ws_plot_panel p1 = {r1, xa, ya_tps}, p2 = {r2, xa, ya_lat};
    int rc = draw_series_panel(cr, d, &p1, V_TPS, "tps", false, err);
    if (rc == WS_OK)
        rc = draw_series_panel(cr, d, &p2, k2, k2 == V_P99 ? "p99 latency" : "mean latency", true,
                               err);
    if (rc != WS_OK)
        return rc;
    draw_y_title(cr, &ya_tps, "transactions per second", 22, r1.y, r1.y + r1.h);
    draw_y_title(cr, &ya_lat, "latency", 22, r2.y, r2.y + r2.h);
    draw_time_title(cr, &xa, LEFT, split, H - 14);

    draw_table(cr, d, table_x, top + 4);
    return WS_OK;
}

/* ------------------------------------------------------------------ */
/* Driver */

int ws_plot_validation(const char *dir, const char *formats, ws_diag *err)
{
    ws_diag_clear(err);
    unsigned mask;
    int rc = ws_plot_parse_formats(formats, &mask, err);
    if (rc != WS_OK)
        return rc;
    vdata d;
    if ((rc = vdata_load(dir, &d, err)) != WS_OK)
        return rc;
    const plot_job jobs[] = {
        {"validation_tps", chart_tps, &d, false},
        {"validation_latency", chart_latency, &d, false},
        {"validation", chart_overview, &d, false},
    };
    rc = plot_render_all(dir, mask, jobs, sizeof jobs / sizeof jobs[0], err);
    vdata_free(&d);
    return rc;
}
