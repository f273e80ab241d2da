/*
 * conf.c - the scenario file reader (see conf.h for the grammar).
 *
 * Reading is line by line, as PostgreSQL's guc-file.l is: a line is blank,
 * a comment, a section header, a raw line (in [expect] and [events]), or
 * `key [=] value [# comment]`.  Strings are copied into an arena owned by
 * the ws_conf, so items stay valid until ws_conf_free.
 */
#include "walsim/conf.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 10 /* PostgreSQL's CONF_FILE_MAX_DEPTH */

typedef struct section_kind {
    const char *name;
    bool needs_name;
    bool raw;
} section_kind;

/* One line per section kind. */
static const section_kind kinds[] = {
    {"scenario", false, false},   {"workload", false, false}, {"table", true, false},
    {"transaction", true, false}, {"postgres", false, false}, {"os", false, false},
    {"disk", false, false},       {"variant", true, false},   {"expect", true, true},
    {"events", false, true},      {"bulk", true, false},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static const char *const kind_names[N_KINDS + 1] = {
    "scenario", "workload", "table", "transaction", "postgres",
    "os",       "disk",     "variant", "expect",    "events", "bulk", NULL,
};

const char *const *ws_conf_section_kinds(void) { return kind_names; }

typedef struct block {
    struct block *next;
    size_t used, size;
    char data[];
} block;

struct ws_conf {
    ws_conf_item *items;
    size_t n, cap;
    block *arena;
};

/* The state of one parse: the include stack and the current section. */
typedef struct parser {
    ws_conf *conf;
    ws_diag *err;
    const section_kind *kind;
    const char *section_name;
    char *stack[MAX_DEPTH + 1]; /* real paths of the files being read */
    int depth;
} parser;

static char *arena_alloc(ws_conf *c, size_t n)
{
    if (!c->arena || c->arena->size - c->arena->used < n) {
        size_t size = n > 16384 ? n : 16384;
        block *b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->next = c->arena;
        b->used = 0;
        b->size = size;
        c->arena = b;
    }
    char *p = c->arena->data + c->arena->used;
    c->arena->used += n;
    return p;
}

static const char *arena_strndup(ws_conf *c, const char *s, size_t n)
{
    char *p = arena_alloc(c, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static int push_item(parser *ps, ws_conf_item it)
{
    ws_conf *c = ps->conf;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        ws_conf_item *ni = realloc(c->items, cap * sizeof *ni);
        if (!ni) {
            ws_diag_set(ps->err, NULL, 0, "out of memory");
            return WS_ENOMEM;
        }
        c->items = ni;
        c->cap = cap;
    }
    c->items[c->n++] = it;
    return WS_OK;
}

static int edit_distance(const char *a, const char *b)
{
    int prev[32], cur[32];
    size_t la = strnlen(a, 31), lb = strnlen(b, 31);
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, sizeof(int) * (lb + 1));
    }
    return prev[lb];
}

static bool is_key_start(int ch) { return isalpha(ch) || ch == '_'; }
static bool is_key_char(int ch) { return isalnum(ch) || ch == '_' || ch == '.' || ch == '-'; }

/* Reads a single-quoted string starting at *p (at the quote), processing
 * '' and backslash escapes as guc-file.l's GUC_scanstr does.  Writes the
 * result into out (at least strlen(*p) bytes).  Returns 0, or -1 if the
 * quote is not closed on this line. */
static int read_quoted(const char **p, char *out, size_t *outlen)
{
    const char *s = *p + 1;
    size_t n = 0;
    for (;;) {
        if (*s == '\0')
            return -1;
        if (*s == '\'') {
            if (s[1] == '\'') {
                out[n++] = '\'';
                s += 2;
                continue;
            }
            s++;
            break;
        }
        if (*s == '\\' && s[1]) {
            s++;
            switch (*s) {
            case 'b': out[n++] = '\b'; s++; break;
            case 'f': out[n++] = '\f'; s++; break;
            case 'n': out[n++] = '\n'; s++; break;
            case 'r': out[n++] = '\r'; s++; break;
            case 't': out[n++] = '\t'; s++; break;
            case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
                int v = 0;
                for (int k = 0; k < 3 && *s >= '0' && *s <= '7'; k++)
                    v = v * 8 + (*s++ - '0');
                out[n++] = (char)(v ? v : '?'); /* no NUL inside a value */
                break;
            }
            default: out[n++] = *s++; break; /* \\, \' and any other character */
            }
            continue;
        }
        out[n++] = *s++;
    }
    out[n] = '\0';
    *outlen = n;
    *p = s;
    return 0;
}

static void skip_space(const char **p)
{
    while (**p == ' ' || **p == '\t' || **p == '\f' || **p == '\v')
        (*p)++;
}

static int parse_text(parser *ps, const char *text, size_t len, const char *file);

