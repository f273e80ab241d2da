/*
 * device.c - the disk as one FIFO server with bandwidth and IOPS limits,
 * writeback streams with depth caps, wbt, burst credits, and its presets
 * (see device.h).
 */
#include "walsim/device.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#define MiB 1048576.0
#define GiB (1024.0 * MiB)
#define WBT_WINDOW (100 * WS_MSEC) /* RWB_WINDOW_NSEC */

typedef struct preset {
    const char *name;
    double write_mibs, read_mibs;
    double write_iops, read_iops;       /* 0: no limit */
    double read_us, write_us, flush_us;
    int queue_depth;                    /* effective depth of the FIFO (see docs/model.md) */
    double max_io_kib, io_unit_kib;     /* writeback request size; bytes counted as one I/O */
    bool rotational;                    /* wbt target 75 ms instead of 2 ms */
    bool gp2;                           /* size-dependent baseline and burst credits */
} preset;

/* Sources in docs/model.md ("Device presets"); os-device-models.md 2.1-2.3. */
static const preset presets[] = {
    {"nvme-enterprise", 2000, 3000, 200000, 500000, 80, 20, 30, 64, 128, 128, false, false},
    {"nvme-consumer", 1500, 2500, 100000, 300000, 80, 20, 1600, 32, 128, 128, false, false},
    {"sata-ssd", 450, 500, 80000, 90000, 120, 50, 1000, 32, 512, 128, false, false},
    {"hdd", 150, 150, 300, 125, 4000, 4000, 10000, 32, 512, 1024, true, false},
    {"aws-gp3", 125, 125, 3000, 3000, 600, 600, 1000, 32, 256, 256, false, false},
    {"aws-gp2", 250, 250, 3000, 3000, 600, 600, 1000, 32, 256, 256, false, true},
    {"aws-io2", 1000, 1000, 16000, 16000, 250, 250, 300, 64, 256, 256, false, false},
    {"azure-premium-ssd-v2", 125, 125, 3000, 3000, 400, 400, 600, 32, 256, 256, false, false},
    {"gcp-pd-ssd", 480, 480, 30000, 30000, 700, 700, 1000, 32, 256, 256, false, false},
};

const char *const ws_device_presets[] = {"nvme-enterprise", "nvme-consumer", "sata-ssd", "hdd",
                                         "aws-gp3", "aws-gp2", "aws-io2",
                                         "azure-premium-ssd-v2", "gcp-pd-ssd", NULL};

static void on_wake(ws_sim *sim, void *ctx, uint64_t arg);
static void advance(ws_device *d);
static void arm_wake(ws_device *d, bool force);

/* blk-wbt's default depth (RWB_DEF_DEPTH): with throttling on, even
 * fsync writeback (which gets the full rq_depth.max_depth) never has more
 * than min(16, queue depth) requests in flight at scale step 0
 * (block/blk-wbt.c rq_depth_calc_max_depth). */
#define WBT_DEF_DEPTH 16

/* A stream's depth in requests at the current wbt step: the default
 * share halved `step` times, at least one request (blk-wbt scale_down). */
static int stream_depth(const ws_device *d, ws_stream s)
{
    if (!d->wbt)
        return d->queue_depth;
    int max = d->queue_depth < WBT_DEF_DEPTH ? d->queue_depth : WBT_DEF_DEPTH;
    int depth = s == WS_STREAM_SYNC ? max
                : s == WS_STREAM_NORMAL ? (max + 1) / 2 /* wb_normal */
                                        : (max + 3) / 4; /* wb_background */
    if (s != WS_STREAM_SYNC)
        depth >>= d->wbt_step;
    return depth < 1 ? 1 : depth;
}

int ws_device_stream_depth(const ws_device *d, ws_stream s) { return stream_depth(d, s); }

static void set_caps(ws_device *d)
{
    for (int s = 0; s < WS_STREAM__COUNT; s++) {
        ws_dev_stream *st = &d->s[s];
        uint64_t cap = (uint64_t)(stream_depth(d, (ws_stream)s) * d->max_io);
        if (cap > st->cap)
            d->rearm = true; /* a waiter's stream may reach its ticket sooner */
        st->cap = cap;
        /* Refill in halves of the cap, so a stream costs a few pieces per
         * cap's worth of bytes whatever the request size. */
        st->piece = st->cap / 2 > (uint64_t)d->max_io ? st->cap / 2 : (uint64_t)d->max_io;
    }
}

