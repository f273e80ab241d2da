/*
 * units.c - numbers with PostgreSQL's units (guc.c parse_int, parse_real,
 * convert_to_base_unit), walsim's rates, and PostgreSQL's booleans
 * (bool.c parse_bool_with_len).
 *
 * Values are doubles in base units (bytes, nanoseconds, per second).  A
 * double holds every integer up to 2^53 exactly, more than any PostgreSQL
 * setting needs, and it turns overflow into a range check instead of
 * undefined behaviour: every result is checked with isfinite() before it
 * is handed out, and nothing here converts a double to an integer type.
 *
 * Numbers are read in the C locale (strtod); the CLI never calls
 * setlocale(), so "1.5" always has a '.' decimal point.
 */
#include "walsim/units.h"

#include "walsim/diag.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct unit {
    const char *name;
    double mult; /* in base units: bytes or nanoseconds */
} unit;

typedef struct unit_table {
    const unit *u; /* largest first: the "next smaller unit" of u[i] is u[i + 1] */
    size_t n;
    const char *found; /* what a value with such a unit is, for messages */
    const char *names; /* for messages */
} unit_table;

static const unit mem_list[] = {
    {"TB", 1099511627776.0}, {"GB", 1073741824.0}, {"MB", 1048576.0}, {"kB", 1024.0}, {"B", 1.0},
};
static const unit time_list[] = {
    {"d", 86400e9}, {"h", 3600e9}, {"min", 60e9}, {"s", 1e9}, {"ms", 1e6}, {"us", 1e3},
};
static const unit_table mem_units = {mem_list, sizeof mem_list / sizeof mem_list[0],
                                     "a memory size", "B, kB, MB, GB, TB"};
static const unit_table time_units = {time_list, sizeof time_list / sizeof time_list[0], "a time",
                                      "us, ms, s, min, h, d"};

/* Denominators tried when formatting a rate, smallest first so that a rate
 * per second is preferred ("5/s", not "300/min"). */
static const unit per_list[] = {{"s", 1}, {"min", 60}, {"h", 3600}, {"d", 86400}};

/* Echoed user text in messages is cut at this many bytes. */
#define SHOW_MAX 60

const char *ws_unit_names(ws_unit_class cls)
{
    switch (cls) {
    case WS_UC_MEMORY: return mem_units.names;
    case WS_UC_TIME: return time_units.names;
    case WS_UC_BYTE_RATE: return "a memory unit per time unit, e.g. 125MB/s";
    case WS_UC_COUNT_RATE: return "a count per time unit, e.g. 5000/s or 300/min";
    case WS_UC_NONE: break;
    }
    return "no unit";
}

/* What a value of class cls is called in "expected ..." messages. */
static const char *class_noun(ws_unit_class cls)
{
    switch (cls) {
    case WS_UC_MEMORY: return "a memory size";
    case WS_UC_TIME: return "a duration";
    case WS_UC_BYTE_RATE: return "a byte rate";
    case WS_UC_COUNT_RATE: return "a rate";
    case WS_UC_NONE: break;
    }
    return "a plain number";
}

static const char *show(const char *s, size_t n, char *buf, size_t len)
{
    return ws_diag_show(s, n, SHOW_MAX, buf, len);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The unit of table t named exactly s (len bytes), or NULL. */
static const unit *find_unit(const unit_table *t, const char *s, size_t len, size_t *idx)
{
    for (size_t i = 0; i < t->n; i++)
        if (strlen(t->u[i].name) == len && memcmp(t->u[i].name, s, len) == 0) {
            if (idx)
                *idx = i;
            return &t->u[i];
        }
    return NULL;
}

/* Is s (len bytes) a unit name of some class when case is ignored?  Then
 * "case matters" is the hint the user needs ("1KB", "5Min"). */
static bool unit_ignoring_case(const char *s, size_t len)
{
    const unit_table *tabs[] = {&mem_units, &time_units};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < tabs[k]->n; i++)
            if (strlen(tabs[k]->u[i].name) == len && strncasecmp(tabs[k]->u[i].name, s, len) == 0)
                return true;
    return false;
}

enum { NUM_OK, NUM_NONE, NUM_RANGE };

