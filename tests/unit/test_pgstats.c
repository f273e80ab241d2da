/*
 * test_pgstats.c - psql --csv snapshots of pg_stat_bgwriter / pg_stat_wal
 * from the shared PG15 dataset (deltas checked against the figures its
 * README reports), PostgreSQL 17's pg_stat_checkpointer names, column
 * order, quoting, LSNs, and every error.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/pgstats.h"

#define DATA WS_TEST_DATA_DIR "/import/"

static ws_pgstats *load(const char *file)
{
    ws_diag err;
    ws_pgstats *s;
    if (ws_pgstats_read_file(file, &s, &err) != WS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    return s;
}

static ws_pgstats *parse(const char *text)
{
    ws_diag err;
    ws_pgstats *s;
    if (ws_pgstats_parse_string(text, strlen(text), "t.csv", &s, &err) != WS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    return s;
}

static void bad(const char *text, const char *needle1, const char *needle2)
{
    ws_diag err;
    ws_pgstats *s = (ws_pgstats *)&err;
    int rc = ws_pgstats_parse_string(text, strlen(text), "bad.csv", &s, &err);
    if (rc != WS_EINPUT || s != NULL || !strstr(err.msg, needle1) ||
        (needle2 && !strstr(err.msg, needle2)) || strchr(err.msg, '\n')) {
        print_error("rc=%d msg='%s', wanted '%s' and '%s'\n", rc, err.msg, needle1,
                    needle2 ? needle2 : "");
        fail();
    }
}

static void test_pg15_bgwriter_and_wal_delta(void **state)
{
    (void)state;
    ws_pgstats *bb = load(DATA "pg15_A_bgwriter_before.csv");
    ws_pgstats *ba = load(DATA "pg15_A_bgwriter_after.csv");
    ws_pgstats *wb = load(DATA "pg15_A_wal_before.csv");
    ws_pgstats *wa = load(DATA "pg15_A_wal_after.csv");
    assert_int_equal(bb->n_rows, 1);
    assert_int_equal(bb->unknown_columns, 1); /* stats_reset */
    assert_int_equal(bb->known_columns, 12);
    ws_pgstats_snap before = bb->rows[0], after = ba->rows[0], d;
    ws_pgstats_merge(&before, &wb->rows[0]);
    ws_pgstats_merge(&after, &wa->rows[0]);
    /* the bgwriter file's epoch is kept */
    assert_true(before.v[WS_PGSTAT_EPOCH] == 1795545088.487);
    ws_diag err;
    assert_int_equal(ws_pgstats_delta(&before, &after, &d, "A", &err), WS_OK);
    /* the shared README: checkpoints 10/0 (stat), buffers_checkpoint 24,323,
     * buffers_clean 140,700, buffers_backend 546,393 */
    assert_true(d.v[WS_PGSTAT_CHECKPOINTS_TIMED] == 10);
    assert_true(d.v[WS_PGSTAT_CHECKPOINTS_REQ] == 0);
    assert_true(d.v[WS_PGSTAT_BUFFERS_CHECKPOINT] == 24323);
    assert_true(d.v[WS_PGSTAT_BUFFERS_CLEAN] == 140700);
    assert_true(d.v[WS_PGSTAT_BUFFERS_BACKEND] == 546393);
    assert_true(d.v[WS_PGSTAT_CHECKPOINT_WRITE_TIME] == 130334 - 4);
    assert_true(d.v[WS_PGSTAT_WAL_BYTES] == 5087495335.0 - 16420);
    assert_true(d.v[WS_PGSTAT_WAL_FPI] == 611978 - 4);
    assert_true(fabs(d.v[WS_PGSTAT_WAL_SYNC_TIME] - (231224.83 - 0.671)) < 1e-6);
    /* LSN 0/4E6330B8 -> 1/7F032D28 */
    assert_true(d.v[WS_PGSTAT_LSN] == (double)(0x17F032D28ull - 0x4E6330B8ull));
    assert_true(fabs(d.v[WS_PGSTAT_EPOCH] - (1795545391.129 - 1795545088.487)) < 1e-6);
    /* pg_stat_checkpointer's 17 columns are not in a 15 file */
    assert_true(isnan(d.v[WS_PGSTAT_RESTARTPOINTS_DONE]));
    /* the README's WAL/tx: 8693 bytes for 585258 transactions */
    assert_true(fabs(d.v[WS_PGSTAT_WAL_BYTES] / 585258 - 8693) < 1);
    ws_pgstats_free(bb);
    ws_pgstats_free(ba);
    ws_pgstats_free(wb);
    ws_pgstats_free(wa);
}

