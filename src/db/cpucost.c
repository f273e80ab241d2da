/*
 * cpucost.c - the CPU cost model: what I/O work costs the cores besides a
 * transaction's own CPU time ([workload] pgbench_cpu or [transaction] cpu).
 *
 * A backend pays, on its transaction, for each shared_buffers miss it reads
 * (cpu_page_read), each dirty victim it writes (cpu_page_write), each
 * full-page image it inserts (cpu_fpi; compression comes on top) and each
 * kB of WAL it inserts, images included as stored (cpu_wal_kb).  The
 * background processes pay for their own work on the same cores: every
 * checkpointer and bgwriter write (cpu_page_write), every fsync or
 * fdatasync - WAL flushes and the checkpoints' file syncs - (cpu_flush),
 * and the kernel for every kB the device writes (cpu_writeback_kb: page
 * writeback, the block layer, completions).  Background work is charged
 * every TICK as one job that competes with the transactions for the
 * cores (ws_workload_cpu_bg), so a checkpoint that writes and syncs a lot
 * takes throughput away.  docs/model.md gives the calibration.
 */
#include <assert.h>

#include "walsim/db.h"

#define TICK (100 * WS_MSEC)

static void on_tick(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    ws_db *db = ctx;
    ws_cpucost *c = &db->cpu;
    uint64_t ckpt = db->st.buffers_checkpoint, bg = db->st.buffers_clean;
    uint64_t flushes = db->wal.st.sync + db->st.ckpt_fsyncs;
    uint64_t dev = 0;
    ws_device_sync(&db->dev);
    for (int k = 0; k < WS_IO__COUNT; k++)
        dev += db->dev.written[k];
    ws_time cpu = (ws_time)(ckpt - c->ckpt_written + bg - c->bg_written) * c->write +
                  (ws_time)(flushes - c->flushes) * c->flush +
                  (ws_time)((double)(dev - c->dev_written) / 1024.0 * (double)c->writeback_kb);
    c->ckpt_written = ckpt;
    c->bg_written = bg;
    c->flushes = flushes;
    c->dev_written = dev;
    if (cpu > 0) {
        db->st.cpu_bg += cpu;
        if (c->bg)
            c->bg(c->bg_ctx, cpu);
    }
    ws_sim_at(sim, ws_sim_now(sim) + TICK, on_tick, db, 0);
}

void ws_cpucost_init(ws_db *db)
{
    ws_cpucost *c = &db->cpu;
    const ws_config *cfg = db->cfg;
    c->read = (ws_time)ws_cfg_num(cfg, WS_S_os_cpu_page_read);
    c->write = (ws_time)ws_cfg_num(cfg, WS_S_os_cpu_page_write);
    c->fpi = (ws_time)ws_cfg_num(cfg, WS_S_os_cpu_fpi);
    c->wal_kb = (ws_time)ws_cfg_num(cfg, WS_S_os_cpu_wal_kb);
    c->flush = (ws_time)ws_cfg_num(cfg, WS_S_os_cpu_flush);
    c->writeback_kb = (ws_time)ws_cfg_num(cfg, WS_S_os_cpu_writeback_kb);
    if (c->write > 0 || c->flush > 0 || c->writeback_kb > 0)
        ws_sim_at(db->sim, ws_sim_now(db->sim) + TICK, on_tick, db, 0);
}

ws_time ws_cpucost_tx(ws_db *db, uint64_t reads, uint64_t writes, uint32_t fpi, uint64_t wal_bytes)
{
    const ws_cpucost *c = &db->cpu;
    ws_time cpu = (ws_time)reads * c->read + (ws_time)writes * c->write + (ws_time)fpi * c->fpi +
                  (ws_time)((double)wal_bytes / 1024.0 * (double)c->wal_kb);
    db->st.cpu_tx_io += cpu;
    return cpu;
}
