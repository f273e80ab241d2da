/*
 * device.c - the disk as a FIFO fluid write queue plus independent reads
 * (see device.h), and its presets.
 */
#include "walsim/device.h"

#include <math.h>
#include <string.h>

#define MiB 1048576.0

typedef struct preset {
    const char *name;
    double write_mibs, read_mibs;
    double read_us, write_us, flush_us;
} preset;

/* Sources in docs/model.md ("Device presets"); shared/reference/os-device-models.md 2.1-2.3. */
static const preset presets[] = {
    {"nvme-enterprise", 2000, 3000, 80, 20, 30},
    {"nvme-consumer", 1500, 2500, 80, 20, 1600},
    {"sata-ssd", 450, 500, 120, 50, 1000},
    {"hdd", 150, 150, 8000, 8000, 10000},
    {"aws-gp3", 125, 125, 700, 700, 1000},
    {"aws-gp2", 250, 250, 700, 700, 1000},
    {"aws-io2", 1000, 1000, 300, 300, 500},
    {"azure-premium-ssd-v2", 125, 125, 400, 400, 600},
    {"gcp-pd-ssd", 240, 240, 800, 800, 1000},
};

void ws_device_init(ws_device *d, const ws_config *cfg)
{
    memset(d, 0, sizeof *d);
    const char *name = ws_cfg_str(cfg, WS_S_disk_preset);
    const preset *p = &presets[0];
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (strcmp(presets[i].name, name) == 0)
            p = &presets[i];
    d->write_bw = p->write_mibs * MiB;
    d->read_bw = p->read_mibs * MiB;
    d->read_latency = (ws_time)(p->read_us * 1e3);
    d->write_latency = (ws_time)(p->write_us * 1e3);
    d->flush_latency = (ws_time)(p->flush_us * 1e3);
    double v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_write_bandwidth)) > 0)
        d->write_bw = v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_read_bandwidth)) > 0)
        d->read_bw = v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_read_latency)) > 0)
        d->read_latency = (ws_time)v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_write_latency)) > 0)
        d->write_latency = (ws_time)v;
    if ((v = ws_cfg_num(cfg, WS_S_disk_flush_latency)) > 0)
        d->flush_latency = (ws_time)v;
}

ws_time ws_device_write(ws_device *d, ws_time now, uint64_t bytes, ws_io_class cls)
{
    ws_time start = d->busy_until > now ? d->busy_until : now;
    ws_time service = (ws_time)llround((double)bytes / d->write_bw * 1e9);
    d->busy_until = start + service;
    d->busy_ns += service;
    d->written[cls] += bytes;
    return d->busy_until + d->write_latency;
}

ws_time ws_device_read(ws_device *d, ws_time now, uint64_t bytes)
{
    d->read_bytes += bytes;
    return now + d->read_latency + (ws_time)llround((double)bytes / d->read_bw * 1e9);
}

double ws_device_backlog(const ws_device *d, ws_time now)
{
    return d->busy_until > now ? (double)(d->busy_until - now) / 1e9 * d->write_bw : 0;
}
