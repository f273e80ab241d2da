/*
 * sweep.c - parameter grammar, grid, shards and the parallel runner of
 * `walsim sweep` (see sweep.h).  sweep.csv's columns and the merge of
 * shards are in src/output/sweepcsv.c.
 *
 * Every (point, seed) loads its own scenario and applies --set, the
 * point's values and the seed as command-line overrides: a ws_scenario is
 * not shared between threads, and a point's result cannot depend on which
 * thread ran it or what ran before.  Loading a scenario costs far less than
 * simulating it (microseconds against seconds).
 */
#include "walsim/sweep.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "walsim/scenario.h"
#include "walsim/settings.h"
#include "walsim/units.h"

#define SHOW_MAX 60

static const char *show(const char *s, char *buf, size_t len)
{
    return ws_diag_show(s, strlen(s), SHOW_MAX, buf, len);
}

static char *dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* s[0..n) without surrounding blanks. */
static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static int push_value(ws_sweep_param *p, size_t *cap, const char *s, size_t n)
{
    if (p->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        char **v = realloc(p->values, nc * sizeof *v);
        if (!v)
            return WS_ENOMEM;
        p->values = v;
        *cap = nc;
    }
    if (!(p->values[p->n] = dup_range(s, n)))
        return WS_ENOMEM;
    p->n++;
    return WS_OK;
}

/* ------------------------------------------------------------------------
 * Ranges: LO..HI+STEP and LO..HI*F. */

/* The unit class of a number as written, and its value in base units:
 * a plain number first, then each class units.h knows. */
static int classify(const char *text, ws_unit_class *cls, double *v)
{
    static const ws_unit_class order[] = {WS_UC_NONE, WS_UC_MEMORY, WS_UC_TIME, WS_UC_BYTE_RATE,
                                          WS_UC_COUNT_RATE};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (ws_unit_parse(text, order[i], 1, v, NULL, 0) == 0) {
            *cls = order[i];
            return 0;
        }
    return -1;
}

static const char *class_name(ws_unit_class c)
{
    switch (c) {
    case WS_UC_NONE: return "a plain number";
    case WS_UC_MEMORY: return "a memory size";
    case WS_UC_TIME: return "a time";
    case WS_UC_BYTE_RATE: return "a byte rate";
    case WS_UC_COUNT_RATE: return "a rate";
    }
    return "?";
}

/* Where the step or factor operator of "HI+STEP" / "HI*F" is: the first
 * '+' or '*' that is not a leading sign or an exponent's sign (1e+3). */
static const char *find_step_op(const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '*')
            return p;
        if (*p == '+' && p > s && !((p[-1] == 'e' || p[-1] == 'E') && p - 1 > s &&
                                    ((p[-2] >= '0' && p[-2] <= '9') || p[-2] == '.')))
            return p;
    }
    return NULL;
}

/* A generated value as a setting would SHOW it: "4GB", "90s", "0.7". */
static void format_value(double v, ws_unit_class cls, char *buf, size_t len)
{
    if (cls == WS_UC_NONE)
        snprintf(buf, len, "%.12g", v); /* 12 digits: 0.5 + 2 * 0.1 prints 0.7 */
    else
        ws_unit_format(v, cls, buf, len);
}

