/*
 * pagecache.c - dirty data per file, the flusher, writeback hints, fsync
 * and dirty throttling (see pagecache.h).
 */
#include "walsim/pagecache.h"

#include <math.h>
#include <stdlib.h>

#define MAX_PAUSE (200 * WS_MSEC)        /* MAX_PAUSE = HZ/5 (page-writeback.c) */
#define MIN_CHUNK (4 * 1048576.0)        /* MIN_WRITEBACK_PAGES */
#define ACTIVE_WINDOW WS_SEC             /* a task that wrote this recently is dirtying */

static void on_flusher(ws_sim *sim, void *ctx, uint64_t arg);
static void feed(ws_pagecache *pc);

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
    /* writeback_chunk_size(): min(avg_write_bandwidth / 2, dirty_limit /
     * DIRTY_SCOPE), in whole MIN_WRITEBACK_PAGES (4 MiB) */
    double chunk = fmin(dev->write_bw / 2, (double)pc->thresh / 8);
    chunk = floor(chunk / MIN_CHUNK) * MIN_CHUNK;
    pc->chunk = (uint64_t)(chunk < MIN_CHUNK ? MIN_CHUNK : chunk);
    pc->expire = ws_cfg_int(cfg, WS_S_dirty_expire) * 10 * WS_MSEC;
    pc->period = ws_cfg_int(cfg, WS_S_dirty_writeback) * 10 * WS_MSEC;
    pc->kupdate_cutoff = -1;
    for (int i = 0; i < WS_PC__WRITERS; i++)
        pc->last_write[i] = -ACTIVE_WINDOW;
    if (pc->period > 0)
        ws_sim_after(sim, pc->period, on_flusher, pc, 0);
    return 0;
}

void ws_pc_destroy(ws_pagecache *pc)
{
    free(pc->files);
    pc->files = NULL;
    free(pc->dirtied);
    pc->dirtied = NULL;
}

/* ---- the dirty files, oldest first (a binary heap) ----------------------- */

static bool dirtied_before(ws_pc_dirtied a, ws_pc_dirtied b)
{
    return a.at < b.at || (a.at == b.at && a.file < b.file);
}

static void dirtied_push(ws_pagecache *pc, ws_time at, uint32_t file)
{
    if (pc->n_dirtied == pc->cap_dirtied) {
        pc->cap_dirtied = pc->cap_dirtied ? 2 * pc->cap_dirtied : 64;
        pc->dirtied = realloc(pc->dirtied, pc->cap_dirtied * sizeof *pc->dirtied);
        if (!pc->dirtied)
            abort();
    }
    ws_pc_dirtied e = {at, file}, *h = pc->dirtied;
    uint32_t i = pc->n_dirtied++;
    while (i > 0 && dirtied_before(e, h[(i - 1) / 2])) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = e;
}

static void dirtied_pop(ws_pagecache *pc)
{
    ws_pc_dirtied *h = pc->dirtied, e = h[--pc->n_dirtied];
    uint32_t n = pc->n_dirtied, i = 0;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && dirtied_before(h[c + 1], h[c]))
            c++;
        if (!dirtied_before(h[c], e))
            break;
        h[i] = h[c];
        i = c;
    }
    if (n > 0)
        h[i] = e;
}

uint32_t ws_pc_file_new(ws_pagecache *pc)
{
    if (pc->n_files == pc->cap_files) {
        pc->cap_files = pc->cap_files ? 2 * pc->cap_files : 64;
        pc->files = realloc(pc->files, pc->cap_files * sizeof *pc->files);
        if (!pc->files)
            abort();
    }
    pc->files[pc->n_files] = (ws_pc_file){0};
    return pc->n_files++;
}

uint64_t ws_pc_writeback_bytes(const ws_pagecache *pc)
{
    uint64_t n = 0;
    ws_device_sync(pc->dev);
    for (int s = 0; s < WS_STREAM__COUNT; s++)
        n += pc->dev->s[s].dispatched - pc->dev->s[s].done;
    return n;
}

/* Dirty as /proc/meminfo shows it: what was handed to a stream but is
 * not yet on the device is still Dirty. */
static inline uint64_t dirty_shown(const ws_pagecache *pc)
{
    ws_device_sync(pc->dev);
    uint64_t n = pc->dirty;
    for (int s = 0; s < WS_STREAM__COUNT; s++)
        n += pc->dev->s[s].queued - pc->dev->s[s].dispatched;
    return n;
}

