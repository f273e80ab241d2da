/*
 * warm.c - the state of a server that has been up for weeks, at t = 0
 * (start = warm, the default; docs/experiments.md, "Warm start").
 *
 * Built from the scenario's own workload, not from a run:
 *
 * 1. Shared buffers hold what an LRU-like cache of NBuffers pages would
 *    hold under the workload's independent page accesses (Che's
 *    approximation, H. Che, Y. Tung, Z. Wang, IEEE JSAC 20(7), 2002):
 *    page p, accessed x_p times per transaction, is resident with
 *    probability 1 - exp(-x_p T), T solving sum_p (1 - exp(-x_p T)) =
 *    NBuffers.  usage_count is the expected accesses in T (1..5).  The
 *    clock sweep is not LRU; the difference decays within the first
 *    minutes and the measured window starts after it (MSER-5).
 * 2. The checkpoint cycle is at a random phase u in [0, 1): a checkpoint
 *    started u x C transactions ago, C the cycle in transactions (the
 *    sooner of checkpoint_timeout at the estimated rate and the WAL
 *    trigger, CheckPointSegments, solved from the WAL that n transactions
 *    write: records plus one image per page first changed).  Page p,
 *    changed m_p times per transaction, was changed since that redo
 *    pointer with probability 1 - exp(-m_p u C): its next change needs no
 *    image, and if resident it is dirty.  The checkpoint itself is taken
 *    as finished (its writes done); pg_wal holds the segments from that
 *    redo pointer on, recycled ones ahead as after a checkpoint with the
 *    cycle's distance as its estimate.
 * 3. The page cache is modelled as a hit probability (db.c), warm at
 *    every start.
 *
 * Draws come from the stream "warm" of the scenario seed: the same for
 * every variant (common random numbers).
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/db.h"
#include "walsim/pgrules.h"
#include "walsim/walkeep.h"

typedef struct rel_rate {
    double acc, mod;   /* accesses and changes per transaction */
    double zipf_norm;  /* zipf: sum of k^-s */
} rel_rate;

/* Probability that an access of relation r goes to rank k (0-based; for
 * zipf, the rank's page is scattered: see page_of). */
static double prob(const ws_rel *r, const rel_rate *rr, uint64_t k)
{
    const ws_access *a = &r->access;
    switch (a->kind) {
    case WS_ACCESS_UNIFORM:
        return 1.0 / (double)a->pages;
    case WS_ACCESS_HOTSET:
        if (a->hot_pages == a->pages)
            return 1.0 / (double)a->pages;
        return k < a->hot_pages ? a->hot_access / (double)a->hot_pages
                                : (1 - a->hot_access) / (double)(a->pages - a->hot_pages);
    case WS_ACCESS_ZIPF:
        return pow((double)(k + 1), -a->s) / rr->zipf_norm;
    case WS_ACCESS_APPEND:
        break;
    }
    return 0;
}

/* The page of rank k (access.c scatters zipf ranks the same way). */
static uint64_t page_of(const ws_access *a, uint64_t k)
{
    if (a->kind != WS_ACCESS_ZIPF || a->pages <= 1)
        return k;
    uint64_t m = 1;
    while (m < a->pages)
        m <<= 1;
    uint64_t x = k;
    do {
        x = (x * UINT64_C(0x9E3779B97F4A7C15) + UINT64_C(0x632BE59BD9B4E019)) & (m - 1);
    } while (x >= a->pages);
    return x;
}

/* The buffers in no order: a random permutation of 0 .. n - 1 (Fisher-
 * Yates), from its own stream of the seed so that the residency draws
 * stay those of stream "warm".  A server up for weeks has loaded each
 * page into whichever buffer the clock sweep freed when it was read, so
 * neighbouring pages sit in unrelated buffers; filled in page order
 * instead, the sweep's first passes would evict (and the backends write)
 * one file after another, a rhythm the page cache's writeback keeps for
 * many checkpoint cycles (docs/experiments.md, "Warm start").  NULL: out
 * of memory. */
static uint32_t *scattered_slots(uint32_t n, uint64_t seed)
{
    uint32_t *slot = malloc((size_t)n * sizeof *slot);
    ws_rng rng;
    if (!slot || ws_rng_init(&rng, seed, "warm-buffers") != 0) {
        free(slot);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++)
        slot[i] = i;
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = (uint32_t)ws_rng_below(&rng, i);
        uint32_t t = slot[i - 1];
        slot[i - 1] = slot[j];
        slot[j] = t;
    }
    ws_rng_destroy(&rng);
    return slot;
}

