/*
 * memest.c - a variant's memory, estimated before its model is built
 * (memest.h).
 *
 * The sizes come from the types the model allocates (sizeof of the
 * buffer pool's arrays and the checkpointer's sort), so a change of those
 * types changes the estimate; the pgbench page counts repeat the rel_spec
 * table of db.c pgbench_profile.
 */
#include "walsim/memest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/bufpool.h"
#include "walsim/db.h"
#include "walsim/phases.h"
#include "walsim/timeline.h"
#include "walsim/units.h"
#include "walsim/window.h"

/* hist.c: ((MAX_EXP - MIN_EXP) << SUB_BITS) buckets of 8 bytes, and n,
 * sum, min, max. */
#define HIST_BYTES ((size_t)((17 + 24) << 6) * 8 + 32)
/* The engine, event queue, device, page cache, WAL and workload of a run
 * (measured: about 12 MB for the default scenario), with headroom. */
#define FIXED_BYTES ((uint64_t)32 << 20)

static uint64_t buffer_bytes(double shared_buffers)
{
    uint64_t n = (uint64_t)(shared_buffers / WS_PAGE);
    uint64_t slots = 1024;
    while (slots < 2 * n)
        slots *= 2;
    const ws_bufpool *bp = NULL;
    const ws_checkpointer *ck = NULL;
    /* page id, LSN, state, dirty bit; the checkpoint sort: its list and
     * the radix sort's second array, for every buffer at worst */
    uint64_t per = sizeof *bp->page + sizeof *bp->lsn + sizeof *bp->state + sizeof *ck->todo +
                   sizeof(uint64_t);
    return n * per + n / 8 + slots * sizeof *bp->map;
}

/* Power-of-two capacity from `first` up that holds n (the growth of
 * window.c, timeline.c and checkpointer.c). */
static double doubled(double n, double first)
{
    double cap = first;
    while (cap < n)
        cap *= 2;
    return cap;
}

/* What a run of `secs` seconds keeps besides the model (docs/charts.md,
 * "Long simulations"):
 *   - with warmup = auto, MSER-5's three series (window.c), one step a
 *     second in arrays grown by doubling from 1,024 up to
 *     WS_WIN_MAX_SERIES steps (longer steps after that), and one double a
 *     step more at the end (its latency series in mser_cut, run.c); with
 *     a set warm-up nothing (the backlog's slope is kept as sums);
 *   - the timeline and the checkpoint records: none of it grows.  `walsim
 *     run` streams both to temporary files (spool.h): at most
 *     WS_SPOOL_BLOCK + 1 of each are in memory, in a buffer of twice the
 *     block.  (ws_run_detailed with no spill folder, as `walsim validate`
 *     calls it, keeps all; its runs are as long as the measured input.)
 *     The checkpoint log goes to a temporary file too (cmd_run.c);
 *   - the window's chunks (WS_WIN_MAX_CHUNKS of four histograms each,
 *     however long the run) and the runner's own few histograms. */
#define CKPT_SPACING_S 10.0
#define RUNNER_HISTS 8

/* Bytes of a spool of n records of `size` in `walsim run` (spool.h). */
static double spool_bytes(double n, size_t size)
{
    return (n > WS_SPOOL_BLOCK ? 2 * WS_SPOOL_BLOCK : WS_SPOOL_BLOCK) * (double)size;
}

static uint64_t series_bytes(double secs, double interval, double ckpt_timeout, bool mser)
{
    double steps = fmin(ceil(secs), WS_WIN_MAX_SERIES);
    double per_second = mser ? (doubled(steps, 1024) * 3 + steps) * sizeof(double) : 0;

    double n_ckpt = ceil(secs / CKPT_SPACING_S);
    if (ckpt_timeout > 0 && ceil(secs / ckpt_timeout) > n_ckpt)
        n_ckpt = ceil(secs / ckpt_timeout);
    double ckpts = spool_bytes(n_ckpt, sizeof(ws_ckpt_record));

    double rows = interval > 0 ? ceil(secs / interval) : 0;
    double timeline = spool_bytes(rows, sizeof(ws_interval));

    double hists = ((double)WS_WIN_MAX_CHUNKS * 4 + RUNNER_HISTS) * HIST_BYTES;
    return (uint64_t)(per_second + ckpts + timeline + hists);
}

