/*
 * scenario.c - from the items of a scenario file to one checked, typed
 * configuration per variant.
 *
 * Loading keeps every assignment (key = value, where it was written, which
 * variant it belongs to) instead of values: a value can only be checked
 * once the variant's pg_version is known, because PostgreSQL's defaults,
 * enum values and even the existence of a setting depend on it.  Loading
 * therefore resolves every variant once, so any error in any variant is
 * reported before anything runs.
 *
 * Precedence, lowest first: default for the version, base sections in file
 * order (the last occurrence wins, as in postgresql.conf), the variant's
 * section, --set overrides in command-line order.
 *
 * A ws_config borrows strings from its ws_scenario: free configs first.
 */
#include "walsim/scenario.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "walsim/conf.h"
#include "walsim/rules.h"
#include "walsim/units.h"

enum { SCOPE_BASE, SCOPE_VARIANT, SCOPE_CMDLINE };

/* One `key = value` as written, bound to a setting. */
typedef struct assign {
    int scope;
    int variant;       /* SCOPE_VARIANT: variant index */
    int id;            /* setting id; -1 for an accepted-but-ignored PostgreSQL setting */
    int instance;      /* table/transaction instance, or -1 */
    const char *key;   /* as written (for messages) */
    const char *value;
    const char *file;
    int line;
} assign;

/* A list of strings with a hash index (open addressing, linear probing;
 * slot holds index + 1, 0 is empty), so that finding a name is O(1):
 * loading stays linear in the number of variants, tables and notes. */
typedef struct strvec {
    char **v;
    size_t n, cap;
    uint32_t *slot;
    size_t n_slot;   /* a power of two, at least 2 * n */
} strvec;

/* Indexes of assignments (into ws_scenario.assigns). */
typedef struct idxvec {
    size_t *v;
    size_t n, cap;
} idxvec;

struct ws_scenario {
    ws_conf *conf;
    char *file;
    strvec owned;      /* strings this scenario allocated (freed with it) */
    assign *assigns;
    size_t n_assigns, cap_assigns;
    strvec variants;   /* borrowed names */
    const char **variant_file; /* where each [variant NAME] header is (NULL for "base") */
    int *variant_line;
    idxvec by_scope[2];       /* assignments of SCOPE_BASE and SCOPE_CMDLINE, in order */
    size_t *variant_first;    /* variant v's assignments: variant_idx[variant_first[v] ..
                                 variant_first[v + 1]) */
    size_t *variant_idx;
    strvec instances[WS_SEC__COUNT];
    ws_raw_line *expects;
    size_t n_expects, cap_expects;
    ws_scenario_event *events;
    size_t n_events, cap_events;
    strvec notes;      /* owned */
};

struct ws_config {
    const ws_scenario *scenario;
    const char *variant;
    int pg_version;
    ws_value vals[WS_S__COUNT];
    size_t n_inst[WS_SEC__COUNT];
    const char *const *inst_names[WS_SEC__COUNT];
    ws_value *inst_vals[WS_SEC__COUNT]; /* n_inst rows of WS_S__COUNT values */
};

/* ------------------------------------------------------------------------
 * Small containers. Allocation failure of these few bytes is treated as
 * fatal: a message and exit(3), as for any internal error. */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("walsim: out of memory\n", stderr);
        exit(3);
    }
    return q;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = xrealloc(NULL, n);
    memcpy(d, s, n);
    return d;
}

static size_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)(h ^ (h >> 29));
}

static void strvec_index(strvec *v, size_t i)
{
    size_t m = v->n_slot - 1, k = hash_str(v->v[i]) & m;
    while (v->slot[k])
        k = (k + 1) & m;
    v->slot[k] = (uint32_t)(i + 1);
}

static void strvec_push(strvec *v, char *s)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 8;
        v->v = xrealloc(v->v, v->cap * sizeof *v->v);
    }
    v->v[v->n++] = s;
    if (2 * v->n > v->n_slot) {
        free(v->slot);
        v->n_slot = v->n_slot ? 2 * v->n_slot : 16;
        v->slot = xrealloc(NULL, v->n_slot * sizeof *v->slot);
        memset(v->slot, 0, v->n_slot * sizeof *v->slot);
        for (size_t i = 0; i < v->n; i++)
            strvec_index(v, i);
    } else
        strvec_index(v, v->n - 1);
}

static int strvec_find(const strvec *v, const char *s)
{
    if (!v->n_slot)
        return -1;
    size_t m = v->n_slot - 1, k = hash_str(s) & m;
    int found = -1;
    /* the first of equal strings: the lowest index */
    for (; v->slot[k]; k = (k + 1) & m)
        if (strcmp(v->v[v->slot[k] - 1], s) == 0 &&
            (found < 0 || v->slot[k] - 1 < (uint32_t)found))
            found = (int)(v->slot[k] - 1);
    return found;
}

/* Frees the list; the strings too when `owned`. */
static void strvec_free(strvec *v, bool owned)
{
    for (size_t i = 0; owned && i < v->n; i++)
        free(v->v[i]);
    free(v->v);
    free(v->slot);
    memset(v, 0, sizeof *v);
}

static void strvec_free_all(strvec *v) { strvec_free(v, true); }

static void idxvec_push(idxvec *v, size_t i)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 64;
        v->v = xrealloc(v->v, v->cap * sizeof *v->v);
    }
    v->v[v->n++] = i;
}

static char *own(ws_scenario *s, const char *str)
{
    char *d = xstrdup(str);
    strvec_push(&s->owned, d);
    return d;
}