/* Sum over pages of 1 - exp(-rate_p * n), with rate = acc (mod: changes). */
static double expected_pages(const ws_db *db, const rel_rate *rr, double n, bool mod, bool logged_only)
{
    double sum = 0;
    for (int i = 0; i < db->n_rels; i++) {
        const ws_rel *r = &db->rels[i];
        double x = mod ? rr[i].mod : rr[i].acc;
        if (x <= 0 || r->access.kind == WS_ACCESS_APPEND || (logged_only && !r->logged))
            continue;
        const ws_access *a = &r->access;
        if (a->kind == WS_ACCESS_ZIPF) {
            for (uint64_t k = 0; k < a->pages; k++)
                sum += -expm1(-x * prob(r, &rr[i], k) * n);
        } else if (a->kind == WS_ACCESS_HOTSET && a->hot_pages < a->pages) {
            sum += (double)a->hot_pages * -expm1(-x * prob(r, &rr[i], 0) * n);
            sum += (double)(a->pages - a->hot_pages) * -expm1(-x * prob(r, &rr[i], a->pages - 1) * n);
        } else {
            sum += (double)a->pages * -expm1(-x / (double)a->pages * n);
        }
    }
    return sum;
}

/* The n in [lo, hi] (log-spaced bisection) where f rises to target. */
static double solve(const ws_db *db, const rel_rate *rr, double target, bool mod, double rec_bytes,
                    double img_bytes)
{
    double lo = 1e-3, hi = 1e15;
    for (int it = 0; it < 60; it++) {
        double mid = sqrt(lo * hi);
        double f = mod ? mid * rec_bytes + img_bytes * expected_pages(db, rr, mid, true, true)
                       : expected_pages(db, rr, mid, false, false);
        if (f < target)
            lo = mid;
        else
            hi = mid;
        if (hi / lo < 1.0001)
            break;
    }
    return sqrt(lo * hi);
}