static int init(ws_device *d, ws_sim *sim, const ws_config *cfg, const char *name,
                double size_bytes, bool overrides);

int ws_device_init(ws_device *d, ws_sim *sim, const ws_config *cfg)
{
    return init(d, sim, cfg, ws_cfg_str(cfg, WS_S_disk_preset), ws_cfg_num(cfg, WS_S_disk_size),
                true);
}

int ws_device_init_wal(ws_device *d, ws_sim *sim, const ws_config *cfg)
{
    const char *name = ws_cfg_str(cfg, WS_S_disk_wal_preset);
    if (!strcmp(name, "same"))
        return init(d, sim, cfg, ws_cfg_str(cfg, WS_S_disk_preset),
                    ws_cfg_num(cfg, WS_S_disk_wal_size), true);
    return init(d, sim, cfg, name, ws_cfg_num(cfg, WS_S_disk_wal_size), false);
}

/* A device from preset `name` of `size_bytes` (gp2 scales with it), with
 * the [disk] overrides when `overrides`. */
static int init(ws_device *d, ws_sim *sim, const ws_config *cfg, const char *name,
                double size_bytes, bool overrides)
{
    memset(d, 0, sizeof *d);
    d->sim = sim;
    const preset *p = &presets[0];
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (strcmp(presets[i].name, name) == 0)
            p = &presets[i];
    double size_gib = size_bytes / GiB;
    d->write_bw = p->write_mibs * MiB;
    d->read_bw = p->read_mibs * MiB;
    d->write_iops = p->write_iops;
    d->read_iops = p->read_iops;
    d->read_latency = (ws_time)(p->read_us * 1e3);
    d->write_latency = (ws_time)(p->write_us * 1e3);
    d->flush_latency = (ws_time)(p->flush_us * 1e3);
    d->queue_depth = p->queue_depth;
    d->max_io = p->max_io_kib * 1024;
    d->io_unit = p->io_unit_kib * 1024;
    d->wbt_target = p->rotational ? 75 * WS_MSEC : 2 * WS_MSEC;
    if (p->gp2) {
        /* gp2: 3 IOPS per GiB (100 .. 16,000) baseline; volumes below
         * 3,000 baseline burst to 3,000 from a bucket of 5.4 M credits
         * that starts full; throughput 128 MiB/s up to 170 GiB, 250 MiB/s
         * from 334 GiB, linear between (AWS EBS user guide). */
        double base = fmin(16000, fmax(100, 3 * size_gib));
        d->write_iops = d->read_iops = base;
        if (base < 3000) {
            d->burst_iops = 3000;
            d->burst_credits = d->credits = 5.4e6;
        }
        double tput = size_gib <= 170 ? 128 : size_gib >= 334 ? 250 : 128 + (size_gib - 170) / 164 * 122;
        d->write_bw = d->read_bw = tput * MiB;
    }
    double v;
    if (!overrides)
        goto done;
    if ((v = ws_cfg_num(cfg, WS_S_disk_write_bandwidth)) > 0)
        d->write_bw = v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_read_bandwidth)) > 0)
        d->read_bw = v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_write_iops)) > 0)
        d->write_iops = v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_read_iops)) > 0)
        d->read_iops = v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_read_latency)) > 0)
        d->read_latency = (ws_time)v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_write_latency)) > 0)
        d->write_latency = (ws_time)v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_flush_latency)) > 0)
        d->flush_latency = (ws_time)v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_queue_depth)) > 0)
        d->queue_depth = (int)v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_max_io)) > 0)
        d->max_io = v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_io_unit)) > 0)
        d->io_unit = v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_burst_iops)) > 0)
        d->burst_iops = v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_burst_credits)) > 0)
        d->burst_credits = d->credits = v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_wbt_latency)) > 0)
        d->wbt_target = (ws_time)v;
done:
    d->wbt = ws_cfg_bool(cfg, WS_S_disk_wbt);
    d->exponential = strcmp(ws_cfg_str(cfg, WS_S_disk_service_time), "exponential") == 0;
    if (ws_rng_init(&d->rng, (uint64_t)ws_cfg_int(cfg, WS_S_seed), "disk.service") != 0)
        return -1;
    set_caps(d);
    for (int s = 0; s < WS_STREAM__COUNT; s++)
        d->s[s].cap_max = d->s[s].cap;
    d->wake_at = -1;
    d->wbt_min_lat = WS_TIME_MAX;
    return 0;
}

