/*
 * db.c - relations, the pgbench profile, and a transaction's work in
 * shared buffers and WAL (see db.h).
 */
#include "walsim/db.h"

#include "walsim/units.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/pgrules.h"

#include "dbops.h"

#define PAGE_CACHE_HIT_COST (5 * WS_USEC) /* copy of 8 kB from the page cache + syscall */
#define MAX_ACCESSES 256 /* page accesses of one transaction (checked when it is defined) */


#define APPENDED UINT64_MAX
#define OUTSIDE (-2) /* access.buf of a page outside the sample (sampling.c) */

/* The transactions that got a core recently, with the pages they will
 * touch: a ring indexed by transaction number (see ws_db_prefetch). */
#define PF_RING 16
#define PF_PAGES 16
typedef struct pf_slot {
    uint64_t seq;
    int n;             /* -1: empty, or too many pages to keep */
    ws_acc acc[PF_PAGES];
} pf_slot;

struct ws_db_pf {
    pf_slot slot[PF_RING];
};



/* ---- relations and transaction types ---------------------------------- */

typedef struct rel_spec {
    const char *name;
    double pages;
    bool logged;
    int fillfactor;
    ws_access_kind access;
    double a1, a2;           /* zipf s / hotset share / append rows per page */
    double ratio[3];         /* stored/raw with pglz, lz4, zstd */
    ws_time cpu[3];          /* compression CPU per image */
} rel_spec;

static int add_rel(ws_db *db, const rel_spec *sp, ws_diag *err)
{
    if (db->n_rels == WS_MAX_RELS) {
        ws_diag_set(err, NULL, 0, "too many tables (at most %d)", WS_MAX_RELS);
        return WS_EINPUT;
    }
    ws_rel *r = &db->rels[db->n_rels];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", sp->name);
    r->logged = sp->logged;
    r->pages = (uint64_t)ceil(sp->pages);
    if (r->pages == 0 && sp->access != WS_ACCESS_APPEND)
        r->pages = 1;
    /* The hole of a full-page image is the page's free space (pd_lower ..
     * pd_upper, xloginsert.c); fillfactor leaves that share free. */
    uint32_t hole = (uint32_t)(WS_PAGE * (100 - sp->fillfactor) / 100);
    r->fpi_raw = WS_PAGE - hole;
    if (db->compression == 0) {
        r->fpi_stored = r->fpi_raw;
    } else {
        double ratio = sp->ratio[db->compression - 1];
        /* pglz gives up unless it saves at least 25 % (pg_lzcompress.c) */
        if (db->compression == 1 && ratio > 0.75)
            ratio = 1.0;
        r->fpi_stored = (uint32_t)ceil(r->fpi_raw * ratio);
        r->fpi_cpu = sp->cpu[db->compression - 1];
    }
    switch (sp->access) {
    case WS_ACCESS_UNIFORM: ws_access_uniform(&r->access, r->pages); break;
    case WS_ACCESS_ZIPF: ws_access_zipf(&r->access, r->pages, sp->a1); break;
    case WS_ACCESS_HOTSET: ws_access_hotset(&r->access, r->pages, sp->a1, sp->a2); break;
    case WS_ACCESS_APPEND: ws_access_append(&r->access, r->pages, (uint64_t)sp->a1); break;
    }
    r->k = 1;
    db->n_rels++;
    return WS_OK;
}

int ws_db_rel_by_name(const ws_db *db, const char *name, size_t len)
{
    for (int i = 0; i < db->n_rels; i++)
        if (strlen(db->rels[i].name) == len && strncmp(db->rels[i].name, name, len) == 0)
            return i;
    return -1;
}

/* "accounts:1, history:0.5" -> touches. */
int ws_db_parse_touches(ws_db *db, ws_touch *touch, int *n_touch, const char *list, bool modify,
                        const char *what, const char *owner, const ws_value *v, ws_diag *err)
{
    const char *p = list;
    while (*p) {
        while (isspace((unsigned char)*p) || *p == ',')
            p++;
        if (!*p)
            break;
        const char *name = p;
        while (*p && *p != ':' && *p != ',' && !isspace((unsigned char)*p))
            p++;
        size_t len = (size_t)(p - name);
        double count = 1;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ':') {
            char *end;
            count = strtod(p + 1, &end);
            if (end == p + 1 || !(count >= 0) || count > 10000) {
                ws_diag_set(err, v->file, v->line,
                            "%s: '%s': expected TABLE:COUNT, COUNT a number from 0 to 10000 (%s)",
                            what, list, owner);
                return WS_EINPUT;
            }
            p = end;
        }
        int rel = ws_db_rel_by_name(db, name, len);
        if (rel < 0) {
            ws_diag_set(err, v->file, v->line, "%s: there is no [table %.*s] (%s)", what, (int)len,
                        name, owner);
            return WS_EINPUT;
        }
        if (*n_touch == WS_MAX_TOUCH) {
            ws_diag_set(err, v->file, v->line, "%s: more than %d table accesses (%s)", what,
                        WS_MAX_TOUCH, owner);
            return WS_EINPUT;
        }
        touch[(*n_touch)++] = (ws_touch){(uint16_t)rel, modify, count, 1};
    }
    return WS_OK;
}

/* The built-in pgbench (TPC-B-like) profile: pgbench_accounts 100,000
 * rows per scale unit (1,639.35 heap pages and 274.22 primary key pages
 * per unit, as measured at scale 100 in shared/validation/pg15-pgbench),
 * tellers and branches (updated in place; bloat makes them a few pages),
 * history (append only, 157 rows a page: 585,258 rows in 3,731 pages in
 * run A).  One transaction updates an account (a HOT update of its heap
 * page; 27.6 % are not HOT and also insert into the primary key), a teller
 * and a branch, and appends a history row.
 * Its WAL record bytes (~450 B) and CPU (0.8 ms, [workload] pgbench_cpu)
 * come from the same runs. */