static void add_note(ws_scenario *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(ws_scenario *s, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (strvec_find(&s->notes, buf) < 0)
        strvec_push(&s->notes, xstrdup(buf));
}

/* ------------------------------------------------------------------------
 * Values: parsing and checking one value of one setting. */

static int version_index(int pg_version)
{
    assert(pg_version >= WS_PG_VERSION_MIN && pg_version <= WS_PG_VERSION_MAX);
    return pg_version - WS_PG_VERSION_MIN;
}

/* Describes the versions a setting exists in: "16-17", "15". */
static void version_span(const ws_setting_desc *d, char *buf, size_t len)
{
    int first = 0, last = 0;
    for (int v = WS_PG_VERSION_MIN; v <= WS_PG_VERSION_MAX; v++)
        if (d->def[version_index(v)]) {
            if (!first)
                first = v;
            last = v;
        }
    if (first == last)
        snprintf(buf, len, "%d", first);
    else
        snprintf(buf, len, "%d-%d", first, last);
}

/* Iterates the enum values of `d` available in pg_version: calls back with
 * (name, name length, index among all values, first version). */
typedef struct enum_val {
    const char *name;
    size_t len;
    int index;
    int since;
} enum_val;

static size_t enum_values(const ws_setting_desc *d, enum_val *out, size_t max)
{
    size_t n = 0;
    const char *p = d->enums;
    int index = 0;
    while (p && *p && n < max) {
        const char *end = strchr(p, '|');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *at = memchr(p, '@', len);
        out[n].name = p;
        out[n].len = at ? (size_t)(at - p) : len;
        out[n].since = at ? atoi(at + 1) : 0;
        out[n].index = index++;
        n++;
        p = end ? end + 1 : p + len;
    }
    return n;
}

static const char *canonical_enum_name(const ws_setting_desc *d, int index, char *buf, size_t len)
{
    enum_val ev[32];
    size_t n = enum_values(d, ev, 32);
    for (size_t i = 0; i < n; i++)
        if (ev[i].index == index) {
            snprintf(buf, len, "%.*s", (int)ev[i].len, ev[i].name);
            return buf;
        }
    return "?";
}

static double bare_unit(const ws_setting_desc *d)
{
    double b = 1;
    if (d->bare) {
        /* "8kB" parses as is; "MB" as "1MB", "/s" as "1/s" */
        char text[32], err[128];
        snprintf(text, sizeof text, "%s%s", isdigit((unsigned char)d->bare[0]) ? "" : "1", d->bare);
        int rc = ws_unit_parse(text, ws_type_unit_class(d->type), 1, &b, err, sizeof err);
        assert(rc == 0 && b > 0);
        (void)rc;
    }
    return b;
}

/* "a memory size (B, kB, MB, GB, TB; a bare number means 8kB) between 128kB and 8589934584kB" */
static void describe_expected(const ws_setting_desc *d, int pg_version, char *buf, size_t len)
{
    char range[160] = "";
    if (d->min && d->max)
        snprintf(range, sizeof range, " between %s and %s", d->min, d->max);
    else if (d->min)
        snprintf(range, sizeof range, " of at least %s", d->min);
    else if (d->max)
        snprintf(range, sizeof range, " of at most %s", d->max);

    switch (d->type) {
    case WS_T_BOOL:
        snprintf(buf, len, "a boolean (on, off, true, false, yes, no, 1, 0)");
        break;
    case WS_T_INT:
        snprintf(buf, len, "an integer%s", range);
        break;
    case WS_T_REAL:
        snprintf(buf, len, "a number%s%s", range, (d->flags & WS_SF_AUTO) ? ", or auto" : "");
        break;
    case WS_T_STRING:
        snprintf(buf, len, "a string");
        break;
    case WS_T_ENUM: {
        enum_val ev[32];
        size_t n = enum_values(d, ev, 32), used = 0;
        used += (size_t)snprintf(buf, len, "one of: ");
        int first = 1;
        for (size_t i = 0; i < n && used < len; i++) {
            if (ev[i].since > pg_version)
                continue;
            used += (size_t)snprintf(buf + used, len - used, "%s%.*s", first ? "" : ", ",
                                     (int)ev[i].len, ev[i].name);
            first = 0;
        }
        break;
    }
    default: {
        const char *bare = d->bare ? d->bare : "";
        snprintf(buf, len, "a %s (%s; a bare number means %s)%s%s", ws_type_name(d->type),
                 ws_unit_names(ws_type_unit_class(d->type)), bare, range,
                 (d->flags & WS_SF_AUTO) ? ", or auto" : "");
        break;
    }
    }
}

/* Parses `text` for setting `d` under pg_version.  On success fills
 * v->num / v->str and returns 0; otherwise writes "KEY: message" into msg. */
static int parse_value(const ws_setting_desc *d, int pg_version, const char *key,
                       const char *text, ws_value *v, char *msg, size_t msglen)
{
    char expected[400], err[256];
    describe_expected(d, pg_version, expected, sizeof expected);
    v->str = NULL;

    switch (d->type) {
    case WS_T_BOOL: {
        bool b;
        if (ws_parse_bool(text, &b) != 0) {
            snprintf(msg, msglen, "%s: '%s' is not a boolean; expected %s", key, text, expected);
            return -1;
        }
        v->num = b;
        v->str = b ? "on" : "off";
        return 0;
    }
    case WS_T_STRING:
        v->num = 0;
        v->str = text;
        return 0;
    case WS_T_ENUM: {
        enum_val ev[32];
        size_t n = enum_values(d, ev, 32);
        const char *want = text;
        bool b;
        if ((d->flags & WS_SF_BOOL_ALIASES) && ws_parse_bool(text, &b) == 0)
            want = b ? "on" : "off";
        for (size_t i = 0; i < n; i++) {
            if (strlen(want) == ev[i].len && strncasecmp(want, ev[i].name, ev[i].len) == 0) {
                if (ev[i].since > pg_version) {
                    snprintf(msg, msglen,
                             "%s: %s needs PostgreSQL %d or later (pg_version is %d); expected %s",
                             key, text, ev[i].since, pg_version, expected);
                    return -1;
                }
                v->num = ev[i].index;
                v->str = NULL; /* canonical name filled by the caller from the table */
                return 0;
            }
        }
        snprintf(msg, msglen, "%s: '%s' is not a valid value; expected %s", key, text, expected);
        return -1;
    }
    default:
        break;
    }

    if ((d->flags & WS_SF_AUTO) && strcasecmp(text, "auto") == 0) {
        v->num = -1;
        return 0;
    }

    /* Numbers, with or without units. */
    ws_unit_class uc = ws_type_unit_class(d->type);
    double bare = bare_unit(d), x;
    if (ws_unit_parse(text, uc, bare, &x, err, sizeof err) != 0) {
        snprintf(msg, msglen, "%s: %s; expected %s", key, err, expected);
        return -1;
    }
    if ((d->flags & WS_SF_MINUS1_SPECIAL) && x == -bare) {
        v->num = x;
        return 0;
    }
    if (d->type == WS_T_INT || (d->flags & WS_SF_INT)) {
        double units = rint(x / bare);
        if (fabs(units) > 9007199254740992.0) {
            snprintf(msg, msglen, "%s: %s is out of range; expected %s", key, text, expected);
            return -1;
        }
        x = units * bare;
    }
    double lo, hi;
    if (d->min && ws_unit_parse(d->min, uc, bare, &lo, err, sizeof err) == 0 && x < lo) {
        snprintf(msg, msglen, "%s: %s is below the minimum %s", key, text, d->min);
        return -1;
    }
    if (d->max && ws_unit_parse(d->max, uc, bare, &hi, err, sizeof err) == 0 && x > hi) {
        snprintf(msg, msglen, "%s: %s is above the maximum %s", key, text, d->max);
        return -1;
    }
    v->num = x;
    return 0;
}

/* Sets *v from text, or fails with "FILE:LINE: KEY: ..." in err. */
static int set_value(ws_value *v, int id, int pg_version, const char *key, const char *text,
                     ws_origin origin, const char *file, int line, ws_diag *err)
{
    const ws_setting_desc *d = ws_setting_desc_get((ws_setting_id)id);
    char msg[900];
    if (!v->available) {
        char span[16];
        version_span(d, span, sizeof span);
        ws_diag_set(err, file, line, "%s: not a setting of PostgreSQL %d (it exists in %s)", key,
                    pg_version, span);
        return WS_EINPUT;
    }
    ws_value nv = *v;
    if (parse_value(d, pg_version, key, text, &nv, msg, sizeof msg) != 0) {
        ws_diag_set(err, file, line, "%s", msg);
        return WS_EINPUT;
    }
    if (d->type == WS_T_ENUM)
        canonical_enum_name(d, (int)nv.num, nv.word, sizeof nv.word);
    nv.text = text;
    nv.origin = origin;
    nv.file = file;
    nv.line = line;
    *v = nv;
    return WS_OK;
}

static void set_default(ws_value *v, int id, int pg_version)
{
    const ws_setting_desc *d = ws_setting_desc_get((ws_setting_id)id);
    const char *def = d->def[version_index(pg_version)];
    memset(v, 0, sizeof *v);
    v->origin = WS_ORIGIN_DEFAULT;
    if (!def) {
        v->available = false;
        return;
    }
    v->available = true;
    char msg[900];
    int rc = parse_value(d, pg_version, d->name, def, v, msg, sizeof msg);
    if (rc != 0) {
        /* The table is wrong: a programmer error, caught by test_settings. */
        fprintf(stderr, "walsim: internal error: default of %s: %s\n", d->name, msg);
        abort();
    }
    if (d->type == WS_T_ENUM)
        canonical_enum_name(d, (int)v->num, v->word, sizeof v->word);
}

/* ------------------------------------------------------------------------
 * Keys: binding `key` (plain or qualified) to a setting. */

static const ws_section plain_sections[] = {WS_SEC_POSTGRES, WS_SEC_SCENARIO, WS_SEC_WORKLOAD,
                                            WS_SEC_OS, WS_SEC_DISK};

typedef struct binding {
    int id;        /* -1: ignored PostgreSQL setting */
    int instance;  /* -1 unless table/transaction */
} binding;

/* Names people bring from cloud consoles, sizing guides and old
 * postgresql.conf files that are not walsim keys: what to write instead.
 * Checked before the "did you mean" suggestion, which would otherwise
 * offer a look-alike with another meaning (checkpoint_segments ->
 * checkpoint_timeout). */
static const struct {
    const char *name;
    const char *hint;
} key_hints[] = {
    {"iops", "the device's limits are [disk] write_iops and read_iops (or a preset: disk.preset = aws-gp3)"},
    {"provisioned_iops", "the device's limits are [disk] write_iops and read_iops"},
    {"throughput", "the device's bandwidth is [disk] write_bandwidth and read_bandwidth (e.g. 250MB/s)"},
    {"bandwidth", "write [disk] write_bandwidth and read_bandwidth"},
    {"tps", "the load is [workload] clients (a closed loop, as pgbench) or rate (an open loop, transactions per second); walsim reports the tps that results"},
    {"wal_keep_segments", "removed in PostgreSQL 13; use wal_keep_size (segments x 16MB)"},
    {"checkpoint_segments", "removed in PostgreSQL 9.5; use max_wal_size (about 3 x checkpoint_segments x 16MB)"},
    {"memory", "the host's memory is [os] ram"},
    {"vcpus", "the host's cores are [os] cpus"},
    {"cores", "the host's cores are [os] cpus"},
    {"storage", "the volume's size is [disk] size"},
    {"disk_size", "the volume's size is [disk] size"},
};

static const char *key_hint(const char *key)
{
    for (size_t i = 0; i < sizeof key_hints / sizeof key_hints[0]; i++)
        if (!strcasecmp(key, key_hints[i].name))
            return key_hints[i].hint;
    return NULL;
}

/* Binds a key of section `sec` (instance already known).  For [postgres],
 * an unknown key that is a PostgreSQL setting, or a custom one (with a
 * dot, like pg_stat_statements.max), is accepted and ignored. */
static int bind_in_section(ws_scenario *s, ws_section sec, const char *key, const char *file,
                           int line, binding *b, ws_diag *err)
{
    int id = ws_setting_lookup(sec, key);
    if (id >= 0) {
        b->id = id;
        return WS_OK;
    }
    if (sec == WS_SEC_POSTGRES && (ws_pg_guc_known(key, NULL, NULL) || strchr(key, '.'))) {
        b->id = -1;
        add_note(s, "%s:%d: %s: PostgreSQL setting that walsim does not model (ignored)", file,
                 line, key);
        return WS_OK;
    }
    const char *near = ws_setting_suggest(sec, key);
    const char *hint = key_hint(key);
    if (hint)
        ws_diag_set(err, file, line, "%s: unknown key in [%s]; %s", key, ws_section_name(sec),
                    hint);
    else if (near)
        ws_diag_set(err, file, line, "%s: unknown key in [%s]; did you mean %s?", key,
                    ws_section_name(sec), near);
    else
        ws_diag_set(err, file, line, "%s: unknown key in [%s] (see docs/scenario-format.md)", key,
                    ws_section_name(sec));
    return WS_EINPUT;
}

/* Binds a key written in [variant NAME] or --set. */
static int bind_qualified(ws_scenario *s, const char *key, const char *file, int line, binding *b,
                          ws_diag *err)
{
    b->instance = -1;
    const char *dot = strchr(key, '.');
    if (dot) {
        char head[64];
        size_t hl = (size_t)(dot - key);
        if (hl >= sizeof head)
            hl = sizeof head - 1;
        memcpy(head, key, hl);
        head[hl] = '\0';
        int sec = ws_section_from_name(head);
        if (sec < 0) {
            /* extension.setting: a custom PostgreSQL setting */
            b->id = -1;
            add_note(s, "%s:%d: %s: PostgreSQL setting that walsim does not model (ignored)",
                     file ? file : "--set", line, key);
            return WS_OK;
        }
        const char *rest = dot + 1;
        if (ws_section_named((ws_section)sec)) {
            const char *dot2 = strchr(rest, '.');
            if (!dot2) {
                ws_diag_set(err, file, line, "%s: expected %s.NAME.KEY", key, head);
                return WS_EINPUT;
            }
            char inst[128];
            size_t il = (size_t)(dot2 - rest);
            if (il >= sizeof inst)
                il = sizeof inst - 1;
            memcpy(inst, rest, il);
            inst[il] = '\0';
            int idx = strvec_find(&s->instances[sec], inst);
            if (idx < 0) {
                ws_diag_set(err, file, line, "%s: there is no [%s %s] in the scenario", key, head,
                            inst);
                return WS_EINPUT;
            }
            b->instance = idx;
            rest = dot2 + 1;
        }
        return bind_in_section(s, (ws_section)sec, rest, file, line, b, err);
    }

    int found = -1, nfound = 0;
    char where[256] = "";
    for (size_t i = 0; i < sizeof plain_sections / sizeof plain_sections[0]; i++) {
        int id = ws_setting_lookup(plain_sections[i], key);
        if (id >= 0) {
            found = id;
            nfound++;
            size_t used = strlen(where);
            snprintf(where + used, sizeof where - used, "%s%s.%s", used ? ", " : "",
                     ws_section_name(plain_sections[i]), key);
        }
    }
    if (nfound == 1) {
        b->id = found;
        return WS_OK;
    }
    if (nfound > 1) {
        ws_diag_set(err, file, line, "%s: ambiguous key; write one of %s", key, where);
        return WS_EINPUT;
    }
    if (ws_pg_guc_known(key, NULL, NULL)) {
        b->id = -1;
        add_note(s, "%s:%d: %s: PostgreSQL setting that walsim does not model (ignored)",
                 file ? file : "--set", line, key);
        return WS_OK;
    }
    const char *near = NULL;
    for (size_t i = 0; i < sizeof plain_sections / sizeof plain_sections[0] && !near; i++)
        near = ws_setting_suggest(plain_sections[i], key);
    const char *hint = key_hint(key);
    if (hint)
        ws_diag_set(err, file, line, "%s: unknown setting; %s", key, hint);
    else if (near)
        ws_diag_set(err, file, line, "%s: unknown setting; did you mean %s?", key, near);
    else
        ws_diag_set(err, file, line,
                    "%s: unknown setting (write SECTION.KEY, e.g. disk.preset or "
                    "table.NAME.size; see docs/scenario-format.md)",
                    key);
    return WS_EINPUT;
}

static void push_assign(ws_scenario *s, assign a)
{
    if (s->n_assigns == s->cap_assigns) {
        s->cap_assigns = s->cap_assigns ? 2 * s->cap_assigns : 64;
        s->assigns = xrealloc(s->assigns, s->cap_assigns * sizeof *s->assigns);
    }
    if (a.scope != SCOPE_VARIANT)
        idxvec_push(&s->by_scope[a.scope == SCOPE_BASE ? 0 : 1], s->n_assigns);
    s->assigns[s->n_assigns++] = a;
}

/* Variant v's assignments, in file order, as a compressed index (built
 * once after loading: resolution is then O(base + own) per variant, not
 * O(all assignments), which kept `lint` quadratic in variants). */
static void index_variant_assigns(ws_scenario *s)
{
    size_t nv = s->variants.n;
    s->variant_first = xrealloc(NULL, (nv + 1) * sizeof *s->variant_first);
    memset(s->variant_first, 0, (nv + 1) * sizeof *s->variant_first);
    size_t total = 0;
    for (size_t i = 0; i < s->n_assigns; i++)
        if (s->assigns[i].scope == SCOPE_VARIANT) {
            s->variant_first[s->assigns[i].variant + 1]++;
            total++;
        }
    for (size_t v = 0; v < nv; v++)
        s->variant_first[v + 1] += s->variant_first[v];
    s->variant_idx = xrealloc(NULL, (total ? total : 1) * sizeof *s->variant_idx);
    size_t *fill = xrealloc(NULL, (nv ? nv : 1) * sizeof *fill);
    memcpy(fill, s->variant_first, nv * sizeof *fill);
    for (size_t i = 0; i < s->n_assigns; i++)
        if (s->assigns[i].scope == SCOPE_VARIANT)
            s->variant_idx[fill[s->assigns[i].variant]++] = i;
    free(fill);
}

/* The assignments of `scope` that apply to variant v, in order. */
static size_t scope_list(const ws_scenario *s, int scope, size_t v, const size_t **idx)
{
    if (scope == SCOPE_VARIANT) {
        *idx = s->variant_idx + s->variant_first[v];
        return s->variant_first[v + 1] - s->variant_first[v];
    }
    const idxvec *l = &s->by_scope[scope == SCOPE_BASE ? 0 : 1];
    *idx = l->v;
    return l->n;
}

/* ------------------------------------------------------------------------
 * Events: `checkpoint at 20min`, `crash at 45min`. */

static int parse_event(ws_scenario *s, const ws_conf_item *it, ws_diag *err)
{
    static const char *const kinds[] = {"checkpoint", "crash", "shutdown"};
    char word[32], at[8], when[64], extra[8];
    int n = sscanf(it->raw, "%31s %7s %63s %7s", word, at, when, extra);
    if (n != 3 || strcmp(at, "at") != 0) {
        ws_diag_set(err, it->file, it->line,
                    "events: '%s' is not an event; expected KIND at TIME, e.g. "
                    "'checkpoint at 20min', 'shutdown at 1h' or 'crash at 45min'",
                    it->raw);
        return WS_EINPUT;
    }
    int kind = -1;
    for (int k = 0; k < 3; k++)
        if (strcmp(word, kinds[k]) == 0)
            kind = k;
    if (kind < 0) {
        ws_diag_set(err, it->file, it->line,
                    "events: unknown event '%s'; expected checkpoint, shutdown or crash", word);
        return WS_EINPUT;
    }
    double ns = 0;
    char msg[256];
    if (ws_unit_parse(when, WS_UC_TIME, 1e9, &ns, msg, sizeof msg) != 0) {
        ws_diag_set(err, it->file, it->line, "events: %s: %s; expected a time such as 20min",
                    word, msg);
        return WS_EINPUT;
    }
    /* Same range as [scenario] duration: 0 to 30 days (and an int64 of ns). */
    if (ns < 0 || ns > 30 * 86400e9) {
        ws_diag_set(err, it->file, it->line,
                    "events: %s at %s: the time must be between 0 and 30d", word, when);
        return WS_EINPUT;
    }
    if (s->n_events == s->cap_events) {
        s->cap_events = s->cap_events ? 2 * s->cap_events : 8;
        s->events = xrealloc(s->events, s->cap_events * sizeof *s->events);
    }
    s->events[s->n_events++] = (ws_scenario_event){(ws_event_kind)kind, (int64_t)ns, it->file,
                                                   it->line};
    return WS_OK;
}

/* ------------------------------------------------------------------------
 * Loading. */

static void rules_note(void *ctx, const char *msg)
{
    ws_scenario *s = ctx;
    if (strvec_find(&s->notes, msg) < 0)
        strvec_push(&s->notes, xstrdup(msg));
}

static int check_all_variants(ws_scenario *s, ws_diag *err)
{
    for (size_t v = 0; v < ws_scenario_variant_count(s); v++) {
        ws_config *c;
        int rc = ws_config_resolve(s, v, &c, err);
        if (rc != WS_OK)
            return rc;
        ws_rules_notes(c, rules_note, s);
        ws_config_free(c);
    }
    return WS_OK;
}

/* A variant name becomes part of file names and CSV rows: */
static bool variant_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > WS_VARIANT_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!(isalnum(c) && c < 128) && c != '_' && (i == 0 || (c != '.' && c != '-')))
            return false;
    }
    return true;
}

