/*
 * checkpointer.c - when checkpoints start, how their writes are paced,
 * the sync phase, and what they log (checkpointer.c CheckpointerMain,
 * CheckpointWriteDelay, IsCheckpointOnSchedule; bufmgr.c BufferSync;
 * sync.c ProcessSyncRequests; xlog.c CreateCheckPoint, LogCheckpointEnd).
 *
 * Triggers: a timer at the previous checkpoint's start + checkpoint_timeout
 * (start-to-start spacing); a WAL request when a filled segment reaches
 * CheckPointSegments past the redo segment; an event (`checkpoint at T`,
 * immediate).  A request during a checkpoint is remembered and the next
 * checkpoint starts as soon as this one ends (back to back).
 *
 * Write phase: the buffers dirty at the start (permanent ones) are tagged,
 * sorted by (relation, block) and processed in that order; buffers someone
 * else wrote meanwhile count as progress without a write.  After each
 * buffer the checkpoint is on schedule iff cct * progress is at least both
 * the elapsed share of checkpoint_timeout (counted from the whole second
 * it started in, as PostgreSQL's time(NULL) clock does) and of
 * CheckPointSegments worth of WAL; on schedule it sleeps 100 ms, behind it writes on.  Each write
 * costs the checkpointer WRITE_COST of CPU plus any dirty-throttling pause,
 * so a checkpoint that is behind writes as fast as the page cache lets it.
 * Every checkpoint_flush_after pages of a file a writeback hint is issued.
 *
 * Sync phase: every file written since the previous checkpoint's sync
 * phase (by anyone) is fsynced, one after the other.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/db.h"
#include "walsim/pgrules.h"

#define WRITE_COST (10 * WS_USEC)      /* one 8 kB write() into the page cache */
#define NAP (100 * WS_MSEC)            /* CheckpointWriteDelay's sleep */
#define SLICE (10 * WS_MSEC)           /* longest stretch handled in one event */
#define PREFETCH 16                    /* buffers ahead whose descriptors are prefetched */
#define CKPT_RECORD_BYTES 120          /* the checkpoint record (and running-xacts) */
#define CHECKPOINTER_PID 4242

static void on_timer(ws_sim *sim, void *ctx, uint64_t arg);
static void on_write_step(ws_sim *sim, void *ctx, uint64_t arg);
static void on_sync_step(ws_sim *sim, void *ctx, uint64_t arg);
static void on_fsynced(void *ctx, uint64_t arg);

static double cfg_s(const ws_db *db, ws_setting_id id) { return ws_cfg_num(db->cfg, id) / 1e9; }

/* PostgreSQL's checkpointer keeps its clock in whole seconds (pg_time_t
 * now = time(NULL)): ckpt_start_time drops the fraction of the second, so
 * IsCheckpointOnSchedule's elapsed time is 0-1 s ahead from the start.
 * Simulated time 0 is taken to be on a second boundary. */
static ws_time whole_sec(ws_time t)
{
    ws_time s = t / WS_SEC;
    if (t < 0 && s * WS_SEC != t)
        s--;
    return s * WS_SEC;
}

