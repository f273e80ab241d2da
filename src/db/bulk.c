/*
 * bulk.c - bulk loads: COPY (or INSERT ... SELECT) of `rows` rows into a
 * table, with the indexes kept during the load or built afterwards
 * (CREATE INDEX), in a session with its own synchronous_commit and
 * maintenance_work_mem.
 *
 * The load runs in steps of STEP of simulated time on one core: each step
 * takes as many rows as the offered row_rate and the CPU (cpu_per_row)
 * allow.  Rows fill new pages at the end of the table; a full page is
 * written by the loading backend straight into the page cache, as
 * PostgreSQL's bulk-write ring does (so the load does not flood shared
 * buffers; counted in buffers_backend).  A logged table gets one WAL
 * record per step with the rows' bytes (heap_multi_insert logs the tuples;
 * a new page is initialised by its record, so it needs no image); an
 * UNLOGGED one gets none.  Each row changes `index_writes` pages of the
 * indexes kept, through shared buffers, with full-page images as any
 * change.  With a source table, its pages are read sequentially.  The load
 * is one transaction: it commits at the end, waiting for the WAL flush
 * when the session's synchronous_commit is on.
 *
 * CREATE INDEX then reads the table, sorts (build_cpu_per_row; when the
 * index entries do not fit in maintenance_work_mem the sort spills: the
 * entries are written to and read back from temporary files), and writes
 * every index page, WAL-logging each as a full-page image (log_newpage)
 * when the index is logged - in steps, so that the device and the page
 * cache work meanwhile.
 *
 * Simplifications: the load's core is not taken from the transactions'
 * cores; index entries are 32 bytes for the spill estimate; the source's
 * pages are read at the device's bandwidth when not cached.
 */
#include <math.h>
#include <string.h>

#include "walsim/db.h"

#define STEP (10 * WS_MSEC)
#define ROW_OVERHEAD 28      /* tuple header + line pointer */
#define RECORD_OVERHEAD 50   /* one multi-insert record per step */
#define INDEX_ENTRY 32       /* bytes per index entry in the sort */
#define PAGE_CACHE_COPY (5 * WS_USEC)

static void on_step(ws_sim *sim, void *ctx, uint64_t bulk);

static int find_rel(ws_db *db, const ws_value *v, const char *what, const char *name, bool required,
                    int *out, ws_diag *err)
{
    *out = -1;
    if (!v->str || !*v->str) {
        if (!required)
            return WS_OK;
        ws_diag_set(err, NULL, 0, "[bulk %s]: %s: which [table] to load is required", name, what);
        return WS_EINPUT;
    }
    *out = ws_db_rel_by_name(db, v->str, strlen(v->str));
    if (*out < 0) {
        ws_diag_set(err, v->file, v->line, "%s: there is no [table %s] ([bulk %s])", what, v->str,
                    name);
        return WS_EINPUT;
    }
    return WS_OK;
}

