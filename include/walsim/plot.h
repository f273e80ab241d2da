/*
 * plot.h - charts of a run, a sweep or a validation, drawn with cairo.
 *
 * Two layers.  The charts (ws_plot_dir, ws_plot_sweep, ws_plot_validation)
 * read an output folder (docs/outputs.md, docs/validate.md) and write PNG,
 * SVG or PDF files next to the data; docs/charts.md shows what each chart
 * contains.  Below them, the primitives every chart is built from: nice
 * ticks and unit labels, a canvas that renders the same drawing to any of
 * the three formats with byte-identical output for identical input, and
 * panels (a rectangle with an x and a y axis) that lines, bands, stacked
 * areas, shaded spans, reference lines, legends and text are drawn into.
 *
 * Conventions: device units are pixels of the PNG (1600 x 900 for every
 * chart); SVG and PDF use the same numbers as points, so the vector files
 * have the PNG's layout.  Colours come from the Okabe-Ito palette, which
 * stays distinguishable with the common colour-vision deficiencies.  Text
 * is cairo's toy API with "DejaVu Sans" (fonts-dejavu-core).
 */
#ifndef WALSIM_PLOT_H
#define WALSIM_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cairo.h>

#include "walsim/diag.h"

/* ================================================================== */
/* Charts */

/* Chart formats, as a bit mask. */
enum { WS_PLOT_PNG = 1, WS_PLOT_SVG = 2, WS_PLOT_PDF = 4 };

#define WS_PLOT_WIDTH 1600
#define WS_PLOT_HEIGHT 900

/* Parses a comma list of "png", "svg", "pdf" ("png,pdf") into a mask.
 * An empty list or an unknown word is WS_EINPUT naming the word. */
int ws_plot_parse_formats(const char *list, unsigned *mask, ws_diag *err);

typedef enum ws_plot_scale {
    WS_PLOT_SCALE_AUTO,   /* log when max / p50 spans more than 30x */
    WS_PLOT_SCALE_LINEAR,
    WS_PLOT_SCALE_LOG
} ws_plot_scale;

typedef struct ws_plot_options {
    ws_plot_scale latency_scale; /* y axis of the latency chart */
} ws_plot_options;

/* Reads DIR/summary.json, timeline.csv, checkpoints.csv and
 * latency_cdf.csv and writes the charts latency, throughput, wal, dirty,
 * device, latency_cdf and overview into DIR, one file per chart and
 * format in `formats` (a list for ws_plot_parse_formats); overview is
 * also always written as PDF.  All or nothing: every chart goes to a
 * temporary file and all are renamed into place only when all were
 * written, so an error (bad input: WS_EINPUT with FILE:LINE; a file that
 * cannot be written: WS_EIO) leaves no chart file behind.  `opts` may be
 * NULL for the defaults.  From summary.json schema_version 2, each
 * variant's time outside its measurement window ("window") is shaded and
 * its warnings ("window", "warnings") are tags beside its name, the
 * overload in red (docs/charts.md); an older folder is drawn without. */
/* walvol.png (src/plot/walvol_chart.c): pg_wal against its volume, the
 * archive backlog and the slot's WAL, when DIR's timeline.csv has those
 * columns; nothing otherwise.  `mask` as ws_plot_parse_formats gives. */
int ws_plot_walvol(const char *dir, const char *title, unsigned mask, ws_diag *err);

int ws_plot_dir_with(const char *dir, const char *formats, const ws_plot_options *opts,
                     ws_diag *err);
int ws_plot_dir(const char *dir, const char *formats, ws_diag *err);

/* Reads DIR/sweep.csv (docs/outputs.md) and writes one chart per metric,
 * all or nothing as ws_plot_dir.  With one parameter: the metric against
 * the parameter, one line per variant (the mean over seeds) in a shaded
 * band from the smallest to the largest seed's value; the file is
 * DIR/sweep-METRIC.EXT.  With two: a heatmap per metric (first parameter
 * across, second down, one panel per variant, the mean over seeds printed
 * in each cell, a colour scale beside it); DIR/heatmap-METRIC.EXT.
 * `params` are the --param keys (n_params 0: every parameter column of
 * the file; more than two is WS_EINPUT); `metrics` are metric names
 * (p99_latency) or column names (p99_latency_ms), n_metrics 0 for every
 * metric column (but the _lo/_hi bounds of another metric's interval).
 * The chart title is DIR/summary.json's scenario name when that file
 * exists, else the folder's name.  With the window columns of sweep.csv,
 * a metric's METRIC_lo/_hi interval is drawn as error bars (printed in
 * heatmap cells), `overloaded` points are hollow (heatmap cells framed in
 * red, out of the colour scale) and `checkpoint_cycles` < 2 is marked
 * (docs/charts.md). */