/* The most transactions a second a pgbench run can complete: the offered
 * load (rate, or clients over their think time, times the phases' largest
 * factor) and at most what the cores can run, each transaction taking
 * pgbench_cpu of one ([os] cpus x cpu_usable); 0 when neither bounds it
 * (a closed loop without think time or CPU cost). */
static double pgbench_tps_bound(const ws_config *c)
{
    double most = 1;
    ws_phase_point *pt = NULL;
    size_t n = 0;
    char msg[160];
    if (ws_phases_parse(ws_cfg_str(c, WS_S_phases), &pt, &n, msg, sizeof msg) == 0)
        for (size_t i = 0; i < n; i++)
            if (pt[i].factor > most)
                most = pt[i].factor;
    free(pt);
    double rate = ws_cfg_num(c, WS_S_rate), think = ws_cfg_num(c, WS_S_think_time) / 1e9;
    double offered = rate > 0 ? rate * most
                     : think > 0 ? (double)ws_cfg_int(c, WS_S_clients) * most / think
                                 : 0;
    double cpu = ws_cfg_num(c, WS_S_pgbench_cpu) / 1e9;
    double cores = (double)ws_cfg_int(c, WS_S_os_cpus) * ws_cfg_num(c, WS_S_os_cpu_usable);
    double by_cpu = cpu > 0 ? cores / cpu : 0;
    if (offered > 0 && by_cpu > 0)
        return offered < by_cpu ? offered : by_cpu;
    return offered > 0 ? offered : by_cpu;
}

/* Rows a page of [table i] holds (db.c custom_profile). */
static double rows_per_page(const ws_config *c, size_t i)
{
    double ff = ws_cfg_instance_value(c, WS_SEC_TABLE, i, WS_S_table_fillfactor)->num;
    double w = ws_cfg_instance_value(c, WS_SEC_TABLE, i, WS_S_table_row_width)->num;
    double per = floor((WS_PAGE - 24) * ff / 100.0 / (w + 28));
    return per < 1 ? 1 : per;
}

static void set_driver(ws_memest *m, const ws_value *v, const char *key)
{
    m->driver = v;
    snprintf(m->driver_key, sizeof m->driver_key, "%s", key);
}