int ws_bulk_init(ws_db *db, ws_diag *err)
{
    const ws_config *c = db->cfg;
    size_t n = ws_cfg_instance_count(c, WS_SEC_BULK);
    if (n > WS_MAX_BULK) {
        ws_diag_set(err, NULL, 0, "too many [bulk] sections (at most %d)", WS_MAX_BULK);
        return WS_EINPUT;
    }
    for (size_t i = 0; i < n; i++) {
#define BV(id) ws_cfg_instance_value(c, WS_SEC_BULK, i, id)
        ws_bulk *b = &db->bulk[i];
        memset(b, 0, sizeof *b);
        snprintf(b->name, sizeof b->name, "%s", ws_cfg_instance_name(c, WS_SEC_BULK, i));
        char owner[80];
        snprintf(owner, sizeof owner, "[bulk %s]", b->name);
        if (find_rel(db, BV(WS_S_bulk_table), "table", b->name, true, &b->rel, err) ||
            find_rel(db, BV(WS_S_bulk_source), "source", b->name, false, &b->src, err) ||
            find_rel(db, BV(WS_S_bulk_build), "build_index", b->name, false, &b->build, err) ||
            ws_db_parse_touches(db, b->idx, &b->n_idx, BV(WS_S_bulk_index_writes)->str, true,
                                "index_writes", owner, BV(WS_S_bulk_index_writes), err))
            return WS_EINPUT;
        if (db->rels[b->rel].access.kind != WS_ACCESS_APPEND) {
            const ws_value *v = BV(WS_S_bulk_table);
            ws_diag_set(err, v->file, v->line,
                        "table: [table %s] is loaded by [bulk %s], so it needs access = append",
                        db->rels[b->rel].name, b->name);
            return WS_EINPUT;
        }
        b->rows = (uint64_t)BV(WS_S_bulk_rows)->num;
        b->rate = BV(WS_S_bulk_rate)->num;
        b->cpu_per_row = (ws_time)BV(WS_S_bulk_cpu)->num;
        b->build_cpu_per_row = (ws_time)BV(WS_S_bulk_build_cpu)->num;
        b->truncate = BV(WS_S_bulk_truncate)->num != 0;
        const ws_value *sc = BV(WS_S_bulk_sync_commit);
        b->sync_commit = !strcmp(sc->word, "default") ? db->sync_commit : strcmp(sc->word, "off") != 0;
        b->mwm = BV(WS_S_bulk_mwm)->num > 0 ? BV(WS_S_bulk_mwm)->num
                                            : ws_cfg_num(c, WS_S_maintenance_work_mem);
        if (b->rate <= 0 && b->cpu_per_row <= 0) {
            const ws_value *v = BV(WS_S_bulk_cpu);
            ws_diag_set(err, v->file, v->line,
                        "cpu_per_row: with row_rate = 0 the load is CPU-bound, so cpu_per_row must be above 0 ([bulk %s])",
                        b->name);
            return WS_EINPUT;
        }
        ws_sim_at(db->sim, (ws_time)BV(WS_S_bulk_start)->num, on_step, db, i);
#undef BV
    }
    db->n_bulk = (int)n;
    return WS_OK;
}

/* Time to read `pages` of relation `rel` sequentially. */
static ws_time read_pages(ws_db *db, uint64_t pages)
{
    if (ws_rng_uniform(&db->rng_cache) < db->cache_hit)
        return (ws_time)pages * PAGE_CACHE_COPY;
    ws_time now = ws_sim_now(db->sim);
    return ws_device_read(&db->dev, now, pages * WS_PAGE) - now;
}

static void on_committed(void *ctx, uint64_t i);
static void build_index(ws_db *db, ws_bulk *b, uint64_t i);

