/*
 * report.h - output files of a run.
 *
 * Outputs are written all-or-nothing: ws_outset_open returns a stream to a
 * temporary file (DIR/.NAME.tmp.PID) and ws_outset_commit renames every
 * file into place only after all were written and closed without error.
 * ws_outset_abort removes the temporaries, so a failed or interrupted run
 * never leaves a half-written file behind.  A command that writes a whole
 * folder opens its outset in an outdir.h staging folder, so the folder is
 * replaced at once too.  Two files of one name in one outset are refused
 * (WS_EIO from ws_outset_open): one would overwrite the other.
 */
#ifndef WALSIM_REPORT_H
#define WALSIM_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "walsim/diag.h"
#include "walsim/run.h"
#include "walsim/scenario.h"

#define WS_SUMMARY_SCHEMA_VERSION 2

typedef struct ws_outset ws_outset;

/* Creates `dir` (and its parents) if needed.  Returns NULL with a message
 * when it cannot. */
ws_outset *ws_outset_new(const char *dir, ws_diag *err);
FILE *ws_outset_open(ws_outset *o, const char *name, ws_diag *err);
int ws_outset_commit(ws_outset *o, ws_diag *err); /* frees o */
void ws_outset_abort(ws_outset *o);               /* frees o */

/* The file name PREFIX-VARIANT.EXT of variant i of names[0..n) (e.g.
 * "pg_stat-", ".csv"), distinct from every other variant's: '/' and a
 * leading '.' become '_', a name longer than 160 bytes is cut (at a UTF-8
 * character boundary), and a name equal to an earlier variant's after
 * that gets "~I" (I = i + 1) before the extension.  docs/outputs.md. */
void ws_outset_variant_file(char *buf, size_t size, const char *prefix,
                            const char *const *names, size_t n, size_t i, const char *ext);

/* Writes summary.json: schema in docs/outputs.md.  `stats` and `cfgs`
 * hold one entry per variant, in scenario order. */
void ws_report_summary_json(FILE *f, const ws_scenario *s, const ws_config *const *cfgs,
                            const ws_run_stats *stats, size_t n);

/* timeline.csv, checkpoints.csv and latency_cdf.csv (docs/outputs.md):
 * `stats` and `details` hold one entry per variant, in scenario order. */
void ws_report_timeline_csv(FILE *f, const ws_run_stats *stats, const ws_run_detail *details,
                            size_t n);
void ws_report_checkpoints_csv(FILE *f, const ws_run_stats *stats, const ws_run_detail *details,
                               size_t n);
void ws_report_latency_cdf_csv(FILE *f, const ws_run_stats *stats, const ws_run_detail *details,
                               size_t n);

/* pg_stat-NAME.csv: one variant's statistics views at the end of every
 * interval, in the columns psql --csv prints for the version's
 * pg_stat_bgwriter (or pg_stat_checkpointer) and pg_stat_wal, with epoch
 * (simulated time 0 = start_epoch) and lsn first: what the guide's
 * monitoring queries would have shown, readable by walsim's own importer. */
void ws_report_pg_stat_csv(FILE *f, const ws_run_stats *stats, const ws_run_detail *detail,
                           double start_epoch);

/* Prints the comparison table of variants to f (stdout after a run). */
void ws_report_table(FILE *f, const ws_run_stats *stats, size_t n);

/* Prints a sweep's table from its sweep.csv: one row per point and
 * variant (the mean over seeds): tps, p50, p99, checkpoints timed/req,
 * WAL per transaction, pg_wal peak, worst recovery, and ratios against
 * the first point of the same variant.  WS_EINPUT/WS_EIO when the file
 * cannot be read as a sweep.csv. */
int ws_report_sweep_table(FILE *f, const char *csv_path, ws_diag *err);

/* Short name of a scenario for output folders: the file's base name
 * without ".conf" ("checkpoint-smoothing"). */
void ws_report_scenario_slug(const char *file, char *buf, size_t len);

#endif