static int pgbench_profile(ws_db *db, ws_diag *err)
{
    /* The profile brings its own tables and transaction: sections that
     * would silently not count are an error. */
    const ws_section secs[] = {WS_SEC_TABLE, WS_SEC_TRANSACTION};
    for (int k = 0; k < 2; k++) {
        if (ws_cfg_instance_count(db->cfg, secs[k]) == 0)
            continue;
        const ws_value *v = ws_cfg_instance_value(db->cfg, secs[k], 0,
                                                  k ? WS_S_tx_cpu : WS_S_table_size);
        ws_diag_set(err, v->file, v->line,
                    "[%s %s]: profile = pgbench has its own tables and transaction; remove "
                    "the section, or use profile = custom (for the pgbench transaction's CPU, "
                    "set [workload] pgbench_cpu)",
                    k ? "transaction" : "table", ws_cfg_instance_name(db->cfg, secs[k], 0));
        return WS_EINPUT;
    }
    double s = (double)ws_cfg_int(db->cfg, WS_S_scale);
    /* In PostgreSQL's relfilenode order, which is the order a checkpoint
     * writes in (BufferSync sorts by relation, then block): pgbench -i
     * truncates accounts, branches, history and tellers, in that order,
     * before loading them (new relfilenodes), then builds the primary keys
     * (branches, tellers, accounts); the validation harness truncates
     * history again before each run, so it sorts last.  The checkpoint thus
     * reaches the accounts key, whose pages stay longer in the pool, late in
     * its write phase. */
    const rel_spec rels[] = {
        {"pgbench_accounts", 1639.35 * s, true, 97, WS_ACCESS_UNIFORM, 0, 0,
         {0.106, 0.127, 0.07}, {75 * WS_USEC, 7 * WS_USEC, 30 * WS_USEC}},
        {"pgbench_branches", ceil(s / 20), true, 90, WS_ACCESS_UNIFORM, 0, 0,
         {0.15, 0.15, 0.1}, {75 * WS_USEC, 7 * WS_USEC, 30 * WS_USEC}},
        {"pgbench_tellers", ceil(s / 2), true, 90, WS_ACCESS_UNIFORM, 0, 0,
         {0.15, 0.15, 0.1}, {75 * WS_USEC, 7 * WS_USEC, 30 * WS_USEC}},
        {"pgbench_accounts_pkey", 274.22 * s, true, 90, WS_ACCESS_UNIFORM, 0, 0,
         {0.517, 0.5, 0.26}, {75 * WS_USEC, 9 * WS_USEC, 40 * WS_USEC}},
        {"pgbench_history", 0, true, 100, WS_ACCESS_APPEND, 157, 0,
         {0.3, 0.3, 0.2}, {75 * WS_USEC, 7 * WS_USEC, 30 * WS_USEC}},
    };
    for (size_t i = 0; i < sizeof rels / sizeof rels[0]; i++)
        if (add_rel(db, &rels[i], err) != WS_OK)
            return WS_EINPUT;
    ws_txtype *t = &db->types[0];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "tpcb");
    t->cpu = (ws_time)ws_cfg_num(db->cfg, WS_S_pgbench_cpu);
    t->wal_bytes = 450;
    t->weight = 1;
    /* Pins per page (each adds one to usage_count, PinBuffer): the account's
     * page is read by the UPDATE's scan, updated, and read by the SELECT;
     * its primary key leaf is scanned by both; a teller's and a branch's
     * page by the UPDATE's scan and the update. */
    /* 27.6 % of the account updates are not HOT (run A's tables_after.csv:
     * 423,491 of 585,258 HOT): the new row version goes into the primary
     * key, and to a page with free space - mostly new pages at the end of
     * the table (it grew by 2,654 pages in run A), few and often changed,
     * so their images are negligible and walsim leaves them out. */
    t->touch[t->n_touch++] = (ws_touch){0, true, 1, 3};     /* accounts heap */
    t->touch[t->n_touch++] = (ws_touch){3, false, 1, 2};    /* pkey leaf lookups */
    t->touch[t->n_touch++] = (ws_touch){3, true, 0.276, 1}; /* non-HOT: index insert */
    t->touch[t->n_touch++] = (ws_touch){2, true, 1, 2};     /* teller */
    t->touch[t->n_touch++] = (ws_touch){1, true, 1, 2};     /* branch */
    t->touch[t->n_touch++] = (ws_touch){4, true, 1, 1};     /* history */
    db->n_types = 1;
    return WS_OK;
}

static int custom_profile(ws_db *db, ws_diag *err)
{
    const ws_config *c = db->cfg;
    for (size_t i = 0; i < ws_cfg_instance_count(c, WS_SEC_TABLE); i++) {
#define TV(id) ws_cfg_instance_value(c, WS_SEC_TABLE, i, id)
        rel_spec sp = {0};
        sp.name = ws_cfg_instance_name(c, WS_SEC_TABLE, i);
        sp.logged = TV(WS_S_table_logged)->num != 0;
        sp.fillfactor = (int)TV(WS_S_table_fillfactor)->num;
        /* Rows a page holds: page minus its 24 B header, filled to
         * fillfactor, over row width + 24 B tuple header + 4 B line pointer. */
        double per_page = floor((WS_PAGE - 24) * sp.fillfactor / 100.0 /
                                (TV(WS_S_table_row_width)->num + 28));
        if (per_page < 1)
            per_page = 1;
        /* rows, when written (even as 0: an empty table), gives the size;
         * otherwise size does */
        const ws_value *rows = TV(WS_S_table_rows);
        sp.pages = rows->origin != WS_ORIGIN_DEFAULT ? ceil(rows->num / per_page)
                                                     : TV(WS_S_table_size)->num / WS_PAGE;
        sp.access = (ws_access_kind)(int)TV(WS_S_table_access)->num;
        if (sp.access == WS_ACCESS_ZIPF)
            sp.a1 = TV(WS_S_table_zipf)->num;
        else if (sp.access == WS_ACCESS_HOTSET) {
            sp.a1 = TV(WS_S_table_hot_access)->num;
            sp.a2 = TV(WS_S_table_hot_pages)->num;
        } else if (sp.access == WS_ACCESS_APPEND) {
            sp.a1 = TV(WS_S_table_rows_per_page)->num;
            if (sp.a1 <= 0)
                sp.a1 = per_page;
        }
        sp.ratio[0] = TV(WS_S_table_ratio_pglz)->num;
        sp.ratio[1] = TV(WS_S_table_ratio_lz4)->num;
        sp.ratio[2] = TV(WS_S_table_ratio_zstd)->num;
        sp.cpu[0] = (ws_time)TV(WS_S_table_cpu_pglz)->num;
        sp.cpu[1] = (ws_time)TV(WS_S_table_cpu_lz4)->num;
        sp.cpu[2] = (ws_time)TV(WS_S_table_cpu_zstd)->num;
#undef TV
        if (add_rel(db, &sp, err) != WS_OK)
            return WS_EINPUT;
    }
    size_t n = ws_cfg_instance_count(c, WS_SEC_TRANSACTION);
    if (n > WS_MAX_TX_TYPES) {
        ws_diag_set(err, NULL, 0, "too many transaction types (at most %d)", WS_MAX_TX_TYPES);
        return WS_EINPUT;
    }
    for (size_t i = 0; i < n; i++) {
#define XV(id) ws_cfg_instance_value(c, WS_SEC_TRANSACTION, i, id)
        ws_txtype *t = &db->types[i];
        memset(t, 0, sizeof *t);
        snprintf(t->name, sizeof t->name, "%s", ws_cfg_instance_name(c, WS_SEC_TRANSACTION, i));
        t->cpu = (ws_time)XV(WS_S_tx_cpu)->num;
        t->wal_bytes = (uint64_t)XV(WS_S_tx_wal)->num;
        t->weight = XV(WS_S_tx_weight)->num;
        const ws_value *rd = XV(WS_S_tx_reads), *wr = XV(WS_S_tx_writes);
        char owner[80];
        snprintf(owner, sizeof owner, "[transaction %s]", t->name);
        if (ws_db_parse_touches(db, t->touch, &t->n_touch, rd->str, false, "reads", owner, rd, err) != WS_OK ||
            ws_db_parse_touches(db, t->touch, &t->n_touch, wr->str, true, "writes", owner, wr, err) != WS_OK)
            return WS_EINPUT;
        double most = 0;
        for (int k = 0; k < t->n_touch; k++)
            most += ceil(t->touch[k].count);
        if (most > MAX_ACCESSES) {
            ws_diag_set(err, wr->file ? wr->file : rd->file, wr->file ? wr->line : rd->line,
                        "%s: up to %.0f page accesses per transaction; walsim allows %d (%s; "
                        "model a bulk operation with a [bulk] section)",
                        wr->file ? "writes" : "reads", most, MAX_ACCESSES, owner);
            return WS_EINPUT;
        }
#undef XV
    }
    db->n_types = (int)n;
    return WS_OK;
}

