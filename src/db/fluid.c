/*
 * fluid.c - transaction sampling ([scenario] tx_sampling): the work of the
 * transactions that are not simulated one by one, done in aggregate when
 * the simulated transaction they ride with arrives (ws_db_execute_fluid,
 * db.h; docs/model.md, "Transaction sampling").  Accesses to simulated
 * pages are done one by one with db.c's operations (dbops.h), the others
 * counted in bulk from the sample's state; their reads join the device's
 * queue at an even pace over the batch's span (device.c), their WAL the
 * insert position (wal.c).
 */
#include "walsim/db.h"

#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "dbops.h"

/* What a batch of fluid transactions did, added up. */
typedef struct fluid_sum {
    uint32_t fpi;
    uint64_t fpi_stored, fpi_raw;
    ws_time cpu;              /* compression */
    uint64_t dev_reads;       /* reads the page cache did not serve */
} fluid_sum;

/* Binomial(n, p) from the fluid stream (n at most 2^32 - 1 a draw). */
static uint64_t fl_binom(ws_db *db, double p, uint64_t n)
{
    return ws_rng_binomial(&db->rng_fluid, p < 0 ? 0 : p > 1 ? 1 : p, n < UINT32_MAX ? n : UINT32_MAX);
}

/* A fluid transaction's access to a simulated page whose buffer is
 * `found` (-1: not resident): as a simulated transaction's (hit, or miss
 * with its victim and read), without the prefetching. */
static void fluid_touch_found(ws_db *db, ws_acc *a, int64_t found, fluid_sum *f)
{
    ws_rel *r = &db->rels[a->rel];
    ws_time wait = 0;
    uint32_t b;
    if (found >= 0) {
        b = (uint32_t)found;
        ws_bufpool_hit(&db->bp, b);
    } else {
        b = ws_db_load_page(db, a->rel, a->page, a->extend, &wait);
    }
    for (int k = 0; k < a->pins; k++)
        ws_bufpool_hit(&db->bp, b);
    if (!a->modify)
        return;
    ws_db_log_change(db, r, a, &f->fpi, &f->fpi_stored, &f->fpi_raw, &f->cpu);
    ws_bufpool_dirty(&db->bp, b, 0);
    if (db->n_fl_mod == db->cap_fl_mod) {
        uint32_t cap = db->cap_fl_mod ? 2 * db->cap_fl_mod : 256;
        uint32_t *n = realloc(db->fl_mod, cap * sizeof *n);
        if (!n)
            abort();
        db->fl_mod = n;
        db->cap_fl_mod = cap;
    }
    db->fl_mod[db->n_fl_mod++] = b;
}

static void fluid_touch(ws_db *db, ws_acc *a, fluid_sum *f)
{
    int64_t found = a->extend ? -1 : ws_bufpool_lookup(&db->bp, ws_page_id(a->rel, a->page));
    fluid_touch_found(db, a, found, f);
}

/* n accesses outside the sample to part j of r, in bulk: each a hit with
 * the part's resident share, a miss otherwise (a victim that is dirty with
 * the pool's recent share, written by the backend; a read served by the
 * page cache or the device); a change needs an image with the share of
 * the part's sampled pages not changed since the redo pointer.  As
 * proxy_access, counted instead of drawn one by one. */
static void fluid_proxy(ws_db *db, ws_rel *r, int j, uint64_t n, bool modify, fluid_sum *f)
{
    if (n == 0)
        return;
    ws_time now = ws_sim_now(db->sim);
    double resident = r->s_pages[j] ? (double)r->s_resident[j] / (double)r->s_pages[j] : 0;
    uint64_t miss = n - fl_binom(db, resident, n);
    db->st.buffers_alloc += miss;
    if (miss && db->victim_page != WS_BUF_NONE) {
        uint64_t dirty = fl_binom(db, db->p_dirty_victim, miss);
        if (dirty) {
            uint32_t file = ws_db_stand_in_file(db, db->victim_page);
            ws_pc_write(&db->pc, file, dirty * WS_PAGE, WS_PC_BACKENDS, now);
            ws_writeback_add_n(db, &db->backend_wb, file, dirty);
            db->st.buffers_backend += dirty;
        }
    }
    if (miss) {
        db->st.reads += miss;
        uint64_t device = miss - fl_binom(db, db->cache_hit, miss);
        db->st.read_misses_os += device;
        f->dev_reads += device;
    }
    if (modify && r->logged && db->full_page_writes) {
        double clean = r->s_pages[j] ? 1 - (double)r->s_touched[j] / (double)r->s_pages[j] : 1;
        uint64_t img = fl_binom(db, clean, n);
        f->fpi += (uint32_t)img;
        f->fpi_stored += img * (r->fpi_stored + WS_FPI_RECORD_OVERHEAD);
        f->fpi_raw += img * r->fpi_raw;
        f->cpu += (ws_time)img * r->fpi_cpu;
        db->st.cpu_compress += (ws_time)img * r->fpi_cpu;
    }
}

