/*
 * test_pglog.c - checkpoint records from PostgreSQL server logs: real PG 15
 * logs of the shared dataset (values checked against its independent
 * analysis, checkpoints.csv), walsim's own log, hand-written lines in the
 * formats of xlog.c LogCheckpointEnd in 13/14 (= 15), 16/17 (lsn) and 18
 * (SLRU buffers), odd log_line_prefixes and time zones, and bad input.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/pglog.h"

#define DATA WS_TEST_DATA_DIR "/import/"

/* The completion line of PostgreSQL 13-15 with given head. */
#define COMPLETE15                                                                                 \
    "checkpoint complete: wrote 4909 buffers (30.0%); 0 WAL file(s) added, 15 removed, 14 "       \
    "recycled; write=14.426 s, sync=0.420 s, total=15.019 s; sync files=30, longest=0.193 s, "    \
    "average=0.014 s; distance=473149 kB, estimate=473149 kB"

static ws_pglog *parse(const char *text)
{
    ws_diag err;
    ws_pglog *l = (ws_pglog *)&err;
    if (ws_pglog_parse_string(text, strlen(text), "t.log", &l, &err) != WS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    return l;
}

static ws_pglog *load(const char *file)
{
    ws_diag err;
    ws_pglog *l;
    if (ws_pglog_read_file(file, &l, &err) != WS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    return l;
}

/* Parsing fails with status rc and a one-line message containing each needle. */
static void bad(const char *text, const char *needle1, const char *needle2)
{
    ws_diag err;
    ws_pglog *l = (ws_pglog *)&err;
    int rc = ws_pglog_parse_string(text, strlen(text), "bad.log", &l, &err);
    if (rc != WS_EINPUT || l != NULL || !strstr(err.msg, needle1) ||
        (needle2 && !strstr(err.msg, needle2)) || strchr(err.msg, '\n')) {
        print_error("rc=%d msg='%s', wanted '%s' and '%s'\n", rc, err.msg, needle1,
                    needle2 ? needle2 : "");
        fail();
    }
}

static void near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol)) {
        print_error("got %.6f, want %.6f\n", got, want);
        fail();
    }
}

static void test_pg15_shared_head(void **state)
{
    (void)state;
    ws_pglog *l = load(DATA "pg15_A_server_head.log");
    assert_int_equal(l->lines, 60);
    assert_int_equal(l->n_ckpts, 1);
    assert_int_equal(l->skipped_lines, 58); /* startup, autovacuum and continuation lines */
    assert_int_equal(l->unpaired, 0);
    const ws_pglog_ckpt *k = &l->ckpts[0];
    /* checkpoints.csv of run A: 1795545087.222, "immediate force wait", 1795545087.237 */
    near(k->start_time, 1795545087.222, 1e-6);
    near(k->complete_time, 1795545087.237, 1e-6);
    assert_int_equal(k->flags, WS_PGLOG_IMMEDIATE | WS_PGLOG_FORCE | WS_PGLOG_WAIT);
    assert_false(k->restartpoint);
    assert_int_equal(k->buffers, 8);
    near(k->buffers_pct, 0.0, 0);
    assert_int_equal(k->slru_buffers, -1);
    assert_int_equal(k->wal_added + k->wal_removed + k->wal_recycled, 0);
    near(k->write_s, 0.004, 1e-12);
    near(k->sync_s, 0.004, 1e-12);
    near(k->total_s, 0.015, 1e-12);
    assert_int_equal(k->sync_files, 8);
    near(k->longest_s, 0.002, 1e-12);
    near(k->average_s, 0.001, 1e-12);
    assert_int_equal(k->distance_kb, 16);
    assert_int_equal(k->estimate_kb, 16);
    assert_false(k->has_lsn);
    assert_int_equal(k->start_line, 6);
    assert_int_equal(k->complete_line, 7);
    ws_pglog_free(l);
}