/* ---- setup -------------------------------------------------------------- */

/* A type is stable when the pages it draws cannot depend on when it draws
 * them: it reads no relation whose size changes (appended to, loaded or
 * truncated by a bulk load).  Its appends are taken when it runs. */
static void mark_stable_types(ws_db *db)
{
    for (int i = 0; i < db->n_types; i++) {
        ws_txtype *t = &db->types[i];
        t->stable = true;
        for (int k = 0; k < t->n_touch; k++) {
            const ws_rel *r = &db->rels[t->touch[k].rel];
            bool appended_to = r->access.kind == WS_ACCESS_APPEND;
            for (int b = 0; b < db->n_bulk; b++)
                if (db->bulk[b].rel == t->touch[k].rel || db->bulk[b].src == t->touch[k].rel)
                    appended_to = true;
            if (appended_to && !(t->touch[k].modify && r->access.kind == WS_ACCESS_APPEND))
                t->stable = false;
        }
    }
}

/* Relations get an array of their own in the buffer pool's page lookup
 * (an entry per simulated page: every page, or a sampled relation's
 * sampled ones), in order while their entries come to at most
 * WS_BUFPOOL_DIRECT_PER_BUFFER per buffer in all: 16 bytes a buffer at
 * most, half the map's own or less (bufpool.h).  An array is a tenth of
 * the map's size or less and stays in the CPU caches (and the TLB) far
 * better: the fluid batches' lookups, which nothing prefetches (fluid.c),
 * and a simulated transaction's, prefetched two transactions ahead
 * (ws_db_prefetch), both miss less (docs/engine.md, "Lookup arrays"). */
static int direct_arrays(ws_db *db)
{
    uint64_t budget = (uint64_t)db->bp.n * WS_BUFPOOL_DIRECT_PER_BUFFER;
    for (int i = 0; i < db->n_rels && i < WS_BUFPOOL_MAX_DIRECT; i++) {
        const ws_rel *r = &db->rels[i];
        uint64_t entries = (r->pages + r->k - 1) / r->k;
        if (entries == 0 || entries > budget)
            continue;
        if (ws_bufpool_direct(&db->bp, i, r->pages, r->k) != 0)
            return -1;
        budget -= entries;
    }
    return 0;
}

int ws_db_init(ws_db *db, ws_sim *sim, const ws_config *cfg, FILE *log, ws_diag *err)
{
    memset(db, 0, sizeof *db);
    db->sim = sim;
    db->cfg = cfg;
    db->log = ws_cfg_bool(cfg, WS_S_log_checkpoints) ? log : NULL;
    db->log_all = log;
    db->pg_version = ws_config_pg_version(cfg);
    snprintf(db->log_start, sizeof db->log_start, "%s", ws_cfg_str(cfg, WS_S_start_time));
    const char *comp = ws_cfg_str(cfg, WS_S_wal_compression);
    db->compression = !strcmp(comp, "off") ? 0 : !strcmp(comp, "lz4") ? 2 : !strcmp(comp, "zstd") ? 3 : 1;
    db->full_page_writes = ws_cfg_bool(cfg, WS_S_full_page_writes);
    db->sync_commit = strcmp(ws_cfg_str(cfg, WS_S_synchronous_commit), "off") != 0;
    uint64_t seed = (uint64_t)ws_cfg_int(cfg, WS_S_seed);

    db->wal_own_dev = ws_cfg_int(cfg, WS_S_disk_wal_size) > 0;
    if (db->wal_own_dev && ws_device_init_wal(&db->wal_dev, sim, cfg) != 0) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    if (ws_device_init(&db->dev, sim, cfg) != 0 || ws_pc_init(&db->pc, sim, &db->dev, cfg) != 0 ||
        ws_wal_init(&db->wal, sim, db->wal_own_dev ? &db->wal_dev : &db->dev, cfg) != 0 ||
        ws_rng_init(&db->rng_pages, seed, "db.pages") != 0 ||
        ws_rng_init(&db->rng_proxy, seed, "db.proxy") != 0 ||
        ws_rng_init_keyed(&db->rng_fluid, seed, "db.fluid") != 0 ||
        ws_rng_init(&db->rng_fluid_wal, seed, "wal.fluid") != 0 ||
        ws_rng_init(&db->rng_unseen, seed, "db.unseen") != 0 ||
        ws_rng_init_keyed(&db->rng_tx, seed, "db.tx") != 0 ||
        ws_rng_init(&db->rng_cache, seed, "os.cache") != 0) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    int rc = strcmp(ws_cfg_str(cfg, WS_S_profile), "pgbench") == 0 ? pgbench_profile(db, err)
                                                                   : custom_profile(db, err);
    if (rc != WS_OK || (rc = ws_bulk_init(db, err)) != WS_OK || (rc = ws_sample_setup(db, err)) != WS_OK)
        return rc;
    /* The buffer pool and page state, sized by the sampling. */
    if (ws_bufpool_init(&db->bp, db->bp.n) != 0 || direct_arrays(db) != 0) {
        ws_diag_set(err, NULL, 0, "out of memory for shared_buffers");
        return WS_ENOMEM;
    }
    for (int i = 0; i < db->n_rels; i++) {
        ws_rel *r = &db->rels[i];
        uint64_t n = ws_sample_state_pages(r, r->pages);
        /* An append-only table is changed only at its end: its page state
         * needs no array (tail mode), unless a [bulk] load may truncate
         * it and start again at page 0. */
        if (r->access.kind == WS_ACCESS_APPEND && db->n_bulk == 0)
            ws_pagestate_init_tail(&r->ps, n);
        else if (ws_pagestate_init(&r->ps, n ? n : 1) != 0) {
            ws_diag_set(err, NULL, 0, "out of memory for %s's page state", r->name);
            return WS_ENOMEM;
        }
    }
    db->pf = malloc(sizeof *db->pf);
    if (!db->pf) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    for (int i = 0; i < PF_RING; i++)
        db->pf->slot[i] = (pf_slot){.seq = UINT64_MAX, .n = -1};
    mark_stable_types(db);

    /* Page cache hit ratio for pages that miss shared_buffers: the share
     * of the database the rest of RAM can hold (double buffering). */
    double db_bytes = 0;
    for (int i = 0; i < db->n_rels; i++)
        db_bytes += (double)db->rels[i].pages * WS_PAGE;
    double cache = ws_cfg_num(cfg, WS_S_os_ram) - ws_cfg_num(cfg, WS_S_shared_buffers);
    db->cache_hit = db_bytes <= 0 ? 1 : fmin(1, fmax(0, cache * 0.8) / db_bytes);

    ws_writeback_init(&db->backend_wb, ws_cfg_num(cfg, WS_S_backend_flush_after), WS_IO_BACKEND);
    db->wal.on_segment = ws_ckpt_on_segment;
    db->wal.seg_ctx = db;
    ws_ckpt_init(db);
    ws_bgwriter_init(db);
    ws_cpucost_init(db);
    return WS_OK;
}

