/*
 * rundir.h - the data of a `walsim run` output folder in memory, for the
 * charts (internal to src/plot).
 *
 * plot_run_load reads summary.json (scenario name, variants in scenario
 * order, headline figures, limits, and from schema_version 2 the
 * measurement window and warnings), timeline.csv (the columns the charts
 * draw, per variant), checkpoints.csv (write and sync phase spans) and
 * latency_cdf.csv, and checks them against docs/outputs.md: a missing
 * file, column or field, a row of an unknown variant, a time that does
 * not increase, is an error naming FILE:LINE.  Nothing is drawn from a
 * folder that does not load completely.
 */
#ifndef WALSIM_PLOT_RUNDIR_H
#define WALSIM_PLOT_RUNDIR_H

#include <stdbool.h>
#include <stddef.h>

#include "walsim/diag.h"
#include "walsim/plot.h"

/* The timeline.csv columns the charts use. */
typedef enum plot_tcol {
    PLOT_TPS,
    PLOT_P50,
    PLOT_P99,
    PLOT_MAX,
    PLOT_WAL_FPI,
    PLOT_WAL_REC,
    PLOT_PG_WAL,
    PLOT_DIRTY_BUFFERS,
    PLOT_OS_DIRTY,
    PLOT_OS_WRITEBACK,
    PLOT_DEV_READ,
    PLOT_DEV_WAL,
    PLOT_DEV_CKPT,
    PLOT_DEV_BGWRITER,
    PLOT_DEV_BACKEND,
    PLOT_DEV_WRITEBACK,
    PLOT_DEV_UTIL,
    /* optional (since the IOPS columns were added): a timeline.csv
     * without them loads with has_iops false and these NULL */
    PLOT_DEV_READ_IOPS,
    PLOT_DEV_WRITE_IOPS,
    PLOT_TCOL__COUNT
} plot_tcol;

#define PLOT_TCOL_REQUIRED PLOT_DEV_READ_IOPS

extern const char *const plot_tcol_names[PLOT_TCOL__COUNT];

typedef struct plot_span {
    double t0, t1;
    int sync; /* 0 write phase, 1 sync phase */
} plot_span;

enum { PLOT_MAX_TAGS = 6, PLOT_TAG_LEN = 96 };

typedef struct plot_variant {
    char *name;
    char *settings;                 /* "max_wal_size 1GB, ..." from summary.json settings */
    size_t n;                       /* intervals */
    double *t;                      /* interval starts (s) */
    double *col[PLOT_TCOL__COUNT];  /* n values each, as in the file */
    double dt;                      /* interval length (s) */
    double t_last;                  /* the last row's start (s), kept or not */
    /* A long timeline is not held whole: timeline.csv is read in chunks,
     * and of a variant with more than PLOT_KEEP_ALL rows only the rows
     * M4 could draw are kept (rundir.c: per one of PLOT_BUCKETS slices of
     * the time axis, the first, the last, and each drawn series' lowest
     * and highest row); decimated says so.  zn, zt, zcol: the rows of the
     * worst hour (and a row or two around it) whole, for worst-hour.png,
     * when the variant is decimated (else NULL: t and col hold them). */
    bool decimated;
    size_t zn;
    double *zt;
    double *zcol[PLOT_TCOL__COUNT];
    plot_span *spans;               /* checkpoint phases, in time order */
    size_t n_spans;
    double *cdf_ms, *cdf;           /* latency_cdf.csv rows */
    size_t n_cdf;
    /* summary.json */
    double tps, p50_ms, p99_ms, max_ms;
    double ckpt_timed, ckpt_req, wal_per_tx, fpi_share, pg_wal_peak;
    /* summary.json limits; NAN when the file has none */
    double shared_buffers, max_wal_size, min_wal_size, dirty_background, dirty_limit;
    double transactions; /* summary.json "transactions"; NAN when absent */
    /* summary.json "device" (the effective figures of the variant's disk:
     * the preset's, or the [disk] overrides); NAN when absent, 0 for no
     * limit (burst_iops 0: no burst) */
    double dev_write_bw, dev_read_bw, dev_write_iops, dev_read_iops, dev_burst_iops;
    /* summary.json "window" and "warnings" (schema_version 2): the span
     * every figure above covers, and what is wrong with them.  has_window
     * is false for an older file, which is drawn as before. */
    bool has_window;
    double win_start, win_end;      /* s */
    bool overloaded;
    double offered_tps;             /* NAN: not given (closed loop) */
    double cycles;                  /* complete checkpoint cycles in the window; NAN: not given */
    bool cold;                      /* "start": "cold" */
    bool transient_open;            /* warmup auto, and the transient did not end */
    char **warn;                    /* the sentences of "warnings" */
    size_t n_warn;
    /* Short tags for the charts, the alarm (overloaded) first; text points
     * into tag_text. */
    ws_plot_tag tags[PLOT_MAX_TAGS];
    char tag_text[PLOT_MAX_TAGS][PLOT_TAG_LEN];
    int n_tags;
    /* The same tags without their numbers ("OVERLOADED"), for captions
     * too narrow for the full ones. */
    ws_plot_tag short_tags[PLOT_MAX_TAGS];
    char short_text[PLOT_MAX_TAGS][PLOT_TAG_LEN];
} plot_variant;

typedef struct plot_run {
    char *title; /* summary.json scenario.name */
    plot_variant *v;
    size_t nv;
    double t0, t1; /* the time axis: first interval start .. last interval end */
    bool has_iops; /* timeline.csv has dev_read_iops and dev_write_iops */
    /* transaction sampling: the smallest share of transactions simulated
     * one by one of any variant (1: every one); latencies are theirs */
    double tx_rate;
    /* The worst hour (charts.c worst-hour.png), found while reading: of
     * every hour-long stretch of rows inside a variant's measurement
     * window, the one with the highest mean p99; only for runs of
     * PLOT_ZOOM_MIN_SPAN or more. */
    bool zoom;
    double zoom_at, zoom_worst; /* its start (s), its mean p99 (ms) */
    size_t zoom_which;          /* the variant */
    size_t rows_read;           /* timeline.csv rows, all variants (for tests) */
} plot_run;

#define PLOT_ZOOM_MIN_SPAN (6 * 3600.0)
#define PLOT_ZOOM_SPAN 3600.0
enum { PLOT_KEEP_ALL = 16384, PLOT_BUCKETS = 4096 };

/* Loads DIR's files into r (zeroed first).  On error r is freed and the
 * message names the file and line. */
int plot_run_load(const char *dir, plot_run *r, ws_diag *err);
void plot_run_free(plot_run *r);

/* Any variant with a window that leaves part of the time axis outside it
 * (a warm-up to shade)? */
bool plot_run_has_warmup(const plot_run *r);

#endif