static int add_variant(ws_scenario *s, const ws_conf_item *it, ws_diag *err)
{
    const char *name = it->section_name;
    char shown[80];
    if (!variant_name_ok(name)) {
        ws_diag_set(err, it->file, it->line,
                    "[variant %s]: not a valid variant name; expected 1 to %d of the characters "
                    "A-Z a-z 0-9 _ . - (not starting with . or -), as it becomes part of file "
                    "names",
                    ws_diag_show(name, strlen(name), 64, shown, sizeof shown),
                    WS_VARIANT_NAME_MAX);
        return WS_EINPUT;
    }
    int prev = strvec_find(&s->variants, name);
    if (prev >= 0) {
        ws_diag_set(err, it->file, it->line,
                    "[variant %s]: a second section for variant %s (the first is at %s:%d); "
                    "expected each variant name once: merge the two sections or rename one",
                    name, name, s->variant_file[prev], s->variant_line[prev]);
        return WS_EINPUT;
    }
    if (s->variants.n == WS_MAX_VARIANTS) {
        ws_diag_set(err, it->file, it->line,
                    "[variant %s]: more than %d variants; expected at most %d [variant] "
                    "sections in a scenario (use walsim sweep for grids of values)",
                    name, WS_MAX_VARIANTS, WS_MAX_VARIANTS);
        return WS_EINPUT;
    }
    if (s->variants.n == s->variants.cap) {
        size_t cap = s->variants.cap ? 2 * s->variants.cap : 8;
        s->variant_file = xrealloc(s->variant_file, cap * sizeof *s->variant_file);
        s->variant_line = xrealloc(s->variant_line, cap * sizeof *s->variant_line);
    }
    s->variant_file[s->variants.n] = it->file;
    s->variant_line[s->variants.n] = it->line;
    strvec_push(&s->variants, (char *)name);
    return WS_OK;
}