static void test_db_samples(void **state)
{
    (void)state;
    /* one row joins pg_stat_wal and pg_stat_bgwriter, with "_ms" names and
     * both lsn and lsn_bytes (= pg_wal_lsn_diff(lsn, '0/0'), computed by
     * PostgreSQL: an independent check of the LSN parser) */
    ws_pgstats *s = load(DATA "pg15_A_db_samples_head.csv");
    assert_int_equal(s->n_rows, 5);
    assert_int_equal(s->known_columns, 20);
    assert_int_equal(s->unknown_columns, 1); /* lsn_bytes: a second spelling of lsn, ignored */
    assert_true(s->rows[0].v[WS_PGSTAT_LSN] == 1315123384);
    assert_true(s->rows[0].v[WS_PGSTAT_WAL_WRITE_TIME] == 0.064);
    assert_true(s->rows[0].v[WS_PGSTAT_CHECKPOINT_SYNC_TIME] == 4);
    assert_true(s->rows[1].v[WS_PGSTAT_BUFFERS_ALLOC] == 192);
    ws_pgstats_free(s);
}

static void test_pg17_checkpointer_any_order(void **state)
{
    (void)state;
    ws_pgstats *s = parse("Buffers_Written,num_requested,stats_reset,num_timed,write_time,"
                          "sync_time,restartpoints_timed,restartpoints_req,restartpoints_done,"
                          "lsn,epoch\r\n"
                          "100,2,\"2024-05-01 12:00:00.1+00\",7,1500.5,20,0,0,0,2/5B0C3A88,"
                          "1714564800.5\r\n"
                          "150,3,\"a \"\"quoted\"\", comma\",9,,25,0,0,0,2/6B0C3A88,"
                          "1714564830.5\r\n");
    assert_int_equal(s->n_rows, 2);
    assert_int_equal(s->unknown_columns, 1);
    const ws_pgstats_snap *r = s->rows;
    assert_true(r[0].v[WS_PGSTAT_BUFFERS_CHECKPOINT] == 100);
    assert_true(r[0].v[WS_PGSTAT_CHECKPOINTS_REQ] == 2);
    assert_true(r[0].v[WS_PGSTAT_CHECKPOINTS_TIMED] == 7);
    assert_true(r[0].v[WS_PGSTAT_CHECKPOINT_WRITE_TIME] == 1500.5);
    assert_true(r[0].v[WS_PGSTAT_LSN] == (double)0x25B0C3A88ull);
    assert_true(isnan(r[1].v[WS_PGSTAT_CHECKPOINT_WRITE_TIME])); /* empty = NULL */
    assert_true(isnan(r[0].v[WS_PGSTAT_BUFFERS_BACKEND]));       /* gone in 17 */
    ws_pgstats_snap d;
    ws_diag err;
    assert_int_equal(ws_pgstats_delta(&r[0], &r[1], &d, "t", &err), WS_OK);
    assert_true(d.v[WS_PGSTAT_CHECKPOINTS_TIMED] == 2);
    assert_true(d.v[WS_PGSTAT_LSN] == 0x10000000);
    assert_true(d.v[WS_PGSTAT_EPOCH] == 30);
    assert_true(isnan(d.v[WS_PGSTAT_CHECKPOINT_WRITE_TIME]));
    /* swapped: a counter goes down */
    assert_int_equal(ws_pgstats_delta(&r[1], &r[0], &d, "after.csv", &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "after.csv: "));
    assert_non_null(strstr(err.msg, "went down"));
    ws_pgstats_free(s);
    /* a header alone: no rows, fine */
    s = parse("checkpoints_timed,checkpoints_req\n");
    assert_int_equal(s->n_rows, 0);
    ws_pgstats_free(s);
    /* blank lines are skipped; in a one-column file an empty line is a NULL */
    s = parse("\nepoch,checkpoints_timed\n1,2\n\n3,4\n\n");
    assert_int_equal(s->n_rows, 2);
    assert_true(s->rows[1].v[WS_PGSTAT_CHECKPOINTS_TIMED] == 4);
    ws_pgstats_free(s);
    s = parse("wal_fpi\n5\n\n7\n");
    assert_int_equal(s->n_rows, 3);
    assert_true(isnan(s->rows[1].v[WS_PGSTAT_WAL_FPI]));
    ws_pgstats_free(s);
    /* float8out's exponents */
    s = parse("wal_sync_time\n1e+16\n");
    assert_true(s->rows[0].v[WS_PGSTAT_WAL_SYNC_TIME] == 1e16);
    ws_pgstats_free(s);
}