/* The tables and indexes must fit on the data volume when the scenario
 * sets its size ([disk] size; the default 1TB is no statement about the
 * server): a database that does not is a scenario error, not a run that
 * reports "0B free". */
static int check_volume(const ws_db *db, ws_diag *err)
{
    double bytes = 0;
    for (int i = 0; i < db->n_rels; i++)
        bytes += (double)db->rels[i].pages * WS_PAGE;
    const ws_value *v = ws_cfg_value(db->cfg, WS_S_disk_size);
    if (!v->text || bytes <= v->num)
        return WS_OK;
    char have[32], need[32];
    ws_unit_format(v->num, WS_UC_MEMORY, have, sizeof have);
    ws_unit_format(ceil(bytes / 1073741824.0) * 1073741824.0, WS_UC_MEMORY, need, sizeof need);
    ws_diag_set(err, v->file, v->line,
                "size: the database's tables and indexes (%.1f GB) do not fit on the data volume "
                "(%s); expected a [disk] size of at least %s (1GB to 1024TB)",
                bytes / 1073741824.0, have, need);
    return WS_EINPUT;
}

int ws_db_check(ws_sim *sim, const ws_config *cfg, ws_diag *err)
{
    ws_db *db = calloc(1, sizeof *db);
    if (!db) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    db->dry = true;
    db->sim = sim;
    db->cfg = cfg;
    db->sync_commit = strcmp(ws_cfg_str(cfg, WS_S_synchronous_commit), "off") != 0;
    int rc = strcmp(ws_cfg_str(cfg, WS_S_profile), "pgbench") == 0 ? pgbench_profile(db, err)
                                                                   : custom_profile(db, err);
    if (rc == WS_OK)
        rc = ws_bulk_init(db, err);
    if (rc == WS_OK)
        rc = ws_sample_setup(db, err);
    if (rc == WS_OK)
        rc = check_volume(db, err);
    free(db);
    return rc;
}

void ws_db_destroy(ws_db *db)
{
    free(db->pf);
    db->pf = NULL;
    ws_ckpt_destroy(db);
    for (int i = 0; i < db->n_rels; i++) {
        ws_pagestate_destroy(&db->rels[i].ps);
        free(db->rels[i].fl_set);
        free(db->rels[i].fl_pos);
        free(db->rels[i].files);
    }
    free(db->file_cycle);
    free(db->cycle_files);
    ws_bufpool_destroy(&db->bp);
    ws_wal_destroy(&db->wal);
    ws_pc_destroy(&db->pc);
    ws_device_destroy(&db->dev);
    if (db->wal_own_dev)
        ws_device_destroy(&db->wal_dev);
    ws_rng_destroy(&db->rng_pages);
    ws_rng_destroy(&db->rng_proxy);
    ws_rng_destroy(&db->rng_fluid);
    ws_rng_destroy(&db->rng_fluid_wal);
    ws_rng_destroy(&db->rng_unseen);
    free(db->fl_mod);
    ws_rng_destroy(&db->rng_tx);
    ws_rng_destroy(&db->rng_cache);
}

/* ---- writing a buffer --------------------------------------------------- */

/* The page cache file of page `page` of relation r (one per 1 GB segment,
 * md.c), created on first use. */
static uint32_t file_of(ws_db *db, ws_rel *r, uint64_t page)
{
    uint32_t seg = (uint32_t)(page / WS_SEG_PAGES);
    if (seg >= r->n_files) {
        uint32_t n = seg + 1;
        r->files = realloc(r->files, n * sizeof *r->files);
        if (!r->files)
            abort();
        for (uint32_t i = r->n_files; i < n; i++)
            r->files[i] = ws_pc_file_new(&db->pc);
        r->n_files = n;
    }
    return r->files[seg];
}

/* Every written file gets an fsync at the next checkpoint's sync phase
 * (md.c register_dirty_segment). */
static void mark_for_sync(ws_db *db, uint32_t file)
{
    if (file >= db->cap_file_cycle) {
        uint32_t cap = db->cap_file_cycle ? db->cap_file_cycle : 64;
        while (cap <= file)
            cap *= 2;
        db->file_cycle = realloc(db->file_cycle, cap * sizeof *db->file_cycle);
        if (!db->file_cycle)
            abort();
        for (uint32_t i = db->cap_file_cycle; i < cap; i++)
            db->file_cycle[i] = UINT64_MAX;
        db->cap_file_cycle = cap;
    }
    if (db->file_cycle[file] == db->ck.cycle)
        return;
    db->file_cycle[file] = db->ck.cycle;
    if (db->n_cycle_files == db->cap_cycle_files) {
        db->cap_cycle_files = db->cap_cycle_files ? 2 * db->cap_cycle_files : 64;
        db->cycle_files = realloc(db->cycle_files, db->cap_cycle_files * sizeof *db->cycle_files);
        if (!db->cycle_files)
            abort();
    }
    db->cycle_files[db->n_cycle_files++] = file;
}

uint32_t ws_db_stand_in_file(ws_db *db, uint64_t page)
{
    ws_rel *r = &db->rels[ws_page_rel(page)];
    uint64_t block = ws_page_block(page);
    if (r->k > 1 && r->access.pages > 0) {
        uint64_t lo = 0, hi = r->access.pages;
        if (r->access.kind == WS_ACCESS_HOTSET && r->access.hot_pages < r->access.pages) {
            if (block < r->access.hot_pages)
                hi = r->access.hot_pages;
            else
                lo = r->access.hot_pages;
        }
        block = lo + ws_rng_below(&db->rng_proxy, hi - lo);
    }
    uint32_t file = file_of(db, r, block);
    mark_for_sync(db, file);
    return file;
}

ws_time ws_db_write_buffer(ws_db *db, uint32_t b, ws_pc_writer who, ws_time at, uint32_t *file_out)
{
    return ws_db_write_page(db, b, db->bp.page[b], who, at, file_out);
}