static int build(ws_scenario *s, ws_diag *err)
{
    size_t n = ws_conf_count(s->conf);

    /* Pass 1: names of variants and instances, so that a variant may
     * refer to a table defined further down. */
    for (size_t i = 0; i < n; i++) {
        const ws_conf_item *it = ws_conf_item_at(s->conf, i);
        int sec = ws_section_from_name(it->section);
        if (strcmp(it->section, "variant") == 0) {
            if (it->key || it->raw)
                continue; /* only the header makes a variant */
            int rc = add_variant(s, it, err);
            if (rc != WS_OK)
                return rc;
        } else if ((ws_section_named((ws_section)sec)) && it->section_name) {
            if (strvec_find(&s->instances[sec], it->section_name) < 0)
                strvec_push(&s->instances[sec], (char *)it->section_name);
        }
    }

    /* Pass 2: assignments, expectations, events. */
    for (size_t i = 0; i < n; i++) {
        const ws_conf_item *it = ws_conf_item_at(s->conf, i);
        int rc;
        if (strcmp(it->section, "expect") == 0) {
            if (!it->raw)
                continue;
            if (s->n_expects == s->cap_expects) {
                s->cap_expects = s->cap_expects ? 2 * s->cap_expects : 8;
                s->expects = xrealloc(s->expects, s->cap_expects * sizeof *s->expects);
            }
            s->expects[s->n_expects++] =
                (ws_raw_line){it->section_name, it->raw, it->file, it->line};
            continue;
        }
        if (strcmp(it->section, "events") == 0) {
            if (it->raw && (rc = parse_event(s, it, err)) != WS_OK)
                return rc;
            continue;
        }
        if (!it->key)
            continue;
        binding b = {-1, -1};
        assign a = {SCOPE_BASE, -1, -1, -1, it->key, it->value, it->file, it->line};
        if (strcmp(it->section, "variant") == 0) {
            a.scope = SCOPE_VARIANT;
            a.variant = strvec_find(&s->variants, it->section_name);
            rc = bind_qualified(s, it->key, it->file, it->line, &b, err);
        } else {
            int sec = ws_section_from_name(it->section);
            assert(sec >= 0);
            if (ws_section_named((ws_section)sec))
                b.instance = strvec_find(&s->instances[sec], it->section_name);
            rc = bind_in_section(s, (ws_section)sec, it->key, it->file, it->line, &b, err);
        }
        if (rc != WS_OK)
            return rc;
        a.id = b.id;
        a.instance = b.instance;
        push_assign(s, a);
    }

    if (s->variants.n == 0) {
        s->variant_file = xrealloc(NULL, sizeof *s->variant_file);
        s->variant_line = xrealloc(NULL, sizeof *s->variant_line);
        s->variant_file[0] = NULL;
        s->variant_line[0] = 0;
        strvec_push(&s->variants, own(s, "base"));
    }
    index_variant_assigns(s);

    for (size_t i = 0; i < s->n_expects; i++) {
        if (strvec_find(&s->variants, s->expects[i].variant) < 0) {
            char list[256] = "";
            for (size_t v = 0; v < s->variants.n; v++) {
                size_t used = strlen(list);
                snprintf(list + used, sizeof list - used, "%s%s", v ? ", " : "", s->variants.v[v]);
            }
            ws_diag_set(err, s->expects[i].file, s->expects[i].line,
                        "[expect %s]: there is no variant named %s (variants: %s)",
                        s->expects[i].variant, s->expects[i].variant, list);
            return WS_EINPUT;
        }
    }
    return check_all_variants(s, err);
}