void ws_device_destroy(ws_device *d)
{
    for (int s = 0; s < WS_STREAM__COUNT; s++) {
        free(d->s[s].w);
        free(d->s[s].seg);
        d->s[s].w = NULL;
        d->s[s].seg = NULL;
    }
    free(d->pend);
    d->pend = NULL;
    free(d->flight);
    d->flight = NULL;
    ws_rng_destroy(&d->rng);
}

/* Grows a ring of `size`-byte entries whose capacity is a power of two
 * (doubled, `first` at the start) and which is full: the entries move to
 * the start of the new buffer, in order.  Returns the buffer; *head
 * becomes 0 and *cap the new capacity. */
static void *ring_grow(void *ring, uint32_t *head, uint32_t *cap, uint32_t first, size_t size)
{
    uint32_t n = *cap ? 2 * *cap : first;
    char *to = malloc((size_t)n * size);
    if (!to)
        abort();
    if (*cap) { /* full: [head, cap) then [0, head) */
        const char *from = ring;
        memcpy(to, from + (size_t)*head * size, (size_t)(*cap - *head) * size);
        memcpy(to + (size_t)(*cap - *head) * size, from, (size_t)*head * size);
    }
    free(ring);
    *head = 0;
    *cap = n;
    return to;
}

/* Forgets the pieces whose service ended by `now`. */
static void pend_drop(ws_device *d, ws_time now)
{
    while (d->pend_len > 0 && d->pend[d->pend_head].end <= now) {
        d->pend_head = (d->pend_head + 1) & (d->pend_cap - 1);
        d->pend_len--;
    }
}

/* Remembers a piece served from `start` to `end` (ends come in ascending
 * order: the server is FIFO); those done by `now` are dropped when the
 * ring is full (ws_device_ios_done drops them before it reads the ring).
 * The ring's capacity is a power of two (64, doubled): indexes are masked. */
static void pend_push(ws_device *d, ws_time now, ws_time start, ws_time end, uint64_t ios,
                      bool write)
{
    if (d->pend_len == d->pend_cap) {
        pend_drop(d, now);
        if (d->pend_len == d->pend_cap)
            d->pend = ring_grow(d->pend, &d->pend_head, &d->pend_cap, 64, sizeof *d->pend);
    }
    d->pend[(d->pend_head + d->pend_len++) & (d->pend_cap - 1)] =
        (struct ws_dev_pending){start, end, ios > UINT32_MAX ? UINT32_MAX : (uint32_t)ios, write};
}

static ws_time serve_n(ws_device *d, ws_time now, ws_time at, bool write, uint64_t bytes, double ios);
static double area_to(const ws_device *d, ws_time t);

/* The fluid reads due by now join the queue, as one piece from when the
 * last came due: no other request came in between, so for the FIFO server
 * this is what their arrival at an even pace would have left in it. */
static void fluid_due(ws_device *d, ws_time now)
{
    ws_time from;
    uint64_t n = ws_pace_due(&d->fl, now, &from);
    if (n == 0)
        return;
    d->read_bytes += n * 8192;
    serve_n(d, now, from, false, n * 8192, (double)n);
}

void ws_device_fluid_reads(ws_device *d, uint64_t n, ws_time span)
{
    advance(d);
    fluid_due(d, ws_sim_now(d->sim));
    ws_pace_add(&d->fl, ws_sim_now(d->sim), n, span);
    if (span <= 0)
        fluid_due(d, ws_sim_now(d->sim));
}

/* llround(x) for the nanoseconds of a service time, without the libm call
 * (2.8 % of a big-oltp run): truncation is the floor for x >= 0, and
 * x - floor(x) is exact below 2^53. */
static inline ws_time round_ns(double x)
{
    if (!(x >= 0 && x < 9007199254740992.0))
        return (ws_time)llround(x);
    ws_time i = (ws_time)x;
    return i + (x - (double)i >= 0.5);
}

/* Seconds the server takes for `bytes` counted as `ios` I/Os, at `iops`
 * (0: no limit): the larger of the bandwidth's and the IOPS limit's. */
static double service_s(const ws_device *d, bool write, uint64_t bytes, double ios, double iops)
{
    double t = (double)bytes / (write ? d->write_bw : d->read_bw);
    return iops > 0 && ios / iops > t ? ios / iops : t;
}

