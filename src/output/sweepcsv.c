/*
 * sweepcsv.c - sweep.csv (docs/outputs.md, "sweep.csv") and the merge of
 * shards (see sweep.h).
 *
 * A merge never reformats a row: it checks the inputs belong to one sweep
 * and together hold every point exactly once, then writes the header and
 * the rows ordered by point, each point's rows in the order its shard
 * wrote them (seed, then variant).  Since a single run writes rows in that
 * same order with the same bytes per row, the result is byte-identical.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "walsim/slurp.h"
#include "walsim/csvread.h"
#include "walsim/metrics.h"
#include "walsim/report.h"
#include "walsim/sweep.h"

void ws_sweep_csv_number(FILE *f, double x)
{
    if (!isfinite(x))
        return;
    if (fabs(x) < 9007199254740992.0 && x == rint(x))
        fprintf(f, "%.0f", x == 0 ? 0.0 : x); /* no "-0" */
    else
        fprintf(f, "%.9g", x);
}

void ws_sweep_csv_header(FILE *f, const ws_sweep_param *params, size_t n)
{
    fputs("point,seed", f);
    for (size_t i = 0; i < n; i++)
    {
        fputc(',', f);
        ws_csv_write_field(f, params[i].key);
        fputc(',', f);
        ws_csv_write_field(f, params[i].key);
        fputs("_num", f); /* a key is a setting name: _num never needs quoting */
    }
    fputs(",variant", f);
    for (size_t i = 0; i < ws_metric_count(); i++)
        fprintf(f, ",%s", ws_metric_at(i)->column);
    fputc('\n', f);
}

void ws_sweep_csv_row(FILE *f, size_t point, const ws_sweep_param *params, size_t n,
                      const size_t *idx, const ws_run_stats *st)
{
    fprintf(f, "%zu,%llu", point, (unsigned long long)st->seed);
    for (size_t i = 0; i < n; i++) {
        fputc(',', f);
        ws_csv_write_field(f, params[i].values[idx[i]]);
        fputc(',', f);
        ws_sweep_csv_number(f, params[i].num[idx[i]]);
    }
    fputc(',', f);
    ws_csv_write_field(f, st->variant);
    for (size_t i = 0; i < ws_metric_count(); i++) {
        fputc(',', f);
        ws_sweep_csv_number(f, ws_metric_csv_value(ws_metric_at(i), st));
    }
    fputc('\n', f);
}

/* ------------------------------------------------------------------------
 * Merge. */

#define MAX_FILE ((uint64_t)16 << 30) /* a sweep.csv beyond 16GB is not read */

/* Reads DIR/NAME whole, NUL-terminated. */
static int read_whole(const char *dir, const char *name, char **out, size_t *len, ws_diag *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        ws_diag_set(err, NULL, 0, "%s: cannot open: %s%s", path, strerror(errno),
                    errno == ENOENT ? " (is it a folder written by walsim sweep?)" : "");
        return WS_EIO;
    }
    return ws_slurp(f, path, (size_t)MAX_FILE, "larger than 16GB", out, len, err);
}

typedef struct input {
    const char *dir;
    char *meta, *csv;
    size_t meta_len, csv_len;
    char *header;       /* first line of csv, NUL-terminated in place */
    size_t points, seeds, n_variants;
    unsigned shard_k, shard_n;
} input;

typedef struct row {
    size_t point;
    uint64_t seq;       /* input << 40 | line: keeps each input's order */
    const char *text;   /* the line, '\n' excluded */
    size_t len;
} row;

/* The value of `key = value` in a meta text, or NULL. */
static const char *meta_get(const char *meta, const char *key, size_t *len)
{
    size_t kl = strlen(key);
    for (const char *l = meta; *l;) {
        const char *e = strchr(l, '\n');
        size_t ll = e ? (size_t)(e - l) : strlen(l);
        if (ll > kl + 3 && strncmp(l, key, kl) == 0 && strncmp(l + kl, " = ", 3) == 0) {
            *len = ll - kl - 3;
            return l + kl + 3;
        }
        if (!e)
            break;
        l = e + 1;
    }
    return NULL;
}

static int meta_size(const input *in, const char *key, size_t *out, ws_diag *err)
{
    size_t len;
    const char *v = meta_get(in->meta, key, &len);
    char *end;
    errno = 0;
    unsigned long long x = v ? strtoull(v, &end, 10) : 0;
    if (!v || len == 0 || end != v + len || errno) {
        ws_diag_set(err, NULL, 0, "%s/sweep.meta: no valid '%s = N' line", in->dir, key);
        return WS_EINPUT;
    }
    *out = (size_t)x;
    return WS_OK;
}