int ws_plot_sweep(const char *dir, const char *formats, const char *const *params, int n_params,
                  const char *const *metrics, int n_metrics, ws_diag *err);

/* Reads the folder `walsim validate` wrote (docs/validate.md):
 * DIR/validation_timeline.csv (the measured and simulated intervals) and
 * DIR/validation.json (scenario file and variant for the title, or
 * scenario.name when present; the whole-window figures, their relative
 * errors and the verdict), and writes DIR/validation_tps.EXT (tps per
 * interval), DIR/validation_latency.EXT (p99 and p50 per interval; also
 * the mean when the measured side has no percentiles) and the overview
 * DIR/validation.EXT (tps, p99 and validation.json's table), all or
 * nothing as ws_plot_dir.  Every chart has measured in one colour and
 * simulated in another on a shared time axis (seconds since the start of
 * the measured window), both sides' checkpoint phases as two strips, the
 * whole-window figures dashed, and the relative errors of tps, p99,
 * checkpoint write time and WAL per transaction under the title.  A side
 * with no values in a column (no pgbench log: no measured tps) is drawn
 * without that line, and the panel says so; a cell that does not parse, a
 * negative rate or latency, an unknown phase, a time that does not
 * increase or a missing field is WS_EINPUT naming FILE:LINE. */
int ws_plot_validation(const char *dir, const char *formats, ws_diag *err);

/* The plot areas of single-column charts run from x = WS_PLOT_MARGIN_LEFT
 * to WS_PLOT_WIDTH - WS_PLOT_MARGIN_RIGHT; the time axis spans the data
 * exactly (first interval start to last interval end). */
#define WS_PLOT_MARGIN_LEFT 130
#define WS_PLOT_MARGIN_RIGHT 40

/* ================================================================== */
/* Ticks and units */

typedef enum ws_plot_unit {
    WS_PU_PLAIN,     /* a count or rate: 1-2-5 steps, no unit */
    WS_PU_BYTES,     /* bytes shown in B, KiB, MiB, GiB, TiB */
    WS_PU_BYTE_RATE, /* bytes per second shown in B/s ... GiB/s */
    WS_PU_MS,        /* a duration in ms shown in us, ms or s */
    WS_PU_PERCENT,   /* a ratio 0..1 shown as % */
    WS_PU_TIME       /* a point in time in seconds: s, min:ss, min or h:mm */
} ws_plot_unit;

typedef enum ws_plot_time_style {
    WS_PT_SECONDS, /* span up to 2 min: "0", "30", "60"; axis "(s)" */
    WS_PT_MMSS,    /* up to 20 min: "0:00", "2:30"; axis "(min:ss)" */
    WS_PT_MINUTES, /* up to 10 h: "0", "30", "60"; axis "(min)" */
    WS_PT_HHMM,    /* up to 2 days: "0:00", "6:00"; axis "(h:mm)" */
    WS_PT_DAYS,    /* longer: "0d", "1d", "1d 12:00"; axis "(days)" */
    WS_PT_DAY_HHMM /* a span up to 2 days that starts on day 1 or later (a
                    * zoom into a long run): "3d 01:15"; axis "(day h:mm)" */
} ws_plot_time_style;

#define WS_PLOT_MAX_TICKS 64

