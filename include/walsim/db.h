/*
 * db.h - the PostgreSQL model: relations, transactions' page accesses,
 * shared buffers, full-page images, WAL, checkpointer and bgwriter, on
 * top of the page cache and the device.
 *
 * ws_db is the state the database processes share; each process lives in
 * its own file and touches the others only through the functions below:
 *
 *   db.c            relations, the pgbench profile, a transaction's buffer
 *                   accesses (hits, misses, dirty victims = backend
 *                   writes), full-page images, its WAL record and commit
 *   checkpointer.c  triggers, the paced write phase, the sync phase, the
 *                   end of a checkpoint, log_checkpoints lines
 *   bgwriter.c      BgBufferSync
 *   wal.c           insertion, group commit, WAL writer, segments
 *
 * A transaction runs in three steps: its CPU time on a core (workload.c),
 * then all its buffer accesses at once (state changes are instantaneous;
 * the time they would take - reads that miss, backend writes, throttling,
 * compression CPU - is added up), then, that long after, its commit, which
 * waits for the WAL flush.  docs/model.md lists this and the other
 * simplifications.
 */
#ifndef WALSIM_DB_H
#define WALSIM_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "walsim/access.h"
#include "walsim/bufpool.h"
#include "walsim/device.h"
#include "walsim/diag.h"
#include "walsim/pagecache.h"
#include "walsim/pagestate.h"
#include "walsim/rng.h"
#include "walsim/scenario.h"
#include "walsim/sim.h"
#include "walsim/timeline.h"
#include "walsim/wal.h"

#define WS_PAGE 8192
#define WS_SEG_PAGES 131072 /* pages in a 1 GB relation segment file (RELSEG_SIZE) */
#define WS_MAX_RELS 64
#define WS_MAX_TX_TYPES 32
#define WS_MAX_TOUCH 16
#define WS_VICTIM_LAGS 64 /* sampling: recent dirty victims the out-of-sample ones are drawn from */
#define WS_FPI_RECORD_OVERHEAD 50 /* block reference and image headers per image (xlogrecord.h) */

typedef struct ws_rel {
    char name[48];
    bool logged;
    uint64_t pages;           /* current size */
    uint32_t fpi_raw;         /* bytes of a full-page image after hole removal */
    uint32_t fpi_stored;      /* ... as stored with the variant's wal_compression */
    ws_time fpi_cpu;          /* compression CPU per image */
    ws_access access;
    ws_pagestate ps;          /* checkpoint epoch per page */
    uint32_t *files;          /* page cache file per 1 GB segment */
    uint32_t n_files;
    /* Spatial sampling (sampling.c, [scenario] sampling): k = 1 simulates
     * every page; k > 1 only the blocks with block % k == 0, whose page
     * state is kept at index block / k.  Per part (hotset: 0 hot, 1 cold;
     * otherwise 0), the sampled pages, how many are in shared buffers and
     * how many were changed since the redo pointer: what the accesses to
     * the other pages are drawn from. */
    uint32_t k;
    uint64_t s_pages[2], s_resident[2], s_touched[2];
    uint16_t tail_epoch;      /* k > 1, append: image epoch of an unsampled last page */
    /* Transaction sampling (fluid.c): a uniform table kept whole and no
     * larger than the pool has its fluid accesses counted in bulk.
     * fl_set holds every page that may not be settled (settled: resident,
     * dirty and changed since the redo pointer, so that a fluid access
     * changes nothing but its usage count), fl_pos each page's place in it
     * (UINT32_MAX: not in it; NULL: not counted in bulk). */
    uint32_t *fl_set, *fl_pos;
    uint32_t fl_n;
    uint16_t fl_epoch;        /* the redo pointer's epoch fl_set was filled under */
    uint64_t fl_unseen;       /* usage bumps of its fluid accesses, so far */
    uint64_t fl_unseen_mark;  /* ... when the clock hand last completed a pass */
    double fl_per_pass;       /* ... per page in the last pass */
} ws_rel;