static void test_pg15_shared_tail(void **state)
{
    (void)state;
    ws_pglog *l = load(DATA "pg15_A_server_tail.log");
    assert_int_equal(l->n_ckpts, 3);
    /* the excerpt starts after a "starting:" line: its complete line stands alone */
    assert_false(l->ckpts[0].has_start);
    assert_true(l->ckpts[0].has_complete);
    assert_true(isnan(l->ckpts[0].start_time));
    assert_int_equal(l->ckpts[0].buffers, 2241);
    near(l->ckpts[0].complete_time, 1795545372.727, 1e-6);
    assert_int_equal(l->unpaired, 1);
    /* checkpoints.csv: 1795545387.585 time ... 1795545402.348, 2251 buffers, 25 recycled */
    const ws_pglog_ckpt *k = &l->ckpts[1];
    near(k->start_time, 1795545387.585, 1e-6);
    near(k->complete_time, 1795545402.348, 1e-6);
    assert_int_equal(k->flags, WS_PGLOG_TIME);
    assert_int_equal(k->wal_recycled, 25);
    assert_int_equal(k->estimate_kb, 532079);
    /* the shutdown checkpoint: "shutdown immediate", 3 removed, 1 recycled */
    k = &l->ckpts[2];
    assert_int_equal(k->flags, WS_PGLOG_SHUTDOWN | WS_PGLOG_IMMEDIATE);
    near(k->start_time, 1795545410.171, 1e-6);
    assert_int_equal(k->wal_removed, 3);
    assert_int_equal(k->buffers, 6373);
    near(k->buffers_pct, 38.9, 1e-9);
    ws_pglog_free(l);
}

/* Counts lines of the file containing needle, by plain string search. */
static size_t count_lines(const char *file, const char *needle)
{
    FILE *f = fopen(file, "r");
    assert_non_null(f);
    char line[4096];
    size_t n = 0;
    while (fgets(line, sizeof line, f))
        n += strstr(line, needle) != NULL;
    fclose(f);
    return n;
}

static void test_walsim_own_log(void **state)
{
    (void)state;
    const char *file = DATA "walsim_checkpoints-default.log";
    ws_pglog *l = load(file);
    size_t starts = count_lines(file, "LOG:  checkpoint starting:");
    size_t completes = count_lines(file, "LOG:  checkpoint complete:");
    assert_true(starts > 10);
    assert_int_equal(l->n_ckpts, starts);
    assert_int_equal(l->n_warnings, count_lines(file, "occurring too frequently"));
    /* the run ended during the last checkpoint: one start without completion */
    assert_int_equal(completes, starts - 1);
    assert_int_equal(l->unpaired, 1);
    assert_true(l->ckpts[l->n_ckpts - 1].has_start);
    assert_false(l->ckpts[l->n_ckpts - 1].has_complete);
    /* walsim's clock starts at 2026-01-01 00:00:00 UTC = 1767225600 */
    near(l->ckpts[0].start_time, 1767225600 + 12.956, 1e-6);
    assert_int_equal(l->warnings[0].seconds, 12);
    near(l->warnings[0].time, l->ckpts[0].start_time, 1e-9);
    for (size_t i = 0; i < l->n_ckpts; i++)
        assert_true(l->ckpts[i].flags == WS_PGLOG_WAL);
    ws_pglog_free(l);
}

