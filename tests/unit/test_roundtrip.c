/*
 * test_roundtrip.c - walsim's outputs read back by walsim's importers,
 * which are tested against real PostgreSQL output (test_pgstats,
 * test_pglog): pg_stat-NAME.csv in psql --csv form for versions 15 and 17,
 * and the checkpoint log lines.  What the importers read must be what the
 * run reported.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/db.h"
#include "walsim/pglog.h"
#include "walsim/pgstats.h"
#include "walsim/report.h"

#include "support.h"

static void roundtrip(int pg_version)
{
    char text[768];
    snprintf(text, sizeof text,
             "[scenario]\nwarmup = 0\nstart = cold\nduration = 3min\npg_version = %d\n"
             "[workload]\nprofile = pgbench\nscale = 10\nclients = 4\n"
             "[postgres]\nshared_buffers = 64MB\nmax_wal_size = 64MB\ncheckpoint_timeout = 1min\n"
             "log_checkpoints = on\n",
             pg_version);
    ws_scenario *s;
    ws_config *c = test_resolve(text, "r.conf", "base", &s);
    ws_run_stats st;
    ws_run_detail d;
    ws_diag err;
    char *log = NULL;
    size_t log_len = 0;
    FILE *lf = open_memstream(&log, &log_len);
    assert_int_equal(ws_run_detailed(c, NULL, NULL, lf, &d, &st, &err), WS_OK);
    fclose(lf);

    char *csv = NULL;
    size_t csv_len = 0;
    FILE *f = open_memstream(&csv, &csv_len);
    ws_report_pg_stat_csv(f, &st, &d, 1767225600.0);
    fclose(f);
    ws_pgstats *ps;
    assert_int_equal(ws_pgstats_parse_string(csv, csv_len, "pg_stat.csv", &ps, &err), WS_OK);
    assert_int_equal(ps->unknown_columns, 0);
    assert_int_equal(ps->n_rows, d.timeline.n);
    /* the timeline's I/O counts add up to the device's own counters */
    uint64_t rd = 0, wr = 0;
    for (size_t i = 0; i < d.timeline.n; i++) {
        ws_interval tmp;
        const ws_interval *row = ws_timeline_get(&d.timeline, i, &tmp);
        rd += row->dev_read_ios;
        wr += row->dev_write_ios;
    }
    print_message("I/Os: reads %llu (device %llu served, %llu queued), writes %llu (%llu, %llu)\n",
                  (unsigned long long)rd, (unsigned long long)st.dev_read_ios_done,
                  (unsigned long long)st.dev_read_ios_queued, (unsigned long long)wr,
                  (unsigned long long)st.dev_write_ios_done,
                  (unsigned long long)st.dev_write_ios_queued);
    assert_true(wr > 0);
    assert_true(rd + wr > 0);
    assert_int_equal(rd, st.dev_read_ios_done);
    assert_int_equal(wr, st.dev_write_ios_done);
    assert_true(st.dev_read_ios_done <= st.dev_read_ios_queued);
    assert_true(st.dev_write_ios_done <= st.dev_write_ios_queued);
    /* what is still queued at the end is a small part of the run */
    assert_true((double)(st.dev_write_ios_queued - wr) <= 0.01 * (double)wr + 64);
    const ws_pgstats_snap *last = &ps->rows[ps->n_rows - 1];
    assert_true(last->v[WS_PGSTAT_CHECKPOINTS_TIMED] == (double)st.ckpt_timed);
    assert_true(last->v[WS_PGSTAT_CHECKPOINTS_REQ] == (double)st.ckpt_req);
    assert_true(st.ckpt_timed + st.ckpt_req >= 3);
    assert_true(last->v[WS_PGSTAT_BUFFERS_CHECKPOINT] == (double)st.buffers_checkpoint);
    assert_true(last->v[WS_PGSTAT_BUFFERS_CLEAN] == (double)st.buffers_clean);
    assert_true(last->v[WS_PGSTAT_BUFFERS_ALLOC] == (double)st.buffers_alloc);
    assert_true(fabs(last->v[WS_PGSTAT_CHECKPOINT_WRITE_TIME] - st.checkpoint_write_time_ms) <= 0.5);
    assert_true(last->v[WS_PGSTAT_WAL_BYTES] == (double)st.wal_bytes);
    assert_true(last->v[WS_PGSTAT_WAL_FPI] == (double)st.wal_fpi);
    /* the LSN column is pg_lsn text: the run's WAL plus 0/1000000 */
    assert_true(last->v[WS_PGSTAT_LSN] == (double)(st.wal_bytes + WS_LSN_BASE));
    assert_true(fabs(last->v[WS_PGSTAT_EPOCH] - (1767225600.0 + 180)) < 1e-6);
    /* deltas between two snapshots, as validate takes them */
    ws_pgstats_snap delta;
    assert_int_equal(ws_pgstats_delta(&ps->rows[0], last, &delta, "roundtrip", &err), WS_OK);
    assert_true(fabs(delta.v[WS_PGSTAT_EPOCH] - 179) < 1e-6);
    ws_pgstats_free(ps);

    /* the log: every completed checkpoint, with its buffers */
    ws_pglog *pl;
    assert_int_equal(ws_pglog_parse_string(log, log_len, "checkpoints.log", &pl, &err), WS_OK);
    size_t complete = 0;
    double buffers = 0;
    for (size_t i = 0; i < pl->n_ckpts; i++)
        if (pl->ckpts[i].has_complete) {
            complete++;
            buffers += pl->ckpts[i].buffers;
        }
    assert_int_equal(complete, st.ckpt_done);
    assert_true(fabs(buffers - st.ckpt_buffers_mean * (double)st.ckpt_done) < 0.5);
    /* every line is understood but the HINT after each checkpoint warning */
    size_t hints = 0;
    for (const char *q = log; (q = strstr(q, "HINT:")) != NULL; q++)
        hints++;
    assert_int_equal(pl->n_warnings, st.ckpt_warnings);
    assert_int_equal(pl->skipped_lines, hints);
    ws_pglog_free(pl);

    free(csv);
    free(log);
    ws_run_detail_free(&d);
    ws_config_free(c);
    ws_scenario_free(s);
}

static void test_pg15(void **state)
{
    (void)state;
    roundtrip(15);
}

static void test_pg17(void **state)
{
    (void)state;
    roundtrip(17);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pg15),
        cmocka_unit_test(test_pg17),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