/* ---- uniform tables kept whole, in bulk --------------------------------
 *
 * A fluid access to a settled page (resident, dirty, changed since the
 * redo pointer) changes nothing but the page's usage count and LSN, and
 * in a small hot table (pgbench's tellers and branches) nearly every
 * access is one: all but a few thousand of a checkpoint cycle's millions.
 * Such a table keeps the set of its pages that may not be settled (a
 * page leaves it when found settled, and comes back when written; a new
 * redo pointer refills it); of N accesses, uniform over its P pages, the
 * number before the next one into the set is geometric with p = |set| /
 * P, so only those into the set are done one by one: the same draws as
 * doing all N, in distribution.  The others' usage bumps are given to the
 * pages outside the set when the clock sweep reaches the buffer: Poisson,
 * with the table's mean per page over the sweep's last pass (bulk_unseen);
 * the bgwriter's look ahead sees those since the hand passed without
 * keeping them (bufpool.h, ws_bufpool_usage_now).  Their LSN is not
 * kept: a settled page's LSN is that of its last change done one by one
 * (docs/model.md, "Transaction sampling"). */

#define NOT_IN_SET UINT32_MAX

static bool bulk_eligible(const ws_db *db, int i)
{
    const ws_rel *r = &db->rels[i];
    if (r->k != 1 || !r->logged || r->access.kind != WS_ACCESS_UNIFORM || r->ps.tail ||
        r->access.pages == 0 || r->access.pages > db->bp.n || r->access.pages >= NOT_IN_SET)
        return false;
    for (int b = 0; b < db->n_bulk; b++) /* loads and truncations change its pages */
        if (db->bulk[b].rel == i || db->bulk[b].src == i)
            return false;
    return true;
}

static void bulk_fill(ws_rel *r)
{
    uint32_t n = (uint32_t)r->access.pages;
    for (uint32_t p = 0; p < n; p++)
        r->fl_set[p] = r->fl_pos[p] = p;
    r->fl_n = n;
    r->fl_epoch = r->ps.current;
}

static void bulk_remove(ws_rel *r, uint32_t page)
{
    uint32_t i = r->fl_pos[page], last = r->fl_set[--r->fl_n];
    r->fl_set[i] = last;
    r->fl_pos[last] = i;
    r->fl_pos[page] = NOT_IN_SET;
}

/* The usage bumps buffer b got from accesses counted in bulk since the
 * clock hand last passed it (bufpool.h's unseen).  Only a page outside
 * its table's set has its accesses counted in bulk (those to a page in it
 * are done one by one); they come at the table's rate per page, all its
 * fluid accesses' bumps in the last pass over its P pages. */
static unsigned bulk_unseen(void *ctx, uint32_t b, double share)
{
    ws_db *db = ctx;
    if (db->bp.passes != db->fl_passes) {
        uint64_t passes = db->bp.passes - db->fl_passes;
        for (int i = 0; i < db->n_rels; i++) {
            ws_rel *r = &db->rels[i];
            if (!r->fl_pos)
                continue;
            r->fl_per_pass = (double)(r->fl_unseen - r->fl_unseen_mark) /
                             ((double)r->access.pages * (double)passes);
            r->fl_unseen_mark = r->fl_unseen;
        }
        db->fl_passes = db->bp.passes;
    }
    const ws_rel *r = &db->rels[ws_page_rel(db->bp.page[b])];
    if (r->fl_pos[ws_page_block(db->bp.page[b])] != NOT_IN_SET)
        return 0;
    /* before the first pass: the bumps so far */
    double mu = share * (db->bp.passes ? r->fl_per_pass
                                       : (double)(r->fl_unseen - r->fl_unseen_mark) /
                                             (double)r->access.pages);
    if (mu <= 0)
        return 0;
    if (mu > 30) /* P(fewer than WS_BUF_MAX_USAGE) < 1e-7 */
        return WS_BUF_MAX_USAGE;
    /* only min(Poisson(mu), the cap) matters: gsl_ran_poisson's gamma
     * method cost 10 % of a run at 1 transaction in 1,000 */
    return ws_rng_poisson_capped(&db->rng_unseen, mu, WS_BUF_MAX_USAGE);
}

/* The first fluid batch: the tables counted in bulk get their set (every
 * page) and their resident buffers the unseen flag. */
