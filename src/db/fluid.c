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
    if (n == 0 || p <= 0)
        return 0;
    if (p >= 1)
        return n;
    return gsl_ran_binomial(db->rng_fluid.g, p, (unsigned)(n < UINT32_MAX ? n : UINT32_MAX));
}

/* A fluid transaction's access to a simulated page: as a simulated
 * transaction's (hit, or miss with its victim and read), without the
 * prefetching. */
static void fluid_touch(ws_db *db, ws_acc *a, fluid_sum *f)
{
    ws_rel *r = &db->rels[a->rel];
    ws_time wait = 0;
    int64_t found = a->extend ? -1 : ws_bufpool_lookup(&db->bp, ws_page_id(a->rel, a->page));
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
            for (uint64_t i = 0; i < dirty; i++)
                ws_writeback_add(db, &db->backend_wb, file);
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
        /* rows appended one by one: the end of the table moves */
        for (uint64_t i = 0; i < N; i++) {
            ws_db_append_row(db, &a);
            if (ws_db_in_sample(r, a.page)) {
                fluid_touch(db, &a, f);
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