static void logf_(ws_db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(ws_db *db, const char *fmt, ...)
{
    if (!db->log)
        return;
    char prefix[160];
    ws_db_log_prefix(db, ws_sim_now(db->sim), CHECKPOINTER_PID, prefix, sizeof prefix);
    fputs(prefix, db->log);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(db->log, fmt, ap);
    va_end(ap);
    fputc('\n', db->log);
}

/* InvalidateObsoleteReplicationSlots (slot.c) logs whatever
 * log_checkpoints says, in its version's words: PostgreSQL 13-15
 * InvalidateObsoleteReplicationSlots, 16+ ReportSlotInvalidation. */
static void log_invalidation(ws_db *db, const ws_walkeep_out *keep)
{
    FILE *f = db->log_all;
    if (!f)
        return;
    char prefix[160], lsn[32];
    ws_db_log_prefix(db, ws_sim_now(db->sim), CHECKPOINTER_PID, prefix, sizeof prefix);
    ws_wal_lsn_text(db->wal.slot_lsn, lsn, sizeof lsn);
    if (db->pg_version >= 16) {
        fprintf(f, "%sLOG:  invalidating obsolete replication slot \"%s\"\n", prefix, WS_SLOT_NAME);
        fprintf(f, "%sDETAIL:  The slot's restart_lsn %s exceeds the limit by %lld byte%s.\n", prefix,
                lsn, (long long)keep->slot_excess, keep->slot_excess == 1 ? "" : "s"); /* ngettext */
        fprintf(f, db->pg_version >= 17
                       ? "%sHINT:  You might need to increase \"max_slot_wal_keep_size\".\n"
                       : "%sHINT:  You might need to increase max_slot_wal_keep_size.\n",
                prefix);
    } else {
        fprintf(f,
                "%sLOG:  invalidating slot \"%s\" because its restart_lsn %s exceeds "
                "max_slot_wal_keep_size\n",
                prefix, WS_SLOT_NAME, lsn);
    }
}

void ws_ckpt_init(ws_db *db)
{
    ws_checkpointer *ck = &db->ck;
    memset(ck, 0, sizeof *ck);
    ck->ckpt_segments = ws_pg_checkpoint_segments(ws_cfg_int(db->cfg, WS_S_max_wal_size),
                                                  ws_cfg_num(db->cfg, WS_S_checkpoint_completion_target),
                                                  db->wal.seg);
    /* The run starts right after a checkpoint whose redo pointer is 0. */
    ck->have_prev = true;
    ck->cycle = 1;
    ck->timer = ws_sim_at(db->sim, (ws_time)ws_cfg_num(db->cfg, WS_S_checkpoint_timeout), on_timer,
                          db, 0);
}

void ws_ckpt_replay_now(const ws_db *db, uint64_t *wal_bytes, uint64_t *pages)
{
    const ws_checkpointer *ck = &db->ck;
    /* only what reached the disk is replayed */
    *wal_bytes = db->wal.flushed > ck->completed_redo ? db->wal.flushed - ck->completed_redo : 0;
    bool running = ck->phase != WS_CKPT_IDLE;
    uint64_t n = 0;
    for (int i = 0; i < db->n_rels; i++) {
        const ws_pagestate *ps = &db->rels[i].ps;
        if (!db->rels[i].logged)
            continue;
        n += ws_pagestate_count_recent(ps, running) * db->rels[i].k; /* a sampled page stands for k */
    }
    *pages = n;
}

unsigned ws_ckpt_phases(ws_db *db)
{
    unsigned m = db->ck.phase_mask | 1u << db->ck.phase;
    db->ck.phase_mask = 1u << db->ck.phase;
    return m;
}

static void set_phase(ws_checkpointer *ck, ws_ckpt_phase p)
{
    ck->phase = p;
    ck->phase_mask |= 1u << p;
}

void ws_ckpt_flags_text(int flags, char sep, char *buf, size_t len)
{
    /* LogCheckpointStart's order: shutdown, end-of-recovery, immediate,
     * force, wait, wal, time, flush-all */
    static const struct {
        int flag;
        const char *name;
    } names[] = {{WS_CKPT_F_SHUTDOWN, "shutdown"}, {WS_CKPT_F_IMMEDIATE, "immediate"},
                 {WS_CKPT_F_FORCE, "force"},       {WS_CKPT_F_WAL, "wal"},
                 {WS_CKPT_F_TIME, "time"}};
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(flags & names[i].flag))
            continue;
        int w = snprintf(buf + n, len - n, "%s%s", n ? (char[]){sep, 0} : "", names[i].name);
        if (w < 0 || (size_t)w >= len - n)
            break;
        n += (size_t)w;
    }
}

void ws_ckpt_destroy(ws_db *db)
{
    ws_spool_free(&db->ck.rec);
    free(db->ck.todo);
    free(db->ck.sync_files);
    db->ck.todo = NULL;
    db->ck.sync_files = NULL;
}

static unsigned bits_for(uint64_t x)
{
    unsigned b = 0;
    while (x >> b)
        b++;
    return b;
}

static int by_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* BufferSync's first steps: tag the buffers whose state matches `mask`
 * and sort them by (relation, block) (ckpt_buforder_comparator; walsim has
 * one tablespace).  The dirty buffers are found through the pool's dirty
 * bitmap, so the work is proportional to the dirty buffers (plus N / 64
 * word reads), not to shared_buffers.  Each entry is packed into one
 * 64-bit word, (relation, block) above the buffer number, and sorted by an
 * LSD radix sort on the (relation, block) bits only: a few linear passes,
 * where a comparison sort would chase two random buffer descriptors at
 * every step.  Page ids are unique, so the order is total.  The list keeps
 * its capacity from one checkpoint to the next, and the sort's second
 * array lives only during the sort: 16 bytes per dirty buffer at most.
 * Returns the number of buffers tagged; fills ck->todo and ck->w_todo. */