/* Reads the number at the start of s, as PostgreSQL's parse_int (strtol
 * with base 0, falling back to strtod at a '.' or 'e') and parse_real
 * (strtod) accept it: an optional sign, then 0x and hex digits, or
 * decimal digits with an optional fraction and exponent.  Never "nan" or
 * "inf" (strtod would take those; PostgreSQL rejects NaN, and infinity
 * fails its range checks).  Sets *used to the length read. */
static int parse_number(const char *s, double *out, size_t *used)
{
    const char *p = s;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && hex_value(p[2]) >= 0) {
        /* Accumulating in a double cannot overflow into UB; a value past
         * DBL_MAX becomes inf and is reported as out of range. */
        double v = 0;
        for (p += 2; hex_value(*p) >= 0; p++)
            v = v * 16 + hex_value(*p);
        *used = (size_t)(p - s);
        if (!isfinite(v))
            return NUM_RANGE;
        *out = neg ? -v : v;
        return NUM_OK;
    }
    const char *digits = p;
    while (is_digit(*p))
        p++;
    bool have_digits = p > digits;
    if (*p == '.') {
        const char *frac = ++p;
        while (is_digit(*p))
            p++;
        have_digits = have_digits || p > frac;
    }
    if (!have_digits)
        return NUM_NONE;
    if (*p == 'e' || *p == 'E') {
        const char *e = p + 1;
        if (*e == '+' || *e == '-')
            e++;
        if (is_digit(*e)) {
            while (is_digit(*e))
                e++;
            p = e;
        }
    }
    /* strtod on a copy, so it sees exactly the syntax checked above. */
    size_t len = (size_t)(p - s);
    char small[64];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf)
        return NUM_RANGE;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    double v = strtod(buf, NULL);
    int rc = errno == ERANGE || !isfinite(v) ? NUM_RANGE : NUM_OK;
    if (buf != small)
        free(buf);
    *used = len;
    *out = v;
    return rc;
}

/* convert_to_base_unit: x in unit t->u[idx], in base units.  A fraction
 * ("30.1GB") is rounded to a multiple of the next smaller unit (30822MB);
 * for the smallest unit (B, us) there is none and nothing is rounded.
 * PostgreSQL rounds whole numbers too, where it changes nothing. */
static double to_base(double x, const unit_table *t, size_t idx)
{
    double v = x * t->u[idx].mult;
    if (idx + 1 < t->n) {
        double smaller = t->u[idx + 1].mult;
        v = rint(v / smaller) * smaller;
    }
    return v;
}

/* The pieces of "<number> [<unit>[/<per>]]". */
typedef struct parsed {
    double x;
    const char *u; /* unit before '/', may be empty */
    size_t ulen;
    const char *per; /* after '/', NULL if there is no '/' */
    size_t perlen;
} parsed;

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* A unit that is not one of class cls's: say what it is instead. */
static int wrong_unit(const char *shown, ws_unit_class cls, const char *u, size_t ulen,
                      const unit_table *own, char *err, size_t errlen)
{
    char ushown[SHOW_MAX + 8];
    show(u, ulen, ushown, sizeof ushown);
    const unit_table *other = own == &mem_units ? &time_units : &mem_units;
    if (own && find_unit(other, u, ulen, NULL))
        return fail(err, errlen, "'%s' is %s, expected %s (%s)", shown, other->found,
                    class_noun(cls), ws_unit_names(cls));
    return fail(err, errlen, "'%s' has an unknown unit '%s' (%s%s%s%s)", shown, ushown,
                own ? (own == &mem_units ? "memory units are " : "time units are ") : "",
                own ? own->names : "", own ? "" : ws_unit_names(cls),
                unit_ignoring_case(u, ulen) ? "; case matters" : "");
}

/* Memory or time: "<number> <unit>". */
static int parse_plain(const parsed *v, const char *shown, ws_unit_class cls, double *out,
                       char *err, size_t errlen)
{
    const unit_table *t = cls == WS_UC_MEMORY ? &mem_units : &time_units;
    if (v->per)
        return fail(err, errlen, "'%s' is a rate, expected %s (%s)", shown, class_noun(cls),
                    ws_unit_names(cls));
    size_t idx;
    if (!find_unit(t, v->u, v->ulen, &idx))
        return wrong_unit(shown, cls, v->u, v->ulen, t, err, errlen);
    *out = to_base(v->x, t, idx);
    return 0;
}