/* Serves `bytes` that join the queue at `now` (the clock's, or a piece's
 * completion not yet caught up with, advance), starting no earlier than
 * `at`, in queue order: returns when the server is done with it. */
static ws_time serve_n(ws_device *d, ws_time now, ws_time at, bool write, uint64_t bytes, double ios)
{
    if (d->before) { /* the queue's integral, for the hook's owner */
        d->q_area = area_to(d, now);
        d->q_at = now;
    }
    ws_time start = d->busy_until > at ? d->busy_until : at;
    double iops = write ? d->write_iops : d->read_iops;
    if (d->burst_iops > 0) {
        /* Credits accrue at the baseline rate while idle and are spent at
         * (I/O rate - baseline) while busy. */
        if (start > d->credit_t)
            d->credits += (double)(start - d->credit_t) / 1e9 * iops;
        if (d->credits > d->burst_credits)
            d->credits = d->burst_credits;
        if (d->credits > 0)
            iops = d->burst_iops;
    }
    double t = service_s(d, write, bytes, ios, iops);
    if (d->exponential)
        t = gsl_ran_exponential(d->rng.g, t);
    ws_time svc = round_ns(t * 1e9);
    if (d->burst_iops > 0) {
        double base = write ? d->write_iops : d->read_iops;
        d->credits += (double)svc / 1e9 * base - ios;
        d->credit_t = start + svc;
    }
    d->busy_until = start + svc;
    d->busy_ns += svc;
    d->ios += (uint64_t)ios;
    if (write)
        d->write_ios += (uint64_t)ios;
    else
        d->read_ios += (uint64_t)ios;
    pend_push(d, now, start, start + svc, (uint64_t)ios, write);
    return start + svc;
}

/* The hook's work due by t joins the queue (ws_device_set_before). */
static void hook(ws_device *d, ws_time t)
{
    if (d->before && !d->in_before) {
        d->in_before = true;
        d->hook_t = t;
        d->before(d->before_ctx, t);
        d->in_before = false;
    }
}

/* The time a request joins the queue at: the clock's, or, while the hook
 * runs, the instant it runs for. */
static ws_time dev_now(const ws_device *d)
{
    return d->in_before ? d->hook_t : ws_sim_now(d->sim);
}

/* What arrives at a pace of its own and is due by now joins the queue
 * before a request: the fluid reads, then the hook's, once the streams
 * are caught up with. */
static void due(ws_device *d)
{
    advance(d);
    ws_time now = ws_sim_now(d->sim);
    fluid_due(d, now);
    hook(d, now);
}

void ws_device_set_before(ws_device *d, void (*fn)(void *ctx, ws_time t), void *ctx)
{
    if (d->before == fn && d->before_ctx == ctx)
        return;
    advance(d);
    d->before = fn;
    d->before_ctx = ctx;
    d->q_area = 0; /* kept from now on */
    d->q_at = ws_sim_now(d->sim);
}

/* The I/Os a piece of `bytes` counts as: one per io_unit, at least one. */
static double ios_of(const ws_device *d, uint64_t bytes)
{
    return bytes > d->io_unit ? ceil((double)bytes / d->io_unit) : 1;
}

/* One piece of `bytes`, after the work due by now. */
static ws_time serve(ws_device *d, ws_time at, bool write, uint64_t bytes)
{
    due(d);
    return serve_n(d, ws_sim_now(d->sim), at, write, bytes, ios_of(d, bytes));
}

/* I/Os of pieces still in the queue or in service at `now`: all of a
 * piece not started, the part of the one in service not yet done. */
void ws_device_ios_done(ws_device *d, ws_time now, uint64_t *read, uint64_t *write)
{
    due(d);
    pend_drop(d, now);
    double rd = 0, wr = 0;
    for (uint32_t i = 0; i < d->pend_len; i++) {
        const struct ws_dev_pending *e = &d->pend[(d->pend_head + i) & (d->pend_cap - 1)];
        double left = e->ios;
        if (e->start < now && e->end > e->start)
            left *= (double)(e->end - now) / (double)(e->end - e->start);
        if (e->write)
            wr += left;
        else
            rd += left;
    }
    uint64_t r = (uint64_t)llround(rd), w = (uint64_t)llround(wr);
    *read = d->read_ios - (r < d->read_ios ? r : d->read_ios);
    *write = d->write_ios - (w < d->write_ios ? w : d->write_ios);
}