static int parse_range(const char *key, const char *text, const char *dots, ws_sweep_param *p,
                       ws_diag *err)
{
    char sk[SHOW_MAX + 4], st[SHOW_MAX + 4];
    show(key, sk, sizeof sk);
    show(text, st, sizeof st);
    const char *rest = dots + 2;
    const char *op = find_step_op(rest);
    if (!op) {
        ws_diag_set(err, NULL, 0,
                    "--param %s=%s: a range needs a step or a factor: LO..HI+STEP "
                    "(1min..30min+1min) or LO..HI*F (1GB..64GB*2)",
                    sk, st);
        return WS_EINPUT;
    }
    const char *parts[3] = {text, rest, op + 1};
    size_t lens[3] = {(size_t)(dots - text), (size_t)(op - rest), strlen(op + 1)};
    static const char *const what[3] = {"start", "end", "step"};
    double v[3];
    ws_unit_class cls[3];
    for (int i = 0; i < 3; i++) {
        const char *s = parts[i];
        size_t n = lens[i];
        trim(&s, &n);
        char buf[80], shown[SHOW_MAX + 4];
        if (n == 0 || n >= sizeof buf) {
            ws_diag_set(err, NULL, 0, "--param %s=%s: the range's %s is %s", sk, st,
                        *op == '*' && i == 2 ? "factor" : what[i], n ? "too long" : "missing");
            return WS_EINPUT;
        }
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (classify(buf, &cls[i], &v[i]) != 0) {
            ws_diag_set(err, NULL, 0,
                        "--param %s=%s: '%s' is not a number (with or without a unit: 0.5, "
                        "64GB, 5min, 125MB/s)",
                        sk, st, show(buf, shown, sizeof shown));
            return WS_EINPUT;
        }
    }
    if (cls[0] != cls[1]) {
        ws_diag_set(err, NULL, 0, "--param %s=%s: the range starts with %s and ends with %s", sk,
                    st, class_name(cls[0]), class_name(cls[1]));
        return WS_EINPUT;
    }
    double lo = v[0], hi = v[1], step = v[2];
    if (lo > hi) {
        ws_diag_set(err, NULL, 0, "--param %s=%s: the range's start is above its end", sk, st);
        return WS_EINPUT;
    }
    size_t count;
    if (*op == '+') {
        if (cls[2] != cls[0]) {
            ws_diag_set(err, NULL, 0, "--param %s=%s: the step is %s, expected %s as the ends",
                        sk, st, class_name(cls[2]), class_name(cls[0]));
            return WS_EINPUT;
        }
        if (!(step > 0)) {
            ws_diag_set(err, NULL, 0, "--param %s=%s: the step must be above 0", sk, st);
            return WS_EINPUT;
        }
        /* The end counts when it is within rounding of a step ("0.5..0.9+0.1"). */
        double q = (hi - lo) / step;
        if (q >= WS_SWEEP_MAX_VALUES) {
            ws_diag_set(err, NULL, 0, "--param %s=%s: more than %d values", sk, st,
                        WS_SWEEP_MAX_VALUES);
            return WS_EINPUT;
        }
        count = (size_t)floor(q + 1e-9) + 1;
    } else {
        if (cls[2] != WS_UC_NONE || !(step > 1)) {
            ws_diag_set(err, NULL, 0,
                        "--param %s=%s: the factor must be a plain number above 1 (as in "
                        "1GB..64GB*2)",
                        sk, st);
            return WS_EINPUT;
        }
        if (!(lo > 0)) {
            ws_diag_set(err, NULL, 0, "--param %s=%s: a range with a factor must start above 0",
                        sk, st);
            return WS_EINPUT;
        }
        count = 0;
        for (double x = lo; x <= hi * (1 + 1e-12); x *= step)
            if (++count > WS_SWEEP_MAX_VALUES) {
                ws_diag_set(err, NULL, 0, "--param %s=%s: more than %d values", sk, st,
                            WS_SWEEP_MAX_VALUES);
                return WS_EINPUT;
            }
    }
    size_t cap = 0;
    double x = lo;
    for (size_t i = 0; i < count; i++) {
        /* lo + i * step, not repeated addition, so errors do not pile up */
        double val = *op == '+' ? lo + (double)i * step : x;
        char buf[64];
        format_value(val, cls[0], buf, sizeof buf);
        if (push_value(p, &cap, buf, strlen(buf)) != WS_OK)
            return WS_ENOMEM;
        x *= step;
    }
    return WS_OK;
}

