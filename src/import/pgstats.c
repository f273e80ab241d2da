/*
 * pgstats.c - psql --csv snapshots of pg_stat_bgwriter, pg_stat_checkpointer
 * and pg_stat_wal (see pgstats.h).  Column names and their versions follow
 * src/backend/catalog/system_views.sql of PostgreSQL 13 to 18.
 */
#include "walsim/pgstats.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_internal.h"

/* Every spelling of a counter: the 13-16 name first (canonical), then the
 * 17/18 pg_stat_checkpointer names and the "_ms" names of db_samples.csv. */
static const struct {
    ws_pgstat f;
    const char *names[4];
} COLUMNS[] = {
    {WS_PGSTAT_EPOCH, {"epoch"}},
    {WS_PGSTAT_LSN, {"lsn", "lsn_bytes"}},
    {WS_PGSTAT_CHECKPOINTS_TIMED, {"checkpoints_timed", "num_timed"}},
    {WS_PGSTAT_CHECKPOINTS_REQ, {"checkpoints_req", "num_requested"}},
    {WS_PGSTAT_CHECKPOINTS_DONE, {"checkpoints_done", "num_done"}},
    {WS_PGSTAT_RESTARTPOINTS_TIMED, {"restartpoints_timed"}},
    {WS_PGSTAT_RESTARTPOINTS_REQ, {"restartpoints_req"}},
    {WS_PGSTAT_RESTARTPOINTS_DONE, {"restartpoints_done"}},
    {WS_PGSTAT_CHECKPOINT_WRITE_TIME, {"checkpoint_write_time", "write_time",
                                       "checkpoint_write_time_ms"}},
    {WS_PGSTAT_CHECKPOINT_SYNC_TIME, {"checkpoint_sync_time", "sync_time",
                                      "checkpoint_sync_time_ms"}},
    {WS_PGSTAT_BUFFERS_CHECKPOINT, {"buffers_checkpoint", "buffers_written"}},
    {WS_PGSTAT_SLRU_WRITTEN, {"slru_written"}},
    {WS_PGSTAT_BUFFERS_CLEAN, {"buffers_clean"}},
    {WS_PGSTAT_MAXWRITTEN_CLEAN, {"maxwritten_clean"}},
    {WS_PGSTAT_BUFFERS_BACKEND, {"buffers_backend"}},
    {WS_PGSTAT_BUFFERS_BACKEND_FSYNC, {"buffers_backend_fsync"}},
    {WS_PGSTAT_BUFFERS_ALLOC, {"buffers_alloc"}},
    {WS_PGSTAT_WAL_RECORDS, {"wal_records"}},
    {WS_PGSTAT_WAL_FPI, {"wal_fpi"}},
    {WS_PGSTAT_WAL_BYTES, {"wal_bytes"}},
    {WS_PGSTAT_WAL_BUFFERS_FULL, {"wal_buffers_full"}},
    {WS_PGSTAT_WAL_WRITE, {"wal_write"}},
    {WS_PGSTAT_WAL_SYNC, {"wal_sync"}},
    {WS_PGSTAT_WAL_WRITE_TIME, {"wal_write_time", "wal_write_time_ms"}},
    {WS_PGSTAT_WAL_SYNC_TIME, {"wal_sync_time", "wal_sync_time_ms"}},
};

const char *ws_pgstats_name(ws_pgstat f)
{
    for (size_t i = 0; i < sizeof COLUMNS / sizeof COLUMNS[0]; i++)
        if (COLUMNS[i].f == f)
            return COLUMNS[i].names[0];
    return "?";
}

static int lookup(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof COLUMNS / sizeof COLUMNS[0]; i++)
        for (size_t j = 0; j < 4 && COLUMNS[i].names[j]; j++)
            if (strlen(COLUMNS[i].names[j]) == n && strncasecmp(COLUMNS[i].names[j], s, n) == 0)
                return (int)COLUMNS[i].f;
    return -1;
}

/* A field of a CSV line, unquoted: [s, s+n) of the line itself when it has
 * no quotes, else copied (without its "" escapes) into the caller's buffer. */
typedef struct field {
    const char *s;
    size_t n;
} field;

/* Splits one line into fields (at most max); the text of quoted fields is
 * written to scratch (which must hold the line's length).  Returns the
 * number of fields, or -1 with *bad_col for an unterminated quote. */