static void load_step(ws_db *db, ws_bulk *b, uint64_t i)
{
    ws_rel *r = &db->rels[b->rel];
    ws_time now = ws_sim_now(db->sim);
    double want = b->rate > 0 ? b->rate * (double)STEP / 1e9 + b->carry : INFINITY;
    if (b->cpu_per_row > 0)
        want = fmin(want, (double)STEP / (double)b->cpu_per_row);
    uint64_t rows = (uint64_t)want;
    if (b->rate > 0)
        b->carry = want - (double)rows;
    if (rows > b->rows - b->done)
        rows = b->rows - b->done;

    ws_time t = (ws_time)rows * b->cpu_per_row;
    uint32_t fpi = 0;
    uint64_t fpi_stored = 0, fpi_raw = 0;
    for (uint64_t k = 0; k < rows; k++) {
        uint64_t before = r->access.pages;
        uint64_t page = ws_access_next(&r->access, &db->rng_pages);
        if (r->access.pages != before) {
            r->pages = r->access.pages;
            if (ws_pagestate_grow(&r->ps, r->pages) != 0)
                abort();
            ws_pagestate_touch(&r->ps, page); /* initialised by its record: no image */
            if (before > 0)
                t += ws_db_write_new_page(db, b->rel, before - 1, now + t); /* the page just filled */
        }
        for (int x = 0; x < b->n_idx; x++) {
            int n = (int)b->idx[x].count;
            double frac = b->idx[x].count - n;
            if (frac > 0 && ws_rng_uniform(&db->rng_pages) < frac)
                n++;
            ws_db_modify_pages(db, b->idx[x].rel, n, &t, &fpi, &fpi_stored, &fpi_raw);
        }
    }
    if (b->src >= 0 && db->rels[b->src].pages > 0) {
        /* INSERT ... SELECT: the source's pages for these rows, in order */
        ws_rel *s = &db->rels[b->src];
        double per_page = s->access.rows_per_page ? (double)s->access.rows_per_page : 60;
        t += read_pages(db, (uint64_t)ceil((double)rows / per_page));
    }
    uint64_t wal = 0;
    if (r->logged) {
        double width = (double)ws_cfg_instance_value(db->cfg, WS_SEC_TABLE, (size_t)b->rel,
                                                      WS_S_table_row_width)->num;
        wal = (uint64_t)((double)rows * (width + ROW_OVERHEAD)) + RECORD_OVERHEAD;
    }
    if (wal || fpi) {
        b->lsn = ws_wal_insert(&db->wal, wal + fpi_stored, fpi, fpi_stored, fpi_raw);
        /* WAL beyond wal_buffers is written by the loading backend itself
         * (AdvanceXLInsertBuffer): a logged load goes no faster than its
         * WAL can be written. */
        t += ws_wal_buffers_wait(&db->wal);
    }
    b->done += rows;
    ws_time next = ws_sim_now(db->sim) + (t > STEP ? t : STEP);
    if (b->done < b->rows) {
        ws_sim_at(db->sim, next, on_step, db, i);
        return;
    }
    /* The last page, then the commit. */
    if (r->pages > 0)
        t += ws_db_write_new_page(db, b->rel, r->pages - 1, now + t);
    b->state = 2;
    ws_sim_at(db->sim, ws_sim_now(db->sim) + t, on_step, db, i);
}

static void on_step(ws_sim *sim, void *ctx, uint64_t i)
{
    (void)sim;
    ws_db *db = ctx;
    ws_bulk *b = &db->bulk[i];
    switch (b->state) {
    case 0:
        b->state = 1;
        b->t_start = ws_sim_now(db->sim);
        b->wal_start = db->wal.st.bytes;
        /* fall through */
    case 1:
        load_step(db, b, i);
        return;
    case 2:
        if (b->lsn && b->sync_commit)
            ws_wal_flush(&db->wal, b->lsn, on_committed, db, i);
        else
            on_committed(db, i);
        return;
    default:
        return;
    }
}

static void on_built(ws_sim *sim, void *ctx, uint64_t i)
{
    ws_db *db = ctx;
    ws_bulk *b = &db->bulk[i];
    b->t_built = ws_sim_now(sim);
    b->wal_built = db->wal.st.bytes;
    b->state = 4;
}

static void on_committed(void *ctx, uint64_t i)
{
    ws_db *db = ctx;
    ws_bulk *b = &db->bulk[i];
    b->t_loaded = ws_sim_now(db->sim);
    b->wal_loaded = db->wal.st.bytes;
    if (b->truncate && b->src >= 0) {
        /* TRUNCATE: a new, empty relation file; its old buffers are
         * dropped without being written. */
        ws_rel *s = &db->rels[b->src];
        for (uint32_t k = 0; k < db->bp.n; k++)
            if (db->bp.page[k] != WS_BUF_NONE && ws_page_rel(db->bp.page[k]) == b->src &&
                (ws_bufpool_flags(&db->bp, k) & WS_BUF_DIRTY))
                ws_bufpool_clean(&db->bp, k);
        s->pages = 0;
        s->access.pages = 0;
        s->access.rows_in_last = s->access.rows_per_page;
    }
    if (b->build >= 0) {
        b->state = 3;
        build_index(db, b, i);
        return;
    }
    b->t_built = b->t_loaded;
    b->wal_built = b->wal_loaded;
    b->state = 4;
}

