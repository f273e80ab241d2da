/*
 * test_plot_svg.c - SVG text is text (issue 16): ws_plot_text on an SVG
 * canvas writes <text> elements (escaped, UTF-8, anchored, rotated, bold,
 * coloured, clipped as drawn) and no glyph outlines; the fixture charts'
 * SVGs have their titles as text and no <symbol>; drawing every chart's
 * text last, as the SVG does, leaves its PNG byte for byte as drawn in
 * order (so no chart covers text with a later shape); and PNG output is
 * not changed by the SVG text (the PNG of a chart drawn after its SVG is
 * the same as one drawn alone).
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* mkdtemp, dirent */
#endif

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "walsim/plot.h"

#ifndef WS_TEST_DATA_DIR
#define WS_TEST_DATA_DIR "tests/unit/data"
#endif
#define PLOT_DATA WS_TEST_DATA_DIR "/plot"

/* ------------------------------------------------------------------ */
/* Files */

static void copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    assert_non_null(a);
    assert_non_null(b);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, a)) > 0)
        assert_int_equal(fwrite(buf, 1, n, b), n);
    fclose(a);
    assert_int_equal(fclose(b), 0);
}

static char *fixture_copy(const char *name, const char *const *files)
{
    char *dir = strdup("/tmp/walsim-plotsvg-XXXXXX");
    assert_non_null(mkdtemp(dir));
    for (int i = 0; files[i]; i++) {
        char from[512], to[512];
        snprintf(from, sizeof from, "%s/%s/%s", PLOT_DATA, name, files[i]);
        snprintf(to, sizeof to, "%s/%s", dir, files[i]);
        copy_file(from, to);
    }
    return dir;
}

static void remove_dir(char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
    free(dir);
}

/* The whole file, NUL-terminated. */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        print_error("missing %s\n", path);
        fail();
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)len + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    p[len] = '\0';
    *n = (size_t)len;
    return p;
}

/* Every file of a folder with extension ext, sorted; NULL-terminated. */
static char **files_with(const char *dir, const char *ext)
{
    char **v = calloc(64, sizeof *v);
    assert_non_null(v);
    int n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    size_t el = strlen(ext);
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > el + 1 && e->d_name[l - el - 1] == '.' && !strcmp(e->d_name + l - el, ext)) {
            assert_true(n < 63);
            v[n++] = strdup(e->d_name);
        }
    }
    closedir(d);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            char *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v;
}

static void free_list(char **v)
{
    for (int i = 0; v[i]; i++)
        free(v[i]);
    free(v);
}

static bool has(const char *hay, const char *needle, const char *what)
{
    if (strstr(hay, needle))
        return true;
    print_error("%s: no '%s'\n", what, needle);
    return false;
}

/* ------------------------------------------------------------------ */
/* One canvas */

static char *draw_to_svg(void (*draw)(cairo_t *cr))
{
    ws_diag err;
    ws_plot_canvas *c = ws_plot_canvas_new(WS_PLOT_SVG, 400, 300, &err);
    assert_non_null(c);
    draw(ws_plot_canvas_cr(c));
    char path[] = "/tmp/walsim-plotsvg-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    int rc = ws_plot_canvas_write(c, f, "t.svg", &err);
    if (rc != WS_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, WS_OK);
    assert_int_equal(fclose(f), 0);
    ws_plot_canvas_free(c);
    size_t n;
    char *s = slurp(path, &n);
    unlink(path);
    return s;
}

static void draw_sample(cairo_t *cr)
{
    ws_plot_font plain = {16, false, WS_PLOT_TEXT};
    ws_plot_font bold = {28, true, WS_PLOT_TEXT};
    ws_plot_font red = {14, false, WS_OI_VERMILLION};
    /* A box drawn before its text stays under it. */
    ws_plot_set_color(cr, WS_PLOT_CAUTION_FILL, 1);
    cairo_rectangle(cr, 0, 0, 200, 40);
    cairo_fill(cr);
    ws_plot_text(cr, bold, 10, 50, WS_TA_LEFT | WS_TA_BASELINE, 0, "Title & <more> \"q\" 'a'");
    ws_plot_text(cr, plain, 390, 80, WS_TA_RIGHT | WS_TA_BASELINE, 0,
                 "caf\xc3\xa9 \xe2\x9c\x93 \xc2\xb5s \xf0\x9f\x98\x80");
    ws_plot_text(cr, plain, 200, 120, WS_TA_CENTER | WS_TA_BASELINE, 0, "bad \xff byte #surface1");
    ws_plot_text(cr, plain, 22, 200, WS_TA_CENTER | WS_TA_TOP, -M_PI / 2, "rotated (ms)");
    ws_plot_text(cr, red, 100, 250, WS_TA_LEFT | WS_TA_BASELINE, 0, "  two  spaces");
    cairo_save(cr);
    cairo_rectangle(cr, 50, 260, 100, 30);
    cairo_clip(cr);
    ws_plot_text(cr, plain, 60, 280, WS_TA_LEFT | WS_TA_BASELINE, 0, "clipped");
    cairo_restore(cr);
    /* U+FFFE is well-formed UTF-8 but not an XML character. */
    ws_plot_text(cr, plain, 300, 280, WS_TA_LEFT | WS_TA_BASELINE, 0, "x\xef\xbf\xbey");
}