typedef struct ws_touch {
    uint16_t rel;
    bool modify;
    double count;             /* pages per transaction; a fraction is a probability */
    uint8_t pins;             /* times each page is pinned (PinBuffer: usage_count + 1 each); 0 means 1 */
} ws_touch;

typedef struct ws_txtype {
    char name[48];
    ws_time cpu;
    uint64_t wal_bytes;
    ws_touch touch[WS_MAX_TOUCH];
    int n_touch;
    double weight;
    bool stable;              /* draws independent of when they are made (db.c) */
} ws_txtype;

/* pg_stat_bgwriter (13-16) / pg_stat_checkpointer (17) counters. */
typedef struct ws_db_stats {
    uint64_t checkpoints_timed, checkpoints_req, checkpoint_warnings, checkpoints_skipped;
    double checkpoint_write_time_ms, checkpoint_sync_time_ms;
    uint64_t buffers_checkpoint, buffers_clean, maxwritten_clean, buffers_backend;
    uint64_t buffers_alloc, reads, read_misses_os;
    double ckpt_write_s_sum, ckpt_sync_s_sum, ckpt_total_s_sum;
    uint64_t ckpt_count, ckpt_buffers_sum;
    uint64_t ckpt_fsyncs;                /* files the checkpoints' sync phases fsynced */
    ws_time cpu_compress, cpu_tx_io, cpu_bg; /* CPU: compression; transactions' I/O; background (cpucost.c) */
} ws_db_stats;

/* The CPU cost model (cpucost.c, [os] cpu_*): what I/O work costs the
 * cores besides a transaction's own CPU time. */
typedef struct ws_cpucost {
    ws_time read, write, fpi, wal_kb, flush, writeback_kb;
    void (*bg)(void *ctx, ws_time cpu); /* where background CPU goes (NULL: nowhere) */
    void *bg_ctx;
    /* what was charged up to the last tick */
    uint64_t ckpt_written, bg_written, flushes;
    uint64_t dev_written;
} ws_cpucost;

/* A writer's pending writeback hints (bufmgr.c WritebackContext): after
 * every `flush_after` pages written to one file, or when the writer moves
 * to another file, sync_file_range is issued for them.  flush_after 0
 * disables hints. */
typedef struct ws_writeback {
    uint32_t file, pages, flush_after;
    ws_io_class cls;
} ws_writeback;

#define WS_MAX_BULK 8

/* A bulk load ([bulk NAME], bulk.c): COPY, or INSERT ... SELECT, then
 * optionally CREATE INDEX. */
typedef struct ws_bulk {
    char name[48];
    int rel, src, build;        /* target, source, index to build (-1: none) */
    ws_touch idx[WS_MAX_TOUCH]; /* index pages changed per row */
    int n_idx;
    uint64_t rows, done;
    double rate, carry;         /* rows per second offered (0: CPU-bound) */
    ws_time cpu_per_row, build_cpu_per_row;
    bool sync_commit, truncate;
    double mwm;                 /* maintenance_work_mem for the build */
    ws_time t_start, t_loaded, t_built;
    uint64_t wal_start, wal_loaded, wal_built, lsn;
    int state;                  /* 0 waiting, 1 loading, 2 committing, 3 building, 4 done */
    int build_phase;            /* the index build's: scan, spill, write (bulk.c) */
    uint64_t build_rows, build_spill, build_pos;
} ws_bulk;

typedef enum ws_ckpt_phase { WS_CKPT_IDLE, WS_CKPT_WRITE, WS_CKPT_SYNC } ws_ckpt_phase;



