/*
 * archiver.c - the WAL archiver and a replication slot's standby (see
 * archiver.h).
 */
#include "walsim/archiver.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "walsim/units.h"

#define ARCHIVER_PID 4243
#define NUM_ARCHIVE_RETRIES 3
#define AUTOWAKE (60 * WS_SEC)

/* Archive targets: a copy to a local or NFS file system (cp + fsync:
 * bandwidth-bound, a few ms of process start and fsync) and an upload to
 * an object store (aws s3 cp / wal-g: one request per segment whose fixed
 * cost dominates).  Assumptions to calibrate, as docs/wal-volume.md says. */
static const struct {
    const char *name;
    double rate;
    ws_time latency;
} targets[] = {
    {"local", 400.0 * 1048576, 20 * WS_MSEC},
    {"s3", 80.0 * 1048576, 500 * WS_MSEC},
};

int ws_archiver_parse_window(const char *text, ws_time *from, ws_time *to, char *msg,
                             size_t len)
{
    *from = *to = 0;
    while (*text == ' ')
        text++;
    if (!*text)
        return 0;
    const char *dots = strstr(text, "..");
    char a[64], b[64];
    if (!dots || (size_t)(dots - text) >= sizeof a || strlen(dots + 2) >= sizeof b) {
        snprintf(msg, len, "'%.80s' is not a window; expected 'START..END', e.g. '2h..4h'", text);
        return -1;
    }
    memcpy(a, text, (size_t)(dots - text));
    a[dots - text] = 0;
    snprintf(b, sizeof b, "%s", dots + 2);
    double va, vb;
    char e[200];
    if (ws_unit_parse(a, WS_UC_TIME, 1e9, &va, e, sizeof e) != 0 ||
        ws_unit_parse(b, WS_UC_TIME, 1e9, &vb, e, sizeof e) != 0) {
        snprintf(msg, len, "in window '%.80s': %s; expected 'START..END', e.g. '2h..4h'", text, e);
        return -1;
    }
    if (va < 0 || vb <= va || vb > 30.0 * 86400e9) {
        snprintf(msg, len,
                 "window '%.80s' is empty or backwards; expected 'START..END' with 0 <= START < "
                 "END <= 30d",
                 text);
        return -1;
    }
    *from = (ws_time)llround(va);
    *to = (ws_time)llround(vb);
    return 0;
}

static void arch_log(ws_archiver *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arch_log(ws_archiver *a, const char *fmt, ...)
{
    FILE *f = a->db->log_all;
    if (!f)
        return;
    char prefix[160];
    ws_db_log_prefix(a->db, ws_sim_now(a->db->sim), ARCHIVER_PID, prefix, sizeof prefix);
    fputs(prefix, f);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
}

static void step(ws_archiver *a);

/* The 1 s pause between retries (pg_usleep in pgarch_ArchiverCopyLoop). */
static void on_retry(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)arg;
    ws_archiver *a = ctx;
    a->busy = false;
    step(a);
}

/* PGARCH_AUTOWAKE_INTERVAL, unless a new .ready file woke it first. */
static void on_autowake(ws_sim *sim, void *ctx, uint64_t gen)
{
    (void)sim;
    ws_archiver *a = ctx;
    if (!a->sleeping || gen != a->gen)
        return;
    a->sleeping = false;
    step(a);
}

static void on_done(ws_sim *sim, void *ctx, uint64_t ok)
{
    ws_archiver *a = ctx;
    ws_wal *w = &a->db->wal;
    a->busy = false;
    char name[32];
    ws_wal_file_name(w, (uint64_t)w->archived_upto * (uint64_t)w->seg, name, sizeof name);
    if (ok) {
        w->archived_upto++;
        a->archived++;
        a->tries = 0;
        if (a->first_fail >= 0 && a->recovered < 0 && ws_wal_archive_lag(w) == 0)
            a->recovered = ws_sim_now(sim);
        step(a);
        return;
    }
    a->failed++;
    if (a->first_fail < 0)
        a->first_fail = ws_sim_now(sim);
    a->recovered = -1;
    arch_log(a, "LOG:  archive command failed with exit code 1");
    arch_log(a, "DETAIL:  The failed archive command was: archive-wal pg_wal/%s", name);
    if (++a->tries < NUM_ARCHIVE_RETRIES) {
        a->busy = true;
        ws_sim_after(sim, WS_SEC, on_retry, a, 0);
        return;
    }
    arch_log(a, "WARNING:  archiving write-ahead log file \"%s\" failed too many times, will try "
            "again later", name);
    a->tries = 0;
    a->sleeping = true;
    ws_sim_after(sim, AUTOWAKE, on_autowake, a, ++a->gen);
}

/* One attempt at the oldest .ready segment, unless one is running or the
 * archiver sleeps after failures. */
