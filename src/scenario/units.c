/*
 * units.c - numbers with PostgreSQL's units (guc.c parse_int/parse_real,
 * convert_to_base_unit), walsim's rates, and PostgreSQL's booleans.
 */
#include "walsim/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct unit {
    const char *name;
    double mult; /* in base units: bytes or nanoseconds */
} unit;

/* Largest first, so formatting can pick the largest exact unit; the
 * "next smaller unit" of entry i is entry i+1. */
static const unit mem_units[] = {
    {"TB", 1099511627776.0}, {"GB", 1073741824.0}, {"MB", 1048576.0}, {"kB", 1024.0}, {"B", 1.0},
};
static const unit time_units[] = {
    {"d", 86400e9}, {"h", 3600e9}, {"min", 60e9}, {"s", 1e9}, {"ms", 1e6}, {"us", 1e3},
};
#define N_MEM (sizeof mem_units / sizeof mem_units[0])
#define N_TIME (sizeof time_units / sizeof time_units[0])

const char *ws_unit_names(ws_unit_class cls)
{
    switch (cls) {
    case WS_UC_MEMORY: return "B, kB, MB, GB, TB";
    case WS_UC_TIME: return "us, ms, s, min, h, d";
    case WS_UC_BYTE_RATE: return "a memory unit per time unit, e.g. 125MB/s";
    case WS_UC_COUNT_RATE: return "a count per time unit, e.g. 5000/s or 300/min";
    case WS_UC_NONE: break;
    }
    return "no unit";
}

static const unit *find_unit(const unit *tab, size_t n, const char *s, size_t len, size_t *idx)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(tab[i].name) == len && strncmp(tab[i].name, s, len) == 0) {
            if (idx)
                *idx = i;
            return &tab[i];
        }
    return NULL;
}

/* Does `s` (len bytes) match a unit name of another class, ignoring case?
 * Used to tell "5min is a time" from "5xyz is unknown" and "1KB: case". */
static const char *classify(const char *s, size_t len, int *case_only)
{
    *case_only = 0;
    for (size_t i = 0; i < N_MEM; i++)
        if (strlen(mem_units[i].name) == len && strncasecmp(mem_units[i].name, s, len) == 0) {
            *case_only = strncmp(mem_units[i].name, s, len) != 0;
            return "memory";
        }
    for (size_t i = 0; i < N_TIME; i++)
        if (strlen(time_units[i].name) == len && strncasecmp(time_units[i].name, s, len) == 0) {
            *case_only = strncmp(time_units[i].name, s, len) != 0;
            return "time";
        }
    return NULL;
}

/* Parses the numeric prefix of s: decimal or hex integer, or real.
 * Returns the number of characters used (0 if none) and whether it was
 * fractional (has '.' or exponent). */