/* Lines that must agree between shards: all but `shard` (different by
 * design) and `scenario` (the same file may be reached by different
 * paths on different machines). */
static bool compared(const char *line, size_t len)
{
    return !(len >= 8 && strncmp(line, "shard = ", 8) == 0) &&
           !(len >= 11 && strncmp(line, "scenario = ", 11) == 0);
}

/* The next compared line of a meta text at *p, or NULL at the end. */
static const char *next_compared(const char **p, size_t *len)
{
    while (**p) {
        const char *l = *p;
        const char *e = strchr(l, '\n');
        size_t ll = e ? (size_t)(e - l) : strlen(l);
        *p = e ? e + 1 : l + ll;
        if (compared(l, ll)) {
            *len = ll;
            return l;
        }
    }
    return NULL;
}

static int same_sweep(const input *a, const input *b, ws_diag *err)
{
    const char *pa = a->meta, *pb = b->meta;
    for (;;) {
        size_t la = 0, lb = 0;
        const char *x = next_compared(&pa, &la), *y = next_compared(&pb, &lb);
        if (!x && !y)
            return WS_OK;
        if (!x || !y || la != lb || memcmp(x, y, la) != 0) {
            ws_diag_set(err, NULL, 0,
                        "%s/sweep.meta has '%.*s' where %s/sweep.meta has '%.*s': these are "
                        "shards of different sweeps (run every shard with the same arguments "
                        "but --shard)",
                        b->dir, y ? (int)(lb > 200 ? 200 : lb) : 9, y ? y : "(nothing)", a->dir,
                        x ? (int)(la > 200 ? 200 : la) : 9, x ? x : "(nothing)");
            return WS_EINPUT;
        }
    }
}

static size_t count_fields(const char *s, size_t len)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += s[i] == ',';
    return n;
}

/* Fields of a CSV line: commas inside a quoted field (RFC 4180) do not
 * count; a doubled quote inside one toggles twice, so it needs no case. */
static size_t count_csv_fields(const char *s, size_t len)
{
    size_t n = 1;
    bool quoted = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (s[i] == ',' && !quoted)
            n++;
    }
    return n;
}

static int same_header(const input *a, const input *b, ws_diag *err)
{
    if (strcmp(a->header, b->header) == 0)
        return WS_OK;
    /* Name the first column that differs. */
    const char *x = a->header, *y = b->header;
    size_t col = 1;
    while (*x && *x == *y) {
        col += *x == ',';
        x++;
        y++;
    }
    const char *xs = x, *ys = y;
    while (xs > a->header && xs[-1] != ',')
        xs--;
    while (ys > b->header && ys[-1] != ',')
        ys--;
    size_t xl = strcspn(xs, ","), yl = strcspn(ys, ",");
    ws_diag_set(err, NULL, 0,
                "%s/sweep.csv: the header differs from %s/sweep.csv at column %zu ('%.*s' vs "
                "'%.*s')",
                b->dir, a->dir, col, (int)(yl > 60 ? 60 : yl), ys, (int)(xl > 60 ? 60 : xl), xs);
    return WS_EINPUT;
}

/* Field k (0-based) of a CSV line. */
static const char *field(const char *s, size_t len, size_t k, size_t *flen)
{
    const char *end = s + len;
    for (; k > 0 && s < end; s++)
        if (*s == ',')
            k--;
    const char *c = memchr(s, ',', (size_t)(end - s));
    *flen = c ? (size_t)(c - s) : (size_t)(end - s);
    return s;
}

/* After sorting: each point's rows are (seed, variant) in the order a
 * sweep writes them, variants as listed in sweep.meta, and with --seeds
 * the seeds seed_base, seed_base+1, ...  So no row is doubled and none is
 * missing. */
