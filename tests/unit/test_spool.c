/*
 * test_spool.c - the append-only record spool (spool.h) with a record
 * that is not a timeline row: in memory and spilled, the last record
 * updated in place, every record read back as written, and a folder that
 * cannot take the file named in the error.
 */
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
#include "walsim/spool.h"

typedef struct rec {
    uint64_t id;
    double start, end;
    char tag[13]; /* an odd size: 40 bytes with padding */
} rec;

/* Adds n records, each completed (end set) only when the next begins, as
 * the checkpointer does; then reads all back. */
static void fill_and_check(ws_spool *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            ((rec *)ws_spool_last(s))->end = (double)i - 0.5;
        rec *r = ws_spool_add(s, sizeof *r);
        assert_true(r->id == 0 && r->end == 0); /* zeroed */
        r->id = i;
        r->start = (double)i;
        snprintf(r->tag, sizeof r->tag, "c%zu", i);
        assert_true(!s->spill || s->n - s->n_disk <= WS_SPOOL_BLOCK + 1);
    }
    assert_int_equal(s->n, n);
    for (size_t i = 0; i < n; i++) {
        rec tmp;
        const rec *r = ws_spool_get(s, i, &tmp);
        char want[13];
        snprintf(want, sizeof want, "c%zu", i);
        assert_true(r->id == i && r->start == (double)i);
        assert_true(i + 1 == n ? r->end == 0 : r->end == (double)i + 0.5);
        assert_string_equal(r->tag, want);
    }
}

static void test_in_memory(void **state)
{
    (void)state;
    ws_spool s = {0};
    fill_and_check(&s, 1000);
    assert_int_equal(s.n_disk, 0);
    ws_spool_free(&s);
}

static void test_spilled(void **state)
{
    (void)state;
    char dir[] = "/tmp/walsim-spool-XXXXXX";
    assert_non_null(mkdtemp(dir));
    ws_spool s = {0};
    char msg[256];
    assert_int_equal(ws_spool_spill(&s, dir, "checkpoints", msg, sizeof msg), WS_OK);
    fill_and_check(&s, 3 * WS_SPOOL_BLOCK + 7);
    assert_int_equal(s.n_disk, 3 * WS_SPOOL_BLOCK);
    ws_spool_free(&s);
    /* the file was unlinked when made: the folder is empty again */
    assert_int_equal(rmdir(dir), 0);
}

static void test_bad_folder(void **state)
{
    (void)state;
    ws_spool s = {0};
    char msg[256];
    assert_int_equal(ws_spool_spill(&s, "/nonexistent/walsim", "checkpoints", msg, sizeof msg),
                     WS_EIO);
    assert_non_null(strstr(msg, "/nonexistent/walsim"));
    assert_non_null(strstr(msg, "checkpoints"));
    ws_spool_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_memory),
        cmocka_unit_test(test_spilled),
        cmocka_unit_test(test_bad_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
