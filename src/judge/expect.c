/*
 * expect.c - `[expect VARIANT]` lines: a small recursive-descent parser
 * over the raw text, and their evaluation on ws_run_stats (see expect.h):
 * PASS, FAIL, or NOT EXERCISED when a figure about checkpoints comes from
 * a window without one.
 *
 * EXPR is kept as a linear form, constant + sum(coef * REF), which is all
 * the grammar can express; evaluation is then one loop.
 */
#include "walsim/expect.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/units.h"

#define MAX_TERMS 8
#define SHOW_MAX 80 /* echoed expectation text is cut here */

typedef struct ref {
    double coef;             /* sign included */
    size_t variant;
    const ws_metric *metric;
    char text[96];           /* "default.p99_latency" as written */
} ref;

struct ws_expect {
    const ws_raw_line *raw;  /* borrowed from the scenario */
    size_t variant;
    const ws_metric *metric;
    ws_expect_op op;
    double constant;         /* sum of the VALUE terms, in the metric's base unit */
    ref refs[MAX_TERMS];
    size_t n_refs;
};

/* Parser state: the text, where we are, where errors go. */
typedef struct parser {
    const ws_scenario *s;
    const ws_raw_line *raw;
    const char *p;
    ws_diag *err;
    ws_expect *e;
} parser;

static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_name_start(char c) { return is_alpha(c) || c == '_'; }

static void skip_space(parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t')
        ps->p++;
}