/* Rates: "<number> [<memory unit>]/<time unit>".  With the '/' written
 * the number is bytes or events: bare_unit (the setting's unit, already
 * per second) has no part in it. */
static int parse_rate(const parsed *v, const char *shown, ws_unit_class cls, double *out,
                      char *err, size_t errlen)
{
    if (!v->per) {
        if (find_unit(&mem_units, v->u, v->ulen, NULL))
            return fail(err, errlen, "'%s' has no time unit; expected %s (%s)", shown,
                        class_noun(cls), ws_unit_names(cls));
        if (find_unit(&time_units, v->u, v->ulen, NULL))
            return fail(err, errlen, "'%s' is a time, expected %s (%s)", shown, class_noun(cls),
                        ws_unit_names(cls));
        return wrong_unit(shown, cls, v->u, v->ulen, NULL, err, errlen);
    }
    size_t tidx;
    if (!find_unit(&time_units, v->per, v->perlen, &tidx)) {
        char pshown[SHOW_MAX + 8];
        return fail(err, errlen, "'%s' has an unknown time unit '%s' after '/' (%s%s)", shown,
                    show(v->per, v->perlen, pshown, sizeof pshown), time_units.names,
                    unit_ignoring_case(v->per, v->perlen) ? "; case matters" : "");
    }
    double seconds = time_units.u[tidx].mult / 1e9;
    double amount;
    size_t midx;
    if (v->ulen == 0)
        amount = v->x;
    else if (cls == WS_UC_BYTE_RATE && find_unit(&mem_units, v->u, v->ulen, &midx))
        amount = to_base(v->x, &mem_units, midx);
    else if (cls == WS_UC_COUNT_RATE && find_unit(&mem_units, v->u, v->ulen, NULL))
        return fail(err, errlen, "'%s' is a byte rate, expected %s (%s)", shown, class_noun(cls),
                    ws_unit_names(cls));
    else
        return wrong_unit(shown, cls, v->u, v->ulen, cls == WS_UC_BYTE_RATE ? &mem_units : NULL,
                          err, errlen);
    *out = amount / seconds;
    return 0;
}

int ws_unit_parse(const char *text, ws_unit_class cls, double bare_unit, double *out, char *err,
                  size_t errlen)
{
    assert(text && out);
    char shown[SHOW_MAX + 8];
    show(text, strlen(text), shown, sizeof shown);

    parsed v = {0};
    const char *p = text;
    while (is_space(*p))
        p++;
    size_t used = 0;
    int num = parse_number(p, &v.x, &used);
    if (num == NUM_NONE)
        return fail(err, errlen, "'%s' is not a number", shown);
    if (num == NUM_RANGE)
        return fail(err, errlen, "'%s' is out of range", shown);
    p += used;
    while (is_space(*p)) /* PostgreSQL allows space between number and unit */
        p++;
    v.u = p;
    while (is_alpha(*p))
        p++;
    v.ulen = (size_t)(p - v.u);
    if (*p == '/') {
        v.per = ++p;
        while (is_alpha(*p))
            p++;
        v.perlen = (size_t)(p - v.per);
    }
    const char *unit_end = p;
    while (is_space(*p))
        p++;

    /* The unit first: in "0x1p3" the news is the unknown unit 'p'. */
    double x;
    if (v.ulen == 0 && !v.per)
        x = v.x * bare_unit;
    else if (cls == WS_UC_NONE)
        return fail(err, errlen, "'%s' has a unit; expected a plain number", shown);
    else if (cls == WS_UC_MEMORY || cls == WS_UC_TIME) {
        if (parse_plain(&v, shown, cls, &x, err, errlen) != 0)
            return -1;
    } else if (parse_rate(&v, shown, cls, &x, err, errlen) != 0)
        return -1;
    if (*p) {
        char rest[SHOW_MAX + 8];
        show(p, strlen(p), rest, sizeof rest);
        if (unit_end == v.u)
            return fail(err, errlen, "'%s' has unexpected text '%s' after the number", shown, rest);
        return fail(err, errlen, "'%s' has unexpected text '%s' after the unit '%.*s'", shown,
                    rest, (int)(unit_end - v.u), v.u);
    }
    if (!isfinite(x))
        return fail(err, errlen, "'%s' is out of range", shown);
    *out = x;
    return 0;
}

