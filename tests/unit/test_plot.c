/*
 * test_plot.c - charts: tick steps and unit labels (the rule in plot.h),
 * value formatting, format lists, rendering the fixture folder into
 * every file with the right signature and size, byte-identical repeated
 * renders, a sync phase shaded where the fixture puts it, and a broken
 * folder refused without leaving a chart behind; measurement windows
 * (summary.json schema 2): the warm-up shaded where each variant's is, the
 * OVERLOADED and caution tags in the right caption, none of it for an
 * older folder; sweep charts, with error bars, hollow overloaded points
 * and marked heatmap cells when sweep.csv has the window columns; the
 * overlay charts of a validation folder (every file, measured and
 * simulated lines in their colours on the right side of each other, both
 * sides' checkpoint phases, a side without data, broken folders).
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

#include "../../src/plot/rundir.h"
#include "walsim/plot.h"

#ifndef WS_TEST_DATA_DIR
#define WS_TEST_DATA_DIR "tests/unit/data"
#endif
#define PLOT_DATA WS_TEST_DATA_DIR "/plot"

#define KiB 1024.0
#define MiB (1024.0 * KiB)
#define GiB (1024.0 * MiB)

/* ------------------------------------------------------------------ */
/* Ticks */

static void expect_ticks(const ws_plot_ticks *t, const double *want, int n)
{
    if (t->n != n) {
        print_error("got %d ticks, want %d\n", t->n, n);
        fail();
    }
    for (int i = 0; i < n; i++)
        if (fabs(t->v[i] - want[i]) > 1e-9 * fmax(1, fabs(want[i]))) {
            print_error("tick %d: got %.17g, want %.17g\n", i, t->v[i], want[i]);
            fail();
        }
}

