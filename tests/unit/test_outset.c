/*
 * test_outset.c - output files and folders written as one transaction:
 * ws_outset (files renamed into place together) and ws_outdir (a staging
 * folder that replaces --out at once, a lock against a second writer,
 * stale staging folders removed, --out checked before any work).
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

#include "walsim/outdir.h"
#include "walsim/report.h"

static char root[256];

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/ws-test-outset.XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return ws_outdir_remove_tree(root);
}

static char *path(const char *rel)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", root, rel);
    return buf[k];
}

static void put(const char *file, const char *text)
{
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int exists(const char *file)
{
    struct stat st;
    return stat(file, &st) == 0;
}

static void read_back(const char *file, char *buf, size_t n)
{
    FILE *f = fopen(file, "r");
    assert_non_null(f);
    size_t got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
}

/* Writes NAME with TEXT into a new transaction on OUT and commits it. */
static void write_set(const char *out, const char *name, const char *text)
{
    ws_outdir *od = NULL;
    ws_diag err;
    ws_diag_clear(&err);
    assert_int_equal(ws_outdir_begin(out, &od, &err), WS_OK);
    ws_outset *o = ws_outset_new(ws_outdir_staging(od), &err);
    assert_non_null(o);
    FILE *f = ws_outset_open(o, name, &err);
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(ws_outset_commit(o, &err), WS_OK);
    assert_int_equal(ws_outdir_commit(od, &err), WS_OK);
}

static void test_new_folder_appears(void **state)
{
    (void)state;
    write_set(path("a"), "summary.json", "{}\n");
    char buf[64];
    read_back(path("a/summary.json"), buf, sizeof buf);
    assert_string_equal(buf, "{}\n");
    /* Only the lock file is left beside it. */
    assert_true(exists(path(".a.walsim-lock")));
    assert_false(exists(path("a/.summary.json.tmp")));
}

static void test_existing_folder_replaced_whole(void **state)
{
    (void)state;
    write_set(path("b"), "summary.json", "old\n");
    put(path("b/latency.png"), "old chart");
    write_set(path("b"), "summary.json", "new\n");
    char buf[64];
    read_back(path("b/summary.json"), buf, sizeof buf);
    assert_string_equal(buf, "new\n");
    assert_false(exists(path("b/latency.png"))); /* the old set is gone, not mixed in */
}

static void test_abort_leaves_old_folder(void **state)
{
    (void)state;
    write_set(path("c"), "summary.json", "old\n");
    ws_outdir *od = NULL;
    ws_diag err;
    ws_diag_clear(&err);
    assert_int_equal(ws_outdir_begin(path("c"), &od, &err), WS_OK);
    char stage[512];
    snprintf(stage, sizeof stage, "%s", ws_outdir_staging(od));
    assert_true(exists(stage));
    ws_outset *o = ws_outset_new(stage, &err);
    FILE *f = ws_outset_open(o, "summary.json", &err);
    fputs("new\n", f);
    ws_outset_abort(o);
    ws_outdir_abort(od);
    assert_false(exists(stage));
    char buf[64];
    read_back(path("c/summary.json"), buf, sizeof buf);
    assert_string_equal(buf, "old\n");
}

static void test_second_writer_refused(void **state)
{
    (void)state;
    ws_outdir *a = NULL, *b = NULL;
    ws_diag err;
    ws_diag_clear(&err);
    assert_int_equal(ws_outdir_begin(path("d"), &a, &err), WS_OK);
    assert_int_equal(ws_outdir_begin(path("d"), &b, &err), WS_EINPUT);
    assert_null(b);
    assert_non_null(strstr(err.msg, "another walsim is writing this folder"));
    ws_outdir_abort(a);
    assert_int_equal(ws_outdir_begin(path("d"), &b, &err), WS_OK); /* free again */
    ws_outdir_abort(b);
}

static void test_lock_only(void **state)
{
    (void)state;
    ws_outdir *a = NULL, *b = NULL;
    ws_diag err;
    ws_diag_clear(&err);
    /* The same lock as a transaction's. */
    assert_int_equal(ws_outdir_lock(path("l"), &a, &err), WS_OK);
    assert_null(ws_outdir_staging(a));
    assert_int_equal(ws_outdir_begin(path("l"), &b, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "another walsim is writing this folder"));
    ws_outdir_abort(a);
    /* A folder of any content: the lock neither checks nor replaces it. */
    assert_int_equal(mkdir(path("l"), 0777), 0);
    put(path("l/notes.txt"), "mine");
    assert_int_equal(ws_outdir_lock(path("l"), &a, &err), WS_OK);
    ws_outdir_abort(a);
    assert_true(exists(path("l/notes.txt")));
}