/* wbt: at the end of each 100 ms window in which foreground reads were
 * served, halve the normal and background depths if the fastest of them
 * took longer than the target, else restore one step (blk-wbt
 * wb_timer_fn, with the latency of the window's best read as its
 * min-latency statistic). */
static void wbt_observe(ws_device *d, ws_time at, ws_time latency)
{
    if (!d->wbt)
        return;
    if (at >= d->wbt_window_end) {
        int step = d->wbt_step;
        if (d->wbt_window_fg && d->wbt_min_lat > d->wbt_target)
            step++;
        else if (step > 0)
            step--;
        int most = 0;
        while ((d->queue_depth >> most) > 1)
            most++;
        if (step > most)
            step = most;
        if (step != d->wbt_step) {
            d->wbt_step = step;
            set_caps(d);
            if (d->rearm) {
                d->rearm = false;
                arm_wake(d, true);
            }
        }
        d->wbt_window_end = at + WBT_WINDOW;
        d->wbt_min_lat = WS_TIME_MAX;
        d->wbt_window_fg = false;
    }
    d->wbt_window_fg = true;
    if (latency < d->wbt_min_lat)
        d->wbt_min_lat = latency;
}

ws_time ws_device_read(ws_device *d, ws_time at, uint64_t bytes)
{
    d->read_bytes += bytes;
    ws_time done = serve(d, at, false, bytes) + d->read_latency;
    wbt_observe(d, at, done - at);
    return done;
}

ws_time ws_device_write(ws_device *d, ws_time at, uint64_t bytes, ws_io_class cls)
{
    d->written[cls] += bytes;
    return serve(d, at, true, bytes) + d->write_latency;
}

ws_time ws_device_write_n(ws_device *d, ws_time at, uint64_t bytes, uint64_t ios, ws_io_class cls)
{
    assert(ios > 0);
    if (!d->in_before) /* the hook's own: what is due by its time is in */
        due(d);
    d->written[cls] += bytes;
    /* each at least one I/O, and one per io_unit */
    double n = ceil((double)bytes / d->io_unit);
    return serve_n(d, dev_now(d), at, true, bytes, n > (double)ios ? n : (double)ios);
}

ws_time ws_device_write_time(ws_device *d, uint64_t bytes)
{
    advance(d);
    double iops = d->burst_iops > 0 && d->credits > 0 ? d->burst_iops : d->write_iops;
    return (ws_time)(service_s(d, true, bytes, 1, iops) * 1e9) + d->write_latency;
}

ws_time ws_device_flush(ws_device *d, ws_time at) { return at + d->flush_latency; }

/* The queue's integral up to t (>= q_at). */
static double area_to(const ws_device *d, ws_time t)
{
    /* since q_at the backlog falls at one ns per ns, to none at busy_until */
    double a = (double)d->q_at, b = (double)t, B = (double)d->busy_until;
    if (B <= a || b <= a)
        return d->q_area;
    if (B >= b)
        return d->q_area + (b - a) * (B - (a + b) / 2);
    return d->q_area + (B - a) * (B - a) / 2;
}

double ws_device_queue_area(ws_device *d)
{
    advance(d);
    return area_to(d, dev_now(d));
}

ws_time ws_device_queue_delay(ws_device *d)
{
    advance(d);
    ws_time now = dev_now(d);
    return d->busy_until > now ? d->busy_until - now : 0;
}

/* ---- writeback streams: pieces completed without events ----------------
 *
 * A stream's piece completes `write_latency` after its service ends, and
 * the stream refills then.  Pieces are not given an event each: they are
 * kept in dispatch order in `flight` (the server is FIFO, so their
 * completion times ascend), and every entry point first catches up with
 * those completed by now (advance), refilling each stream at its piece's
 * completion time as an event would have.  What arrived in between went
 * through advance first, so each refill meets the queue it would have met.
 * Only a waiter needs an event (on_wake): at the completion of the piece
 * that reaches its ticket, or, before that piece is dispatched, at a time
 * it cannot come sooner than (reach_time), and again from there. */

static void flight_push(ws_device *d, ws_time at, uint64_t end, ws_stream s)
{
    if (d->flight_len == d->flight_cap)
        d->flight = ring_grow(d->flight, &d->flight_head, &d->flight_cap, 64, sizeof *d->flight);
    /* with the sequence its event would have had */
    d->flight[(d->flight_head + d->flight_len++) & (d->flight_cap - 1)] =
        (struct ws_dev_flight){at, end, ws_sim_seq_next(d->sim), (uint8_t)s};
}