int ws_sweep_param_parse(const char *arg, ws_sweep_param *out, ws_diag *err)
{
    memset(out, 0, sizeof *out);
    char sa[SHOW_MAX + 4];
    const char *eq = strchr(arg, '=');
    const char *k = arg;
    size_t kl = eq ? (size_t)(eq - arg) : 0;
    trim(&k, &kl);
    if (!eq || kl == 0) {
        ws_diag_set(err, NULL, 0,
                    "--param %s: expected KEY=VALUES, e.g. --param max_wal_size=1GB,4GB,16GB, "
                    "checkpoint_timeout=5min..30min+5min or shared_buffers=1GB..16GB*2",
                    show(arg, sa, sizeof sa));
        return WS_EINPUT;
    }
    int rc = WS_ENOMEM;
    if (!(out->key = dup_range(k, kl)))
        goto fail;
    const char *vals = eq + 1;
    size_t vl = strlen(vals);
    trim(&vals, &vl);
    char *text = dup_range(vals, vl);
    if (!text)
        goto fail;
    char sk[SHOW_MAX + 4];
    show(out->key, sk, sizeof sk);
    const char *dots = strstr(text, "..");
    if (vl == 0) {
        ws_diag_set(err, NULL, 0, "--param %s=: no values; expected a list (1GB,4GB), a range "
                                  "(1min..30min+1min) or a factor range (1GB..64GB*2)", sk);
        rc = WS_EINPUT;
    } else if (dots) {
        rc = parse_range(out->key, text, dots, out, err);
    } else {
        size_t cap = 0;
        rc = WS_OK;
        for (const char *s = text; rc == WS_OK;) {
            const char *c = strchr(s, ',');
            size_t n = c ? (size_t)(c - s) : strlen(s);
            const char *item = s;
            trim(&item, &n);
            if (n == 0) {
                char st[SHOW_MAX + 4];
                ws_diag_set(err, NULL, 0, "--param %s=%s: an empty value in the list", sk,
                            show(text, st, sizeof st));
                rc = WS_EINPUT;
                break;
            }
            rc = push_value(out, &cap, item, n);
            if (!c)
                break;
            s = c + 1;
        }
    }
    free(text);
    if (rc != WS_OK)
        goto fail;
    if (!(out->num = malloc(out->n * sizeof *out->num))) {
        rc = WS_ENOMEM;
        goto fail;
    }
    for (size_t i = 0; i < out->n; i++)
        out->num[i] = NAN;
    return WS_OK;
fail:
    if (rc == WS_ENOMEM)
        ws_diag_set(err, NULL, 0, "out of memory");
    ws_sweep_param_free(out);
    return rc;
}

void ws_sweep_param_free(ws_sweep_param *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->values[i]);
    free(p->values);
    free(p->num);
    free(p->key);
    memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------------------
 * Grid and shards. */

int ws_sweep_grid_size(const ws_sweep_param *params, size_t n, size_t *points, ws_diag *err)
{
    size_t total = 1;
    for (size_t i = 0; i < n; i++) {
        assert(params[i].n >= 1);
        if (total > WS_SWEEP_MAX_POINTS / params[i].n) {
            ws_diag_set(err, NULL, 0,
                        "the grid has more than %d points; split it into several sweeps",
                        WS_SWEEP_MAX_POINTS);
            return WS_EINPUT;
        }
        total *= params[i].n;
    }
    *points = total;
    return WS_OK;
}

void ws_sweep_grid_point(const ws_sweep_param *params, size_t n, size_t point, size_t *idx)
{
    /* Mixed radix, last parameter fastest: the nested loops of the
     * parameters in command-line order. */
    for (size_t i = n; i-- > 0;) {
        idx[i] = point % params[i].n;
        point /= params[i].n;
    }
    assert(point == 0);
}

static int parse_uint(const char *s, size_t n, unsigned long max, unsigned *out)
{
    if (n == 0 || n > 9)
        return -1;
    unsigned long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v > max)
        return -1;
    *out = (unsigned)v;
    return 0;
}

int ws_sweep_shard_parse(const char *text, unsigned *k, unsigned *n, ws_diag *err)
{
    char st[SHOW_MAX + 4];
    const char *slash = strchr(text, '/');
    unsigned kk, nn;
    if (!slash || parse_uint(text, (size_t)(slash - text), 1000000, &kk) != 0 ||
        parse_uint(slash + 1, strlen(slash + 1), 1000000, &nn) != 0 || kk < 1 || nn < 1) {
        ws_diag_set(err, NULL, 0, "--shard %s: expected K/N with 1 <= K <= N, e.g. --shard 3/8",
                    show(text, st, sizeof st));
        return WS_EINPUT;
    }
    if (kk > nn) {
        ws_diag_set(err, NULL, 0, "--shard %s: K is above N; shards are numbered 1 to %u",
                    show(text, st, sizeof st), nn);
        return WS_EINPUT;
    }
    *k = kk;
    *n = nn;
    return WS_OK;
}

/* ------------------------------------------------------------------------
 * Threads. */

unsigned ws_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 && n <= 4096 ? (unsigned)n : 1;
}

typedef struct pool {
    size_t n, next;
    pthread_mutex_t mu;
    void (*fn)(void *ctx, size_t i);
    void *ctx;
} pool;