ws_time ws_db_write_page(ws_db *db, uint32_t b, uint64_t page, ws_pc_writer who, ws_time at,
                         uint32_t *file_out)
{
    uint8_t flags = ws_bufpool_flags(&db->bp, b);
    assert(flags & WS_BUF_DIRTY);
    ws_rel *r = &db->rels[ws_page_rel(page)];
    /* WAL before data: a permanent page's WAL must be flushed first
     * (FlushBuffer -> XLogFlush).  The flush is started here; only
     * backends wait for it (see ws_db_execute). */
    if ((flags & WS_BUF_PERMANENT) && db->bp.lsn[b] > db->wal.flushed)
        ws_wal_kick(&db->wal);
    uint32_t file = file_of(db, r, ws_page_block(page));
    mark_for_sync(db, file);
    ws_bufpool_clean(&db->bp, b);
    ws_db_unsettle(r, ws_page_block(page));
    if (file_out)
        *file_out = file;
    return ws_pc_write(&db->pc, file, WS_PAGE, who, at);
}

ws_time ws_db_write_stand_in(ws_db *db, uint32_t file, ws_writeback *wb, ws_pc_writer who, ws_time at)
{
    ws_time pause = ws_pc_write(&db->pc, file, WS_PAGE, who, at);
    ws_writeback_add(db, wb, file);
    return pause;
}

/* ---- writeback hints ---------------------------------------------------- */

void ws_writeback_init(ws_writeback *wb, double flush_after_bytes, ws_io_class cls)
{
    *wb = (ws_writeback){UINT32_MAX, 0, (uint32_t)(flush_after_bytes / WS_PAGE), cls};
}

void ws_writeback_issue(ws_db *db, ws_writeback *wb)
{
    if (wb->pages && wb->file != UINT32_MAX)
        ws_pc_hint(&db->pc, wb->file, (uint64_t)wb->pages * WS_PAGE, wb->cls);
    wb->pages = 0;
}

void ws_writeback_add(ws_db *db, ws_writeback *wb, uint32_t file)
{
    ws_writeback_add_n(db, wb, file, 1);
}

void ws_writeback_add_n(ws_db *db, ws_writeback *wb, uint32_t file, uint64_t n)
{
    if (!wb->flush_after || n == 0)
        return;
    if (file != wb->file) {
        ws_writeback_issue(db, wb);
        wb->file = file;
    }
    while (n > 0) { /* a hint each time flush_after pages are pending */
        uint64_t take = wb->flush_after - wb->pages;
        if (take > n)
            take = n;
        wb->pages += (uint32_t)take;
        n -= take;
        if (wb->pages >= wb->flush_after)
            ws_writeback_issue(db, wb);
    }
}

/* ---- a transaction ------------------------------------------------------ */

/* The functions of a transaction's path take `sampled` (does any relation
 * have a sample) and are inlined into the two callers that pass it as a
 * constant: the exact copy has no per-page sampling tests in it. */
#define SPECIALIZED inline __attribute__((always_inline))

/* The part of relation r block `block` belongs to (sampling.c). */
static inline int part_of(const ws_rel *r, uint64_t block)
{
    return r->access.kind == WS_ACCESS_HOTSET && block >= r->access.hot_pages;
}

/* A backend writes a dirty victim (buffers_backend) into `file`, after
 * flushing WAL up to `lsn` if needed; adds the time to *wait. */
static void write_victim(ws_db *db, int64_t b, uint64_t lsn, uint32_t file, ws_time *wait)
{
    ws_time now = ws_sim_now(db->sim);
    if (lsn > db->wal.flushed)
        *wait += ws_wal_flushed_by(&db->wal, lsn) - now;
    if (b >= 0) {
        uint32_t f;
        *wait += ws_db_write_buffer(db, (uint32_t)b, WS_PC_BACKENDS, now + *wait, &f);
        file = f;
    } else {
        *wait += ws_pc_write(&db->pc, file, WS_PAGE, WS_PC_BACKENDS, now + *wait);
    }
    ws_writeback_add(db, &db->backend_wb, file);
    db->st.buffers_backend++;
}

/* Reads page `page` of relation r into a buffer, or creates it when the
 * relation is extended; adds the time to *wait. */
static void fill_buffer(ws_db *db, ws_rel *r, uint64_t page, bool extend, ws_time *wait)
{
    if (extend) {
        /* Relation extension writes a new zero page (mdextend): a backend
         * write that PostgreSQL also counts in buffers_backend. */
        db->st.buffers_backend++;
        uint32_t file = file_of(db, r, page);
        mark_for_sync(db, file);
        *wait += ws_pc_write(&db->pc, file, WS_PAGE, WS_PC_BACKENDS, ws_sim_now(db->sim) + *wait);
    } else {
        db->st.reads++;
        if (ws_rng_uniform(&db->rng_cache) < db->cache_hit) {
            *wait += PAGE_CACHE_HIT_COST;
        } else {
            db->st.read_misses_os++;
            if (db->fl_running) { /* a fluid transaction's: paced by fluid.c */
                db->fl_dev_reads++;
                return;
            }
            ws_time now = ws_sim_now(db->sim);
            *wait += ws_device_read(&db->dev, now, WS_PAGE) - now;
        }
    }
}

/* A miss: take a clock-sweep victim (writing it first if dirty), then
 * read the page, or create it when the relation is extended.  Adds the
 * time this takes to *wait; returns the buffer. */
uint32_t ws_db_load_page(ws_db *db, int rel, uint64_t page, bool extend, ws_time *wait)
{
    ws_rel *r = &db->rels[rel];
    uint32_t v = ws_bufpool_victim(&db->bp);
    db->st.buffers_alloc++;
    uint8_t flags = ws_bufpool_flags(&db->bp, v);
    if (db->sample_k > 1) {
        /* The sample's counters: the victim leaves, the page comes in;
         * what share of victims are dirty (for the accesses outside the
         * sample). */
        uint64_t old = db->bp.page[v];
        if (old != WS_BUF_NONE) {
            ws_rel *o = &db->rels[ws_page_rel(old)];
            if (o->k > 1)
                o->s_resident[part_of(o, ws_page_block(old))]--;
        }
        if (r->k > 1)
            r->s_resident[part_of(r, page)]++;
        bool dirty = (flags & WS_BUF_DIRTY) != 0;
        db->p_dirty_victim += ((double)dirty - db->p_dirty_victim) / 64;
    }
    if (flags & WS_BUF_DIRTY) {
        /* A dirty victim: the backend writes it (buffers_backend), after
         * flushing WAL up to its LSN if needed. */
        uint64_t lsn = (flags & WS_BUF_PERMANENT) ? db->bp.lsn[v] : 0;
        if (db->sample_k > 1) {
            /* what the out-of-sample dirty victims are drawn from: its
             * page, and how far its LSN was behind the insert position */
            db->victim_page = db->bp.page[v];
            db->victim_lag[db->n_victim_lag++ % WS_VICTIM_LAGS] =
                lsn ? db->wal.insert - lsn : UINT64_MAX;
        }
        write_victim(db, v, lsn, 0, wait);
    }
    fill_buffer(db, r, page, extend, wait);
    ws_bufpool_load(&db->bp, v, ws_page_id(rel, page), r->logged);
    if (r->fl_pos) /* its fluid accesses bump its usage unseen */
        db->bp.state[v] |= WS_BUF_UNSEEN;
    return v;
}

