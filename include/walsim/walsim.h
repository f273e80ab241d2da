/*
 * walsim.h - walsim's public API: simulate PostgreSQL WAL and checkpoint
 * I/O from a C program.
 *
 * This is the only header an embedding program includes, and the only one
 * installed (pkg-config --cflags --libs walsim).  The other headers under
 * include/walsim/ belong to the modules behind it and may change in any
 * release; the names declared here (all prefixed walsim_ / WALSIM_) keep
 * their meaning for a given SONAME (libwalsim.so.0).
 *
 * A session, as `walsim run FILE --set KEY=VALUE` does it:
 *
 *     walsim_error err;
 *     walsim_scenario *s;
 *     if (walsim_scenario_load_file("oltp.conf", &s, &err) != WALSIM_OK) {
 *         fprintf(stderr, "%s\n", err.msg);
 *         return 2;
 *     }
 *     walsim_scenario_set(s, "duration=10min", &err);  // as --set
 *     for (size_t v = 0; v < walsim_variant_count(s); v++) {
 *         walsim_result *r;
 *         if (walsim_run(s, v, NULL, NULL, &r, &err) != WALSIM_OK)
 *             break;
 *         printf("%s: %.0f tps, p99 %.1f ms\n", walsim_result_variant(r),
 *                walsim_result_get(r, WALSIM_TPS),
 *                walsim_result_get(r, WALSIM_P99_S) * 1e3);
 *         walsim_result_free(r);
 *     }
 *     walsim_scenario_free(s);
 *
 * Conventions.  Functions that can fail return WALSIM_OK (0) or a negative
 * WALSIM_E* code and, when given a walsim_error, fill it with one line for
 * the user in the form the command prints ("FILE:LINE: KEY: what was found,
 * what was expected").  Objects come from a _load / walsim_run function and
 * go back with the matching _free; _free(NULL) does nothing.  Strings
 * returned by the library belong to the object they came from and live as
 * long as it.  A result does not depend on its scenario: free them in any
 * order.
 *
 * Determinism and threads.  A run depends only on the scenario's settings,
 * seed included: same input, same figures.  Distinct scenarios and results
 * may be used from distinct threads at once; one object must not be used
 * by two threads at the same time.  A run holds its model in memory (about
 * a byte per simulated page and the page cache's state): large databases
 * need memory accordingly (`walsim lint` prints the estimate).
 *
 * The scenario format and every key are documented in
 * docs/scenario-format.md and by `walsim help keys`; the figures below are
 * those of summary.json (docs/outputs.md).
 */
#ifndef WALSIM_WALSIM_H
#define WALSIM_WALSIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ----------------------------------------------------------------------
 * Versions and errors
 */

/* The library's version, "MAJOR.MINOR.PATCH". */
const char *walsim_version(void);

/* The PostgreSQL major versions the model follows (pg_version's range). */
int walsim_pg_version_min(void);
int walsim_pg_version_max(void);

/* Status codes. */
enum {
    WALSIM_OK = 0,
    WALSIM_EINPUT = -1, /* bad input: a scenario, a setting, a variant's model */
    WALSIM_EIO = -2,    /* a file could not be read */
    WALSIM_ENOMEM = -3  /* out of memory */
};

/* A message for the user: one line, at most 1023 bytes, "" when none. */
typedef struct walsim_error {
    char msg[1024];
} walsim_error;

/* ----------------------------------------------------------------------
 * Scenarios
 *
 * A scenario is a parsed and checked scenario file: its settings, its
 * variants ([variant NAME] sections; one named "base" when it has none)
 * and the overrides added with walsim_scenario_set.
 */
typedef struct walsim_scenario walsim_scenario;

/* Reads and checks the scenario file `path` (every key of every variant).
 * Returns WALSIM_OK and *out (free with walsim_scenario_free), or
 * WALSIM_EINPUT / WALSIM_EIO / WALSIM_ENOMEM with the message in err
 * (err may be NULL). */
int walsim_scenario_load_file(const char *path, walsim_scenario **out, walsim_error *err);

/* The same for `len` bytes of scenario text in memory.  `name` stands for
 * the file in messages ("<string>" when NULL).  An `include` line in the
 * text is read relative to the current directory. */
int walsim_scenario_load_string(const char *text, size_t len, const char *name,
                                walsim_scenario **out, walsim_error *err);

/* The built-in default scenario (scenarios/checkpoint-smoothing.conf, what
 * `walsim run` without a file simulates). */
int walsim_scenario_load_default(walsim_scenario **out, walsim_error *err);

