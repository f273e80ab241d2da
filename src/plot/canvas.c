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
 *
 * Text in SVG is kept as text (issue 16): cairo's SVG surface would
 * write every glyph as an outline <symbol> placed with <use>, which
 * cannot be selected or searched and makes the file large.  On an SVG
 * canvas ws_plot_text draws nothing through cairo: it records the text
 * with its cairo-computed baseline, anchor, rotation, font, colour and
 * clip on the canvas (found from the cairo_t through user data on its
 * target surface), and ws_plot_canvas_write adds the items as <text>
 * elements at the end of the document, over every shape (no chart draws
 * a shape over its text: test_plot_svg checks that drawing the text last
 * leaves every PNG pixel as it was).  PNG and PDF draw glyphs as before.
 */
#include "walsim/plot.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
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

/* One text drawn on a canvas that keeps text as text (SVG). */
typedef struct text_item {
    char *s;           /* clean UTF-8 (clean_text) */
    cairo_matrix_t m;  /* device from the text's frame: origin at the anchor, x along the text */
    double dx, dy;     /* the start of the baseline in that frame, as cairo placed it */
    double advance;    /* cairo's width of the text */
    int halign;        /* WS_TA_LEFT, WS_TA_CENTER, WS_TA_RIGHT */
    ws_plot_font f;
    int clip;          /* index into clips, -1 for none */
} text_item;

typedef struct text_clip {
    cairo_rectangle_t *r; /* device space, their union */
    int n;
} text_clip;

struct ws_plot_canvas {
    unsigned format;
    double w, h;
    cairo_surface_t *surface;
    cairo_t *cr;
    membuf out;
    bool keep_text; /* ws_plot_text records instead of drawing */
    bool text_failed;
    text_item *texts;
    size_t n_texts, cap_texts;
    text_clip *clips;
    int n_clips, cap_clips;
};

/* Finds the canvas of a cairo_t that keeps its text (user data on the
 * target surface). */
static const cairo_user_data_key_t text_key;

/* Tests: PNG canvases record their text as SVG ones do and draw it last
 * (see ws_plot_set_text_deferred). */
static bool defer_png_text;