static uint32_t tag_and_sort(ws_db *db, uint8_t mask)
{
    ws_checkpointer *ck = &db->ck;
    ws_bufpool *bp = &db->bp;
    if (bp->dirty > ck->cap_todo || !ck->todo) {
        free(ck->todo);
        ck->cap_todo = bp->dirty ? bp->dirty : 1;
        ck->todo = malloc((size_t)ck->cap_todo * sizeof *ck->todo);
        if (!ck->todo)
            abort();
    }
    uint64_t *a = ck->todo;
    uint64_t *tmp = malloc((size_t)ck->cap_todo * sizeof *tmp); /* buffers, then the sort's */
    if (!tmp)
        abort();
    uint32_t n = 0;
    uint64_t max_block = 0, weight = 0;
    int max_rel = 0;
    for (uint32_t w = 0; w < (bp->n + 63) / 64; w++) {
        for (uint64_t bits = bp->dirty_bits[w]; bits; bits &= bits - 1) {
            uint32_t b = w * 64 + (uint32_t)__builtin_ctzll(bits);
            if ((bp->state[b] & mask) != mask)
                continue;
            assert(n < ck->cap_todo);
            bp->state[b] |= WS_BUF_CKPT_NEEDED;
            uint64_t id = bp->page[b];
            if (ws_page_block(id) > max_block)
                max_block = ws_page_block(id);
            if (ws_page_rel(id) > max_rel)
                max_rel = ws_page_rel(id);
            weight += ws_db_weight(db, id);
            tmp[n] = b;
            a[n++] = id;
        }
    }
    ck->w_todo = weight;
    unsigned buf_bits = bits_for(bp->n - 1), block_bits = bits_for(max_block);
    unsigned key_bits = bits_for((uint64_t)max_rel) + block_bits;
    ck->todo_packed = buf_bits + key_bits <= 64;
    if (!ck->todo_packed) {
        /* Too large to pack: sort the page ids; each buffer is found again
         * when written. */
        qsort(a, n, sizeof *a, by_key);
        free(tmp);
        return n;
    }
    ck->todo_buf_bits = buf_bits;
    ck->todo_block_bits = block_bits;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t key = (uint64_t)ws_page_rel(a[i]) << block_bits | ws_page_block(a[i]);
        a[i] = key << buf_bits | tmp[i];
    }
    enum { DIGIT = 11, RADIX = 1 << DIGIT };
    uint32_t count[RADIX];
    uint64_t *from = a, *to = tmp;
    for (unsigned shift = buf_bits; shift < buf_bits + key_bits; shift += DIGIT) {
        memset(count, 0, sizeof count);
        for (uint32_t i = 0; i < n; i++)
            count[(from[i] >> shift) & (RADIX - 1)]++;
        uint32_t sum = 0;
        for (int d = 0; d < RADIX; d++) {
            uint32_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (uint32_t i = 0; i < n; i++)
            to[count[(from[i] >> shift) & (RADIX - 1)]++] = from[i];
        uint64_t *t = from;
        from = to;
        to = t;
    }
    if (from != a)
        memcpy(a, from, (size_t)n * sizeof *a);
    free(tmp);
    return n;
}

int64_t ws_ckpt_todo_entry(const ws_db *db, uint32_t i, uint64_t *page)
{
    const ws_checkpointer *ck = &db->ck;
    uint64_t x = ck->todo[i];
    if (!ck->todo_packed) {
        *page = x;
        return ws_bufpool_lookup(&db->bp, x);
    }
    uint64_t key = x >> ck->todo_buf_bits;
    *page = ws_page_id((int)(key >> ck->todo_block_bits),
                       key & ((UINT64_C(1) << ck->todo_block_bits) - 1));
    return (int64_t)(x & ((UINT64_C(1) << ck->todo_buf_bits) - 1));
}