static void test_text_elements(void **state)
{
    (void)state;
    char *s = draw_to_svg(draw_sample);
    const char *w = "sample";
    /* No glyph outlines: the text is text. */
    assert_null(strstr(s, "<symbol"));
    assert_null(strstr(s, "glyph"));
    assert_true(has(s, "font-family=\"'DejaVu Sans', sans-serif\"", w));
    assert_true(has(s, "xml:space=\"preserve\"", w));
    /* Escaped; quotes need no escape in character data. */
    assert_true(has(s, "<text x=\"10\" y=\"50\" font-size=\"28\" font-weight=\"bold\" textLength=\"",
                    w));
    assert_true(has(s, ">Title &amp; &lt;more&gt; \"q\" 'a'</text>", w));
    /* UTF-8 as it is, right-aligned at the anchor. */
    assert_true(has(s, "<text x=\"390\" y=\"80\" font-size=\"16\" text-anchor=\"end\"", w));
    assert_true(has(s, ">caf\xc3\xa9 \xe2\x9c\x93 \xc2\xb5s \xf0\x9f\x98\x80</text>", w));
    /* Invalid UTF-8 shown as '?'; an id-like word is not renumbered. */
    assert_true(has(s, "<text x=\"200\" y=\"120\" font-size=\"16\" text-anchor=\"middle\"", w));
    assert_true(has(s, ">bad ? byte #surface1</text>", w));
    /* Rotated about its anchor (22, 200). */
    assert_true(has(s, "transform=\"rotate(-90 22 200)\"", w));
    assert_true(has(s, ">rotated (ms)</text>", w));
    /* Colour, and spaces kept. */
    assert_true(has(s, "fill=\"#d55e00\">  two  spaces</text>", w));
    /* The clip, around the text (not in its own frame). */
    assert_true(has(s, "<clipPath id=\"text-clip1\"><rect x=\"50\" y=\"260\" width=\"100\" "
                       "height=\"30\"/></clipPath>",
                    w));
    assert_true(has(s, "<g clip-path=\"url(#text-clip1)\"><text x=\"60\" y=\"280\"", w));
    assert_true(has(s, ">clipped</text></g>", w));
    assert_true(has(s, ">x?y</text>", w));
    /* Over the drawing: after cairo's content, just before </svg>. */
    const char *last_text = strstr(s, "two  spaces");
    const char *end = strstr(s, "</svg>");
    assert_non_null(end);
    assert_true(last_text < end);
    assert_null(strstr(end + 1, "</svg>"));
    assert_true(strstr(s, "<g font-family") > strstr(s, "<path"));
    free(s);
}

/* The top of a TOP-anchored text is the font's ascent above its
 * baseline: the SVG's y is cairo's baseline. */
static void draw_top(cairo_t *cr)
{
    ws_plot_font f = {20, false, WS_PLOT_TEXT};
    ws_plot_text(cr, f, 10, 100, WS_TA_LEFT | WS_TA_TOP, 0, "top");
}

static void test_baseline(void **state)
{
    (void)state;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 10, 10);
    cairo_t *cr = cairo_create(img);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 20);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF); /* as a vector surface */
    cairo_set_font_options(cr, fo);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    cairo_font_options_destroy(fo);
    cairo_destroy(cr);
    cairo_surface_destroy(img);
    char *s = draw_to_svg(draw_top);
    const char *p = strstr(s, "<text x=\"10\" y=\"");
    assert_non_null(p);
    double y = strtod(p + strlen("<text x=\"10\" y=\""), NULL);
    if (fabs(y - (100 + fe.ascent)) > 0.01) {
        print_error("baseline at %g, cairo's at %g\n", y, 100 + fe.ascent);
        fail();
    }
    free(s);
}

/* ------------------------------------------------------------------ */
/* The charts */

static const char *const run_files[] = {"summary.json", "timeline.csv", "checkpoints.csv",
                                        "latency_cdf.csv", NULL};
static const char *const sweep_files[] = {"sweep.csv", NULL};
static const char *const val_files[] = {"validation.json", "validation_timeline.csv", NULL};

