/*
 * canvas.c - one drawing rendered to PNG, SVG or PDF; colours; text.
 *
 * Vector surfaces stream into a memory buffer so that the file's bytes
 * can be fixed up before they are written: cairo's SVG surface names
 * elements "surfaceN" and "imageN" after a process-wide counter
 * (_cairo_surface_allocate_unique_id), so the same chart drawn after a
 * different number of other surfaces would differ.  Renumbering the ids
 * in order of appearance makes the file depend on the drawing only.  The
 * PDF surface writes the current time as CreationDate unless told
 * otherwise; we set both dates to a fixed value.
 */
#include "walsim/plot.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const ws_plot_rgb WS_OI_BLACK = {0, 0, 0};
const ws_plot_rgb WS_OI_ORANGE = {0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0};
const ws_plot_rgb WS_OI_SKY = {0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0};
const ws_plot_rgb WS_OI_GREEN = {0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0};
const ws_plot_rgb WS_OI_YELLOW = {0xF0 / 255.0, 0xE4 / 255.0, 0x42 / 255.0};
const ws_plot_rgb WS_OI_BLUE = {0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0};
const ws_plot_rgb WS_OI_VERMILLION = {0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0};
const ws_plot_rgb WS_OI_PURPLE = {0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0};

/* Write phases a pale blue, sync phases a stronger amber: two hues and
 * two lightness levels, so they stay apart without colour vision too. */
const ws_plot_rgb WS_PLOT_WRITE_SHADE = {0xDD / 255.0, 0xEB / 255.0, 0xF7 / 255.0};
const ws_plot_rgb WS_PLOT_SYNC_SHADE = {0xF9 / 255.0, 0xD2 / 255.0, 0x8C / 255.0};

/* The warm-up: a white veil and a neutral grey laid over whatever is
 * behind it (phases, grid), so it reads as "faded, not measured" and not
 * as a third phase; 0x70 at 22 % over white is 0xDF. */
const ws_plot_rgb WS_PLOT_WARMUP_INK = {0x70 / 255.0, 0x70 / 255.0, 0x70 / 255.0};
const ws_plot_rgb WS_PLOT_WARMUP_SHADE = {0xDF / 255.0, 0xDF / 255.0, 0xDF / 255.0};

/* Warning tags: an alarm in a red that is none of the series colours
 * (vermillion draws p99), a caution in pale yellow with dark ink (not the
 * sync phase's amber). */
const ws_plot_rgb WS_PLOT_ALARM = {0xC8 / 255.0, 0x10 / 255.0, 0x2E / 255.0};
const ws_plot_rgb WS_PLOT_CAUTION_FILL = {0xFF / 255.0, 0xF3 / 255.0, 0xC4 / 255.0};
const ws_plot_rgb WS_PLOT_CAUTION_INK = {0x6B / 255.0, 0x4A / 255.0, 0x00 / 255.0};

const ws_plot_rgb WS_PLOT_GRID = {0xE4 / 255.0, 0xE4 / 255.0, 0xE4 / 255.0};
const ws_plot_rgb WS_PLOT_AXIS = {0x55 / 255.0, 0x55 / 255.0, 0x55 / 255.0};
const ws_plot_rgb WS_PLOT_TEXT = {0x1A / 255.0, 0x1A / 255.0, 0x1A / 255.0};
const ws_plot_rgb WS_PLOT_TEXT2 = {0x50 / 255.0, 0x50 / 255.0, 0x50 / 255.0};

ws_plot_rgb ws_plot_series_color(int i)
{
    /* Yellow is left out: too light for a line on white. */
    const ws_plot_rgb order[] = {WS_OI_BLUE, WS_OI_VERMILLION, WS_OI_GREEN, WS_OI_ORANGE,
                                 WS_OI_PURPLE, WS_OI_SKY, WS_OI_BLACK};
    int n = (int)(sizeof order / sizeof order[0]);
    return order[((i % n) + n) % n];
}

/* viridis (van der Walt and Smith, matplotlib 2.0), nine stops. */
ws_plot_rgb ws_plot_viridis(double f)
{
    static const unsigned stops[] = {0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E,
                                     0x1F9E89, 0x35B779, 0x6DCD59, 0xFDE725};
    const int n = (int)(sizeof stops / sizeof stops[0]);
    if (!(f > 0))
        f = 0;
    if (f > 1)
        f = 1;
    double x = f * (n - 1);
    int i = (int)floor(x);
    if (i >= n - 1)
        i = n - 2;
    double u = x - i;
    ws_plot_rgb c;
    unsigned a = stops[i], b = stops[i + 1];
    c.r = (((a >> 16) & 255) * (1 - u) + ((b >> 16) & 255) * u) / 255.0;
    c.g = (((a >> 8) & 255) * (1 - u) + ((b >> 8) & 255) * u) / 255.0;
    c.b = ((a & 255) * (1 - u) + (b & 255) * u) / 255.0;
    return c;
}

