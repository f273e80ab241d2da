/*
 * wal.c - WAL insertion, group commit, WAL writer, segment lifecycle
 * (see wal.h).
 */
#include "walsim/wal.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/pgrules.h"

#define XLOG_BLCKSZ 8192

static void on_flush_done(ws_sim *sim, void *ctx, uint64_t target);
static void fluid_arm(ws_wal *w);
static void on_writer(ws_sim *sim, void *ctx, uint64_t arg);
static bool bulk_pays(ws_wal *w);
static void bulk_enter(ws_wal *w);
static void bulk_rates(ws_wal *w);
static void bulk_due(ws_wal *w, ws_time wet, ws_time now);
static void bulk_leave(ws_wal *w);
static void before_request(void *ctx, ws_time t);

int ws_wal_init(ws_wal *w, ws_sim *sim, ws_device *dev, const ws_config *cfg)
{
    *w = (ws_wal){.sim = sim, .dev = dev};
    w->seg = ws_cfg_int(cfg, WS_S_wal_segment_size);
    w->commit_delay = ws_cfg_int(cfg, WS_S_commit_delay) * WS_USEC;
    w->commit_siblings = (int)ws_cfg_int(cfg, WS_S_commit_siblings);
    w->fsync = ws_cfg_bool(cfg, WS_S_fsync);
    w->writer_delay = ws_cfg_int(cfg, WS_S_wal_writer_delay);
    w->buffers = (uint64_t)ws_pg_wal_buffers(ws_cfg_int(cfg, WS_S_wal_buffers),
                                             ws_cfg_int(cfg, WS_S_shared_buffers), w->seg);
    w->q_cap = 1024;
    w->q = malloc(w->q_cap * sizeof *w->q);
    if (!w->q)
        return -1;
    /* The run starts right after a checkpoint: pg_wal holds min_wal_size
     * worth of segments from the current one. */
    w->oldest_seg = 0;
    w->horizon_seg = ws_pg_segs(ws_cfg_int(cfg, WS_S_min_wal_size), w->seg) - 1;
    w->pg_wal_peak = ws_wal_pg_wal_bytes(w);
    w->slot_lost_at = -1;
    const char *chain = getenv("WALSIM_FLUSH_CHAIN");
    w->bulk_ok = !(chain && strcmp(chain, "each") == 0);
    ws_sim_after(sim, w->writer_delay, on_writer, w, 0);
    return 0;
}

void ws_wal_destroy(ws_wal *w)
{
    free(w->q);
    w->q = NULL;
}

void ws_wal_lsn_text(uint64_t lsn, char *buf, size_t len)
{
    uint64_t l = lsn + WS_LSN_BASE;
    snprintf(buf, len, "%X/%X", (unsigned)(l >> 32), (unsigned)(l & 0xffffffffu));
}

void ws_wal_file_name(const ws_wal *w, uint64_t lsn, char *buf, size_t len)
{
    /* XLogFileName: timeline, then the segment number split at 4 GB */
    uint64_t per_xlogid = UINT64_C(0x100000000) / (uint64_t)w->seg;
    uint64_t segno = (lsn + WS_LSN_BASE) / (uint64_t)w->seg;
    snprintf(buf, len, "%08X%08X%08X", 1u, (unsigned)(segno / per_xlogid),
             (unsigned)(segno % per_xlogid));
}

uint64_t ws_wal_pg_wal_bytes(const ws_wal *w)
{
    int64_t cur = (int64_t)(w->insert / (uint64_t)w->seg);
    int64_t last = cur > w->horizon_seg ? cur : w->horizon_seg;
    return (uint64_t)(last - w->oldest_seg + 1) * (uint64_t)w->seg;
}

/* The insert position moves by `bytes`: the segment hooks of every
 * boundary crossed. */