static void expect_label(const ws_plot_ticks *t, double v, const char *want)
{
    char buf[64];
    ws_plot_tick_label(t, v, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static void test_ticks_plain(void **state)
{
    (void)state;
    ws_plot_ticks t;
    /* 937 / 5 = 187.4: the first of 1, 2, 5 x 100 at or above is 200. */
    ws_plot_ticks_linear(0, 937, 5, WS_PU_PLAIN, &t);
    assert_true(t.step == 200);
    const double w1[] = {0, 200, 400, 600, 800, 1000};
    expect_ticks(&t, w1, 6);
    expect_label(&t, 800, "800");
    /* 12 / 5 = 2.4: 2.5 is not a step below 10 (labels would need a
     * decimal), so 5. */
    ws_plot_ticks_linear(0, 12, 5, WS_PU_PLAIN, &t);
    assert_true(t.step == 5);
    /* 120 / 5 = 24: 25 is. */
    ws_plot_ticks_linear(0, 120, 5, WS_PU_PLAIN, &t);
    assert_true(t.step == 25);
    /* Fractions: 0.8 / 4 = 0.2, one decimal. */
    ws_plot_ticks_linear(0, 0.8, 4, WS_PU_PLAIN, &t);
    assert_true(fabs(t.step - 0.2) < 1e-12);
    expect_label(&t, 0.4, "0.4");
    /* Not starting at 0: the first tick at or below lo. */
    ws_plot_ticks_linear(3810, 4130, 4, WS_PU_PLAIN, &t);
    assert_true(t.step == 100);
    assert_true(t.v[0] == 3800 && t.v[t.n - 1] == 4200);
    /* A flat series still gets an axis, and 0 stays the floor. */
    ws_plot_ticks_linear(0, 0, 5, WS_PU_PLAIN, &t);
    assert_true(t.n >= 2 && t.v[0] == 0 && t.v[t.n - 1] >= 1);
    ws_plot_ticks_linear(5, 5, 5, WS_PU_PLAIN, &t);
    assert_true(t.v[0] <= 5 && t.v[t.n - 1] >= 5 && t.v[t.n - 1] > t.v[0]);
    /* No "-0" label for a tick that is 0 after rounding. */
    ws_plot_ticks_linear(-0.3, 0.3, 6, WS_PU_PLAIN, &t);
    for (int i = 0; i < t.n; i++) {
        char buf[32];
        ws_plot_tick_label(&t, t.v[i], buf, sizeof buf);
        assert_true(strcmp(buf, "-0") != 0);
    }
}

static void test_ticks_bytes(void **state)
{
    (void)state;
    ws_plot_ticks t;
    /* 1.3e9 B / 5 = 260e6 B = 248 MiB, below a quarter GiB: MiB, and the
     * first step at or above 248 is 250 MiB. */
    ws_plot_ticks_linear(0, 1.3e9, 5, WS_PU_BYTES, &t);
    assert_true(t.step == 250 * MiB);
    assert_string_equal(t.suffix, "MiB");
    assert_true(t.v[t.n - 1] == 1250 * MiB);
    expect_label(&t, 750 * MiB, "750");
    /* 4e9 / 4 = 954 MiB, above a quarter GiB: GiB, step 1 GiB. */
    ws_plot_ticks_linear(0, 4e9, 4, WS_PU_BYTES, &t);
    assert_true(t.step == GiB);
    assert_string_equal(t.suffix, "GiB");
    const double w[] = {0, GiB, 2 * GiB, 3 * GiB, 4 * GiB};
    expect_ticks(&t, w, 5);
    /* 0..1.2 GiB in 4: 0.3 GiB raw, step 0.5 GiB, one decimal. */
    ws_plot_ticks_linear(0, 1.2 * GiB, 4, WS_PU_BYTES, &t);
    assert_true(t.step == 0.5 * GiB);
    expect_label(&t, 1.5 * GiB, "1.5");
    /* With units in the labels (pg_wal panels), "0" stays bare. */
    t.label_units = true;
    expect_label(&t, 1.5 * GiB, "1.5 GiB");
    expect_label(&t, 0, "0");
    /* Byte rates: 0..125 MiB/s in 5: 25 MiB/s. */
    ws_plot_ticks_linear(0, 125 * MiB, 5, WS_PU_BYTE_RATE, &t);
    assert_true(t.step == 25 * MiB);
    assert_string_equal(t.suffix, "MiB/s");
    /* Small sizes stay in bytes, whole bytes. */
    ws_plot_ticks_linear(0, 3, 6, WS_PU_BYTES, &t);
    assert_string_equal(t.suffix, "B");
    assert_true(t.step >= 1);
}

static void test_ticks_durations_percent(void **state)
{
    (void)state;
    ws_plot_ticks t;
    /* 56 ms / 5 = 11.2: 20 ms. */
    ws_plot_ticks_linear(0, 56, 5, WS_PU_MS, &t);
    assert_true(t.step == 20);
    assert_string_equal(t.suffix, "ms");
    /* 1300 ms / 5 = 260 ms, above a quarter second: seconds, 0.5 s. */
    ws_plot_ticks_linear(0, 1300, 5, WS_PU_MS, &t);
    assert_string_equal(t.suffix, "s");
    assert_true(t.step == 500);
    expect_label(&t, 1500, "1.5");
    /* 0.4 ms / 4 = 0.1 ms, below a quarter ms: microseconds. */
    ws_plot_ticks_linear(0, 0.4, 4, WS_PU_MS, &t);
    assert_string_equal(t.suffix, "\xC2\xB5s");
    expect_label(&t, 0.2, "200");
    /* A share 0..1 is labelled in percent. */
    ws_plot_ticks_linear(0, 1, 5, WS_PU_PERCENT, &t);
    assert_string_equal(t.suffix, "%");
    assert_true(fabs(t.step - 0.2) < 1e-12);
    expect_label(&t, 0.6, "60");
}

static void test_ticks_time(void **state)
{
    (void)state;
    ws_plot_ticks t;
    char buf[64];
    /* 10 minutes: min:ss labels, 600 / 10 = 60 s steps. */
    ws_plot_ticks_linear(0, 600, 10, WS_PU_TIME, &t);
    assert_int_equal(t.time_style, WS_PT_MMSS);
    assert_true(t.step == 60);
    expect_label(&t, 120, "2:00");
    expect_label(&t, 150, "2:30");
    ws_plot_axis_title(&t, "simulated time", buf, sizeof buf);
    assert_string_equal(buf, "simulated time (min:ss)");
    /* 90 s: seconds, 90 / 5 = 18 -> 20 s. */
    ws_plot_ticks_linear(0, 90, 5, WS_PU_TIME, &t);
    assert_int_equal(t.time_style, WS_PT_SECONDS);
    assert_true(t.step == 20);
    expect_label(&t, 60, "60");
    /* 2 h: minutes, 7200 / 8 = 900 s -> 15 min. */
    ws_plot_ticks_linear(0, 7200, 8, WS_PU_TIME, &t);
    assert_int_equal(t.time_style, WS_PT_MINUTES);
    assert_true(t.step == 900);
    expect_label(&t, 2700, "45");
    ws_plot_axis_title(&t, "time", buf, sizeof buf);
    assert_string_equal(buf, "time (min)");
    /* Two days: h:mm, 172800 / 8 = 21600 s -> 6 h. */
    ws_plot_ticks_linear(0, 172800, 8, WS_PU_TIME, &t);
    assert_int_equal(t.time_style, WS_PT_HHMM);
    assert_true(t.step == 21600);
    expect_label(&t, 43200, "12:00");
    /* A week: days, 604800 / 12 = 50400 s -> 1 day. */
    ws_plot_ticks_linear(0, 604800, 12, WS_PU_TIME, &t);
    assert_int_equal(t.time_style, WS_PT_DAYS);
    assert_true(t.step == 86400);
    expect_label(&t, 172800, "2d");
    expect_label(&t, 0, "0d");
    expect_label(&t, 216000, "2d 12:00");
    ws_plot_axis_title(&t, "time", buf, sizeof buf);
    assert_string_equal(buf, "time (days)");
    /* An hour on day 3 (a zoom): day and clock, 3600 / 8 -> 10 min. */
    ws_plot_ticks_linear(3 * 86400 + 3600, 3 * 86400 + 7200, 8, WS_PU_TIME, &t);
    assert_int_equal(t.time_style, WS_PT_DAY_HHMM);
    assert_true(t.step == 600);
    expect_label(&t, 3 * 86400 + 4200, "3d 01:10");
    ws_plot_axis_title(&t, "time", buf, sizeof buf);
    assert_string_equal(buf, "time (day h:mm)");
    /* Minute labels are whole minutes even with many ticks. */
    ws_plot_ticks_linear(0, 1800, 60, WS_PU_TIME, &t);
    assert_true(t.step >= 60);
}

static void test_ticks_log(void **state)
{
    (void)state;
    ws_plot_ticks t;
    /* Within three decades: 1, 2, 5 of each. */
    ws_plot_ticks_log(5, 1000, WS_PU_MS, &t);
    const double w[] = {5, 10, 20, 50, 100, 200, 500, 1000};
    expect_ticks(&t, w, 8);
    expect_label(&t, 5, "5 ms");
    expect_label(&t, 1000, "1 s");
    expect_label(&t, 0.5, "500 \xC2\xB5s");
    char buf[64];
    ws_plot_axis_title(&t, "latency", buf, sizeof buf);
    assert_string_equal(buf, "latency (log scale)");
    /* Wider: decades only. */
    ws_plot_ticks_log(0.01, 1e4, WS_PU_MS, &t);
    const double d[] = {0.01, 0.1, 1, 10, 100, 1000, 10000};
    expect_ticks(&t, d, 7);
    /* The fitted log axis ends on 1-2-5 values around the data. */
    ws_plot_axis a;
    ws_plot_axis_fit_log(&a, 5.9, 640, WS_PU_MS);
    assert_true(a.lo == 5 && a.hi == 1000);
}

static void test_format_value(void **state)
{
    (void)state;
    struct {
        double v;
        ws_plot_unit u;
        const char *want;
    } cases[] = {
        {GiB, WS_PU_BYTES, "1 GiB"},
        {1.5 * GiB, WS_PU_BYTES, "1.5 GiB"},
        {1023.9 * MiB, WS_PU_BYTES, "1 GiB"}, /* not "1024 MiB" */
        {950 * MiB, WS_PU_BYTES, "950 MiB"},
        {1138166333, WS_PU_BYTES, "1.06 GiB"},
        {5299.36, WS_PU_BYTES, "5.18 KiB"},
        {512, WS_PU_BYTES, "512 B"},
        {16 * GiB, WS_PU_BYTES, "16 GiB"},
        {48.2 * MiB, WS_PU_BYTE_RATE, "48.2 MiB/s"},
        {56.1325566, WS_PU_MS, "56.1 ms"},
        {5.98956681, WS_PU_MS, "5.99 ms"},
        {0.5, WS_PU_MS, "500 \xC2\xB5s"},
        {1200, WS_PU_MS, "1.2 s"},
        {999.7, WS_PU_MS, "1 s"},
        {119e3, WS_PU_MS, "119 s"},
        {972000, WS_PU_MS, "16.2 min"}, /* not "972 s" */
        {5400e3, WS_PU_MS, "90 min"},
        {9000e3, WS_PU_MS, "2.5 h"},
        {0.95599417, WS_PU_PERCENT, "95.6 %"},
        {3804.6, WS_PU_PLAIN, "3805"},
        {7.25, WS_PU_PLAIN, "7.25"},
        {150, WS_PU_TIME, "2:30"},
        {NAN, WS_PU_MS, "n/a"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        ws_plot_format_value(cases[i].v, cases[i].u, buf, sizeof buf);
        if (strcmp(buf, cases[i].want) != 0) {
            print_error("%.17g: got \"%s\", want \"%s\"\n", cases[i].v, buf, cases[i].want);
            fail();
        }
    }
    char buf[64];
    ws_plot_ticks t;
    ws_plot_ticks_linear(0, 20 * GiB, 4, WS_PU_BYTES, &t);
    ws_plot_axis_title(&t, "pg_wal size", buf, sizeof buf);
    assert_string_equal(buf, "pg_wal size (GiB)");
}

static void test_formats(void **state)
{
    (void)state;
    unsigned m = 0;
    ws_diag err;
    assert_int_equal(ws_plot_parse_formats("png", &m, &err), WS_OK);
    assert_int_equal(m, WS_PLOT_PNG);
    assert_int_equal(ws_plot_parse_formats("svg,pdf,png", &m, &err), WS_OK);
    assert_int_equal(m, WS_PLOT_PNG | WS_PLOT_SVG | WS_PLOT_PDF);
    assert_int_equal(ws_plot_parse_formats("png,jpg", &m, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "'jpg' is not a chart format"));
    assert_int_equal(ws_plot_parse_formats("", &m, &err), WS_EINPUT);
    assert_int_equal(ws_plot_parse_formats("pngsvg", &m, &err), WS_EINPUT);
}

/* ------------------------------------------------------------------ */
/* Rendering */

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

/* A fresh temporary folder holding copies of the fixture's files. */
static char *fixture_copy(const char *name, const char *const *files)
{
    char *dir = strdup("/tmp/walsim-plot-XXXXXX");
    assert_non_null(mkdtemp(dir));
    for (int i = 0; files[i]; i++) {
        char from[512], to[512];
        snprintf(from, sizeof from, "%s/%s/%s", PLOT_DATA, name, files[i]);
        snprintf(to, sizeof to, "%s/%s", dir, files[i]);
        copy_file(from, to);
    }
    return dir;
}

static const char *const run_files[] = {"summary.json", "timeline.csv", "checkpoints.csv",
                                        "latency_cdf.csv", NULL};

/* The run fixture as a walsim before measurement windows wrote it:
 * run/summary_v1.json (schema_version 1, no window, no warnings) as
 * summary.json. */
static char *fixture_copy_v1(void)
{
    char *dir = fixture_copy("run", run_files);
    char from[512], to[512];
    snprintf(from, sizeof from, "%s/run/summary_v1.json", PLOT_DATA);
    snprintf(to, sizeof to, "%s/summary.json", dir);
    copy_file(from, to);
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

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        print_error("missing %s\n", path);
        fail();
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc((size_t)len + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return p;
}

static int count_entries(const char *dir, int *hidden)
{
    int n = 0;
    *hidden = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        n++;
        *hidden += e->d_name[0] == '.'; /* a temporary left behind */
    }
    if (d)
        closedir(d);
    return n;
}

static const char *const charts[] = {"latency", "throughput",  "wal",      "dirty",
                                     "device",  "latency_cdf", "overview", "latency_tail"};

static void check_signature(const char *dir, const char *chart, const char *ext)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.%s", dir, chart, ext);
    size_t n;
    unsigned char *p = slurp(path, &n);
    if (!strcmp(ext, "png")) {
        /* PNG signature, then IHDR with width and height (big-endian). */
        assert_true(n > 24 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0);
        assert_memory_equal(p + 12, "IHDR", 4);
        uint32_t w = (uint32_t)p[16] << 24 | (uint32_t)p[17] << 16 | (uint32_t)p[18] << 8 | p[19];
        uint32_t h = (uint32_t)p[20] << 24 | (uint32_t)p[21] << 16 | (uint32_t)p[22] << 8 | p[23];
        assert_int_equal(w, WS_PLOT_WIDTH);
        assert_int_equal(h, WS_PLOT_HEIGHT);
    } else if (!strcmp(ext, "pdf")) {
        assert_true(n > 8 && memcmp(p, "%PDF-", 5) == 0);
        p[n - 1] = '\0';
        assert_non_null(strstr((char *)p + n - 64, "%%EOF"));
    } else {
        p[n] = '\0';
        assert_true(memcmp(p, "<?xml", 5) == 0);
        assert_non_null(strstr((char *)p, "<svg"));
        assert_non_null(strstr((char *)p, "width=\"1600px\""));
        assert_non_null(strstr((char *)p, "</svg>"));
    }
    free(p);
}

static void test_render_every_chart(void **state)
{
    (void)state;
    char *dir = fixture_copy("run", run_files);
    ws_diag err;
    int rc = ws_plot_dir(dir, "png,svg,pdf", &err);
    if (rc != WS_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, WS_OK);
    for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++) {
        check_signature(dir, charts[i], "png");
        check_signature(dir, charts[i], "svg");
        check_signature(dir, charts[i], "pdf");
    }
    int hidden;
    assert_int_equal(count_entries(dir, &hidden), 4 + 8 * 3);
    assert_int_equal(hidden, 0);
    remove_dir(dir);

    /* PNG only: every chart as PNG, and the overview also as PDF. */
    dir = fixture_copy("run", run_files);
    assert_int_equal(ws_plot_dir(dir, "png", &err), WS_OK);
    assert_int_equal(count_entries(dir, &hidden), 4 + 8 + 1);
    check_signature(dir, "overview", "pdf");
    remove_dir(dir);
}

/* Two renders of the same folder in one process give the same bytes;
 * the second draws after more cairo surfaces were created, so an SVG id
 * taken from cairo's counter would differ. */
static void test_render_deterministic(void **state)
{
    (void)state;
    char *a = fixture_copy("run", run_files), *b = fixture_copy("run", run_files);
    ws_diag err;
    assert_int_equal(ws_plot_dir(a, "png,svg,pdf", &err), WS_OK);
    assert_int_equal(ws_plot_dir(b, "pdf,svg,png", &err), WS_OK);
    static const char *const exts[] = {"png", "svg", "pdf"};
    for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++)
        for (int e = 0; e < 3; e++) {
            char pa[512], pb[512];
            snprintf(pa, sizeof pa, "%s/%s.%s", a, charts[i], exts[e]);
            snprintf(pb, sizeof pb, "%s/%s.%s", b, charts[i], exts[e]);
            size_t na, nb;
            unsigned char *da = slurp(pa, &na), *db = slurp(pb, &nb);
            if (na != nb || memcmp(da, db, na) != 0) {
                print_error("%s.%s differs between two renders\n", charts[i], exts[e]);
                fail();
            }
            free(da);
            free(db);
        }
    remove_dir(a);
    remove_dir(b);
}