uint64_t ws_pc_dirty_bytes(const ws_pagecache *pc) { return dirty_shown(pc); }

/* Hands n of f's dirty bytes to stream s. */
static void hand(ws_pagecache *pc, ws_pc_file *f, ws_stream s, uint64_t n, ws_io_class cls)
{
    if (n > f->dirty)
        n = f->dirty;
    if (n == 0)
        return;
    f->dirty -= n;
    pc->dirty -= n;
    f->ticket[s] = ws_device_writeback(pc->dev, s, n, cls);
}

/* balance_dirty_pages' freerun: below it writers are not paused. */
static double freerun_bytes(const ws_pagecache *pc)
{
    return ((double)pc->thresh + (double)pc->bg_thresh) / 2;
}

/* `bytes` of `file` become dirty now: the oldest-first order, the counts
 * and the peak of what /proc/meminfo would show as Dirty. */
static inline void dirty_add(ws_pagecache *pc, uint32_t file, uint64_t bytes, ws_time now)
{
    ws_pc_file *f = &pc->files[file];
    if (f->dirty == 0 && bytes > 0) {
        f->dirtied_at = now;
        dirtied_push(pc, now, file);
    }
    f->dirty += bytes;
    pc->dirty += bytes;
    uint64_t shown = dirty_shown(pc);
    if (shown > pc->dirty_peak)
        pc->dirty_peak = shown;
}

double ws_pc_pos_ratio(const ws_pagecache *pc, uint64_t D)
{
    double limit = (double)pc->thresh;
    double freerun = freerun_bytes(pc);
    double setpoint = (freerun + limit) / 2;
    if ((double)D >= limit)
        return 0;
    if (limit <= setpoint)
        return 2;
    double x = (setpoint - (double)D) / (limit - setpoint);
    double r = 1 + x * x * x;
    return r < 0 ? 0 : r > 2 ? 2 : r;
}

ws_time ws_pc_write(ws_pagecache *pc, uint32_t file, uint64_t bytes, ws_pc_writer who, ws_time at)
{
    ws_time now = ws_sim_now(pc->sim);
    if (at < now)
        at = now;
    dirty_add(pc, file, bytes, now);
    /* Above the background threshold the flusher is woken at once
     * (balance_dirty_pages -> wb_start_background_writeback). */
    if (pc->dirty > pc->bg_thresh)
        feed(pc);

    /* balance_dirty_pages: dirty + writeback against freerun. */
    uint64_t D = pc->dirty + ws_device_writeback_pending(pc->dev);
    ws_time last = pc->last_write[who];
    pc->last_write[who] = at;
    if ((double)D < freerun_bytes(pc))
        return 0;
    int tasks = 0;
    for (int i = 0; i < WS_PC__WRITERS; i++)
        tasks += at - pc->last_write[i] < ACTIVE_WINDOW;
    double pos = ws_pc_pos_ratio(pc, D);
    ws_time pause;
    if (pos <= 0) {
        pause = MAX_PAUSE; /* at the limit: sleep max_pause and try again */
    } else {
        /* The task may dirty at write_bw x pos_ratio / tasks; a write
         * that comes sooner than that rate allows waits the difference
         * ("pause = period - (now - dirty_paused_when)"). */
        double rate = pc->dev->write_bw * pos / tasks;
        pause = (ws_time)((double)bytes / rate * 1e9) - (at - last);
        if (pause < 0)
            pause = 0;
        if (pause > MAX_PAUSE)
            pause = MAX_PAUSE;
    }
    if (pause > 0) {
        pc->throttled++;
        pc->throttle_ns += pause;
        pc->last_write[who] = at + pause;
    }
    return pause;
}

bool ws_pc_write_run(ws_pagecache *pc, uint32_t file, uint64_t bytes, uint64_t n, ws_pc_writer who,
                     ws_time at, ws_time step)
{
    ws_time now = ws_sim_now(pc->sim);
    if (n == 0 || at < now)
        return false;
    uint64_t total = bytes * n;
    /* ws_pc_write wakes the flusher above the background threshold (a
     * call while it is feeding returns at once) and pauses at freerun:
     * the last of the n writes sees the most of both */
    if (pc->dirty + total > pc->bg_thresh && !pc->feeding)
        return false;
    if ((double)(pc->dirty + total + ws_device_writeback_pending(pc->dev)) >= freerun_bytes(pc))
        return false;
    dirty_add(pc, file, total, now);
    pc->last_write[who] = at + (ws_time)(n - 1) * step;
    return true;
}

