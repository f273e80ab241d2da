/*
 * render.c - charts into files, all or nothing (see render.h), and the
 * chart frame.
 */
#include "render.h"

#include <stdio.h>
#include <string.h>

#include "walsim/report.h"

int ws_plot_parse_formats(const char *list, unsigned *mask, ws_diag *err)
{
    static const struct {
        const char *word;
        unsigned bit;
    } words[] = {{"png", WS_PLOT_PNG}, {"svg", WS_PLOT_SVG}, {"pdf", WS_PLOT_PDF}};
    *mask = 0;
    const char *p = list ? list : "";
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        unsigned bit = 0;
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (len == strlen(words[i].word) && strncmp(p, words[i].word, len) == 0)
                bit = words[i].bit;
        if (!bit) {
            char show[40];
            ws_diag_set(err, NULL, 0,
                        "--format: '%s' is not a chart format; expected a list of png, svg, pdf",
                        ws_diag_show(p, len, 32, show, sizeof show));
            return WS_EINPUT;
        }
        *mask |= bit;
        p += len;
        if (*p == ',')
            p++;
    }
    if (!*mask) {
        ws_diag_set(err, NULL, 0, "--format: empty; expected a list of png, svg, pdf");
        return WS_EINPUT;
    }
    return WS_OK;
}

static void (*between_charts)(void);

void ws_plot_set_checkpoint(void (*fn)(void)) { between_charts = fn; }

static int render(ws_outset *o, const char *dir, const plot_job *job, unsigned fmt,
                  ws_diag *err)
{
    if (between_charts)
        between_charts();
    ws_plot_canvas *c = ws_plot_canvas_new(fmt, WS_PLOT_WIDTH, WS_PLOT_HEIGHT, err);
    if (!c)
        return WS_EIO;
    int rc = job->draw(ws_plot_canvas_cr(c), job->ctx, err);
    if (rc == WS_OK) {
        char file[256];
        snprintf(file, sizeof file, "%s.%s", job->name, ws_plot_format_ext(fmt));
        char shown[4400]; /* the whole path: messages name the file */
        snprintf(shown, sizeof shown, "%s/%s", dir, file);
        FILE *f = ws_outset_open(o, file, err);
        rc = f ? ws_plot_canvas_write(c, f, shown, err) : WS_EIO;
    }
    ws_plot_canvas_free(c);
    return rc;
}

int plot_render_all(const char *dir, unsigned mask, const plot_job *jobs, size_t n, ws_diag *err)
{
    ws_outset *o = ws_outset_new(dir, err);
    if (!o)
        return WS_EIO;
    static const unsigned fmts[] = {WS_PLOT_PNG, WS_PLOT_SVG, WS_PLOT_PDF};
    int rc = WS_OK;
    for (size_t i = 0; i < n && rc == WS_OK; i++)
        for (int f = 0; f < 3 && rc == WS_OK; f++)
            if ((mask & fmts[f]) || (fmts[f] == WS_PLOT_PDF && jobs[i].always_pdf))
                rc = render(o, dir, &jobs[i], fmts[f], err);
    if (rc != WS_OK) {
        ws_outset_abort(o);
        return rc;
    }
    return ws_outset_commit(o, err);
}

double plot_draw_head(cairo_t *cr, const char *what, const char *scenario,
                      const ws_plot_legend_item *items, int n_items)
{
    return plot_draw_head_tagged(cr, what, scenario, items, NULL, n_items);
}

double plot_draw_head_tagged(cairo_t *cr, const char *what, const char *scenario,
                             const ws_plot_legend_item *items, const ws_plot_tags *tags,
                             int n_items)
{
    const double left = 40, right = WS_PLOT_WIDTH - 40;
    ws_plot_font ft = {28, true, WS_PLOT_TEXT};
    /* A long title shrinks rather than running off the slide. */
    while (ft.size > 18 && ws_plot_text_width(cr, ft, what) > right - left)
        ft.size -= 1;
    ws_plot_text(cr, ft, left, 18, WS_TA_LEFT | WS_TA_TOP, 0, what);
    char sub[512];
    snprintf(sub, sizeof sub, "Scenario: %s", scenario ? scenario : "");
    ws_plot_font fs = {18, false, WS_PLOT_TEXT2};
    ws_plot_text(cr, fs, left, 56, WS_TA_LEFT | WS_TA_TOP, 0, sub);
    double y = 88;
    ws_plot_font fl = {17, false, WS_PLOT_TEXT};
    if (n_items > 0)
        y += ws_plot_legend_tagged(cr, WS_PLOT_MARGIN_LEFT, y,
                                   WS_PLOT_WIDTH - WS_PLOT_MARGIN_LEFT - WS_PLOT_MARGIN_RIGHT,
                                   items, tags, n_items, fl, true) +
             10;
    return y + 6;
}