static void *pool_worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next < p->n ? p->next++ : p->n;
        pthread_mutex_unlock(&p->mu);
        if (i == p->n)
            return NULL;
        p->fn(p->ctx, i);
    }
}

void ws_parallel_for(size_t n, unsigned jobs, void (*fn)(void *ctx, size_t i), void *ctx)
{
    if (jobs <= 1 || n <= 1) {
        for (size_t i = 0; i < n; i++)
            fn(ctx, i);
        return;
    }
    size_t extra = (jobs < n ? jobs : n) - 1; /* the calling thread works too */
    pool p = {n, 0, PTHREAD_MUTEX_INITIALIZER, fn, ctx};
    pthread_t *t = calloc(extra, sizeof *t);
    size_t started = 0;
    /* A thread that cannot be created only means less parallelism. */
    while (t && started < extra && pthread_create(&t[started], NULL, pool_worker, &p) == 0)
        started++;
    pool_worker(&p);
    for (size_t i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    free(t);
    pthread_mutex_destroy(&p.mu);
}

/* ------------------------------------------------------------------------
 * The sweep. */

typedef struct job {
    char *text;        /* the job's CSV rows */
    size_t len;
    int rc;
    bool done;
    ws_diag *err;      /* set when rc != 0 */
} job;

struct ws_sweep {
    const ws_sweep_spec *spec;
    ws_scenario *check;      /* the scenario values were checked on: names of variants */
    size_t points;
    size_t *shard_list, n_shard;
    size_t *chosen, n_chosen; /* variant indices, scenario order */
    unsigned seeds;
    bool set_seed;
    uint64_t seed_base;
    /* running */
    pthread_mutex_t mu;
    job *jobs;
    size_t n_jobs, next_write, n_done;
    bool abort;
    FILE *csv;
    ws_sweep_progress_fn progress;
    void *progress_ctx;
};

static int load(const ws_sweep_spec *spec, ws_scenario **s, ws_diag *err)
{
    if (spec->file)
        return ws_scenario_load_file(spec->file, s, err);
    char name[128];
    snprintf(name, sizeof name, "<built-in>/%s", ws_default_scenario_name);
    return ws_scenario_load_string(ws_default_scenario_text, ws_default_scenario_len, name, s, err);
}

/* ws_scenario_set with a formatted assignment. */
static int set_kv(ws_scenario *s, const char *key, const char *value, ws_diag *err)
{
    size_t n = strlen(key) + strlen(value) + 2;
    char *a = malloc(n);
    if (!a) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    snprintf(a, n, "%s=%s", key, value);
    int rc = ws_scenario_set(s, a, err);
    free(a);
    return rc;
}

/* The value a --param KEY sets, found as scenario.c binds keys: a plain
 * name in [postgres], [scenario], [workload], [os], [disk] (ws_scenario_set
 * has already rejected an ambiguous one), or SECTION.KEY, or
 * SECTION.NAME.KEY for tables, transactions and bulk loads.  NULL for a
 * PostgreSQL setting walsim does not model. */
static const ws_value *key_value(const ws_config *c, const char *key, ws_setting_id *id_out)
{
    static const ws_section plain[] = {WS_SEC_POSTGRES, WS_SEC_SCENARIO, WS_SEC_WORKLOAD,
                                       WS_SEC_OS, WS_SEC_DISK};
    const char *dot = strchr(key, '.');
    if (!dot) {
        for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
            int id = ws_setting_lookup(plain[i], key);
            if (id >= 0) {
                *id_out = (ws_setting_id)id;
                return ws_cfg_value(c, (ws_setting_id)id);
            }
        }
        return NULL;
    }
    char head[64];
    size_t hl = (size_t)(dot - key);
    if (hl >= sizeof head)
        return NULL;
    memcpy(head, key, hl);
    head[hl] = '\0';
    int sec = ws_section_from_name(head);
    if (sec < 0)
        return NULL;
    const char *rest = dot + 1;
    if (!ws_section_named((ws_section)sec)) {
        int id = ws_setting_lookup((ws_section)sec, rest);
        if (id < 0)
            return NULL;
        *id_out = (ws_setting_id)id;
        return ws_cfg_value(c, (ws_setting_id)id);
    }
    const char *dot2 = strchr(rest, '.');
    if (!dot2)
        return NULL;
    size_t il = (size_t)(dot2 - rest);
    int id = ws_setting_lookup((ws_section)sec, dot2 + 1);
    if (id < 0)
        return NULL;
    for (size_t i = 0; i < ws_cfg_instance_count(c, (ws_section)sec); i++) {
        const char *name = ws_cfg_instance_name(c, (ws_section)sec, i);
        if (strlen(name) == il && memcmp(name, rest, il) == 0) {
            *id_out = (ws_setting_id)id;
            return ws_cfg_instance_value(c, (ws_section)sec, i, (ws_setting_id)id);
        }
    }
    return NULL;
}