static bool pixel_is(const unsigned char *data, int stride, int x, int y, ws_plot_rgb c)
{
    uint32_t px = *(const uint32_t *)(data + (size_t)y * (size_t)stride + (size_t)x * 4);
    int r = (px >> 16) & 255, g = (px >> 8) & 255, b = px & 255;
    return r == (int)lround(c.r * 255) && g == (int)lround(c.g * 255) && b == (int)lround(c.b * 255);
}

static int count_in_column(cairo_surface_t *img, int x, ws_plot_rgb c)
{
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img), n = 0;
    for (int y = 0; y < cairo_image_surface_get_height(img); y++)
        n += pixel_is(data, stride, x, y, c);
    return n;
}

/* The time axis spans the data exactly (plot.h): t_s 0 .. 599 plus one
 * 1 s interval, over the single-column plot area. */
static int x_of(double t)
{
    double left = WS_PLOT_MARGIN_LEFT, right = WS_PLOT_WIDTH - WS_PLOT_MARGIN_RIGHT;
    return (int)floor(left + t / 600.0 * (right - left));
}

static void test_sync_phase_shaded(void **state)
{
    (void)state;
    /* The schema 1 folder: no warm-up shade dims the phases. */
    char *dir = fixture_copy_v1();
    ws_diag err;
    assert_int_equal(ws_plot_dir(dir, "png", &err), WS_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/latency.png", dir);
    cairo_surface_t *img = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    cairo_surface_flush(img);
    /* checkpoints.csv of the fixture: default's first checkpoint writes
     * from 45 s and syncs from 83 s to 88 s; pg-default's first writes
     * from 25 s to 91 s; optimized's starts at 110 s.  At 85.5 s the
     * default panel is in a sync phase and pg-default's in a write phase:
     * a column of each shade, a panel high (about 190 px, less the grid
     * and the data lines crossing it). */
    int sync_px = count_in_column(img, x_of(85.5), WS_PLOT_SYNC_SHADE);
    int write_px = count_in_column(img, x_of(85.5), WS_PLOT_WRITE_SHADE);
    if (sync_px < 100 || write_px < 100) {
        print_error("at 85.5 s: %d sync-shade pixels, %d write-shade pixels\n", sync_px, write_px);
        fail();
    }
    /* At 10 s no variant is checkpointing: neither shade in the column
     * beyond what the legend's swatches could hold (under 25 px). */
    assert_true(count_in_column(img, x_of(10), WS_PLOT_SYNC_SHADE) < 25);
    assert_true(count_in_column(img, x_of(10), WS_PLOT_WRITE_SHADE) < 25);
    /* At 70 s (not on a grid line: those are at whole minutes) default
     * and pg-default write, nobody syncs. */
    assert_true(count_in_column(img, x_of(70), WS_PLOT_WRITE_SHADE) >= 200);
    assert_true(count_in_column(img, x_of(70), WS_PLOT_SYNC_SHADE) < 25);
    cairo_surface_destroy(img);
    remove_dir(dir);
}

static void test_broken_folder(void **state)
{
    (void)state;
    /* timeline.csv without lat_p99_ms. */
    char *dir = fixture_copy("broken", run_files);
    ws_diag err;
    assert_int_equal(ws_plot_dir(dir, "png,svg,pdf", &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "timeline.csv:1: no column 'lat_p99_ms'"));
    int hidden;
    assert_int_equal(count_entries(dir, &hidden), 4); /* no chart, no temporary */
    assert_int_equal(hidden, 0);
    remove_dir(dir);

    /* A folder without the files: the message names the missing one. */
    static const char *const only_summary[] = {"summary.json", NULL};
    dir = fixture_copy("run", only_summary);
    assert_int_equal(ws_plot_dir(dir, "png", &err), WS_EIO);
    assert_non_null(strstr(err.msg, "timeline.csv: cannot open"));
    assert_int_equal(count_entries(dir, &hidden), 1);
    remove_dir(dir);

    /* A bad format is refused before anything is read or written. */
    dir = fixture_copy("run", run_files);
    assert_int_equal(ws_plot_dir(dir, "png,gif", &err), WS_EINPUT);
    assert_int_equal(count_entries(dir, &hidden), 4);
    remove_dir(dir);
}

static void test_sweep_charts(void **state)
{
    (void)state;
    static const char *const sweep_files[] = {"sweep.csv", NULL};
    ws_diag err;
    int hidden;
    /* One parameter: a chart per metric column. */
    char *dir = fixture_copy("sweep1", sweep_files);
    int rc = ws_plot_sweep(dir, "png,svg", NULL, 0, NULL, 0, &err);
    if (rc != WS_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, WS_OK);
    check_signature(dir, "sweep-p99_latency_ms", "png");
    check_signature(dir, "sweep-pg_wal_peak_bytes", "svg");
    check_signature(dir, "sweep-tps", "png");
    assert_int_equal(count_entries(dir, &hidden), 1 + 6 * 2);
    remove_dir(dir);

    /* Chosen metrics by name or column; an unknown one is refused. */
    dir = fixture_copy("sweep1", sweep_files);
    const char *params[] = {"max_wal_size"};
    const char *metrics[] = {"p99_latency", "fpi_share"};
    assert_int_equal(ws_plot_sweep(dir, "png", params, 1, metrics, 2, &err), WS_OK);
    assert_int_equal(count_entries(dir, &hidden), 3);
    check_signature(dir, "sweep-p99_latency_ms", "png");
    check_signature(dir, "sweep-fpi_share", "png");
    const char *nope[] = {"nope"};
    assert_int_equal(ws_plot_sweep(dir, "png", params, 1, nope, 1, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "sweep.csv:1: no metric 'nope'; the file has: tps"));
    const char *bad_param[] = {"shared_buffers"};
    assert_int_equal(ws_plot_sweep(dir, "png", bad_param, 1, NULL, 0, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "no column 'shared_buffers'"));
    const char *three[] = {"a", "b", "c"};
    assert_int_equal(ws_plot_sweep(dir, "png", three, 3, NULL, 0, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "3 parameters"));
    assert_int_equal(count_entries(dir, &hidden), 3); /* nothing added by the failures */
    remove_dir(dir);

    /* Two parameters: heatmaps. */
    dir = fixture_copy("sweep2", sweep_files);
    assert_int_equal(ws_plot_sweep(dir, "png", NULL, 0, NULL, 0, &err), WS_OK);
    check_signature(dir, "heatmap-p99_latency_ms", "png");
    check_signature(dir, "heatmap-checkpoints_req", "png");
    assert_int_equal(count_entries(dir, &hidden), 1 + 3);
    remove_dir(dir);
}

/* ------------------------------------------------------------------ */
/* Validation charts (tests/unit/data/plot/validation, make_fixture.py) */

static const char *const val_files[] = {"validation.json", "validation_timeline.csv", NULL};
static const char *const val_charts[] = {"validation_tps", "validation_latency", "validation"};

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* The fixture's file with every line for which `keep` is false replaced
 * by `edit(line)`: a way to break one thing in a copy. */
static void rewrite(const char *dir, const char *name, void (*edit)(int line, char *buf, size_t n))
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t n;
    unsigned char *text = slurp(path, &n);
    text[n] = '\0';
    char *out = malloc(n * 2 + 4096), *o = out;
    assert_non_null(out);
    int line = 1;
    for (char *p = (char *)text; *p; line++) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char buf[4096];
        assert_true(len < sizeof buf / 2);
        memcpy(buf, p, len);
        buf[len] = '\0';
        edit(line, buf, sizeof buf);
        o += sprintf(o, "%s\n", buf);
        p += len + (nl ? 1 : 0);
    }
    *o = '\0';
    write_text(dir, name, out);
    free(out);
    free(text);
}