/* Directory part of `file` joined with `rel` (unless rel is absolute). */
static void resolve_path(const char *file, const char *rel, char *out, size_t outlen)
{
    const char *slash = strrchr(file, '/');
    if (rel[0] == '/' || !slash || strncmp(file, "<built-in>", 10) == 0)
        snprintf(out, outlen, "%s", rel);
    else
        snprintf(out, outlen, "%.*s/%s", (int)(slash - file), file, rel);
}

/* Reads a whole file into memory.  Returns NULL with errno set. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        errno = ENOMEM;
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            char *nb = cap > (size_t)64 << 20 ? NULL : realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                fclose(f);
                errno = EFBIG;
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    *len = n;
    return buf;
}

/* Parses the file at `path` as part of the current parse. `from`/`line`
 * name the include line (NULL for the top-level file). */
static int parse_path(parser *ps, const char *path, const char *from, int line, bool missing_ok)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        if (missing_ok && errno == ENOENT)
            return WS_OK;
        if (from)
            ws_diag_set(ps->err, from, line, "include '%s': cannot open: %s", path, strerror(errno));
        else
            ws_diag_set(ps->err, path, 0, "cannot open: %s", strerror(errno));
        return from ? WS_EINPUT : WS_EIO;
    }
    for (int i = 0; i < ps->depth; i++) {
        if (strcmp(ps->stack[i], real) == 0) {
            char chain[WS_DIAG_MAX / 2] = "";
            for (int k = i; k < ps->depth; k++) {
                size_t used = strlen(chain);
                const char *base = strrchr(ps->stack[k], '/');
                snprintf(chain + used, sizeof chain - used, "%s -> ", base ? base + 1 : ps->stack[k]);
            }
            size_t used = strlen(chain);
            const char *base = strrchr(real, '/');
            snprintf(chain + used, sizeof chain - used, "%s", base ? base + 1 : real);
            ws_diag_set(ps->err, from, line, "include cycle: %s", chain);
            return WS_EINPUT;
        }
    }
    if (ps->depth >= MAX_DEPTH) {
        ws_diag_set(ps->err, from, line,
                    "include '%s': nested too deeply (more than %d levels of include)", path,
                    MAX_DEPTH);
        return WS_EINPUT;
    }
    size_t len;
    char *text = slurp(path, &len);
    if (!text) {
        if (from)
            ws_diag_set(ps->err, from, line, "include '%s': cannot read: %s", path, strerror(errno));
        else
            ws_diag_set(ps->err, path, 0, "cannot read: %s", strerror(errno));
        return from ? WS_EINPUT : WS_EIO;
    }
    ps->stack[ps->depth] = strdup(real);
    if (!ps->stack[ps->depth]) {
        free(text);
        ws_diag_set(ps->err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    ps->depth++;
    const section_kind *saved_kind = ps->kind;
    const char *saved_name = ps->section_name;
    int rc = parse_text(ps, text, len, path);
    ps->kind = saved_kind;
    ps->section_name = saved_name;
    ps->depth--;
    free(ps->stack[ps->depth]);
    free(text);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int include_dir(parser *ps, const char *dir, const char *from, int line)
{
    DIR *d = opendir(dir);
    if (!d) {
        ws_diag_set(ps->err, from, line, "include_dir '%s': cannot open directory: %s", dir,
                    strerror(errno));
        return WS_EINPUT;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = WS_OK;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".conf") != 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                rc = WS_ENOMEM;
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name))) {
            rc = WS_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == WS_OK)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && rc == WS_OK; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        rc = parse_path(ps, path, from, line, false);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc == WS_ENOMEM)
        ws_diag_set(ps->err, NULL, 0, "out of memory");
    return rc;
}

