/*
 * csvread.c - reader for walsim's CSV files (see csvread.h).
 *
 * The file is copied into one buffer and split in place: each separator
 * becomes a NUL (a quoted field is unquoted in place), and a cell is a
 * pointer into the buffer.  Cells
 * are stored row-major in one array of rows * cols pointers, so a lookup
 * is an index, and the memory is two allocations plus the line table.
 */
#include "walsim/slurp.h"
#include "walsim/csvread.h"
#include "walsim/json.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ws_csv {
    char *name;
    char *buf;
    size_t cols, rows, cap;
    char **hdr;    /* cols names */
    char **cells;  /* rows * cols */
    int *lines;    /* rows */
};

void ws_csv_free(ws_csv *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->buf);
    free(c->hdr);
    free(c->cells);
    free(c->lines);
    free(c);
}

/* One record (RFC 4180) from *pp, split in place: each field ends in a
 * NUL and is pointed to from f->v.  A quoted field may hold commas, line
 * ends and doubled quotes ("" is one "); it is unquoted in place, which
 * only ever shortens it, so the write position never passes the read
 * position.  *line is the record's first line and advances past every
 * line end read.  0, or -1 with the message in err. */
typedef struct fieldvec {
    char **v;
    size_t n, cap;
} fieldvec;

static int push(fieldvec *f, char *p)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 32;
        char **v = realloc(f->v, cap * sizeof *v);
        if (!v)
            return -1;
        f->v = v;
        f->cap = cap;
    }
    f->v[f->n++] = p;
    return 0;
}

static int record(char **pp, char *end, fieldvec *f, long *line, const char *name, ws_diag *err,
                  int *rc)
{
    char *r = *pp, *w;
    f->n = 0;
    for (;;) {
        w = r;
        if (push(f, w) != 0) {
            *rc = WS_ENOMEM;
            return -1;
        }
        if (r < end && *r == '"') {
            long first = *line;
            r++;
            for (;;) {
                if (r >= end) {
                    ws_diag_set(err, name, (int)first, "a quoted field is not closed");
                    *rc = WS_EINPUT;
                    return -1;
                }
                if (*r == '"') {
                    if (r + 1 < end && r[1] == '"') {
                        *w++ = '"';
                        r += 2;
                        continue;
                    }
                    r++;
                    break;
                }
                *line += *r == '\n';
                *w++ = *r++;
            }
            if (r < end && *r != ',' && *r != '\n' && !(*r == '\r' && (r + 1 == end || r[1] == '\n'))) {
                ws_diag_set(err, name, (int)*line,
                            "text after the closing quote of a field; a quote inside a quoted "
                            "field is written twice (\"\")");
                *rc = WS_EINPUT;
                return -1;
            }
        } else {
            while (r < end && *r != ',' && *r != '\n') {
                if (*r == '"') {
                    ws_diag_set(err, name, (int)*line,
                                "a double quote inside an unquoted field; quote the field "
                                "(RFC 4180: \"a \"\"b\"\"\")");
                    *rc = WS_EINPUT;
                    return -1;
                }
                *w++ = *r++;
            }
            if (w > f->v[f->n - 1] && w[-1] == '\r' && (r == end || *r == '\n'))
                w--; /* CRLF */
        }
        if (r < end && *r == ',') {
            *w = '\0';
            r++;
            continue;
        }
        if (r < end && *r == '\r')
            r++;
        /* At the line end or the end of the text. */
        *w = '\0';
        if (r < end)
            r++;
        *pp = r;
        return 0;
    }
}

static int grow(ws_csv *c)
{
    size_t cap = c->cap ? 2 * c->cap : 256;
    if (cap > SIZE_MAX / sizeof(char *) / c->cols)
        return -1;
    char **cells = realloc(c->cells, cap * c->cols * sizeof *cells);
    if (!cells)
        return -1;
    c->cells = cells;
    int *lines = realloc(c->lines, cap * sizeof *lines);
    if (!lines)
        return -1;
    c->lines = lines;
    c->cap = cap;
    return 0;
}

static int parse_from(const char *text, size_t len, const char *name, long line0, ws_csv **out,
                      ws_diag *err);

int ws_csv_parse(const char *text, size_t len, const char *name, ws_csv **out, ws_diag *err)
{
    return parse_from(text, len, name, 1, out, err);
}