/* An access outside the sample (sampling.c): a hit, or a miss with a
 * victim that is dirty as often as the sampled pool's are, drawn from the
 * sample's state now.  Returns true for a hit. */
bool ws_db_proxy_access(ws_db *db, ws_rel *r, uint64_t page, bool extend, ws_time *wait)
{
    int j = part_of(r, page);
    bool hit = !extend && r->s_pages[j] > 0 &&
               ws_rng_uniform(&db->rng_proxy) * (double)r->s_pages[j] < (double)r->s_resident[j];
    if (hit)
        return true;
    db->st.buffers_alloc++;
    if (db->victim_page != WS_BUF_NONE && ws_rng_uniform(&db->rng_proxy) < db->p_dirty_victim) {
        /* Its LSN lags the insert position as one of the sampled pool's
         * recent dirty victims' did: a backend may wait for a WAL flush
         * before writing it (FlushBuffer -> XLogFlush). */
        uint32_t n = db->n_victim_lag < WS_VICTIM_LAGS ? db->n_victim_lag : WS_VICTIM_LAGS;
        uint64_t lag = db->victim_lag[ws_rng_below(&db->rng_proxy, n)];
        uint64_t lsn = lag == UINT64_MAX || lag >= db->wal.insert ? 0 : db->wal.insert - lag;
        write_victim(db, -1, lsn, ws_db_stand_in_file(db, db->victim_page), wait);
    }
    fill_buffer(db, r, page, extend, wait);
    return false;
}

/* Is block `block` of r simulated?  `sampled`: does any relation have a
 * sample (a constant where it is called: the exact path skips the test). */
static SPECIALIZED bool in_sample(const ws_rel *r, uint64_t block, bool sampled)
{
    return !sampled || ws_db_in_sample(r, block);
}

/* Does a change of page `page` of r need a full-page image?  Sampled
 * pages answer from their state; the others draw it with the share of
 * the part's sampled pages not yet changed since the redo pointer (an
 * appended table's unsampled last page keeps its own epoch). */
static SPECIALIZED bool needs_image(ws_db *db, ws_rel *r, uint64_t page, bool extend, bool sampled)
{
    if (!sampled || r->k == 1)
        return ws_pagestate_touch(&r->ps, page);
    if (ws_db_in_sample(r, page)) {
        bool image = ws_pagestate_touch(&r->ps, page / r->k);
        if (image)
            r->s_touched[part_of(r, page)]++;
        return image;
    }
    if (r->access.kind == WS_ACCESS_APPEND) {
        if (extend)
            r->tail_epoch = 0;
        if (r->tail_epoch == r->ps.current)
            return false;
        r->tail_epoch = r->ps.current;
        return true;
    }
    int j = part_of(r, page);
    return ws_rng_uniform(&db->rng_proxy) * (double)r->s_pages[j] >= (double)r->s_touched[j];
}

/* An append to relation a->rel: the page at its end, a new one when the
 * last is full (access.c). */
static SPECIALIZED void append_row(ws_db *db, ws_acc *a, bool sampled)
{
    ws_rel *r = &db->rels[a->rel];
    uint64_t before = r->access.pages;
    a->page = ws_access_next(&r->access, NULL);
    a->extend = r->access.pages != before;
    r->pages = r->access.pages;
    if (!sampled) {
        if (r->pages > r->ps.pages && ws_pagestate_grow(&r->ps, r->pages) != 0)
            abort();
        return;
    }
    if (r->k > 1 && a->extend && ws_db_in_sample(r, a->page))
        r->s_pages[0]++;
    if (ws_pagestate_grow(&r->ps, ws_sample_state_pages(r, r->pages)) != 0)
        abort();
}

void ws_db_append_row(ws_db *db, ws_acc *a)
{
    append_row(db, a, db->sample_k > 1);
}

/* The pages transaction number `seq` of type t touches, drawn from the
 * keyed stream "db.tx" restarted at seq, so that they are the same when
 * drawn again and in every variant.  `dry` (when the transaction gets its
 * core) changes nothing: appends, which move the end of a relation, are
 * left as APPENDED. */
static SPECIALIZED int draw(ws_db *db, const ws_txtype *t, uint64_t seq, ws_acc *acc, bool dry, bool sampled)
{
    int n_acc = 0;
    ws_rng_rekey(&db->rng_tx, seq);
    for (int k = 0; k < t->n_touch; k++) {
        const ws_touch *tc = &t->touch[k];
        ws_rel *r = &db->rels[tc->rel];
        /* count 2.25 = 2 pages, and a third with probability 0.25 */
        int n = (int)tc->count;
        double frac = tc->count - n;
        if (frac > 0 && ws_rng_uniform(&db->rng_tx) < frac)
            n++;
        for (int i = 0; i < n && n_acc < MAX_ACCESSES; i++) {
            ws_acc *a = &acc[n_acc];
            a->rel = tc->rel;
            a->modify = tc->modify;
            a->extend = false;
            a->pins = tc->pins > 1 ? (uint8_t)(tc->pins - 1) : 0;
            if (r->access.kind == WS_ACCESS_APPEND && tc->modify) {
                if (dry)
                    a->page = APPENDED;
                else
                    append_row(db, a, sampled);
            } else {
                if (r->access.pages == 0)
                    continue; /* reading an empty appended table */
                a->page = r->access.kind == WS_ACCESS_APPEND
                              ? ws_rng_below(&db->rng_tx, r->access.pages)
                              : ws_access_next(&r->access, &db->rng_tx);
            }
            n_acc++;
        }
    }
    return n_acc;
}

/* Prefetching runs in two stages, because the buffer a page is in is only
 * known once its map slot has arrived.  When transaction k gets its core,
 * its pages are drawn, their map slots and image epochs prefetched, and
 * the pages kept in the ring (stage 1); the transaction that got its core
 * two starts earlier, whose map slots have arrived meanwhile, is looked up
 * and its buffers' state and LSN are prefetched (stage 2).  When k
 * executes, it takes its pages from the ring instead of drawing them
 * again, if its type's draws cannot have changed meanwhile (`stable`:
 * only tables of fixed size, appends aside); either way the pages are the
 * same, so the ring changes only the speed of a run. */
