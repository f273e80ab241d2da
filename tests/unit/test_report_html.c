/*
 * test_report_html.c - the report generator and the folder comparison on
 * small hand-written summary.json files: every string escaped (HTML and
 * Markdown), a PNG inlined as a data: URI, an older summary without the
 * new fields still reported, a folder without summary.json refused; and
 * ws_diff: no change against itself, a change above the tolerance, intervals
 * that overlap or not, another scenario refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "walsim/diff.h"
#include "walsim/report_html.h"

static char root[64];

static const char *path(const char *rel)
{
    static char buf[8][256];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", root, rel);
    return buf[k];
}

static void put(const char *p, const char *text, size_t len)
{
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fwrite(text, 1, len, f);
    fclose(f);
}

static char *slurp(const char *p)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* A summary of two variants; `tps2` is the second variant's tps. */
static void summary(const char *dir, const char *sha, double tps2)
{
    char text[4096];
    int n = snprintf(
        text, sizeof text,
        "{\"schema_version\": 2, \"walsim_version\": \"0.1.0\",\n"
        " \"scenario\": {\"file\": \"x<y>.conf\", \"slug\": \"x\", \"name\": \"A <b>bold</b> & title\","
        " \"description\": \"why | * _ [link](http://e)\", \"sha256\": \"%s\"},\n"
        " \"reproduce\": {\"command\": \"walsim run 'x<y>.conf'\", \"seed\": 42},\n"
        " \"expectations\": [],\n"
        " \"variants\": {\n"
        "  \"ref\": {\"pg_version\": 15, \"seed\": 42, \"warnings\": [\"cold start: <now>\"],"
        "   \"tps\": 100, \"intervals\": {\"method\": \"time\", \"batches\": 10,"
        "   \"tps\": {\"est\": 100, \"lo\": 99, \"hi\": 101}},"
        "   \"latency_ms\": {\"p50\": 1, \"p99\": 2}, \"wal\": {\"bytes_per_tx\": 1000, \"fpi_share\": 0.5},"
        "   \"checkpoints\": {\"timed\": 2, \"requested\": 0}, \"pg_wal_peak_bytes\": 1073741824,"
        "   \"recovery\": {\"worst_case_s\": 10, \"redo_s\": 8, \"read_s\": 0, \"checkpoint_s\": 2},"
        "   \"relative\": null, \"config\": [{\"key\": \"postgres.max_wal_size\", \"value\": \"1GB\","
        "   \"source\": \"default (PostgreSQL 15)\", \"default\": true}]},\n"
        "  \"<img src=x onerror=alert(1)>\": {\"pg_version\": 15, \"seed\": 42, \"warnings\": [],"
        "   \"tps\": %g, \"intervals\": {\"method\": \"time\", \"batches\": 10,"
        "   \"tps\": {\"est\": %g, \"lo\": %g, \"hi\": %g}},"
        "   \"latency_ms\": {\"p50\": 1, \"p99\": 2}, \"wal\": {\"bytes_per_tx\": 1000, \"fpi_share\": 0.5},"
        "   \"checkpoints\": {\"timed\": 2, \"requested\": 0}, \"pg_wal_peak_bytes\": 1073741824,"
        "   \"recovery\": {\"worst_case_s\": 10},"
        "   \"relative\": {\"reference\": \"ref\", \"tps\": {\"ratio\": 1.5, \"lo\": 1.4, \"hi\": 1.6}},"
        "   \"config\": [{\"key\": \"postgres.max_wal_size\", \"value\": \"'<50GB>'\","
        "   \"source\": \"variant v (x<y>.conf:3)\", \"default\": false}]}\n"
        " },\n \"notes\": [\"<unmodelled>\"]}\n",
        sha, tps2, tps2, tps2 - 1, tps2 + 1);
    mkdir(dir, 0755);
    char p[300];
    snprintf(p, sizeof p, "%s/summary.json", dir);
    put(p, text, (size_t)n);
}

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/ws-test-report.XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    if (getenv("WS_TEST_KEEP"))
        return 0;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_escaped_and_inlined(void **state)
{
    (void)state;
    summary(path("a"), "abc", 150);
    static const char png[] = "\x89PNG\r\n\x1a\nfake-image-bytes";
    put(path("a/latency.png"), png, sizeof png - 1);
    ws_diag err;
    ws_diag_clear(&err);
    assert_int_equal(ws_rpt_write(path("a"), NULL, &err), WS_OK);
    char *h = slurp(path("a/report.html"));
    char *m = slurp(path("a/report.md"));
    assert_null(strstr(h, "<img src=x"));
    assert_non_null(strstr(h, "&lt;img src=x onerror=alert(1)&gt;"));
    assert_null(strstr(h, "<b>bold</b>"));
    assert_non_null(strstr(h, "A &lt;b&gt;bold&lt;/b&gt; &amp; title"));
    assert_non_null(strstr(h, "&lt;now&gt;"));          /* the warning */
    assert_non_null(strstr(h, "&#39;&lt;50GB&gt;&#39;")); /* a value */
    assert_non_null(strstr(h, "src=\"data:image/png;base64,iVBORw0KGgpmYWtl"));
    assert_null(strstr(h, "<script"));
    assert_non_null(strstr(m, "\\<img src=x onerror=alert(1)\\>"));
    assert_non_null(strstr(m, "why \\| \\* \\_ \\[link\\](http://e)"));
    assert_non_null(strstr(m, "](latency.png)"));
    free(h);
    free(m);
}

