/*
 * device.h - the disk: one queue served in order, bandwidth and IOPS
 * limits, per-I/O latency, cache flushes, burst credits, and writeback
 * streams with queue-depth shares.
 *
 * The device is a single FIFO server (os-device-models.md 1.4 and 2.3):
 * every piece of work occupies it for
 *
 *     service = max(bytes / bandwidth, ios / iops)     (read or write figures)
 *
 * where ios counts the piece in units of `io_unit` (EBS counts up to
 * 256 KiB as one I/O), and completes `latency` after its service ends (the
 * latency is pipelined: it does not hold the server).  With
 * `service_time = exponential` the service is drawn from an exponential
 * distribution of that mean (stream "disk.service"): a device with
 * erratic internal delays, and the M/M/1 queue of the tests.
 *
 * Foreground requests (a backend's read, a WAL write) join the queue at
 * once.  Writeback is bulk: gigabytes must not cost a million events, so
 * it flows through three streams, one per block-layer priority class of
 * blk-wbt (block/blk-wbt.c get_limit):
 *
 *   WS_STREAM_SYNC        fsync/fdatasync writeback (REQ_SYNC): the full
 *                         queue depth
 *   WS_STREAM_NORMAL      sync_file_range hints (PostgreSQL's *_flush_after):
 *                         wb_normal, half the depth
 *   WS_STREAM_BACKGROUND  the kernel flusher (background and expiry
 *                         writeback): wb_background, a quarter
 *
 * Each stream is a FIFO of bytes; it keeps at most `cap` bytes (its depth
 * times `max_io`) dispatched into the device queue and refills in pieces
 * as they complete (without an event a piece: ws_device_sync).  A foreground request therefore
 * waits behind what the streams have in the queue - up to the sum of
 * their caps - not behind the whole backlog: this is how an fsync of a
 * large file (full depth) hurts every commit more than background
 * writeback does.  With writeback throttling (`wbt = on`) the normal and
 * background depths also shrink while foreground requests see more than
 * `wbt_latency` in a 100 ms window, and grow back when they do not (a
 * simplified CoDel loop, blk-wbt.c scale_up/scale_down).
 *
 * Burst credits (aws-gp2): the IOPS limit is `burst_iops` while credits
 * remain, else the baseline `iops`; credits accrue at the baseline rate
 * and are spent at the I/O rate, up to `burst_credits`.
 *
 * Bytes are also counted by who caused them (ws_io_class), for reports.
 * Presets hold published figures (docs/model.md cites them); a [disk]
 * field set to a value other than 0 overrides the preset's.
 */
#ifndef WALSIM_DEVICE_H
#define WALSIM_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "walsim/pace.h"
#include "walsim/rng.h"
#include "walsim/scenario.h"
#include "walsim/sim.h"

/* Who caused written bytes, for accounting and charts. */
typedef enum ws_io_class {
    WS_IO_WAL,
    WS_IO_CHECKPOINT,
    WS_IO_BGWRITER,
    WS_IO_BACKEND,
    WS_IO_WRITEBACK, /* kernel flusher (background / expiry) */
    WS_IO__COUNT
} ws_io_class;

/* Writeback priority classes (blk-wbt). */
typedef enum ws_stream {
    WS_STREAM_SYNC,
    WS_STREAM_NORMAL,
    WS_STREAM_BACKGROUND,
    WS_STREAM__COUNT
} ws_stream;

typedef void (*ws_device_done_fn)(void *ctx, uint64_t arg);

/* A caller waiting until a stream has written up to `ticket`. */
typedef struct ws_dev_waiter {
    uint64_t ticket;
    ws_device_done_fn fn;
    void *ctx;
    uint64_t arg;
} ws_dev_waiter;

/* Bytes of one class queued in a stream, up to offset `end`. */
typedef struct ws_dev_segment {
    uint64_t end;
    ws_io_class cls;
} ws_dev_segment;

typedef struct ws_dev_stream {
    uint64_t queued;      /* bytes ever handed to the stream (its offset) */
    uint64_t dispatched;  /* ... of which put into the device queue */
    uint64_t done;        /* ... of which written */
    uint64_t cap;         /* most bytes in the device queue at once (current depth x max_io) */
    uint64_t cap_max;     /* cap at the default depth */
    uint64_t piece;       /* bytes dispatched at a time */
    ws_dev_segment *seg;  /* ring of segments not yet written, in queue order */
    uint32_t seg_head, seg_len, seg_cap;
    ws_dev_waiter *w;     /* waiters, tickets ascending */
    uint32_t n_w, cap_w;
} ws_dev_stream;