static void advance(ws_wal *w, uint64_t bytes)
{
    uint64_t to = w->insert + bytes;
    if (w->insert >= w->seg_lo && to - w->seg_lo < (uint64_t)w->seg) {
        w->insert = to; /* within the segment it was last seen in */
        return;
    }
    int64_t before = (int64_t)(w->insert / (uint64_t)w->seg);
    w->insert += bytes;
    int64_t after = (int64_t)(w->insert / (uint64_t)w->seg);
    w->seg_lo = (uint64_t)after * (uint64_t)w->seg;
    if (after != before) {
        uint64_t size = ws_wal_pg_wal_bytes(w);
        if (size > w->pg_wal_peak)
            w->pg_wal_peak = size;
        for (int64_t s = before; s < after; s++) {
            if (w->on_segment)
                w->on_segment(w->seg_ctx, s);
            if (w->on_ready)
                w->on_ready(w->ready_ctx, s);
        }
        /* The next segment's file: a new one when none was recycled ahead
         * (XLogFileInit writes "xlogtemp.PID" in full first). */
        if (w->vol_limit && !w->full && size > w->vol_limit) {
            w->full = true;
            if (w->on_full)
                w->on_full(w->full_ctx, after);
        }
    }
}

/* fluid_drain with the chain counted in bulk: the flushes due by `now`
 * (the clock's, or an instant the device is catching up with: its hook)
 * too, counted while fluid WAL came in (up to `wet`). */
static void fluid_drain_bulk(ws_wal *w, ws_time now)
{
    ws_time wet = now;
    if (w->fl.left == 0) {
        wet = w->fl.at; /* dry since the last drain */
    } else if (w->fl.rate > 0) {
        double dry = (double)w->fl.at + ((double)w->fl.left - w->fl.frac) / w->fl.rate;
        if (dry < (double)now)
            wet = (ws_time)dry;
    }
    uint64_t n = ws_pace_due(&w->fl, now, NULL);
    if (n)
        advance(w, n);
    bulk_due(w, wet, now);
}

/* Fluid WAL not yet inserted goes in at its pace (ws_wal_insert_fluid),
 * and the flushes counted in bulk are done up to now. */
static inline void fluid_drain(ws_wal *w)
{
    if (w->bulk) {
        /* the device catches up first: its hook counts the flushes due
         * by each piece it completed since, in their order */
        ws_device_sync(w->dev);
        fluid_drain_bulk(w, ws_sim_now(w->sim));
    } else if (w->fl.left > 0) { /* (none without transaction sampling) */
        uint64_t n = ws_pace_due(&w->fl, ws_sim_now(w->sim), NULL);
        if (n)
            advance(w, n);
    }
}

/* Records, bytes and images inserted, in the statistics. */
static void count(ws_wal *w, uint64_t bytes, uint64_t records, uint32_t fpi,
                  uint64_t fpi_bytes, uint64_t fpi_raw)
{
    w->st.records += records;
    w->st.bytes += bytes;
    w->st.fpi += fpi;
    w->st.fpi_bytes += fpi_bytes;
    w->st.fpi_raw_bytes += fpi_raw;
}

uint64_t ws_wal_insert(ws_wal *w, uint64_t bytes, uint32_t fpi, uint64_t fpi_bytes,
                       uint64_t fpi_raw)
{
    fluid_drain(w);
    count(w, bytes, 1, fpi, fpi_bytes, fpi_raw);
    advance(w, bytes);
    return w->insert;
}

void ws_wal_insert_fluid(ws_wal *w, uint64_t bytes, uint64_t records, uint32_t fpi,
                         uint64_t fpi_bytes, uint64_t fpi_raw, ws_time span)
{
    fluid_drain(w);
    count(w, bytes, records, fpi, fpi_bytes, fpi_raw);
    /* what is left of the last batch and this one go in over `span`: the
     * pace follows the load, and no lump is inserted at once when the next
     * batch comes early (their gaps vary); no span: all of it now */
    ws_pace_add(&w->fl, ws_sim_now(w->sim), bytes, span);
    if (span <= 0)
        fluid_drain(w);
}

uint64_t ws_wal_insert_pos(ws_wal *w)
{
    fluid_drain(w);
    return w->insert;
}

