/*
 * bgwriter.c - the background writer: BgBufferSync (bufmgr.c) every
 * bgwriter_delay.
 *
 * It estimates how many buffers the next round's allocations will need
 * (smoothed_alloc, fast attack and slow decay, times
 * bgwriter_lru_multiplier), and how many clean reusable buffers already lie
 * between the clock hand and its own scan position (via smoothed_density,
 * buffers scanned per reusable one).  Then it scans ahead of the clock
 * hand, writing dirty buffers with usage_count 0, until it has found
 * enough reusable buffers, written bgwriter_lru_maxpages, or lapped the
 * hand.  It never scans less than the whole pool every two minutes.
 *
 * Simplification: when a round finds no allocations and nothing to lap it
 * hibernates for 50 x bgwriter_delay; the wake-up by the next allocation
 * is not modelled (it only matters for an idle server).
 */
#include <math.h>
#include <string.h>

#include "walsim/db.h"

#define SMOOTHING_SAMPLES 16
#define SCAN_WHOLE_POOL_MS 120000.0
#define HIBERNATE_FACTOR 50

static void on_round(ws_sim *sim, void *ctx, uint64_t arg);

void ws_bgwriter_init(ws_db *db)
{
    memset(&db->bg, 0, sizeof db->bg);
    db->bg.smoothed_density = 10.0;
    ws_writeback_init(&db->bg.wb, ws_cfg_num(db->cfg, WS_S_bgwriter_flush_after), WS_IO_BGWRITER);
    ws_sim_after(db->sim, (ws_time)ws_cfg_num(db->cfg, WS_S_bgwriter_delay), on_round, db, 0);
}

/* Returns true when the bgwriter may hibernate; *busy gets how long its
 * writes were paused by dirty throttling. */