static void start(ws_db *db, int flags)
{
    ws_checkpointer *ck = &db->ck;
    ws_time now = ws_sim_now(db->sim);
    assert(ck->phase == WS_CKPT_IDLE);
    ws_sim_cancel(db->sim, ck->timer);

    /* Idle skip (CreateCheckPoint): a timed checkpoint with no WAL written
     * since the previous checkpoint record is skipped, but still counted as
     * timed and still resets the timer. */
    if (flags == WS_CKPT_F_TIME && db->wal.insert == ck->last_record_end) {
        db->st.checkpoints_timed++;
        db->st.checkpoints_skipped++;
        ck->last_start = now;
        ck->timer = ws_sim_at(db->sim, now + (ws_time)ws_cfg_num(db->cfg, WS_S_checkpoint_timeout),
                              on_timer, db, 0);
        return;
    }

    /* CheckpointerMain: a request counts as requested, even with a timeout. */
    if (flags & (WS_CKPT_F_WAL | WS_CKPT_F_IMMEDIATE | WS_CKPT_F_FORCE))
        db->st.checkpoints_req++;
    else
        db->st.checkpoints_timed++;
    double since = (double)(now - ck->last_start) / 1e9;
    double warn = cfg_s(db, WS_S_checkpoint_warning);
    if ((flags & WS_CKPT_F_WAL) && warn > 0 && since < warn) {
        db->st.checkpoint_warnings++;
        logf_(db, "LOG:  checkpoints are occurring too frequently (%d seconds apart)", (int)since);
        logf_(db, "HINT:  Consider increasing the configuration parameter \"max_wal_size\".");
    }
    ck->flags = flags;
    ck->last_start = now;
    ck->t_start = now;
    set_phase(ck, WS_CKPT_WRITE);
    ws_ckpt_record *rec = ws_spool_add(&ck->rec, sizeof *rec);
    *rec = (ws_ckpt_record){.flags = flags, .start = now, .sync_start = -1, .end = -1};

    /* The redo pointer moves now: full-page images start again at once. */
    ck->prev_redo = ck->redo;
    ck->redo = db->wal.insert;
    ck->fpi_at_redo = db->wal.st.fpi;
    for (int i = 0; i < db->n_rels; i++)
        ws_pagestate_new_redo(&db->rels[i].ps);
    ws_sample_new_redo(db);

    char what[96];
    ws_ckpt_flags_text(flags, ' ', what, sizeof what);
    logf_(db, "LOG:  checkpoint starting: %s", what);

    /* BufferSync: tag the buffers dirty now, permanent ones only, except
     * at shutdown, when UNLOGGED ones are written too. */
    uint8_t mask = (flags & WS_CKPT_F_SHUTDOWN) ? WS_BUF_DIRTY : (WS_BUF_DIRTY | WS_BUF_PERMANENT);
    ck->n_todo = tag_and_sort(db, mask);
    /* The whole-second clock: a requested checkpoint starts at any moment;
     * a timed one wakes with the fraction of the second the previous
     * checkpoint ended in (CheckpointerMain sleeps whole seconds from then). */
    ck->head = (flags & WS_CKPT_F_TIME) ? ck->next_head : now - whole_sec(now);
    ck->next = 0;
    ck->written = ck->w_next = 0;
    ck->sub_left = 0;
    ck->cached_elapsed = 0;
    ws_writeback_init(&ck->wb, ws_cfg_num(db->cfg, WS_S_checkpoint_flush_after), WS_IO_CHECKPOINT);
    ws_sim_at(db->sim, now, on_write_step, db, db->wal.insert);
}

static void begin_sync(ws_db *db, ws_time at);

/* Whether, after j more pages, the pacing test is false at once: progress
 * x cct under the cached target (the loop's test, on the same doubles). */
static bool under_target(const ws_checkpointer *ck, uint64_t j, double cct)
{
    return (double)(ck->w_next + j) / (double)ck->w_todo * cct < ck->cached_elapsed;
}

/* How many of the stand-in pages left (sub_left) the loop below would
 * write one at a time with nothing happening between them: before the
 * last, no hint due (a new file's, or flush_after pages), the pacing
 * test false at once and the slice not used up, if none is paused
 * (ws_pc_write_run checks that). */
