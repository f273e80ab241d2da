/*
 * json.c - a small JSON reader (see json.h).
 *
 * Recursive descent over RFC 8259's grammar, one function per production.
 * Recursion depth is bounded by WS_JSON_MAX_DEPTH, so a hostile file of
 * "[[[[..." cannot overflow the stack.  Each value is one allocation;
 * arrays and objects grow their item arrays by doubling.
 */
#include "walsim/slurp.h"
#include "walsim/json.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ws_json {
    ws_json_type type;
    int line;
    bool is_root;
    char *file; /* the root's copy of the name; shared by every value */
    union {
        bool b;
        double num;
        char *str;
        struct {
            ws_json **items;
            char **keys; /* objects only */
            size_t n, cap;
        } agg;
    } u;
};

typedef struct parser {
    const char *p, *end;
    int line;
    int depth;
    char *file;
    ws_diag *err;
    int status; /* WS_OK until the first error */
} parser;

/* ------------------------------------------------------------------ */
/* Errors */

static void describe_here(const parser *ps, char *buf, size_t len)
{
    if (ps->p >= ps->end)
        snprintf(buf, len, "the end of the input");
    else {
        unsigned char c = (unsigned char)*ps->p;
        if (c >= 0x21 && c < 0x7f)
            snprintf(buf, len, "'%c'", c);
        else if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            snprintf(buf, len, "white space");
        else
            snprintf(buf, len, "byte 0x%02x", c);
    }
}

/* "NAME:LINE: WHAT, found X" where X describes the text at the cursor. */
static void fail_at(parser *ps, int line, const char *what)
{
    if (ps->status != WS_OK)
        return;
    ps->status = WS_EINPUT;
    char found[32];
    describe_here(ps, found, sizeof found);
    ws_diag_set(ps->err, ps->file, line, "%s, found %s", what, found);
}

static void fail(parser *ps, const char *what) { fail_at(ps, ps->line, what); }

static void fail_plain(parser *ps, const char *msg)
{
    if (ps->status != WS_OK)
        return;
    ps->status = WS_EINPUT;
    ws_diag_set(ps->err, ps->file, ps->line, "%s", msg);
}

static void fail_nomem(parser *ps)
{
    if (ps->status != WS_OK)
        return;
    ps->status = WS_ENOMEM;
    ws_diag_set(ps->err, ps->file, 0, "out of memory");
}

/* ------------------------------------------------------------------ */
/* Values */

static ws_json *new_value(parser *ps, ws_json_type t, int line)
{
    ws_json *v = calloc(1, sizeof *v);
    if (!v) {
        fail_nomem(ps);
        return NULL;
    }
    v->type = t;
    v->line = line;
    v->file = ps->file;
    return v;
}

static void free_value(ws_json *v)
{
    if (!v)
        return;
    if (v->type == WS_JSON_STRING)
        free(v->u.str);
    else if (v->type == WS_JSON_ARRAY || v->type == WS_JSON_OBJECT) {
        for (size_t i = 0; i < v->u.agg.n; i++) {
            free_value(v->u.agg.items[i]);
            if (v->u.agg.keys)
                free(v->u.agg.keys[i]);
        }
        free(v->u.agg.items);
        free(v->u.agg.keys);
    }
    free(v);
}