static int load(ws_conf *conf, const char *file, ws_scenario **out, ws_diag *err)
{
    ws_scenario *s = xrealloc(NULL, sizeof *s);
    memset(s, 0, sizeof *s);
    s->conf = conf;
    s->file = xstrdup(file);
    int rc = build(s, err);
    if (rc != WS_OK) {
        ws_scenario_free(s);
        *out = NULL;
        return rc;
    }
    *out = s;
    return WS_OK;
}

int ws_scenario_load_file(const char *path, ws_scenario **out, ws_diag *err)
{
    ws_conf *conf;
    int rc = ws_conf_parse_file(path, &conf, err);
    if (rc != WS_OK) {
        *out = NULL;
        return rc;
    }
    return load(conf, path, out, err);
}

int ws_scenario_load_string(const char *text, size_t len, const char *name, ws_scenario **out,
                            ws_diag *err)
{
    ws_conf *conf;
    int rc = ws_conf_parse_string(text, len, name, &conf, err);
    if (rc != WS_OK) {
        *out = NULL;
        return rc;
    }
    return load(conf, name, out, err);
}

void ws_scenario_free(ws_scenario *s)
{
    if (!s)
        return;
    ws_conf_free(s->conf);
    free(s->file);
    strvec_free_all(&s->owned);
    free(s->assigns);
    strvec_free(&s->variants, false); /* borrowed strings */
    free(s->variant_file);
    free(s->variant_line);
    free(s->by_scope[0].v);
    free(s->by_scope[1].v);
    free(s->variant_first);
    free(s->variant_idx);
    for (int i = 0; i < WS_SEC__COUNT; i++)
        strvec_free(&s->instances[i], false);
    free(s->expects);
    free(s->events);
    strvec_free_all(&s->notes);
    free(s);
}