/* KEY_num: bytes, seconds, per second or the number; NAN otherwise. */
static double value_num(const ws_value *v, ws_setting_id id)
{
    if (!v || !v->available)
        return NAN;
    switch (ws_setting_desc_get(id)->type) {
    case WS_T_INT:
    case WS_T_REAL:
    case WS_T_MEMORY:
    case WS_T_BYTE_RATE:
    case WS_T_COUNT_RATE:
        return v->num;
    case WS_T_TIME:
        return v->num / 1e9;
    default:
        return NAN;
    }
}

/* A value that cannot be a CSV field of sweep.csv (which has no quoting). */
static bool csv_safe(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p == ',' || *p < 0x20 || *p == 0x7f || *p == '"')
            return false;
    return true;
}

static int choose_variants(ws_sweep *sw, ws_diag *err)
{
    const ws_sweep_spec *spec = sw->spec;
    size_t nv = ws_scenario_variant_count(sw->check);
    bool *on = calloc(nv, sizeof *on);
    sw->chosen = calloc(nv, sizeof *sw->chosen);
    if (!on || !sw->chosen) {
        free(on);
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    for (size_t i = 0; i < spec->n_variants; i++) {
        int v = ws_scenario_variant_index(sw->check, spec->variants[i]);
        if (v < 0) {
            char list[256] = "", sv[SHOW_MAX + 4];
            for (size_t j = 0; j < nv; j++) {
                size_t used = strlen(list);
                snprintf(list + used, sizeof list - used, "%s%s", j ? ", " : "",
                         ws_scenario_variant_name(sw->check, j));
            }
            ws_diag_set(err, NULL, 0, "--variant %s: no such variant; the scenario has: %s",
                        show(spec->variants[i], sv, sizeof sv), list);
            free(on);
            return WS_EINPUT;
        }
        on[v] = true;
    }
    for (size_t v = 0; v < nv; v++)
        if (spec->n_variants == 0 || on[v])
            sw->chosen[sw->n_chosen++] = v;
    free(on);
    for (size_t i = 0; i < sw->n_chosen; i++) {
        const char *name = ws_scenario_variant_name(sw->check, sw->chosen[i]);
        if (!csv_safe(name)) {
            char sv[SHOW_MAX + 4];
            ws_diag_set(err, NULL, 0, "variant '%s': a name with a comma, quote or control "
                                      "character cannot be a sweep.csv field; rename it",
                        show(name, sv, sizeof sv));
            return WS_EINPUT;
        }
    }
    return WS_OK;
}

static int check_params(ws_sweep *sw, ws_diag *err)
{
    const ws_sweep_spec *spec = sw->spec;
    for (size_t i = 0; i < spec->n_params; i++) {
        ws_sweep_param *p = &spec->params[i];
        char sk[SHOW_MAX + 4], sv[SHOW_MAX + 4];
        show(p->key, sk, sizeof sk);
        for (size_t j = 0; j < i; j++)
            if (strcmp(spec->params[j].key, p->key) == 0) {
                ws_diag_set(err, NULL, 0, "--param %s is given twice; give its values once "
                                          "(a list: --param %s=A,B,C)", sk, sk);
                return WS_EINPUT;
            }
        if (!csv_safe(p->key)) {
            ws_diag_set(err, NULL, 0, "--param %s: a key with a comma, quote or control "
                                      "character cannot be a sweep.csv column", sk);
            return WS_EINPUT;
        }
        for (size_t j = 0; j < p->n; j++) {
            show(p->values[j], sv, sizeof sv);
            if (!csv_safe(p->values[j])) {
                ws_diag_set(err, NULL, 0, "--param %s: the value '%s' has a comma, quote or "
                                          "control character, which sweep.csv cannot hold",
                            sk, sv);
                return WS_EINPUT;
            }
            ws_diag e2;
            ws_diag_clear(&e2);
            int rc = set_kv(sw->check, p->key, p->values[j], &e2);
            if (rc != WS_OK) {
                /* ws_scenario_set's message starts "--set: "; say --param. */
                const char *m = strncmp(e2.msg, "--set: ", 7) == 0 ? e2.msg + 7 : e2.msg;
                ws_diag_set(err, NULL, 0, "--param %s: %s", sk, m);
                return rc;
            }
            ws_config *c;
            if (ws_config_resolve(sw->check, sw->chosen[0], &c, err) != WS_OK)
                return WS_EINPUT;
            ws_setting_id id = WS_S__COUNT;
            const ws_value *v = key_value(c, p->key, &id);
            p->num[j] = v ? value_num(v, id) : NAN;
            ws_config_free(c);
            if (!v) {
                /* Accepted by ws_scenario_set but not modelled (work_mem,
                 * pg_stat_statements.max): every point would be the same. */
                ws_diag_set(err, NULL, 0, "--param %s: a PostgreSQL setting that walsim does not "
                                          "model; every point of the sweep would be the same",
                            sk);
                return WS_EINPUT;
            }
            if (v && id == WS_S_seed && spec->seeds > 0) {
                ws_diag_set(err, NULL, 0, "--param %s and --seeds: give the seeds one way", sk);
                return WS_EINPUT;
            }
        }
    }
    return WS_OK;
}

int ws_sweep_new(const ws_sweep_spec *spec, ws_sweep **out, ws_diag *err)
{
    assert(spec->shard_k >= 1 && spec->shard_k <= spec->shard_n);
    *out = NULL;
    ws_sweep *sw = calloc(1, sizeof *sw);
    if (!sw) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    sw->spec = spec;
    pthread_mutex_init(&sw->mu, NULL);
    int rc = ws_sweep_grid_size(spec->params, spec->n_params, &sw->points, err);
    if (rc == WS_OK && spec->seeds > WS_SWEEP_MAX_POINTS / sw->points) {
        ws_diag_set(err, NULL, 0, "%zu points x %u seeds is more than %d runs; split the sweep",
                    sw->points, spec->seeds, WS_SWEEP_MAX_POINTS);
        rc = WS_EINPUT;
    }
    if (rc == WS_OK)
        rc = load(spec, &sw->check, err);
    for (size_t i = 0; rc == WS_OK && i < spec->n_sets; i++)
        rc = ws_scenario_set(sw->check, spec->sets[i], err);
    if (rc == WS_OK)
        rc = choose_variants(sw, err);
    if (rc == WS_OK) {
        /* --seeds N: base..base+N-1, base being the seed after --set. */
        sw->seeds = spec->seeds ? spec->seeds : 1;
        sw->set_seed = spec->seeds > 0;
        ws_config *c;
        rc = ws_config_resolve(sw->check, sw->chosen[0], &c, err);
        if (rc == WS_OK) {
            sw->seed_base = (uint64_t)ws_cfg_int(c, WS_S_seed);
            ws_config_free(c);
        }
    }
    if (rc == WS_OK)
        rc = check_params(sw, err);
    /* The models of the chosen variants, with the last value of each
     * parameter (the last ws_scenario_set wins): the grid's last point. */
    for (size_t i = 0; rc == WS_OK && i < sw->n_chosen; i++) {
        ws_config *c;
        rc = ws_config_resolve(sw->check, sw->chosen[i], &c, err);
        if (rc == WS_OK)
            rc = ws_run_validate(c, err);
        ws_config_free(c);
    }
    if (rc == WS_OK) {
        size_t k = spec->shard_k, n = spec->shard_n;
        sw->n_shard = sw->points >= k ? (sw->points - k) / n + 1 : 0;
        sw->shard_list = malloc((sw->n_shard ? sw->n_shard : 1) * sizeof *sw->shard_list);
        if (!sw->shard_list) {
            ws_diag_set(err, NULL, 0, "out of memory");
            rc = WS_ENOMEM;
        } else {
            size_t j = 0;
            for (size_t p = k - 1; p < sw->points; p += n)
                sw->shard_list[j++] = p;
            assert(j == sw->n_shard);
        }
    }
    if (rc != WS_OK) {
        ws_sweep_free(sw);
        return rc;
    }
    *out = sw;
    return WS_OK;
}

void ws_sweep_free(ws_sweep *sw)
{
    if (!sw)
        return;
    if (sw->jobs) {
        for (size_t i = 0; i < sw->n_jobs; i++) {
            free(sw->jobs[i].text);
            free(sw->jobs[i].err);
        }
        free(sw->jobs);
    }
    ws_scenario_free(sw->check);
    free(sw->shard_list);
    free(sw->chosen);
    pthread_mutex_destroy(&sw->mu);
    free(sw);
}

size_t ws_sweep_points(const ws_sweep *sw) { return sw->points; }
size_t ws_sweep_shard_points(const ws_sweep *sw) { return sw->n_shard; }
size_t ws_sweep_variant_count(const ws_sweep *sw) { return sw->n_chosen; }
unsigned ws_sweep_seed_count(const ws_sweep *sw) { return sw->seeds; }

/* "point 3 (max_wal_size=4GB, disk.preset=hdd)" for messages. */
static void describe_point(const ws_sweep *sw, size_t point, const size_t *idx, char *buf,
                           size_t len)
{
    int used = snprintf(buf, len, "point %zu", point);
    for (size_t i = 0; i < sw->spec->n_params && used >= 0 && (size_t)used < len; i++) {
        const ws_sweep_param *p = &sw->spec->params[i];
        used += snprintf(buf + used, len - (size_t)used, "%s%s=%s", i ? ", " : " (", p->key,
                         p->values[idx[i]]);
        if (i + 1 == sw->spec->n_params && (size_t)used < len)
            used += snprintf(buf + used, len - (size_t)used, ")");
    }
}

/* One (point, seed): its own scenario, every chosen variant, the rows. */
static int run_one(ws_sweep *sw, size_t point, unsigned seed_k, const size_t *idx, FILE *rows,
                   char *failed_variant, size_t len, ws_diag *err)
{
    const ws_sweep_spec *spec = sw->spec;
    ws_scenario *s = NULL;
    int rc = load(spec, &s, err);
    for (size_t i = 0; rc == WS_OK && i < spec->n_sets; i++)
        rc = ws_scenario_set(s, spec->sets[i], err);
    for (size_t i = 0; rc == WS_OK && i < spec->n_params; i++)
        rc = set_kv(s, spec->params[i].key, spec->params[i].values[idx[i]], err);
    if (rc == WS_OK && sw->set_seed) {
        char seed[32];
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)(sw->seed_base + seed_k));
        rc = set_kv(s, "seed", seed, err);
    }
    for (size_t v = 0; rc == WS_OK && v < sw->n_chosen; v++) {
        ws_config *c = NULL;
        ws_run_stats st;
        rc = ws_config_resolve(s, sw->chosen[v], &c, err);
        if (rc == WS_OK)
            rc = ws_run(c, NULL, NULL, NULL, &st, err);
        if (rc == WS_OK)
            ws_sweep_csv_row(rows, point, spec->params, spec->n_params, idx, &st);
        else
            snprintf(failed_variant, len, "%s", ws_scenario_variant_name(s, sw->chosen[v]));
        ws_config_free(c);
    }
    ws_scenario_free(s);
    return rc;
}