static long split(const char *s, size_t n, field *out, size_t max, char *scratch, int *bad_col)
{
    size_t i = 0, k = 0, sc = 0;
    for (;;) {
        if (k == max)
            return (long)k + 1; /* too many: caller reports */
        if (i < n && s[i] == '"') {
            size_t start = sc, q = i + 1;
            for (;;) {
                if (q >= n) {
                    *bad_col = (int)(i + 1);
                    return -1;
                }
                if (s[q] == '"') {
                    if (q + 1 < n && s[q + 1] == '"') {
                        scratch[sc++] = '"';
                        q += 2;
                        continue;
                    }
                    q++;
                    break;
                }
                scratch[sc++] = s[q++];
            }
            out[k].s = scratch + start;
            out[k].n = sc - start;
            i = q;
            if (i < n && s[i] != ',') {
                *bad_col = (int)(i + 1);
                return -1;
            }
        } else {
            const char *c = memchr(s + i, ',', n - i);
            size_t e = c ? (size_t)(c - s) : n;
            out[k].s = s + i;
            out[k].n = e - i;
            i = e;
        }
        k++;
        if (i >= n)
            return (long)k;
        i++; /* the comma */
        if (i == n) { /* a trailing comma: one more, empty field */
            if (k == max)
                return (long)k + 1;
            out[k].s = s + i;
            out[k].n = 0;
            return (long)k + 1;
        }
    }
}

static void trim(field *f)
{
    while (f->n && (f->s[0] == ' ' || f->s[0] == '\t')) {
        f->s++;
        f->n--;
    }
    while (f->n && (f->s[f->n - 1] == ' ' || f->s[f->n - 1] == '\t'))
        f->n--;
}

/* A number as PostgreSQL prints bigint, numeric or double precision
 * (float8out may use an exponent: "1e+16"). */
static bool number(field f, double *v)
{
    char buf[64];
    if (f.n == 0 || f.n >= sizeof buf)
        return false;
    memcpy(buf, f.s, f.n);
    buf[f.n] = '\0';
    for (size_t i = 0; i < f.n; i++) {
        char ch = buf[i];
        if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+' || ch == 'e' ||
              ch == 'E'))
            return false;
    }
    char *end;
    double x = strtod(buf, &end);
    if (*end != '\0' || !isfinite(x))
        return false;
    *v = x;
    return true;
}

int ws_pgstats_lsn_parse(const char *s, size_t n, uint64_t *bytes)
{
    imp_cur c;
    imp_cur_init(&c, s, n);
    uint64_t v;
    if (!imp_lsn(&c, &v) || !imp_at_end(&c))
        return WS_EINPUT;
    *bytes = v;
    return WS_OK;
}