void ws_plot_set_text_deferred(bool on) { defer_png_text = on; }

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
    c->w = w;
    c->h = h;
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
    c->keep_text = c->format == WS_PLOT_SVG || (c->format == WS_PLOT_PNG && defer_png_text);
    if (c->keep_text &&
        cairo_surface_set_user_data(c->surface, &text_key, c, NULL) != CAIRO_STATUS_SUCCESS) {
        ws_diag_set(err, NULL, 0, "out of memory");
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
    for (size_t i = 0; i < c->n_texts; i++)
        free(c->texts[i].s);
    free(c->texts);
    for (int i = 0; i < c->n_clips; i++)
        free(c->clips[i].r);
    free(c->clips);
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

static void draw_kept_text(ws_plot_canvas *c);
static bool svg_text(const ws_plot_canvas *c, membuf *b);

/* Where the kept text goes: before the last "</svg>". */
static size_t svg_end(const unsigned char *p, size_t n)
{
    static const char tag[] = "</svg>";
    size_t k = sizeof tag - 1;
    for (size_t i = n >= k ? n - k + 1 : 0; i-- > 0;)
        if (memcmp(p + i, tag, k) == 0)
            return i;
    return n;
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
    if (c->text_failed) {
        ws_diag_set(err, name, 0, "out of memory");
        return WS_ENOMEM;
    }
    if (c->format == WS_PLOT_PNG) {
        if (c->keep_text) {
            draw_kept_text(c);
            st = cairo_status(c->cr);
            if (st != CAIRO_STATUS_SUCCESS) {
                ws_diag_set(err, name, 0, "cairo: drawing failed: %s", cairo_status_to_string(st));
                return WS_EIO;
            }
        }
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
    membuf text = {0};
    size_t at = n; /* where the text goes */
    if (c->format == WS_PLOT_SVG) {
        /* Renumbering first: it must not touch the text ("#surface1" in a
         * scenario's name). */
        size_t n1 = 0, n2 = 0;
        fixed = renumber(c->out.p, c->out.n, "surface", &n1);
        fixed2 = fixed ? renumber(fixed, n1, "image", &n2) : NULL;
        if (!fixed2 || !svg_text(c, &text)) {
            free(fixed);
            free(fixed2);
            free(text.p);
            ws_diag_set(err, name, 0, "out of memory");
            return WS_ENOMEM;
        }
        bytes = fixed2;
        n = n2;
        at = svg_end(bytes, n);
    }
    int rc = WS_OK;
    if (fwrite(bytes, 1, at, f) != at || (text.n && fwrite(text.p, 1, text.n, f) != text.n) ||
        fwrite(bytes + at, 1, n - at, f) != n - at) {
        ws_diag_set(err, name, 0, "write failed: %s", strerror(errno));
        rc = WS_EIO;
    }
    free(fixed);
    free(fixed2);
    free(text.p);
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

/* The code point of the well-formed k-byte sequence at p. */
static unsigned long utf8_decode(const unsigned char *p, size_t k)
{
    static const unsigned char first_mask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    unsigned long cp = p[0] & first_mask[k];
    for (size_t i = 1; i < k; i++)
        cp = cp << 6 | (p[i] & 0x3F);
    return cp;
}

/* cairo refuses invalid UTF-8 by putting the context into an error state
 * (CAIRO_STATUS_INVALID_STRING), which would fail the whole chart; a
 * scenario name is user text, so bad bytes become '?'.  So do the
 * noncharacters that cairo refuses as well (U+FDD0..U+FDEF and U+xFFFE,
 * U+xFFFF of every plane; XML does not allow U+FFFE and U+FFFF either),
 * one '?' each, and control characters: they have no glyph. */
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
        unsigned long cp = utf8_decode(p, k);
        if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
            buf[o++] = '?';
            p += k;
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

/* The clip of cr in device space as a union of rectangles: -1 when it is
 * the whole canvas (or cannot be said in rectangles: no chart clips its
 * text other than to rectangles), else an index into c->clips, the last
 * one again when it is the same.  -2 when out of memory. */
static int current_clip(ws_plot_canvas *c, cairo_t *cr)
{
    cairo_save(cr);
    cairo_identity_matrix(cr);
    cairo_rectangle_list_t *l = cairo_copy_clip_rectangle_list(cr);
    cairo_restore(cr);
    int rc = -1;
    if (l->status != CAIRO_STATUS_SUCCESS) {
        rc = l->status == CAIRO_STATUS_NO_MEMORY ? -2 : -1;
        goto out;
    }
    if (l->num_rectangles == 1 && l->rectangles[0].x <= 0 && l->rectangles[0].y <= 0 &&
        l->rectangles[0].x + l->rectangles[0].width >= c->w &&
        l->rectangles[0].y + l->rectangles[0].height >= c->h)
        goto out;
    if (c->n_clips > 0) {
        const text_clip *last = &c->clips[c->n_clips - 1];
        if (last->n == l->num_rectangles &&
            (last->n == 0 || memcmp(last->r, l->rectangles, (size_t)last->n * sizeof *last->r) == 0)) {
            rc = c->n_clips - 1;
            goto out;
        }
    }
    if (c->n_clips == c->cap_clips) {
        int cap = c->cap_clips ? 2 * c->cap_clips : 8;
        text_clip *p = realloc(c->clips, (size_t)cap * sizeof *p);
        if (!p) {
            rc = -2;
            goto out;
        }
        c->clips = p;
        c->cap_clips = cap;
    }
    text_clip *t = &c->clips[c->n_clips];
    t->n = l->num_rectangles;
    t->r = NULL;
    if (t->n > 0) {
        t->r = malloc((size_t)t->n * sizeof *t->r);
        if (!t->r) {
            rc = -2;
            goto out;
        }
        memcpy(t->r, l->rectangles, (size_t)t->n * sizeof *t->r);
    }
    rc = c->n_clips++;
out:
    cairo_rectangle_list_destroy(l);
    return rc;
}

static void keep_text(ws_plot_canvas *c, cairo_t *cr, ws_plot_font f, int halign, double dx,
                      double dy, double advance, const char *s)
{
    if (c->text_failed)
        return;
    if (c->n_texts == c->cap_texts) {
        size_t cap = c->cap_texts ? 2 * c->cap_texts : 64;
        text_item *p = realloc(c->texts, cap * sizeof *p);
        if (!p) {
            c->text_failed = true;
            return;
        }
        c->texts = p;
        c->cap_texts = cap;
    }
    text_item *t = &c->texts[c->n_texts];
    size_t len = strlen(s) + 1;
    t->s = malloc(len);
    if (t->s)
        memcpy(t->s, s, len);
    t->clip = current_clip(c, cr);
    if (!t->s || t->clip == -2) {
        free(t->s);
        c->text_failed = true;
        return;
    }
    cairo_get_matrix(cr, &t->m);
    t->dx = dx;
    t->dy = dy;
    t->advance = advance;
    t->halign = halign;
    t->f = f;
    c->n_texts++;
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
    ws_plot_canvas *c = cairo_surface_get_user_data(cairo_get_target(cr), &text_key);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    if (angle != 0)
        cairo_rotate(cr, angle);
    if (c) {
        keep_text(c, cr, f, anchor & 3, dx, dy, te.x_advance, buf);
    } else {
        ws_plot_set_color(cr, f.color, 1);
        cairo_move_to(cr, dx, dy);
        cairo_show_text(cr, buf);
        cairo_new_path(cr);
    }
    cairo_restore(cr);
    return te.x_advance;
}

/* The kept text drawn through cairo, as ws_plot_text would have drawn it
 * (tests: a PNG so drawn must equal the one drawn in order). */
static void draw_kept_text(ws_plot_canvas *c)
{
    cairo_t *cr = c->cr;
    for (size_t i = 0; i < c->n_texts; i++) {
        const text_item *t = &c->texts[i];
        cairo_save(cr);
        cairo_reset_clip(cr);
        cairo_identity_matrix(cr);
        if (t->clip >= 0) {
            const text_clip *k = &c->clips[t->clip];
            cairo_new_path(cr);
            for (int j = 0; j < k->n; j++)
                cairo_rectangle(cr, k->r[j].x, k->r[j].y, k->r[j].width, k->r[j].height);
            cairo_clip(cr);
        }
        set_font(cr, t->f);
        cairo_set_matrix(cr, &t->m);
        ws_plot_set_color(cr, t->f.color, 1);
        cairo_move_to(cr, t->dx, t->dy);
        cairo_show_text(cr, t->s);
        cairo_new_path(cr);
        cairo_restore(cr);
    }
}

/* ------------------------------------------------------------------ */
/* Text as SVG <text> */

static bool put(membuf *b, const char *s, size_t len)
{
    return to_membuf(b, (const unsigned char *)s, (unsigned)len) == CAIRO_STATUS_SUCCESS;
}

static bool putf(membuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    return len >= 0 && (size_t)len < sizeof tmp && put(b, tmp, (size_t)len);
}

/* A coordinate with at most 3 decimals and no trailing zeros ("12.5",
 * "-90", "0"), independent of the locale's decimal point. */
static const char *num(double v, char *buf, size_t len)
{
    double r = round(v * 1000) / 1000;
    if (r == 0)
        r = 0; /* no "-0" */
    long long whole = (long long)fabs(trunc(r));
    long frac = lround(fabs(r - trunc(r)) * 1000);
    if (frac >= 1000) { /* not expected after the rounding above */
        whole++;
        frac -= 1000;
    }
    int o = snprintf(buf, len, "%s%lld", r < 0 ? "-" : "", whole);
    if (frac && o > 0 && (size_t)o + 5 <= len) {
        char f[8];
        snprintf(f, sizeof f, "%03ld", frac);
        for (int k = 2; k > 0 && f[k] == '0'; k--)
            f[k] = '\0';
        snprintf(buf + o, len - (size_t)o, ".%s", f);
    }
    return buf;
}

static unsigned byte255(double v)
{
    return v <= 0 ? 0 : v >= 1 ? 255 : (unsigned)lround(v * 255);
}

/* s as XML character data: & < > escaped.  clean_text has left only
 * characters that XML allows (no control characters, no invalid UTF-8,
 * no U+FFFE or U+FFFF). */
static bool put_escaped(membuf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        bool ok = *p == '&'   ? put(b, "&amp;", 5)
                  : *p == '<' ? put(b, "&lt;", 4)
                  : *p == '>' ? put(b, "&gt;", 4)
                              : put(b, p, 1);
        if (!ok)
            return false;
    }
    return true;
}

/* The kept text as one group of <text> elements.  Each is anchored where
 * ws_plot_text anchored it (text-anchor start, middle or end at the
 * anchor's x, so a viewer with another font still centres and
 * right-aligns), on the baseline cairo used (the vertical anchor is
 * already applied from cairo's font extents, so no dominant-baseline is
 * needed), rotated about the anchor.  White space is kept as cairo shows
 * it (xml:space). */
static bool svg_text(const ws_plot_canvas *c, membuf *b)
{
    static const char *const anchors[] = {"", " text-anchor=\"middle\"", " text-anchor=\"end\"", ""};
    char n1[48], n2[48], n3[48], n4[48], n5[48], n6[48];
    if (c->n_texts == 0)
        return true;
    bool ok = true;
    if (c->n_clips > 0) {
        ok = ok && putf(b, "<defs>\n");
        for (int i = 0; ok && i < c->n_clips; i++) {
            ok = putf(b, "<clipPath id=\"text-clip%d\">", i + 1);
            for (int j = 0; ok && j < c->clips[i].n; j++) {
                const cairo_rectangle_t *r = &c->clips[i].r[j];
                ok = putf(b, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"/>",
                          num(r->x, n1, sizeof n1), num(r->y, n2, sizeof n2),
                          num(r->width, n3, sizeof n3), num(r->height, n4, sizeof n4));
            }
            ok = ok && putf(b, "</clipPath>\n");
        }
        ok = ok && putf(b, "</defs>\n");
    }
    unsigned dr = byte255(WS_PLOT_TEXT.r), dg = byte255(WS_PLOT_TEXT.g), db = byte255(WS_PLOT_TEXT.b);
    ok = ok && putf(b,
                    "<g font-family=\"'DejaVu Sans', sans-serif\" fill=\"#%02x%02x%02x\" "
                    "xml:space=\"preserve\" style=\"font-kerning:none;font-variant-ligatures:none\">\n",
                    dr, dg, db);
    for (size_t i = 0; ok && i < c->n_texts; i++) {
        const text_item *t = &c->texts[i];
        /* The anchor (the frame's origin) and the baseline's start in the
         * frame; dx only serves text-anchor start. */
        double ax = t->halign == WS_TA_LEFT ? t->dx : 0;
        const cairo_matrix_t *m = &t->m;
        char where[256];
        if (m->xx == 1 && m->yy == 1 && m->xy == 0 && m->yx == 0) {
            snprintf(where, sizeof where, "x=\"%s\" y=\"%s\"", num(m->x0 + ax, n1, sizeof n1),
                     num(m->y0 + t->dy, n2, sizeof n2));
        } else if (fabs(m->xx - m->yy) < 1e-9 && fabs(m->xy + m->yx) < 1e-9 &&
                   fabs(m->xx * m->xx + m->yx * m->yx - 1) < 1e-9) {
            /* A rotation about the anchor: rotate(A X Y) of the point
             * (X + ax, Y + dy) is the frame's (ax, dy). */
            double deg = atan2(m->yx, m->xx) * 180 / M_PI;
            snprintf(where, sizeof where, "x=\"%s\" y=\"%s\" transform=\"rotate(%s %s %s)\"",
                     num(m->x0 + ax, n1, sizeof n1), num(m->y0 + t->dy, n2, sizeof n2),
                     num(deg, n3, sizeof n3), num(m->x0, n4, sizeof n4),
                     num(m->y0, n5, sizeof n5));
        } else {
            snprintf(where, sizeof where,
                     "x=\"%s\" y=\"%s\" transform=\"matrix(%.9g %.9g %.9g %.9g %s %s)\"",
                     num(ax, n1, sizeof n1), num(t->dy, n2, sizeof n2), m->xx, m->yx, m->xy, m->yy,
                     num(m->x0, n5, sizeof n5), num(m->y0, n6, sizeof n6));
        }
        /* The clip in the group's space, not the rotated text's. */
        if (t->clip >= 0)
            ok = putf(b, "<g clip-path=\"url(#text-clip%d)\">", t->clip + 1);
        ok = ok && putf(b, "<text %s font-size=\"%s\"%s%s textLength=\"%s\"", where,
                        num(t->f.size, n1, sizeof n1), t->f.bold ? " font-weight=\"bold\"" : "",
                        anchors[t->halign & 3], num(t->advance, n2, sizeof n2));
        unsigned r = byte255(t->f.color.r), g = byte255(t->f.color.g), bl = byte255(t->f.color.b);
        if (ok && (r != dr || g != dg || bl != db))
            ok = putf(b, " fill=\"#%02x%02x%02x\"", r, g, bl);
        ok = ok && put(b, ">", 1) && put_escaped(b, t->s) &&
             putf(b, t->clip >= 0 ? "</text></g>\n" : "</text>\n");
    }
    ok = ok && putf(b, "</g>\n");
    return ok && !b->failed;
}