/* As ws_csv_parse, the text's first line being line0 of the file. */
static int parse_from(const char *text, size_t len, const char *name, long line0, ws_csv **out,
                      ws_diag *err)
{
    *out = NULL;
    ws_diag_clear(err);
    if (!name)
        name = "<csv>";
    if (len > WS_CSV_MAX_FILE) {
        ws_diag_set(err, name, 0, "larger than %u MiB; not a walsim file?", WS_CSV_MAX_FILE >> 20);
        return WS_EINPUT;
    }
    ws_csv *c = calloc(1, sizeof *c);
    if (!c || !(c->name = strdup(name)) || !(c->buf = malloc(len + 1))) {
        ws_csv_free(c);
        ws_diag_set(err, name, 0, "out of memory");
        return WS_ENOMEM;
    }
    memcpy(c->buf, text, len);
    c->buf[len] = '\0';
    char *p = c->buf, *end = c->buf + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    char *nul = memchr(p, '\0', (size_t)(end - p));
    if (nul) {
        int line = (int)line0;
        for (char *q = p; q < nul; q++)
            line += *q == '\n';
        ws_diag_set(err, name, line, "NUL byte; expected text");
        ws_csv_free(c);
        return WS_EINPUT;
    }

    int rc = WS_OK;
    long line = line0;
    fieldvec fv = {NULL, 0, 0};
    while (p < end && rc == WS_OK) {
        long first = line;
        if (line > INT32_MAX) {
            ws_diag_set(err, name, 0, "more than %ld lines", (long)INT32_MAX);
            rc = WS_EINPUT;
            break;
        }
        if (record(&p, end, &fv, &line, name, err, &rc) != 0)
            break;
        line++;
        if (fv.n == 1 && fv.v[0][0] == '\0') { /* blank line */
            if (first == 1 && !c->hdr) {
                ws_diag_set(err, name, 1, "empty first line; expected the header");
                rc = WS_EINPUT;
            }
            continue;
        }
        if (!c->hdr) {
            if (!(c->hdr = malloc(fv.n * sizeof *c->hdr))) {
                rc = WS_ENOMEM;
                break;
            }
            c->cols = fv.n;
            memcpy(c->hdr, fv.v, fv.n * sizeof *fv.v);
            for (size_t i = 0; i < c->cols && rc == WS_OK; i++) {
                if (c->hdr[i][0] == '\0') {
                    ws_diag_set(err, name, 1, "column %zu has an empty name in the header", i + 1);
                    rc = WS_EINPUT;
                }
                for (size_t j = 0; j < i && rc == WS_OK; j++)
                    if (strcmp(c->hdr[i], c->hdr[j]) == 0) {
                        char show[68];
                        ws_diag_set(err, name, 1, "column '%s' appears twice in the header",
                                    ws_diag_show(c->hdr[i], strlen(c->hdr[i]), 64, show,
                                                 sizeof show));
                        rc = WS_EINPUT;
                    }
            }
            continue;
        }
        if (fv.n != c->cols) {
            ws_diag_set(err, name, (int)first, "%zu fields; the header has %zu columns", fv.n,
                        c->cols);
            rc = WS_EINPUT;
            break;
        }
        if (c->rows == c->cap && grow(c) != 0) {
            rc = WS_ENOMEM;
            break;
        }
        memcpy(c->cells + c->rows * c->cols, fv.v, fv.n * sizeof *fv.v);
        c->lines[c->rows++] = (int)first;
    }
    free(fv.v);
    if (rc == WS_OK && !c->hdr) {
        ws_diag_set(err, name, 0, "empty file; expected a header line");
        rc = WS_EINPUT;
    }
    if (rc == WS_ENOMEM)
        ws_diag_set(err, name, 0, "out of memory");
    if (rc != WS_OK) {
        ws_csv_free(c);
        return rc;
    }
    *out = c;
    return WS_OK;
}

int ws_csv_read_file(const char *path, ws_csv **out, ws_diag *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        ws_diag_set(err, path, 0, "cannot open: %s", strerror(errno));
        return WS_EIO;
    }
    char *buf, too_big[64];
    size_t n;
    snprintf(too_big, sizeof too_big, "larger than %u MiB; not a walsim file?",
             WS_CSV_MAX_FILE >> 20);
    int rc = ws_slurp(f, path, WS_CSV_MAX_FILE, too_big, &buf, &n, err);
    if (rc != WS_OK)
        return rc;
    rc = ws_csv_parse(buf, n, path, out, err);
    free(buf);
    return rc;
}

const char *ws_csv_name(const ws_csv *c) { return c->name; }
size_t ws_csv_rows(const ws_csv *c) { return c->rows; }
size_t ws_csv_cols(const ws_csv *c) { return c->cols; }

