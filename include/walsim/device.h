/*
 * device.h - the disk: bandwidth, per-I/O latency, cache flush, and a
 * shared write queue.
 *
 * This is the first, deliberately simple device model (the OS/device
 * issue refines it into flows with classes, IOPS buckets and gp2 credits):
 *
 *   - writes are one FIFO fluid queue at `write_bw`: a write of n bytes
 *     submitted at t completes at max(t, busy_until) + n / write_bw +
 *     write_latency.  Everything that writes (writeback of data files,
 *     fsync, WAL) shares it, so a commit's WAL write waits behind a
 *     checkpoint's fsync backlog - the mechanism of checkpoint latency
 *     spikes;
 *   - reads do not queue behind writes (Linux schedulers favour reads):
 *     read_latency + n / read_bw;
 *   - a cache flush (the barrier of fsync/fdatasync) costs flush_latency
 *     after the data it covers has been written.
 *
 * Presets hold published figures (docs/model.md cites them); a [disk]
 * field other than 0 overrides the preset's.
 */
#ifndef WALSIM_DEVICE_H
#define WALSIM_DEVICE_H

#include <stdint.h>

#include "walsim/scenario.h"
#include "walsim/sim.h"

/* Classes of written bytes, for accounting and charts. */
typedef enum ws_io_class {
    WS_IO_WAL,
    WS_IO_CHECKPOINT,
    WS_IO_BGWRITER,
    WS_IO_BACKEND,
    WS_IO_WRITEBACK, /* kernel flusher (background / expiry) */
    WS_IO__COUNT
} ws_io_class;

typedef struct ws_device {
    double write_bw, read_bw;            /* bytes per second */
    ws_time read_latency, write_latency, flush_latency;
    ws_time busy_until;                  /* the write queue drains at this time */
    uint64_t written[WS_IO__COUNT];      /* bytes */
    uint64_t read_bytes;
    ws_time busy_ns;                     /* time the write queue was non-empty */
} ws_device;

/* Fills the device from [disk] (preset, then overrides). */
void ws_device_init(ws_device *d, const ws_config *cfg);

/* Queues a write of `bytes`; returns when it completes. */
ws_time ws_device_write(ws_device *d, ws_time now, uint64_t bytes, ws_io_class cls);

/* A read of `bytes`; returns when it completes. */
ws_time ws_device_read(ws_device *d, ws_time now, uint64_t bytes);

/* Work queued but not yet written at `now`, in bytes. */
double ws_device_backlog(const ws_device *d, ws_time now);

#endif