static void test_stale_staging_removed(void **state)
{
    (void)state;
    assert_int_equal(mkdir(path(".e.walsim-stage.999999999"), 0777), 0);
    put(path(".e.walsim-stage.999999999/summary.json"), "half");
    assert_int_equal(mkdir(path(".e.walsim-stage.notapid"), 0777), 0);
    write_set(path("e"), "summary.json", "{}\n");
    assert_false(exists(path(".e.walsim-stage.999999999")));
    assert_true(exists(path(".e.walsim-stage.notapid"))); /* not ours: kept */
}

static void test_out_checked(void **state)
{
    (void)state;
    ws_outdir *od = NULL;
    ws_diag err;
    ws_diag_clear(&err);
    assert_int_equal(ws_outdir_begin("", &od, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "--out: empty folder name"));
    put(path("file"), "x");
    assert_int_equal(ws_outdir_begin(path("file"), &od, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "exists and is not a folder"));
    assert_int_equal(ws_outdir_begin(path("file/sub"), &od, &err), WS_EINPUT);
    /* A folder walsim did not write is not replaced. */
    assert_int_equal(mkdir(path("foreign"), 0777), 0);
    put(path("foreign/notes.txt"), "mine");
    assert_int_equal(ws_outdir_begin(path("foreign"), &od, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "not a walsim output folder"));
    put(path("foreign/summary.json"), "{}");
    assert_int_equal(mkdir(path("foreign/sub"), 0777), 0);
    assert_int_equal(ws_outdir_begin(path("foreign"), &od, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "subfolder 'sub'"));
    assert_null(od);
    /* Missing parents are created; a trailing slash is fine. */
    assert_int_equal(ws_outdir_begin(path("p/q/r/"), &od, &err), WS_OK);
    ws_outdir_abort(od);
    assert_true(exists(path("p/q")));
    assert_false(exists(path("p/q/r")));
}

static void test_explain_names_out(void **state)
{
    (void)state;
    ws_outdir *od = NULL;
    ws_diag err;
    ws_diag_clear(&err);
    assert_int_equal(ws_outdir_begin(path("f"), &od, &err), WS_OK);
    ws_diag_set(&err, NULL, 0, "%s/latency.png: write failed: No space left on device",
                ws_outdir_staging(od));
    ws_outdir_explain(od, &err);
    char want[600];
    snprintf(want, sizeof want,
             "%s/latency.png: write failed: No space left on device; %s was left as it was",
             path("f"), path("f"));
    assert_string_equal(err.msg, want);
    ws_outdir_abort(od);
}

static void test_outset_write_error_named(void **state)
{
    (void)state;
    /* /dev/full: every write fails with ENOSPC, as on a full disk. */
    if (!exists("/dev/full"))
        skip();
    ws_diag err;
    ws_diag_clear(&err);
    ws_outset *o = ws_outset_new(root, &err);
    FILE *f = ws_outset_open(o, "g.csv", &err);
    assert_non_null(f);
    /* Swap the stream's descriptor for /dev/full. */
    FILE *full = freopen("/dev/full", "w", f);
    assert_non_null(full);
    fputs("a,b\n", full);
    assert_int_equal(ws_outset_commit(o, &err), WS_EIO);
    assert_non_null(strstr(err.msg, "g.csv: write failed: No space left on device"));
    assert_false(exists(path("g.csv")));
}

static void test_stale_tmp_files_removed(void **state)
{
    (void)state;
    assert_int_equal(mkdir(path("h"), 0777), 0);
    put(path("h/.latency.png.tmp.999999999"), "half");    /* no such process */
    char mine[64];
    snprintf(mine, sizeof mine, "h/.wal.png.tmp.%ld", (long)getppid()); /* alive */
    put(path(mine), "a live writer's");
    put(path("h/.notes.tmp.txt"), "not ours");
    ws_diag err;
    ws_outset *o = ws_outset_new(path("h"), &err);
    assert_non_null(o);
    ws_outset_abort(o);
    assert_false(exists(path("h/.latency.png.tmp.999999999")));
    assert_true(exists(path(mine)));
    assert_true(exists(path("h/.notes.tmp.txt")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_folder_appears),
        cmocka_unit_test(test_existing_folder_replaced_whole),
        cmocka_unit_test(test_abort_leaves_old_folder),
        cmocka_unit_test(test_second_writer_refused),
        cmocka_unit_test(test_stale_staging_removed),
        cmocka_unit_test(test_lock_only),
        cmocka_unit_test(test_out_checked),
        cmocka_unit_test(test_explain_names_out),
        cmocka_unit_test(test_outset_write_error_named),
        cmocka_unit_test(test_stale_tmp_files_removed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