static void test_versions(void **state)
{
    (void)state;
    /* 13 and 14 print the 15 line; 16 and 17 append the LSNs */
    ws_pglog *l = parse(
        "2024-05-01 12:00:00.123 UTC [42] LOG:  checkpoint starting: wal\n"
        "2024-05-01 12:00:15.000 UTC [42] LOG:  " COMPLETE15
        "; lsn=1/7F032D28, redo lsn=1/7EFFB0A0\n"
        /* 18: SLRU buffers */
        "2024-05-01 12:01:00.000 UTC [42] LOG:  checkpoint starting: immediate force wait\n"
        "2024-05-01 12:01:00.500 UTC [42] LOG:  checkpoint complete: wrote 10 buffers (0.1%), "
        "wrote 3 SLRU buffers; 0 WAL file(s) added, 0 removed, 1 recycled; write=0.001 s, "
        "sync=0.002 s, total=0.500 s; sync files=4, longest=0.001 s, average=0.001 s; "
        "distance=100 kB, estimate=473149 kB; lsn=1/80000028, redo lsn=1/7FFFFFD8\n"
        /* after 18: the flags again after "complete:", zero-padded LSNs, "fast" */
        "2024-05-01 12:02:00.000 UTC [42] LOG:  checkpoint starting: fast force wait\n"
        "2024-05-01 12:02:00.250 UTC [42] LOG:  checkpoint complete: fast force wait: wrote 0 "
        "buffers (0.0%), wrote 0 SLRU buffers; 0 WAL file(s) added, 0 removed, 0 recycled; "
        "write=0.001 s, sync=0.001 s, total=0.250 s; sync files=0, longest=0.000 s, "
        "average=0.000 s; distance=0 kB, estimate=473149 kB; lsn=1/0000A028, redo "
        "lsn=1/0000A000\n");
    assert_int_equal(l->n_ckpts, 3);
    assert_int_equal(l->unpaired, 0);
    const ws_pglog_ckpt *k = &l->ckpts[0];
    near(k->start_time, 1714564800.123, 1e-6); /* date -u -d '2024-05-01 12:00:00' +%s */
    near(k->complete_time, 1714564815.0, 1e-6);
    assert_int_equal(k->flags, WS_PGLOG_WAL);
    assert_int_equal(k->buffers, 4909);
    assert_int_equal(k->distance_kb, 473149);
    assert_true(k->has_lsn);
    assert_true(k->lsn == 0x17F032D28ull);
    assert_true(k->redo_lsn == 0x17EFFB0A0ull);
    k = &l->ckpts[1];
    assert_int_equal(k->buffers, 10);
    assert_int_equal(k->slru_buffers, 3);
    assert_int_equal(k->wal_recycled, 1);
    assert_true(k->lsn == 0x180000028ull);
    k = &l->ckpts[2];
    assert_int_equal(k->flags, WS_PGLOG_IMMEDIATE | WS_PGLOG_FORCE | WS_PGLOG_WAIT);
    assert_int_equal(k->slru_buffers, 0);
    assert_true(k->redo_lsn == 0x10000A000ull);
    ws_pglog_free(l);
}

static void test_restartpoints_and_warnings(void **state)
{
    (void)state;
    ws_pglog *l = parse(
        "2024-05-01 12:00:00.000 UTC [7] LOG:  restartpoint starting: time\n"
        "2024-05-01 12:00:01.000 UTC [7] LOG:  restartpoint complete: wrote 1 buffers (0.0%); 0 "
        "WAL file(s) added, 0 removed, 0 recycled; write=0.001 s, sync=0.001 s, total=1.000 s; "
        "sync files=1, longest=0.001 s, average=0.001 s; distance=1 kB, estimate=1 kB\n"
        "2024-05-01 12:00:01.000 UTC [7] LOG:  recovery restart point at 0/3000028\n"
        "2024-05-01 12:00:02.000 UTC [7] LOG:  checkpoints are occurring too frequently (1 second "
        "apart)\n"
        "2024-05-01 12:00:02.000 UTC [7] HINT:  Consider increasing the configuration parameter "
        "\"max_wal_size\".\n"
        "2024-05-01 12:00:09.000 UTC [7] LOG:  checkpoints are occurring too frequently (7 "
        "seconds apart)\n"
        /* a statement that merely quotes the text is not a checkpoint line */
        "2024-05-01 12:00:10.000 UTC [8] LOG:  statement: select 'checkpoint starting: x'\n");
    assert_int_equal(l->n_ckpts, 1);
    assert_true(l->ckpts[0].restartpoint);
    assert_int_equal(l->ckpts[0].flags, WS_PGLOG_TIME);
    assert_true(l->ckpts[0].has_complete);
    assert_int_equal(l->n_warnings, 2);
    assert_int_equal(l->warnings[0].seconds, 1);
    assert_int_equal(l->warnings[1].seconds, 7);
    assert_int_equal(l->warnings[1].line, 6);
    assert_int_equal(l->skipped_lines, 3);
    ws_pglog_free(l);
}