/* Tick positions of one axis and how to label them.  The rule (tested in
 * test_plot.c, explained in docs/charts.md):
 *
 *   linear: the raw step is (hi - lo) / max_intervals.  Sizes and byte
 *   rates first pick the display unit U among B, KiB, MiB, GiB, TiB,
 *   durations among us, ms, s: the largest U with raw step >= U / 4.
 *   Then the step is the smallest of 1, 2, 5 x 10^k (and 2.5 x 10^k for
 *   k >= 1, i.e. 25, 250, ...) in U not below the raw step.  Ticks run
 *   from the multiple of the step at or below lo to the one at or above
 *   hi, so the axis can end on a tick.  Examples: 0..937 in 5 intervals:
 *   step 200 (0, 200, ..., 1000); 0..1.3e9 bytes in 5 intervals (raw
 *   248 MiB, below a quarter GiB): 250 MiB (0, 250, ..., 1250 MiB);
 *   0..4e9 bytes in 4 intervals (raw 954 MiB): 1 GiB.
 *
 *   time (WS_PU_TIME): the step is the smallest of 1, 2, 5, 10, 15, 20,
 *   30 s, 1, 2, 5, 10, 15, 20, 30 min, 1, 2, 3, 6, 12, 24 h not below the
 *   raw step; the label style follows the span (ws_plot_time_style).
 *
 *   log: ticks at the powers of ten within [lo, hi] and, when the range
 *   spans at most three decades, also at 2 and 5 times them.
 */
typedef struct ws_plot_ticks {
    int n;
    double v[WS_PLOT_MAX_TICKS]; /* in data units, ascending */
    double step;                 /* linear step in data units; 0 on a log axis */
    bool log;
    ws_plot_unit unit;
    double scale;       /* data units per display unit (MiB: 1048576) */
    const char *suffix; /* display unit: "MiB", "ms", "%", "" */
    int decimals;       /* digits after the point in labels */
    ws_plot_time_style time_style;
    bool label_units;   /* linear: put the unit in each label ("1.5 GiB") and
                           not in the axis title; set by the caller */
    const char *const *text; /* when set, the label of tick v[i] is text[i]
                                (sweep grid values as written: "4GB") */
} ws_plot_ticks;

/* Linear ticks for [lo, hi] with at most max_intervals steps (>= 1).
 * lo == hi is widened to a unit range around it; lo > hi is swapped. */
void ws_plot_ticks_linear(double lo, double hi, int max_intervals, ws_plot_unit unit,
                          ws_plot_ticks *t);

/* Log ticks for [lo, hi], 0 < lo < hi (lo <= 0 is raised to hi / 1e3). */
void ws_plot_ticks_log(double lo, double hi, ws_plot_unit unit, ws_plot_ticks *t);

/* The label of tick value v: linear axes print the number in the display
 * unit ("250", "1.5"; with label_units "1.5 GiB", and "0" alone); log
 * axes and time axes carry their unit in each label ("10 ms", "1 s";
 * "2:30"). */
void ws_plot_tick_label(const ws_plot_ticks *t, double v, char *buf, size_t len);

/* "WHAT (UNIT)" for an axis title: "pg_wal size (MiB)", "time (min:ss)",
 * and ", log scale" inside the parentheses on a log axis. */
void ws_plot_axis_title(const ws_plot_ticks *t, const char *what, char *buf, size_t len);

/* One value with its unit and three significant digits, for legends and
 * tables: "1.25 GiB", "56.1 ms", "1.20 s", "95.6 %", "3805", "48.2 MiB/s". */
void ws_plot_format_value(double v, ws_plot_unit unit, char *buf, size_t len);

/* ================================================================== */
/* Canvas: one drawing, rendered to a format */

typedef struct ws_plot_canvas ws_plot_canvas;

/* A canvas of w x h pixels (points for SVG and PDF) for format
 * WS_PLOT_PNG, WS_PLOT_SVG or WS_PLOT_PDF, white background, font set.
 * NULL with a message when cairo cannot create it. */
ws_plot_canvas *ws_plot_canvas_new(unsigned format, double w, double h, ws_diag *err);
cairo_t *ws_plot_canvas_cr(ws_plot_canvas *c);

/* Finishes the drawing and writes the file's bytes to f.  Output is
 * deterministic: PDF dates are fixed (cairo_pdf_surface_set_metadata) and
 * SVG element ids, which cairo numbers from a process-wide counter, are
 * renumbered in order of appearance.  An SVG's text is <text> elements
 * (see ws_plot_text).  Fails (WS_EIO) when cairo reports an error for
 * the drawing or the stream fails. */
int ws_plot_canvas_write(ws_plot_canvas *c, FILE *f, const char *name, ws_diag *err);
void ws_plot_canvas_free(ws_plot_canvas *c);