const char *ws_csv_col_name(const ws_csv *c, size_t col)
{
    return col < c->cols ? c->hdr[col] : NULL;
}

int ws_csv_col(const ws_csv *c, const char *name)
{
    for (size_t i = 0; i < c->cols; i++)
        if (strcmp(c->hdr[i], name) == 0)
            return i <= INT32_MAX ? (int)i : -1;
    return -1;
}

int ws_csv_need(const ws_csv *c, const char *name, ws_diag *err)
{
    int i = ws_csv_col(c, name);
    if (i < 0) {
        ws_diag_set(err, c->name, 1, "no column '%s' in the header (see docs/outputs.md)", name);
        return WS_EINPUT;
    }
    return i;
}

int ws_csv_line(const ws_csv *c, size_t row) { return row < c->rows ? c->lines[row] : 0; }

const char *ws_csv_cell(const ws_csv *c, size_t row, size_t col)
{
    if (row >= c->rows || col >= c->cols)
        return "";
    return c->cells[row * c->cols + col];
}

bool ws_csv_empty(const ws_csv *c, size_t row, size_t col) { return ws_csv_cell(c, row, col)[0] == '\0'; }

/* Strict decimal syntax, checked before strtod (which would also read
 * hex, "inf", "nan" and leading white space). */
static bool decimal_syntax(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    int digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
    }
    if (!digits)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

int ws_csv_num_or(const ws_csv *c, size_t row, size_t col, double dflt, double *out, ws_diag *err)
{
    const char *s = ws_csv_cell(c, row, col);
    if (*s == '\0') {
        *out = dflt;
        return WS_OK;
    }
    double x = 0;
    if (decimal_syntax(s)) {
        errno = 0;
        x = strtod(s, NULL);
    }
    if (!decimal_syntax(s) || !isfinite(x)) {
        char show[44];
        ws_diag_set(err, c->name, ws_csv_line(c, row), "column '%s': '%s' is not a number",
                    ws_csv_col_name(c, col), ws_diag_show(s, strlen(s), 40, show, sizeof show));
        return WS_EINPUT;
    }
    *out = x;
    return WS_OK;
}

int ws_csv_num(const ws_csv *c, size_t row, size_t col, double *out, ws_diag *err)
{
    if (ws_csv_empty(c, row, col)) {
        ws_diag_set(err, c->name, ws_csv_line(c, row), "column '%s' is empty; expected a number",
                    ws_csv_col_name(c, col));
        return WS_EINPUT;
    }
    return ws_csv_num_or(c, row, col, 0, out, err);
}

/* Writes s with each byte that starts no well-formed UTF-8 sequence
 * replaced by U+FFFD, as the JSON writer does, so a name reads the same
 * in summary.json and in the CSV files. */
static void put_utf8(FILE *f, const char *s, bool quoted)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
    while (p < end) {
        size_t k = ws_json_utf8_len(p, end);
        if (k == 0) {
            fputs("\xEF\xBF\xBD", f);
            p++;
            continue;
        }
        if (quoted && *p == '"')
            fputc('"', f);
        fwrite(p, 1, k, f);
        p += k;
    }
}

void ws_csv_write_field(FILE *f, const char *s)
{
    if (!s)
        return;
    bool quote = s[strcspn(s, ",\"\r\n")] != '\0';
    if (quote)
        fputc('"', f);
    put_utf8(f, s, quote);
    if (quote)
        fputc('"', f);
}

/* ------------------------------------------------------------------ */
/* In chunks */

struct ws_csv_reader {
    FILE *f;
    char *name;
    char *buf;        /* the header record, then the text read and not yet handed out */
    size_t hdr_len;   /* bytes of the header record at buf[0..) (with its line end) */
    long hdr_lines;   /* lines it spans */
    size_t len, cap;  /* bytes in buf, room */
    size_t chunk;     /* bytes to read at a time */
    long next_line;   /* the file's line at buf[hdr_len] */
    bool eof;
    ws_csv *header;   /* the header alone, parsed */
};

void ws_csv_reader_close(ws_csv_reader *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    ws_csv_free(r->header);
    free(r->buf);
    free(r->name);
    free(r);
}

/* Reads up to r->chunk more bytes (growing buf); -1 with a message when
 * the file cannot be read or a record outgrows WS_CSV_MAX_RECORD. */