typedef struct ws_device {
    ws_sim *sim;
    /* parameters */
    double write_bw, read_bw;            /* bytes per second */
    double write_iops, read_iops;        /* I/O per second (0: no limit) */
    double io_unit;                      /* bytes counted as one I/O */
    double max_io;                       /* bytes of one writeback request */
    int queue_depth;
    ws_time read_latency, write_latency, flush_latency;
    bool exponential;                    /* exponential service times */
    bool wbt;                            /* writeback throttling */
    ws_time wbt_target;                  /* wbt_lat_usec */
    double burst_iops, burst_credits, credits; /* gp2-style bucket; burst_iops 0: none */
    /* state */
    ws_time busy_until;                  /* the server is busy with queued work until then */
    ws_time credit_t;                    /* credits are up to date at this time */
    ws_pace fl;                          /* transaction sampling's reads not yet queued */
    double q_area;                       /* integral of the queue delay over time (ns x ns) */
    ws_time q_at;                        /* ... up to here */
    void (*before)(void *ctx, ws_time t); /* runs before each request joins the queue */
    void *before_ctx;                    /* (ws_device_set_before) */
    bool in_before;                      /* the hook is running */
    ws_time hook_t;                      /* ... for the queue as of this instant */
    bool in_advance;                     /* catching up with completed pieces */
    ws_time wake_at;                     /* a waiter's event is due then (-1: none) */
    bool rearm;                          /* compute wake_at again (a new waiter, a cap grew) */
    /* The streams' pieces in the queue or in service, in dispatch order
     * (completion times ascending): completed by advance, not by events
     * (device.c, "writeback streams"); ring, grown as needed. */
    struct ws_dev_flight {
        ws_time at;                      /* completion */
        uint64_t end;                    /* the stream's offset at its end */
        uint64_t seq;                    /* its event's sequence, had it one */
        uint8_t s;                       /* ws_stream */
    } *flight;
    uint32_t flight_head, flight_len, flight_cap;
    ws_dev_stream s[WS_STREAM__COUNT];
    int wbt_step;                        /* 0: default depths; n: depths halved n times */
    ws_time wbt_window_end, wbt_min_lat; /* current 100 ms window and its least fg latency */
    bool wbt_window_fg;
    ws_rng rng;
    /* accounting */
    uint64_t written[WS_IO__COUNT];      /* bytes written, by who caused them */
    uint64_t read_bytes;
    ws_time busy_ns;                     /* total service time */
    uint64_t ios;                        /* I/Os served (queued), in io_unit pieces */
    uint64_t read_ios, write_ios;        /* ... of which reads, writes */
    /* The pieces whose service may not have ended yet, in queue order
     * (ends ascending), so ws_device_ios_done can leave out the part of
     * the queue still ahead of now; ring, grown as needed. */
    struct ws_dev_pending {
        ws_time start, end;
        uint32_t ios;
        bool write;
    } *pend;
    uint32_t pend_head, pend_len, pend_cap;
} ws_device;

/* Fills the device from [disk] (preset, then overrides).  Returns 0, or
 * -1 when out of memory. */
int ws_device_init(ws_device *d, ws_sim *sim, const ws_config *cfg);

/* pg_wal's own volume ([disk] wal_size > 0): preset wal_preset of that
 * size, or with wal_preset = same the data volume's preset and overrides;
 * its own queue and counters. */
int ws_device_init_wal(ws_device *d, ws_sim *sim, const ws_config *cfg);
void ws_device_destroy(ws_device *d);

/* A foreground read of `bytes` submitted at `at` (>= now); returns when
 * it completes. */
ws_time ws_device_read(ws_device *d, ws_time at, uint64_t bytes);
/* Transaction sampling's reads: n 8 kB reads that arrive at an even pace
 * over the next `span` (with what is left of the last ones), queued as
 * they come due, before any request made later; no event of their own. */
void ws_device_fluid_reads(ws_device *d, uint64_t n, ws_time span);

/* A foreground write (WAL, a temporary file) of `bytes` submitted at `at`;
 * returns when it is written (not yet durable: see ws_device_flush). */