typedef struct ws_checkpointer {
    ws_ckpt_phase phase;
    int flags;                 /* of the running checkpoint: WS_CKPT_F_* */
    int pending;               /* requests that arrived meanwhile */
    ws_time last_start;        /* start of the last checkpoint (timed spacing) */
    ws_event_id timer;
    int64_t ckpt_segments;     /* CheckPointSegments */
    uint64_t redo, prev_redo;  /* redo pointers: current and the previous checkpoint's */
    bool have_prev;
    double estimate;           /* CheckPointDistanceEstimate */
    /* the running checkpoint */
    ws_time t_start, t_sync, t_end;
    uint64_t *todo;            /* tagged buffers, sorted: (relation, block, buffer) packed
                                  (todo_packed), or page ids found again when written */
    uint32_t cap_todo;
    unsigned todo_buf_bits, todo_block_bits;
    bool todo_packed;
    uint32_t n_todo, next;
    uint64_t w_todo, w_next;   /* pages the tagged / the passed buffers stand for (sampling) */
    uint32_t sub_left, sub_file; /* pages of the last sampled buffer still to write, its file */
    uint64_t written;          /* pages written (a sampled buffer stands for k) */
    double cached_elapsed;
    ws_time head;              /* how late the whole-second clock already is at the start */
    ws_time next_head;         /* ... for the next timed checkpoint: the fraction of a
                                  second the last one ended in */
    ws_writeback wb;
    uint32_t *sync_files;      /* files to fsync */
    uint32_t n_sync, sync_next;
    ws_time sync_longest, sync_total, sync_file_start;
    uint64_t cycle;            /* files written in this cycle are marked with it */
    uint64_t last_record_end;  /* end of the last checkpoint record (idle skip) */
    ws_time shutdown_done;     /* when a shutdown checkpoint completed (0: none) */
    unsigned phase_mask;       /* 1 << phase for every phase since the last ws_ckpt_phases() */
    /* crash recovery: replay starts at the last completed checkpoint's redo */
    uint64_t completed_redo;   /* redo pointer of the last completed checkpoint */
    uint64_t fpi_at_redo, fpi_at_completed; /* images written before those redo pointers */
    uint64_t worst_replay_bytes, worst_replay_pages; /* the most WAL a crash would have replayed */
    ws_spool rec;              /* ws_ckpt_record of every checkpoint started, in order
                                * (spilled to disk by a long run: spool.h) */
} ws_checkpointer;

#define WS_CKPT_F_TIME 1
#define WS_CKPT_F_WAL 2
#define WS_CKPT_F_IMMEDIATE 4
#define WS_CKPT_F_FORCE 8
#define WS_CKPT_F_SHUTDOWN 16      /* also writes UNLOGGED buffers; ends the run */

typedef struct ws_bgwriter {
    double smoothed_alloc, smoothed_density;
    uint32_t next_to_clean;
    uint64_t next_passes;
    uint64_t prev_strategy_passes;
    uint32_t prev_strategy_hand;
    uint64_t prev_allocs;
    uint64_t prev_full_allocs; /* sampling: buffers_alloc at the last round */
    bool saved_info_valid;
    int64_t carry;             /* lru_maxpages budget left from the last round (sampling) */
    uint64_t owed, owed_page;  /* sampling: pages written buffers stand for, not yet written */
    double pace;               /* sampling: pages written per round, smoothed */
    ws_writeback wb;
} ws_bgwriter;

struct ws_db_pf; /* recently started transactions' pages (db.c) */