static int fill(ws_csv_reader *r, ws_diag *err)
{
    if (r->eof)
        return 0;
    if (r->len + r->chunk > r->cap) {
        size_t cap = r->len + r->chunk;
        if (cap > WS_CSV_MAX_RECORD + r->hdr_len + r->chunk) {
            ws_diag_set(err, r->name, (int)r->next_line, "a record longer than %u MiB; not a walsim file?",
                        WS_CSV_MAX_RECORD >> 20);
            return -1;
        }
        char *b = realloc(r->buf, cap);
        if (!b) {
            ws_diag_set(err, r->name, 0, "out of memory");
            return -1;
        }
        r->buf = b;
        r->cap = cap;
    }
    size_t n = fread(r->buf + r->len, 1, r->cap - r->len, r->f);
    if (n < r->cap - r->len) {
        if (ferror(r->f)) {
            ws_diag_set(err, r->name, 0, "cannot read: %s", strerror(errno));
            return -1;
        }
        r->eof = true;
    }
    r->len += n;
    return 0;
}

/* The end of the last whole record in buf[from, len): just past its line
 * end outside quotes (the records before `from` are whole); `from` when
 * there is none. */
static size_t last_record_end(const ws_csv_reader *r, size_t from)
{
    bool quoted = false;
    size_t end = from;
    for (size_t i = from; i < r->len; i++) {
        if (r->buf[i] == '"')
            quoted = !quoted;
        else if (r->buf[i] == '\n' && !quoted)
            end = i + 1;
    }
    return end;
}

int ws_csv_reader_open(const char *path, size_t chunk, ws_csv_reader **out, ws_diag *err)
{
    *out = NULL;
    ws_diag_clear(err);
    ws_csv_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->name = strdup(path))) {
        free(r);
        ws_diag_set(err, path, 0, "out of memory");
        return WS_ENOMEM;
    }
    r->chunk = chunk < 4096 ? 4096 : chunk;
    if (!(r->f = fopen(path, "rb"))) {
        ws_diag_set(err, path, 0, "cannot open: %s", strerror(errno));
        ws_csv_reader_close(r);
        return WS_EIO;
    }
    /* The header: the first record (blank lines before it are an error
     * of the parser's, as for a whole file). */
    size_t end = 0;
    for (;;) {
        if (fill(r, err) != 0) {
            ws_csv_reader_close(r);
            return WS_EIO;
        }
        bool quoted = false;
        for (size_t i = 0; i < r->len && !end; i++) {
            if (r->buf[i] == '"')
                quoted = !quoted;
            else if (r->buf[i] == '\n' && !quoted)
                end = i + 1;
        }
        if (end || r->eof)
            break;
    }
    if (!end)
        end = r->len;
    int rc = ws_csv_parse(r->buf, end, path, &r->header, err);
    if (rc != WS_OK) {
        ws_csv_reader_close(r);
        return rc;
    }
    r->hdr_len = end;
    r->hdr_lines = 0;
    for (size_t i = 0; i < end; i++)
        r->hdr_lines += r->buf[i] == '\n';
    if (r->hdr_lines == 0)
        r->hdr_lines = 1;
    r->next_line = 1 + r->hdr_lines;
    if (end == r->len || r->buf[end - 1] != '\n') {
        /* a header without a line end is the whole file */
        r->len = end;
    }
    *out = r;
    return WS_OK;
}

const ws_csv *ws_csv_reader_header(const ws_csv_reader *r) { return r->header; }

int ws_csv_reader_next(ws_csv_reader *r, ws_csv **out, ws_diag *err)
{
    *out = NULL;
    size_t end;
    for (;;) {
        end = last_record_end(r, r->hdr_len);
        if (end > r->hdr_len || r->eof)
            break;
        if (fill(r, err) != 0)
            return WS_EIO;
    }
    if (r->eof && end < r->len)
        end = r->len; /* the last record, without a line end */
    if (end == r->hdr_len)
        return WS_OK; /* the end */
    /* header + records: the header gives the columns; the line numbers
     * count from the chunk's first line */
    int rc = parse_from(r->buf, end, r->name, r->next_line - r->hdr_lines, out, err);
    if (rc != WS_OK)
        return rc;
    for (size_t i = r->hdr_len; i < end; i++)
        r->next_line += r->buf[i] == '\n';
    memmove(r->buf + r->hdr_len, r->buf + end, r->len - end);
    r->len -= end - r->hdr_len;
    if (!r->eof && fill(r, err) != 0) {
        ws_csv_free(*out);
        *out = NULL;
        return WS_EIO;
    }
    return WS_OK;
}