/* "[kind name]" at p (after the '['). */
static int parse_header(parser *ps, const char *p, const char *file, int line)
{
    const char *close = strchr(p, ']');
    if (!close) {
        ws_diag_set(ps->err, file, line, "section header: missing ']'");
        return WS_EINPUT;
    }
    const char *after = close + 1;
    skip_space(&after);
    if (*after && *after != '#') {
        ws_diag_set(ps->err, file, line, "section header: unexpected text '%s' after ']'", after);
        return WS_EINPUT;
    }
    skip_space(&p);
    const char *k = p;
    while (p < close && is_key_char((unsigned char)*p))
        p++;
    size_t klen = (size_t)(p - k);
    if (klen == 0) {
        ws_diag_set(ps->err, file, line, "section header: empty or malformed; expected [KIND] or [KIND NAME]");
        return WS_EINPUT;
    }
    const section_kind *kind = NULL;
    for (size_t i = 0; i < N_KINDS; i++)
        if (strlen(kinds[i].name) == klen && strncasecmp(kinds[i].name, k, klen) == 0)
            kind = &kinds[i];
    if (!kind) {
        const char *near = NULL;
        int best = 3;
        char word[32];
        snprintf(word, sizeof word, "%.*s", (int)(klen < 31 ? klen : 31), k);
        for (size_t i = 0; i < N_KINDS; i++) {
            int d = edit_distance(word, kinds[i].name);
            if (d < best) {
                best = d;
                near = kinds[i].name;
            }
        }
        ws_diag_set(ps->err, file, line,
                    "unknown section [%s]%s%s%s; sections are scenario, workload, table NAME, "
                    "transaction NAME, postgres, os, disk, bulk NAME, variant NAME, expect NAME, events",
                    word, near ? " (did you mean [" : "", near ? near : "", near ? "]?)" : "");
        return WS_EINPUT;
    }
    skip_space(&p);
    const char *name = NULL;
    if (p < close) {
        char buf[256];
        size_t nlen = 0;
        if (*p == '\'') {
            char tmp[512];
            size_t span = (size_t)(close - p);
            if (span >= sizeof tmp) {
                ws_diag_set(ps->err, file, line, "section header: name too long");
                return WS_EINPUT;
            }
            memcpy(tmp, p, span);
            tmp[span] = '\0';
            const char *q = tmp;
            if (read_quoted(&q, buf, &nlen) != 0) {
                ws_diag_set(ps->err, file, line, "section header: unterminated quoted name");
                return WS_EINPUT;
            }
            skip_space(&q);
            if (*q) {
                ws_diag_set(ps->err, file, line, "section header: unexpected text after the name");
                return WS_EINPUT;
            }
        } else {
            const char *n0 = p;
            while (p < close && is_key_char((unsigned char)*p))
                p++;
            nlen = (size_t)(p - n0);
            skip_space(&p);
            if (p != close || nlen == 0 || nlen >= sizeof buf) {
                ws_diag_set(ps->err, file, line,
                            "section header: [%s NAME]: NAME is letters, digits, '_', '-', '.'; "
                            "quote other names",
                            kind->name);
                return WS_EINPUT;
            }
            memcpy(buf, n0, nlen);
            buf[nlen] = '\0';
        }
        if (nlen == 0) {
            ws_diag_set(ps->err, file, line, "section header: empty name");
            return WS_EINPUT;
        }
        if (!kind->needs_name) {
            ws_diag_set(ps->err, file, line, "section [%s] takes no name", kind->name);
            return WS_EINPUT;
        }
        name = arena_strndup(ps->conf, buf, nlen);
        if (!name)
            return WS_ENOMEM;
    } else if (kind->needs_name) {
        ws_diag_set(ps->err, file, line, "section [%s] needs a name: [%s NAME]", kind->name,
                    kind->name);
        return WS_EINPUT;
    }
    ps->kind = kind;
    ps->section_name = name;
    /* The header itself is an item, so that an empty section (a variant
     * that keeps every base setting) still exists. */
    return push_item(ps, (ws_conf_item){kind->name, name, NULL, NULL, NULL, false,
                                        arena_strndup(ps->conf, file, strlen(file)), line});
}

/* A raw line: strip a comment outside quotes, trim. */
static int parse_raw(parser *ps, const char *p, const char *file, int line)
{
    const char *end = p;
    bool quoted = false;
    for (; *end; end++) {
        if (*end == '\'')
            quoted = !quoted;
        else if (*end == '#' && !quoted)
            break;
    }
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    if (end == p)
        return WS_OK;
    const char *raw = arena_strndup(ps->conf, p, (size_t)(end - p));
    if (!raw)
        return WS_ENOMEM;
    return push_item(ps, (ws_conf_item){ps->kind->name, ps->section_name, NULL, NULL, raw, false,
                                        file, line});
}