void ws_memest_variant(const ws_config *c, ws_memest *m)
{
    memset(m, 0, sizeof *m);
    /* [scenario] sampling = R keeps about R of the pool and of the page
     * state (sampling.c); auto is counted as 1, an upper bound. */
    double r = ws_cfg_num(c, WS_S_sampling);
    double k = r > 0 ? round(1 / r) : 1;
    m->buffers = buffer_bytes(ws_cfg_num(c, WS_S_shared_buffers) / k);
    m->fixed = FIXED_BYTES;

    /* page state: 2 bytes a page (ws_pagestate's epoch) */
    const ws_value *ps_driver = NULL;
    char ps_key[96] = "";
    double pages = 0, initial = 0; /* initial: before any grows */
    /* tx_sampling < 1 or auto: a uniform table kept whole and no larger
     * than shared_buffers keeps the set of its pages that may not be
     * settled, for counting fluid accesses in bulk (fluid.c): two
     * uint32_t a page.  Counted for every table that fits (an upper
     * bound: only the uniform, logged ones keep it). */
    double nbuf = ws_cfg_num(c, WS_S_shared_buffers) / WS_PAGE;
    bool bulk = ws_cfg_num(c, WS_S_tx_sampling) != 1;
    double bulk_pages = 0;
    const ws_value *dv = ws_cfg_value(c, WS_S_duration);
    if (dv->num < 0)
        dv = ws_cfg_value(c, WS_S_max_duration);
    double secs = dv->num / 1e9;
    if (strcmp(ws_cfg_str(c, WS_S_profile), "pgbench") == 0) {
        double s = (double)ws_cfg_int(c, WS_S_scale);
        pages = ceil(1639.35 * s) + ceil(s / 20) + ceil(s / 2) + ceil(274.22 * s) + 1;
        const double rel[] = {ceil(1639.35 * s), ceil(s / 20), ceil(s / 2), ceil(274.22 * s)};
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++)
            bulk_pages += rel[i] <= nbuf ? rel[i] : 0;
        initial = pages;
        ps_driver = ws_cfg_value(c, WS_S_scale);
        snprintf(ps_key, sizeof ps_key, "scale");
        /* pgbench_history grows by a page every 157 transactions (db.c)
         * for as long as the run lasts, but it is changed only at its end:
         * its page state is in tail mode (pagestate.h), constant memory,
         * unless a [bulk] load may truncate it (then an array grown by
         * half, up to 1.5 times the pages resident: 19 million pages for
         * a week at 5,000 tps). */
        if (ws_cfg_instance_count(c, WS_SEC_BULK) > 0) {
            double hist = ceil(pgbench_tps_bound(c) * secs / 157) * 1.5;
            pages += hist;
            if (hist > pages - hist) {
                ps_driver = dv;
                snprintf(ps_key, sizeof ps_key, "%s",
                         dv == ws_cfg_value(c, WS_S_duration) ? "duration" : "max_duration");
            }
        }
    } else {
        double most = -1;
        for (size_t i = 0; i < ws_cfg_instance_count(c, WS_SEC_TABLE); i++) {
            const ws_value *rows = ws_cfg_instance_value(c, WS_SEC_TABLE, i, WS_S_table_rows);
            const ws_value *size = ws_cfg_instance_value(c, WS_SEC_TABLE, i, WS_S_table_size);
            bool by_rows = rows->origin != WS_ORIGIN_DEFAULT;
            double p = by_rows ? ceil(rows->num / rows_per_page(c, i)) : size->num / WS_PAGE;
            pages += p < 1 ? 1 : p;
            bulk_pages += p <= nbuf ? p : 0;
            if (p > most) {
                most = p;
                ps_driver = by_rows ? rows : size;
                snprintf(ps_key, sizeof ps_key, "table.%s.%s",
                         ws_cfg_instance_name(c, WS_SEC_TABLE, i), by_rows ? "rows" : "size");
            }
        }
        initial = pages;
        /* pages a [bulk] load appends to its table */
        for (size_t b = 0; b < ws_cfg_instance_count(c, WS_SEC_BULK); b++) {
            const ws_value *rows = ws_cfg_instance_value(c, WS_SEC_BULK, b, WS_S_bulk_rows);
            const char *table = ws_cfg_instance_value(c, WS_SEC_BULK, b, WS_S_bulk_table)->str;
            double per = 1;
            for (size_t i = 0; table && i < ws_cfg_instance_count(c, WS_SEC_TABLE); i++)
                if (strcmp(ws_cfg_instance_name(c, WS_SEC_TABLE, i), table) == 0) {
                    double rpp = ws_cfg_instance_value(c, WS_SEC_TABLE, i,
                                                       WS_S_table_rows_per_page)->num;
                    per = rpp > 0 ? rpp : rows_per_page(c, i);
                }
            double p = ceil(rows->num / per);
            pages += p;
            if (p > most) {
                most = p;
                ps_driver = rows;
                snprintf(ps_key, sizeof ps_key, "bulk.%s.rows",
                         ws_cfg_instance_name(c, WS_SEC_BULK, b));
            }
        }
    }
    /* the relations' own page lookup arrays (bufpool.h, db.c): an entry a
     * simulated page they start with, at most WS_BUFPOOL_DIRECT_PER_BUFFER
     * a buffer */
    double direct = fmin(initial, WS_BUFPOOL_DIRECT_PER_BUFFER * nbuf) / k * sizeof(uint32_t);
    m->page_state = (uint64_t)(pages * 2 / k + (bulk ? bulk_pages * 2 * sizeof(uint32_t) : 0) +
                               direct);

    /* series: what the run keeps that depends on its length */
    double interval = ws_cfg_num(c, WS_S_interval) / 1e9;
    m->series = series_bytes(secs, interval, ws_cfg_num(c, WS_S_checkpoint_timeout) / 1e9,
                             ws_cfg_num(c, WS_S_warmup) < 0);
    m->total = m->buffers + m->page_state + m->series + m->fixed;
    if (m->buffers >= m->page_state && m->buffers >= m->series)
        set_driver(m, ws_cfg_value(c, WS_S_shared_buffers), "shared_buffers");
    else if (m->page_state >= m->series && ps_driver)
        set_driver(m, ps_driver, ps_key);
    else
        set_driver(m, dv, dv == ws_cfg_value(c, WS_S_duration) ? "duration" : "max_duration");
}