/* The piece stream s puts into the queue next: a whole piece, or what is
 * left when less, once the stream has room for all of it (0 until then;
 * the cap is at least a piece, so room comes as pieces complete).  A
 * piece cut to the room there is would leave the same room when it
 * completes, and the stream would go on in such fragments: a flusher fed
 * a file's few dirty pages at a time refilled in pieces of 8 to 128 kB,
 * twice the pieces to serve and to simulate. */
static uint64_t next_piece(const ws_dev_stream *st)
{
    uint64_t n = st->queued - st->dispatched;
    if (n > st->piece)
        n = st->piece;
    return st->dispatched - st->done + n <= st->cap ? n : 0;
}

/* Puts pieces of stream s into the queue while it has room for them, at
 * `now` (the clock's, or the completion advance is catching up with). */
static void dispatch(ws_device *d, ws_stream s, ws_time now)
{
    ws_dev_stream *st = &d->s[s];
    uint64_t n;
    while ((n = next_piece(st)) > 0) {
        st->dispatched += n;
        ws_time done = serve_n(d, now, now, true, n, ios_of(d, n)) + d->write_latency;
        flight_push(d, done, st->dispatched, s);
    }
}

/* Stream s has written up to offset `end`: count the bytes by the class
 * that queued them (segments in queue order). */
static void written_to(ws_device *d, ws_dev_stream *st, uint64_t end)
{
    assert(end > st->done);
    uint64_t from = st->done;
    while (from < end) {
        assert(st->seg_len > 0);
        ws_dev_segment *g = &st->seg[st->seg_head];
        uint64_t upto = g->end < end ? g->end : end;
        d->written[g->cls] += upto - from;
        from = upto;
        if (g->end <= end) {
            st->seg_head = (st->seg_head + 1) & (st->seg_cap - 1);
            st->seg_len--;
        }
    }
    st->done = end;
}

/* Calls the waiters of st whose ticket is written; a woken caller may
 * queue new waiters: take them one at a time. */
static void wake(ws_dev_stream *st)
{
    while (st->n_w > 0 && st->w[0].ticket <= st->done) {
        ws_dev_waiter x = st->w[0];
        memmove(st->w, st->w + 1, (st->n_w - 1) * sizeof *st->w);
        st->n_w--;
        x.fn(x.ctx, x.arg);
    }
}

/* When stream s reaches `ticket` at the earliest: the completion of its
 * piece in flight that does; else a bound that cannot be late: the bytes
 * up to the ticket not yet dispatched are served after all the queue
 * holds now, at the bandwidth at best (less a nanosecond a piece for
 * rounding), and not before the stream's next completion.  Work that joins
 * the queue later only delays it, and so does a cap that shrinks (one that
 * grows re-arms, set_caps); on_wake asks again.  With exponential service
 * times, which cannot be bounded so: the completion of its last piece in
 * flight, and again from there. */
static ws_time reach_time(const ws_device *d, int s, uint64_t ticket)
{
    const ws_dev_stream *st = &d->s[s];
    assert(ticket > st->done); /* else advance woke it */
    ws_time first = WS_TIME_MAX, last = WS_TIME_MAX;
    for (uint32_t i = 0; i < d->flight_len; i++) {
        const struct ws_dev_flight *e = &d->flight[(d->flight_head + i) & (d->flight_cap - 1)];
        if (e->s != s)
            continue;
        if (e->end >= ticket)
            return e->at;
        if (first == WS_TIME_MAX)
            first = e->at;
        last = e->at;
    }
    if (first == WS_TIME_MAX || d->exponential)
        return last;
    uint64_t left = ticket - st->dispatched;
    double pieces = ceil((double)left / (double)st->piece) + 1;
    ws_time t = d->busy_until + (ws_time)((double)left / d->write_bw * 1e9 - pieces) +
                d->write_latency;
    return t > first ? t : first;
}

/* The event the waiters need, at the earliest time a stream with one
 * reaches its first ticket.  An event already due no later stays (what
 * happened since only delays the streams), unless a new waiter or a larger
 * cap asks again (force). */