static int parse_line(parser *ps, char *p, const char *file, int line)
{
    skip_space((const char **)&p);
    if (*p == '\0' || *p == '#')
        return WS_OK;
    if (*p == '[')
        return parse_header(ps, p + 1, file, line);
    if (ps->kind->raw)
        return parse_raw(ps, p, file, line);

    const char *k = p;
    if (!is_key_start((unsigned char)*p)) {
        ws_diag_set(ps->err, file, line,
                    "unexpected character '%c'; expected KEY = VALUE, a [section] or a # comment",
                    isprint((unsigned char)*p) ? *p : '?');
        return WS_EINPUT;
    }
    while (is_key_char((unsigned char)*p))
        p++;
    size_t klen = (size_t)(p - k);
    char key[128];
    snprintf(key, sizeof key, "%.*s", (int)(klen < 127 ? klen : 127), k);
    const char *q = p;
    skip_space(&q);
    if (*q == '=') {
        q++;
        skip_space(&q);
    } else if (q == p && *q && *q != '#') {
        ws_diag_set(ps->err, file, line, "%s: unexpected character '%c' in a key", key,
                    isprint((unsigned char)*q) ? *q : '?');
        return WS_EINPUT;
    }
    if (*q == '\0' || *q == '#') {
        ws_diag_set(ps->err, file, line, "%s: missing value", key);
        return WS_EINPUT;
    }
    size_t cap = strlen(q) + 1;
    char *val = arena_alloc(ps->conf, cap);
    if (!val)
        return WS_ENOMEM;
    size_t vlen;
    bool quoted = *q == '\'';
    if (quoted) {
        if (read_quoted(&q, val, &vlen) != 0) {
            ws_diag_set(ps->err, file, line, "%s: unterminated quoted string", key);
            return WS_EINPUT;
        }
    } else {
        const char *v0 = q;
        while (*q && !isspace((unsigned char)*q) && *q != '#')
            q++;
        vlen = (size_t)(q - v0);
        memcpy(val, v0, vlen);
        val[vlen] = '\0';
    }
    skip_space(&q);
    if (*q && *q != '#') {
        ws_diag_set(ps->err, file, line,
                    "%s: unexpected text '%s' after the value; quote values that contain spaces",
                    key, q);
        return WS_EINPUT;
    }

    if (strcasecmp(key, "include") == 0 || strcasecmp(key, "include_if_exists") == 0 ||
        strcasecmp(key, "include_dir") == 0) {
        char path[PATH_MAX];
        resolve_path(file, val, path, sizeof path);
        if (strcasecmp(key, "include_dir") == 0)
            return include_dir(ps, path, file, line);
        return parse_path(ps, path, file, line, strcasecmp(key, "include_if_exists") == 0);
    }
    const char *kcopy = arena_strndup(ps->conf, k, klen);
    if (!kcopy)
        return WS_ENOMEM;
    return push_item(ps, (ws_conf_item){ps->kind->name, ps->section_name, kcopy, val, NULL, quoted,
                                        file, line});
}

static int parse_text(parser *ps, const char *text, size_t len, const char *file)
{
    if (memchr(text, '\0', len)) {
        size_t at = (size_t)((const char *)memchr(text, '\0', len) - text);
        int line = 1;
        for (size_t i = 0; i < at; i++)
            line += text[i] == '\n';
        ws_diag_set(ps->err, file, line, "the file contains a NUL byte; is it a text file?");
        return WS_EINPUT;
    }
    const char *fname = arena_strndup(ps->conf, file, strlen(file));
    if (!fname)
        return WS_ENOMEM;
    size_t pos = 0;
    int line = 0;
    char small[1024];
    while (pos < len) {
        line++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t l = end - pos;
        if (l && text[pos + l - 1] == '\r')
            l--;
        char *buf = l < sizeof small ? small : malloc(l + 1);
        if (!buf) {
            ws_diag_set(ps->err, NULL, 0, "out of memory");
            return WS_ENOMEM;
        }
        memcpy(buf, text + pos, l);
        buf[l] = '\0';
        int rc = parse_line(ps, buf, fname, line);
        if (buf != small)
            free(buf);
        if (rc != WS_OK) {
            if (rc == WS_ENOMEM)
                ws_diag_set(ps->err, NULL, 0, "out of memory");
            return rc;
        }
        pos = end + 1;
    }
    return WS_OK;
}

static const section_kind *postgres_kind(void)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (strcmp(kinds[i].name, "postgres") == 0)
            return &kinds[i];
    return &kinds[0];
}

static int finish(parser *ps, int rc, ws_conf **out)
{
    if (rc != WS_OK) {
        ws_conf_free(ps->conf);
        *out = NULL;
        return rc;
    }
    *out = ps->conf;
    return WS_OK;
}

int ws_conf_parse_file(const char *path, ws_conf **out, ws_diag *err)
{
    parser ps = {.err = err, .kind = postgres_kind()};
    ps.conf = calloc(1, sizeof *ps.conf);
    if (!ps.conf) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    return finish(&ps, parse_path(&ps, path, NULL, 0, false), out);
}

int ws_conf_parse_string(const char *text, size_t len, const char *name, ws_conf **out,
                         ws_diag *err)
{
    parser ps = {.err = err, .kind = postgres_kind()};
    ps.conf = calloc(1, sizeof *ps.conf);
    if (!ps.conf) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    return finish(&ps, parse_text(&ps, text, len, name), out);
}

size_t ws_conf_count(const ws_conf *c) { return c->n; }

const ws_conf_item *ws_conf_item_at(const ws_conf *c, size_t i)
{
    return i < c->n ? &c->items[i] : NULL;
}

void ws_conf_free(ws_conf *c)
{
    if (!c)
        return;
    for (block *b = c->arena, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(c->items);
    free(c);
}
