/*
 * settings.h - the settings table: every key of every section, with its
 * type, unit, range and default (per PostgreSQL version for [postgres]).
 *
 * The table is an X-macro list (src/scenario/settings.def for walsim's own
 * keys, src/scenario/pg_settings.def for PostgreSQL's), so adding a key is
 * one line there; the enum of ids below, the lookup, range checks, lint
 * output and documentation all come from that list.
 *
 * Row formats:
 *
 *   WS_PG(name, type, bare, min, max, d13, d14, d15, d16, d17, flags, enums, help)
 *   WS_KEY(section, id, "name", type, bare, min, max, default, flags, enums, help)
 *
 *   name/id  C identifier; the setting's id is WS_S_<name> or WS_S_<id>
 *   type     WS_T_* below
 *   bare     unit of a bare number, a string the unit parser reads ("8kB",
 *            "MB", "s", "ms", "us", "B/s"); NULL for unitless types
 *   min/max  bounds as strings in the setting's own syntax ("30s", "1d",
 *            "-1", "0.0"), NULL for none
 *   dNN      PostgreSQL's default in version NN as a string, NULL when the
 *            setting does not exist in that version
 *   flags    WS_SF_* below, or'ed
 *   enums    WS_T_ENUM: allowed values separated by '|', in order; a value
 *            written "lz4@15" exists from PostgreSQL 15 on.  NULL otherwise.
 *   help     one line for lint and docs
 *
 * Values are stored in base units: bytes, nanoseconds, bytes/s, 1/s.
 */
#ifndef WALSIM_SETTINGS_H
#define WALSIM_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "walsim/units.h"

typedef enum ws_type {
    WS_T_BOOL,
    WS_T_INT,        /* unitless integer */
    WS_T_REAL,       /* unitless real */
    WS_T_ENUM,
    WS_T_STRING,
    WS_T_MEMORY,     /* bytes */
    WS_T_TIME,       /* nanoseconds */
    WS_T_BYTE_RATE,  /* bytes per second */
    WS_T_COUNT_RATE  /* per second */
} ws_type;

typedef enum ws_section {
    WS_SEC_SCENARIO,
    WS_SEC_WORKLOAD,
    WS_SEC_TABLE,
    WS_SEC_TRANSACTION,
    WS_SEC_POSTGRES,
    WS_SEC_OS,
    WS_SEC_DISK,
    WS_SEC_BULK,
    WS_SEC__COUNT
} ws_section;

/* Sections written [KIND NAME] that may appear many times, each NAME an
 * instance with its own values: table, transaction, bulk. */
static inline int ws_section_named(ws_section sec)
{
    return sec == WS_SEC_TABLE || sec == WS_SEC_TRANSACTION || sec == WS_SEC_BULK;
}

/* Flags of a row. */
#define WS_SF_INT 0x01           /* integer in units of `bare` (PostgreSQL's integer GUCs) */
#define WS_SF_BOOL_ALIASES 0x02  /* enum also accepts on/off/true/false/yes/no/1/0 */
#define WS_SF_RESTART 0x04       /* PostgreSQL context postmaster (server start) */
#define WS_SF_SIGHUP 0x08        /* PostgreSQL context sighup (reload) */
#define WS_SF_USER 0x10          /* user/superuser: settable per session */
#define WS_SF_INITDB 0x20        /* fixed at initdb (wal_segment_size, data_checksums) */
#define WS_SF_MINUS1_SPECIAL 0x40 /* -1 means "auto"/"unlimited", shown as -1 */
#define WS_SF_AUTO 0x80           /* the word "auto" is allowed: stored as -1, shown as auto */

typedef enum ws_setting_id {
#define WS_PG(name, type, bare, min, max, d13, d14, d15, d16, d17, flags, enums, help) WS_S_##name,
#define WS_KEY(section, id, name, type, bare, min, max, def, flags, enums, help) WS_S_##id,
#include "../../src/scenario/settings.def"
#undef WS_PG
#undef WS_KEY
    WS_S__COUNT
} ws_setting_id;

#define WS_PG_VERSION_MIN 13
#define WS_PG_VERSION_MAX 17

typedef struct ws_setting_desc {
    ws_section section;
    const char *name;
    ws_type type;
    const char *bare;
    const char *min, *max;
    const char *def[WS_PG_VERSION_MAX - WS_PG_VERSION_MIN + 1];
    unsigned flags;
    const char *enums;
    const char *help;
} ws_setting_desc;

const ws_setting_desc *ws_setting_desc_get(ws_setting_id id);

/* Finds a key in a section, case-insensitively.  Returns -1 if unknown. */
int ws_setting_lookup(ws_section sec, const char *name);

const char *ws_section_name(ws_section sec);
int ws_section_from_name(const char *name);  /* -1 if not a settings section */

/* ws_unit_class of a type (WS_UC_NONE for bool/int/real/enum/string). */
ws_unit_class ws_type_unit_class(ws_type t);
const char *ws_type_name(ws_type t);  /* "memory size", "duration", ... for messages */

/* Is `name` a PostgreSQL setting of some version 13-17 that walsim does
 * not model (accepted and reported as ignored)?  Fills first/last version. */
bool ws_pg_guc_known(const char *name, int *first_version, int *last_version);

/* The closest known name to `name` in `sec` (and, for [postgres], among all
 * PostgreSQL settings) by edit distance, or NULL if nothing is close. */
const char *ws_setting_suggest(ws_section sec, const char *name);

#endif