static uint64_t stand_in_run(ws_db *db, double cct, ws_time local, ws_time now)
{
    ws_checkpointer *ck = &db->ck;
    uint64_t k = ck->sub_left;
    const ws_writeback *wb = &ck->wb;
    if (wb->flush_after) {
        if (wb->file != ck->sub_file)
            return 1;
        if (k > wb->flush_after - wb->pages)
            k = wb->flush_after - wb->pages;
    }
    /* after page j < k the clock is short of the slice: j x WRITE_COST < room */
    ws_time room = SLICE - (local - now);
    if (room <= WRITE_COST)
        return 1;
    uint64_t by_slice = (uint64_t)((room - 1) / WRITE_COST) + 1;
    if (k > by_slice)
        k = by_slice;
    if ((ck->flags & WS_CKPT_F_IMMEDIATE) || k < 2 || under_target(ck, k - 1, cct))
        return k;
    /* the largest j < k - 1 under the target (progress grows with j) */
    uint64_t lo = 0, hi = k - 2;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo + 1) / 2;
        if (under_target(ck, mid, cct))
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo + 1;
}

/* One stretch of the write phase.  `arg` is the WAL insert position at the
 * checkpoint's start (ckpt_start_recptr). */
static void on_write_step(ws_sim *sim, void *ctx, uint64_t start_lsn)
{
    ws_db *db = ctx;
    ws_checkpointer *ck = &db->ck;
    ws_time now = ws_sim_now(sim), local = now;
    double cct = ws_cfg_num(db->cfg, WS_S_checkpoint_completion_target);
    double timeout = cfg_s(db, WS_S_checkpoint_timeout);

    while (ck->next < ck->n_todo || ck->sub_left > 0) {
        uint64_t k;
        if (ck->sub_left > 1 && (k = stand_in_run(db, cct, local, now)) > 1 &&
            ws_pc_write_run(&db->pc, ck->sub_file, WS_PAGE, k, WS_PC_CHECKPOINTER, local,
                            WRITE_COST)) {
            /* k of them at once, where one at a time would check the
             * pacing and the slice for nothing before the last */
            ws_writeback_add_n(db, &ck->wb, ck->sub_file, k);
            ck->sub_left -= (uint32_t)k;
            ck->w_next += k;
            local += (ws_time)k * WRITE_COST;
            ck->written += k;
            db->st.buffers_checkpoint += k;
        } else if (ck->sub_left > 0) {
            /* The other pages a sampled buffer stands for (sampling.c),
             * written one at a time like the full system's, so that the
             * pacing and the page cache see the same stream. */
            ck->sub_left--;
            ck->w_next++;
            local += WRITE_COST + ws_db_write_stand_in(db, ck->sub_file, &ck->wb, WS_PC_CHECKPOINTER, local);
            ck->written++;
            db->st.buffers_checkpoint++;
        } else {
            if (ck->next + PREFETCH < ck->n_todo && ck->todo_packed) {
                uint64_t ahead_page;
                int64_t ahead = ws_ckpt_todo_entry(db, ck->next + PREFETCH, &ahead_page);
                __builtin_prefetch(&db->bp.state[ahead]);
                __builtin_prefetch(&db->bp.lsn[ahead]);
            }
            uint64_t page;
            int64_t b = ws_ckpt_todo_entry(db, ck->next++, &page);
            uint32_t w = ws_db_weight(db, page);
            /* Still tagged means still the page it held when tagged:
             * eviction and reloading clear the tag. */
            if (b >= 0 && (db->bp.state[b] & WS_BUF_CKPT_NEEDED)) {
                uint32_t file;
                local += WRITE_COST +
                         ws_db_write_page(db, (uint32_t)b, page, WS_PC_CHECKPOINTER, local, &file);
                ck->written++;
                db->st.buffers_checkpoint++;
                ws_writeback_add(db, &ck->wb, file);
                ck->w_next++;
                ck->sub_left = w - 1;
                ck->sub_file = file;
            } else {
                ck->w_next += w; /* written by another process: none of its pages is due */
            }
        }
        double progress = (double)ck->w_next / (double)ck->w_todo;
        /* IsCheckpointOnSchedule's elapsed time counts from the whole
         * second the checkpoint started in: at the start it is already
         * 0-1 s "late" and writes that share at once. */
        if (!(ck->flags & WS_CKPT_F_IMMEDIATE) &&
            ws_pg_on_schedule(progress, cct, (int64_t)db->wal.insert, (int64_t)start_lsn,
                              db->wal.seg, ck->ckpt_segments,
                              (double)(local - ck->t_start + ck->head) / 1e9,
                              timeout, &ck->cached_elapsed)) {
            ws_sim_at(sim, local + NAP, on_write_step, db, start_lsn);
            return;
        }
        if (local - now >= SLICE) {
            ws_sim_at(sim, local, on_write_step, db, start_lsn);
            return;
        }
    }
    ws_writeback_issue(db, &ck->wb);
    begin_sync(db, local);
}