int ws_memest_available(uint64_t *bytes, ws_diag *err)
{
    const char *env = getenv("WALSIM_MEMORY_LIMIT");
    if (env && *env) {
        double x;
        char msg[200];
        if (ws_unit_parse(env, WS_UC_MEMORY, 1, &x, msg, sizeof msg) != 0 || !(x > 0)) {
            char shown[84];
            ws_diag_set(err, NULL, 0,
                        "WALSIM_MEMORY_LIMIT: '%s' is not a memory size; expected a size above "
                        "0 with a unit (B, kB, MB, GB, TB), e.g. 512MB",
                        ws_diag_show(env, strlen(env), 80, shown, sizeof shown));
            return WS_EINPUT;
        }
        *bytes = (uint64_t)x;
        return 0;
    }
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return 1;
    char line[256];
    unsigned long long kb = 0;
    bool found = false;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
            found = true;
            break;
        }
    fclose(f);
    if (!found)
        return 1;
    *bytes = (uint64_t)kb * 1024;
    /* In a container, MemAvailable is the host's: a cgroup v2 limit
     * (memory.max, "max" when none) less what the group uses is the
     * memory walsim can have. */
    unsigned long long max = 0, cur = 0;
    f = fopen("/sys/fs/cgroup/memory.max", "r");
    if (f) {
        bool limited = fscanf(f, "%llu", &max) == 1;
        fclose(f);
        f = limited ? fopen("/sys/fs/cgroup/memory.current", "r") : NULL;
        if (f) {
            if (fscanf(f, "%llu", &cur) == 1 && max > cur && max - cur < *bytes)
                *bytes = max - cur;
            fclose(f);
        }
    }
    return 0;
}

/* "3.6GB", "512MB", "0B": rounded for people (PostgreSQL's units). */
static void size_text(uint64_t bytes, char *buf, size_t len)
{
    static const char *const unit[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    double x = (double)bytes;
    int u = 0;
    while (x >= 1024 && u < 5) {
        x /= 1024;
        u++;
    }
    if (u == 0 || x >= 100)
        snprintf(buf, len, "%.0f%s", x, unit[u]);
    else
        snprintf(buf, len, "%.1f%s", x, unit[u]);
}

int ws_memest_check(const ws_config *c, ws_diag *err)
{
    uint64_t avail;
    int rc = ws_memest_available(&avail, err);
    if (rc != 0)
        return rc < 0 ? rc : WS_OK;
    ws_memest m;
    ws_memest_variant(c, &m);
    if (m.total <= avail)
        return WS_OK;
    char t[32], a[32], b[32], p[32], s[32], val[96] = "";
    size_text(m.total, t, sizeof t);
    size_text(avail, a, sizeof a);
    size_text(m.buffers, b, sizeof b);
    size_text(m.page_state, p, sizeof p);
    size_text(m.series, s, sizeof s);
    if (m.driver && m.driver->text) {
        char shown[84];
        snprintf(val, sizeof val, "%s ",
                 ws_diag_show(m.driver->text, strlen(m.driver->text), 80, shown, sizeof shown));
    }
    ws_diag_set(err, m.driver ? m.driver->file : NULL, m.driver ? m.driver->line : 0,
                "%s: %sneeds about %s of memory to simulate variant %s (shared buffers %s, "
                "page state %s, series %s); expected at most the %s available (%s)",
                m.driver_key, val, t, ws_config_variant(c), b, p, s, a,
                getenv("WALSIM_MEMORY_LIMIT") && *getenv("WALSIM_MEMORY_LIMIT")
                    ? "WALSIM_MEMORY_LIMIT"
                    : "MemAvailable in /proc/meminfo; WALSIM_MEMORY_LIMIT overrides");
    return WS_EINPUT;
}