ws_time ws_wal_buffers_wait(ws_wal *w)
{
    /* Bytes a flush in progress is writing are not the backend's to write. */
    uint64_t out = w->written > w->flushed ? w->written : w->flushed;
    if (w->flushing && w->flush_target > out)
        out = w->flush_target;
    uint64_t unwritten = w->insert - out;
    if (unwritten <= w->buffers)
        return 0;
    /* The backend writes out what does not fit (a write, no fsync); a
     * flush is started for the rest. */
    w->st.buffers_full++;
    uint64_t excess = unwritten - w->buffers;
    ws_time now = ws_sim_now(w->sim);
    ws_time done = ws_device_write(w->dev, now, excess, WS_IO_WAL);
    w->written = w->insert - w->buffers;
    ws_wal_kick(w);
    return done - now;
}

static void start_flush(ws_wal *w)
{
    assert(!w->flushing);
    fluid_drain(w);
    uint64_t target = w->insert;
    if (target <= w->flushed)
        return;
    /* Whole WAL pages are written: a partly filled page is written again
     * by the next flush. */
    uint64_t done_to = w->written > w->flushed ? w->written : w->flushed;
    uint64_t from = done_to / XLOG_BLCKSZ * XLOG_BLCKSZ;
    uint64_t to = (target + XLOG_BLCKSZ - 1) / XLOG_BLCKSZ * XLOG_BLCKSZ;
    ws_time now = ws_sim_now(w->sim);
    ws_time start = now;
    if (w->commit_delay > 0 && w->active - 1 >= w->commit_siblings)
        start += w->commit_delay; /* the leader naps first (XLogFlush) */
    ws_time done = ws_device_write(w->dev, start, to - from, WS_IO_WAL);
    if (w->fsync)
        done = ws_device_flush(w->dev, done); /* fdatasync's cache flush */
    w->flushing = true;
    w->flush_target = target;
    w->flush_start = now;
    w->flush_done_at = done;
    w->st.write++;
    w->st.sync++;
    w->st.sync_time += done - now;
    ws_sim_at(w->sim, done, on_flush_done, w, target);
}

ws_time ws_wal_flushed_by(ws_wal *w, uint64_t lsn)
{
    fluid_drain(w);
    ws_time now = ws_sim_now(w->sim);
    if (lsn <= w->flushed)
        return now;
    if (w->bulk)
        bulk_leave(w);
    if (!w->flushing)
        start_flush(w);
    if (!w->flushing)
        return now;
    if (lsn <= w->flush_target)
        return w->flush_done_at;
    /* the next flush, which starts when this one ends, covers it; it
     * takes about as long as this one */
    return w->flush_done_at + (w->flush_done_at - w->flush_start);
}

void ws_wal_kick(ws_wal *w)
{
    if (w->bulk)
        fluid_drain(w); /* the chain in bulk flushes what is inserted */
    else if (!w->flushing)
        start_flush(w);
}

/* The waiters, sorted by LSN, then by arrival: q[q_head .. q_head + q_len).
 * They come nearly in LSN order (a transaction commits soon after it
 * inserts its record), so a new one goes in at the end or a few places
 * before it, and the next one due is at the front. */
static bool waiter_before(const ws_wal_waiter *x, const ws_wal_waiter *y)
{
    return x->lsn < y->lsn || (x->lsn == y->lsn && x->seq < y->seq);
}

static void waiter_push(ws_wal *w, ws_wal_waiter x)
{
    if (w->q_head + w->q_len == w->q_cap) {
        if (w->q_head >= w->q_cap / 2) { /* half of it free at the front: move down */
            memmove(w->q, w->q + w->q_head, w->q_len * sizeof *w->q);
            w->q_head = 0;
        } else {
            ws_wal_waiter *nq = realloc(w->q, 2 * w->q_cap * sizeof *nq);
            if (!nq)
                abort();
            w->q = nq;
            w->q_cap *= 2;
        }
    }
    uint32_t i = w->q_head + w->q_len++;
    while (i > w->q_head && waiter_before(&x, &w->q[i - 1])) {
        w->q[i] = w->q[i - 1];
        i--;
    }
    w->q[i] = x;
}

static ws_wal_waiter waiter_pop(ws_wal *w)
{
    assert(w->q_len > 0);
    ws_wal_waiter top = w->q[w->q_head++];
    if (--w->q_len == 0)
        w->q_head = 0;
    return top;
}