static void test_validation_every_chart(void **state)
{
    (void)state;
    char *dir = fixture_copy("validation", val_files);
    ws_diag err;
    int rc = ws_plot_validation(dir, "png,svg,pdf", &err);
    if (rc != WS_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, WS_OK);
    static const char *const exts[] = {"png", "svg", "pdf"};
    for (size_t i = 0; i < 3; i++)
        for (int e = 0; e < 3; e++)
            check_signature(dir, val_charts[i], exts[e]);
    int hidden;
    assert_int_equal(count_entries(dir, &hidden), 2 + 3 * 3);
    assert_int_equal(hidden, 0);

    /* A second render (into a second copy, formats in another order)
     * gives the same bytes. */
    char *again = fixture_copy("validation", val_files);
    assert_int_equal(ws_plot_validation(again, "pdf,png,svg", &err), WS_OK);
    for (size_t i = 0; i < 3; i++)
        for (int e = 0; e < 3; e++) {
            char pa[512], pb[512];
            snprintf(pa, sizeof pa, "%s/%s.%s", dir, val_charts[i], exts[e]);
            snprintf(pb, sizeof pb, "%s/%s.%s", again, val_charts[i], exts[e]);
            size_t na, nb;
            unsigned char *da = slurp(pa, &na), *db = slurp(pb, &nb);
            if (na != nb || memcmp(da, db, na) != 0) {
                print_error("%s.%s differs between two renders\n", val_charts[i], exts[e]);
                fail();
            }
            free(da);
            free(db);
        }
    remove_dir(again);
    remove_dir(dir);
}

/* The validation charts' time axis spans the fixture's 120 one-second
 * intervals over the single-column plot area. */
static int vx_of(double t)
{
    double left = WS_PLOT_MARGIN_LEFT, right = WS_PLOT_WIDTH - WS_PLOT_MARGIN_RIGHT;
    return (int)floor(left + t / 120.0 * (right - left));
}

/* The smallest and largest y of the pixels of colour c in column x; -1
 * when there is none. */
static void y_range(cairo_surface_t *img, int x, ws_plot_rgb c, int *top, int *bottom)
{
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    *top = *bottom = -1;
    for (int y = 0; y < cairo_image_surface_get_height(img); y++)
        if (pixel_is(data, stride, x, y, c)) {
            if (*top < 0)
                *top = y;
            *bottom = y;
        }
}

static cairo_surface_t *load_png(const char *dir, const char *chart)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.png", dir, chart);
    cairo_surface_t *img = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    cairo_surface_flush(img);
    return img;
}

static void test_validation_colours(void **state)
{
    (void)state;
    char *dir = fixture_copy("validation", val_files);
    ws_diag err;
    assert_int_equal(ws_plot_validation(dir, "png", &err), WS_OK);
    /* Measured in Okabe-Ito blue, simulated in vermillion (plot.h,
     * docs/charts.md).  Chosen columns are away from the legend's
     * swatches (at its left end), the grid lines (every 15 s) and the
     * caption values (right-aligned). */
    const ws_plot_rgb meas = WS_OI_BLUE, sim = WS_OI_VERMILLION;
    int mt, mb, st, sb;

    /* tps.  In [20, 30) measured is 1000 and simulated 1500, below
     * both sides' whole-window lines (1100, 1450) or level with them:
     * the lowest measured pixel is below every simulated one. */
    cairo_surface_t *img = load_png(dir, "validation_tps");
    y_range(img, vx_of(25.5), meas, &mt, &mb);
    y_range(img, vx_of(25.5), sim, &st, &sb);
    if (mt < 0 || st < 0 || !(mb > sb)) {
        print_error("tps at 25.5 s: measured y %d..%d, simulated y %d..%d\n", mt, mb, st, sb);
        fail();
    }
    /* In [60, 70) measured 1800 is above everything simulated (1200 and
     * the 1450 line). */
    y_range(img, vx_of(65.5), meas, &mt, &mb);
    y_range(img, vx_of(65.5), sim, &st, &sb);
    if (mt < 0 || st < 0 || !(mt < st)) {
        print_error("tps at 65.5 s: measured y %d..%d, simulated y %d..%d\n", mt, mb, st, sb);
        fail();
    }
    cairo_surface_destroy(img);

    /* latency: p99 above, p50 below.  In [20, 30) measured p99 15 ms is
     * the highest value of either side in the p99 panel (whole window 8
     * and 6), and simulated p50 3 ms the lowest in the p50 panel (whole
     * window 4.2 and 3.1); in [60, 70) the other way round (p99 4 and 9,
     * p50 2 and 3.5). */
    img = load_png(dir, "validation_latency");
    y_range(img, vx_of(25.5), meas, &mt, &mb);
    y_range(img, vx_of(25.5), sim, &st, &sb);
    if (mt < 0 || st < 0 || !(mt < st) || !(sb > mb)) {
        print_error("latency at 25.5 s: measured y %d..%d, simulated y %d..%d\n", mt, mb, st, sb);
        fail();
    }
    y_range(img, vx_of(65.5), meas, &mt, &mb);
    y_range(img, vx_of(65.5), sim, &st, &sb);
    if (mt < 0 || st < 0 || !(st < mt) || !(mb > sb)) {
        print_error("latency at 65.5 s: measured y %d..%d, simulated y %d..%d\n", mt, mb, st, sb);
        fail();
    }

    /* Phases, in two strips with the measured one above.  At 41.5 s
     * measured syncs and simulated writes; at 46.5 s simulated syncs and
     * measured is idle; at 5.5 s neither checkpoints.  A strip is 20 px
     * high less its frame. */
    int sy41t, sy41b, wy41t, wy41b, sy46t, sy46b;
    y_range(img, vx_of(41.5), WS_PLOT_SYNC_SHADE, &sy41t, &sy41b);
    y_range(img, vx_of(41.5), WS_PLOT_WRITE_SHADE, &wy41t, &wy41b);
    y_range(img, vx_of(46.5), WS_PLOT_SYNC_SHADE, &sy46t, &sy46b);
    assert_true(count_in_column(img, vx_of(41.5), WS_PLOT_SYNC_SHADE) >= 15);
    assert_true(count_in_column(img, vx_of(41.5), WS_PLOT_WRITE_SHADE) >= 15);
    assert_true(sy41b < wy41t); /* measured's sync strip above simulated's write */
    assert_true(count_in_column(img, vx_of(46.5), WS_PLOT_SYNC_SHADE) >= 15);
    assert_true(count_in_column(img, vx_of(46.5), WS_PLOT_WRITE_SHADE) < 3);
    assert_true(sy46t > sy41b); /* simulated's strip is the lower one */
    assert_true(count_in_column(img, vx_of(5.5), WS_PLOT_SYNC_SHADE) < 3);
    assert_true(count_in_column(img, vx_of(5.5), WS_PLOT_WRITE_SHADE) < 3);
    cairo_surface_destroy(img);
    remove_dir(dir);
}