/* Writes the finished jobs that are next in order.  Called locked. */
static void flush_rows(ws_sweep *sw)
{
    while (sw->next_write < sw->n_jobs && sw->jobs[sw->next_write].done) {
        job *j = &sw->jobs[sw->next_write];
        if (j->rc == WS_OK && !sw->abort && j->text)
            fwrite(j->text, 1, j->len, sw->csv);
        free(j->text);
        j->text = NULL;
        sw->next_write++;
    }
}

static void run_job(void *ctx, size_t i)
{
    ws_sweep *sw = ctx;
    job *j = &sw->jobs[i];
    size_t point = sw->shard_list[i / sw->seeds];
    unsigned seed_k = (unsigned)(i % sw->seeds);
    size_t idx_small[16];
    size_t n = sw->spec->n_params;
    size_t *idx = n <= 16 ? idx_small : malloc(n * sizeof *idx);

    pthread_mutex_lock(&sw->mu);
    bool skip = sw->abort;
    pthread_mutex_unlock(&sw->mu);

    int rc = WS_OK;
    ws_diag err;
    ws_diag_clear(&err);
    char variant[128] = "";
    if (!idx) {
        rc = WS_ENOMEM;
        ws_diag_set(&err, NULL, 0, "out of memory");
    } else if (!skip) {
        ws_sweep_grid_point(sw->spec->params, n, point, idx);
        FILE *rows = open_memstream(&j->text, &j->len);
        if (!rows) {
            rc = WS_ENOMEM;
            ws_diag_set(&err, NULL, 0, "out of memory");
        } else {
            rc = run_one(sw, point, seed_k, idx, rows, variant, sizeof variant, &err);
            if (fclose(rows) != 0 && rc == WS_OK) {
                rc = WS_ENOMEM;
                ws_diag_set(&err, NULL, 0, "out of memory");
            }
        }
        if (rc != WS_OK) {
            /* "sweep: point 3 (max_wal_size=4GB), seed 8, variant b: ..." */
            char where[700], seed[40] = "";
            describe_point(sw, point, idx, where, sizeof where);
            if (sw->set_seed)
                snprintf(seed, sizeof seed, ", seed %llu",
                         (unsigned long long)(sw->seed_base + seed_k));
            size_t used = strlen(where);
            snprintf(where + used, sizeof where - used, "%s%s%s", seed,
                     *variant ? ", variant " : "", variant);
            j->err = malloc(sizeof *j->err);
            if (j->err)
                ws_diag_set(j->err, NULL, 0, "sweep: %s: %s", where, err.msg);
        }
    }
    if (idx != idx_small)
        free(idx);

    pthread_mutex_lock(&sw->mu);
    j->rc = rc;
    j->done = true;
    if (rc != WS_OK)
        sw->abort = true;
    if (!skip) {
        sw->n_done++;
        if (sw->progress)
            sw->progress(sw->progress_ctx, sw->n_done, sw->n_jobs);
    }
    flush_rows(sw);
    pthread_mutex_unlock(&sw->mu);
}