typedef struct ws_db {
    ws_sim *sim;
    const ws_config *cfg;
    int pg_version;
    ws_device dev;
    ws_device wal_dev;         /* pg_wal's own volume when wal_own_dev ([disk] wal_size) */
    bool wal_own_dev;
    ws_pagecache pc;
    ws_wal wal;
    ws_bufpool bp;
    ws_rel rels[WS_MAX_RELS];
    int n_rels;
    ws_txtype types[WS_MAX_TX_TYPES];
    int n_types;
    ws_rng rng_pages, rng_cache; /* bulk loads' pages; page cache hits */
    ws_rng rng_tx;             /* keyed by transaction number: the pages it touches */
    struct ws_db_pf *pf;
    double cache_hit;          /* probability a shared_buffers miss is served by the page cache */
    int compression;           /* 0 off, 1 pglz, 2 lz4, 3 zstd */
    bool full_page_writes;
    bool sync_commit;
    uint64_t *file_cycle;      /* per page cache file: checkpoint cycle it was last written in */
    uint32_t *cycle_files;     /* files written in the current cycle */
    uint32_t n_cycle_files, cap_cycle_files, cap_file_cycle;
    ws_checkpointer ck;
    ws_bgwriter bg;
    ws_writeback backend_wb;   /* backend_flush_after (one context for all backends) */
    ws_bulk bulk[WS_MAX_BULK];
    int n_bulk;
    ws_db_stats st;
    ws_cpucost cpu;
    FILE *log;                 /* log_checkpoints lines (may be NULL) */
    FILE *log_all;             /* lines PostgreSQL logs whatever log_checkpoints says (may be NULL) */
    char log_start[32];        /* [scenario] start_time */
    bool dry;                  /* ws_db_check: relations without page state */
    /* Spatial sampling (sampling.c): 1 / R, and what the accesses to pages
     * outside the sample are drawn from. */
    uint32_t sample_k;
    uint32_t nbuf_full;        /* NBuffers of the full system (bp.n is the sampled pool's) */
    double p_dirty_victim;     /* share of the sampled pool's recent victims that were dirty */
    uint64_t victim_page;      /* page of the last dirty victim (WS_BUF_NONE: none yet) */
    uint64_t victim_lag[WS_VICTIM_LAGS];   /* insert - LSN of the last dirty victims (UINT64_MAX: none) */
    uint32_t n_victim_lag;
    ws_rng rng_proxy;          /* draws for accesses outside the sample */
    /* Transaction sampling (ws_db_execute_fluid): draws of the fluid
     * transactions (keyed by the simulated transaction they ride with) and
     * of their commits; the buffers they changed, for their LSN */
    ws_rng rng_fluid, rng_fluid_wal;
    uint32_t *fl_mod;
    uint32_t n_fl_mod, cap_fl_mod;
    bool fl_running;           /* in ws_db_execute_fluid: device reads are counted in */
    uint64_t fl_dev_reads;     /* ... fl_dev_reads, and join the queue at their pace */
    bool fl_ready;             /* the tables counted in bulk are set up */
    uint64_t fl_passes;        /* the clock hand's passes when fl_per_pass was measured */
    ws_rng rng_unseen;         /* draws of the usage bumps counted in bulk */
} ws_db;

int ws_db_init(ws_db *db, ws_sim *sim, const ws_config *cfg, FILE *log, ws_diag *err);

/* The checks of ws_db_init that depend on the user's input (the profile's
 * sections, tables named by transactions and bulk loads, access counts),
 * without allocating the buffer pool or any page state: its memory does
 * not depend on the database's size.  Events it schedules go to sim.
 * Returns 0 or WS_EINPUT. */
int ws_db_check(ws_sim *sim, const ws_config *cfg, ws_diag *err);
void ws_db_destroy(ws_db *db);

/* Transaction sampling ([scenario] tx_sampling): the work of n
 * transactions of the mix that are not simulated one by one, done now in
 * aggregate (db.c): their accesses to simulated pages one by one, the
 * others in bulk from the sample's state (hits, reads, dirty victims,
 * images), their WAL as one insertion of their records.  The draws are
 * keyed by `key` (the simulated transaction they ride with); their WAL is
 * inserted at an even pace over `span`, the time they stand for.  Nothing
 * waits for them; *cpu gets their I/O CPU (reads, writes, images, WAL). */
void ws_db_execute_fluid(ws_db *db, uint64_t n, uint64_t key, ws_time span, ws_time *cpu);
/* The share of the mix's transactions that change a logged page, so
 * write a commit record and wait for its flush (0 to 1). */
double ws_db_logged_share(const ws_db *db);

/* Transaction number `seq` of type `type` got its core: start loading the
 * cache lines of the buffer map and page state it will touch, so that
 * when it executes, a CPU time later, they are in the CPU caches.  Changes
 * nothing but the caches. */
void ws_db_prefetch(ws_db *db, int type, uint64_t seq);