/* Releases the process-wide caches of cairo and fontconfig (fonts,
 * patterns) that text drawing fills.  Call once before exit, after the
 * last chart, in any program that drew charts; leak checkers (ASan's
 * LeakSanitizer in `make asan`) would otherwise report them.  Charts can
 * still be drawn afterwards (the caches are rebuilt). */
void ws_plot_shutdown(void);

/* A function called before each chart file is drawn (NULL: none): the CLI
 * passes its signal check, which exits when Ctrl-C was pressed, so an
 * interrupt during the charts waits for one chart, not all of them. */
void ws_plot_set_checkpoint(void (*fn)(void));

/* File name extension of a single format: "png", "svg", "pdf". */
const char *ws_plot_format_ext(unsigned format);

/* ================================================================== */
/* Colours and text */

typedef struct ws_plot_rgb {
    double r, g, b;
} ws_plot_rgb;

/* Okabe & Ito (2008), "Color Universal Design". */
extern const ws_plot_rgb WS_OI_BLACK, WS_OI_ORANGE, WS_OI_SKY, WS_OI_GREEN, WS_OI_YELLOW,
    WS_OI_BLUE, WS_OI_VERMILLION, WS_OI_PURPLE;
/* The i-th series colour (cycling through seven, most distinct first). */
ws_plot_rgb ws_plot_series_color(int i);
/* The viridis colour map at f in 0..1 (clamped): perceptually uniform
 * and readable with colour-vision deficiencies and in grey scale. */
ws_plot_rgb ws_plot_viridis(double f);
/* Checkpoint phase shades, light enough for lines drawn over them. */
extern const ws_plot_rgb WS_PLOT_WRITE_SHADE, WS_PLOT_SYNC_SHADE;
/* Time outside the measurement window (the warm-up): a white veil of
 * WS_PLOT_WARMUP_VEIL, then WS_PLOT_WARMUP_INK at WS_PLOT_WARMUP_ALPHA,
 * laid over the checkpoint shades and the grid, so a phase in the warm-up
 * stays visible, paler; over white it gives WS_PLOT_WARMUP_SHADE (within
 * a level or two of rounding). */
extern const ws_plot_rgb WS_PLOT_WARMUP_INK, WS_PLOT_WARMUP_SHADE;
#define WS_PLOT_WARMUP_VEIL 0.45
#define WS_PLOT_WARMUP_ALPHA 0.22
/* Tags on a variant's figures (ws_plot_tag): alarm red, caution fill and
 * ink. */
extern const ws_plot_rgb WS_PLOT_ALARM, WS_PLOT_CAUTION_FILL, WS_PLOT_CAUTION_INK;
/* Grey levels used for frames, grid and secondary text. */
extern const ws_plot_rgb WS_PLOT_GRID, WS_PLOT_AXIS, WS_PLOT_TEXT, WS_PLOT_TEXT2;

void ws_plot_set_color(cairo_t *cr, ws_plot_rgb c, double alpha);

/* Text anchors: which point of the text's box (x, y) names. */
enum {
    WS_TA_LEFT = 0, WS_TA_CENTER = 1, WS_TA_RIGHT = 2,       /* horizontal */
    WS_TA_BASELINE = 0, WS_TA_MIDDLE = 4, WS_TA_TOP = 8, WS_TA_BOTTOM = 12 /* vertical */
};

typedef struct ws_plot_font {
    double size;
    bool bold;
    ws_plot_rgb color;
} ws_plot_font;

/* Width of s in font f. */
double ws_plot_text_width(cairo_t *cr, ws_plot_font f, const char *s);

/* Draws s anchored at (x, y) (WS_TA_* flags ORed), rotated by `angle`
 * radians around the anchor (-pi/2 reads bottom to top).  Returns the
 * width.  Text that is not valid UTF-8 has its bad bytes shown as '?'.
 * On an SVG canvas the text is not drawn through cairo (which would
 * write glyph outlines) but kept, with its place, font, colour and clip,
 * and written as <text> elements over the drawing by
 * ws_plot_canvas_write: text must be drawn after whatever lies under it
 * and never be covered by a later shape. */
double ws_plot_text(cairo_t *cr, ws_plot_font f, double x, double y, int anchor, double angle,
                    const char *s);