/* The start time of a one-line log "PREFIX LOG:  checkpoint starting: time". */
static double start_time(const char *prefix)
{
    char text[512];
    snprintf(text, sizeof text, "%sLOG:  checkpoint starting: time\n", prefix);
    ws_pglog *l = parse(text);
    assert_int_equal(l->n_ckpts, 1);
    double t = l->ckpts[0].start_time;
    ws_pglog_free(l);
    return t;
}

static void test_prefixes_and_zones(void **state)
{
    (void)state;
    const double T = 1714564800; /* 2024-05-01 12:00:00 UTC */
    near(start_time("2024-05-01 12:00:00.123 UTC [4242] "), T + 0.123, 1e-6);      /* %m [%p] */
    near(start_time("2024-05-01 12:00:00 UTC [4242] "), T, 1e-6);                  /* %t [%p] */
    near(start_time("1714564800.123 [4242] "), T + 0.123, 1e-6);                   /* %n [%p] */
    near(start_time("2024-05-01 12:00:00.123 [4242] "), T + 0.123, 1e-6);          /* no zone */
    near(start_time("2024-05-01 14:00:00.000 CEST [1] checkpointer "), T, 1e-6);   /* %b */
    near(start_time("2024-05-01 13:00:00 CET "), T, 1e-6);
    near(start_time("2024-05-01 14:00:00.5 +02 [1] "), T + 0.5, 1e-6);
    near(start_time("2024-05-01 08:30:00 -0330 [1] "), T, 1e-6);
    near(start_time("2024-05-01 17:30:00 +05:30 "), T, 1e-6);
    near(start_time("2024-05-01 05:00:00 PDT "), T, 1e-6);
    near(start_time("2024-05-01 21:00:00 JST "), T, 1e-6);
    /* pgBadger's recommended prefix: '%t [%p]: user=%u,db=%d,app=%a,client=%h ' */
    near(start_time("2024-05-01 12:00:00 UTC [99]: user=,db=,app=,client= "), T, 1e-6);
    /* user@db after a zone-less time is not a zone */
    near(start_time("[99] 2024-05-01 12:00:00.250 postgres@bench "), T + 0.25, 1e-6);
    /* microseconds in the fraction are cut to milliseconds */
    near(start_time("2024-05-01 12:00:00.123456 UTC "), T + 0.123, 1e-6);
    /* leap days and the turn of the year */
    near(start_time("2024-02-29 00:00:00 UTC "), 1709164800, 1e-6);
    near(start_time("2023-12-31 23:59:59.999 UTC "), 1704067199.999, 1e-6);
}

static void test_truncated_last_line(void **state)
{
    (void)state;
    /* copied while the server wrote its last line: dropped and counted */
    ws_pglog *l = parse("2024-05-01 12:00:00.000 UTC [1] LOG:  checkpoint starting: time\n"
                        "2024-05-01 12:00:15.000 UTC [1] LOG:  checkpoint complete: wrote 49");
    assert_int_equal(l->truncated_lines, 1);
    assert_int_equal(l->n_ckpts, 1);
    assert_false(l->ckpts[0].has_complete);
    assert_int_equal(l->ckpts[0].buffers, -1);
    assert_int_equal(l->unpaired, 1);
    ws_pglog_free(l);
    /* an unterminated last line that is whole still counts */
    l = parse("2024-05-01 12:00:00.000 UTC [1] LOG:  checkpoint starting: time");
    assert_int_equal(l->truncated_lines, 0);
    assert_int_equal(l->n_ckpts, 1);
    ws_pglog_free(l);
    l = parse("");
    assert_int_equal(l->n_ckpts, 0);
    assert_int_equal(l->lines, 0);
    ws_pglog_free(l);
}

