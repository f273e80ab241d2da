/*
 * pglog.h - checkpoints read from a PostgreSQL server log.
 *
 * With log_checkpoints = on, PostgreSQL logs each checkpoint (or, on a
 * standby, restartpoint) twice: LogCheckpointStart in xlog.c writes
 *
 *     2024-05-01 12:00:00.123 UTC [4242] LOG:  checkpoint starting: time
 *
 * and LogCheckpointEnd, when it is done,
 *
 *     ... LOG:  checkpoint complete: wrote 4909 buffers (30.0%); 0 WAL file(s)
 *     added, 15 removed, 14 recycled; write=14.426 s, sync=0.420 s,
 *     total=15.019 s; sync files=30, longest=0.193 s, average=0.014 s;
 *     distance=473149 kB, estimate=473149 kB
 *
 * (one line; versions 16 and 17 append "; lsn=1/7F032D28, redo
 * lsn=1/7EFFB0A0", 18 writes "wrote N buffers (x%), wrote N SLRU buffers;",
 * later ones zero-pad the LSNs and repeat the flags after "complete:").
 * The checkpointer also warns "checkpoints are occurring too frequently (N
 * seconds apart)" when WAL triggers them closer than checkpoint_warning.
 *
 * ws_pglog_parse_* pairs the start and complete lines into checkpoint
 * records, in log order, and collects the warnings.  Any log_line_prefix
 * works that puts a time stamp before the message: %m or %t
 * ("2024-05-01 12:00:00[.123] [ZONE]") or %n (epoch "1714564800.123");
 * the time zone is an abbreviation from a built-in table (UTC, CET, CEST,
 * EST, PDT, JST, ...), a numeric one (+02, -0330, +05:30), or absent
 * (read as UTC).  The message must be in English (lc_messages = C) and
 * follow the severity "LOG:  " as PostgreSQL writes it (stderr log format;
 * not csvlog or jsonlog).
 *
 * Every other line (connections, autovacuum, DETAIL/HINT lines, the tab
 * indented continuation lines of a multi-line message, walsim's
 * "# variant" headers) is counted in `skipped_lines` and ignored.  A line
 * that is a checkpoint line but does not parse is an error naming
 * FILE:LINE, the column and what was expected - except the last line of
 * the input when it has no final newline (a log copied while the server
 * was writing it): that one is dropped and counted in `truncated_lines`.
 *
 * Times are seconds since the Unix epoch (UTC) as doubles, exact to the
 * millisecond that %m and %n print (%t prints whole seconds).
 */
#ifndef WALSIM_PGLOG_H
#define WALSIM_PGLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "walsim/diag.h"

/* The flags of "checkpoint starting:", in PostgreSQL's print order
 * (xlog.c LogCheckpointStart; CHECKPOINT_* in xlog.h). */
enum {
    WS_PGLOG_SHUTDOWN = 1 << 0,        /* "shutdown" */
    WS_PGLOG_END_OF_RECOVERY = 1 << 1, /* "end-of-recovery" */
    WS_PGLOG_IMMEDIATE = 1 << 2,       /* "immediate" ("fast" after 18) */
    WS_PGLOG_FORCE = 1 << 3,           /* "force" */
    WS_PGLOG_WAIT = 1 << 4,            /* "wait" */
    WS_PGLOG_WAL = 1 << 5,             /* "wal": requested by WAL volume */
    WS_PGLOG_TIME = 1 << 6,            /* "time": checkpoint_timeout */
    WS_PGLOG_FLUSH_ALL = 1 << 7        /* "flush-all" */
};

/* One checkpoint or restartpoint.  A record has a start line, a complete
 * line, or both (has_start / has_complete); the fields of the missing line
 * are NaN (doubles) or -1 (integers). */
typedef struct ws_pglog_ckpt {
    bool restartpoint;   /* "restartpoint starting/complete" (a standby) */
    bool has_start;      /* a "starting:" line was seen */
    bool has_complete;   /* a "complete:" line was seen */
    int start_line;      /* line numbers in the input, 0 when absent */
    int complete_line;
    double start_time;   /* epoch s of the "starting:" line */
    unsigned flags;      /* WS_PGLOG_* of the "starting:" line */
    double complete_time; /* epoch s of the "complete:" line */
    int64_t buffers;     /* "wrote N buffers" (BufferSync's writes) */
    double buffers_pct;  /* "(x%)" of shared_buffers */
    int64_t slru_buffers; /* "wrote N SLRU buffers" (18+), else -1 */
    int64_t wal_added, wal_removed, wal_recycled; /* WAL file(s) */
    double write_s, sync_s, total_s;    /* write=, sync=, total= */
    int64_t sync_files;                 /* "sync files=" */
    double longest_s, average_s;        /* longest=, average= (one fsync) */
    int64_t distance_kb, estimate_kb;   /* distance=, estimate= */
    bool has_lsn;                       /* "; lsn=..., redo lsn=..." (16+) */
    uint64_t lsn, redo_lsn;             /* bytes; 0 when !has_lsn */
} ws_pglog_ckpt;

/* One "checkpoints are occurring too frequently (N seconds apart)". */
typedef struct ws_pglog_warning {
    int line;
    double time;     /* epoch s */
    int64_t seconds; /* N */
} ws_pglog_warning;

typedef struct ws_pglog {
    ws_pglog_ckpt *ckpts; /* in the order their first line appears */
    size_t n_ckpts;
    ws_pglog_warning *warnings;
    size_t n_warnings;
    size_t lines;           /* lines read */
    size_t skipped_lines;   /* lines that are not checkpoint lines */
    size_t truncated_lines; /* 0 or 1: an unparsable, unterminated last line */
    size_t unpaired;        /* records with only one of their two lines */
} ws_pglog;

/* Parses a whole log held in memory; `name` names it in messages.  On
 * success *out is a new ws_pglog (free with ws_pglog_free); on failure
 * *out is NULL, err holds "NAME:LINE: ..." and the status is WS_EINPUT or
 * WS_ENOMEM. */
int ws_pglog_parse_string(const char *text, size_t len, const char *name, ws_pglog **out,
                          ws_diag *err);

/* Reads and parses the file at path (gzip-compressed when walsim has
 * zlib); adds WS_EIO for a file that cannot be read. */
int ws_pglog_read_file(const char *path, ws_pglog **out, ws_diag *err);

void ws_pglog_free(ws_pglog *log);

/* Writes the flag words of `flags` ("immediate force wait"; "" for none)
 * into buf; returns buf. */
const char *ws_pglog_flags_str(unsigned flags, char *buf, size_t len);

#endif