static void bulk_setup(ws_db *db)
{
    db->fl_ready = true;
    bool any = false;
    for (int i = 0; i < db->n_rels; i++) {
        ws_rel *r = &db->rels[i];
        if (!bulk_eligible(db, i))
            continue;
        r->fl_set = malloc(r->access.pages * sizeof *r->fl_set);
        r->fl_pos = malloc(r->access.pages * sizeof *r->fl_pos);
        if (!r->fl_set || !r->fl_pos)
            abort();
        bulk_fill(r);
        any = true;
    }
    if (!any)
        return;
    for (uint32_t b = 0; b < db->bp.n; b++)
        if (db->bp.page[b] != WS_BUF_NONE && db->rels[ws_page_rel(db->bp.page[b])].fl_pos)
            db->bp.state[b] |= WS_BUF_UNSEEN;
    db->bp.unseen = bulk_unseen;
    db->bp.unseen_ctx = db;
    db->fl_passes = db->bp.passes;
}

/* Whether a page of r, in buffer b (-1: not resident), is settled. */
static bool settled(ws_db *db, const ws_rel *r, uint32_t page, int64_t b)
{
    return r->ps.epoch[page] == r->ps.current && b >= 0 &&
           (ws_bufpool_flags(&db->bp, (uint32_t)b) & WS_BUF_DIRTY);
}

/* N fluid accesses of one touch to a table counted in bulk: those into
 * its set one by one (a page found settled leaves it, as does one just
 * changed), the others counted. */
static void bulk_accesses(ws_db *db, ws_rel *r, ws_acc *a, uint64_t N, fluid_sum *f)
{
    if (r->fl_epoch != r->ps.current)
        bulk_fill(r);
    r->fl_unseen += N * (1u + a->pins);
    double P = (double)r->access.pages;
    while (N > 0 && r->fl_n > 0) {
        uint64_t skip = r->fl_n == r->access.pages ? 0
                        : gsl_ran_geometric(db->rng_fluid.g, (double)r->fl_n / P) - 1;
        if (skip >= N)
            break;
        N -= skip + 1;
        uint32_t page = r->fl_set[ws_rng_below(&db->rng_fluid, r->fl_n)];
        int64_t b = ws_bufpool_lookup(&db->bp, ws_page_id(a->rel, page));
        if (settled(db, r, page, b)) {
            bulk_remove(r, page);
            continue;
        }
        a->page = page;
        a->extend = false;
        fluid_touch_found(db, a, b, f);
        if (a->modify)
            bulk_remove(r, page); /* resident, dirty, changed now */
    }
}

/* A page of r drawn as its access pattern draws them, from the fluid
 * stream (an appended table read: any page so far). */
static uint64_t fluid_page(ws_db *db, ws_rel *r)
{
    return r->access.kind == WS_ACCESS_APPEND ? ws_rng_below(&db->rng_fluid, r->access.pages)
                                              : ws_access_next(&r->access, &db->rng_fluid);
}

/* N accesses of one touch of a type by fluid transactions. */
static void fluid_accesses(ws_db *db, const ws_touch *tc, uint64_t N, fluid_sum *f)
{
    ws_rel *r = &db->rels[tc->rel];
    ws_acc a = {.rel = tc->rel, .modify = tc->modify,
                .pins = tc->pins > 1 ? (uint8_t)(tc->pins - 1) : 0};
    if (r->access.kind == WS_ACCESS_APPEND && tc->modify) {
        /* Rows appended a page at a time: the first row on a page is
         * appended as a simulated transaction's is (a new page, or an
         * image of the last one); the others that fit on it change only
         * its usage count, the page being changed now. */
        while (N > 0) {
            ws_db_append_row(db, &a);
            N--;
            uint64_t more = r->access.rows_per_page - r->access.rows_in_last;
            if (more > N)
                more = N;
            r->access.rows_in_last += more;
            N -= more;
            if (ws_db_in_sample(r, a.page)) {
                fluid_touch(db, &a, f);
                uint64_t bumps = more * (1u + a.pins);
                uint32_t b = db->fl_mod[db->n_fl_mod - 1];
                for (uint64_t i = 0; i < bumps && i < WS_BUF_MAX_USAGE; i++)
                    ws_bufpool_hit(&db->bp, b);
            } else {
                ws_time wait = 0;
                if (a.extend)
                    ws_db_proxy_access(db, r, a.page, true, &wait);
                ws_db_log_change(db, r, &a, &f->fpi, &f->fpi_stored, &f->fpi_raw, &f->cpu);
            }
        }
        return;
    }
    if (r->access.pages == 0)
        return;
    if (r->fl_pos) {
        bulk_accesses(db, r, &a, N, f);
        return;
    }
    uint64_t in = r->k == 1 ? N : fl_binom(db, 1.0 / r->k, N);
    for (uint64_t i = 0; i < in; i++) {
        a.page = fluid_page(db, r);
        a.page -= a.page % r->k; /* the sampled page next to it */
        a.extend = false;
        fluid_touch(db, &a, f);
    }
    uint64_t out = N - in;
    if (r->access.kind == WS_ACCESS_HOTSET && r->access.hot_pages < r->access.pages) {
        uint64_t hot = fl_binom(db, r->access.hot_access, out);
        fluid_proxy(db, r, 0, hot, tc->modify, f);
        fluid_proxy(db, r, 1, out - hot, tc->modify, f);
    } else {
        fluid_proxy(db, r, 0, out, tc->modify, f);
    }
}

