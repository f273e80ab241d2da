/*
 * advise.h - recommendations from a run's figures (`walsim advise`, and
 * the `advice` of every variant in summary.json).
 *
 * Each recommendation is computed from figures of the run and says which:
 *
 *   - WAL rate: the WAL the workload produced per second under the
 *     variant's settings (more frequent checkpoints mean more full-page
 *     images, so this depends on them);
 *   - max_wal_size for timed checkpoints: a checkpoint is requested by WAL
 *     when the segments since the redo pointer reach CheckPointSegments - 1
 *     = floor(segs(max_wal_size) / (1 + cct)) - 1 (xlog.c), so the timer
 *     keeps the pace while rate x checkpoint_timeout < (CheckPointSegments
 *     - 1) x segment size, i.e. max_wal_size >= (1 + cct) x (rate x timeout
 *     + 2 segments); with `headroom` (25 %) for bursts, rounded up.  The
 *     rate is the one measured under the variant's own settings: when its
 *     checkpoints were requested that rate includes the extra images of
 *     frequent checkpoints, so the figure is an upper bound, which
 *     `walsim advise` refines by simulating it;
 *   - the longest checkpoint_timeout the current max_wal_size keeps timed;
 *   - pg_wal: its peak, and with [disk] size, how long the free space
 *     lasts at the WAL rate if checkpoints stalled and no segment could be
 *     recycled;
 *   - crash recovery at the worst moment (recovery.h);
 *   - checkpoint_warning: how many, and the max_wal_size that spaces
 *     WAL-triggered checkpoints at least checkpoint_warning apart.
 */
#ifndef WALSIM_ADVISE_H
#define WALSIM_ADVISE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "walsim/run.h"

#define WS_ADVICE_HEADROOM 1.25

typedef struct ws_advice {
    double wal_rate;              /* bytes per second over the run */
    bool timed;                   /* no checkpoint was requested by WAL in the run */
    bool enough;                  /* ... and a whole timed cycle stays below the trigger */
    double trigger_bytes;         /* WAL since the redo pointer that requests one: (CheckPointSegments - 1) x seg */
    double cycle_bytes;           /* WAL per timed cycle at this rate: rate x checkpoint_timeout */
    uint64_t max_wal_size_timed;  /* bytes, with headroom, rounded up */
    double timeout_for_current;   /* s: longest checkpoint_timeout that stays timed, 0 if none */
    uint64_t pg_wal_peak;
    double disk_free_bytes;       /* [disk] size - database - pg_wal peak */
    double full_disk_s;           /* free space / WAL rate (infinite when no WAL) */
    double worst_recovery_s;
    uint64_t worst_replay_bytes;
    uint64_t warnings;
    uint64_t max_wal_size_no_warnings; /* bytes; 0 when there were none */
} ws_advice;

/* The advice for one variant's figures (ws_run_stats has every input). */
void ws_advice_compute(const ws_run_stats *st, ws_advice *out);

/* Rounds a size up to a value a person would write (256MB steps below
 * 4GB, 1GB steps to 64GB, 4GB steps above). */
uint64_t ws_advice_round_size(double bytes);

/* The recommendations as lines of text, each with the figures it comes
 * from (indented by `indent`). */
void ws_advice_print(FILE *f, const ws_run_stats *st, const ws_advice *a, const char *indent);

/* The advice as a JSON object (summary.json's "advice"). */
void ws_advice_json(FILE *f, const ws_advice *a);

/* One recommended setting, as PostgreSQL reads it (value quoted when it
 * has a unit), with a one-line reason. */
typedef struct ws_advice_setting {
    char name[48];
    char value[48];
    char reason[400];
} ws_advice_setting;

typedef enum ws_advice_format {
    WS_ADVICE_CONF, /* a postgresql.conf fragment: "# reason" then "name = value" */
    WS_ADVICE_SQL   /* "-- reason" then ALTER SYSTEM SET ...; then SELECT pg_reload_conf(); */
} ws_advice_format;

/* Writes settings[0..n) in `format`, after the comment lines of
 * `header` (lines separated by '\n').  Every setting of the advice can be
 * changed with a reload (sighup), so the SQL ends with pg_reload_conf(). */
void ws_advice_write_settings(FILE *f, ws_advice_format format, const char *header,
                              const ws_advice_setting *settings, size_t n);

/* A size as postgresql.conf takes it: "27GB" when whole gigabytes, else
 * "1536MB". */
void ws_advice_size_value(uint64_t bytes, char *buf, size_t len);

#endif