static int check_order(const input *ins, const row *rows, size_t n_rows, ws_diag *err)
{
    size_t len, vlen, blen;
    const char *variants = meta_get(ins[0].meta, "variants", &vlen);
    const char *base = meta_get(ins[0].meta, "seed_base", &blen);
    unsigned long long seed_base = base ? strtoull(base, NULL, 10) : 0;
    size_t vcol = 0, hl = strlen(ins[0].header), nv = ins[0].n_variants;
    for (size_t k = 0;; k++) {
        const char *f = field(ins[0].header, hl, k, &len);
        if (f >= ins[0].header + hl)
            break;
        if (len == 7 && memcmp(f, "variant", 7) == 0) {
            vcol = k;
            break;
        }
    }
    if (vcol == 0) {
        ws_diag_set(err, NULL, 0, "%s/sweep.csv: the header has no 'variant' column", ins[0].dir);
        return WS_EINPUT;
    }
    for (size_t i = 0, j = 0; i < n_rows; i++, j++) {
        if (i > 0 && rows[i].point != rows[i - 1].point)
            j = 0;
        const input *in = &ins[rows[i].seq >> 40];
        size_t line = (size_t)(rows[i].seq & ((UINT64_C(1) << 40) - 1));
        size_t want_len;
        const char *want = field(variants, vlen, j % nv, &want_len);
        const char *got = field(rows[i].text, rows[i].len, vcol, &len);
        char seed[32] = "";
        bool seed_ok = true;
        if (base) {
            snprintf(seed, sizeof seed, "%llu", seed_base + j / nv);
            const char *s = field(rows[i].text, rows[i].len, 1, &len);
            seed_ok = strlen(seed) == len && memcmp(s, seed, len) == 0;
            got = field(rows[i].text, rows[i].len, vcol, &len);
        }
        if (len != want_len || memcmp(got, want, len) != 0 || !seed_ok) {
            ws_diag_set(err, NULL, 0,
                        "%s/sweep.csv:%zu: row %zu of point %zu should be variant %.*s%s%s "
                        "(a row doubled or missing?)",
                        in->dir, line, j + 1, rows[i].point, (int)want_len, want,
                        base ? ", seed " : "", seed);
            return WS_EINPUT;
        }
    }
    return WS_OK;
}

static int by_point(const void *a, const void *b)
{
    const row *x = a, *y = b;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int load_input(input *in, ws_diag *err)
{
    int rc = read_whole(in->dir, "sweep.meta", &in->meta, &in->meta_len, err);
    if (rc == WS_OK)
        rc = read_whole(in->dir, "sweep.csv", &in->csv, &in->csv_len, err);
    if (rc != WS_OK)
        return rc;
    if (strlen(in->meta) != in->meta_len || strlen(in->csv) != in->csv_len) {
        ws_diag_set(err, NULL, 0, "%s: sweep.csv or sweep.meta has a NUL byte", in->dir);
        return WS_EINPUT;
    }
    char *nl = strchr(in->csv, '\n');
    if (!nl || strncmp(in->csv, "point,seed,", 11) != 0) {
        ws_diag_set(err, NULL, 0, "%s/sweep.csv: no header line 'point,seed,...'", in->dir);
        return WS_EINPUT;
    }
    *nl = '\0';
    in->header = in->csv;
    size_t len;
    const char *shard = meta_get(in->meta, "shard", &len);
    const char *variants = meta_get(in->meta, "variants", &len);
    if (!variants || len == 0) {
        ws_diag_set(err, NULL, 0, "%s/sweep.meta: no 'variants = ...' line", in->dir);
        return WS_EINPUT;
    }
    in->n_variants = count_fields(variants, len);
    if (!shard || sscanf(shard, "%u/%u", &in->shard_k, &in->shard_n) != 2 || in->shard_k < 1 ||
        in->shard_k > in->shard_n) {
        ws_diag_set(err, NULL, 0, "%s/sweep.meta: no valid 'shard = K/N' line", in->dir);
        return WS_EINPUT;
    }
    if ((rc = meta_size(in, "points", &in->points, err)) != WS_OK ||
        (rc = meta_size(in, "seeds", &in->seeds, err)) != WS_OK)
        return rc;
    if (in->points == 0 || in->points > WS_SWEEP_MAX_POINTS || in->seeds == 0 ||
        in->seeds > WS_SWEEP_MAX_POINTS) {
        ws_diag_set(err, NULL, 0, "%s/sweep.meta: points or seeds out of range", in->dir);
        return WS_EINPUT;
    }
    return WS_OK;
}

/* "2, 5, 8" (the first 10) into buf. */
static void list_points(const size_t *pts, size_t n, char *buf, size_t len)
{
    int used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < 10 && used >= 0 && (size_t)used < len; i++)
        used += snprintf(buf + used, len - (size_t)used, "%s%zu", i ? ", " : "", pts[i]);
    if (n > 10 && used >= 0 && (size_t)used < len)
        snprintf(buf + used, len - (size_t)used, ", ...");
}