void ws_wal_flush(ws_wal *w, uint64_t lsn, ws_wal_done_fn fn, void *ctx, uint64_t arg)
{
    if (w->bulk)
        fluid_drain(w);
    if (lsn <= w->flushed) {
        fn(ctx, arg);
        return;
    }
    if (w->bulk)
        bulk_leave(w);
    waiter_push(w, (ws_wal_waiter){lsn, w->q_seq++, fn, ctx, arg});
    if (!w->flushing)
        start_flush(w);
}

static void on_flush_done(ws_sim *sim, void *ctx, uint64_t target)
{
    (void)sim;
    ws_wal *w = ctx;
    w->flushing = false;
    if (target > w->flushed)
        w->flushed = target;
    if (w->flushed > w->written)
        w->written = w->flushed;
    /* Release every waiter the flush covered, whenever it came: a
     * transaction that inserted its record long ago and commits late (it
     * waited on a read) is not held behind later ones with newer LSNs. */
    while (w->q_len && w->q[w->q_head].lsn <= w->flushed) {
        ws_wal_waiter x = waiter_pop(w);
        x.fn(x.ctx, x.arg);
    }
    if (w->q_len && !w->flushing)
        start_flush(w);
    fluid_drain(w);
    if (!w->flushing && w->fluid_rate > 0 && w->bulk_ok && w->inflight == 0 && w->q_len == 0 &&
        bulk_pays(w)) {
        bulk_enter(w);
        return;
    }
    if (!w->flushing && w->fluid_rate > 0) {
        /* a fluid commit that arrived during the flush leads the next one,
         * unless its record was inserted before the flush started (it
         * commits a delay after its record, drawn from the simulated
         * transactions' recent ones: then this flush covered it) */
        ws_time len = ws_sim_now(sim) - w->flush_start, sum = 0;
        uint32_t n = w->n_delay < WS_WAL_DELAYS ? w->n_delay : WS_WAL_DELAYS;
        for (uint32_t i = 0; i < n && w->delay_sorted[i] < len; i++) /* in order: the few below */
            sum += len - w->delay_sorted[i];
        double open = n ? (double)sum / n : (double)len;
        double p = -expm1(-w->fluid_rate * open / 1e9);
        if (w->insert > w->flushed && ws_rng_uniform(w->fluid_rng) < p)
            start_flush(w);
        else
            fluid_arm(w);
    }
}

/* The first fluid commit that needs a flush, while none runs: it starts
 * one (a flush that is running is judged when it ends).  arg: the arming
 * it was drawn for; a later arming makes it stale. */
static void on_fluid_commit(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    ws_wal *w = ctx;
    if (arg != w->fluid_gen || w->fluid_rate <= 0 || w->flushing || w->bulk)
        return;
    fluid_drain(w);
    if (w->insert > w->flushed)
        start_flush(w);
    if (!w->flushing)
        fluid_arm(w);
}

/* Draws when the next fluid commit that needs a flush comes.  Fluid
 * commits arrive at fluid_rate (Poisson); one at t needs a flush when its
 * record went in after the last flush started, i.e. its delay (drawn from
 * the recent ones) is under t - flush_start.  Those are a Poisson process
 * of intensity rate x F(t - flush_start), F the delays' empirical
 * distribution: its first point y solves rate x (A(y) - A(x)) = Exp(1),
 * A the integral of F (delay_area at the sorted delays, piecewise linear
 * between them), x the time since the last flush started.  One event per
 * flush instead of one per fluid commit. */