/* Runs transaction `seq`'s buffer accesses and WAL insertion now.
 * Returns the time they take (I/O waits), adds the CPU time they need
 * (compression of full-page images) to *cpu, and sets *commit_lsn (0 when
 * the transaction wrote no WAL).  The pages depend only on (seed, type,
 * seq) and the relations' state. */
ws_time ws_db_execute(ws_db *db, int type, uint64_t seq, uint64_t *commit_lsn, ws_time *cpu);

/* Writes buffer b (dirty) into the page cache (the caller counts it) for
 * `who` at its time `at`; returns the writer's pause.  Clears the
 * buffer's dirty state. */
ws_time ws_db_write_buffer(ws_db *db, uint32_t b, ws_pc_writer who, ws_time at, uint32_t *file_out);

/* The same, for a caller that knows the page id buffer b holds (the
 * checkpointer's sorted list): spares a read of its descriptor. */
ws_time ws_db_write_page(ws_db *db, uint32_t b, uint64_t page, ws_pc_writer who, ws_time at,
                         uint32_t *file_out);

/* Under sampling, one of the pages a sampled buffer stands for, written
 * by the checkpointer or bgwriter into `file` (its own file, or
 * ws_db_stand_in_file's) with its writeback hint; returns the pause. */
ws_time ws_db_write_stand_in(ws_db *db, uint32_t file, ws_writeback *wb, ws_pc_writer who, ws_time at);

/* Pages of the full system a buffer holding page id `page` stands for:
 * its relation's k (sampling.c). */
static inline uint32_t ws_db_weight(const ws_db *db, uint64_t page)
{
    return db->rels[ws_page_rel(page)].k;
}

/* A file for one of the unsimulated pages a sampled page stands for: the
 * file of a random block of the same part of its relation (its own file
 * when not sampled), registered for the next checkpoint's fsync.  Writes
 * that stand for many random pages (the bgwriter's, backends' outside the
 * sample) spread over the files as the full system's do. */
uint32_t ws_db_stand_in_file(ws_db *db, uint64_t page);

/* Spatial sampling (sampling.c).  ws_sample_setup decides, once the
 * relations exist, which are sampled (db->sample_k from [scenario]
 * sampling; auto picks it) and sizes the sampled pool: call before the
 * buffer pool and page state are allocated.  Returns 0 or WS_EINPUT. */
int ws_sample_setup(ws_db *db, ws_diag *err);
/* auto's tier for big systems: pages sampled 1 in this many (sampling.c),
 * and then transactions too where the rate allows (run.c). */
#define WS_SAMPLE_AUTO_BIG_K 1000
/* The pages a relation's page state holds: all, or the sampled ones. */
uint64_t ws_sample_state_pages(const ws_rel *r, uint64_t pages);
/* When the sample is smaller than what auto keeps (and what the 2 %
 * accuracy was checked at), says so in msg and returns true. */
bool ws_sample_small(const ws_db *db, char *msg, size_t len);
/* Recounts the per-part counters from the pool and the page state (after
 * a warm start). */
void ws_sample_recount(ws_db *db);
/* A new redo pointer: no sampled page changed since. */
void ws_sample_new_redo(ws_db *db);
/* Dirty pages of the full system: the pool's, weighted. */
uint64_t ws_db_dirty_pages(const ws_db *db);

/* The relation named name (len bytes), or -1. */
int ws_db_rel_by_name(const ws_db *db, const char *name, size_t len);

/* Parses "TABLE:N, TABLE:N" into touches (appended to touch[*n_touch]);
 * errors name the value's FILE:LINE and `owner` ("[transaction t]"). */
int ws_db_parse_touches(ws_db *db, ws_touch *touch, int *n_touch, const char *list, bool modify,
                        const char *what, const char *owner, const ws_value *v, ws_diag *err);

/* Changes n pages of relation rel chosen by its access pattern, through
 * shared buffers, as a transaction's writes do (db.c); adds I/O time to
 * *wait and images to the counters. */