/* A validation without a pgbench log has no measured tps or latency
 * (tests/cli/test_validate.sh's self-validation): charts, not an error. */
static void blank_measured(int line, char *buf, size_t n)
{
    if (line == 1)
        return;
    /* t_s,meas_tps,sim_tps,meas_mean,sim_mean,meas_p50,sim_p50,meas_p99,sim_p99,mph,sph */
    char *f[16];
    int k = 0;
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", buf);
    /* Split on every comma (empty fields kept, unlike strtok). */
    for (char *p = copy; k < 16;) {
        f[k++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    assert_int_equal(k, 11);
    snprintf(buf, n, "%s,,%s,,%s,,%s,,%s,%s,%s", f[0], f[2], f[4], f[6], f[8], f[9], f[10]);
}

static void bad_phase(int line, char *buf, size_t n)
{
    if (line == 5)
        snprintf(buf, n, "3,1000,1500,4,3,4,3,15,5,flush,idle");
}

static void negative_tps(int line, char *buf, size_t n)
{
    if (line == 7)
        snprintf(buf, n, "5,-3,1500,4,3,4,3,15,5,idle,idle");
}

static void no_interval(int line, char *buf, size_t n)
{
    char *p = strstr(buf, ", \"interval_s\": 1");
    if (line == 4 && p)
        snprintf(p, n - (size_t)(p - buf), "},"); /* the line ended "interval_s": 1}, */
}

static void test_validation_missing_side(void **state)
{
    (void)state;
    char *dir = fixture_copy("validation", val_files);
    rewrite(dir, "validation_timeline.csv", blank_measured);
    ws_diag err;
    int rc = ws_plot_validation(dir, "png", &err);
    if (rc != WS_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, WS_OK);
    cairo_surface_t *img = load_png(dir, "validation_tps");
    /* No measured line: the column holds no measured-blue pixel (the
     * strip labels and the caption text are elsewhere); simulated is
     * drawn. */
    assert_int_equal(count_in_column(img, vx_of(25.5), WS_OI_BLUE), 0);
    assert_true(count_in_column(img, vx_of(25.5), WS_OI_VERMILLION) > 0);
    cairo_surface_destroy(img);
    remove_dir(dir);
}

static void expect_broken(void (*edit)(int, char *, size_t), const char *file, int code,
                          const char *needle)
{
    char *dir = fixture_copy("validation", val_files);
    if (edit)
        rewrite(dir, file, edit);
    else {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, file);
        assert_int_equal(unlink(p), 0);
    }
    ws_diag err;
    assert_int_equal(ws_plot_validation(dir, "png,svg", &err), code);
    if (!strstr(err.msg, needle)) {
        print_error("message '%s' lacks '%s'\n", err.msg, needle);
        fail();
    }
    int hidden;
    assert_int_equal(count_entries(dir, &hidden), edit ? 2 : 1); /* no chart, no temporary */
    assert_int_equal(hidden, 0);
    remove_dir(dir);
}

static void test_validation_broken(void **state)
{
    (void)state;
    expect_broken(bad_phase, "validation_timeline.csv", WS_EINPUT,
                  "validation_timeline.csv:5: column 'meas_ckpt_phase': 'flush' is not a "
                  "checkpoint phase");
    expect_broken(negative_tps, "validation_timeline.csv", WS_EINPUT,
                  "validation_timeline.csv:7: column 'meas_tps': -3 is negative");
    expect_broken(no_interval, "validation.json", WS_EINPUT,
                  "validation.json:4: scenario.interval_s: missing");
    expect_broken(NULL, "validation_timeline.csv", WS_EIO, "validation_timeline.csv: cannot open");
    /* A bad format is refused before anything is read. */
    char *dir = fixture_copy("validation", val_files);
    ws_diag err;
    assert_int_equal(ws_plot_validation(dir, "png,bmp", &err), WS_EINPUT);
    int hidden;
    assert_int_equal(count_entries(dir, &hidden), 2);
    remove_dir(dir);
}

/* ------------------------------------------------------------------ */
/* Measurement windows (summary.json schema 2; make_fixture.py WINDOWS):
 * default's window starts at 60 s, optimized's at 120 s (OVERLOADED,
 * 0 checkpoint cycles), pg-default's at 150 s (cold start). */

/* Within `tol` of colour c in every channel. */
static bool pixel_near(const unsigned char *data, int stride, int x, int y, ws_plot_rgb c, int tol)
{
    uint32_t px = *(const uint32_t *)(data + (size_t)y * (size_t)stride + (size_t)x * 4);
    int r = (px >> 16) & 255, g = (px >> 8) & 255, b = px & 255;
    return abs(r - (int)lround(c.r * 255)) <= tol && abs(g - (int)lround(c.g * 255)) <= tol &&
           abs(b - (int)lround(c.b * 255)) <= tol;
}

static int count_near_in_column(cairo_surface_t *img, int x, ws_plot_rgb c, int tol)
{
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img), n = 0;
    for (int y = 0; y < cairo_image_surface_get_height(img); y++)
        n += pixel_near(data, stride, x, y, c, tol);
    return n;
}

/* The bounding box of the pixels of colour c in rows y0..y1 (all rows:
 * 0, -1); n 0 when there are none. */
typedef struct box {
    int n, x0, y0, x1, y1;
} box;

static box bbox_of(cairo_surface_t *img, ws_plot_rgb c, int y0, int y1)
{
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    box b = {0, w, h, -1, -1};
    if (y1 < 0)
        y1 = h - 1;
    for (int y = y0; y <= y1; y++)
        for (int x = 0; x < w; x++)
            if (pixel_is(data, stride, x, y, c)) {
                b.n++;
                b.x0 = x < b.x0 ? x : b.x0;
                b.x1 = x > b.x1 ? x : b.x1;
                b.y0 = y < b.y0 ? y : b.y0;
                b.y1 = y > b.y1 ? y : b.y1;
            }
    return b;
}