void ws_plot_set_color(cairo_t *cr, ws_plot_rgb c, double alpha)
{
    if (alpha >= 1)
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
    else
        cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

/* ------------------------------------------------------------------ */
/* Canvas */

typedef struct membuf {
    unsigned char *p;
    size_t n, cap;
    bool failed;
} membuf;

struct ws_plot_canvas {
    unsigned format;
    cairo_surface_t *surface;
    cairo_t *cr;
    membuf out;
};

static cairo_status_t to_membuf(void *closure, const unsigned char *data, unsigned int len)
{
    membuf *b = closure;
    if (b->n + len > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 16;
        while (cap < b->n + len)
            cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = true;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
    return CAIRO_STATUS_SUCCESS;
}

const char *ws_plot_format_ext(unsigned format)
{
    return format == WS_PLOT_SVG ? "svg" : format == WS_PLOT_PDF ? "pdf" : "png";
}

ws_plot_canvas *ws_plot_canvas_new(unsigned format, double w, double h, ws_diag *err)
{
    ws_plot_canvas *c = calloc(1, sizeof *c);
    if (!c) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return NULL;
    }
    c->format = format;
    switch (format) {
    case WS_PLOT_SVG:
        c->surface = cairo_svg_surface_create_for_stream(to_membuf, &c->out, w, h);
        /* Pixel units, so the SVG opens at the PNG's size. */
        cairo_svg_surface_set_document_unit(c->surface, CAIRO_SVG_UNIT_PX);
        break;
    case WS_PLOT_PDF:
        c->surface = cairo_pdf_surface_create_for_stream(to_membuf, &c->out, w, h);
        cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_CREATE_DATE,
                                       "2000-01-01T00:00:00Z");
        cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_MOD_DATE,
                                       "2000-01-01T00:00:00Z");
        cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_CREATOR, "walsim");
        break;
    default:
        c->format = WS_PLOT_PNG;
        c->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(w), (int)ceil(h));
        break;
    }
    c->cr = cairo_create(c->surface);
    if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
        ws_diag_set(err, NULL, 0, "cairo: cannot create a %s surface: %s",
                    ws_plot_format_ext(c->format), cairo_status_to_string(cairo_status(c->cr)));
        ws_plot_canvas_free(c);
        return NULL;
    }
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_paint(c->cr);
    cairo_select_font_face(c->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_line_join(c->cr, CAIRO_LINE_JOIN_ROUND);
    return c;
}

cairo_t *ws_plot_canvas_cr(ws_plot_canvas *c) { return c->cr; }

void ws_plot_canvas_free(ws_plot_canvas *c)
{
    if (!c)
        return;
    if (c->cr)
        cairo_destroy(c->cr);
    if (c->surface)
        cairo_surface_destroy(c->surface);
    free(c->out.p);
    free(c);
}

void ws_plot_shutdown(void)
{
    /* cairo first: its font caches hold fontconfig patterns. */
    cairo_debug_reset_static_data();
    FcFini();
}

static bool is_digit(unsigned char ch) { return ch >= '0' && ch <= '9'; }

static bool reserve(unsigned char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t c = *cap * 2 > need ? *cap * 2 : need;
    unsigned char *p = realloc(*buf, c);
    if (!p)
        return false;
    *buf = p;
    *cap = c;
    return true;
}

/* Renumbers PREFIX<digits> where it follows `id="` or `#` (the id and
 * its references) in order of first appearance.  Returns a new buffer
 * (NULL when out of memory). */
static unsigned char *renumber(const unsigned char *in, size_t n, const char *prefix, size_t *out_n)
{
    size_t plen = strlen(prefix);
    size_t cap = n + 256, o = 0;
    unsigned char *out = malloc(cap);
    unsigned long *olds = NULL;
    size_t nmap = 0, mapcap = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n;) {
        bool ref = i + plen < n && memcmp(in + i, prefix, plen) == 0 && is_digit(in[i + plen]) &&
                   ((i >= 4 && memcmp(in + i - 4, "id=\"", 4) == 0) || (i >= 1 && in[i - 1] == '#'));
        if (!ref) {
            if (!reserve(&out, &cap, o + 1))
                goto nomem;
            out[o++] = in[i++];
            continue;
        }
        size_t j = i + plen;
        unsigned long num = 0;
        while (j < n && is_digit(in[j]) && num < 100000000UL)
            num = num * 10 + (unsigned long)(in[j++] - '0');
        size_t k;
        for (k = 0; k < nmap && olds[k] != num; k++)
            ;
        if (k == nmap) {
            if (nmap == mapcap) {
                mapcap = mapcap ? 2 * mapcap : 16;
                unsigned long *nm = realloc(olds, mapcap * sizeof *nm);
                if (!nm)
                    goto nomem;
                olds = nm;
            }
            olds[nmap++] = num;
        }
        char id[64];
        int len = snprintf(id, sizeof id, "%s%zu", prefix, k + 1);
        if (len < 0 || !reserve(&out, &cap, o + (size_t)len))
            goto nomem;
        memcpy(out + o, id, (size_t)len);
        o += (size_t)len;
        i = j;
    }
    free(olds);
    *out_n = o;
    return out;