static void test_chart_svgs(void **state)
{
    (void)state;
    char *dir = fixture_copy("run", run_files);
    ws_diag err;
    int rc = ws_plot_dir(dir, "svg", &err);
    if (rc != WS_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, WS_OK);
    char **v = files_with(dir, "svg");
    int n = 0;
    for (; v[n]; n++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, v[n]);
        size_t len;
        char *s = slurp(path, &len);
        if (strstr(s, "<symbol") || strstr(s, "glyph")) {
            print_error("%s has glyph outlines\n", v[n]);
            fail();
        }
        assert_true(has(s, "<text ", v[n]));
        assert_true(has(s, ">Scenario: Checkpoint smoothing: default vs optimized</text>", v[n]));
        free(s);
    }
    assert_int_equal(n, 8);
    free_list(v);
    size_t len;
    char path[512];
    snprintf(path, sizeof path, "%s/latency.svg", dir);
    char *s = slurp(path, &len);
    assert_true(has(s, "font-weight=\"bold\"", "latency.svg"));
    assert_true(has(s, ">Transaction latency per second: p50, p99 and max</text>", "latency.svg"));
    assert_true(has(s, "transform=\"rotate(-90 ", "latency.svg")); /* the y axis title */
    assert_true(has(s, ">OVERLOADED (offered 8000/s, completed 6226/s)</text>", "latency.svg"));
    free(s);
    remove_dir(dir);
}

/* Every PNG of folder a is byte for byte the same in folder b. */
static void expect_same_pngs(const char *a, const char *b, const char *why)
{
    char **v = files_with(a, "png");
    int n = 0;
    for (; v[n]; n++) {
        char pa[512], pb[512];
        snprintf(pa, sizeof pa, "%s/%s", a, v[n]);
        snprintf(pb, sizeof pb, "%s/%s", b, v[n]);
        size_t na, nb;
        char *da = slurp(pa, &na), *db = slurp(pb, &nb);
        if (na != nb || memcmp(da, db, na) != 0) {
            print_error("%s differs %s\n", v[n], why);
            fail();
        }
        free(da);
        free(db);
    }
    assert_true(n > 0);
    free_list(v);
}

/* Moves the PNGs of dir into a new folder (returned). */
static char *move_pngs(const char *dir)
{
    char *to = strdup("/tmp/walsim-plotsvg-XXXXXX");
    assert_non_null(mkdtemp(to));
    char **v = files_with(dir, "png");
    for (int i = 0; v[i]; i++) {
        char a[512], b[512];
        snprintf(a, sizeof a, "%s/%s", dir, v[i]);
        snprintf(b, sizeof b, "%s/%s", to, v[i]);
        assert_int_equal(rename(a, b), 0);
    }
    free_list(v);
    return to;
}

typedef int (*draw_folder)(const char *dir, const char *formats, ws_diag *err);

static int sweep(const char *dir, const char *formats, ws_diag *err)
{
    return ws_plot_sweep(dir, formats, NULL, 0, NULL, 0, err);
}

/* The SVG writes the text over the whole drawing.  That is the picture
 * only if no chart draws a shape over its text: draw every fixture's
 * PNGs with the text drawn last (ws_plot_set_text_deferred) and compare
 * them with the normal ones, drawn from the same folder (its name is in
 * the subtitle). */
static void test_text_last_same_picture(void **state)
{
    (void)state;
    static const struct {
        const char *fixture;
        const char *const *files;
        draw_folder draw;
    } cases[] = {{"run", run_files, ws_plot_dir},       {"sweep1", sweep_files, sweep},
                 {"sweep2", sweep_files, sweep},        {"sweep3", sweep_files, sweep},
                 {"sweep4", sweep_files, sweep},        {"validation", val_files, ws_plot_validation}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *dir = fixture_copy(cases[i].fixture, cases[i].files);
        ws_diag err;
        assert_int_equal(cases[i].draw(dir, "png", &err), WS_OK);
        char *in_order = move_pngs(dir);
        ws_plot_set_text_deferred(true);
        int rc = cases[i].draw(dir, "png", &err);
        ws_plot_set_text_deferred(false);
        assert_int_equal(rc, WS_OK);
        expect_same_pngs(in_order, dir, "when its text is drawn last");
        remove_dir(in_order);
        remove_dir(dir);
    }
}

/* PNG output does not depend on SVGs drawn before it in the process
 * (the SVG keeps its text on its canvas, nothing global). */
static void test_png_unchanged_by_svg(void **state)
{
    (void)state;
    char *dir = fixture_copy("run", run_files);
    ws_diag err;
    assert_int_equal(ws_plot_dir(dir, "png", &err), WS_OK);
    char *alone = move_pngs(dir);
    assert_int_equal(ws_plot_dir(dir, "svg,png", &err), WS_OK);
    expect_same_pngs(alone, dir, "when drawn after the SVGs");
    remove_dir(alone);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_elements),
        cmocka_unit_test(test_baseline),
        cmocka_unit_test(test_chart_svgs),
        cmocka_unit_test(test_text_last_same_picture),
        cmocka_unit_test(test_png_unchanged_by_svg),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ws_plot_shutdown();
    return rc;
}