static void fluid_arm(ws_wal *w)
{
    if (w->fluid_rate <= 0)
        return;
    ws_time now = ws_sim_now(w->sim);
    double need = ws_rng_exp(w->fluid_rng, 1) / w->fluid_rate * 1e9; /* ns at full intensity */
    uint32_t n = w->n_delay < WS_WAL_DELAYS ? w->n_delay : WS_WAL_DELAYS;
    const ws_time *d = w->delay_sorted;
    const double *A = w->delay_area; /* n x the integral of F */
    double x = (double)(now - w->flush_start); /* time since the last flush started */
    uint32_t k = 0, hi = n;                       /* k: delays below x, F(x) = k / n */
    while (k < hi) {
        uint32_t mid = (k + hi) / 2;
        if ((double)d[mid] < x)
            k = mid + 1;
        else
            hi = mid;
    }
    double at;
    if (k == n) { /* past every delay: F = 1 */
        at = x + need;
    } else {
        double target = (k ? A[k - 1] + (x - (double)d[k - 1]) * k : 0) + need * n;
        uint32_t j = k; /* the first sorted delay whose area reaches the target */
        hi = n;
        while (j < hi) {
            uint32_t mid = (j + hi) / 2;
            if (A[mid] < target)
                j = mid + 1;
            else
                hi = mid;
        }
        if (j == n)
            at = (double)d[n - 1] + (target - A[n - 1]) / n;
        else if (j == 0)
            at = x; /* need 0 */
        else /* F = j / n between d[j - 1] and d[j] */
            at = (double)d[j - 1] + (target - A[j - 1]) / j;
        if (at < x)
            at = x;
    }
    ws_time when = w->flush_start + (ws_time)llround(at);
    ws_sim_at(w->sim, when > now ? when : now, on_fluid_commit, w, ++w->fluid_gen);
}

/* ---- The fluid flush chain in bulk --------------------------------------
 *
 * Transaction sampling at 50,000 tx/s runs thousands of fluid flushes a
 * second, two events each, most of the run's time.  While no simulated
 * transaction is in the system (ws_wal_tx_start to its commit) and none
 * waits for a flush, nothing depends on when each of them starts and
 * ends, only on how many there are and what they write.  So from the end
 * of a flush with none in the system, the chain is counted in bulk: a
 * phase moves through its mean cycle (a flush of S, then the mean gap
 * until a fluid commit whose record went in after the flush started) and
 * a flush is counted each time it passes a whole number; their bytes join
 * the device's queue as one piece before each request
 * (ws_device_set_before), so the FIFO holds them in order.  When a
 * simulated transaction arrives, the chain is simulated one by one again
 * from a state drawn from its own: a flush in progress, or a gap since
 * the last one started (the next fluid commit drawn as always); by its
 * commit, after its CPU time and reads, the chain has run about a cycle
 * one by one (bulk_pays).
 * docs/model.md ("Transaction sampling") says what this leaves out. */

/* How long a flush takes if started now: the device's queue delay now,
 * or its mean since bk_at (an instant's is not what a flush meets:
 * requests, and these counts with them, come when the queue is short),
 * then the write of bk_bytes and the cache flush.  *area (if not NULL)
 * gets the device's queue integral now. */
static double flush_time_area(ws_wal *w, ws_time now, double *area)
{
    ws_device_sync(w->dev); /* its hook may count flushes first */
    ws_time t = ws_device_write_time(w->dev, w->bk_bytes);
    double a = ws_device_queue_area(w->dev);
    if (area)
        *area = a;
    if (now > w->bk_at && w->bk_area >= 0)
        t += (ws_time)((a - w->bk_area) / (double)(now - w->bk_at));
    else
        t += ws_device_queue_delay(w->dev);
    if (w->fsync)
        t = ws_device_flush(w->dev, t);
    return (double)t;
}

static double flush_time(ws_wal *w, ws_time now) { return flush_time_area(w, now, NULL); }

/* The mean idle gap after a flush of S ns: the first fluid commit that
 * needs a flush comes at intensity rate x F(x), x the time since the flush
 * started (fluid_arm), so P(gap > t) = exp(-rate x G(S + t)), G the
 * integral of F, and the mean is the integral of that over t.  *p_wait:
 * P(gap > 0), minus the mean's derivative in S. */
static double idle_mean(const ws_wal *w, double S, double *p_wait)
{
    double lam = w->fluid_rate / 1e9; /* per ns */
    uint32_t n = w->n_delay < WS_WAL_DELAYS ? w->n_delay : WS_WAL_DELAYS;
    const ws_time *d = w->delay_sorted;
    const double *A = w->delay_area;
    if (n == 0) { /* every commit needs the next flush: F = 1 */
        *p_wait = exp(-lam * S);
        return *p_wait / lam;
    }
    uint32_t k = 0; /* delays below S: F = k / n from S to d[k] */
    while (k < n && (double)d[k] < S)
        k++;
    /* n G at S */
    double nG = k == 0 ? 0 : A[k - 1] + (S - (double)d[k - 1]) * k;
    *p_wait = exp(-lam * nG / n);
    double sum = 0, a = S;
    for (;; k++) {
        double e = exp(-lam * nG / n); /* P(no such commit by a) */
        if (e < 1e-12)
            break;
        if (k == n) { /* F = 1 from here */
            sum += e / lam;
            break;
        }
        double len = (double)d[k] - a;
        if (len > 0) {
            if (k == 0) {
                sum += len;
            } else {
                double c = lam * k / n;
                sum += e * -expm1(-c * len) / c;
            }
        }
        nG = A[k];
        a = (double)d[k];
    }
    return sum;
}