static int parse_all(const char *text, size_t len, const char *name, ws_pgstats **out,
                     ws_diag *err)
{
    *out = NULL;
    ws_pgstats *st = calloc(1, sizeof *st);
    field *fields = NULL;
    int *map = NULL;
    char *scratch = malloc(len + 1);
    int rc = WS_ENOMEM;
    size_t cap = 0, ncols = 0;
    if (!st || !scratch)
        goto fail;
    imp_lines it;
    imp_lines_init(&it, text, len);
    const char *s;
    size_t n;
    bool header = true;
    while (imp_lines_next(&it, &s, &n)) {
        /* blank lines are skipped, except in a one-column file, where psql
         * prints a NULL as an empty line */
        if (n == 0 && (header || ncols != 1))
            continue;
        int bad_col = 0;
        if (header && !it.terminated) {
            ws_diag_set(err, name, it.line,
                        "the header has no line end: the file was cut short here (psql --csv "
                        "ends every line with one)");
            rc = WS_EINPUT;
            goto fail;
        }
        if (header) {
            /* the header: as many fields as it has commas, plus one */
            ncols = 1;
            for (size_t i = 0; i < n; i++)
                ncols += s[i] == ',';
            fields = malloc((ncols + 1) * sizeof *fields);
            map = malloc(ncols * sizeof *map);
            if (!fields || !map)
                goto fail;
        }
        long nf = split(s, n, fields, ncols, scratch, &bad_col);
        rc = WS_EINPUT;
        if (nf < 0) {
            ws_diag_set(err, name, it.line, "unterminated or misplaced quote at column %d",
                        bad_col);
            goto fail;
        }
        if (header) {
            ncols = (size_t)nf;
            for (size_t i = 0; i < ncols; i++) {
                trim(&fields[i]);
                map[i] = lookup(fields[i].s, fields[i].n);
                for (size_t j = 0; j < i && map[i] >= 0; j++)
                    if (map[j] == map[i])
                        map[i] = -1; /* a second spelling of a counter: the first wins */
                if (map[i] >= 0)
                    st->known_columns++;
                else
                    st->unknown_columns++;
            }
            if (st->known_columns == 0) {
                char show[72];
                ws_diag_show(s, n, 60, show, sizeof show);
                ws_diag_set(err, name, it.line,
                            "header '%s' names no column of pg_stat_bgwriter, "
                            "pg_stat_checkpointer or pg_stat_wal",
                            show);
                goto fail;
            }
            header = false;
            continue;
        }
        if ((size_t)nf != ncols) {
            const char *cut = it.terminated ? "" : "truncated line: ";
            if ((size_t)nf > ncols)
                ws_diag_set(err, name, it.line, "%smore fields than the %zu of the header", cut,
                            ncols);
            else
                ws_diag_set(err, name, it.line, "%s%ld fields where the header has %zu", cut, nf,
                            ncols);
            goto fail;
        }
        if (!it.terminated) {
            /* psql ends every line with one: a line without is where a copy
             * or a disk stopped.  Its fields may all be there, the last
             * number cut short ("1059794607" read as "10597"). */
            ws_diag_set(err, name, it.line,
                        "truncated line: the last row has no line end, so the file was cut "
                        "short here (psql --csv ends every line with one)");
            goto fail;
        }
        rc = imp_grow((void **)&st->rows, &cap, st->n_rows, sizeof *st->rows);
        if (rc != WS_OK)
            goto fail;
        ws_pgstats_snap *row = &st->rows[st->n_rows];
        for (int f = 0; f < WS_PGSTAT_COUNT; f++)
            row->v[f] = NAN;
        for (size_t i = 0; i < ncols; i++) {
            if (map[i] < 0)
                continue;
            field fv = fields[i];
            trim(&fv);
            if (fv.n == 0)
                continue; /* NULL */
            bool ok;
            double x = 0;
            if (map[i] == WS_PGSTAT_LSN && memchr(fv.s, '/', fv.n)) {
                uint64_t b = 0;
                ok = ws_pgstats_lsn_parse(fv.s, fv.n, &b) == WS_OK;
                x = (double)b;
            } else {
                ok = number(fv, &x);
            }
            if (!ok) {
                char show[48];
                ws_diag_show(fv.s, fv.n, 32, show, sizeof show);
                ws_diag_set(err, name, it.line, "column %zu (%s): expected %s, found '%s'", i + 1,
                            ws_pgstats_name((ws_pgstat)map[i]),
                            map[i] == WS_PGSTAT_LSN ? "an LSN (like 2/5B0C3A88) or a number"
                                                    : "a number",
                            show);
                rc = WS_EINPUT;
                goto fail;
            }
            row->v[map[i]] = x;
        }
        st->n_rows++;
    }
    if (header) {
        ws_diag_set(err, name, 0, "is empty: expected a psql --csv header line");
        rc = WS_EINPUT;
        goto fail;
    }
    free(fields);
    free(map);
    free(scratch);
    ws_diag_clear(err);
    *out = st;
    return WS_OK;
fail:
    if (rc == WS_ENOMEM)
        ws_diag_set(err, name, 0, "out of memory");
    free(fields);
    free(map);
    free(scratch);
    ws_pgstats_free(st);
    return rc;
}

int ws_pgstats_parse_string(const char *text, size_t len, const char *name, ws_pgstats **out,
                            ws_diag *err)
{
    return parse_all(text, len, name ? name : "<csv>", out, err);
}

int ws_pgstats_read_file(const char *path, ws_pgstats **out, ws_diag *err)
{
    *out = NULL;
    char *buf;
    size_t len;
    int rc = imp_read_file(path, &buf, &len, err);
    if (rc != WS_OK)
        return rc;
    rc = parse_all(buf, len, path, out, err);
    free(buf);
    return rc;
}

void ws_pgstats_free(ws_pgstats *s)
{
    if (!s)
        return;
    free(s->rows);
    free(s);
}

void ws_pgstats_merge(ws_pgstats_snap *dst, const ws_pgstats_snap *src)
{
    for (int f = 0; f < WS_PGSTAT_COUNT; f++)
        if (isnan(dst->v[f]))
            dst->v[f] = src->v[f];
}

int ws_pgstats_delta(const ws_pgstats_snap *before, const ws_pgstats_snap *after,
                     ws_pgstats_snap *delta, const char *label, ws_diag *err)
{
    for (int f = 0; f < WS_PGSTAT_COUNT; f++) {
        double a = before->v[f], b = after->v[f];
        delta->v[f] = isnan(a) || isnan(b) ? NAN : b - a;
        if (delta->v[f] < 0) {
            ws_diag_set(err, label, 0,
                        "%s went down from %.17g to %.17g: the statistics were reset (or the "
                        "snapshots swapped) between the two",
                        ws_pgstats_name((ws_pgstat)f), a, b);
            return WS_EINPUT;
        }
    }
    return WS_OK;
}
