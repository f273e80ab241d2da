/*
 * capture.h - statistics of a live PostgreSQL server sampled over a window
 * into psql --csv snapshots (ws_capture_; docs/capture.md).
 *
 * ws_capture_run connects with libpq, checks that the server can be
 * captured (13 or later, not a standby, the role a member of pg_monitor),
 * then samples every `interval` seconds for `duration` seconds, each
 * sample one READ ONLY transaction of a session whose
 * default_transaction_read_only is on: it never writes to the server.  It
 * writes into a folder the caller owns (a staging folder of outdir.h) the
 * same files the importers read (docs/importers.md), so that a capture
 * and snapshots taken by hand with psql are interchangeable:
 *
 *   bgwriter.csv, wal.csv (14+), checkpointer.csv (17+), database.csv,
 *   control.csv (pg_control_checkpoint(): the last checkpoint's start):
 *       one row per sample, with `epoch` and `lsn` (pg_current_wal_lsn())
 *   bgwriter_before.csv / _after.csv, and the same for wal, checkpointer:
 *       the first and the last sample (run-pgbench.sh's names)
 *   user_tables_{before,after}.csv, statio_user_tables_..., sizes_...,
 *   statements_... (pg_stat_statements when installed, without the query
 *       text, which may hold literals)
 *   settings.csv: name, setting, unit, source, sourcefile, sourceline
 *   capture.csv: key,value: server version, the DSN without its password,
 *       window, interval, samples, the capture's own transactions
 *
 * Passwords come from libpq's usual places (PGPASSWORD, PGPASSFILE, a
 * service file or the DSN); no password is written to a file or put in a
 * message: the DSN is stored as libpq parsed it without `password` (nor
 * `sslpassword`), and libpq's messages are cut to their first line with
 * any password replaced.
 *
 * Built without libpq (WALSIM_HAVE_LIBPQ undefined), ws_capture_run fails
 * with a message saying so and ws_capture_available is false.
 */
#ifndef WALSIM_CAPTURE_H
#define WALSIM_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "walsim/diag.h"

typedef struct ws_capture_opts {
    const char *dsn;        /* libpq connection string or URI */
    double duration_s;      /* > 0 */
    double interval_s;      /* > 0, <= duration_s */
    void (*poll)(void);     /* called while waiting (signals), or NULL */
    bool quiet;             /* no progress lines on stderr */
} ws_capture_opts;

typedef struct ws_capture_info {
    int server_version;     /* 150018 */
    size_t samples;
    double start_epoch, end_epoch;
} ws_capture_info;

/* True when walsim was built with libpq. */
bool ws_capture_available(void);

/* The DSN as libpq reads it, without password, as "key='value' ...".
 * WS_EINPUT when libpq cannot parse it (the message quotes no part of
 * it). */
int ws_capture_dsn_redact(const char *dsn, char *out, size_t len, ws_diag *err);

/* Connects, checks, samples and writes the files into `dir` (which must
 * exist).  WS_EINPUT for every failure the user can fix (connection
 * refused, authentication failed, missing privileges, a standby, a server
 * older than 13, built without libpq), with a one-line message; WS_EIO
 * when a file cannot be written; WS_ENOMEM.  On failure `dir` may hold
 * partial files: the caller discards it. */
int ws_capture_run(const ws_capture_opts *o, const char *dir, ws_capture_info *info,
                   ws_diag *err);

/* ---------------------------------------------------------------------
 * A capture folder read back (capdir.c; needs no libpq)
 *
 * Calibrates the folder with calibrate.h's fits: transactions over time
 * from pg_stat_database.xact_commit (the capture's own commits taken off),
 * checkpoint cycle starts from pg_control_checkpoint(), the tables and
 * their rows changed from pg_stat_user_tables and sizes_after.csv.  Prints
 * the calibration report (its fits and residuals) to `report` when not
 * NULL, and writes `scenario` when not NULL (through a temporary file
 * renamed into place): [scenario], [workload] (rate), [table]s,
 * [transaction captured], [postgres] from the settings whose source is
 * not default (file:line in comments), [os] and [disk] as placeholders.
 * WS_EINPUT naming the file for a folder that is not a capture; WS_EIO;
 * WS_ENOMEM.
 */
int ws_capture_calibrate(const char *dir, const char *scenario, FILE *report, ws_diag *err);

#endif