static int append(parser *ps, ws_json *agg, char *key, ws_json *item)
{
    if (agg->u.agg.n == agg->u.agg.cap) {
        size_t cap = agg->u.agg.cap ? 2 * agg->u.agg.cap : 4;
        ws_json **items = realloc(agg->u.agg.items, cap * sizeof *items);
        if (!items) {
            fail_nomem(ps);
            return -1;
        }
        agg->u.agg.items = items;
        if (agg->type == WS_JSON_OBJECT) {
            char **keys = realloc(agg->u.agg.keys, cap * sizeof *keys);
            if (!keys) {
                fail_nomem(ps);
                return -1;
            }
            agg->u.agg.keys = keys;
        }
        agg->u.agg.cap = cap;
    }
    agg->u.agg.items[agg->u.agg.n] = item;
    if (agg->type == WS_JSON_OBJECT)
        agg->u.agg.keys[agg->u.agg.n] = key;
    agg->u.agg.n++;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Lexical pieces */

/* RFC 8259 section 2: ws = *( %x20 / %x09 / %x0A / %x0D ). */
static void skip_ws(parser *ps)
{
    while (ps->p < ps->end) {
        char c = *ps->p;
        if (c == '\n')
            ps->line++;
        else if (c != ' ' && c != '\t' && c != '\r')
            return;
        ps->p++;
    }
}

static bool literal(parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return false;
    ps->p += n;
    return true;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629 section 4: no
 * overlong forms, no surrogates, nothing above U+10FFFF), 0 if none. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    size_t avail = (size_t)(end - p);
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return avail >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

/* A string (RFC 8259 section 7) starting at the opening quote; returns a
 * NUL-terminated copy with escapes decoded, or NULL after an error. */
static char *parse_string(parser *ps)
{
    int start_line = ps->line;
    ps->p++; /* the opening quote */
    /* Decoded text is never longer than the source. */
    const char *q = ps->p;
    while (q < ps->end && *q != '"') {
        if (*q == '\\' && q + 1 < ps->end)
            q++;
        q++;
    }
    size_t cap = (size_t)(q - ps->p) + 1;
    char *out = malloc(cap);
    if (!out) {
        fail_nomem(ps);
        return NULL;
    }
    size_t n = 0;
    for (;;) {
        if (ps->p >= ps->end) {
            char what[64];
            snprintf(what, sizeof what, "unterminated string (opened at line %d)", start_line);
            fail(ps, what);
            break;
        }
        unsigned char c = (unsigned char)*ps->p;
        if (c == '"') {
            ps->p++;
            out[n] = '\0';
            return out;
        }
        if (c < 0x20) {
            fail(ps, "control character in a string (write it as an escape such as \\n)");
            break;
        }
        if (c != '\\') {
            size_t k = utf8_len((const unsigned char *)ps->p, (const unsigned char *)ps->end);
            if (k == 0) {
                fail(ps, "invalid UTF-8 in a string");
                break;
            }
            memcpy(out + n, ps->p, k);
            n += k;
            ps->p += k;
            continue;
        }
        /* An escape. */
        ps->p++;
        if (ps->p >= ps->end) {
            fail(ps, "unterminated escape in a string");
            break;
        }
        char e = *ps->p;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e != '\0' && simple) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            out[n++] = map[simple - "\"\\/bfnrt"];
            ps->p++;
            continue;
        }
        if (e != 'u') {
            fail(ps, "invalid escape in a string (expected one of \\\" \\\\ \\/ \\b \\f \\n "
                     "\\r \\t \\uXXXX)");
            break;
        }
        if (ps->end - ps->p < 5 || hex4(ps->p + 1) < 0) {
            ps->p++;
            fail(ps, "\\u must be followed by four hex digits");
            break;
        }
        uint32_t cp = (uint32_t)hex4(ps->p + 1);
        ps->p += 5;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            /* A high surrogate must be followed by a low one (section 7). */
            if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' || hex4(ps->p + 2) < 0xDC00 ||
                hex4(ps->p + 2) > 0xDFFF) {
                fail(ps, "a \\u high surrogate must be followed by a \\u low surrogate");
                break;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)hex4(ps->p + 2) - 0xDC00);
            ps->p += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail(ps, "a \\u low surrogate without a high surrogate before it");
            break;
        } else if (cp == 0) {
            fail(ps, "\\u0000 (NUL) in a string is not supported");
            break;
        }
        /* An escape of 6 or 12 source bytes never decodes to more. */
        n += put_utf8(out + n, cp);
    }
    free(out);
    return NULL;
}

/* A number (RFC 8259 section 6): -? int frac? exp?, checked against the
 * grammar first because strtod also reads hex, "inf" and "nan". */
static bool parse_number(parser *ps, double *out)
{
    const char *s = ps->p, *p = ps->p;
    if (p < ps->end && *p == '-')
        p++;
    if (p < ps->end && *p == '0')
        p++;
    else if (p < ps->end && *p >= '1' && *p <= '9')
        while (p < ps->end && *p >= '0' && *p <= '9')
            p++;
    else {
        ps->p = p;
        fail(ps, "expected a digit in a number");
        return false;
    }
    if (p < ps->end && *p == '.') {
        p++;
        if (p >= ps->end || *p < '0' || *p > '9') {
            ps->p = p;
            fail(ps, "expected a digit after the decimal point");
            return false;
        }
        while (p < ps->end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < ps->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < ps->end && (*p == '+' || *p == '-'))
            p++;
        if (p >= ps->end || *p < '0' || *p > '9') {
            ps->p = p;
            fail(ps, "expected a digit in the exponent");
            return false;
        }
        while (p < ps->end && *p >= '0' && *p <= '9')
            p++;
    }
    size_t len = (size_t)(p - s);
    char small[64];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf) {
        fail_nomem(ps);
        return false;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    double x = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    if (!isfinite(x) || (errno == ERANGE && fabs(x) > 1)) {
        fail_plain(ps, "number out of range (larger than a double holds)");
        return false;
    }
    ps->p = p;
    *out = x;
    return true;
}

/* ------------------------------------------------------------------ */
/* Grammar */