static int set_one(ws_scenario *s, const char *assignment, bool check, ws_diag *err);

int ws_scenario_set(ws_scenario *s, const char *assignment, ws_diag *err)
{
    return set_one(s, assignment, true, err);
}

int ws_scenario_set_all(ws_scenario *s, const char *const *sets, size_t n, size_t *bad,
                        ws_diag *err)
{
    size_t mark = s->n_assigns, scope_mark = s->by_scope[1].n;
    for (size_t i = 0; i < n; i++) {
        int rc = set_one(s, sets[i], false, err);
        if (rc != WS_OK) {
            *bad = i;
            s->n_assigns = mark;
            s->by_scope[1].n = scope_mark;
            return rc;
        }
    }
    if (check_all_variants(s, err) == WS_OK)
        return WS_OK;
    /* Together they break a rule: name the first assignment after which
     * the settings no longer hold, applying them again one by one. */
    s->n_assigns = mark;
    s->by_scope[1].n = scope_mark;
    for (size_t i = 0; i < n; i++) {
        int rc = set_one(s, sets[i], true, err);
        if (rc != WS_OK) {
            *bad = i;
            s->n_assigns = mark;
            s->by_scope[1].n = scope_mark;
            return rc;
        }
    }
    assert(!"the assignments failed together but not one by one");
    return WS_EINPUT;
}