static void step(ws_archiver *a)
{
    ws_wal *w = &a->db->wal;
    int64_t lag = ws_wal_archive_lag(w);
    if (lag > a->lag_peak)
        a->lag_peak = lag;
    if (a->busy || a->sleeping || lag == 0)
        return;
    ws_time now = ws_sim_now(a->db->sim);
    a->busy = true;
    if (now >= a->fail_from && now < a->fail_to) {
        ws_sim_after(a->db->sim, a->latency, on_done, a, 0);
        return;
    }
    ws_time t = a->latency + (ws_time)llround((double)w->seg / a->rate * 1e9);
    ws_sim_after(a->db->sim, t, on_done, a, 1);
}

/* XLogArchiveNotify -> PgArchWakeup: a new .ready file wakes it. */
static void on_ready(void *ctx, int64_t segno)
{
    (void)segno;
    ws_archiver *a = ctx;
    a->sleeping = false;
    step(a);
}

/* archive_timeout (CheckArchiveTimeout, in the checkpointer): a segment
 * switch when WAL was written since the last switch and the last switch is
 * at least archive_timeout old.  Checked every archive_timeout. */
static void on_archive_timeout(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    ws_archiver *a = ctx;
    ws_wal *w = &a->db->wal;
    int64_t cur = (int64_t)(w->insert / (uint64_t)w->seg);
    if (cur == a->timeout_seg && w->insert % (uint64_t)w->seg != 0) {
        ws_wal_switch(w);
        a->switches++;
    }
    a->timeout_seg = (int64_t)(w->insert / (uint64_t)w->seg);
    ws_sim_after(sim, a->timeout, on_archive_timeout, a, 0);
}

void ws_archiver_start(ws_archiver *a, ws_db *db)
{
    memset(a, 0, sizeof *a);
    a->db = db;
    a->first_fail = a->recovered = -1;
    const ws_config *cfg = db->cfg;
    if (!strcmp(ws_cfg_str(cfg, WS_S_archive_mode), "off"))
        return;
    const char *t = ws_cfg_str(cfg, WS_S_archive_target);
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++)
        if (!strcmp(t, targets[i].name)) {
            a->rate = targets[i].rate;
            a->latency = targets[i].latency;
        }
    if (ws_cfg_num(cfg, WS_S_archive_rate) > 0)
        a->rate = ws_cfg_num(cfg, WS_S_archive_rate);
    if (ws_cfg_num(cfg, WS_S_archive_latency) > 0)
        a->latency = (ws_time)llround(ws_cfg_num(cfg, WS_S_archive_latency));
    assert(a->rate > 0);
    char msg[256];
    int rc = ws_archiver_parse_window(ws_cfg_str(cfg, WS_S_archive_fail), &a->fail_from,
                                      &a->fail_to, msg, sizeof msg);
    assert(rc == 0); /* rules.c checked it at load */
    (void)rc;
    ws_wal *w = &db->wal;
    w->archiving = true;
    w->archived_upto = (int64_t)(w->insert / (uint64_t)w->seg);
    if (w->archived_upto < w->oldest_seg)
        w->archived_upto = w->oldest_seg;
    w->on_ready = on_ready;
    w->ready_ctx = a;
    a->timeout = (ws_time)llround(ws_cfg_num(cfg, WS_S_archive_timeout));
    if (a->timeout > 0) {
        a->timeout_seg = (int64_t)(w->insert / (uint64_t)w->seg);
        ws_sim_after(db->sim, a->timeout, on_archive_timeout, a, 0);
    }
}

/* The standby, once a second: replays what is flushed, at most `rate`
 * bytes a second, unless disconnected. */
static void on_standby(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    ws_replslot *s = ctx;
    ws_wal *w = &s->db->wal;
    if (!w->slot)
        return; /* invalidated: the standby cannot stream any more */
    ws_time now = ws_sim_now(sim);
    if (!(now >= s->down_from && now < s->down_to)) {
        uint64_t to = w->flushed;
        if (s->rate > 0 && w->slot_lsn + (uint64_t)s->rate < to)
            to = w->slot_lsn + (uint64_t)s->rate;
        if (to > w->slot_lsn)
            w->slot_lsn = to;
    }
    uint64_t lag = ws_wal_slot_retained(w);
    if (lag > s->lag_peak)
        s->lag_peak = lag;
    ws_sim_after(sim, WS_SEC, on_standby, s, 0);
}

void ws_replslot_start(ws_replslot *s, ws_db *db)
{
    memset(s, 0, sizeof *s);
    s->db = db;
    const ws_config *cfg = db->cfg;
    if (!ws_cfg_bool(cfg, WS_S_slot))
        return;
    s->rate = ws_cfg_num(cfg, WS_S_slot_replay_rate);
    char msg[256];
    int rc = ws_archiver_parse_window(ws_cfg_str(cfg, WS_S_slot_down), &s->down_from,
                                      &s->down_to, msg, sizeof msg);
    assert(rc == 0); /* rules.c checked it at load */
    (void)rc;
    db->wal.slot = true;
    db->wal.slot_lsn = db->wal.insert;
    ws_sim_after(db->sim, WS_SEC, on_standby, s, 0);
}