static SPECIALIZED void prefetch(ws_db *db, int type, uint64_t seq, bool sampled)
{
    pf_slot *old = &db->pf->slot[(seq + PF_RING - 2) % PF_RING];
    if (old->seq + 2 == seq)
        for (int i = 0; i < old->n; i++) {
            if (old->acc[i].page == APPENDED || !in_sample(&db->rels[old->acc[i].rel], old->acc[i].page, sampled))
                continue;
            int64_t b = ws_bufpool_lookup(&db->bp, ws_page_id(old->acc[i].rel, old->acc[i].page));
            if (b >= 0) {
                __builtin_prefetch(&db->bp.state[b], 1);
                __builtin_prefetch(&db->bp.lsn[b], 1);
            }
        }
    ws_acc acc[MAX_ACCESSES];
    int n = draw(db, &db->types[type], seq, acc, true, sampled);
    pf_slot *now = &db->pf->slot[seq % PF_RING];
    now->seq = seq;
    now->n = n <= PF_PAGES && db->types[type].stable ? n : -1;
    for (int i = 0; i < n; i++) {
        if (acc[i].page == APPENDED || !in_sample(&db->rels[acc[i].rel], acc[i].page, sampled))
            continue;
        ws_bufpool_prefetch(&db->bp, ws_page_id(acc[i].rel, acc[i].page));
        if (acc[i].modify && (!sampled || db->rels[acc[i].rel].k == 1) && !db->rels[acc[i].rel].ps.tail)
            __builtin_prefetch(&db->rels[acc[i].rel].ps.epoch[acc[i].page], 1);
    }
    if (now->n > 0)
        memcpy(now->acc, acc, (size_t)n * sizeof *acc);
}

void ws_db_prefetch(ws_db *db, int type, uint64_t seq)
{
    assert(type >= 0 && type < db->n_types);
    if (db->sample_k > 1)
        prefetch(db, type, seq, true);
    else
        prefetch(db, type, seq, false);
}

/* The pages of transaction seq: from the ring when they were kept there,
 * else drawn now. */
static SPECIALIZED int pages_of(ws_db *db, const ws_txtype *t, uint64_t seq, ws_acc *acc, bool sampled)
{
    pf_slot *s = &db->pf->slot[seq % PF_RING];
    if (s->seq != seq || s->n < 0)
        return draw(db, t, seq, acc, false, sampled);
    int n = s->n;
    memcpy(acc, s->acc, (size_t)n * sizeof *acc);
    s->n = -1;
    for (int i = 0; i < n; i++)
        if (acc[i].page == APPENDED)
            append_row(db, &acc[i], sampled);
    return n;
}

/* A change of a->page of r: of a logged relation, it goes into the WAL
 * record (returns true), with a full-page image when it is the page's
 * first change since the redo pointer; the image's compression CPU is the
 * inserting backend's. */
static SPECIALIZED bool log_change(ws_db *db, ws_rel *r, const ws_acc *a, uint32_t *fpi, uint64_t *fpi_stored,
                              uint64_t *fpi_raw, ws_time *cpu, bool sampled)
{
    if (!r->logged)
        return false;
    /* The first row on a page just added to the relation is logged with
     * XLOG_HEAP_INIT_PAGE and REGBUF_WILL_INIT, which implies NO_IMAGE
     * (heap_insert, heapam.c; xloginsert.h): redo rebuilds the page from
     * the record, so it gets no image, though the page counts as changed
     * since the redo pointer from now on. */
    bool image = needs_image(db, r, a->page, a->extend, sampled);
    if (image && !a->extend && db->full_page_writes) {
        (*fpi)++;
        *fpi_stored += r->fpi_stored + WS_FPI_RECORD_OVERHEAD;
        *fpi_raw += r->fpi_raw;
        *cpu += r->fpi_cpu;
        db->st.cpu_compress += r->fpi_cpu;
    }
    return true;
}

bool ws_db_log_change(ws_db *db, ws_rel *r, const ws_acc *a, uint32_t *fpi, uint64_t *fpi_stored,
                      uint64_t *fpi_raw, ws_time *cpu)
{
    return log_change(db, r, a, fpi, fpi_stored, fpi_raw, cpu, db->sample_k > 1);
}

/* ws_db_execute, compiled twice: `sampled` is a constant in each copy, so
 * an exact run (no relation sampled) does not ask page by page whether a
 * page is in the sample. */
static SPECIALIZED ws_time execute(ws_db *db, int type, uint64_t seq, uint64_t *commit_lsn, ws_time *cpu,
                              bool sampled)
{
    const ws_txtype *t = &db->types[type];
    ws_acc acc[MAX_ACCESSES];
    /* 1. Which pages. */
    int n_acc = pages_of(db, t, seq, acc, sampled);

    /* 2. Look them all up, with the cache misses of a large buffer pool
     * overlapped: map slots first, then the state and LSN of the buffers
     * found and the pages' image epochs. */
    for (int i = 0; i < n_acc; i++)
        if (in_sample(&db->rels[acc[i].rel], acc[i].page, sampled))
            ws_bufpool_prefetch(&db->bp, ws_page_id(acc[i].rel, acc[i].page));
    for (int i = 0; i < n_acc; i++) {
        if (!in_sample(&db->rels[acc[i].rel], acc[i].page, sampled)) {
            acc[i].buf = OUTSIDE;
            continue;
        }
        acc[i].buf = acc[i].extend ? -1 : ws_bufpool_lookup(&db->bp, ws_page_id(acc[i].rel, acc[i].page));
        if (acc[i].buf >= 0)
            __builtin_prefetch(&db->bp.state[acc[i].buf], 1);
        if (acc[i].modify) {
            if (acc[i].buf >= 0)
                __builtin_prefetch(&db->bp.lsn[acc[i].buf], 1);
            const ws_rel *r = &db->rels[acc[i].rel];
            if (!r->ps.tail)
                __builtin_prefetch(&r->ps.epoch[sampled ? acc[i].page / r->k : acc[i].page], 1);
        }
    }

    /* 3. Use them: hits, misses, images. */
    ws_time wait = 0;
    uint64_t reads0 = db->st.reads, writes0 = db->st.buffers_backend;
    uint32_t modified[MAX_ACCESSES];
    int n_mod = 0;
    uint32_t fpi = 0;
    uint64_t fpi_stored = 0, fpi_raw = 0;
    bool logged = false;
    uint32_t loaded[MAX_ACCESSES]; /* buffers this transaction loaded pages into */
    int n_loaded = 0;
    for (int i = 0; i < n_acc; i++) {
        ws_acc *a = &acc[i];
        ws_rel *r = &db->rels[a->rel];
        uint64_t id = ws_page_id(a->rel, a->page);
        uint32_t b;
        if (sampled && a->buf == OUTSIDE) {
            /* Outside the sample: drawn from it (sampling.c).  An
             * appended table's last page is in shared buffers. */
            if (r->access.kind == WS_ACCESS_APPEND && a->modify) {
                if (a->extend)
                    ws_db_proxy_access(db, r, a->page, true, &wait);
            } else {
                ws_db_proxy_access(db, r, a->page, false, &wait);
            }
            if (a->modify)
                logged |= log_change(db, r, a, &fpi, &fpi_stored, &fpi_raw, cpu, true);
            continue;
        }
        /* A buffer found in step 2 holds another page now if an earlier
         * access of this transaction took it as its victim. */
        bool reused = false;
        for (int k = 0; k < n_loaded && a->buf >= 0; k++)
            reused |= loaded[k] == (uint32_t)a->buf;
        if (a->buf >= 0 && !reused) {
            b = (uint32_t)a->buf;
            ws_bufpool_hit(&db->bp, b);
        } else {
            int64_t again = a->extend ? -1 : ws_bufpool_lookup(&db->bp, id);
            if (again >= 0) {
                b = (uint32_t)again;
                ws_bufpool_hit(&db->bp, b);
            } else {
                b = ws_db_load_page(db, a->rel, a->page, a->extend, &wait);
                loaded[n_loaded++] = b;
            }
        }
        for (int k = 0; k < a->pins; k++)
            ws_bufpool_hit(&db->bp, b);
        if (!a->modify)
            continue;
        logged |= log_change(db, r, a, &fpi, &fpi_stored, &fpi_raw, cpu, sampled);
        modified[n_mod++] = b;
        ws_bufpool_dirty(&db->bp, b, 0);
    }
    *cpu += ws_cpucost_tx(db, db->st.reads - reads0, db->st.buffers_backend - writes0, fpi,
                          logged ? t->wal_bytes + fpi_stored : 0);
    uint64_t lsn = 0;
    if (logged) {
        lsn = ws_wal_insert(&db->wal, t->wal_bytes + fpi_stored, fpi, fpi_stored, fpi_raw);
        wait += ws_wal_buffers_wait(&db->wal);
        for (int i = 0; i < n_mod; i++)
            if (ws_bufpool_flags(&db->bp, modified[i]) & WS_BUF_PERMANENT)
                ws_bufpool_dirty(&db->bp, modified[i], lsn);
    }
    *commit_lsn = lsn;
    return wait;
}