static ws_json *parse_value(parser *ps);

static ws_json *parse_aggregate(parser *ps, bool object)
{
    int open_line = ps->line;
    ws_json *v = new_value(ps, object ? WS_JSON_OBJECT : WS_JSON_ARRAY, open_line);
    if (!v)
        return NULL;
    if (++ps->depth > WS_JSON_MAX_DEPTH) {
        char msg[96];
        snprintf(msg, sizeof msg, "nested deeper than %d arrays and objects", WS_JSON_MAX_DEPTH);
        fail_plain(ps, msg);
        free(v);
        return NULL;
    }
    ps->p++; /* '[' or '{' */
    const char close = object ? '}' : ']';
    const char *kind = object ? "object" : "array";
    char ctx[160];
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        ps->depth--;
        return v;
    }
    for (;;) {
        char *key = NULL;
        if (object) {
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != '"') {
                snprintf(ctx, sizeof ctx,
                         "expected a member name in quotes in the object opened at line %d",
                         open_line);
                fail(ps, ctx);
                goto bad;
            }
            if (!(key = parse_string(ps)))
                goto bad;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                char show[68];
                snprintf(ctx, sizeof ctx, "expected ':' after the member name \"%s\"",
                         ws_diag_show(key, strlen(key), 64, show, sizeof show));
                fail(ps, ctx);
                free(key);
                goto bad;
            }
            ps->p++;
        }
        ws_json *item = parse_value(ps);
        if (!item) {
            free(key);
            goto bad;
        }
        if (append(ps, v, key, item) != 0) {
            free(key);
            free_value(item);
            goto bad;
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            break;
        }
        snprintf(ctx, sizeof ctx, "expected ',' or '%c' in the %s opened at line %d", close, kind,
                 open_line);
        fail(ps, ctx);
        goto bad;
    }
    ps->depth--;
    return v;
bad:
    free_value(v);
    return NULL;
}

/* true, false or null (RFC 8259 section 3). */
static ws_json *parse_literal(parser *ps, int line)
{
    bool t = literal(ps, "true");
    if (t || literal(ps, "false")) {
        ws_json *v = new_value(ps, WS_JSON_BOOL, line);
        if (v)
            v->u.b = t;
        return v;
    }
    if (literal(ps, "null"))
        return new_value(ps, WS_JSON_NULL, line);
    fail(ps, "expected a value (true, false, null, a number, a string, [ or {)");
    return NULL;
}

static ws_json *parse_value(parser *ps)
{
    skip_ws(ps);
    if (ps->status != WS_OK)
        return NULL;
    int line = ps->line;
    if (ps->p >= ps->end) {
        fail(ps, "expected a value");
        return NULL;
    }
    switch (*ps->p) {
    case '{':
        return parse_aggregate(ps, true);
    case '[':
        return parse_aggregate(ps, false);
    case '"': {
        char *s = parse_string(ps);
        if (!s)
            return NULL;
        ws_json *v = new_value(ps, WS_JSON_STRING, line);
        if (!v) {
            free(s);
            return NULL;
        }
        v->u.str = s;
        return v;
    }
    case 't':
    case 'f':
    case 'n':
        return parse_literal(ps, line);
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
            double x;
            if (!parse_number(ps, &x))
                return NULL;
            ws_json *v = new_value(ps, WS_JSON_NUMBER, line);
            if (v)
                v->u.num = x;
            return v;
        }
        fail(ps, "expected a value (true, false, null, a number, a string, [ or {)");
        return NULL;
    }
}

int ws_json_parse(const char *text, size_t len, const char *name, ws_json **out, ws_diag *err)
{
    *out = NULL;
    ws_diag_clear(err);
    parser ps = {text, text + len, 1, 0, NULL, err, WS_OK};
    ps.file = strdup(name ? name : "<json>");
    if (!ps.file) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        ps.p += 3;
    ws_json *root = parse_value(&ps);
    if (root) {
        skip_ws(&ps);
        if (ps.p < ps.end) {
            fail(&ps, "expected the end of the input after the top-level value");
            free_value(root);
            root = NULL;
        }
    }
    if (!root) {
        free(ps.file);
        return ps.status != WS_OK ? ps.status : WS_EINPUT;
    }
    root->is_root = true;
    *out = root;
    return WS_OK;
}

int ws_json_parse_file(const char *path, ws_json **out, ws_diag *err)
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
             WS_JSON_MAX_FILE >> 20);
    int rc = ws_slurp(f, path, WS_JSON_MAX_FILE, too_big, &buf, &n, err);
    if (rc != WS_OK)
        return rc;
    rc = ws_json_parse(buf, n, path, out, err);
    free(buf);
    return rc;
}