static void test_refused(void **state)
{
    (void)state;
    mkdir(path("empty"), 0755);
    ws_diag err;
    ws_diag_clear(&err);
    assert_int_equal(ws_rpt_write(path("empty"), NULL, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "summary.json"));
    assert_int_equal(access(path("empty/report.html"), F_OK), -1);
    put(path("empty/summary.json"), "{\"variants\": []}", 16);
    assert_int_equal(ws_rpt_write(path("empty"), NULL, &err), WS_EINPUT);
    assert_int_equal(access(path("empty/report.html"), F_OK), -1);
}

static void test_diff(void **state)
{
    (void)state;
    summary(path("d1"), "abc", 150);
    summary(path("d2"), "abc", 160);
    summary(path("d3"), "def", 150);
    ws_diff d;
    ws_diag err;
    ws_diag_clear(&err);
    assert_int_equal(ws_diff_dirs(path("d1"), path("d1"), 0, NULL, 0, &d, &err), WS_OK);
    assert_true(d.n > 0);
    assert_int_equal(d.n_exceed, 0);
    ws_diff_free(&d);

    const char *only_tps[] = {"tps"};
    assert_int_equal(ws_diff_dirs(path("d1"), path("d2"), 0.05, only_tps, 1, &d, &err), WS_OK);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.n_exceed, 1); /* 150 -> 160 is +6.7 % */
    assert_true(d.rows[0].have_ci && d.rows[0].overlap);
    assert_true(d.rows[1].have_ci && !d.rows[1].overlap); /* [149, 151] vs [159, 161] */
    assert_true(d.rows[1].change > 0.066 && d.rows[1].change < 0.067);
    ws_diff_free(&d);

    assert_int_equal(ws_diff_dirs(path("d1"), path("d3"), 0.05, NULL, 0, &d, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "same scenario"));
    const char *bad[] = {"nosuch"};
    assert_int_equal(ws_diff_dirs(path("d1"), path("d2"), 0.05, bad, 1, &d, &err), WS_EINPUT);
    assert_int_equal(ws_diff_dirs(path("d1"), path("nodir"), 0.05, NULL, 0, &d, &err), WS_EINPUT);

    double t;
    assert_int_equal(ws_diff_parse_tolerance("5%", &t, &err), WS_OK);
    assert_true(t > 0.0499 && t < 0.0501);
    assert_int_equal(ws_diff_parse_tolerance("0.1", &t, &err), WS_OK);
    assert_int_equal(ws_diff_parse_tolerance("lots", &t, &err), WS_EINPUT);
    assert_int_equal(ws_diff_parse_tolerance("-1%", &t, &err), WS_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_escaped_and_inlined),
                                       cmocka_unit_test(test_refused),
                                       cmocka_unit_test(test_diff)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