/* Tests: when on, PNG canvases created afterwards keep their text as SVG
 * ones do and draw it at the end, over everything; a chart whose PNG
 * then differs from the normal one draws a shape over text, which the
 * SVG would get wrong. */
void ws_plot_set_text_deferred(bool on);

/* ================================================================== */
/* Panels */

typedef struct ws_plot_rect {
    double x, y, w, h;
} ws_plot_rect;

typedef struct ws_plot_axis {
    double lo, hi;   /* data range shown */
    ws_plot_ticks t; /* t.log selects a log mapping */
} ws_plot_axis;

typedef struct ws_plot_panel {
    ws_plot_rect r;     /* the plot area; data is clipped to it */
    ws_plot_axis x, y;
} ws_plot_panel;

/* Data to device coordinates (no clipping). */
double ws_plot_px(const ws_plot_panel *p, double x);
double ws_plot_py(const ws_plot_panel *p, double y);

/* Fits a y axis to data in [lo, hi]: ticks with one per ~`px_per_tick`
 * device units of panel height, range from the first to the last tick. */
void ws_plot_axis_fit(ws_plot_axis *a, double lo, double hi, double length, double px_per_tick,
                      ws_plot_unit unit);
/* As ws_plot_axis_fit on a log scale: range from a 1-2-5 value at or
 * below lo to one at or above hi. */
void ws_plot_axis_fit_log(ws_plot_axis *a, double lo, double hi, ws_plot_unit unit);
/* A time axis over exactly [lo, hi] (no widening), ticks inside it, at
 * most one per `px_per_tick` of `length`. */
void ws_plot_axis_time(ws_plot_axis *a, double lo, double hi, double length, double px_per_tick);

/* Grid lines at the ticks and the frame of the plot area. */
void ws_plot_panel_grid(cairo_t *cr, const ws_plot_panel *p);
void ws_plot_panel_frame(cairo_t *cr, const ws_plot_panel *p);
/* Tick labels left of the area (y) or below it (x).  X labels that would
 * overlap their neighbour are skipped. */
void ws_plot_panel_ylabels(cairo_t *cr, const ws_plot_panel *p, ws_plot_font f);
void ws_plot_panel_xlabels(cairo_t *cr, const ws_plot_panel *p, ws_plot_font f);

/* A polyline through (x[i], y[i]); a NaN y breaks the line.  Clipped to
 * the area.  dash 0 for a solid line, else the dash length. */
void ws_plot_line(cairo_t *cr, const ws_plot_panel *p, const double *x, const double *y, size_t n,
                  ws_plot_rgb c, double width, double dash);

/* M4 decimation (m4.c): the indices, in input order, of the points of
 * (x[i], ys[0..ny-1][i]) that a panel needs: per pixel column of p, the
 * first, last, lowest and highest point of each series (per half
 * pixel: WS_PLOT_M4_SUB); one point per
 * run of undrawable ones (NaN, or <= 0 on a log axis) so gaps stay.
 * idx has room for n; returns how many were kept (at most 4 ny per
 * sub-column, plus the gaps).  1 <= ny <= 16.  ws_plot_line, ws_plot_band
 * and ws_plot_stack use it when ws_plot_m4_worth (more points than twice
 * the sub-columns), so drawing is linear in n; below that they draw
 * every point, so short series give the same bytes as before. */
#ifndef WS_PLOT_M4_SUB
#define WS_PLOT_M4_SUB 2 /* columns per pixel (m4.c says why) */
#endif
size_t ws_plot_m4(const ws_plot_panel *p, const double *x, const double *const *ys, int ny,
                  size_t n, size_t *idx);
bool ws_plot_m4_worth(const ws_plot_panel *p, size_t n);

/* A filled band between lo[i] and hi[i]. */
void ws_plot_band(cairo_t *cr, const ws_plot_panel *p, const double *x, const double *lo,
                  const double *hi, size_t n, ws_plot_rgb c, double alpha);

/* Stacked areas: layer k is filled from the sum of layers 0..k-1 to the
 * sum of 0..k (ys[k][i] >= 0; negative values count as 0). */
void ws_plot_stack(cairo_t *cr, const ws_plot_panel *p, const double *x,
                   const double *const *ys, const ws_plot_rgb *colors, int layers, size_t n);