void ws_json_free(ws_json *v)
{
    if (!v)
        return;
    /* Freeing a value inside a tree would leave a dangling item. */
    if (!v->is_root)
        abort();
    char *file = v->file;
    free_value(v);
    free(file);
}

/* ------------------------------------------------------------------ */
/* Access */

ws_json_type ws_json_type_of(const ws_json *v) { return v ? v->type : WS_JSON_NULL; }
int ws_json_line(const ws_json *v) { return v ? v->line : 0; }
const char *ws_json_file(const ws_json *v) { return v ? v->file : ""; }

const char *ws_json_type_name(ws_json_type t)
{
    switch (t) {
    case WS_JSON_NULL: return "null";
    case WS_JSON_BOOL: return "a boolean";
    case WS_JSON_NUMBER: return "a number";
    case WS_JSON_STRING: return "a string";
    case WS_JSON_ARRAY: return "an array";
    case WS_JSON_OBJECT: return "an object";
    }
    return "?";
}

static bool is_agg(const ws_json *v)
{
    return v && (v->type == WS_JSON_ARRAY || v->type == WS_JSON_OBJECT);
}

size_t ws_json_count(const ws_json *v) { return is_agg(v) ? v->u.agg.n : 0; }

const ws_json *ws_json_at(const ws_json *v, size_t i)
{
    return is_agg(v) && i < v->u.agg.n ? v->u.agg.items[i] : NULL;
}

const char *ws_json_key_at(const ws_json *v, size_t i)
{
    return v && v->type == WS_JSON_OBJECT && i < v->u.agg.n ? v->u.agg.keys[i] : NULL;
}

static const ws_json *get_n(const ws_json *v, const char *key, size_t len)
{
    if (!v || v->type != WS_JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < v->u.agg.n; i++)
        if (strncmp(v->u.agg.keys[i], key, len) == 0 && v->u.agg.keys[i][len] == '\0')
            return v->u.agg.items[i];
    return NULL;
}

const ws_json *ws_json_get(const ws_json *v, const char *key) { return get_n(v, key, strlen(key)); }

/* Walks the path; *last is the deepest value reached (for messages). */
static const ws_json *walk(const ws_json *v, const char *path, const ws_json **last)
{
    *last = v;
    const char *p = path;
    while (v) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        v = get_n(v, p, len);
        if (!v || !dot)
            break;
        *last = v;
        p = dot + 1;
    }
    return v;
}

const ws_json *ws_json_path(const ws_json *v, const char *path)
{
    const ws_json *last;
    return walk(v, path, &last);
}

double ws_json_num(const ws_json *v) { return v && v->type == WS_JSON_NUMBER ? v->u.num : NAN; }
const char *ws_json_str(const ws_json *v) { return v && v->type == WS_JSON_STRING ? v->u.str : NULL; }
bool ws_json_bool(const ws_json *v) { return v && v->type == WS_JSON_BOOL && v->u.b; }

static const ws_json *typed(const ws_json *v, const char *path, ws_json_type want, ws_diag *err)
{
    const ws_json *last;
    const ws_json *x = walk(v, path, &last);
    if (!x) {
        ws_diag_set(err, ws_json_file(last), ws_json_line(last), "%s: missing (expected %s)", path,
                    ws_json_type_name(want));
        return NULL;
    }
    if (x->type != want) {
        ws_diag_set(err, ws_json_file(x), x->line, "%s: expected %s, found %s", path,
                    ws_json_type_name(want), ws_json_type_name(x->type));
        return NULL;
    }
    return x;
}

int ws_json_get_num(const ws_json *v, const char *path, double *out, ws_diag *err)
{
    const ws_json *x = typed(v, path, WS_JSON_NUMBER, err);
    if (!x)
        return WS_EINPUT;
    *out = x->u.num;
    return WS_OK;
}

int ws_json_get_str(const ws_json *v, const char *path, const char **out, ws_diag *err)
{
    const ws_json *x = typed(v, path, WS_JSON_STRING, err);
    if (!x)
        return WS_EINPUT;
    *out = x->u.str;
    return WS_OK;
}

void ws_json_write_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
    fputc('"', f);
    while (p < end) {
        unsigned char c = *p;
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (c < 0x20) {
                fprintf(f, "\\u%04x", c);
            } else {
                size_t k = utf8_len(p, end);
                if (k == 0) {
                    fputs("\xEF\xBF\xBD", f); /* U+FFFD for the byte */
                    k = 1;
                } else {
                    fwrite(p, 1, k, f);
                }
                p += k;
                continue;
            }
        }
        p++;
    }
    fputc('"', f);
}

size_t ws_json_utf8_len(const unsigned char *p, const unsigned char *end)
{
    return utf8_len(p, end);
}