void ws_db_modify_pages(ws_db *db, int rel, int n, ws_time *wait, uint32_t *fpi,
                        uint64_t *fpi_stored, uint64_t *fpi_raw);

/* Writes a new page of relation rel straight into the page cache, as a
 * bulk-write ring does (counted in buffers_backend); returns the pause. */
ws_time ws_db_write_new_page(ws_db *db, int rel, uint64_t page, ws_time at);

/* Bulk loads (bulk.c): read [bulk] sections; schedule their starts. */
int ws_bulk_init(ws_db *db, ws_diag *err);

/* Writeback hints (db.c): set up, count a page written to `file`, issue. */
void ws_writeback_init(ws_writeback *wb, double flush_after_bytes, ws_io_class cls);
void ws_writeback_add(ws_db *db, ws_writeback *wb, uint32_t file);
/* ... n pages at once (the hints are those of n calls of ws_writeback_add) */
void ws_writeback_add_n(ws_db *db, ws_writeback *wb, uint32_t file, uint64_t n);
void ws_writeback_issue(ws_db *db, ws_writeback *wb);

/* Checkpointer (checkpointer.c). */
void ws_ckpt_init(ws_db *db);
void ws_ckpt_request(ws_db *db, int flags);
void ws_ckpt_on_segment(void *db, int64_t filled_segno);
void ws_ckpt_destroy(ws_db *db);
/* The phases the checkpointer was in since the last call (a bit mask,
 * 1 << ws_ckpt_phase), and restarts the mask at the current phase. */
unsigned ws_ckpt_phases(ws_db *db);
/* "wal", "time", "immediate+force", ...: the start line's flags. */
void ws_ckpt_flags_text(int flags, char sep, char *buf, size_t len);

/* Entry i of the running checkpoint's sorted list: its buffer (-1: the
 * page is no longer in shared buffers) and, in *page, the page it held
 * when tagged. */
int64_t ws_ckpt_todo_entry(const ws_db *db, uint32_t i, uint64_t *page);

/* The checkpoint timer's event (checkpointer.c), for warm.c's rescheduling. */
void ws_ckpt_timer_event(ws_sim *sim, void *ctx, uint64_t arg);

/* Warm start (warm.c): shared buffers, page images, the checkpoint cycle
 * and pg_wal as on a server up for weeks.  Call after ws_db_init and
 * before the run; *phase_s gets the age of the checkpoint cycle at t = 0. */
int ws_warm_start(ws_db *db, double *phase_s, ws_diag *err);

/* CPU cost model (cpucost.c): reads the [os] cpu_* costs and starts a
 * 100 ms tick that charges the background processes' work done since the
 * last one (checkpointer and bgwriter writes, WAL and checkpoint fsyncs,
 * kernel writeback of the bytes the device wrote) to db->cpu.bg. */
void ws_cpucost_init(ws_db *db);

/* CPU a transaction's own I/O work costs: `reads` shared_buffers misses,
 * `writes` dirty victims it wrote, `fpi` full-page images and `wal_bytes`
 * of WAL it inserted. */
ws_time ws_cpucost_tx(ws_db *db, uint64_t reads, uint64_t writes, uint32_t fpi, uint64_t wal_bytes);

/* Background writer (bgwriter.c). */
void ws_bgwriter_init(ws_db *db);

/* The WAL a crash now would replay and the pages it changes (exact: the
 * pages whose image epoch is the current or, while a checkpoint runs, the
 * previous one). */
void ws_ckpt_replay_now(const ws_db *db, uint64_t *wal_bytes, uint64_t *pages);

/* Seconds since the Unix epoch of [scenario] start_time ("2026-01-01
 * 00:00:00", UTC): the wall clock of simulated time 0. */
int64_t ws_start_epoch(const char *start_time);

/* Formats simulated time t with log_line_prefix into buf. */
void ws_db_log_prefix(const ws_db *db, ws_time t, int pid, char *buf, size_t len);

/* The replication slot's name in log lines and summary.json. */
#define WS_SLOT_NAME "standby1"

#endif