ws_time ws_device_write(ws_device *d, ws_time at, uint64_t bytes, ws_io_class cls);

/* Several foreground writes queued at `at` as one piece (transaction
 * sampling's WAL flushes counted in bulk, wal.c): `bytes` in all, counted
 * as `ios` I/Os, or one per io_unit if that is more.  Returns when the
 * server is done with them. */
ws_time ws_device_write_n(ws_device *d, ws_time at, uint64_t bytes, uint64_t ios, ws_io_class cls);

/* How long a write of `bytes` (one I/O) takes to be written once it is at
 * the head of the queue: its mean service and the latency. */
ws_time ws_device_write_time(ws_device *d, uint64_t bytes);

/* The integral over time of the queue delay a request would see, from
 * when a hook was set (ws_device_set_before) to now (ns x ns): its
 * differences over a span, divided by the span's length, are the mean
 * delay in it.  Kept only while a hook is set (it costs every request). */
double ws_device_queue_area(ws_device *d);

/* fn(ctx, t) runs before each request joins the queue at t (not again for
 * those it queues itself): work that arrives at a known pace without
 * events of its own (wal.c's flushes counted in bulk) joins the FIFO in
 * its order.  t is the clock's now, or the completion of a writeback
 * piece the device is catching up with (ws_device_sync), earlier; while
 * fn runs, ws_device_write_n, ws_device_queue_area and
 * ws_device_queue_delay work as of t.  NULL: none.  Setting the same hook
 * again changes nothing. */
void ws_device_set_before(ws_device *d, void (*fn)(void *ctx, ws_time t), void *ctx);

/* Completion of a cache flush issued at `at` (the barrier of
 * fsync/fdatasync): everything written before it becomes durable. */
ws_time ws_device_flush(ws_device *d, ws_time at);

/* Hands `bytes` of writeback to stream s now; returns the stream offset
 * at their end (a ticket for ws_device_wait). */
uint64_t ws_device_writeback(ws_device *d, ws_stream s, uint64_t bytes, ws_io_class cls);

/* Calls fn(ctx, arg) once stream s has written up to `ticket` (at once if
 * it has). */
void ws_device_wait(ws_device *d, ws_stream s, uint64_t ticket, ws_device_done_fn fn, void *ctx,
                    uint64_t arg);

/* I/Os (in io_unit pieces, as the IOPS limit counts them) whose service
 * has ended by `now` (a piece in service counts pro rata, as busy time
 * does): *read and *write, cumulative.  Per-interval differences of these
 * never exceed what the limits allow, unlike `ios`, which counts an I/O
 * when it is queued. */
void ws_device_ios_done(ws_device *d, ws_time now, uint64_t *read, uint64_t *write);


/* Brings the device's state (the streams' offsets, the bytes written and
 * I/Os queued, busy_until) up to now: pieces complete without events of
 * their own, so whoever reads those fields directly calls this first
 * (every function of this header does it itself). */
void ws_device_catch_up(ws_device *d);

/* Whether a piece has completed since the device last caught up, or a
 * waiter's event is to be armed again (inline: the usual answer is no). */
static inline bool ws_device_behind(const ws_device *d)
{
    return d->rearm || (d->flight_len > 0 && d->flight[d->flight_head].at <= ws_sim_now(d->sim));
}

static inline void ws_device_sync(ws_device *d)
{
    if (ws_device_behind(d))
        ws_device_catch_up(d);
}

/* Bytes handed to the streams and not yet written (inline: every page
 * written to the page cache asks). */
static inline uint64_t ws_device_writeback_pending(ws_device *d)
{
    ws_device_sync(d);
    uint64_t n = 0;
    for (int s = 0; s < WS_STREAM__COUNT; s++)
        n += d->s[s].queued - d->s[s].done;
    return n;
}

/* The foreground queueing delay a request submitted now would see (for
 * reports and tests). */
ws_time ws_device_queue_delay(ws_device *d);

/* wbt's position-ratio style helpers, for tests: the current depth of a
 * stream in requests. */
int ws_device_stream_depth(const ws_device *d, ws_stream s);

/* Names of the presets, for messages and docs ("nvme-enterprise", ...),
 * NULL-terminated. */
extern const char *const ws_device_presets[];

#endif