/* Is q a whole number, allowing for the last bits of rounding noise that
 * arithmetic such as 0.3 * 1e9 leaves behind?  Limited to 2^53, past which
 * a double has no fractional part to lose. */
static bool whole(double q)
{
    return fabs(q) < 9007199254740992.0 && fabs(q - rint(q)) <= 4 * DBL_EPSILON * fabs(q);
}

/* v in the largest unit of t in which it is a whole number ("1536MB"),
 * followed by suffix.  Returns false if there is none. */
static bool format_exact(double v, const unit_table *t, const char *suffix, char *buf, size_t len)
{
    for (size_t i = 0; i < t->n; i++) {
        double q = v / t->u[i].mult;
        if (whole(q) && rint(q) != 0) {
            snprintf(buf, len, "%.0f%s%s", rint(q), t->u[i].name, suffix);
            return true;
        }
    }
    return false;
}

/* A rate, per second in base units: the first denominator (s, min, h, d)
 * under which it is exact ("1GB/min"), else per second in 6 digits. */
static void format_rate(double v, const unit_table *t, char *buf, size_t len)
{
    char suffix[8];
    for (size_t i = 0; i < sizeof per_list / sizeof per_list[0]; i++) {
        double w = v * per_list[i].mult;
        snprintf(suffix, sizeof suffix, "/%s", per_list[i].name);
        if (t && format_exact(w, t, suffix, buf, len))
            return;
        if (!t && whole(w)) {
            snprintf(buf, len, "%.0f%s", rint(w), suffix);
            return;
        }
    }
    snprintf(buf, len, "%.6g%s/s", t ? v / t->u[t->n - 1].mult : v, t ? t->u[t->n - 1].name : "");
}

void ws_unit_format(double value, ws_unit_class cls, char *buf, size_t len)
{
    assert(buf && len > 0);
    if (!isfinite(value) || cls == WS_UC_NONE) {
        snprintf(buf, len, "%g", value);
        return;
    }
    switch (cls) {
    case WS_UC_MEMORY:
    case WS_UC_TIME: {
        /* PostgreSQL's SHOW prints 0 without a unit. */
        const unit_table *t = cls == WS_UC_MEMORY ? &mem_units : &time_units;
        if (value == 0)
            snprintf(buf, len, "0");
        else if (!format_exact(value, t, "", buf, len))
            snprintf(buf, len, "%.6g%s", value / t->u[t->n - 1].mult, t->u[t->n - 1].name);
        return;
    }
    case WS_UC_BYTE_RATE:
        if (value == 0)
            snprintf(buf, len, "0B/s");
        else
            format_rate(value, &mem_units, buf, len);
        return;
    case WS_UC_COUNT_RATE:
        if (value == 0)
            snprintf(buf, len, "0/s");
        else
            format_rate(value, NULL, buf, len);
        return;
    case WS_UC_NONE:
        break;
    }
}

/* bool.c parse_bool_with_len: on/off/true/false/yes/no/1/0 and prefixes
 * that are unique, any case.  "o" could be on or off and is rejected, so
 * on and off need two letters; 1 and 0 must stand alone. */
int ws_parse_bool(const char *text, bool *out)
{
    assert(text && out);
    static const struct {
        const char *word;
        size_t min; /* shortest accepted prefix */
        bool value;
    } words[] = {
        {"true", 1, true}, {"false", 1, false}, {"yes", 1, true}, {"no", 1, false},
        {"on", 2, true},   {"off", 2, false},   {"1", 1, true},   {"0", 1, false},
    };
    const char *p = text;
    while (is_space(*p))
        p++;
    size_t n = strlen(p);
    while (n && is_space(p[n - 1]))
        n--;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (n >= words[i].min && n <= strlen(words[i].word) &&
            strncasecmp(p, words[i].word, n) == 0) {
            *out = words[i].value;
            return 0;
        }
    return -1;
}
