/*
 * scenario.h - a scenario: base settings, variants, expectations, events;
 * and its resolution into one typed configuration per variant.
 *
 *   ws_scenario_load_file()   read and check a scenario file (conf.h + settings.h)
 *   ws_scenario_set()         a --set KEY=VALUE override for every variant
 *   ws_config_resolve()       defaults for the variant's pg_version, then the
 *                             base file, then the variant, then --set
 *
 * Keys in [variant NAME] and --set are either plain names, looked up in
 * [postgres], [scenario], [workload], [os], [disk] (an ambiguous name is
 * an error that lists the qualified spellings), or qualified:
 * `disk.preset`, `postgres.shared_buffers`, `table.accounts.size`,
 * `transaction.tpcb.weight`.
 *
 * Every value remembers where it came from (default, FILE:LINE, variant,
 * command line), for `walsim lint`.
 */
#ifndef WALSIM_SCENARIO_H
#define WALSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "walsim/diag.h"
#include "walsim/settings.h"

typedef struct ws_scenario ws_scenario;
typedef struct ws_config ws_config;

typedef enum ws_origin {
    WS_ORIGIN_DEFAULT,   /* walsim's or PostgreSQL's default for the version */
    WS_ORIGIN_FILE,      /* base section of the scenario file (or an include) */
    WS_ORIGIN_VARIANT,   /* [variant NAME] */
    WS_ORIGIN_CMDLINE    /* --set */
} ws_origin;

typedef struct ws_value {
    double num;          /* number in base units; bool 0/1; enum index */
    const char *str;     /* strings; "on"/"off" for booleans */
    char word[24];       /* enums: the canonical value name ("lz4") */
    const char *text;    /* the value as written (NULL for defaults) */
    ws_origin origin;
    const char *file;    /* where it was set (NULL for defaults and --set) */
    int line;
    bool available;      /* false: not a setting of this PostgreSQL version */
} ws_value;

/* An [expect VARIANT] line or an [events] line, kept as text. */
typedef struct ws_raw_line {
    const char *variant; /* expect: the variant it applies to; events: NULL */
    const char *text;
    const char *file;
    int line;
} ws_raw_line;

/* A scenario event ([events] section): `checkpoint at 20min`,
 * `shutdown at 50min`, `crash at 45min`. */
typedef enum ws_event_kind { WS_EV_CHECKPOINT, WS_EV_CRASH, WS_EV_SHUTDOWN } ws_event_kind;
typedef struct ws_scenario_event {
    ws_event_kind kind;
    int64_t at_ns;
    const char *file;
    int line;
} ws_scenario_event;

/* Limits of a scenario.  A variant name becomes part of output file names
 * and CSV rows: 1 to WS_VARIANT_NAME_MAX bytes of A-Z a-z 0-9 _ . -, not
 * starting with . or -.  Each name has one [variant NAME] section (a
 * second one is an error at its header, not merged). */
#define WS_MAX_VARIANTS 1000
#define WS_VARIANT_NAME_MAX 63

/* Reads and checks `path`: syntax, every key and value of every variant
 * (each variant is resolved once).  Returns 0, or WS_EINPUT / WS_EIO with
 * the message in err. */
int ws_scenario_load_file(const char *path, ws_scenario **out, ws_diag *err);

/* Same for text in memory (the built-in default scenario); `name` is used
 * in messages. */
int ws_scenario_load_string(const char *text, size_t len, const char *name,
                            ws_scenario **out, ws_diag *err);

void ws_scenario_free(ws_scenario *s);

/* Adds a command-line override "KEY=VALUE" applied to every variant after
 * the file.  Checked at once against every variant. */
int ws_scenario_set(ws_scenario *s, const char *assignment, ws_diag *err);

/* The command line's n overrides, in order, checked once all are applied:
 * the result does not depend on their order (--set duration=2min
 * --set warmup=0 is as good as the reverse).  On failure nothing is
 * applied and *bad is the assignment to name: the one malformed, or the
 * first after which the settings no longer hold. */
int ws_scenario_set_all(ws_scenario *s, const char *const *sets, size_t n, size_t *bad,
                        ws_diag *err);

/* The scenario's file name as given ("<built-in>/checkpoint-smoothing.conf"). */
const char *ws_scenario_file(const ws_scenario *s);

size_t ws_scenario_variant_count(const ws_scenario *s);  /* >= 1 ("base" when none) */
const char *ws_scenario_variant_name(const ws_scenario *s, size_t i);
int ws_scenario_variant_index(const ws_scenario *s, const char *name); /* -1 if none */

size_t ws_scenario_expect_count(const ws_scenario *s);
const ws_raw_line *ws_scenario_expect(const ws_scenario *s, size_t i);
size_t ws_scenario_event_count(const ws_scenario *s);
const ws_scenario_event *ws_scenario_event_at(const ws_scenario *s, size_t i);

/* Notes collected while loading: settings accepted but not modelled
 * ("postgresql.conf:12: work_mem: PostgreSQL setting that walsim does not
 * model (ignored)"). */
size_t ws_scenario_note_count(const ws_scenario *s);
const char *ws_scenario_note(const ws_scenario *s, size_t i);

/* Resolves variant number `v`.  The config borrows strings from the
 * scenario: free it before the scenario.  Returns 0 and *out (free with
 * ws_config_free), or WS_EINPUT. */
int ws_config_resolve(const ws_scenario *s, size_t v, ws_config **out, ws_diag *err);
void ws_config_free(ws_config *c);

const char *ws_config_variant(const ws_config *c);
const ws_scenario *ws_config_scenario(const ws_config *c); /* the scenario it was resolved from */
int ws_config_pg_version(const ws_config *c);

/* Global (non-table) settings. */
const ws_value *ws_cfg_value(const ws_config *c, ws_setting_id id);
double ws_cfg_num(const ws_config *c, ws_setting_id id);
int64_t ws_cfg_int(const ws_config *c, ws_setting_id id);  /* rounded */
bool ws_cfg_bool(const ws_config *c, ws_setting_id id);
const char *ws_cfg_str(const ws_config *c, ws_setting_id id);

/* [table NAME] and [transaction NAME] instances, in file order. */
size_t ws_cfg_instance_count(const ws_config *c, ws_section sec);
const char *ws_cfg_instance_name(const ws_config *c, ws_section sec, size_t i);
const ws_value *ws_cfg_instance_value(const ws_config *c, ws_section sec, size_t i,
                                      ws_setting_id id);

/* Formats a value for display ("16GB", "5min", "on", "lz4", "'text'"). */
void ws_value_format(const ws_value *v, ws_setting_id id, char *buf, size_t len);

/* Where v came from, as `walsim lint` and summary.json's config show it:
 * "default" ("default (PostgreSQL 15)" for a PostgreSQL setting),
 * "FILE:LINE", "variant NAME (FILE:LINE)" or "--set". */
void ws_value_source(const ws_value *v, bool postgres, const char *variant, int pg_version,
                     char *buf, size_t len);

/* The built-in default scenario (scenarios/checkpoint-smoothing.conf,
 * embedded at build time). */
extern const char ws_default_scenario_text[];
extern const size_t ws_default_scenario_len;
extern const char ws_default_scenario_name[];

#endif