static void begin_sync(ws_db *db, ws_time at)
{
    ws_checkpointer *ck = &db->ck;
    set_phase(ck, WS_CKPT_SYNC);
    ((ws_ckpt_record *)ws_spool_last(&ck->rec))->sync_start = at;
    ck->t_sync = at;
    /* ProcessSyncRequests: the files registered so far; later writes wait
     * for the next checkpoint. */
    free(ck->sync_files);
    ck->sync_files = db->cycle_files;
    ck->n_sync = db->n_cycle_files;
    db->cycle_files = NULL;
    db->n_cycle_files = db->cap_cycle_files = 0;
    ck->cycle++;
    ck->sync_next = 0;
    ck->sync_longest = ck->sync_total = 0;
    ws_sim_at(db->sim, at, on_sync_step, db, 0);
}

static void finish(ws_db *db);

/* fsync the next file; `arg` = 1 when called back after an fsync ended. */
static void on_sync_step(ws_sim *sim, void *ctx, uint64_t arg)
{
    ws_db *db = ctx;
    ws_checkpointer *ck = &db->ck;
    ws_time now = ws_sim_now(sim);
    if (arg) {
        ws_time took = now - ck->sync_file_start;
        ck->sync_total += took;
        if (took > ck->sync_longest)
            ck->sync_longest = took;
    }
    if (ck->sync_next == ck->n_sync) {
        finish(db);
        return;
    }
    uint32_t file = ck->sync_files[ck->sync_next++];
    ck->sync_file_start = now;
    db->st.ckpt_fsyncs++;
    ws_pc_fsync(&db->pc, file, WS_IO_CHECKPOINT, on_fsynced, db, 0);
}

static void on_fsynced(void *ctx, uint64_t arg)
{
    (void)arg;
    ws_db *db = ctx;
    on_sync_step(db->sim, db, 1);
}

static void secs(ws_time t, char *buf, size_t len)
{
    /* PostgreSQL prints %ld.%03d s, milliseconds rounded up from microseconds (14+) */
    int64_t ms = (t + WS_MSEC - 1) / WS_MSEC;
    snprintf(buf, len, "%" PRId64 ".%03d", ms / 1000, (int)(ms % 1000));
}