nomem:
    free(olds);
    free(out);
    return NULL;
}

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int ws_plot_canvas_write(ws_plot_canvas *c, FILE *f, const char *name, ws_diag *err)
{
    cairo_status_t st = cairo_status(c->cr);
    if (st != CAIRO_STATUS_SUCCESS) {
        ws_diag_set(err, name, 0, "cairo: drawing failed: %s", cairo_status_to_string(st));
        return WS_EIO;
    }
    if (c->format == WS_PLOT_PNG) {
        cairo_surface_flush(c->surface);
        st = cairo_surface_write_to_png_stream(c->surface, to_file, f);
        if (st != CAIRO_STATUS_SUCCESS) {
            ws_diag_set(err, name, 0, "cannot write PNG: %s",
                        st == CAIRO_STATUS_WRITE_ERROR ? strerror(errno) : cairo_status_to_string(st));
            return WS_EIO;
        }
        return WS_OK;
    }
    cairo_destroy(c->cr);
    c->cr = NULL;
    cairo_surface_finish(c->surface);
    st = cairo_surface_status(c->surface);
    if (st != CAIRO_STATUS_SUCCESS || c->out.failed) {
        ws_diag_set(err, name, 0, "cairo: cannot finish the %s: %s", ws_plot_format_ext(c->format),
                    c->out.failed ? "out of memory" : cairo_status_to_string(st));
        return WS_EIO;
    }
    const unsigned char *bytes = c->out.p;
    size_t n = c->out.n;
    unsigned char *fixed = NULL, *fixed2 = NULL;
    if (c->format == WS_PLOT_SVG) {
        size_t n1 = 0, n2 = 0;
        fixed = renumber(c->out.p, c->out.n, "surface", &n1);
        fixed2 = fixed ? renumber(fixed, n1, "image", &n2) : NULL;
        if (!fixed2) {
            free(fixed);
            ws_diag_set(err, name, 0, "out of memory");
            return WS_ENOMEM;
        }
        bytes = fixed2;
        n = n2;
    }
    int rc = WS_OK;
    if (fwrite(bytes, 1, n, f) != n) {
        ws_diag_set(err, name, 0, "write failed: %s", strerror(errno));
        rc = WS_EIO;
    }
    free(fixed);
    free(fixed2);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Text */

/* Length of the well-formed UTF-8 sequence at p (RFC 3629), 0 if none. */
static size_t utf8_len(const unsigned char *p)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

/* cairo refuses invalid UTF-8 by putting the context into an error state
 * (CAIRO_STATUS_INVALID_STRING), which would fail the whole chart; a
 * scenario name is user text, so bad bytes become '?'.  Control
 * characters too: they have no glyph. */
static void clean_text(const char *s, char *buf, size_t len)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && o + 5 < len) {
        size_t k = utf8_len(p);
        if (k == 0 || (k == 1 && (*p < 0x20 || *p == 0x7f))) {
            buf[o++] = '?';
            p++;
            continue;
        }
        memcpy(buf + o, p, k);
        o += k;
        p += k;
    }
    buf[o] = '\0';
}

static void set_font(cairo_t *cr, ws_plot_font f)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           f.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, f.size);
}

double ws_plot_text_width(cairo_t *cr, ws_plot_font f, const char *s)
{
    char buf[1024];
    clean_text(s, buf, sizeof buf);
    set_font(cr, f);
    cairo_text_extents_t te;
    cairo_text_extents(cr, buf, &te);
    return te.x_advance;
}

double ws_plot_text(cairo_t *cr, ws_plot_font f, double x, double y, int anchor, double angle,
                    const char *s)
{
    char buf[1024];
    clean_text(s, buf, sizeof buf);
    set_font(cr, f);
    cairo_text_extents_t te;
    cairo_font_extents_t fe;
    cairo_text_extents(cr, buf, &te);
    cairo_font_extents(cr, &fe);
    double dx = 0, dy = 0;
    switch (anchor & 3) {
    case WS_TA_CENTER: dx = -te.x_advance / 2; break;
    case WS_TA_RIGHT: dx = -te.x_advance; break;
    default: break;
    }
    /* Vertical anchors from the font's ascent and descent, not the ink,
     * so labels of one row share a baseline whatever their letters. */
    switch (anchor & 12) {
    case WS_TA_TOP: dy = fe.ascent; break;
    case WS_TA_MIDDLE: dy = (fe.ascent - fe.descent) / 2; break;
    case WS_TA_BOTTOM: dy = -fe.descent; break;
    default: break;
    }
    cairo_save(cr);
    cairo_translate(cr, x, y);
    if (angle != 0)
        cairo_rotate(cr, angle);
    ws_plot_set_color(cr, f.color, 1);
    cairo_move_to(cr, dx, dy);
    cairo_show_text(cr, buf);
    cairo_new_path(cr);
    cairo_restore(cr);
    return te.x_advance;
}