/* The mean gap after a flush of S, from the rates at bk_s0. */
static double bulk_gap(const ws_wal *w, double S)
{
    double g = w->bk_i0 - w->bk_di * (S - w->bk_s0);
    return g > 0 ? g : 0;
}

/* The chain's mean flush and gap at the current rate and delays. */
static void bulk_rates(ws_wal *w)
{
    w->bk_s0 = flush_time(w, ws_sim_now(w->sim));
    w->bk_i0 = idle_mean(w, w->bk_s0, &w->bk_di);
}

/* Whether the chain may be counted in bulk: when its mean cycle is no
 * longer than the simulated transactions' median delay from their record
 * to their commit (their CPU time comes before that), so that the chain
 * has run at least about a cycle one by one when a transaction that
 * arrived during a count commits, and the state drawn then matters
 * little.  A slow flush (a cloud volume's 1.6 ms at 2,000 tx/s: cycles
 * ten times the delays) keeps the chain one by one.  Judged again when
 * the rate moves by 5 % or a quarter of the delays kept are new; the
 * rates it draws up serve bulk_enter until then. */
static bool bulk_pays(ws_wal *w)
{
    if (w->n_delay - w->bk_judged < WS_WAL_DELAYS / 4 && w->n_delay >= WS_WAL_DELAYS / 4 &&
        fabs(w->fluid_rate - w->bk_judged_rate) <= 0.05 * w->bk_judged_rate)
        return w->bk_pays;
    uint32_t n = w->n_delay < WS_WAL_DELAYS ? w->n_delay : WS_WAL_DELAYS;
    if (w->bk_bytes == 0)
        w->bk_bytes = XLOG_BLCKSZ;
    w->bk_area = -1;
    bulk_rates(w);
    w->bk_judged = w->n_delay;
    w->bk_judged_rate = w->fluid_rate;
    w->bk_pays = n > 0 && w->bk_s0 + w->bk_i0 <= (double)w->delay_sorted[n / 2];
    return w->bk_pays;
}

static void bulk_enter(ws_wal *w)
{
    w->bulk = true;
    w->bk_at = ws_sim_now(w->sim);
    w->fluid_gen++; /* no fluid commit armed */
    w->bk_area = ws_device_queue_area(w->dev);
    /* the phase in the chain's cycle (a flush starts at each whole number
     * and a gap follows it): a flush just ended */
    w->bk_frac = w->bk_s0 / (w->bk_s0 + w->bk_i0);
}

/* The flushes counted in bulk from bk_at to now: the cycle's phase moves
 * at the chain's rate (with a flush as long as one started now) while
 * fluid WAL comes in (up to `wet`: the pace of the batches' WAL runs dry
 * when the next batch is late, and the chain then has nothing to flush)
 * and a flush starts each time it passes a whole number; their bytes
 * (what was inserted, and the partly filled page each writes again) join
 * the queue as one piece from bk_at, and everything inserted by now is
 * flushed. */
static void bulk_due(ws_wal *w, ws_time wet, ws_time now)
{
    if (now <= w->bk_at)
        return;
    double area;
    double S = flush_time_area(w, now, &area);
    ws_time from = w->bk_at;
    w->bk_at = now; /* before the device's hook can come back here */
    w->bk_area = area;
    if (wet <= from)
        return; /* no fluid WAL to flush: the chain waits */
    double n = w->bk_frac + (double)(wet - from) / (S + bulk_gap(w, S));
    uint64_t k = (uint64_t)n;
    w->bk_frac = n - (double)k;
    uint64_t done = w->written > w->flushed ? w->written : w->flushed;
    if (k == 0 || w->insert <= done)
        return;
    uint64_t bytes = w->insert - done + k * XLOG_BLCKSZ;
    w->bk_bytes = bytes / k;
    ws_device_write_n(w->dev, from, bytes, k, WS_IO_WAL);
    w->written = w->flushed = w->insert;
    w->st.write += k;
    w->st.sync += k;
    w->st.sync_time += (ws_time)((double)k * S);
}