/* The share of transactions of type ty that change no logged page (a
 * touch with a count under 1 changes one with that probability). */
static double quiet_share(const ws_db *db, const ws_txtype *ty)
{
    double p = 1;
    for (int k = 0; k < ty->n_touch; k++) {
        const ws_touch *tc = &ty->touch[k];
        if (tc->modify && db->rels[tc->rel].logged)
            p *= tc->count >= 1 ? 0 : 1 - tc->count;
    }
    return p;
}

double ws_db_logged_share(const ws_db *db)
{
    double total = 0, logged = 0;
    for (int t = 0; t < db->n_types; t++) {
        total += db->types[t].weight;
        logged += db->types[t].weight * (1 - quiet_share(db, &db->types[t]));
    }
    return total > 0 ? logged / total : 0;
}

void ws_db_execute_fluid(ws_db *db, uint64_t n, uint64_t key, ws_time span, ws_time *cpu)
{
    if (!db->fl_ready)
        bulk_setup(db);
    ws_rng_rekey(&db->rng_fluid, key);
    fluid_sum f = {0};
    db->fl_running = true;
    db->fl_dev_reads = 0;
    db->n_fl_mod = 0;
    uint64_t reads0 = db->st.reads, writes0 = db->st.buffers_backend;
    uint64_t records = 0, rec_bytes = 0;
    double total = 0;
    for (int t = 0; t < db->n_types; t++)
        total += db->types[t].weight;
    double w_left = total;
    uint64_t left = n;
    for (int t = 0; t < db->n_types && left > 0; t++) {
        const ws_txtype *ty = &db->types[t];
        /* the mix: a multinomial split, as conditional binomials */
        uint64_t nt = t == db->n_types - 1 || w_left <= 0 ? left : fl_binom(db, ty->weight / w_left, left);
        left -= nt;
        w_left -= ty->weight;
        if (nt == 0)
            continue;
        for (int k = 0; k < ty->n_touch; k++) {
            const ws_touch *tc = &ty->touch[k];
            uint64_t whole = (uint64_t)tc->count;
            double frac = tc->count - (double)whole;
            uint64_t N = nt * whole + fl_binom(db, frac, nt);
            if (N)
                fluid_accesses(db, tc, N, &f);
        }
        uint64_t logged = nt - fl_binom(db, quiet_share(db, ty), nt);
        records += logged;
        rec_bytes += logged * ty->wal_bytes;
    }
    db->fl_running = false;
    f.dev_reads += db->fl_dev_reads; /* the simulated pages' misses too */
    if (f.dev_reads) /* at an even pace over the span, in the device's queue */
        ws_device_fluid_reads(&db->dev, f.dev_reads, span);
    *cpu = f.cpu + ws_cpucost_tx(db, db->st.reads - reads0, db->st.buffers_backend - writes0, f.fpi,
                                 rec_bytes + f.fpi_stored);
    if (records == 0 && f.fpi == 0)
        return;
    ws_wal_insert_fluid(&db->wal, rec_bytes + f.fpi_stored, records ? records : 1, f.fpi,
                        f.fpi_stored, f.fpi_raw, span);
    ws_wal_buffers_wait(&db->wal);
    /* the pages' LSN: the end of the batch's WAL, which is inserted over
     * `span` (a victim written meanwhile waits for a flush that covers it) */
    uint64_t lsn = db->wal.insert + db->wal.fl.left;
    for (uint32_t i = 0; i < db->n_fl_mod; i++)
        if ((ws_bufpool_flags(&db->bp, db->fl_mod[i]) & (WS_BUF_PERMANENT | WS_BUF_DIRTY)) ==
            (WS_BUF_PERMANENT | WS_BUF_DIRTY)) /* not taken as a victim since */
            ws_bufpool_dirty(&db->bp, db->fl_mod[i], lsn);
}