/* Overrides a setting in every variant, as the command's --set does:
 * `assignment` is "KEY=VALUE" with KEY a name (max_wal_size) or
 * SECTION.KEY (disk.preset, table.NAME.size).  Checked at once against
 * every variant: on error nothing changes. */
int walsim_scenario_set(walsim_scenario *s, const char *assignment, walsim_error *err);

/* The file name given to the load function. */
const char *walsim_scenario_file(const walsim_scenario *s);

/* The variants, in file order: count >= 1, names, and the index of a name
 * (-1 when there is no such variant). */
size_t walsim_variant_count(const walsim_scenario *s);
const char *walsim_variant_name(const walsim_scenario *s, size_t i);
int walsim_variant_index(const walsim_scenario *s, const char *name);

void walsim_scenario_free(walsim_scenario *s);

/* ----------------------------------------------------------------------
 * Runs and their figures
 */
typedef struct walsim_result walsim_result;

/* Called during a run, once per simulated second, with the fraction of
 * simulated time done, in [0, 1] (with duration = auto: the fraction of
 * max_duration; the run ends as soon as its window holds enough
 * checkpoint cycles).  It runs on the caller's thread, inside walsim_run. */
typedef void (*walsim_progress_fn)(void *ctx, double fraction);

/* Simulates variant `v` of s (0 <= v < walsim_variant_count(s)), as
 * `walsim run --variant NAME` does, without writing any file.  The model
 * is checked before it starts (a transaction naming a missing table, more
 * memory than the machine has).  `progress` may be NULL.  Returns
 * WALSIM_OK and *out (free with walsim_result_free), or an error code with
 * the message in err.  Takes as long as the simulation: seconds to minutes
 * for the scenarios of the library. */
int walsim_run(const walsim_scenario *s, size_t v, walsim_progress_fn progress, void *ctx,
               walsim_result **out, walsim_error *err);

/* The figures of a run.  Each covers the measurement window (after the
 * warm-up) unless said otherwise; times are in seconds, sizes in bytes.
 * New figures are only ever added before WALSIM__FIGURE_COUNT. */
typedef enum walsim_figure {
    WALSIM_TPS,                 /* completed transactions per second */
    WALSIM_TRANSACTIONS,        /* completed transactions */
    WALSIM_LAT_MEAN_S,          /* transaction latency: mean */
    WALSIM_P50_S,               /* ... median */
    WALSIM_P95_S,
    WALSIM_P99_S,
    WALSIM_P999_S,
    WALSIM_LAT_MAX_S,
    WALSIM_CHECKPOINTS_TIMED,   /* checkpoints started by checkpoint_timeout */
    WALSIM_CHECKPOINTS_REQUESTED, /* started by max_wal_size (or a request) */
    WALSIM_CHECKPOINT_WRITE_S,  /* mean duration of a checkpoint's write phase */
    WALSIM_CHECKPOINT_SYNC_S,   /* ... of its sync phase */
    WALSIM_WAL_BYTES,           /* WAL written */
    WALSIM_WAL_PER_TX,          /* WAL bytes per transaction */
    WALSIM_FPI_SHARE,           /* share of WAL bytes in full-page images, 0..1 */
    WALSIM_PG_WAL_PEAK_BYTES,   /* largest size of pg_wal */
    WALSIM_DEVICE_UTILIZATION,  /* share of time the device was busy, 0..1 */
    WALSIM_CPU_UTILIZATION,     /* CPU time used / (cores x time), 0..1 */
    WALSIM_WORST_RECOVERY_S,    /* crash recovery time at the worst moment */
    WALSIM_WINDOW_S,            /* length of the measurement window */
    WALSIM_SIMULATED_S,         /* simulated time, warm-up included */
    WALSIM__FIGURE_COUNT
} walsim_figure;

/* The value of figure f (NaN for an f out of range). */
double walsim_result_get(const walsim_result *r, walsim_figure f);

/* A short name for f, its enum name in lower case without the prefix
 * ("tps", "p99_s", "wal_per_tx", ...); NULL for an f out of range. */
const char *walsim_figure_name(walsim_figure f);

/* The variant's name, and its PostgreSQL major version. */
const char *walsim_result_variant(const walsim_result *r);
int walsim_result_pg_version(const walsim_result *r);

/* The run's warnings (an overloaded system, too few checkpoint cycles for
 * the figures to be trusted, ...), each a complete sentence. */
size_t walsim_result_warning_count(const walsim_result *r);
const char *walsim_result_warning(const walsim_result *r, size_t i);

void walsim_result_free(walsim_result *r);

#ifdef __cplusplus
}
#endif

#endif