static void test_lsn(void **state)
{
    (void)state;
    uint64_t b = 1;
    assert_int_equal(ws_pgstats_lsn_parse("2/5B0C3A88", 10, &b), WS_OK);
    assert_true(b == 0x25B0C3A88ull);
    assert_int_equal(ws_pgstats_lsn_parse("0/0", 3, &b), WS_OK);
    assert_true(b == 0);
    assert_int_equal(ws_pgstats_lsn_parse("FFFFFFFF/FFFFFFFF", 17, &b), WS_OK);
    assert_true(b == UINT64_MAX);
    assert_int_equal(ws_pgstats_lsn_parse("1/0000A028", 10, &b), WS_OK); /* zero-padded */
    assert_true(b == 0x10000A028ull);
    b = 7;
    assert_int_equal(ws_pgstats_lsn_parse("2/", 2, &b), WS_EINPUT);
    assert_int_equal(ws_pgstats_lsn_parse("G/1", 3, &b), WS_EINPUT);
    assert_int_equal(ws_pgstats_lsn_parse("123456789/0", 11, &b), WS_EINPUT);
    assert_int_equal(ws_pgstats_lsn_parse("1/2 ", 4, &b), WS_EINPUT);
    assert_true(b == 7);
}

static void test_errors(void **state)
{
    (void)state;
    bad("", "bad.csv: is empty", NULL);
    bad("\n\n", "is empty", NULL);
    bad("name,setting\nx,1\n", "bad.csv:1: header 'name,setting' names no column", NULL);
    bad("epoch,checkpoints_timed\n1,2\n3,x\n",
        "bad.csv:3: column 2 (checkpoints_timed): expected a number, found 'x'", NULL);
    bad("epoch,lsn\n1,2/ZZ\n", "bad.csv:2: column 2 (lsn): expected an LSN", NULL);
    bad("epoch,checkpoints_timed\n1,2,3\n", "bad.csv:2: more fields than the 2 of the header",
        NULL);
    bad("epoch,checkpoints_timed,buffers_clean\n1,2\n",
        "bad.csv:2: 2 fields where the header has 3", NULL);
    bad("epoch,checkpoints_timed,buffers_clean\n1,2\n4,5,6\n", "bad.csv:2: 2 fields", NULL);
    bad("epoch,checkpoints_timed,buffers_clean\n1,2,3\n4,5", "bad.csv:3: truncated line: 2 fields",
        NULL);
    bad("epoch,stats_reset\n1,\"open\n", "bad.csv:2: unterminated or misplaced quote at column 3",
        NULL);
    bad("epoch,stats_reset\n1,\"a\"b\n", "misplaced quote at column 6", NULL);
    bad("epoch\n1e999\n", "expected a number, found '1e999'", NULL);
    ws_diag err;
    ws_pgstats *s;
    assert_int_equal(ws_pgstats_read_file(DATA "missing.csv", &s, &err), WS_EIO);
    assert_null(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pg15_bgwriter_and_wal_delta),
        cmocka_unit_test(test_db_samples),
        cmocka_unit_test(test_pg17_checkpointer_any_order),
        cmocka_unit_test(test_lsn),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