/* The chain one by one again.  The flushes counted so far stand for
 * those that started by now (their count from the phase, which starts
 * where the real chain starts, at a flush's end, matches it: the test
 * checks).  The state is drawn from the chain's own, not read off the
 * phase, a mean's clock that what starts now may not meet at a random
 * time: a flush in progress with the share of time flushes take, its age
 * uniform over its length, else a gap since one that started S plus a
 * uniform part of the mean gap ago. */
static void bulk_leave(ws_wal *w)
{
    fluid_drain(w);
    w->bulk = false;
    ws_time now = ws_sim_now(w->sim);
    double S = flush_time(w, now), gap = bulk_gap(w, S);
    if (w->fluid_rate <= 0)
        return;
    if (w->fl.left > 0 && ws_rng_uniform(w->fluid_rng) * (S + gap) < S) {
        double age = ws_rng_uniform(w->fluid_rng) * S;
        w->flushing = true;
        w->flush_target = w->insert;
        w->flush_start = now - (ws_time)age;
        w->flush_done_at = w->flush_start + (ws_time)S;
        if (w->flush_done_at <= now)
            w->flush_done_at = now + 1;
        ws_sim_at(w->sim, w->flush_done_at, on_flush_done, w, w->flush_target);
    } else {
        w->flush_start = now - (ws_time)(S + ws_rng_uniform(w->fluid_rng) * gap);
        fluid_arm(w);
    }
}

/* The device's hook: flushes due in bulk by t join its queue first (t is
 * the clock's now, or the completion of a piece the device is catching up
 * with; not when the chain was counted past t since, as what came then
 * did not reach the device). */
static void before_request(void *ctx, ws_time t)
{
    ws_wal *w = ctx;
    if (w->bulk && t >= w->bk_at && (w->fl.left == 0 || t >= w->fl.at))
        fluid_drain_bulk(w, t);
}


void ws_wal_note_commit(ws_wal *w, ws_time delay)
{
    /* the ring, and the same values in order (fluid_arm searches them) */
    ws_time *s = w->delay_sorted;
    uint32_t n = w->n_delay < WS_WAL_DELAYS ? w->n_delay : WS_WAL_DELAYS;
    uint32_t from = n; /* the first sorted entry that changes */
    if (n == WS_WAL_DELAYS) { /* the oldest leaves */
        ws_time old = w->delay[w->n_delay % WS_WAL_DELAYS];
        uint32_t i = 0;
        while (s[i] != old)
            i++;
        memmove(s + i, s + i + 1, (n - 1 - i) * sizeof *s);
        n--;
        from = i;
    }
    uint32_t j = n;
    while (j > 0 && s[j - 1] > delay) {
        s[j] = s[j - 1];
        j--;
    }
    s[j] = delay;
    if (j < from)
        from = j;
    w->delay[w->n_delay++ % WS_WAL_DELAYS] = delay;
    /* n x the distribution's integral at each sorted delay (F = i / n
     * between s[i - 1] and s[i]): from the first entry that changed on */
    n++;
    double *A = w->delay_area;
    A[0] = 0;
    for (uint32_t i = from > 0 ? from : 1; i < n; i++)
        A[i] = A[i - 1] + (double)(s[i] - s[i - 1]) * i;
}

void ws_wal_set_fluid(ws_wal *w, double rate, ws_rng *rng)
{
    bool same = rate == w->fluid_rate && w->fluid_gen > 0;
    if (rate > 0 && w->bulk_ok) /* the chain may be counted in bulk: the device's hook */
        ws_device_set_before(w->dev, before_request, w);
    if (w->bulk) {
        fluid_drain(w); /* at the old rate up to now */
        w->fluid_rate = rate;
        w->fluid_rng = rng;
        if (rate <= 0)
            bulk_leave(w);
        else if (!same)
            bulk_rates(w);
        return;
    }
    w->fluid_rate = rate;
    w->fluid_rng = rng;
    if (!w->flushing && !same)
        fluid_arm(w); /* a new rate: drawn again from now (Poisson: no memory) */
}