static int set_one(ws_scenario *s, const char *assignment, bool check, ws_diag *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment) {
        ws_diag_set(err, NULL, 0, "--set %s: expected KEY=VALUE, e.g. --set max_wal_size=4GB",
                    assignment);
        return WS_EINPUT;
    }
    char *key = own(s, assignment);
    key[eq - assignment] = '\0';
    /* The value reads as in the file: a quoted one with the file's quoting
     * rules, blanks inside the quotes kept ('%m [%p] '); a bare one
     * trimmed. */
    char *value = key + (eq - assignment) + 1;
    while (*value == ' ' || *value == '\t')
        value++;
    if (*value == '\'') {
        char *text = own(s, value);
        const char *end;
        if (ws_conf_unquote(value, text, &end) != WS_OK) {
            ws_diag_set(err, NULL, 0, "--set %s: unterminated quoted value (or an escape that "
                        "makes a NUL byte)", assignment);
            return WS_EINPUT;
        }
        end += strspn(end, " \t");
        if (*end) {
            ws_diag_set(err, NULL, 0, "--set %s: text after the quoted value", assignment);
            return WS_EINPUT;
        }
        value = text;
    } else {
        size_t vl = strlen(value);
        while (vl && (value[vl - 1] == ' ' || value[vl - 1] == '\t'))
            value[--vl] = '\0';
    }
    size_t kl = strlen(key);
    while (kl && (key[kl - 1] == ' ' || key[kl - 1] == '\t'))
        key[--kl] = '\0';

    binding b = {-1, -1};
    char where[300];
    snprintf(where, sizeof where, "--set %s", key);
    int rc = bind_qualified(s, key, NULL, 0, &b, err);
    if (rc != WS_OK) {
        /* Re-prefix the message so the user sees where it came from. */
        char msg[WS_DIAG_MAX];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        ws_diag_set(err, NULL, 0, "--set: %s", msg);
        return rc;
    }
    size_t mark = s->n_assigns;
    push_assign(s, (assign){SCOPE_CMDLINE, -1, b.id, b.instance, key, value, NULL, 0});
    if (!check)
        return WS_OK;
    rc = check_all_variants(s, err);
    if (rc != WS_OK) {
        s->n_assigns = mark;
        s->by_scope[1].n--;
        char msg[WS_DIAG_MAX];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        ws_diag_set(err, NULL, 0, "--set: %s", msg);
    }
    return rc;
}

const char *ws_scenario_file(const ws_scenario *s) { return s->file; }
size_t ws_scenario_variant_count(const ws_scenario *s) { return s->variants.n; }

const char *ws_scenario_variant_name(const ws_scenario *s, size_t i)
{
    assert(i < s->variants.n);
    return s->variants.v[i];
}

int ws_scenario_variant_index(const ws_scenario *s, const char *name)
{
    return strvec_find(&s->variants, name);
}

size_t ws_scenario_expect_count(const ws_scenario *s) { return s->n_expects; }

const ws_raw_line *ws_scenario_expect(const ws_scenario *s, size_t i)
{
    assert(i < s->n_expects);
    return &s->expects[i];
}

size_t ws_scenario_event_count(const ws_scenario *s) { return s->n_events; }

const ws_scenario_event *ws_scenario_event_at(const ws_scenario *s, size_t i)
{
    assert(i < s->n_events);
    return &s->events[i];
}

size_t ws_scenario_note_count(const ws_scenario *s) { return s->notes.n; }

const char *ws_scenario_note(const ws_scenario *s, size_t i)
{
    assert(i < s->notes.n);
    return s->notes.v[i];
}

/* ------------------------------------------------------------------------
 * Resolution. */

static bool applies(const assign *a, int scope, size_t v)
{
    return a->scope == scope && (scope != SCOPE_VARIANT || a->variant == (int)v);
}

/* pg_version first: everything else depends on it. */
static int resolve_version(const ws_scenario *s, size_t v, int *version, ws_diag *err)
{
    ws_value val;
    set_default(&val, WS_S_pg_version, WS_PG_VERSION_MAX);
    const int scopes[] = {SCOPE_BASE, SCOPE_VARIANT, SCOPE_CMDLINE};
    for (int sc = 0; sc < 3; sc++) {
        const size_t *idx;
        size_t n = scope_list(s, scopes[sc], v, &idx);
        for (size_t k = 0; k < n; k++) {
            const assign *a = &s->assigns[idx[k]];
            if (a->id == WS_S_pg_version && applies(a, scopes[sc], v) &&
                set_value(&val, a->id, WS_PG_VERSION_MAX, a->key, a->value, WS_ORIGIN_FILE,
                          a->file, a->line, err) != WS_OK)
                return WS_EINPUT;
        }
    }
    *version = (int)val.num;
    return WS_OK;
}

static ws_value *slot(ws_config *c, const assign *a)
{
    const ws_setting_desc *d = ws_setting_desc_get((ws_setting_id)a->id);
    if (ws_section_named(d->section)) {
        assert(a->instance >= 0 && (size_t)a->instance < c->n_inst[d->section]);
        return &c->inst_vals[d->section][(size_t)a->instance * WS_S__COUNT + (size_t)a->id];
    }
    return &c->vals[a->id];
}