/* CREATE INDEX, in steps of about STEP so that the rest of the system
 * runs meanwhile (the device drains, the flusher writes, others' I/O
 * interleaves): scan the table (its pages read, each row's entry formed
 * and sorted: build_cpu_per_row), spill the sort to temporary files and
 * read it back when the entries exceed maintenance_work_mem, then write
 * every index page and WAL-log it as an image (log_newpage_range).  The
 * bulk's `done` counts the build's progress in its phases' units. */
enum { BUILD_SCAN, BUILD_SPILL, BUILD_WRITE, BUILD_DONE };
#define BUILD_CHUNK 1280 /* pages (10 MB) per step */

static void build_step(ws_sim *sim, void *ctx, uint64_t i);

static void build_index(ws_db *db, ws_bulk *b, uint64_t i)
{
    ws_rel *table = &db->rels[b->rel];
    /* every row of the table, the loaded ones and those it had before */
    b->build_rows = table->access.kind == WS_ACCESS_APPEND
                        ? table->pages * table->access.rows_per_page
                        : b->rows;
    if (b->build_rows < b->rows)
        b->build_rows = b->rows;
    double entries = (double)b->build_rows * INDEX_ENTRY;
    b->build_spill = entries > b->mwm ? (uint64_t)entries : 0;
    b->build_phase = BUILD_SCAN;
    b->build_pos = 0;
    build_step(db->sim, db, i);
}

static void build_step(ws_sim *sim, void *ctx, uint64_t i)
{
    ws_db *db = ctx;
    ws_bulk *b = &db->bulk[i];
    ws_rel *table = &db->rels[b->rel], *ix = &db->rels[b->build];
    ws_time now = ws_sim_now(sim), t = 0;
    switch (b->build_phase) {
    case BUILD_SCAN: {
        uint64_t n = table->pages - b->build_pos < BUILD_CHUNK ? table->pages - b->build_pos : BUILD_CHUNK;
        t += read_pages(db, n);
        double share = table->pages ? (double)n / (double)table->pages : 1;
        t += (ws_time)((double)b->build_rows * share * (double)b->build_cpu_per_row);
        b->build_pos += n;
        if (b->build_pos >= table->pages) {
            b->build_phase = b->build_spill ? BUILD_SPILL : BUILD_WRITE;
            b->build_pos = 0;
        }
        break;
    }
    case BUILD_SPILL: {
        /* the runs written to temporary files, then merged from them */
        uint64_t chunk = (uint64_t)BUILD_CHUNK * WS_PAGE;
        uint64_t n = b->build_spill - b->build_pos < chunk ? b->build_spill - b->build_pos : chunk;
        t = ws_device_write(&db->dev, now, n, WS_IO_BACKEND) - now;
        t = ws_device_read(&db->dev, now + t, n) - now;
        b->build_pos += n;
        if (b->build_pos >= b->build_spill) {
            b->build_phase = BUILD_WRITE;
            b->build_pos = 0;
        }
        break;
    }
    case BUILD_WRITE: {
        uint64_t n = ix->pages - b->build_pos < BUILD_CHUNK ? ix->pages - b->build_pos : BUILD_CHUNK;
        uint32_t fpi = 0;
        uint64_t stored = 0, raw = 0;
        for (uint64_t p = b->build_pos; p < b->build_pos + n; p++) {
            t += ws_db_write_new_page(db, b->build, p, now + t);
            if (ix->logged) {
                ws_pagestate_touch(&ix->ps, p);
                fpi++;
                stored += ix->fpi_stored + WS_FPI_RECORD_OVERHEAD;
                raw += ix->fpi_raw;
            }
        }
        if (fpi) {
            /* what wal_buffers cannot hold the building backend writes */
            ws_wal_insert(&db->wal, stored, fpi, stored, raw);
            t += ws_wal_buffers_wait(&db->wal);
        }
        b->build_pos += n;
        if (b->build_pos >= ix->pages) {
            ws_wal_kick(&db->wal);
            b->build_phase = BUILD_DONE;
        }
        break;
    }
    default:
        break;
    }
    if (b->build_phase == BUILD_DONE) {
        ws_sim_at(sim, now + t, on_built, db, i);
        return;
    }
    ws_sim_at(sim, now + (t > STEP ? t : STEP / 10), build_step, db, i);
}