static size_t parse_number(const char *s, double *out, int *fractional)
{
    const char *p = s;
    int neg = 0;
    *fractional = 0;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
        double v = 0;
        p += 2;
        while (isxdigit((unsigned char)*p)) {
            int d = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);
            v = v * 16 + d;
            p++;
        }
        *out = neg ? -v : v;
        return (size_t)(p - s);
    }
    const char *digits = p;
    while (isdigit((unsigned char)*p))
        p++;
    int have_int = p > digits;
    int have_frac = 0;
    if (*p == '.') {
        const char *f = ++p;
        while (isdigit((unsigned char)*p))
            p++;
        have_frac = p > f;
        *fractional = 1;
    }
    if (!have_int && !have_frac)
        return 0;
    if ((*p == 'e' || *p == 'E')) {
        const char *e = p + 1;
        if (*e == '+' || *e == '-')
            e++;
        if (isdigit((unsigned char)*e)) {
            while (isdigit((unsigned char)*e))
                e++;
            p = e;
            *fractional = 1;
        }
    }
    char buf[128];
    size_t len = (size_t)(p - s);
    if (len >= sizeof buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    double v = strtod(buf, NULL);
    if (errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return len;
}

static void skip_space(const char **p)
{
    while (isspace((unsigned char)**p))
        (*p)++;
}

/* PostgreSQL: "30.1GB" is rounded to a multiple of the next smaller unit
 * (MB) before conversion, so 30.1GB = 30822MB. */
static double with_unit(double x, int fractional, const unit *tab, size_t n, size_t idx)
{
    double v = x * tab[idx].mult;
    if (fractional && idx + 1 < n) {
        double smaller = tab[idx + 1].mult;
        v = rint(v / smaller) * smaller;
    }
    return v;
}

int ws_unit_parse(const char *text, ws_unit_class cls, double bare_unit, double *out, char *err,
                  size_t errlen)
{
    const char *p = text;
    double x;
    int fractional;
    skip_space(&p);
    size_t used = parse_number(p, &x, &fractional);
    if (used == 0) {
        snprintf(err, errlen, "'%s' is not a number", text);
        return -1;
    }
    p += used;
    skip_space(&p);
    /* the unit: letters, up to an optional '/' */
    const char *u = p;
    while (isalpha((unsigned char)*p))
        p++;
    size_t ulen = (size_t)(p - u);
    const char *per = NULL;
    size_t perlen = 0;
    if (*p == '/') {
        per = ++p;
        while (isalpha((unsigned char)*p))
            p++;
        perlen = (size_t)(p - per);
    }
    skip_space(&p);
    if (*p) {
        snprintf(err, errlen, "'%s' has unexpected text '%s' after the number", text, p);
        return -1;
    }
    const char *cls_name = cls == WS_UC_MEMORY ? "a memory size"
                           : cls == WS_UC_TIME ? "a duration"
                           : cls == WS_UC_BYTE_RATE ? "a byte rate"
                           : cls == WS_UC_COUNT_RATE ? "a rate"
                                                     : "a plain number";

    if (ulen == 0 && !per) {
        *out = x * bare_unit;
        return 0;
    }
    if (cls == WS_UC_NONE) {
        snprintf(err, errlen, "'%s' has a unit; expected a plain number", text);
        return -1;
    }

    size_t idx;
    if (cls == WS_UC_MEMORY || cls == WS_UC_TIME) {
        const unit *tab = cls == WS_UC_MEMORY ? mem_units : time_units;
        size_t n = cls == WS_UC_MEMORY ? N_MEM : N_TIME;
        if (!per && find_unit(tab, n, u, ulen, &idx)) {
            *out = with_unit(x, fractional, tab, n, idx);
            return 0;
        }
        int case_only = 0;
        const char *other = per ? "rate" : classify(u, ulen, &case_only);
        if (other && case_only && strcmp(other, cls == WS_UC_MEMORY ? "memory" : "time") == 0)
            snprintf(err, errlen, "'%s' has an unknown unit '%.*s' (units are %s; case matters)",
                     text, (int)ulen, u, ws_unit_names(cls));
        else if (other)
            snprintf(err, errlen, "'%s' is a %s, expected %s (%s)", text,
                     strcmp(other, "memory") == 0 ? "memory size"
                     : strcmp(other, "time") == 0 ? "time" : "rate",
                     cls_name, ws_unit_names(cls));
        else
            snprintf(err, errlen, "'%s' has an unknown unit '%.*s' (units are %s)", text,
                     (int)ulen, u, ws_unit_names(cls));
        return -1;
    }

    /* Rates.  "/s" alone (count rates) or "MB/s" (byte rates). */
    if (!per) {
        snprintf(err, errlen, "'%s' has no time unit; expected %s (%s)", text, cls_name,
                 ws_unit_names(cls));
        return -1;
    }
    size_t tidx;
    if (!find_unit(time_units, N_TIME, per, perlen, &tidx)) {
        snprintf(err, errlen, "'%s' has an unknown time unit '%.*s' after '/' (%s)", text,
                 (int)perlen, per, ws_unit_names(WS_UC_TIME));
        return -1;
    }
    double per_s = time_units[tidx].mult / 1e9;
    if (cls == WS_UC_COUNT_RATE) {
        if (ulen) {
            snprintf(err, errlen, "'%s' is not a count rate; expected e.g. 5000/s", text);
            return -1;
        }
        *out = x / per_s;
        return 0;
    }
    if (ulen == 0) { /* "5000/s" for a byte rate: bytes */
        *out = x / per_s;
        return 0;
    }
    if (!find_unit(mem_units, N_MEM, u, ulen, &idx)) {
        snprintf(err, errlen, "'%s' has an unknown unit '%.*s' (memory units are %s; case matters)",
                 text, (int)ulen, u, ws_unit_names(WS_UC_MEMORY));
        return -1;
    }
    *out = x * mem_units[idx].mult / per_s;
    return 0;
}

/* Largest unit in which v is a whole number. */
static void format_units(double v, const unit *tab, size_t n, const char *suffix, char *buf,
                         size_t len)
{
    if (v == 0) {
        snprintf(buf, len, "0%s", suffix);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        double q = v / tab[i].mult;
        if (fabs(q) >= 1 && q == rint(q) && fabs(q) < 9.007e15) {
            snprintf(buf, len, "%.0f%s%s", q, tab[i].name, suffix);
            return;
        }
    }
    snprintf(buf, len, "%.6g%s%s", v / tab[n - 1].mult, tab[n - 1].name, suffix);
}

void ws_unit_format(double value, ws_unit_class cls, char *buf, size_t len)
{
    switch (cls) {
    case WS_UC_MEMORY:
        format_units(value, mem_units, N_MEM, "", buf, len);
        return;
    case WS_UC_TIME:
        format_units(value, time_units, N_TIME, "", buf, len);
        return;
    case WS_UC_BYTE_RATE:
        format_units(value, mem_units, N_MEM, "/s", buf, len);
        return;
    case WS_UC_COUNT_RATE:
        snprintf(buf, len, "%g/s", value);
        return;
    case WS_UC_NONE:
        snprintf(buf, len, "%g", value);
        return;
    }
}

/* guc.c parse_bool: on/off/true/false/yes/no/1/0 and unique prefixes,
 * case-insensitive ("o" alone is ambiguous). */
int ws_parse_bool(const char *text, bool *out)
{
    char buf[16];
    const char *p = text;
    skip_space(&p);
    size_t n = strlen(p);
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    static const struct {
        const char *word;
        size_t min; /* shortest unique prefix */
        bool value;
    } words[] = {{"true", 1, true}, {"false", 1, false}, {"yes", 1, true},
                 {"no", 1, false},  {"on", 2, true},     {"off", 2, false}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (n >= words[i].min && n <= strlen(words[i].word) &&
            strncasecmp(buf, words[i].word, n) == 0) {
            *out = words[i].value;
            return 0;
        }
    if (strcmp(buf, "1") == 0 || strcmp(buf, "0") == 0) {
        *out = buf[0] == '1';
        return 0;
    }
    return -1;
}
