/*
 * render.h - drawing a set of charts into a folder, all or nothing, and
 * the frame every chart shares (internal to src/plot).
 */
#ifndef WALSIM_PLOT_RENDER_H
#define WALSIM_PLOT_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "walsim/plot.h"

/* Draws one chart on cr (WS_PLOT_WIDTH x WS_PLOT_HEIGHT). */
typedef int (*plot_draw_fn)(cairo_t *cr, const void *ctx, ws_diag *err);

typedef struct plot_job {
    const char *name; /* file name without extension */
    plot_draw_fn draw;
    const void *ctx;
    bool always_pdf; /* also as PDF whatever the formats */
} plot_job;

/* Renders every job in every format of `mask` into DIR/NAME.EXT through
 * a ws_outset: temporary files, renamed into place only when all were
 * drawn and written; on any error none is left behind. */
int plot_render_all(const char *dir, unsigned mask, const plot_job *jobs, size_t n, ws_diag *err);

/* The chart frame: bold title `what`, "Scenario: NAME" under it, and a
 * legend row; returns the y where the panels may start. */
double plot_draw_head(cairo_t *cr, const char *what, const char *scenario,
                      const ws_plot_legend_item *items, int n_items);
/* The same with tags after legend items (tags may be NULL). */
double plot_draw_head_tagged(cairo_t *cr, const char *what, const char *scenario,
                             const ws_plot_legend_item *items, const ws_plot_tags *tags,
                             int n_items);

#endif
