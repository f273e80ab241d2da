/*
 * pgstats.h - snapshots of PostgreSQL's cumulative statistics views, and
 * the difference between two of them.
 *
 * Input is what `psql --csv -c "select ... from VIEW"` prints: a header
 * line with the column names, then one line per row, comma-separated,
 * fields in double quotes when they hold a comma or a quote (RFC 4180).
 * The views are pg_stat_bgwriter (13-16; 17 keeps only its bgwriter
 * columns), pg_stat_checkpointer (17+) and pg_stat_wal (14+); extra columns
 * are welcome, in any order: `epoch` (seconds, from extract(epoch from
 * clock_timestamp())) and `lsn` (pg_current_wal_lsn(), "2/5B0C3A88") or
 * `lsn_bytes`.  One file may join several views in one row (as the shared
 * dataset's db_samples.csv does, with `_ms` suffixes on the times).
 *
 * Each row becomes a ws_pgstats_snap: one double per known counter
 * (ws_pgstat), NaN for a counter the file does not have or an empty (NULL)
 * field.  Columns are matched by name, case-insensitively, with the
 * PostgreSQL 17 and 18 names mapped onto the 13-16 ones (num_timed is
 * checkpoints_timed, num_requested checkpoints_req, write_time
 * checkpoint_write_time, sync_time checkpoint_sync_time, buffers_written
 * buffers_checkpoint, num_done checkpoints_done, slru_written).  Unknown
 * columns (stats_reset, ...) are counted and ignored.  A known column whose
 * value is not a number (or, for lsn, not an LSN) is an error naming
 * FILE:LINE and the column.  Times are milliseconds as the views report
 * them; wal_bytes is exact up to 2^53 bytes (8 PiB).
 */
#ifndef WALSIM_PGSTATS_H
#define WALSIM_PGSTATS_H

#include <stddef.h>
#include <stdint.h>

#include "walsim/diag.h"

typedef enum ws_pgstat {
    WS_PGSTAT_EPOCH,                  /* s since the Unix epoch (extra column) */
    WS_PGSTAT_LSN,                    /* bytes: lsn "X/X" or lsn_bytes (extra column) */
    /* pg_stat_bgwriter 13-16 / pg_stat_checkpointer 17+ */
    WS_PGSTAT_CHECKPOINTS_TIMED,      /* num_timed in 17+ */
    WS_PGSTAT_CHECKPOINTS_REQ,        /* num_requested in 17+ */
    WS_PGSTAT_CHECKPOINTS_DONE,       /* num_done, 18+ */
    WS_PGSTAT_RESTARTPOINTS_TIMED,    /* 17+ */
    WS_PGSTAT_RESTARTPOINTS_REQ,      /* 17+ */
    WS_PGSTAT_RESTARTPOINTS_DONE,     /* 17+ */
    WS_PGSTAT_CHECKPOINT_WRITE_TIME,  /* ms; write_time in 17+ */
    WS_PGSTAT_CHECKPOINT_SYNC_TIME,   /* ms; sync_time in 17+ */
    WS_PGSTAT_BUFFERS_CHECKPOINT,     /* buffers_written in 17+ */
    WS_PGSTAT_SLRU_WRITTEN,           /* 18+ */
    WS_PGSTAT_BUFFERS_CLEAN,          /* bgwriter */
    WS_PGSTAT_MAXWRITTEN_CLEAN,       /* bgwriter */
    WS_PGSTAT_BUFFERS_BACKEND,        /* 13-16 */
    WS_PGSTAT_BUFFERS_BACKEND_FSYNC,  /* 13-16 */
    WS_PGSTAT_BUFFERS_ALLOC,          /* bgwriter */
    /* pg_stat_wal 14+ */
    WS_PGSTAT_WAL_RECORDS,
    WS_PGSTAT_WAL_FPI,
    WS_PGSTAT_WAL_BYTES,
    WS_PGSTAT_WAL_BUFFERS_FULL,
    WS_PGSTAT_WAL_WRITE,              /* 14-17 */
    WS_PGSTAT_WAL_SYNC,               /* 14-17 */
    WS_PGSTAT_WAL_WRITE_TIME,         /* ms, 14-17 (needs track_wal_io_timing) */
    WS_PGSTAT_WAL_SYNC_TIME,          /* ms, 14-17 */
    WS_PGSTAT_COUNT
} ws_pgstat;

/* One row: v[f] for each counter f, NaN when absent. */
typedef struct ws_pgstats_snap {
    double v[WS_PGSTAT_COUNT];
} ws_pgstats_snap;

typedef struct ws_pgstats {
    ws_pgstats_snap *rows; /* in file order */
    size_t n_rows;
    size_t known_columns;   /* columns mapped to a ws_pgstat */
    size_t unknown_columns; /* columns ignored: unknown names, second spellings */
} ws_pgstats;

/* Parses psql --csv text; `name` names it in messages.  On success *out is
 * new (ws_pgstats_free); on failure NULL, with "NAME:LINE: ..." in err.  A
 * file with a header and no rows is fine (n_rows 0); blank lines are
 * skipped (except in a one-column file, where psql prints a NULL as an
 * empty line); an empty file, a row
 * with a different number of fields than the header, or a header with no
 * known column is an error. */
int ws_pgstats_parse_string(const char *text, size_t len, const char *name, ws_pgstats **out,
                            ws_diag *err);

/* The same for a file (gzip when walsim has zlib); WS_EIO when unreadable. */
int ws_pgstats_read_file(const char *path, ws_pgstats **out, ws_diag *err);

void ws_pgstats_free(ws_pgstats *s);

/* The canonical column name of f ("checkpoints_timed", "epoch", "lsn"). */
const char *ws_pgstats_name(ws_pgstat f);

/* Fills the counters absent (NaN) in dst from src, e.g. a pg_stat_wal
 * snapshot into a pg_stat_bgwriter one taken at about the same time (dst's
 * epoch and lsn win when both have them). */
void ws_pgstats_merge(ws_pgstats_snap *dst, const ws_pgstats_snap *src);

/* delta = after - before for every counter present in both (NaN
 * otherwise): epoch gives the seconds between the snapshots, lsn the WAL
 * bytes.  A counter that went down means the statistics were reset
 * between the two: WS_EINPUT naming it ("label" starts the message, e.g.
 * the two file names). */
int ws_pgstats_delta(const ws_pgstats_snap *before, const ws_pgstats_snap *after,
                     ws_pgstats_snap *delta, const char *label, ws_diag *err);

/* Parses a PostgreSQL LSN ("2/5B0C3A88": two groups of 1-8 hex digits)
 * of n bytes into *bytes; WS_OK or WS_EINPUT. */
int ws_pgstats_lsn_parse(const char *s, size_t n, uint64_t *bytes);

#endif