static int check_rows(const input *ins, size_t n_in, row *rows, size_t n_rows, ws_diag *err)
{
    size_t points = ins[0].points;
    size_t per_point = ins[0].seeds * ins[0].n_variants;
    /* which input holds each point, and how many rows it has there */
    size_t *owner = malloc(points * sizeof *owner), *count = calloc(points, sizeof *count);
    size_t *missing = malloc(points * sizeof *missing);
    int rc = WS_OK;
    if (!owner || !count || !missing) {
        ws_diag_set(err, NULL, 0, "out of memory");
        rc = WS_ENOMEM;
        goto done;
    }
    for (size_t p = 0; p < points; p++)
        owner[p] = SIZE_MAX;
    for (size_t i = 0; i < n_rows; i++) {
        size_t p = rows[i].point, in = (size_t)(rows[i].seq >> 40); /* seq: see ws_sweep_merge */
        if (owner[p] == SIZE_MAX) {
            owner[p] = in;
        } else if (owner[p] != in) {
            ws_diag_set(err, NULL, 0, "point %zu is in both %s/sweep.csv and %s/sweep.csv", p,
                        ins[owner[p]].dir, ins[in].dir);
            rc = WS_EINPUT;
            goto done;
        }
        count[p]++;
    }
    size_t n_missing = 0;
    for (size_t p = 0; p < points; p++) {
        if (owner[p] == SIZE_MAX) {
            missing[n_missing++] = p;
        } else if (count[p] != per_point) {
            ws_diag_set(err, NULL, 0,
                        "%s/sweep.csv: point %zu has %zu rows, expected %zu (%zu seeds x %zu "
                        "variants)",
                        ins[owner[p]].dir, p, count[p], per_point, ins[0].seeds,
                        ins[0].n_variants);
            rc = WS_EINPUT;
            goto done;
        }
    }
    if (n_missing) {
        char list[200], shards[200] = "";
        list_points(missing, n_missing, list, sizeof list);
        /* With one N for every input, name the shards the missing points
         * belong to: usually a shard that was not given or failed. */
        bool one_n = true;
        for (size_t i = 1; i < n_in; i++)
            one_n = one_n && ins[i].shard_n == ins[0].shard_n;
        if (one_n) {
            unsigned nn = ins[0].shard_n, ks[8];
            size_t nk = 0;
            bool more = false;
            bool *hit = calloc(nn, sizeof *hit);
            for (size_t m = 0; hit && m < n_missing; m++)
                hit[missing[m] % nn] = true;
            for (unsigned k = 1; hit && k <= nn; k++) {
                if (hit[k - 1] && nk < 8)
                    ks[nk++] = k;
                else if (hit[k - 1])
                    more = true;
            }
            free(hit);
            int used = snprintf(shards, sizeof shards, "; they belong to shard%s",
                                nk > 1 ? "s" : "");
            for (size_t i = 0; i < nk && used >= 0 && (size_t)used < sizeof shards; i++)
                used += snprintf(shards + used, sizeof shards - (size_t)used, "%s %u/%u",
                                 i ? "," : "", ks[i], nn);
            if (more && used >= 0 && (size_t)used < sizeof shards)
                snprintf(shards + used, sizeof shards - (size_t)used, ", ...");
        }
        ws_diag_set(err, NULL, 0, "%zu of %zu points are missing: %s%s", n_missing, points, list,
                    shards);
        rc = WS_EINPUT;
    }
done:
    free(owner);
    free(count);
    free(missing);
    return rc;
}

