/*
 * test_timeline.c - the timeline's rows (src/metrics/timeline.c): in
 * memory, and spilled to a temporary file block by block: every row read
 * back as written, the last row updated in place, no file left in the
 * folder, and a write failure keeping the rows in memory.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* mkdtemp */
#endif

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "walsim/diag.h"
#include "walsim/timeline.h"

static void fill(ws_timeline *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ws_interval *r = ws_timeline_add(t);
        r->t_s = (double)i;
        r->transactions = i * 7;
        snprintf(r->wal_lsn, sizeof r->wal_lsn, "0/%zX", i);
        /* the runner completes the last row after adding it */
        ws_timeline_last(t)->stat.wal_records = i + 1;
    }
}

static void check(const ws_timeline *t, size_t n)
{
    assert_int_equal(t->n, n);
    for (size_t i = 0; i < n; i++) {
        ws_interval tmp;
        const ws_interval *r = ws_timeline_get(t, i, &tmp);
        assert_true(r->t_s == (double)i);
        assert_int_equal(r->transactions, i * 7);
        assert_int_equal(r->stat.wal_records, i + 1);
        char want[24];
        snprintf(want, sizeof want, "0/%zX", i);
        assert_string_equal(r->wal_lsn, want);
    }
}

static size_t entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void test_memory(void **state)
{
    (void)state;
    ws_timeline t = {0};
    fill(&t, 3000);
    check(&t, 3000);
    assert_int_equal(t.n_disk, 0);
    ws_timeline_free(&t);
    assert_int_equal(t.n, 0);
}

static void test_spill(void **state)
{
    (void)state;
    char dir[] = "/tmp/walsim-timeline-XXXXXX";
    assert_non_null(mkdtemp(dir));
    ws_timeline t = {0};
    char msg[256];
    assert_int_equal(ws_timeline_spill(&t, dir, msg, sizeof msg), WS_OK);
    size_t n = 10 * WS_TIMELINE_BLOCK + 17;
    fill(&t, n);
    check(&t, n);
    /* at most one block (and the row being added) in memory */
    assert_true(t.n - t.n_disk <= WS_TIMELINE_BLOCK);
    assert_true(t.cap <= WS_TIMELINE_BLOCK * 2);
    assert_int_equal(entries(dir), 0); /* the file has no name */
    ws_timeline_free(&t);
    assert_int_equal(rmdir(dir), 0);
}

static void test_spill_bad_folder(void **state)
{
    (void)state;
    ws_timeline t = {0};
    char msg[256];
    assert_int_equal(ws_timeline_spill(&t, "/nonexistent/walsim", msg, sizeof msg), WS_EIO);
    assert_non_null(strstr(msg, "/nonexistent/walsim"));
    fill(&t, 10); /* still usable, in memory */
    check(&t, 10);
    ws_timeline_free(&t);
}

static void test_write_failure_keeps_rows(void **state)
{
    (void)state;
    char dir[] = "/tmp/walsim-timeline-XXXXXX";
    assert_non_null(mkdtemp(dir));
    ws_timeline t = {0};
    char msg[256];
    assert_int_equal(ws_timeline_spill(&t, dir, msg, sizeof msg), WS_OK);
    fill(&t, 3 * WS_TIMELINE_BLOCK);
    /* the file goes bad: a read-only descriptor in its place */
    size_t on_disk = t.n_disk;
    int fd = t.fd;
    t.fd = open("/dev/null", 0);
    assert_true(t.fd >= 0);
    for (size_t i = 3 * WS_TIMELINE_BLOCK; i < 6 * WS_TIMELINE_BLOCK; i++) {
        ws_interval *r = ws_timeline_add(&t);
        r->t_s = (double)i;
        r->transactions = i * 7;
        snprintf(r->wal_lsn, sizeof r->wal_lsn, "0/%zX", i);
        ws_timeline_last(&t)->stat.wal_records = i + 1;
    }
    assert_true(t.spill_failed);
    assert_int_equal(t.n_disk, on_disk);
    close(t.fd);
    t.fd = fd; /* the rows written before are read from the real file */
    check(&t, 6 * WS_TIMELINE_BLOCK);
    ws_timeline_free(&t);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_spill),
        cmocka_unit_test(test_spill_bad_folder),
        cmocka_unit_test(test_write_failure_keeps_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