static void arm_wake(ws_device *d, bool force)
{
    ws_time now = ws_sim_now(d->sim);
    if (!force && d->wake_at >= now)
        return;
    ws_time t = WS_TIME_MAX;
    for (int s = 0; s < WS_STREAM__COUNT; s++) {
        if (d->s[s].n_w == 0)
            continue;
        ws_time r = reach_time(d, s, d->s[s].w[0].ticket);
        if (r < t)
            t = r;
    }
    if (t == WS_TIME_MAX || (d->wake_at >= now && d->wake_at <= t))
        return;
    if (t < now)
        t = now;
    d->wake_at = t;
    ws_sim_at(d->sim, t, on_wake, d, (uint64_t)t);
}

/* Catches up with the pieces completed by now, in completion order: each
 * stream's bytes written and its refill at that time; its waiters are
 * called at the completion that is now (on_wake's, or one met at the same
 * instant).  A piece that completes now but would have had its event after
 * the running one waits for the next call (ties come out as with an event
 * a piece). */
static void advance(ws_device *d)
{
    if (d->in_advance)
        return;
    if (!ws_device_behind(d))
        return; /* nothing completed since (the usual case) */
    ws_time now = ws_sim_now(d->sim);
    d->in_advance = true;
    uint64_t running = ws_sim_seq_running(d->sim);
    while (d->flight_len > 0 && d->flight[d->flight_head].at <= now) {
        struct ws_dev_flight e = d->flight[d->flight_head];
        if (e.at == now && e.seq > running)
            break; /* its event would come after the running one */
        d->flight_head = (d->flight_head + 1) & (d->flight_cap - 1);
        d->flight_len--;
        ws_dev_stream *st = &d->s[e.s];
        written_to(d, st, e.end);
        if (e.at == now)
            wake(st);
        if (next_piece(st) > 0) {
            /* what is due by then goes ahead of the refill, as with an
             * event a piece: transaction sampling's fluid reads and the
             * hook's work (wal.c's flushes counted in bulk) */
            fluid_due(d, e.at);
            hook(d, e.at);
            dispatch(d, (ws_stream)e.s, e.at);
        }
    }
    d->in_advance = false;
    arm_wake(d, d->rearm);
    d->rearm = false;
}

static void on_wake(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    ws_device *d = ctx;
    if ((ws_time)arg != d->wake_at)
        return; /* an earlier one took its place */
    d->wake_at = -1;
    d->rearm = true; /* the piece foreseen may have been delayed */
    advance(d);
}

void ws_device_catch_up(ws_device *d) { advance(d); }

uint64_t ws_device_writeback(ws_device *d, ws_stream s, uint64_t bytes, ws_io_class cls)
{
    advance(d);
    ws_dev_stream *st = &d->s[s];
    if (bytes == 0)
        return st->queued;
    st->queued += bytes;
    if (st->seg_len > 0 && st->seg[(st->seg_head + st->seg_len - 1) & (st->seg_cap - 1)].cls == cls) {
        st->seg[(st->seg_head + st->seg_len - 1) & (st->seg_cap - 1)].end = st->queued;
    } else {
        if (st->seg_len == st->seg_cap)
            st->seg = ring_grow(st->seg, &st->seg_head, &st->seg_cap, 16, sizeof *st->seg);
        st->seg[(st->seg_head + st->seg_len++) & (st->seg_cap - 1)] = (ws_dev_segment){st->queued, cls};
    }
    if (next_piece(st) > 0) {
        due(d); /* what is due goes ahead of the new pieces */
        dispatch(d, s, ws_sim_now(d->sim));
    }
    return st->queued;
}

void ws_device_wait(ws_device *d, ws_stream s, uint64_t ticket, ws_device_done_fn fn, void *ctx,
                    uint64_t arg)
{
    advance(d);
    ws_dev_stream *st = &d->s[s];
    if (ticket <= st->done) {
        fn(ctx, arg);
        return;
    }
    if (st->n_w == st->cap_w) {
        st->cap_w = st->cap_w ? 2 * st->cap_w : 8;
        st->w = realloc(st->w, st->cap_w * sizeof *st->w);
        if (!st->w)
            abort();
    }
    /* keep tickets ascending (waiters usually arrive in order) */
    uint32_t i = st->n_w;
    while (i > 0 && st->w[i - 1].ticket > ticket) {
        st->w[i] = st->w[i - 1];
        i--;
    }
    st->w[i] = (ws_dev_waiter){ticket, fn, ctx, arg};
    st->n_w++;
    if (d->in_advance)
        d->rearm = true;
    else
        arm_wake(d, true);
}