static void finish(ws_db *db)
{
    ws_checkpointer *ck = &db->ck;
    ws_time now = ws_sim_now(db->sim);
    ck->t_end = now;
    /* The worst moment for a crash is just before a checkpoint completes:
     * recovery would start from the previous one's redo pointer.  Pages
     * are counted by their images since then (a page changed in both
     * cycles counts twice: an upper bound). */
    if (db->wal.insert - ck->completed_redo > ck->worst_replay_bytes) {
        ck->worst_replay_bytes = db->wal.insert - ck->completed_redo;
        ck->worst_replay_pages = db->wal.st.fpi - ck->fpi_at_completed;
    }
    ck->completed_redo = ck->redo;
    ck->fpi_at_completed = ck->fpi_at_redo;

    /* The checkpoint record, flushed (CreateCheckPoint -> XLogFlush). */
    uint64_t rec = ws_wal_insert(&db->wal, CKPT_RECORD_BYTES, 0, 0, 0);
    ws_wal_kick(&db->wal);
    ck->last_record_end = rec;

    double distance = (double)(ck->redo - ck->prev_redo);
    if (ck->have_prev)
        ck->estimate = ws_pg_distance_estimate(ck->estimate, distance);
    int added, removed, recycled;
    ws_walkeep_out keep;
    ws_wal_checkpoint_done(&db->wal, ck->redo, ck->estimate,
                           ws_cfg_num(db->cfg, WS_S_checkpoint_completion_target),
                           ws_cfg_int(db->cfg, WS_S_min_wal_size),
                           ws_cfg_int(db->cfg, WS_S_max_wal_size),
                           ws_cfg_int(db->cfg, WS_S_wal_keep_size),
                           ws_cfg_int(db->cfg, WS_S_max_slot_wal_keep_size), &keep, &added,
                           &removed, &recycled);
    if (keep.slot_invalidated)
        log_invalidation(db, &keep);

    ws_time write = ck->t_sync - ck->t_start, sync = now - ck->t_sync, total = now - ck->t_start;
    db->st.checkpoint_write_time_ms += (double)write / 1e6;
    db->st.checkpoint_sync_time_ms += (double)sync / 1e6;
    db->st.ckpt_write_s_sum += (double)write / 1e9;
    db->st.ckpt_sync_s_sum += (double)sync / 1e9;
    db->st.ckpt_total_s_sum += (double)total / 1e9;
    db->st.ckpt_buffers_sum += ck->written;
    db->st.ckpt_count++;

    char w[32], s[32], t[32], lg[32], av[32], lsn[64] = "";
    secs(write, w, sizeof w);
    secs(sync, s, sizeof s);
    secs(total, t, sizeof t);
    secs(ck->sync_longest, lg, sizeof lg);
    secs(ck->n_sync ? ck->sync_total / ck->n_sync : 0, av, sizeof av);
    if (db->pg_version >= 16) {
        char l[32], r[32];
        ws_wal_lsn_text(rec - CKPT_RECORD_BYTES, l, sizeof l);
        ws_wal_lsn_text(ck->redo, r, sizeof r);
        snprintf(lsn, sizeof lsn, "; lsn=%s, redo lsn=%s", l, r);
    }
    logf_(db,
          "LOG:  checkpoint complete: wrote %llu buffers (%.1f%%); %d WAL file(s) added, %d "
          "removed, %d recycled; write=%s s, sync=%s s, total=%s s; sync files=%u, longest=%s s, "
          "average=%s s; distance=%d kB, estimate=%d kB%s",
          (unsigned long long)ck->written, 100.0 * (double)ck->written / db->nbuf_full, added, removed, recycled, w, s, t, ck->n_sync,
          lg, av, (int)(distance / 1024), (int)(ck->estimate / 1024), lsn);

    ws_ckpt_record *r = ws_spool_last(&ck->rec);
    r->done = true;
    r->end = now;
    r->buffers = (uint32_t)ck->written;
    r->buffers_pct = 100.0 * (double)ck->written / db->nbuf_full;
    r->sync_files = ck->n_sync;
    r->longest_sync = ck->sync_longest;
    r->average_sync = ck->n_sync ? ck->sync_total / ck->n_sync : 0;
    r->distance = (uint64_t)distance;
    r->estimate = (uint64_t)ck->estimate;
    r->added = added;
    r->removed = removed;
    r->recycled = recycled;
    set_phase(ck, WS_CKPT_IDLE);
    ck->have_prev = true;
    if (ck->flags & WS_CKPT_F_SHUTDOWN) {
        ck->shutdown_done = now; /* the server is down: no further checkpoints */
        return;
    }
    if (ck->pending) {
        int f = ck->pending;
        ck->pending = 0;
        start(db, f);
        return;
    }
    /* Start-to-start spacing.  (PostgreSQL counts it in whole seconds and
     * wakes with the fraction of the second the previous checkpoint ended
     * in; walsim keeps exact spacing, so that a run's timed checkpoints fall
     * where a harness that issued CHECKPOINT just before the run sees them.) */
    ck->next_head = now - whole_sec(now);
    ws_time timeout = (ws_time)ws_cfg_num(db->cfg, WS_S_checkpoint_timeout);
    ws_time next = ck->last_start + timeout;
    if (next < now)
        next = now;
    ck->timer = ws_sim_at(db->sim, next, on_timer, db, 0);
}

void ws_ckpt_request(ws_db *db, int flags)
{
    if (db->ck.phase != WS_CKPT_IDLE) {
        db->ck.pending |= flags;
        /* An immediate request makes a paced checkpoint stop sleeping. */
        if (flags & WS_CKPT_F_IMMEDIATE)
            db->ck.flags |= WS_CKPT_F_IMMEDIATE;
        return;
    }
    start(db, flags);
}

static void on_timer(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)arg;
    ws_ckpt_request(ctx, WS_CKPT_F_TIME);
}

void ws_ckpt_timer_event(ws_sim *sim, void *ctx, uint64_t arg) { on_timer(sim, ctx, arg); }

void ws_ckpt_on_segment(void *ctx, int64_t filled_segno)
{
    ws_db *db = ctx;
    int64_t redo_seg = (int64_t)(db->ck.redo / (uint64_t)db->wal.seg);
    if (ws_pg_checkpoint_needed(filled_segno, redo_seg, db->ck.ckpt_segments))
        ws_ckpt_request(db, WS_CKPT_F_WAL);
}