void ws_wal_tx_start(ws_wal *w)
{
    w->inflight++;
    if (w->bulk)
        bulk_leave(w);
}

/* The WAL writer: flushes what asynchronous commits left, every
 * wal_writer_delay (hibernation is not modelled: it only matters when idle). */
static void on_writer(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    ws_wal *w = ctx;
    if (w->bulk)
        fluid_drain(w);
    else if (!w->flushing && w->insert > w->flushed)
        start_flush(w);
    ws_sim_after(sim, w->writer_delay, on_writer, w, 0);
}

void ws_wal_checkpoint_done(ws_wal *w, uint64_t redo, double estimate, double cct,
                            int64_t min_wal_size, int64_t max_wal_size, int64_t keep_size,
                            int64_t max_slot_keep, ws_walkeep_out *keep,
                            int *added, int *removed, int *recycled)
{
    int64_t cur = (int64_t)(w->insert / (uint64_t)w->seg);
    /* KeepLogSeg, InvalidateObsoleteReplicationSlots, RemoveOldXlogFiles
     * (walkeep.h); the checkpoint record was just inserted: recptr is the
     * insert position. */
    ws_walkeep_in in = {.seg_size = w->seg, .redo = redo, .recptr = w->insert,
                        .wal_keep_size = keep_size, .slot = w->slot, .slot_lsn = w->slot_lsn,
                        .max_slot_keep = max_slot_keep, .archiving = w->archiving,
                        .archived_upto = w->archived_upto};
    *keep = ws_walkeep_apply(&in);
    if (keep->slot_invalidated) {
        w->slot = false;
        w->slot_lost_at = ws_sim_now(w->sim);
    }
    int64_t cutoff = keep->remove_upto;
    int64_t old = cutoff - w->oldest_seg + 1;
    if (old < 0)
        old = 0;
    int64_t horizon = ws_pg_recycle_horizon((int64_t)redo, estimate, cct, min_wal_size,
                                            max_wal_size, w->seg);
    int64_t future = w->horizon_seg > cur ? w->horizon_seg : cur;
    int64_t slots = horizon - future;
    if (slots < 0)
        slots = 0;
    int64_t rec = old < slots ? old : slots;
    *recycled = (int)rec;
    *removed = (int)(old - rec);
    w->horizon_seg = future + rec;
    if (old > 0)
        w->oldest_seg = cutoff + 1;
    /* PreallocXlogFiles: one more segment if the insert position is at
     * least 75 % into the current one and the next does not exist. */
    *added = 0;
    if (w->insert % (uint64_t)w->seg >= (uint64_t)w->seg * 3 / 4 && w->horizon_seg <= cur) {
        w->horizon_seg = cur + 1;
        *added = 1;
    }
    w->st.segments_added += (uint64_t)*added;
    w->st.segments_removed += (uint64_t)*removed;
    w->st.segments_recycled += (uint64_t)*recycled;
}

int64_t ws_wal_archive_lag(const ws_wal *w)
{
    if (!w->archiving)
        return 0;
    int64_t done = (int64_t)(w->insert / (uint64_t)w->seg); /* segments before cur are complete */
    return done > w->archived_upto ? done - w->archived_upto : 0;
}

uint64_t ws_wal_slot_retained(const ws_wal *w)
{
    if (!w->slot || w->slot_lsn >= w->insert)
        return 0;
    return w->insert - w->slot_lsn;
}

void ws_wal_switch(ws_wal *w)
{
    uint64_t seg = (uint64_t)w->seg;
    if (w->insert % seg == 0)
        return; /* at a boundary already: RequestXLogSwitch does nothing */
    /* The switch record ends the segment; the rest is padding the WAL
     * writer writes out, not counted in pg_stat_wal's wal_bytes. */
    uint64_t pad = seg - w->insert % seg;
    ws_wal_insert(w, pad, 0, 0, 0);
    w->st.records--;
    w->st.bytes -= pad;
    ws_wal_kick(w);
}
