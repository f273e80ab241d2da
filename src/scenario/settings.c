/*
 * settings.c - the settings table built from settings.def and
 * pg_settings.def, and lookups over it.
 *
 * Lookups are linear scans with strcasecmp.  The table has a few hundred
 * rows and lookups happen only while a scenario is read, so a hash table
 * would buy nothing measurable.
 */
#include "walsim/settings.h"

#include "walsim/diag.h"

#include <assert.h>
#include <string.h>
#include <strings.h>

static const ws_setting_desc table[WS_S__COUNT] = {
#define WS_PG(name, type, bare, min, max, d13, d14, d15, d16, d17, flags, enums, help) \
    {WS_SEC_POSTGRES, #name, type, bare, min, max, {d13, d14, d15, d16, d17}, flags, enums, help},
#define WS_KEY(section, id, name, type, bare, min, max, def, flags, enums, help) \
    {section, name, type, bare, min, max, {def, def, def, def, def}, flags, enums, help},
#include "settings.def"
#undef WS_PG
#undef WS_KEY
};

typedef struct guc_name {
    const char *name;
    int first, last;
} guc_name;

static const guc_name guc_names[] = {
#define WS_GUC(name, first, last) {#name, first, last},
#include "pg_guc_names.def"
#undef WS_GUC
};

static const char *const section_names[WS_SEC__COUNT] = {
    [WS_SEC_SCENARIO] = "scenario", [WS_SEC_WORKLOAD] = "workload",
    [WS_SEC_TABLE] = "table",       [WS_SEC_TRANSACTION] = "transaction",
    [WS_SEC_POSTGRES] = "postgres", [WS_SEC_OS] = "os",
    [WS_SEC_DISK] = "disk",         [WS_SEC_BULK] = "bulk",
};

const ws_setting_desc *ws_setting_desc_get(ws_setting_id id)
{
    assert(id >= 0 && id < WS_S__COUNT);
    return &table[id];
}

int ws_setting_lookup(ws_section sec, const char *name)
{
    for (int i = 0; i < WS_S__COUNT; i++)
        if (table[i].section == sec && strcasecmp(table[i].name, name) == 0)
            return i;
    return -1;
}

const char *ws_section_name(ws_section sec)
{
    assert(sec >= 0 && sec < WS_SEC__COUNT);
    return section_names[sec];
}

int ws_section_from_name(const char *name)
{
    for (int i = 0; i < WS_SEC__COUNT; i++)
        if (strcasecmp(section_names[i], name) == 0)
            return i;
    return -1;
}

ws_unit_class ws_type_unit_class(ws_type t)
{
    switch (t) {
    case WS_T_MEMORY: return WS_UC_MEMORY;
    case WS_T_TIME: return WS_UC_TIME;
    case WS_T_BYTE_RATE: return WS_UC_BYTE_RATE;
    case WS_T_COUNT_RATE: return WS_UC_COUNT_RATE;
    default: return WS_UC_NONE;
    }
}

const char *ws_type_name(ws_type t)
{
    switch (t) {
    case WS_T_BOOL: return "boolean";
    case WS_T_INT: return "integer";
    case WS_T_REAL: return "number";
    case WS_T_ENUM: return "one of";
    case WS_T_STRING: return "string";
    case WS_T_MEMORY: return "memory size";
    case WS_T_TIME: return "duration";
    case WS_T_BYTE_RATE: return "byte rate";
    case WS_T_COUNT_RATE: return "rate";
    }
    return "value";
}

bool ws_pg_guc_known(const char *name, int *first_version, int *last_version)
{
    for (size_t i = 0; i < sizeof guc_names / sizeof guc_names[0]; i++) {
        if (strcasecmp(guc_names[i].name, name) == 0) {
            if (first_version)
                *first_version = guc_names[i].first;
            if (last_version)
                *last_version = guc_names[i].last;
            return true;
        }
    }
    return false;
}

static void consider(const char *cand, const char *name, const char **best, int *best_d)
{
    /* The distance is at least the difference in length (names are cut
     * at 32 characters, as ws_edit_distance does): skip what cannot win. */
    size_t la = strlen(name), lb = strlen(cand);
    la = la > 32 ? 32 : la;
    lb = lb > 32 ? 32 : lb;
    if ((int)(la > lb ? la - lb : lb - la) >= *best_d)
        return;
    int d = ws_edit_distance(name, strlen(name), cand);
    if (d < *best_d) {
        *best_d = d;
        *best = cand;
    }
}

const char *ws_setting_suggest(ws_section sec, const char *name)
{
    const char *best = NULL;
    int best_d = 1 << 30;
    for (int i = 0; i < WS_S__COUNT; i++)
        if (table[i].section == sec)
            consider(table[i].name, name, &best, &best_d);
    if (sec == WS_SEC_POSTGRES)
        for (size_t i = 0; i < sizeof guc_names / sizeof guc_names[0]; i++)
            consider(guc_names[i].name, name, &best, &best_d);
    /* Close enough to be a typo: a third of the name, at least 2 edits. */
    int limit = (int)strlen(name) / 3;
    if (limit < 2)
        limit = 2;
    return best_d <= limit ? best : NULL;
}