int ws_warm_start(ws_db *db, double *phase_s, ws_diag *err)
{
    const ws_config *cfg = db->cfg;
    rel_rate rr[WS_MAX_RELS];
    memset(rr, 0, sizeof rr);
    double wsum = 0, rec_bytes = 0, cpu = 0;
    for (int t = 0; t < db->n_types; t++)
        wsum += db->types[t].weight;
    if (wsum <= 0 || db->n_types == 0) {
        *phase_s = 0;
        return WS_OK; /* no transactions: nothing to warm */
    }
    for (int t = 0; t < db->n_types; t++) {
        const ws_txtype *ty = &db->types[t];
        double w = ty->weight / wsum;
        rec_bytes += w * (double)ty->wal_bytes;
        cpu += w * (double)ty->cpu / 1e9;
        for (int k = 0; k < ty->n_touch; k++) {
            const ws_touch *to = &ty->touch[k];
            double pins = to->pins ? to->pins : 1;
            rr[to->rel].acc += w * to->count * pins;
            if (to->modify)
                rr[to->rel].mod += w * to->count;
        }
    }
    double img_bytes = 0, img_n = 0, pages_total = 0;
    for (int i = 0; i < db->n_rels; i++) {
        const ws_rel *r = &db->rels[i];
        if (r->access.kind == WS_ACCESS_ZIPF) {
            for (uint64_t k = 0; k < r->access.pages; k++)
                rr[i].zipf_norm += pow((double)(k + 1), -r->access.s);
        }
        if (r->access.kind != WS_ACCESS_APPEND && rr[i].acc > 0)
            pages_total += (double)r->access.pages;
        if (r->logged && rr[i].mod > 0) {
            img_bytes += rr[i].mod * (double)(r->fpi_stored + WS_FPI_RECORD_OVERHEAD);
            img_n += rr[i].mod;
        }
    }
    img_bytes = db->full_page_writes && img_n > 0 ? img_bytes / img_n : 0;

    /* 1. Residency: T in transactions. */
    /* Residency is solved for the full pool; under sampling the sampled
     * pages (1 in k of a sampled table) then fill the sampled pool alike. */
    double nbuf = (double)db->nbuf_full;
    bool all_fit = pages_total <= 0.97 * nbuf;
    double T = all_fit ? INFINITY : solve(db, rr, 0.97 * nbuf, false, 0, 0);

    /* 2. The cycle in transactions, and its phase. */
    double rate = ws_cfg_num(cfg, WS_S_rate);
    if (rate <= 0) {
        double cores = (double)ws_cfg_int(cfg, WS_S_os_cpus);
        double clients = (double)ws_cfg_int(cfg, WS_S_clients);
        double think = ws_cfg_num(cfg, WS_S_think_time) / 1e9;
        rate = cpu > 0 ? fmin(cores / cpu, clients / (think + cpu)) : clients / fmax(think, 1e-3);
    }
    double timeout_s = ws_cfg_num(cfg, WS_S_checkpoint_timeout) / 1e9;
    double c_time = rate * timeout_s;
    double trigger = (double)db->ck.ckpt_segments * (double)db->wal.seg;
    double c_wal = solve(db, rr, trigger, true, rec_bytes, img_bytes);
    double C = fmin(c_time, c_wal);
    ws_rng rng;
    if (ws_rng_init(&rng, (uint64_t)ws_cfg_int(cfg, WS_S_seed), "warm") != 0) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    double u = ws_rng_uniform(&rng);
    double na = u * C;
    double age_s = na / rate;
    *phase_s = age_s;
    if (!isfinite(T))
        T = C; /* everything fits: usage counts from the accesses of one cycle */

    /* WAL positions: the last checkpoint's redo pointer R, the previous
     * one a cycle's distance before it. */
    double w_cycle = C * rec_bytes + img_bytes * expected_pages(db, rr, C, true, true);
    double w_age = na * rec_bytes + img_bytes * expected_pages(db, rr, na, true, true);
    uint64_t seg = (uint64_t)db->wal.seg;
    uint64_t R = ((uint64_t)w_cycle / seg + 16) * seg;
    uint64_t insert = R + (uint64_t)w_age;
    ws_wal *w = &db->wal;
    w->insert = w->written = w->flushed = insert;

    /* 3. Pages: residency, usage counts, image epochs, dirty buffers. */
    ws_bufpool *bp = &db->bp;
    uint32_t *slot = scattered_slots(bp->n, (uint64_t)ws_cfg_int(cfg, WS_S_seed));
    if (!slot) {
        ws_rng_destroy(&rng);
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    uint32_t b = 0;
    for (int i = 0; i < db->n_rels; i++) {
        ws_rel *r = &db->rels[i];
        const ws_access *a = &r->access;
        if (a->kind == WS_ACCESS_APPEND || rr[i].acc <= 0)
            continue;
        for (uint64_t k = 0; k < a->pages; k += r->k) {
            double p = prob(r, &rr[i], k);
            uint64_t page = page_of(a, k);
            bool changed = false;
            if (rr[i].mod > 0) {
                double q = -expm1(-rr[i].mod * p * na);
                changed = ws_rng_uniform(&rng) < q;
                if (changed && r->logged)
                    r->ps.epoch[page / r->k] = r->ps.current;
            }
            double h = all_fit ? 1 : -expm1(-rr[i].acc * p * T);
            if (b >= bp->n || ws_rng_uniform(&rng) >= h)
                continue;
            uint32_t to = slot[b++];
            ws_bufpool_load(bp, to, ws_page_id(i, page), r->logged);
            double uses = rr[i].acc * p * T;
            unsigned usage = uses >= WS_BUF_MAX_USAGE ? WS_BUF_MAX_USAGE : uses < 1 ? 1 : (unsigned)uses;
            bp->state[to] = (uint8_t)((bp->state[to] & ~WS_BUF_USAGE_MASK) | usage);
            if (changed)
                ws_bufpool_dirty(bp, to, insert);
        }
    }
    free(slot);
    ws_rng_destroy(&rng);

    /* 4. The checkpointer: the last checkpoint started age_s ago at R and
     * has finished; the next timed one is due timeout - age_s from now. */
    ws_checkpointer *ck = &db->ck;
    ck->redo = R;
    ck->prev_redo = R - (uint64_t)w_cycle;
    ck->estimate = w_cycle;
    ck->completed_redo = R;
    ck->last_record_end = R;
    ck->last_start = -(ws_time)llround(age_s * 1e9);
    ws_sim_cancel(db->sim, ck->timer);
    ws_time next = ck->last_start + (ws_time)ws_cfg_num(cfg, WS_S_checkpoint_timeout);
    ck->timer = ws_sim_at(db->sim, next > 0 ? next : 0, ws_ckpt_timer_event, db, 0);

    /* pg_wal: from what the checkpoint at R kept (KeepLogSeg from the
     * insert position: wal_keep_size; walkeep.h) to its recycling
     * horizon.  Archiving and a slot start caught up. */
    int64_t cur = (int64_t)(insert / seg);
    w->oldest_seg = ws_walkeep_keep_seg((int64_t)(R / seg), insert, false, 0, -1,
                                        ws_cfg_int(cfg, WS_S_wal_keep_size), (int64_t)seg);
    int64_t horizon = ws_pg_recycle_horizon((int64_t)R, w_cycle,
                                            ws_cfg_num(cfg, WS_S_checkpoint_completion_target),
                                            ws_cfg_int(cfg, WS_S_min_wal_size),
                                            ws_cfg_int(cfg, WS_S_max_wal_size), (int64_t)seg);
    w->horizon_seg = horizon > cur ? horizon : cur;
    w->pg_wal_peak = ws_wal_pg_wal_bytes(w);
    ws_sample_recount(db);
    return WS_OK;
}