/* Shades the full height of the area between x0 and x1, at least
 * min_px wide (so a 0.1 s sync phase in a 2 h chart stays visible). */
void ws_plot_vspan(cairo_t *cr, const ws_plot_panel *p, double x0, double x1, ws_plot_rgb c,
                   double min_px);

/* A horizontal reference line at y with `label` right-aligned above it on
 * a white backing (below it when the line is at the top of the area).  A
 * value above the axis range is not drawn; its label is shown at the top
 * of the area as "LABEL (above the axis)", in row *above_slot (which is
 * then incremented, so several such labels stack; NULL for row 0). */
void ws_plot_hline(cairo_t *cr, const ws_plot_panel *p, double y, ws_plot_rgb c, double dash,
                   const char *label, ws_plot_font f, int *above_slot);

/* A marker: 0 circle, 1 diamond, 2 square, 3 triangle. */
void ws_plot_marker(cairo_t *cr, double x, double y, int shape, double size, ws_plot_rgb c);
/* The same shape as an outline in c (2 px) on a white fill: a point that
 * is not a steady-state figure. */
void ws_plot_marker_hollow(cairo_t *cr, double x, double y, int shape, double size, ws_plot_rgb c);
/* A ring of diameter `size` around (x, y), 2 px in c: a point with a
 * caveat (too few checkpoint cycles). */
void ws_plot_ring(cairo_t *cr, double x, double y, double size, ws_plot_rgb c);

/* A vertical error bar from y lo to hi at data x shifted by dx device
 * units, with caps `cap` wide; NAN ends draw nothing. */
void ws_plot_errbar(cairo_t *cr, const ws_plot_panel *p, double x, double dx, double lo, double hi,
                    ws_plot_rgb c, double width, double cap);

/* ================================================================== */
/* Tags: short warnings on a variant's figures */

typedef enum ws_plot_tag_level {
    WS_TAG_CAUTION, /* "too few checkpoint cycles (1)", "cold start": pale yellow, dark ink */
    WS_TAG_ALARM    /* "OVERLOADED (offered 2000/s, completed 636/s)": white on red */
} ws_plot_tag_level;

typedef struct ws_plot_tag {
    const char *text;
    ws_plot_tag_level level;
} ws_plot_tag;

/* Draws the tag (a box with its text, `size` px bold) with its left edge
 * at x, vertically centred on y_mid, when `draw`; returns its width. */
double ws_plot_tag_draw(cairo_t *cr, double x, double y_mid, const ws_plot_tag *t, double size,
                        bool draw);

/* ================================================================== */
/* Legends */

typedef enum ws_plot_swatch {
    WS_SW_LINE,
    WS_SW_DASH,
    WS_SW_AREA,
    WS_SW_MARKER_LINE,  /* a line with a marker (shape in `marker`) */
    WS_SW_MARKER_HOLLOW, /* a hollow marker alone (ws_plot_marker_hollow) */
    WS_SW_ERRBAR,       /* a vertical error bar with caps */
    WS_SW_RING,         /* a ring around a point (ws_plot_ring) */
    WS_SW_MARKER        /* a filled marker alone (a categorical sweep's dot) */
} ws_plot_swatch;

typedef struct ws_plot_legend_item {
    const char *label;
    ws_plot_rgb color;
    ws_plot_swatch kind;
    int marker;
} ws_plot_legend_item;

/* Lays the items out in rows from (x, y) (top left) within max_w and
 * draws them when `draw`; returns the height used.  Legends go outside
 * plot areas, so they never cover data. */
double ws_plot_legend(cairo_t *cr, double x, double y, double max_w, const ws_plot_legend_item *items,
                      int n, ws_plot_font f, bool draw);

/* The tags of one legend item. */
typedef struct ws_plot_tags {
    const ws_plot_tag *t;
    int n;
} ws_plot_tags;

/* As ws_plot_legend, with tags[i] (tags may be NULL) drawn after item i's
 * label, on its row: a variant's warnings next to its name. */
double ws_plot_legend_tagged(cairo_t *cr, double x, double y, double max_w,
                             const ws_plot_legend_item *items, const ws_plot_tags *tags, int n,
                             ws_plot_font f, bool draw);

#endif