int ws_sweep_run(ws_sweep *sw, unsigned jobs, FILE *csv, ws_sweep_progress_fn progress,
                 void *ctx, ws_diag *err)
{
    assert(!sw->jobs); /* once */
    sw->n_jobs = sw->n_shard * sw->seeds;
    sw->jobs = calloc(sw->n_jobs ? sw->n_jobs : 1, sizeof *sw->jobs);
    if (!sw->jobs) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    sw->csv = csv;
    sw->progress = progress;
    sw->progress_ctx = ctx;
    ws_sweep_csv_header(csv, sw->spec->params, sw->spec->n_params);
    ws_parallel_for(sw->n_jobs, jobs, run_job, sw);
    for (size_t i = 0; i < sw->n_jobs; i++) {
        const job *j = &sw->jobs[i];
        if (j->rc != WS_OK) {
            if (j->err)
                memcpy(err, j->err, sizeof *err);
            else
                ws_diag_set(err, NULL, 0, "out of memory");
            return j->rc;
        }
    }
    return WS_OK;
}

void ws_sweep_write_meta(const ws_sweep *sw, FILE *f)
{
    const ws_sweep_spec *spec = sw->spec;
    fputs("# walsim sweep: the grid of these sweep.csv rows (walsim merge reads this file)\n", f);
    fprintf(f, "walsim = %s\n", WALSIM_VERSION);
    fprintf(f, "scenario = %s\n", ws_scenario_file(sw->check));
    fprintf(f, "points = %zu\n", sw->points);
    fprintf(f, "seeds = %u\n", sw->seeds);
    if (sw->set_seed)
        fprintf(f, "seed_base = %llu\n", (unsigned long long)sw->seed_base);
    fputs("variants = ", f);
    for (size_t i = 0; i < sw->n_chosen; i++)
        fprintf(f, "%s%s", i ? "," : "", ws_scenario_variant_name(sw->check, sw->chosen[i]));
    fputc('\n', f);
    for (size_t i = 0; i < spec->n_sets; i++) {
        char shown[1024 + 4];
        fprintf(f, "set = %s\n",
                ws_diag_show(spec->sets[i], strlen(spec->sets[i]), 1024, shown, sizeof shown));
    }
    for (size_t i = 0; i < spec->n_params; i++) {
        fprintf(f, "param = %s=", spec->params[i].key);
        for (size_t j = 0; j < spec->params[i].n; j++)
            fprintf(f, "%s%s", j ? "," : "", spec->params[i].values[j]);
        fputc('\n', f);
    }
    fprintf(f, "shard = %u/%u\n", spec->shard_k, spec->shard_n);
}