static bool bg_buffer_sync(ws_db *db, ws_time *busy)
{
    ws_time now = ws_sim_now(db->sim), local = now;
    ws_bgwriter *bg = &db->bg;
    ws_bufpool *bp = &db->bp;
    const int64_t N = bp->n;
    uint32_t strategy_buf_id = bp->hand;
    uint64_t strategy_passes = bp->passes;
    double recent_alloc = (double)(bp->allocs - bg->prev_allocs);
    bg->prev_allocs = bp->allocs;
    if (db->sample_k > 1) {
        /* Under sampling the sampled pool's few allocations per round are
         * a noisy count, and the fast-attack average below would follow
         * their peaks: take the full system's allocations (every miss,
         * sampled or not) over k instead - the same mean, the full
         * system's noise. */
        recent_alloc = (double)(db->st.buffers_alloc - bg->prev_full_allocs) / db->sample_k;
        bg->prev_full_allocs = db->st.buffers_alloc;
    }

    int64_t maxpages = ws_cfg_int(db->cfg, WS_S_bgwriter_lru_maxpages);
    if (maxpages <= 0) {
        bg->saved_info_valid = false;
        return true;
    }

    int64_t strategy_delta = 0, bufs_to_lap;
    if (bg->saved_info_valid) {
        int64_t passes_delta = (int64_t)(strategy_passes - bg->prev_strategy_passes);
        strategy_delta = (int64_t)strategy_buf_id - (int64_t)bg->prev_strategy_hand + passes_delta * N;
        if ((int64_t)(bg->next_passes - strategy_passes) > 0) {
            bufs_to_lap = (int64_t)strategy_buf_id - (int64_t)bg->next_to_clean; /* a pass ahead */
        } else if (bg->next_passes == strategy_passes && bg->next_to_clean >= strategy_buf_id) {
            bufs_to_lap = N - ((int64_t)bg->next_to_clean - (int64_t)strategy_buf_id);
        } else { /* behind the hand: jump to it */
            bg->next_to_clean = strategy_buf_id;
            bg->next_passes = strategy_passes;
            bufs_to_lap = N;
        }
    } else {
        bg->next_to_clean = strategy_buf_id;
        bg->next_passes = strategy_passes;
        bufs_to_lap = N;
    }
    bg->prev_strategy_hand = strategy_buf_id;
    bg->prev_strategy_passes = strategy_passes;
    bg->saved_info_valid = true;

    if (strategy_delta > 0 && recent_alloc > 0) {
        double scans_per_alloc = (double)strategy_delta / recent_alloc;
        bg->smoothed_density += (scans_per_alloc - bg->smoothed_density) / SMOOTHING_SAMPLES;
    }
    int64_t bufs_ahead = N - bufs_to_lap;
    int64_t reusable_est = (int64_t)((double)bufs_ahead / bg->smoothed_density);

    if (recent_alloc >= bg->smoothed_alloc)
        bg->smoothed_alloc = recent_alloc;
    else
        bg->smoothed_alloc += (recent_alloc - bg->smoothed_alloc) / SMOOTHING_SAMPLES;
    int64_t upcoming = (int64_t)(bg->smoothed_alloc * ws_cfg_num(db->cfg, WS_S_bgwriter_lru_multiplier));
    if (upcoming == 0)
        bg->smoothed_alloc = 0;
    double delay_ms = ws_cfg_num(db->cfg, WS_S_bgwriter_delay) / 1e6;
    int64_t min_scan = (int64_t)((double)N / (SCAN_WHOLE_POOL_MS / delay_ms));
    if (upcoming < min_scan + reusable_est)
        upcoming = min_scan + reusable_est;

    int64_t num_to_scan = bufs_to_lap, written = 0, reusable = reusable_est;
    int64_t budget = maxpages + bg->carry;
    while (num_to_scan > 0 && reusable < upcoming) {
        uint32_t b = bg->next_to_clean;
        uint8_t st = bp->state[b];
        bool candidate = ws_bufpool_usage_now(bp, b) == 0; /* unused, or an empty buffer */
        bool wrote = false;
        uint32_t w = 1;
        if (candidate && (st & WS_BUF_DIRTY)) {
            /* A sampled buffer stands for k pages (sampling.c); the
             * lru_maxpages budget counts pages. */
            w = ws_db_weight(db, bp->page[b]);
            if (written + w > budget) {
                db->st.maxwritten_clean++;
                break;
            }
            uint32_t file;
            if (w > 1) {
                /* the other pages it stands for are owed (below) */
                bg->owed_page = bp->page[b];
                bg->owed += w - 1;
            }
            local += ws_db_write_buffer(db, b, WS_PC_BGWRITER, local, &file);
            wrote = true;
            ws_writeback_add(db, &bg->wb, file);
        }
        if (++bg->next_to_clean >= bp->n) {
            bg->next_to_clean = 0;
            bg->next_passes++;
        }
        num_to_scan--;
        if (wrote) {
            reusable++;
            written += w;
            if (written >= budget) {
                db->st.maxwritten_clean++;
                break;
            }
        } else if (candidate) {
            reusable++;
        }
    }
    if (db->sample_k > 1) {
        /* Under sampling, the pages the sampled buffers written stand for
         * are paid at the pace the bgwriter writes pages, not at once (k
         * pages in one round would be a burst the full system's bgwriter
         * never makes): random pages of the last one's table (stand-in
         * files), as the full system's bgwriter finds them. */
        bg->pace += ((double)written - bg->pace) / SMOOTHING_SAMPLES;
        uint64_t pay = (uint64_t)ceil(bg->pace);
        if (pay > bg->owed)
            pay = bg->owed;
        for (uint64_t x = 0; x < pay; x++) {
            local += ws_db_write_stand_in(db, ws_db_stand_in_file(db, bg->owed_page), &bg->wb,
                                          WS_PC_BGWRITER, local);
        }
        bg->owed -= pay;
    }
    ws_writeback_issue(db, &bg->wb);
    db->st.buffers_clean += (uint64_t)written;
    /* Under sampling a round may not afford one sampled buffer (k pages
     * over lru_maxpages): the unused budget carries over, up to k - 1. */
    bg->carry = db->sample_k > 1 ? budget - written : 0;
    if (bg->carry > (int64_t)db->sample_k - 1)
        bg->carry = (int64_t)db->sample_k - 1;

    int64_t new_delta = bufs_to_lap - num_to_scan, new_alloc = reusable - reusable_est;
    if (new_delta > 0 && new_alloc > 0) {
        double scans_per_alloc = (double)new_delta / (double)new_alloc;
        bg->smoothed_density += (scans_per_alloc - bg->smoothed_density) / SMOOTHING_SAMPLES;
    }
    *busy = local - now;
    return bufs_to_lap == 0 && recent_alloc == 0;
}

static void on_round(ws_sim *sim, void *ctx, uint64_t idle_rounds)
{
    ws_db *db = ctx;
    ws_time delay = (ws_time)ws_cfg_num(db->cfg, WS_S_bgwriter_delay);
    ws_time busy = 0;
    bool can_hibernate = bg_buffer_sync(db, &busy);
    idle_rounds = can_hibernate ? idle_rounds + 1 : 0;
    ws_sim_after(sim, busy + (idle_rounds >= 2 ? delay * HIBERNATE_FACTOR : delay), on_round, db,
                 idle_rounds);
}
