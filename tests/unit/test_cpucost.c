/*
 * test_cpucost.c - the CPU cost model ([os] cpu_*, src/db/cpucost.c):
 * what a transaction pays for its WAL, reads and writes, what the
 * background processes take from the cores, and that the total reported as
 * cpu_per_tx adds up; on a CPU-bound server more cost means less
 * throughput, and WAL compression, by cutting WAL, raises it (as in the
 * recorded runs, docs/validation.md).  Whole short runs of a small pgbench
 * database, closed loop on 2 cores.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "walsim/run.h"

#include "support.h"

static const char base[] = "[scenario]\nstart = cold\nwarmup = 0\nduration = 2min\nseed = 3\n"
                           "[workload]\nprofile = pgbench\nscale = 10\nclients = 16\n"
                           "pgbench_cpu = 700us\n"
                           "[postgres]\nshared_buffers = 256MB\ncheckpoint_timeout = 30s\n%s\n[disk]\npreset = nvme-enterprise\n"
                           "[os]\ncpus = 2\nram = 8GB\ncpu_page_read = %s\ncpu_page_write = %s\n"
                           "cpu_wal_kb = %s\ncpu_fpi = 0\ncpu_flush = 0\ncpu_writeback_kb = 0\n";

static ws_run_stats run(const char *pg, const char *read, const char *write, const char *wal_kb)
{
    char text[2048];
    int n = snprintf(text, sizeof text, base, pg, read, write, wal_kb);
    assert_true(n > 0 && (size_t)n < sizeof text);
    ws_run_stats st = test_run(text, "cpucost.conf", "base");
    print_message("[%s read %s write %s wal_kb %s] tps %.1f, cpu/tx %.4f ms, WAL/tx %.0f B, "
                  "cpu %.3f, ckpt buffers %llu\n",
                  pg, read, write, wal_kb, st.tps, st.cpu_per_tx_ms, st.wal_bytes_per_tx,
                  st.cpu_utilization, (unsigned long long)st.buffers_checkpoint);
    return st;
}

/* With no costs the total is the transaction's own CPU; each kB of WAL adds
 * cpu_wal_kb to it, and a CPU-bound server completes fewer transactions. */
static void test_wal_kb(void **state)
{
    (void)state;
    ws_run_stats none = run("", "0", "0", "0");
    assert_true(fabs(none.cpu_per_tx_ms / 0.700 - 1) < 0.03);
    assert_true(none.cpu_utilization > 0.97);
    ws_run_stats wal = run("", "0", "0", "40us");
    double kb = wal.wal_bytes_per_tx / 1024.0;
    double want = 0.700 + kb * 0.040;
    print_message("want cpu/tx %.4f ms (%.2f kB of WAL per transaction)\n", want, kb);
    assert_true(fabs(wal.cpu_per_tx_ms / want - 1) < 0.03);
    /* throughput follows CPU per transaction */
    assert_true(fabs(wal.tps / none.tps - none.cpu_per_tx_ms / wal.cpu_per_tx_ms) < 0.03);
}

/* Reads and writes cost CPU too; the checkpointer's and bgwriter's writes
 * are background work on the same cores: throughput falls although no
 * transaction waits for them. */
static void test_reads_writes_and_background(void **state)
{
    (void)state;
    ws_run_stats none = run("", "0", "0", "0");
    ws_run_stats io = run("", "20us", "100us", "0");
    /* every read and every write, by a backend, the bgwriter or the
     * checkpointer, costs what was set */
    double tx = (double)io.transactions;
    double want = 0.700 + (double)io.buffers_alloc / tx * 0.020 +
                  (double)(io.buffers_backend + io.buffers_clean + io.buffers_checkpoint) / tx * 0.100;
    print_message("want cpu/tx %.4f ms\n", want);
    assert_true(fabs(io.cpu_per_tx_ms / want - 1) < 0.03);
    assert_true(io.cpu_per_tx_ms > none.cpu_per_tx_ms);
    assert_true(io.tps < none.tps);
}

/* Compression cuts WAL by more than it costs: with the default costs a
 * CPU-bound pgbench server completes more transactions with lz4. */
static void test_compression_raises_throughput(void **state)
{
    (void)state;
    ws_run_stats off = run("wal_compression = off", "10us", "30us", "14us");
    ws_run_stats lz4 = run("wal_compression = lz4", "10us", "30us", "14us");
    assert_true(lz4.wal_bytes_per_tx < off.wal_bytes_per_tx * 0.5);
    assert_true(lz4.cpu_per_tx_ms < off.cpu_per_tx_ms);
    assert_true(lz4.tps > off.tps * 1.02);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wal_kb),
        cmocka_unit_test(test_reads_writes_and_background),
        cmocka_unit_test(test_compression_raises_throughput),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