static void test_errors(void **state)
{
    (void)state;
    /* the same cut line in the middle of the log is an error */
    bad("2024-05-01 12:00:15.000 UTC [1] LOG:  checkpoint complete: wrote 49\nnext\n",
        "bad.log:1: checkpoint complete: expected ' buffers (' at column 68", "end of line");
    bad("x\n2024-05-01 12:00:15.000 UTC [1] LOG:  checkpoint complete: wrote 4909 buffers "
        "(30.0%); 0 WAL file(s) added, 15 removed, 14 recycled; write=14.426 s, synk=0.420 s\n",
        "bad.log:2:", "expected ' s, sync=' at column 146, found ' s, synk=0.420 s'");
    bad("2024-05-01 12:00:15.000 UTC [1] LOG:  checkpoint complete: wrote x buffers\n",
        "expected a number at column 66", "found 'x buffers'");
    bad("2024-05-01 12:00:15.000 UTC [1] LOG:  " COMPLETE15 "; lsn=1/XYZ, redo lsn=1/0\n",
        "expected an LSN", NULL);
    bad("2024-05-01 12:00:15.000 UTC [1] LOG:  " COMPLETE15 " and more\n",
        "expected the end of the line at column", NULL);
    bad("2024-05-01 12:00:00 UTC [1] LOG:  checkpoint starting: time sometimes\n",
        "bad.log:1: checkpoint starting: unknown flag 'sometimes' at column 61", NULL);
    bad("[1] LOG:  checkpoint starting: time\n", "bad.log:1: no time stamp in the line prefix",
        "%m, %t or %n");
    bad("2024-05-01 12:00:00 XYZ [1] LOG:  checkpoint starting: time\n",
        "time zone 'XYZ' in the line prefix is not known", NULL);
    bad("2024-05-01 12:00:00 CST [1] LOG:  checkpoint starting: time\n", "'CST'", "ambiguous");
    bad("2024-05-01 12:00:00 UTC [1] LOG:  checkpoints are occurring too frequently (x seconds "
        "apart)\n",
        "expected a number", NULL);
    /* a control character in the input is not echoed raw */
    bad("2024-05-01 12:00:00 UTC LOG:  checkpoint starting: \x01\n", "unknown flag '?'", NULL);
    /* unreadable file */
    ws_diag err;
    ws_pglog *l;
    assert_int_equal(ws_pglog_read_file(DATA "no-such-file.log", &l, &err), WS_EIO);
    assert_null(l);
    assert_non_null(strstr(err.msg, "no-such-file.log: cannot open"));
}

static void test_flags_str(void **state)
{
    (void)state;
    char buf[128];
    assert_string_equal(ws_pglog_flags_str(WS_PGLOG_IMMEDIATE | WS_PGLOG_FORCE | WS_PGLOG_WAIT,
                                           buf, sizeof buf),
                        "immediate force wait");
    assert_string_equal(ws_pglog_flags_str(0, buf, sizeof buf), "");
    assert_string_equal(ws_pglog_flags_str(WS_PGLOG_SHUTDOWN | WS_PGLOG_FLUSH_ALL, buf, 10),
                        "shutdown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pg15_shared_head),
        cmocka_unit_test(test_pg15_shared_tail),
        cmocka_unit_test(test_walsim_own_log),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_restartpoints_and_warnings),
        cmocka_unit_test(test_prefixes_and_zones),
        cmocka_unit_test(test_truncated_last_line),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_flags_str),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
