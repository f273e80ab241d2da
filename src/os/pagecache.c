/*
 * pagecache.c - dirty data per file, the flusher, writeback hints, fsync
 * and dirty throttling (see pagecache.h).
 */
#include "walsim/pagecache.h"

#include <stdlib.h>

static void on_flusher(ws_sim *sim, void *ctx, uint64_t arg);
static void background(ws_pagecache *pc);

static void submit(ws_pagecache *pc, ws_pc_file *f, uint64_t bytes, ws_io_class cls)
{
    if (bytes > f->dirty)
        bytes = f->dirty;
    if (bytes == 0)
        return;
    f->dirty -= bytes;
    pc->dirty -= bytes;
    f->written_by = ws_device_write(pc->dev, ws_sim_now(pc->sim), bytes, cls);
}

int ws_pc_init(ws_pagecache *pc, ws_sim *sim, ws_device *dev, const ws_config *cfg)
{
    *pc = (ws_pagecache){.sim = sim, .dev = dev};
    double ram = ws_cfg_num(cfg, WS_S_os_ram);
    double sb = ws_cfg_num(cfg, WS_S_shared_buffers);
    double dirtyable = ram > sb ? ram - sb : ram * 0.1;
    double bg = ws_cfg_num(cfg, WS_S_dirty_background_bytes);
    double hard = ws_cfg_num(cfg, WS_S_dirty_bytes);
    pc->bg_thresh = (uint64_t)(bg > 0 ? bg : dirtyable * (double)ws_cfg_int(cfg, WS_S_dirty_background_ratio) / 100);
    pc->thresh = (uint64_t)(hard > 0 ? hard : dirtyable * (double)ws_cfg_int(cfg, WS_S_dirty_ratio) / 100);
    if (pc->bg_thresh >= pc->thresh) /* domain_dirty_limits() */
        pc->bg_thresh = pc->thresh / 2;
    pc->expire = ws_cfg_int(cfg, WS_S_dirty_expire) * 10 * WS_MSEC;
    pc->period = ws_cfg_int(cfg, WS_S_dirty_writeback) * 10 * WS_MSEC;
    if (pc->period > 0)
        ws_sim_after(sim, pc->period, on_flusher, pc, 0);
    return 0;
}

void ws_pc_destroy(ws_pagecache *pc)
{
    free(pc->files);
    pc->files = NULL;
}

uint32_t ws_pc_file_new(ws_pagecache *pc)
{
    if (pc->n_files == pc->cap_files) {
        pc->cap_files = pc->cap_files ? 2 * pc->cap_files : 64;
        pc->files = realloc(pc->files, pc->cap_files * sizeof *pc->files);
        if (!pc->files)
            abort();
    }
    pc->files[pc->n_files] = (ws_pc_file){0, 0, 0};
    return pc->n_files++;
}

ws_time ws_pc_write(ws_pagecache *pc, uint32_t file, uint64_t bytes)
{
    ws_pc_file *f = &pc->files[file];
    if (f->dirty == 0)
        f->dirtied_at = ws_sim_now(pc->sim);
    f->dirty += bytes;
    pc->dirty += bytes;
    if (pc->dirty > pc->dirty_peak)
        pc->dirty_peak = pc->dirty;
    /* Above the background threshold the flusher is woken at once
     * (balance_dirty_pages -> wb_start_background_writeback). */
    if (pc->dirty > pc->bg_thresh)
        background(pc);
    if (pc->dirty <= pc->thresh)
        return 0;
    /* Above the hard limit: pause the writer for the time the device needs
     * to drain the excess, at most 200 ms (MAX_PAUSE in page-writeback.c). */
    pc->throttled++;
    double pause = (double)(pc->dirty - pc->thresh) / pc->dev->write_bw;
    return (ws_time)(pause > 0.2 ? 0.2 * 1e9 : pause * 1e9);
}

void ws_pc_hint(ws_pagecache *pc, uint32_t file, uint64_t bytes, ws_io_class cls)
{
    submit(pc, &pc->files[file], bytes, cls);
}

ws_time ws_pc_fsync(ws_pagecache *pc, uint32_t file, ws_io_class cls)
{
    ws_pc_file *f = &pc->files[file];
    submit(pc, f, f->dirty, cls);
    ws_time now = ws_sim_now(pc->sim);
    ws_time done = f->written_by > now ? f->written_by : now;
    return done + pc->dev->flush_latency;
}

/* The flusher's periodic wake-up (wb_workfn): expired files first, then
 * the oldest files while above the background threshold. */
static void on_flusher(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    ws_pagecache *pc = ctx;
    ws_time now = ws_sim_now(sim);
    for (uint32_t i = 0; i < pc->n_files; i++) {
        ws_pc_file *f = &pc->files[i];
        if (f->dirty && now - f->dirtied_at >= pc->expire)
            submit(pc, f, f->dirty, WS_IO_WRITEBACK);
    }
    background(pc);
    ws_sim_after(sim, pc->period, on_flusher, pc, 0);
}

/* Background writeback: the oldest dirty files until below bg_thresh.
 * O(files) per call; walsim has a few hundred files at most. */
static void background(ws_pagecache *pc)
{
    while (pc->dirty > pc->bg_thresh) {
        ws_pc_file *oldest = NULL;
        for (uint32_t i = 0; i < pc->n_files; i++)
            if (pc->files[i].dirty && (!oldest || pc->files[i].dirtied_at < oldest->dirtied_at))
                oldest = &pc->files[i];
        if (!oldest)
            break;
        submit(pc, oldest, oldest->dirty, WS_IO_WRITEBACK);
    }
}