int ws_sweep_merge(const char *const *dirs, size_t n, const char *out_dir, ws_diag *err)
{
    if (n == 0) {
        ws_diag_set(err, NULL, 0, "merge: no folders given");
        return WS_EINPUT;
    }
    input *ins = calloc(n, sizeof *ins);
    row *rows = NULL;
    size_t n_rows = 0, cap = 0;
    int rc = ins ? WS_OK : WS_ENOMEM;
    if (!ins)
        ws_diag_set(err, NULL, 0, "out of memory");
    for (size_t i = 0; rc == WS_OK && i < n; i++) {
        ins[i].dir = dirs[i];
        rc = load_input(&ins[i], err);
        if (rc == WS_OK && i > 0)
            rc = same_sweep(&ins[0], &ins[i], err);
        if (rc == WS_OK && i > 0)
            rc = same_header(&ins[0], &ins[i], err);
    }
    /* Rows: each line after the header.  seq = input index << 40 | line
     * number, so sorting by (point, seq) keeps every input's order. */
    for (size_t i = 0; rc == WS_OK && i < n; i++) {
        size_t fields = count_csv_fields(ins[i].header, strlen(ins[i].header));
        const char *p = ins[i].header + strlen(ins[i].header) + 1;
        const char *end = ins[i].csv + ins[i].csv_len;
        for (size_t line = 2; rc == WS_OK && p < end; line++) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl) {
                ws_diag_set(err, NULL, 0, "%s/sweep.csv:%zu: the last line has no newline "
                                          "(a truncated file?)", ins[i].dir, line);
                rc = WS_EINPUT;
                break;
            }
            size_t len = (size_t)(nl - p);
            char *e;
            errno = 0;
            unsigned long long pt = strtoull(p, &e, 10);
            if (e == p || *e != ',' || errno || *p < '0' || *p > '9') {
                ws_diag_set(err, NULL, 0, "%s/sweep.csv:%zu: expected a point number first",
                            ins[i].dir, line);
                rc = WS_EINPUT;
            } else if (pt >= ins[0].points) {
                ws_diag_set(err, NULL, 0, "%s/sweep.csv:%zu: point %llu is outside the grid "
                                          "(0..%zu)", ins[i].dir, line, pt, ins[0].points - 1);
                rc = WS_EINPUT;
            } else if (count_csv_fields(p, len) != fields) {
                ws_diag_set(err, NULL, 0, "%s/sweep.csv:%zu: %zu fields, expected %zu as the "
                                          "header", ins[i].dir, line, count_csv_fields(p, len),
                            fields);
                rc = WS_EINPUT;
            } else if (!ws_sweep_in_shard((size_t)pt, ins[i].shard_k, ins[i].shard_n)) {
                ws_diag_set(err, NULL, 0, "%s/sweep.csv:%zu: point %llu is not in shard %u/%u",
                            ins[i].dir, line, pt, ins[i].shard_k, ins[i].shard_n);
                rc = WS_EINPUT;
            } else {
                if (n_rows == cap) {
                    size_t nc = cap ? 2 * cap : 1024;
                    row *r = realloc(rows, nc * sizeof *r);
                    if (!r) {
                        ws_diag_set(err, NULL, 0, "out of memory");
                        rc = WS_ENOMEM;
                        break;
                    }
                    rows = r;
                    cap = nc;
                }
                rows[n_rows++] = (row){(size_t)pt, ((uint64_t)i << 40) | line, p, len};
            }
            p = nl + 1;
        }
    }
    if (rc == WS_OK)
        rc = check_rows(ins, n, rows, n_rows, err);
    if (rc == WS_OK) {
        qsort(rows, n_rows, sizeof *rows, by_point);
        rc = check_order(ins, rows, n_rows, err);
    }
    if (rc == WS_OK) {
        ws_outset *o = ws_outset_new(out_dir, err);
        FILE *csv = o ? ws_outset_open(o, "sweep.csv", err) : NULL;
        FILE *meta = csv ? ws_outset_open(o, "sweep.meta", err) : NULL;
        if (meta) {
            fprintf(csv, "%s\n", ins[0].header);
            for (size_t i = 0; i < n_rows; i++) {
                fwrite(rows[i].text, 1, rows[i].len, csv);
                fputc('\n', csv);
            }
            /* The first input's meta with "shard = 1/1": what a run of
             * the whole grid writes. */
            for (const char *l = ins[0].meta; *l;) {
                const char *e = strchr(l, '\n');
                size_t ll = e ? (size_t)(e - l) : strlen(l);
                if (ll >= 8 && strncmp(l, "shard = ", 8) == 0)
                    fputs("shard = 1/1", meta);
                else
                    fwrite(l, 1, ll, meta);
                fputc('\n', meta);
                l = e ? e + 1 : l + ll;
            }
            rc = ws_outset_commit(o, err);
        } else {
            if (o)
                ws_outset_abort(o);
            rc = WS_EIO;
        }
    }
    for (size_t i = 0; ins && i < n; i++) {
        free(ins[i].meta);
        free(ins[i].csv);
    }
    free(ins);
    free(rows);
    return rc;
}