/* The rows of the horizontal frame edges of the stacked panels: at a
 * column just inside the plot areas, the pixels in the frame's colour
 * (tick marks are outside the frame, grid lines lighter).  Returns how
 * many edges were found (two per panel). */
static int frame_rows(cairo_surface_t *img, int *rows, int max)
{
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img), n = 0;
    for (int y = 0; y < cairo_image_surface_get_height(img) && n < max; y++)
        if (pixel_is(data, stride, WS_PLOT_MARGIN_LEFT + 3, y, WS_PLOT_AXIS))
            rows[n++] = y;
    return n;
}

static void test_warmup_and_tags(void **state)
{
    (void)state;
    char *dir = fixture_copy("run", run_files);
    ws_diag err;
    int rc = ws_plot_dir(dir, "png", &err);
    if (rc != WS_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, WS_OK);
    cairo_surface_t *img = load_png(dir, "latency");
    int edges[16];
    assert_int_equal(frame_rows(img, edges, 16), 6); /* three panels, top and bottom */

    /* The warm-up shade (over white: WS_PLOT_WARMUP_SHADE within
     * rounding).  At 100 s optimized (from 120 s) and pg-default (from
     * 150 s) are warming up, neither checkpointing: two panels' worth of
     * the shade, less grid and data lines; default's window has begun
     * (and it is idle): its panel is not shaded there.  At 310 s every
     * window has begun: no shade (not on a grid line, the legend's swatch
     * is elsewhere). */
    int at100 = count_near_in_column(img, x_of(100), WS_PLOT_WARMUP_SHADE, 2);
    if (at100 < 250) {
        print_error("at 100 s: %d warm-up pixels\n", at100);
        fail();
    }
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    int in_default = 0;
    for (int y = edges[0] + 2; y < edges[1] - 1; y++)
        in_default += pixel_near(data, stride, x_of(100), y, WS_PLOT_WARMUP_SHADE, 2);
    assert_true(in_default < 5);
    int at310 = count_near_in_column(img, x_of(310), WS_PLOT_WARMUP_SHADE, 2);
    if (at310 > 5) {
        print_error("at 310 s: %d warm-up pixels\n", at310);
        fail();
    }
    /* At 30 s default is in its warm-up too (idle). */
    int d30 = 0;
    for (int y = edges[0] + 2; y < edges[1] - 1; y++)
        d30 += pixel_near(data, stride, x_of(30), y, WS_PLOT_WARMUP_SHADE, 2);
    assert_true(d30 > 100);

    /* The OVERLOADED tag: alarm red, in the caption row of optimized (the
     * second panel), right of its name, one line high and wide enough for
     * "OVERLOADED (offered 8000/s, completed ...)". */
    box red = bbox_of(img, WS_PLOT_ALARM, 0, -1);
    if (red.n < 1000 || red.y0 < edges[1] || red.y1 > edges[2] ||
        red.x0 < WS_PLOT_MARGIN_LEFT + 60 || red.x1 - red.x0 < 300 || red.y1 - red.y0 > 30) {
        print_error("alarm red: %d px in %d,%d..%d,%d; panels %d..%d, %d..%d\n", red.n, red.x0,
                    red.y0, red.x1, red.y1, edges[0], edges[1], edges[2], edges[3]);
        fail();
    }
    /* Caution tags (too few checkpoint cycles; cold start) in the second
     * and third captions, none above the first panel. */
    box c1 = bbox_of(img, WS_PLOT_CAUTION_FILL, 0, edges[0]);
    box c2 = bbox_of(img, WS_PLOT_CAUTION_FILL, edges[1], edges[2]);
    box c3 = bbox_of(img, WS_PLOT_CAUTION_FILL, edges[3], edges[4]);
    assert_int_equal(c1.n, 0);
    assert_true(c2.n > 500 && c2.x0 > red.x1);
    assert_true(c3.n > 300);
    cairo_surface_destroy(img);

    /* The CDF's legend carries the tags too. */
    img = load_png(dir, "latency_cdf");
    assert_true(bbox_of(img, WS_PLOT_ALARM, 0, -1).n > 1000);
    cairo_surface_destroy(img);
    remove_dir(dir);

    /* A schema 1 folder (no window, no warnings) is drawn as before: no
     * shade, no tag. */
    dir = fixture_copy_v1();
    assert_int_equal(ws_plot_dir(dir, "png", &err), WS_OK);
    static const char *const some[] = {"latency", "throughput", "overview", "latency_cdf"};
    for (size_t i = 0; i < sizeof some / sizeof some[0]; i++) {
        img = load_png(dir, some[i]);
        assert_int_equal(bbox_of(img, WS_PLOT_ALARM, 0, -1).n, 0);
        assert_int_equal(bbox_of(img, WS_PLOT_CAUTION_FILL, 0, -1).n, 0);
        if (i < 2)
            assert_true(count_near_in_column(img, x_of(100), WS_PLOT_WARMUP_SHADE, 2) < 5);
        cairo_surface_destroy(img);
    }
    remove_dir(dir);
}

static void bad_warning(int line, char *buf, size_t n)
{
    (void)line;
    char *p = strstr(buf, "\"warnings\": [\"cold start");
    if (p) {
        char rest[4096];
        snprintf(rest, sizeof rest, "%s", p + strlen("\"warnings\": ["));
        snprintf(p, n - (size_t)(p - buf), "\"warnings\": [42, %s", rest);
    }
}

static void bad_window(int line, char *buf, size_t n)
{
    (void)line;
    char *p = strstr(buf, "\"window\": {\"start_s\": 150,");
    if (p) {
        char rest[4096];
        snprintf(rest, sizeof rest, "%s", p + strlen("\"window\": {\"start_s\": 150,"));
        snprintf(p, n - (size_t)(p - buf), "\"window\": {\"start_s\": \"late\",%s", rest);
    }
}

