/*
 * archiver.h - the WAL archiver (pgarch.c) and the standby behind a
 * physical replication slot: the two consumers that hold segments in
 * pg_wal beyond what the checkpoint needs.
 *
 * Archiver: a completed segment gets a .ready file (XLogArchiveNotifySeg);
 * the archiver copies .ready segments one at a time, oldest first
 * (pgarch_readyXlog), each taking archive_latency + wal_segment_size /
 * archive_rate; on success the segment is .done and the next checkpoint
 * may remove it (walkeep.h).  Inside the failure window every attempt
 * fails after archive_latency; pgarch_ArchiverCopyLoop retries 3 times
 * (NUM_ARCHIVE_RETRIES) 1 s apart, then sleeps until the next .ready file
 * or 60 s (PGARCH_AUTOWAKE_INTERVAL).  Failures are logged as PostgreSQL
 * does.  archive_timeout forces a segment switch when a segment has been
 * open that long with WAL in it (checked every archive_timeout, so a
 * switch comes between 1 and 2 timeouts after the last one).
 *
 * Standby: its slot's restart_lsn follows the flushed WAL, at most
 * slot_replay_rate bytes per second, and stands still while it is
 * disconnected (slot_down); stepped once a second.
 */
#ifndef WALSIM_ARCHIVER_H
#define WALSIM_ARCHIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "walsim/db.h"

typedef struct ws_archiver {
    ws_db *db;
    double rate;               /* bytes/s */
    ws_time latency;
    ws_time fail_from, fail_to; /* [from, to): archive_command fails; from == to: never */
    bool busy, sleeping;
    uint64_t gen;              /* the current sleep's timer */
    int tries;                 /* failed attempts of the current segment in a row */
    uint64_t archived, failed; /* segments archived, failed attempts */
    ws_time first_fail, recovered; /* first failure; when the backlog was next empty (-1: not yet) */
    int64_t lag_peak;          /* most .ready segments at once */
    ws_time timeout;           /* archive_timeout (0: off) */
    int64_t timeout_seg;       /* the insert segment at the last check */
    uint64_t switches;         /* segment switches archive_timeout forced */
} ws_archiver;

typedef struct ws_replslot {
    ws_db *db;
    double rate;               /* bytes/s; 0: keeps up */
    ws_time down_from, down_to;
    uint64_t lag_peak;         /* most WAL held by the slot */
} ws_replslot;

/* Parses a window 'START..END' of times (units as PostgreSQL's, a bare
 * number is seconds; '' is no window: *from = *to = 0).  Returns 0, or -1
 * with a message (without file, line or key) in msg. */
int ws_archiver_parse_window(const char *text, ws_time *from, ws_time *to, char *msg,
                             size_t len);

/* Starts the archiver when archive_mode is on (else does nothing): every
 * segment before the current one counts as archived.  Call after the warm
 * start. */
void ws_archiver_start(ws_archiver *a, ws_db *db);

/* Starts the standby when [scenario] slot is on, its slot at the current
 * insert position. */
void ws_replslot_start(ws_replslot *s, ws_db *db);

#endif