static int fail(parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "FILE:LINE: [expect V] TEXT: " + the message. */
static int fail(parser *ps, const char *fmt, ...)
{
    char shown[SHOW_MAX + 4], msg[WS_DIAG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *t = ps->raw->text;
    ws_diag_set(ps->err, ps->raw->file, ps->raw->line, "[expect %s] %s: %s", ps->raw->variant,
                ws_diag_show(t, strlen(t), SHOW_MAX, shown, sizeof shown), msg);
    return WS_EINPUT;
}

/* A name: letters, digits, '_', '.', and '-' when a letter or '_'
 * follows (variant names such as pg-default; "x-1ms" is a subtraction). */
static size_t name_length(const char *p)
{
    size_t n = 0;
    for (;;) {
        char c = p[n];
        if (is_alpha(c) || is_digit(c) || c == '_' || c == '.')
            n++;
        else if (c == '-' && n > 0 && is_name_start(p[n + 1]))
            n++;
        else
            return n;
    }
}

/* Is the name at p (n bytes) a reference VARIANT.METRIC: a '.' whose
 * next character starts a name?  ("0.5" and "1.5s" are numbers.) */
static const char *ref_dot(const char *p, size_t n)
{
    for (size_t i = n; i-- > 0;)
        if (p[i] == '.')
            return i + 1 < n && is_name_start(p[i + 1]) ? p + i : NULL;
    return NULL;
}

static const char *op_names[] = {"<", "<=", ">", ">=", "=", "!="};

const char *ws_expect_op_name(ws_expect_op op)
{
    assert(op >= WS_OP_LT && op <= WS_OP_NE);
    return op_names[op];
}

/* A metric name (n bytes at p), with a suggestion when unknown. */
static int find_metric(parser *ps, const char *p, size_t n, const ws_metric **out)
{
    *out = ws_metric_find(p, n);
    if (*out)
        return WS_OK;
    char shown[SHOW_MAX + 4];
    ws_diag_show(p, n, 40, shown, sizeof shown);
    const char *near = ws_metric_suggest(p, n);
    if (near)
        return fail(ps, "unknown metric '%s'; did you mean %s? (walsim help metrics lists them)",
                    shown, near);
    return fail(ps, "unknown metric '%s' (walsim help metrics lists them)", shown);
}

static int find_variant(parser *ps, const char *p, size_t n, size_t *out)
{
    char name[128];
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, p, n);
    name[n] = '\0';
    int v = ws_scenario_variant_index(ps->s, name);
    if (v >= 0) {
        *out = (size_t)v;
        return WS_OK;
    }
    char list[256] = "", shown[SHOW_MAX + 4];
    const char *near = NULL;
    int best = INT_MAX;
    for (size_t i = 0; i < ws_scenario_variant_count(ps->s); i++) {
        const char *vn = ws_scenario_variant_name(ps->s, i);
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", vn);
        int d = ws_edit_distance(name, n, vn);
        if (d < best) {
            best = d;
            near = vn;
        }
    }
    ws_diag_show(name, n, 40, shown, sizeof shown);
    if (near && best <= (n <= 4 ? 1 : 2))
        return fail(ps, "there is no variant '%s'; did you mean %s? (variants: %s)", shown, near,
                    list);
    return fail(ps, "there is no variant '%s' (variants: %s)", shown, list);
}

/* The extent of a number with its unit at p: sign, digits, fraction,
 * exponent, then (after optional spaces) letters with an optional
 * "/letters", or '%'.  Returns its length, 0 if there is no number. */
static size_t number_length(const char *p)
{
    const char *q = p;
    if (*q == '+' || *q == '-')
        q++;
    const char *d = q;
    while (is_digit(*q))
        q++;
    bool digits = q > d;
    if (*q == '.') {
        const char *f = ++q;
        while (is_digit(*q))
            q++;
        digits = digits || q > f;
    }
    if (!digits)
        return 0;
    if (*q == 'e' || *q == 'E') {
        const char *x = q + 1;
        if (*x == '+' || *x == '-')
            x++;
        if (is_digit(*x)) {
            while (is_digit(*x))
                x++;
            q = x;
        }
    }
    const char *u = q;
    while (*u == ' ' || *u == '\t')
        u++;
    if (*u == '%')
        return (size_t)(u + 1 - p);
    if (is_alpha(*u)) {
        while (is_alpha(*u))
            u++;
        if (*u == '/' && is_alpha(u[1]))
            for (u++; is_alpha(*u);)
                u++;
        return (size_t)(u - p);
    }
    if (*u == '/' && is_alpha(u[1])) { /* 500/s */
        for (u++; is_alpha(*u);)
            u++;
        return (size_t)(u - p);
    }
    return (size_t)(q - p);
}

/* A plain number (a factor, a count, a ratio without '%'). */
static int plain_number(const char *text, double *out, char *msg, size_t len)
{
    return ws_unit_parse(text, WS_UC_NONE, 1, out, msg, len);
}

/* VALUE in the left metric's kind, in its base unit. */
static int parse_value(parser *ps, const char *text, double *out)
{
    const ws_metric *m = ps->e->metric;
    const char *kind = ws_metric_kind_name(m->kind);
    char msg[300];
    size_t n = strlen(text);
    bool percent = n > 0 && text[n - 1] == '%';
    double x, plain;
    bool is_plain = plain_number(text, &plain, msg, sizeof msg) == 0;

    if (percent && m->kind != WS_MK_RATIO)
        return fail(ps, "'%s': a percentage is for ratios; %s is a %s", text, m->name, kind);
    switch (m->kind) {
    case WS_MK_COUNT:
        if (!is_plain)
            return fail(ps, "%s is a count: %s", m->name, msg);
        *out = plain;
        return WS_OK;
    case WS_MK_RATIO:
        if (percent) {
            char num[64];
            snprintf(num, sizeof num, "%.*s", (int)(n - 1), text);
            if (plain_number(num, &x, msg, sizeof msg) != 0)
                return fail(ps, "%s is a ratio: %s", m->name, msg);
            *out = x / 100;
            return WS_OK;
        }
        if (!is_plain)
            return fail(ps, "%s is a ratio: %s; expected a number such as 0.3 or 30%%", m->name,
                        msg);
        if (fabs(plain) > 1) /* "fpi_share < 30" means 30%, and would always hold */
            return fail(ps, "%s is a ratio from 0 to 1: write %g%% or %g", m->name, plain,
                        plain / 100);
        *out = plain;
        return WS_OK;
    case WS_MK_RATE:
        if (ws_unit_parse(text, WS_UC_COUNT_RATE, 1, &x, msg, sizeof msg) != 0)
            return fail(ps, "%s is a rate: %s", m->name, msg);
        *out = x;
        return WS_OK;
    case WS_MK_TIME:
    case WS_MK_SIZE: {
        bool time = m->kind == WS_MK_TIME;
        /* A bare number would be ambiguous (the CSV has latencies in ms
         * and checkpoint phases in s), so only 0 may go without a unit. */
        if (is_plain) {
            if (plain != 0)
                return fail(ps, "%s is a %s: '%s' needs a unit (%s), e.g. %s", m->name,
                            time ? "time" : "size", text,
                            ws_unit_names(time ? WS_UC_TIME : WS_UC_MEMORY),
                            time ? "20ms" : "60GB");
            *out = 0;
            return WS_OK;
        }
        if (ws_unit_parse(text, time ? WS_UC_TIME : WS_UC_MEMORY, 1, &x, msg, sizeof msg) != 0)
            return fail(ps, "%s is a %s: %s", m->name, time ? "time" : "size", msg);
        *out = time ? x / 1e9 : x; /* time: ns from units.h, seconds here */
        return WS_OK;
    }
    }
    return fail(ps, "internal error: metric kind %d", (int)m->kind);
}

/* REF at ps->p (already known to start a name): VARIANT.METRIC or METRIC. */
static int parse_ref(parser *ps, double coef)
{
    const char *p = ps->p;
    size_t n = name_length(p);
    const char *dot = ref_dot(p, n);
    ref r = {.coef = coef, .variant = ps->e->variant};
    if (dot) {
        if (dot == p)
            return fail(ps, "'%.*s' lacks the variant before '.'", (int)n, p);
        if (find_variant(ps, p, (size_t)(dot - p), &r.variant) != WS_OK)
            return WS_EINPUT;
        if (find_metric(ps, dot + 1, (size_t)(p + n - dot - 1), &r.metric) != WS_OK)
            return WS_EINPUT;
    } else if (find_metric(ps, p, n, &r.metric) != WS_OK) {
        return WS_EINPUT;
    }
    if (r.metric->kind != ps->e->metric->kind)
        return fail(ps, "%s is a %s but %.*s is a %s; compare metrics of the same kind",
                    ps->e->metric->name, ws_metric_kind_name(ps->e->metric->kind), (int)n, p,
                    ws_metric_kind_name(r.metric->kind));
    if (ps->e->n_refs == MAX_TERMS)
        return fail(ps, "more than %d references", MAX_TERMS);
    snprintf(r.text, sizeof r.text, "%.*s", (int)n, p);
    ps->e->refs[ps->e->n_refs++] = r;
    ps->p = p + n;
    return WS_OK;
}

/* A number at ps->p, copied out (the unit parser wants a string). */
static int take_number(parser *ps, char *buf, size_t len)
{
    size_t n = number_length(ps->p);
    if (n == 0) {
        char shown[SHOW_MAX + 4];
        const char *at = ps->p;
        if (*at == '\0')
            return fail(ps, "the expression ends early; expected a value (20ms, 0.3, 60GB) or "
                            "VARIANT.METRIC");
        return fail(ps, "unexpected '%s'; expected a value (20ms, 0.3, 60GB) or VARIANT.METRIC",
                    ws_diag_show(at, strlen(at), 40, shown, sizeof shown));
    }
    if (n >= len)
        return fail(ps, "a number of %zu characters is too long", n);
    memcpy(buf, ps->p, n);
    buf[n] = '\0';
    ps->p += n;
    return WS_OK;
}

/* A factor after '*' or before it: a plain number. */
static int factor_value(parser *ps, const char *text, double *out)
{
    char msg[300];
    if (plain_number(text, out, msg, sizeof msg) != 0)
        return fail(ps, "a factor must be a plain number (as in 0.5 * default.p99_latency): %s",
                    msg);
    return WS_OK;
}

/* TERM, with the sign of the operator before it. */
static int parse_term(parser *ps, double sign)
{
    skip_space(ps);
    const char *p = ps->p;
    size_t n = name_length(p);
    if (n && (is_name_start(*p) || ref_dot(p, n))) {
        /* REF [* FACTOR] */
        if (parse_ref(ps, sign) != WS_OK)
            return WS_EINPUT;
        skip_space(ps);
        if (*ps->p == '*') {
            ps->p++;
            skip_space(ps);
            char num[64];
            double f;
            if (take_number(ps, num, sizeof num) != WS_OK || factor_value(ps, num, &f) != WS_OK)
                return WS_EINPUT;
            ps->e->refs[ps->e->n_refs - 1].coef *= f;
        }
        return WS_OK;
    }
    char num[64];
    if (take_number(ps, num, sizeof num) != WS_OK)
        return WS_EINPUT;
    skip_space(ps);
    if (*ps->p == '*') {
        /* FACTOR * REF */
        double f;
        if (factor_value(ps, num, &f) != WS_OK)
            return WS_EINPUT;
        ps->p++;
        skip_space(ps);
        size_t m = name_length(ps->p);
        if (!m || !(is_name_start(*ps->p) || ref_dot(ps->p, m)))
            return fail(ps, "expected VARIANT.METRIC after '*' (as in 0.5 * default.p99_latency)");
        return parse_ref(ps, sign * f);
    }
    double v = 0;
    if (parse_value(ps, num, &v) != WS_OK)
        return WS_EINPUT;
    ps->e->constant += sign * v;
    return WS_OK;
}

static const char usage[] =
    "expected METRIC OP VALUE, e.g. p99_latency < 20ms or "
    "p99_latency < 0.5 * default.p99_latency (OP: < <= > >= = == !=)";

int ws_expect_parse(const ws_scenario *s, const ws_raw_line *raw, ws_expect **out, ws_diag *err)
{
    *out = NULL;
    ws_expect *e = calloc(1, sizeof *e);
    if (!e) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    parser ps = {s, raw, raw->text, err, e};
    e->raw = raw;
    int v = ws_scenario_variant_index(s, raw->variant);
    if (v < 0) { /* the scenario reader checks this; be safe */
        fail(&ps, "there is no variant named %s", raw->variant);
        goto bad;
    }
    e->variant = (size_t)v;

    /* METRIC */
    skip_space(&ps);
    size_t n = name_length(ps.p);
    if (n == 0 || !is_name_start(*ps.p)) {
        fail(&ps, "%s", usage);
        goto bad;
    }
    if (ref_dot(ps.p, n)) {
        fail(&ps, "the left side is a metric of variant %s, written without 'VARIANT.' "
                  "(references go on the right: p99_latency < 0.5 * default.p99_latency)",
             raw->variant);
        goto bad;
    }
    if (find_metric(&ps, ps.p, n, &e->metric) != WS_OK)
        goto bad;
    ps.p += n;

    /* OP */
    skip_space(&ps);
    const char *o = ps.p;
    if (o[0] == '<' && o[1] == '=')
        e->op = WS_OP_LE, ps.p += 2;
    else if (o[0] == '>' && o[1] == '=')
        e->op = WS_OP_GE, ps.p += 2;
    else if (o[0] == '=' && o[1] == '=')
        e->op = WS_OP_EQ, ps.p += 2;
    else if (o[0] == '!' && o[1] == '=')
        e->op = WS_OP_NE, ps.p += 2;
    else if (o[0] == '<')
        e->op = WS_OP_LT, ps.p += 1;
    else if (o[0] == '>')
        e->op = WS_OP_GT, ps.p += 1;
    else if (o[0] == '=' && o[1] != '<' && o[1] != '>') /* "=>" is no operator */
        e->op = WS_OP_EQ, ps.p += 1;
    else {
        fail(&ps, "%s", usage);
        goto bad;
    }

    /* EXPR */
    if (parse_term(&ps, 1) != WS_OK)
        goto bad;
    for (;;) {
        skip_space(&ps);
        if (*ps.p == '\0')
            break;
        if (*ps.p != '+' && *ps.p != '-') {
            char shown[SHOW_MAX + 4];
            fail(&ps, "unexpected '%s' after the expression; expected + or - or the end",
                 ws_diag_show(ps.p, strlen(ps.p), 40, shown, sizeof shown));
            goto bad;
        }
        double sign = *ps.p == '-' ? -1 : 1;
        ps.p++;
        if (parse_term(&ps, sign) != WS_OK)
            goto bad;
    }
    *out = e;
    return WS_OK;
bad:
    free(e);
    return WS_EINPUT;
}

void ws_expect_free(ws_expect *e) { free(e); }

const ws_raw_line *ws_expect_raw(const ws_expect *e) { return e->raw; }
size_t ws_expect_variant(const ws_expect *e) { return e->variant; }
const ws_metric *ws_expect_metric(const ws_expect *e) { return e->metric; }
ws_expect_op ws_expect_operator(const ws_expect *e) { return e->op; }

bool ws_expect_uses(const ws_expect *e, size_t v)
{
    if (e->variant == v)
        return true;
    for (size_t i = 0; i < e->n_refs; i++)
        if (e->refs[i].variant == v)
            return true;
    return false;
}

static double bound(const ws_expect *e, const ws_run_stats *const *by_variant)
{
    double x = e->constant;
    for (size_t i = 0; i < e->n_refs; i++) {
        const ws_run_stats *st = by_variant[e->refs[i].variant];
        assert(st);
        x += e->refs[i].coef * e->refs[i].metric->get(st);
    }
    return x;
}

/* The variant name of term i of e (0: the left metric, k: refs[k - 1]) as
 * written in the scenario, into buf. */
static void term_variant(const ws_expect *e, size_t i, char *buf, size_t len)
{
    const char *t = i ? e->refs[i - 1].text : NULL;
    const char *dot = t ? strrchr(t, '.') : NULL;
    if (dot)
        snprintf(buf, len, "%.*s", (int)(dot - t), t);
    else
        snprintf(buf, len, "%s", e->raw->variant);
}

/* Was every figure e reads exercised?  When not, the first that was not,
 * with its variant, into r->why. */
static bool exercised(const ws_expect *e, const ws_run_stats *const *by_variant,
                      ws_expect_result *r)
{
    char why[WS_EXPECT_WHY - 96], name[80];
    for (size_t i = 0; i <= e->n_refs; i++) {
        const ws_metric *m = i ? e->refs[i - 1].metric : e->metric;
        const ws_run_stats *st = by_variant[i ? e->refs[i - 1].variant : e->variant];
        assert(st);
        if (ws_metric_exercised(m, st, why, sizeof why))
            continue;
        term_variant(e, i, name, sizeof name);
        snprintf(r->why, sizeof r->why, "%s.%s: %s", name, m->name, why);
        return false;
    }
    return true;
}

ws_expect_result ws_expect_eval(const ws_expect *e, const ws_run_stats *const *by_variant)
{
    const ws_run_stats *own = by_variant[e->variant];
    assert(own);
    ws_expect_result r = {.measured = e->metric->get(own), .bound = bound(e, by_variant)};
    double a = r.measured, b = r.bound;
    bool holds = false;
    if (isfinite(a) && isfinite(b)) {
        switch (e->op) {
        case WS_OP_LT: holds = a < b; break;
        case WS_OP_LE: holds = a <= b; break;
        case WS_OP_GT: holds = a > b; break;
        case WS_OP_GE: holds = a >= b; break;
        case WS_OP_EQ: holds = a == b; break;
        case WS_OP_NE: holds = a != b; break;
        }
    }
    if (!exercised(e, by_variant, &r))
        r.verdict = WS_EXPECT_NOT_EXERCISED;
    else
        r.verdict = holds ? WS_EXPECT_PASS : WS_EXPECT_FAIL;
    r.pass = r.verdict == WS_EXPECT_PASS;
    return r;
}

void ws_expect_describe(const ws_expect *e, const ws_run_stats *const *by_variant,
                        const ws_expect_result *r, char *buf, size_t len)
{
    ws_metric_kind k = e->metric->kind;
    char a[64], b[64];
    ws_metric_format(k, r->measured, 4, a, sizeof a);
    ws_metric_format(k, r->bound, 4, b, sizeof b);
    if (strcmp(a, b) == 0 && r->measured != r->bound) {
        ws_metric_format(k, r->measured, 9, a, sizeof a);
        ws_metric_format(k, r->bound, 9, b, sizeof b);
    }
    int used = snprintf(buf, len, "%s = %s, expected %s %s", e->metric->name, a,
                        ws_expect_op_name(e->op), b);
    for (size_t i = 0; i < e->n_refs && used >= 0 && (size_t)used < len; i++) {
        char v[64];
        ws_metric_format(k, e->refs[i].metric->get(by_variant[e->refs[i].variant]), 4, v,
                         sizeof v);
        used += snprintf(buf + used, len - (size_t)used, "%s%s = %s%s", i ? ", " : " (",
                         e->refs[i].text, v, i + 1 == e->n_refs ? ")" : "");
    }
}

const char *ws_expect_verdict_name(ws_expect_verdict v)
{
    switch (v) {
    case WS_EXPECT_PASS: return "PASS";
    case WS_EXPECT_FAIL: return "FAIL";
    case WS_EXPECT_NOT_EXERCISED: return "NOT EXERCISED";
    }
    return "?";
}

void ws_expect_note(const ws_expect *e, const ws_run_stats *const *by_variant, char *buf,
                    size_t len)
{
    assert(buf && len > 0);
    buf[0] = '\0';
    /* The overloaded variants whose latency e reads, own first, each once. */
    size_t seen[MAX_TERMS + 1];
    size_t n_seen = 0;
    int used = 0;
    for (size_t i = 0; i <= e->n_refs; i++) {
        const ws_metric *m = i ? e->refs[i - 1].metric : e->metric;
        size_t v = i ? e->refs[i - 1].variant : e->variant;
        const ws_run_stats *st = by_variant[v];
        if (!(m->flags & WS_MF_LATENCY) || !st || !st->win.overloaded)
            continue;
        bool dup = false;
        for (size_t k = 0; k < n_seen; k++)
            dup = dup || seen[k] == v;
        if (dup)
            continue;
        seen[n_seen++] = v;
        char name[80];
        term_variant(e, i, name, sizeof name);
        if (used >= 0 && (size_t)used < len)
            used += snprintf(buf + used, len - (size_t)used,
                             "%snote: %s is overloaded: its latencies are those of a queue that "
                             "grows for as long as the run lasts, not of a stable system",
                             n_seen > 1 ? "\n" : "", name);
    }
}