ws_time ws_db_execute(ws_db *db, int type, uint64_t seq, uint64_t *commit_lsn, ws_time *cpu)
{
    assert(type >= 0 && type < db->n_types);
    return db->sample_k > 1 ? execute(db, type, seq, commit_lsn, cpu, true)
                            : execute(db, type, seq, commit_lsn, cpu, false);
}

void ws_db_modify_pages(ws_db *db, int rel, int n, ws_time *wait, uint32_t *fpi,
                        uint64_t *fpi_stored, uint64_t *fpi_raw)
{
    ws_rel *r = &db->rels[rel];
    bool append = r->access.kind == WS_ACCESS_APPEND;
    for (int i = 0; i < n && (append || r->access.pages > 0); i++) {
        /* An appended-to relation (an index on a sequence) changes its last
         * page; a full one is followed by a new page, initialised by its WAL
         * record (no image).  Others change pages by their pattern. */
        uint64_t page;
        bool extend = false;
        if (append) {
            ws_acc a = {.rel = (uint16_t)rel};
            ws_db_append_row(db, &a);
            page = a.page;
            extend = a.extend;
        } else {
            page = ws_access_next(&r->access, &db->rng_pages);
        }
        int64_t hit = extend ? -1 : ws_bufpool_lookup(&db->bp, ws_page_id(rel, page));
        uint32_t b;
        if (hit >= 0) {
            b = (uint32_t)hit;
            ws_bufpool_hit(&db->bp, b);
        } else {
            b = ws_db_load_page(db, rel, page, extend, wait);
        }
        assert(r->k == 1); /* bulk loads are never sampled (sampling.c) */
        bool image = ws_pagestate_touch(&r->ps, page) && !extend;
        if (r->logged && image && db->full_page_writes) {
            (*fpi)++;
            *fpi_stored += r->fpi_stored + WS_FPI_RECORD_OVERHEAD;
            *fpi_raw += r->fpi_raw;
            *wait += r->fpi_cpu;
        }
        ws_bufpool_dirty(&db->bp, b, db->wal.insert);
    }
}

ws_time ws_db_write_new_page(ws_db *db, int rel, uint64_t page, ws_time at)
{
    ws_rel *r = &db->rels[rel];
    uint32_t file = file_of(db, r, page);
    mark_for_sync(db, file);
    db->st.buffers_backend++;
    ws_time pause = ws_pc_write(&db->pc, file, WS_PAGE, WS_PC_BACKENDS, at);
    ws_writeback_add(db, &db->backend_wb, file);
    return pause;
}

/* ---- log line prefix ---------------------------------------------------- */

/* Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

int64_t ws_start_epoch(const char *start_time)
{
    int Y = 2026, M = 1, D = 1, h = 0, mi = 0, s = 0;
    sscanf(start_time, "%d-%d-%d %d:%d:%d", &Y, &M, &D, &h, &mi, &s);
    return days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 + h * 3600 + mi * 60 + s;
}

void ws_db_log_prefix(const ws_db *db, ws_time t, int pid, char *buf, size_t len)
{
    int Y, M, D;
    int64_t base = ws_start_epoch(db->log_start);
    int64_t secs = base + t / WS_SEC;
    int ms = (int)(t % WS_SEC / WS_MSEC);
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    civil_from_days(days, &Y, &M, &D);
    char stamp[64], stamp_ms[64];
    snprintf(stamp, sizeof stamp, "%04d-%02d-%02d %02d:%02d:%02d UTC", Y, M, D, (int)(rem / 3600),
             (int)(rem % 3600 / 60), (int)(rem % 60));
    snprintf(stamp_ms, sizeof stamp_ms, "%04d-%02d-%02d %02d:%02d:%02d.%03d UTC", Y, M, D,
             (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60), ms);
    const char *fmt = ws_cfg_str(db->cfg, WS_S_log_line_prefix);
    size_t n = 0;
    for (const char *p = fmt; *p && n + 1 < len; p++) {
        if (*p != '%' || !p[1]) {
            buf[n++] = *p;
            continue;
        }
        char tmp[64] = "";
        switch (*++p) {
        case 'm': snprintf(tmp, sizeof tmp, "%s", stamp_ms); break;
        case 't': snprintf(tmp, sizeof tmp, "%s", stamp); break;
        case 'p': snprintf(tmp, sizeof tmp, "%d", pid); break;
        case 'n': snprintf(tmp, sizeof tmp, "%lld.%03d", (long long)secs, ms); break;
        case 'b': snprintf(tmp, sizeof tmp, "checkpointer"); break;
        case '%': snprintf(tmp, sizeof tmp, "%%"); break;
        case 'q':
            /* log_line_prefix's %q: "non-session processes stop at this
             * point in the string" (elog.c, log_line_prefix()); the
             * checkpointer is one. */
            buf[n] = '\0';
            return;
        default: break; /* user, database, ...: empty for a background process */
        }
        for (const char *q = tmp; *q && n + 1 < len; q++)
            buf[n++] = *q;
    }
    buf[n] = '\0';
}