int ws_config_resolve(const ws_scenario *s, size_t v, ws_config **out, ws_diag *err)
{
    assert(v < s->variants.n);
    *out = NULL;
    int version;
    if (resolve_version(s, v, &version, err) != WS_OK)
        return WS_EINPUT;

    ws_config *c = xrealloc(NULL, sizeof *c);
    memset(c, 0, sizeof *c);
    c->scenario = s;
    c->variant = s->variants.v[v];
    c->pg_version = version;
    for (int id = 0; id < WS_S__COUNT; id++) {
        ws_section sec = ws_setting_desc_get((ws_setting_id)id)->section;
        if (!ws_section_named((ws_section)sec))
            set_default(&c->vals[id], id, version);
    }
    for (int k = 0; k < WS_SEC__COUNT; k++) {
        ws_section sec = (ws_section)k;
        if (!ws_section_named(sec))
            continue;
        size_t n = s->instances[sec].n;
        c->n_inst[sec] = n;
        c->inst_names[sec] = (const char *const *)s->instances[sec].v;
        c->inst_vals[sec] = xrealloc(NULL, (n ? n : 1) * WS_S__COUNT * sizeof(ws_value));
        memset(c->inst_vals[sec], 0, (n ? n : 1) * WS_S__COUNT * sizeof(ws_value));
        for (size_t i = 0; i < n; i++)
            for (int id = 0; id < WS_S__COUNT; id++)
                if (ws_setting_desc_get((ws_setting_id)id)->section == sec)
                    set_default(&c->inst_vals[sec][i * WS_S__COUNT + (size_t)id], id, version);
    }

    const int scopes[] = {SCOPE_BASE, SCOPE_VARIANT, SCOPE_CMDLINE};
    const ws_origin origins[] = {WS_ORIGIN_FILE, WS_ORIGIN_VARIANT, WS_ORIGIN_CMDLINE};
    for (int sc = 0; sc < 3; sc++) {
        const size_t *idx;
        size_t n = scope_list(s, scopes[sc], v, &idx);
        for (size_t k = 0; k < n; k++) {
            const assign *a = &s->assigns[idx[k]];
            if (!applies(a, scopes[sc], v))
                continue;
            if (a->id < 0) {
                /* Ignored PostgreSQL setting: it must still exist in this
                 * version, or PostgreSQL itself would refuse to start. */
                int first, last;
                if (ws_pg_guc_known(a->key, &first, &last) &&
                    (version < first || version > last)) {
                    ws_diag_set(err, a->file, a->line,
                                "%s: not a setting of PostgreSQL %d (it exists in %d-%d)", a->key,
                                version, first, last);
                    ws_config_free(c);
                    return WS_EINPUT;
                }
                continue;
            }
            if (set_value(slot(c, a), a->id, version, a->key, a->value, origins[sc], a->file,
                          a->line, err) != WS_OK) {
                ws_config_free(c);
                return WS_EINPUT;
            }
        }
    }
    if (ws_rules_check(c, err) != WS_OK) {
        ws_config_free(c);
        return WS_EINPUT;
    }
    *out = c;
    return WS_OK;
}

void ws_config_free(ws_config *c)
{
    if (!c)
        return;
    for (int i = 0; i < WS_SEC__COUNT; i++)
        free(c->inst_vals[i]);
    free(c);
}

const char *ws_config_variant(const ws_config *c) { return c->variant; }
const ws_scenario *ws_config_scenario(const ws_config *c) { return c->scenario; }
int ws_config_pg_version(const ws_config *c) { return c->pg_version; }

const ws_value *ws_cfg_value(const ws_config *c, ws_setting_id id)
{
    assert(id >= 0 && id < WS_S__COUNT);
    ws_section sec = ws_setting_desc_get(id)->section;
    assert(!ws_section_named((ws_section)sec));
    (void)sec;
    return &c->vals[id];
}

double ws_cfg_num(const ws_config *c, ws_setting_id id) { return ws_cfg_value(c, id)->num; }
int64_t ws_cfg_int(const ws_config *c, ws_setting_id id) { return llround(ws_cfg_num(c, id)); }
bool ws_cfg_bool(const ws_config *c, ws_setting_id id) { return ws_cfg_num(c, id) != 0; }

const char *ws_cfg_str(const ws_config *c, ws_setting_id id)
{
    const ws_value *v = ws_cfg_value(c, id);
    return ws_setting_desc_get(id)->type == WS_T_ENUM ? v->word : v->str;
}

size_t ws_cfg_instance_count(const ws_config *c, ws_section sec)
{
    assert(ws_section_named((ws_section)sec));
    return c->n_inst[sec];
}

const char *ws_cfg_instance_name(const ws_config *c, ws_section sec, size_t i)
{
    assert(i < ws_cfg_instance_count(c, sec));
    return c->inst_names[sec][i];
}

const ws_value *ws_cfg_instance_value(const ws_config *c, ws_section sec, size_t i,
                                      ws_setting_id id)
{
    assert(i < ws_cfg_instance_count(c, sec));
    assert(ws_setting_desc_get(id)->section == sec);
    return &c->inst_vals[sec][i * WS_S__COUNT + (size_t)id];
}

void ws_value_format(const ws_value *v, ws_setting_id id, char *buf, size_t len)
{
    const ws_setting_desc *d = ws_setting_desc_get(id);
    if (!v->available) {
        snprintf(buf, len, "(not in this version)");
        return;
    }
    switch (d->type) {
    case WS_T_BOOL:
        snprintf(buf, len, "%s", v->num ? "on" : "off");
        return;
    case WS_T_INT:
        snprintf(buf, len, "%lld", (long long)llround(v->num));
        return;
    case WS_T_REAL:
        if ((d->flags & WS_SF_AUTO) && v->num < 0)
            snprintf(buf, len, "auto"); /* [scenario] sampling = auto */
        else
            snprintf(buf, len, "%g", v->num);
        return;
    case WS_T_STRING:
        snprintf(buf, len, "'%s'", v->str ? v->str : "");
        return;
    case WS_T_ENUM:
        snprintf(buf, len, "%s", v->word);
        return;
    default:
        break;
    }
    if ((d->flags & WS_SF_MINUS1_SPECIAL) && v->num < 0) {
        snprintf(buf, len, "-1");
        return;
    }
    if ((d->flags & WS_SF_AUTO) && v->num < 0) {
        snprintf(buf, len, "auto");
        return;
    }
    ws_unit_format(v->num, ws_type_unit_class(d->type), buf, len);
}

void ws_value_source(const ws_value *v, bool postgres, const char *variant, int pg_version,
                     char *buf, size_t len)
{
    const char *file = v->file ? v->file : "?";
    switch (v->origin) {
    case WS_ORIGIN_DEFAULT:
        if (postgres)
            snprintf(buf, len, "default (PostgreSQL %d)", pg_version);
        else
            snprintf(buf, len, "default");
        break;
    case WS_ORIGIN_FILE:
        snprintf(buf, len, "%s:%d", file, v->line);
        break;
    case WS_ORIGIN_VARIANT:
        snprintf(buf, len, "variant %s (%s:%d)", variant, file, v->line);
        break;
    case WS_ORIGIN_CMDLINE:
        snprintf(buf, len, "--set");
        break;
    }
}