void ws_pc_hint(ws_pagecache *pc, uint32_t file, uint64_t bytes, ws_io_class cls)
{
    hand(pc, &pc->files[file], WS_STREAM_NORMAL, bytes, cls);
}

/* ---- fsync -------------------------------------------------------------- */

typedef struct fsync_op {
    ws_pagecache *pc;
    int left;                /* streams still writing the file's bytes */
    ws_pc_done_fn fn;
    void *ctx;
    uint64_t arg;
} fsync_op;

static void on_fsync_flushed(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)arg;
    fsync_op op = *(fsync_op *)ctx;
    free(ctx);
    op.fn(op.ctx, op.arg);
}

static void on_fsync_stream(void *ctx, uint64_t arg)
{
    (void)arg;
    fsync_op *op = ctx;
    if (--op->left > 0)
        return;
    /* every byte is written: the cache flush (blkdev_issue_flush) */
    ws_time now = ws_sim_now(op->pc->sim);
    ws_sim_at(op->pc->sim, ws_device_flush(op->pc->dev, now), on_fsync_flushed, op, 0);
}

void ws_pc_fsync(ws_pagecache *pc, uint32_t file, ws_io_class cls, ws_pc_done_fn fn, void *ctx,
                 uint64_t arg)
{
    ws_pc_file *f = &pc->files[file];
    hand(pc, f, WS_STREAM_SYNC, f->dirty, cls);
    fsync_op *op = malloc(sizeof *op);
    if (!op)
        abort();
    *op = (fsync_op){pc, WS_STREAM__COUNT, fn, ctx, arg};
    /* wait for the file's bytes in every stream: earlier hints and the
     * flusher's, which fsync waits for too (file_write_and_wait_range) */
    for (int s = 0; s < WS_STREAM__COUNT; s++)
        ws_device_wait(pc->dev, (ws_stream)s, f->ticket[s], on_fsync_stream, op, 0);
}

/* ---- the flusher ------------------------------------------------------- */

/* The file the flusher writes next: the oldest one due for expiry
 * (kupdate), else, above the background threshold, the oldest dirty one;
 * NULL when there is nothing to do.  O(files): walsim has one file per
 * 1 GB of relation. */
static ws_pc_file *next_file(ws_pagecache *pc)
{
    /* the oldest entry whose file is still dirty since then (at equal
     * times, the lowest file number) */
    ws_pc_file *oldest = NULL;
    while (pc->n_dirtied > 0) {
        ws_pc_file *f = &pc->files[pc->dirtied[0].file];
        if (f->dirty && f->dirtied_at == pc->dirtied[0].at) {
            oldest = f;
            break;
        }
        dirtied_pop(pc);
    }
    if (!oldest)
        return NULL;
    if (oldest->dirtied_at <= pc->kupdate_cutoff || pc->dirty > pc->bg_thresh)
        return oldest;
    return NULL;
}

static void on_fed(void *ctx, uint64_t arg)
{
    (void)arg;
    ws_pagecache *pc = ctx;
    pc->feeding = false;
    feed(pc);
}

/* Keeps the background stream supplied, a chunk of a file at a time, while
 * the flusher has work; waits on the stream when it has enough. */
static void feed(ws_pagecache *pc)
{
    if (pc->feeding)
        return;
    ws_device_sync(pc->dev);
    ws_dev_stream *bg = &pc->dev->s[WS_STREAM_BACKGROUND];
    ws_pc_file *f;
    while ((f = next_file(pc)) != NULL) {
        if (bg->queued - bg->dispatched >= 2 * bg->piece) {
            pc->feeding = true;
            ws_device_wait(pc->dev, WS_STREAM_BACKGROUND, bg->queued - bg->piece, on_fed, pc, 0);
            return;
        }
        hand(pc, f, WS_STREAM_BACKGROUND, pc->chunk, WS_IO_WRITEBACK);
    }
}

/* The periodic wake-up (wb_check_old_data_flush): files dirty for longer
 * than dirty_expire become due. */
static void on_flusher(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    ws_pagecache *pc = ctx;
    ws_time now = ws_sim_now(sim);
    pc->kupdate_cutoff = now - pc->expire;
    feed(pc);
    ws_sim_after(sim, pc->period, on_flusher, pc, 0);
}