static void test_window_broken(void **state)
{
    (void)state;
    struct {
        void (*edit)(int, char *, size_t);
        const char *needle;
    } cases[] = {
        {bad_warning, "warnings[0]: a number, expected a string (variant pg-default)"},
        {bad_window, "start_s: expected a number, found a string (variant pg-default)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *dir = fixture_copy("run", run_files);
        rewrite(dir, "summary.json", cases[i].edit);
        ws_diag err;
        assert_int_equal(ws_plot_dir(dir, "png", &err), WS_EINPUT);
        if (!strstr(err.msg, cases[i].needle) || !strstr(err.msg, "summary.json:")) {
            print_error("message '%s' lacks '%s'\n", err.msg, cases[i].needle);
            fail();
        }
        int hidden;
        assert_int_equal(count_entries(dir, &hidden), 4);
        remove_dir(dir);
    }
}

/* sweep3's x axis: max_wal_size 1GB..64GB on a log axis padded by
 * 64^0.05 either side (sweep_charts.c grid_axis) over the plot area. */
static double sx_of(double gib)
{
    double pad = pow(64, 0.05), lo = log(1 / pad), hi = log(64 * pad);
    double left = WS_PLOT_MARGIN_LEFT, right = WS_PLOT_WIDTH - WS_PLOT_MARGIN_RIGHT;
    return left + (log(gib) - lo) / (hi - lo) * (right - left);
}

static int max_count_in(cairo_surface_t *img, int x0, int x1, ws_plot_rgb c)
{
    int best = 0;
    for (int x = x0; x <= x1; x++) {
        int n = count_in_column(img, x, c);
        best = n > best ? n : best;
    }
    return best;
}

static void test_sweep_intervals(void **state)
{
    (void)state;
    static const char *const sweep_files[] = {"sweep.csv", NULL};
    ws_diag err;
    int hidden;
    /* The interval columns are drawn as error bars, not charted alone. */
    char *dir = fixture_copy("sweep3", sweep_files);
    int rc = ws_plot_sweep(dir, "png", NULL, 0, NULL, 0, &err);
    if (rc != WS_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, WS_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/sweep-tps_lo.png", dir);
    assert_int_equal(access(path, F_OK), -1);
    /* tps, p50, p99, checkpoints_req and the 7 window columns less the 6
     * bounds: 10 charts. */
    assert_int_equal(count_entries(dir, &hidden), 1 + 10);

    /* With error bars the variants are set 16 px apart: default's points
     * at -8 px, its two runs' bars 3 px either side of that.  At 64GB its
     * tps interval is about +-9 %: a bar some 90 px long in default's
     * blue at -11 px. */
    cairo_surface_t *img = load_png(dir, "sweep-tps");
    double cx = sx_of(64);
    int bar = max_count_in(img, (int)floor(cx) - 13, (int)floor(cx) - 9, WS_OI_BLUE);
    if (bar < 60) {
        print_error("64GB: %d blue pixels in the error bar's columns\n", bar);
        fail();
    }
    /* open-2000 is overloaded at 1GB: a hollow marker (white inside its
     * vermillion ring) at +8 px; no error bar there. */
    int mx = (int)floor(sx_of(1) + 8), top, bottom;
    y_range(img, mx, WS_OI_VERMILLION, &top, &bottom);
    assert_true(top > 0 && bottom - top >= 9 && bottom - top <= 16);
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    assert_true(pixel_is(data, stride, mx, (top + bottom) / 2, (ws_plot_rgb){1, 1, 1}));
    cairo_surface_destroy(img);
    remove_dir(dir);

    /* The same place in sweep1 (no interval columns): no bar, only the
     * line crossing the column. */
    dir = fixture_copy("sweep1", sweep_files);
    const char *tps[] = {"tps"};
    assert_int_equal(ws_plot_sweep(dir, "png", NULL, 0, tps, 1, &err), WS_OK);
    img = load_png(dir, "sweep-tps");
    assert_true(max_count_in(img, (int)floor(cx) - 13, (int)floor(cx) - 9, WS_OI_BLUE) < 10);
    cairo_surface_destroy(img);
    remove_dir(dir);

    /* Heatmap: the overloaded cells (max_wal_size 1GB, the first column)
     * are framed in red and tagged; the others not. */
    dir = fixture_copy("sweep4", sweep_files);
    const char *p99[] = {"p99_latency"};
    assert_int_equal(ws_plot_sweep(dir, "png", NULL, 0, p99, 1, &err), WS_OK);
    img = load_png(dir, "heatmap-p99_latency_ms");
    /* One panel from the left margin to the colour bar (26 + 40 + 110
     * px from the right margin), four columns. */
    double cw = (WS_PLOT_WIDTH - WS_PLOT_MARGIN_RIGHT - 176.0 - WS_PLOT_MARGIN_LEFT) / 4;
    int in_1gb = count_in_column(img, (int)(WS_PLOT_MARGIN_LEFT + cw / 2), WS_PLOT_ALARM);
    int in_4gb = count_in_column(img, (int)(WS_PLOT_MARGIN_LEFT + 1.5 * cw), WS_PLOT_ALARM);
    if (in_1gb < 30 || in_4gb != 0) {
        print_error("alarm red: %d px in the 1GB column, %d in the 4GB one\n", in_1gb, in_4gb);
        fail();
    }
    cairo_surface_destroy(img);
    remove_dir(dir);
}


/* ------------------------------------------------------------------ */
/* device.png: the IOPS column */

/* The fixture as a walsim with I/O counts writes it: every row reads 500
 * and writes 2000 I/Os per second, the disk an aws-gp3 (3000 IOPS). */
static void add_iops(int line, char *buf, size_t n)
{
    size_t len = strlen(buf);
    snprintf(buf + len, n - len, "%s", line == 1 ? ",dev_read_iops,dev_write_iops" : ",500,2000");
}

static void add_device(int line, char *buf, size_t n)
{
    (void)line;
    if (strncmp(buf, "      \"limits\":", 15) != 0)
        return;
    char rest[2048];
    snprintf(rest, sizeof rest, "%s", buf);
    snprintf(buf, n,
             "      \"device\": {\"preset\": \"aws-gp3\", \"write_bandwidth_bytes_per_s\": 131072000, "
             "\"read_bandwidth_bytes_per_s\": 131072000, \"write_iops\": 3000, \"read_iops\": 3000, "
             "\"io_unit_bytes\": 262144, \"burst_iops\": 0},\n%s",
             rest);
}

static const ws_plot_rgb IOPS_WRITES = {0.62, 0.62, 0.62};

/* x inside the middle (IOPS) column of device.png: charts.c
 * three_columns puts it from about 761 to 1231 px. */
#define IOPS_X 1000

static void test_device_iops(void **state)
{
    (void)state;
    /* With the columns: the IOPS column has the reads (sky) and the
     * writes (grey) stacked, in each of the three panels. */
    char *dir = fixture_copy("run", run_files);
    rewrite(dir, "timeline.csv", add_iops);
    rewrite(dir, "summary.json", add_device);
    ws_diag err;
    assert_int_equal(ws_plot_dir(dir, "png", &err), WS_OK);
    cairo_surface_t *img = load_png(dir, "device");
    int grey = count_in_column(img, IOPS_X, IOPS_WRITES);
    int sky = count_in_column(img, IOPS_X, WS_OI_SKY);
    print_message("with I/O counts: %d write pixels, %d read pixels at x %d\n", grey, sky, IOPS_X);
    /* 2000 of an axis to about 3150 in three panels of about 150 px
     * (less grid lines and the window's start line) */
    assert_true(grey >= 3 * 60);
    /* reads: 500 of 3150, a sixth of each panel */
    assert_true(sky >= 3 * 15);
    assert_true(grey > 3 * sky);
    cairo_surface_destroy(img);
    if (getenv("WALSIM_KEEP_PLOT")) {
        print_message("kept %s\n", dir);
        free(dir);
    } else {
        remove_dir(dir);
    }

    /* An older folder (the fixture as it is): drawn, and its IOPS column
     * has no data (it says "no I/O counts in this run"). */
    dir = fixture_copy("run", run_files);
    assert_int_equal(ws_plot_dir(dir, "png", &err), WS_OK);
    img = load_png(dir, "device");
    grey = count_in_column(img, IOPS_X, IOPS_WRITES);
    sky = count_in_column(img, IOPS_X, WS_OI_SKY);
    print_message("without: %d write pixels, %d read pixels at x %d\n", grey, sky, IOPS_X);
    assert_true(grey < 10);
    assert_true(sky < 10);
    cairo_surface_destroy(img);
    remove_dir(dir);
}


/* ------------------------------------------------------------------ */
/* Throughput bursts: a few intervals far above their neighbours (an
 * overloaded variant releasing its backlog) run off the top of the axis
 * instead of setting it; a load that stays high is no burst. */

/* The fixture's tps times `factor` in default's intervals for which
 * `pick(t)` holds. */
static double burst_factor;
static bool (*burst_pick)(long t);

static void scale_tps(int line, char *buf, size_t n)
{
    if (line == 1 || strncmp(buf, "default,", 8) != 0)
        return;
    char *t = buf + 8, *tps = strchr(t, ',');
    assert_non_null(tps);
    tps++;
    char *rest = strchr(tps, ',');
    assert_non_null(rest);
    if (!burst_pick(strtol(t, NULL, 10)))
        return;
    char tail[4096];
    snprintf(tail, sizeof tail, "%s", rest);
    snprintf(tps, n - (size_t)(tps - buf), "%.9g%s", strtod(tps, NULL) * burst_factor, tail);
}

static bool three_seconds(long t) { return t == 100 || t == 250 || t == 400; }
static bool a_minute(long t) { return t >= 200 && t < 260; }

/* The topmost pixel of the tps line (the blue of the first panel, the
 * default variant's) within 2 columns of t seconds, within a small
 * tolerance of its colour (a one-second spike is a few pixels wide and
 * antialiased); -1 if none. */
static int tps_line_top(const char *dir, double t)
{
    cairo_surface_t *img = load_png(dir, "throughput");
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img), best = -1;
    for (int y = 0; y < cairo_image_surface_get_height(img) && best < 0; y++)
        for (int x = x_of(t) - 2; x <= x_of(t) + 2; x++)
            if (pixel_near(data, stride, x, y, WS_OI_BLUE, 40)) {
                best = y;
                break;
            }
    cairo_surface_destroy(img);
    return best;
}

static void test_throughput_bursts(void **state)
{
    (void)state;
    ws_diag err;
    char *plain = fixture_copy("run", run_files);
    assert_int_equal(ws_plot_dir(plain, "png", &err), WS_OK);
    int y_plain = tps_line_top(plain, 320.5);

    /* Three one-second bursts of 40 times the rate: the line elsewhere
     * stays where it was (the axis ignores them), and they reach the top
     * of the frame. */
    burst_factor = 40;
    burst_pick = three_seconds;
    char *bursts = fixture_copy("run", run_files);
    rewrite(bursts, "timeline.csv", scale_tps);
    assert_int_equal(ws_plot_dir(bursts, "png", &err), WS_OK);
    int y_bursts = tps_line_top(bursts, 320.5);
    int y_spike = tps_line_top(bursts, 100.5);
    print_message("tps line at 320 s: y %d plain, %d with bursts; at the burst: %d\n", y_plain,
                  y_bursts, y_spike);
    assert_true(y_plain > 0 && y_bursts > 0);
    assert_true(abs(y_bursts - y_plain) <= 3);
    assert_true(y_spike >= 0 && y_spike < y_plain - 20);

    /* A minute at 4 times the rate is load, not a burst: the axis holds
     * it, so the line elsewhere sits lower than in the plain chart. */
    burst_factor = 4;
    burst_pick = a_minute;
    char *minute = fixture_copy("run", run_files);
    rewrite(minute, "timeline.csv", scale_tps);
    assert_int_equal(ws_plot_dir(minute, "png", &err), WS_OK);
    int y_minute = tps_line_top(minute, 320.5), y_high = tps_line_top(minute, 230.5);
    print_message("a minute at 4x: the line at 320 s y %d, at 230 s y %d\n", y_minute, y_high);
    assert_true(y_minute > y_plain + 20);
    assert_true(y_high >= 0 && y_high < y_minute - 20);
    remove_dir(plain);
    remove_dir(bursts);
    remove_dir(minute);
}

/* ------------------------------------------------------------------ */
/* A long timeline: read in chunks, decimated, extremes and gaps kept */

static void write_long_timeline(const char *dir, size_t rows)
{
    char path[512];
    snprintf(path, sizeof path, "%s/timeline.csv", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    static const char *const cols[] = {
        "variant", "t_s", "tps", "lat_mean_ms", "lat_p50_ms", "lat_p95_ms", "lat_p99_ms",
        "lat_p999_ms", "lat_max_ms", "ckpt_phase", "ckpt_started", "wal_bytes", "wal_fpi_bytes",
        "wal_rec_bytes", "wal_fpi", "pg_wal_bytes", "dirty_buffers", "os_dirty_bytes",
        "os_writeback_bytes", "buffers_checkpoint", "buffers_clean", "buffers_backend",
        "dev_read_bytes", "dev_wal_bytes", "dev_checkpoint_bytes", "dev_bgwriter_bytes",
        "dev_backend_bytes", "dev_writeback_bytes", "dev_util", "throttle_ms", "in_window",
        "dev_read_iops", "dev_write_iops"};
    enum { NC = sizeof cols / sizeof cols[0] };
    for (int c = 0; c < NC; c++)
        fprintf(f, "%s%s", c ? "," : "", cols[c]);
    fputc('\n', f);
    static const char *const vars[] = {"default", "optimized", "pg-default"};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < rows; i++) {
            bool gap = k == 0 && i == 20000;
            double p99 = 5 + (double)(i * 7919 % 101) / 100; /* noise, 5..6 ms */
            if (k == 1 && i == 31337)
                p99 = 500; /* one spike */
            for (int c = 0; c < NC; c++) {
                const char *n = cols[c];
                fputs(c ? "," : "", f);
                if (!strcmp(n, "variant"))
                    fputs(vars[k], f);
                else if (!strcmp(n, "t_s"))
                    fprintf(f, "%zu", i);
                else if (!strcmp(n, "ckpt_phase"))
                    fputs("idle", f);
                else if (!strcmp(n, "tps"))
                    fputs(gap ? "0" : "1000", f);
                else if (!strcmp(n, "lat_p99_ms"))
                    fprintf(f, "%.9g", p99);
                else if (!strcmp(n, "lat_max_ms"))
                    fprintf(f, "%.9g", p99 * 2);
                else if (!strcmp(n, "pg_wal_bytes"))
                    fprintf(f, "%zu", 1000000 + i * 10);
                else if (!strcmp(n, "dev_write_iops"))
                    fprintf(f, "%zu", 1000 + i % 997);
                else
                    fputs("1", f);
            }
            fputc('\n', f);
        }
    assert_int_equal(fclose(f), 0);
}

static void test_long_timeline(void **state)
{
    (void)state;
    enum { ROWS = 40000 }; /* 11 h of 1 s rows: decimated, and a worst hour */
    char *dir = fixture_copy_v1();
    write_long_timeline(dir, ROWS);
    plot_run r;
    ws_diag err;
    assert_int_equal(plot_run_load(dir, &r, &err), WS_OK);
    assert_int_equal(r.rows_read, 3 * ROWS);
    assert_true(r.has_iops);
    assert_true(r.t0 == 0 && r.t1 == ROWS);
    for (size_t k = 0; k < r.nv; k++) {
        const plot_variant *v = &r.v[k];
        print_message("%s: %zu of %d rows kept\n", v->name, v->n, ROWS);
        assert_true(v->decimated);
        assert_true(v->n < ROWS / 2 && v->n >= PLOT_BUCKETS);
        assert_true(v->dt == 1);
        assert_true(v->t[0] == 0 && v->t[v->n - 1] == ROWS - 1 && v->t_last == ROWS - 1);
        double mx = 0, mn = INFINITY, wmax = 0;
        bool gap = false, spike = false;
        for (size_t i = 0; i < v->n; i++) {
            assert_true(i == 0 || v->t[i] > v->t[i - 1]);
            mx = fmax(mx, v->col[PLOT_P99][i]);
            mn = fmin(mn, v->col[PLOT_P99][i]);
            wmax = fmax(wmax, v->col[PLOT_DEV_WRITE_IOPS][i]);
            gap = gap || (v->t[i] == 20000 && v->col[PLOT_TPS][i] == 0);
            spike = spike || (v->t[i] == 31337 && v->col[PLOT_P99][i] == 500);
        }
        /* every series' extremes are kept */
        assert_true(mn == 5);
        assert_true(wmax == 1996);
        assert_true(k == 1 ? mx == 500 && spike : mx == 6);
        assert_true(k != 0 || gap);
    }
    /* the worst hour: optimized's spike, its rows whole */
    assert_true(r.zoom);
    assert_int_equal(r.zoom_which, 1);
    assert_true(r.zoom_at <= 31337 && 31337 < r.zoom_at + PLOT_ZOOM_SPAN);
    for (size_t k = 0; k < r.nv; k++)
        assert_true(r.v[k].zn >= 3600 && r.v[k].zn <= 3606);
    plot_run_free(&r);
    /* and it draws, worst hour included */
    assert_int_equal(ws_plot_dir(dir, "png", &err), WS_OK);
    check_signature(dir, "worst-hour", "png");
    check_signature(dir, "device", "png");
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticks_plain),
        cmocka_unit_test(test_ticks_bytes),
        cmocka_unit_test(test_ticks_durations_percent),
        cmocka_unit_test(test_ticks_time),
        cmocka_unit_test(test_ticks_log),
        cmocka_unit_test(test_format_value),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_render_every_chart),
        cmocka_unit_test(test_render_deterministic),
        cmocka_unit_test(test_sync_phase_shaded),
        cmocka_unit_test(test_broken_folder),
        cmocka_unit_test(test_sweep_charts),
        cmocka_unit_test(test_validation_every_chart),
        cmocka_unit_test(test_validation_colours),
        cmocka_unit_test(test_validation_missing_side),
        cmocka_unit_test(test_validation_broken),
        cmocka_unit_test(test_warmup_and_tags),
        cmocka_unit_test(test_window_broken),
        cmocka_unit_test(test_sweep_intervals),
        cmocka_unit_test(test_device_iops),
        cmocka_unit_test(test_throughput_bursts),
        cmocka_unit_test(test_long_timeline),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ws_plot_shutdown();
    return failed;
}
