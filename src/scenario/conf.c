/*
 * conf.c - the scenario file reader (see conf.h for the grammar).
 *
 * Reading is line by line, as PostgreSQL's guc-file.l is: a line is blank,
 * a comment, a section header, an include directive, a raw line (in
 * [expect] and [events]), or `key [=] value [# comment]`.
 *
 * Memory: every string an item points to (keys, values, raw lines, section
 * names, file names) is copied into an arena of blocks owned by the
 * ws_conf, so items stay valid until ws_conf_free, which frees it all at
 * once.  The items themselves live in one growing array.
 *
 * Includes follow PostgreSQL (guc-file.l ParseConfigFile and
 * ParseConfigDirectory): paths are relative to the directory of the
 * including file, include_dir reads *.conf in strcmp order and skips
 * names starting with '.', and nesting is limited to CONF_FILE_MAX_DEPTH.
 * walsim adds cycle detection, by real path, to name the cycle instead of
 * only hitting the depth limit.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* realpath, strdup, fileno, dirent */
#endif

#include "walsim/conf.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_DEPTH 10           /* PostgreSQL's CONF_FILE_MAX_DEPTH; the top file is depth 0 */
#define MAX_FILE_SIZE (16 << 20) /* a scenario is a few kB; anything this big is a mistake */
#define SHOW_MAX 60            /* bytes of user text echoed in a message */
#define MAX_FILES 256          /* files read in one parse, includes counted: an include
                                  fan-out (each level including the next 8 times)
                                  stops here instead of reading 8^10 files */
#define MAX_TOTAL_SIZE (32 << 20) /* bytes read in one parse, all files together */

/* One line per section kind: name, whether it needs a NAME ([table NAME]),
 * whether it holds raw lines instead of key = value. */
#define SECTION_KINDS(X)           \
    X("scenario", false, false)    \
    X("workload", false, false)    \
    X("table", true, false)        \
    X("transaction", true, false)  \
    X("postgres", false, false)    \
    X("os", false, false)          \
    X("disk", false, false)        \
    X("variant", true, false)      \
    X("expect", true, true)        \
    X("events", false, true)       \
    X("bulk", true, false)

typedef struct section_kind {
    const char *name;
    bool needs_name;
    bool raw_lines;
} section_kind;

#define AS_KIND(name, needs_name, raw_lines) {name, needs_name, raw_lines},
#define AS_NAME(name, needs_name, raw_lines) name,
static const section_kind kinds[] = {SECTION_KINDS(AS_KIND)};
static const char *const kind_names[] = {SECTION_KINDS(AS_NAME) NULL};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

/* The section of lines before the first header in the top-level file. */
#define DEFAULT_KIND "postgres"

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

/* A file being read; the stack of them is the include chain. */
typedef struct frame {
    const char *path; /* as opened, in the arena; the name in messages */
    const char *real; /* realpath, in the arena; NULL for text given in memory */
} frame;

typedef struct parser {
    ws_conf *conf;
    ws_diag *err;
    const section_kind *kind; /* current section */
    const char *section_name;
    frame stack[MAX_DEPTH + 1];
    int depth; /* frames in use */
    int n_files;       /* files read so far (MAX_FILES) */
    size_t total_size; /* their bytes (MAX_TOTAL_SIZE) */
} parser;

typedef enum include_mode { INC_FILE, INC_IF_EXISTS, INC_DIR } include_mode;

/* ------------------------------------------------------------------------
 * Arena and items. */

static void *arena_alloc(ws_conf *c, size_t n)
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
        if (!ni)
            return WS_ENOMEM;
        c->items = ni;
        c->cap = cap;
    }
    c->items[c->n++] = it;
    return WS_OK;
}

/* ------------------------------------------------------------------------
 * Characters.  ASCII tests, not <ctype.h>: keys must not change meaning
 * with the locale, and bytes >= 0x80 (UTF-8) are never letters here. */

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_key_start(char c) { return is_alpha(c) || c == '_'; }
static bool is_key_char(char c) { return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-'; }

/* Offset of the first byte of s[0..n) that is not part of well-formed
 * UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF), or n when all of it is. */
static size_t utf8_bad(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = u[i];
        size_t k;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF)
            k = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else
            return i;
        if (n - i <= k)
            return i;
        if (u[i + 1] < lo || u[i + 1] > hi)
            return i;
        for (size_t j = 2; j <= k; j++)
            if (u[i + j] < 0x80 || u[i + j] > 0xBF)
                return i;
        i += k + 1;
    }
    return n;
}

static void skip_space(const char **p)
{
    while (is_space(**p))
        (*p)++;
}

static const char *show(const char *s, size_t n, char *buf, size_t len)
{
    return ws_diag_show(s, n, SHOW_MAX, buf, len);
}

/* One character for "unexpected character ..." messages: 'c' for printable
 * ASCII, else its byte value (a lone byte of UTF-8 is not printable). */
static const char *show_char(char c, char *buf, size_t len)
{
    if (c > 0x20 && c < 0x7f)
        snprintf(buf, len, "'%c'", c);
    else
        snprintf(buf, len, "byte 0x%02X", (unsigned)(unsigned char)c);
    return buf;
}


/* ------------------------------------------------------------------------
 * Quoted strings. */

enum { Q_OK, Q_UNTERMINATED, Q_NUL };

/* Reads the single-quoted string at s (at the quote) as guc-file.l's
 * GUC_scanstr does: '' and \' are a quote, \b \f \n \r \t are what they
 * are in C, \NNN is octal (up to 3 digits) and a backslash before any
 * other character is that character.  With out == NULL only measures.
 * Sets *end past the closing quote and *outlen.  An octal escape for a
 * NUL byte is an error: values are C strings, it would cut them short. */
static int scan_quoted(const char *s, char *out, size_t *outlen, const char **end)
{
    assert(*s == '\'');
    size_t n = 0;
    for (s++;; s++) {
        char c = *s;
        if (c == '\0')
            return Q_UNTERMINATED;
        if (c == '\'') {
            if (s[1] != '\'')
                break;
            s++; /* '' */
        } else if (c == '\\') {
            if (s[1] == '\0')
                return Q_UNTERMINATED;
            c = *++s;
            switch (c) {
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            default:
                if (c >= '0' && c <= '7') {
                    unsigned v = 0;
                    for (int k = 0; k < 3 && *s >= '0' && *s <= '7'; k++, s++)
                        v = v * 8 + (unsigned)(*s - '0');
                    s--;
                    if ((v & 0xFF) == 0)
                        return Q_NUL;
                    c = (char)(unsigned char)(v & 0xFF);
                }
                break; /* \\, \' and any other character: itself */
            }
        }
        if (out)
            out[n] = c;
        n++;
    }
    if (out)
        out[n] = '\0';
    *outlen = n;
    *end = s + 1;
    return Q_OK;
}

int ws_conf_unquote(const char *s, char *out, const char **end)
{
    size_t n;
    return scan_quoted(s, out, &n, end) == Q_OK ? WS_OK : WS_EINPUT;
}

/* A quoted string into the arena.  Returns Q_* or -1 (out of memory). */
static int read_quoted(parser *ps, const char **p, const char **value, size_t *len)
{
    const char *end;
    int rc = scan_quoted(*p, NULL, len, &end);
    if (rc != Q_OK)
        return rc;
    char *buf = arena_alloc(ps->conf, *len + 1);
    if (!buf)
        return -1;
    scan_quoted(*p, buf, len, &end);
    *value = buf;
    *p = end;
    return Q_OK;
}

/* ------------------------------------------------------------------------
 * Files. */

static int parse_text(parser *ps, char *text, size_t len);

static int oom(parser *ps)
{
    ws_diag_set(ps->err, NULL, 0, "out of memory");
    return WS_ENOMEM;
}

/* Reads a regular file of at most MAX_FILE_SIZE bytes into a malloc'd,
 * NUL-terminated buffer.  Only regular files: a FIFO or /dev/zero would
 * block or never end.  On failure returns NULL and a reason in *why. */
static char *slurp(const char *path, size_t *len, const char **why)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *why = strerror(errno);
        return NULL;
    }
    struct stat st;
    char *buf = NULL;
    if (fstat(fileno(f), &st) != 0) {
        *why = strerror(errno);
    } else if (!S_ISREG(st.st_mode)) {
        *why = S_ISDIR(st.st_mode) ? "it is a directory" : "not a regular file";
    } else if (st.st_size > MAX_FILE_SIZE) {
        *why = "larger than 16MB; is it a scenario file?";
    } else if (!(buf = malloc((size_t)st.st_size + 1))) {
        *why = "out of memory";
    } else {
        /* The size may change under us: read to EOF, within the limit. */
        size_t cap = (size_t)st.st_size + 1, n = 0, got;
        while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
            n += got;
            if (n < cap)
                continue;
            char *nb = cap > MAX_FILE_SIZE ? NULL : realloc(buf, 2 * cap);
            if (!nb) {
                *why = cap > MAX_FILE_SIZE ? "larger than 16MB; is it a scenario file?"
                                           : "out of memory";
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        if (buf && ferror(f)) {
            *why = strerror(errno ? errno : EIO);
            free(buf);
            buf = NULL;
        }
        if (buf) {
            buf[n] = '\0';
            *len = n;
        }
    }
    fclose(f);
    return buf;
}

/* "include 'x'" for messages about an include line. */
static const char *directive_name(include_mode m)
{
    return m == INC_DIR ? "include_dir" : m == INC_IF_EXISTS ? "include_if_exists" : "include";
}

/* The current file, where include lines are. */
static const frame *top(const parser *ps)
{
    assert(ps->depth > 0);
    return &ps->stack[ps->depth - 1];
}

/* The include chain from frame i, then `path`: "a.conf -> b.conf -> a.conf". */
static void chain(const parser *ps, int i, const char *path, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (; i < ps->depth && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s -> ", ps->stack[i].path);
    if (used < len)
        snprintf(buf + used, len - used, "%s", path);
}

/* A file could not be opened or read: "FILE: cannot open: why" for the
 * top-level file, "FROM:LINE: include 'x': cannot open PATH: why" for an
 * included one (PATH only when it differs from what the line says). */
static int open_error(parser *ps, const char *path, include_mode mode, const char *written,
                      int line, const char *why)
{
    if (line == 0) {
        ws_diag_set(ps->err, path, 0, "cannot open: %s", why);
        return WS_EIO;
    }
    char w[PATH_MAX + 8], p[PATH_MAX + 8];
    bool same = strcmp(written, path) == 0;
    ws_diag_set(ps->err, top(ps)->path, line, "%s '%s': cannot open%s%s: %s",
                directive_name(mode), ws_diag_show(written, strlen(written), PATH_MAX, w, sizeof w),
                same ? "" : " ", same ? "" : ws_diag_show(path, strlen(path), PATH_MAX, p, sizeof p),
                why);
    return WS_EIO;
}

/* Reads the file at `path` (as it is named in messages) as part of the
 * current parse.  `line` is the include line in the current file and
 * `written` its value, or 0 and NULL for the top-level file. */
static int parse_path(parser *ps, const char *path, include_mode mode, const char *written, int line)
{
    const char *from = line > 0 ? top(ps)->path : NULL;
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        if (mode == INC_IF_EXISTS && errno == ENOENT)
            return WS_OK; /* PostgreSQL: "skipping missing configuration file" */
        return open_error(ps, path, mode, written, line, strerror(errno));
    }
    for (int i = 0; i < ps->depth; i++) {
        if (ps->stack[i].real && strcmp(ps->stack[i].real, real) == 0) {
            char text[WS_DIAG_MAX];
            chain(ps, i, path, text, sizeof text);
            ws_diag_set(ps->err, from, line, "include cycle: %s", text);
            return WS_EINPUT;
        }
    }
    if (ps->depth > MAX_DEPTH) {
        char w[PATH_MAX + 8];
        ws_diag_set(ps->err, from, line,
                    "%s '%s': nested too deeply (more than %d levels of include)",
                    directive_name(mode), ws_diag_show(written, strlen(written), PATH_MAX, w, sizeof w),
                    MAX_DEPTH);
        return WS_EINPUT;
    }
    if (ps->n_files == MAX_FILES) {
        char w[PATH_MAX + 8];
        ws_diag_set(ps->err, from, line,
                    "%s '%s': more than %d files read in all (includes counted, each time "
                    "they are included); expected at most %d",
                    directive_name(mode), ws_diag_show(written, strlen(written), PATH_MAX, w, sizeof w),
                    MAX_FILES, MAX_FILES);
        return WS_EINPUT;
    }
    size_t len = 0;
    const char *why = NULL;
    char *text = slurp(path, &len, &why);
    if (!text)
        return open_error(ps, path, mode, written, line, why);
    ps->n_files++;
    ps->total_size += len;
    if (ps->total_size > MAX_TOTAL_SIZE) {
        free(text);
        char w[PATH_MAX + 8];
        ws_diag_set(ps->err, from, line,
                    "%s '%s': the files read reach more than 32MB in all (includes counted); "
                    "expected a scenario of at most 32MB",
                    directive_name(mode),
                    ws_diag_show(written ? written : path, strlen(written ? written : path),
                                 PATH_MAX, w, sizeof w));
        return WS_EINPUT;
    }
    frame *fr = &ps->stack[ps->depth];
    fr->path = arena_strndup(ps->conf, path, strlen(path));
    fr->real = arena_strndup(ps->conf, real, strlen(real));
    if (!fr->path || !fr->real) {
        free(text);
        return oom(ps);
    }
    ps->depth++;
    /* An included file continues the section of its include line; the
     * including file gets its own section back afterwards. */
    const section_kind *saved_kind = ps->kind;
    const char *saved_name = ps->section_name;
    int rc = parse_text(ps, text, len);
    ps->kind = saved_kind;
    ps->section_name = saved_name;
    ps->depth--;
    free(text);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* PostgreSQL's ParseConfigDirectory: every *.conf (with at least one
 * character before the suffix) not starting with '.', in strcmp order;
 * subdirectories are skipped. */
static int parse_dir(parser *ps, const char *dir, const char *written, int line)
{
    DIR *d = opendir(dir);
    if (!d)
        return open_error(ps, dir, INC_DIR, written, line, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = WS_OK;
    struct dirent *e;
    while (rc == WS_OK && (e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".conf") != 0)
            continue;
        char path[PATH_MAX];
        struct stat st;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path ||
            stat(path, &st) != 0 || S_ISDIR(st.st_mode))
            continue; /* gone since readdir, or a directory: PostgreSQL skips those too */
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                rc = WS_ENOMEM;
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name)))
            rc = WS_ENOMEM;
        else
            n++;
    }
    closedir(d);
    if (rc == WS_OK && n > 0)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && rc == WS_OK; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        rc = parse_path(ps, path, INC_DIR, written, line);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc == WS_ENOMEM ? oom(ps) : rc;
}

/* include / include_if_exists / include_dir VALUE at `line` of the
 * current file.  Relative paths are relative to the including file's
 * directory (PostgreSQL's AbsoluteConfigLocation); for text given in
 * memory, to the current directory. */
static int include(parser *ps, include_mode mode, const char *value, int line)
{
    const frame *fr = top(ps);
    const char *dirname = directive_name(mode);
    if (strspn(value, " \t\r\n") == strlen(value)) {
        ws_diag_set(ps->err, fr->path, line, "%s: empty %s name", dirname,
                    mode == INC_DIR ? "directory" : "file");
        return WS_EINPUT;
    }
    const char *slash = fr->real ? strrchr(fr->path, '/') : NULL;
    char path[PATH_MAX];
    int n;
    if (value[0] == '/' || !slash)
        n = snprintf(path, sizeof path, "%s", value);
    else
        n = snprintf(path, sizeof path, "%.*s/%s", (int)(slash - fr->path), fr->path, value);
    if (n < 0 || (size_t)n >= sizeof path) {
        ws_diag_set(ps->err, fr->path, line, "%s: path too long", dirname);
        return WS_EINPUT;
    }
    return mode == INC_DIR ? parse_dir(ps, path, value, line)
                           : parse_path(ps, path, mode, value, line);
}

/* ------------------------------------------------------------------------
 * Lines. */

/* Is the line at p an include directive ("include 'x'", "include_dir=d")?
 * Checked in raw sections too, so that an included file of events works. */
static bool is_directive(const char *p, include_mode *mode)
{
    static const struct {
        const char *word;
        include_mode mode;
    } words[] = {{"include", INC_FILE}, {"include_if_exists", INC_IF_EXISTS}, {"include_dir", INC_DIR}};
    const char *k = p;
    while (is_key_char(*p))
        p++;
    size_t len = (size_t)(p - k);
    if (!is_space(*p) && *p != '=' && *p != '\'')
        return false;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i].word) == len && strncasecmp(words[i].word, k, len) == 0) {
            *mode = words[i].mode;
            return true;
        }
    return false;
}

/* "scenario, workload, table NAME, ..." */
static void list_kinds(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_KINDS && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s%s", i ? ", " : "", kinds[i].name,
                                 kinds[i].needs_name ? " NAME" : "");
}

static const section_kind *find_kind(const char *k, size_t len)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (strlen(kinds[i].name) == len && strncasecmp(kinds[i].name, k, len) == 0)
            return &kinds[i];
    return NULL;
}

/* The kind nearest to the unknown word k, if it is a likely typo: two
 * edits away at most, one for short words ("foo" is not a typo of "os"). */
static const char *nearest_kind(const char *k, size_t len)
{
    const char *near = NULL;
    int best = INT_MAX;
    if (len > 32)
        return NULL;
    for (size_t i = 0; i < N_KINDS; i++) {
        size_t shorter = len < strlen(kinds[i].name) ? len : strlen(kinds[i].name);
        int d = ws_edit_distance(k, len, kinds[i].name);
        if (d <= (shorter <= 4 ? 1 : 2) && d < best) {
            best = d;
            near = kinds[i].name;
        }
    }
    return near;
}

/* "[kind]" or "[kind name]" or "[kind 'quoted name']", p after the '['. */
static int parse_header(parser *ps, const char *p, const char *file, int line)
{
    char s1[SHOW_MAX + 8], s2[SHOW_MAX + 8];
    skip_space(&p);
    const char *k = p;
    while (is_key_char(*p))
        p++;
    size_t klen = (size_t)(p - k);
    if (*p && !is_space(*p) && *p != ']' && *p != '\'' && *p != '#') {
        ws_diag_set(ps->err, file, line,
                    "section header: unexpected character %s; expected [KIND] or [KIND NAME]",
                    show_char(*p, s1, sizeof s1));
        return WS_EINPUT;
    }
    skip_space(&p);
    const char *name = NULL;
    size_t nlen = 0;
    if (*p == '\'') {
        int q = read_quoted(ps, &p, &name, &nlen);
        if (q == -1)
            return oom(ps);
        if (q == Q_UNTERMINATED) {
            ws_diag_set(ps->err, file, line, "section header: unterminated quoted name");
            return WS_EINPUT;
        }
        if (q == Q_NUL) {
            ws_diag_set(ps->err, file, line, "section header: a name cannot contain a NUL (\\0)");
            return WS_EINPUT;
        }
    } else if (is_key_char(*p)) {
        const char *n0 = p;
        while (is_key_char(*p))
            p++;
        nlen = (size_t)(p - n0);
        if (!(name = arena_strndup(ps->conf, n0, nlen)))
            return oom(ps);
    }
    skip_space(&p);
    if (*p == '\0' || *p == '#') {
        ws_diag_set(ps->err, file, line, "unterminated section header: missing ']'");
        return WS_EINPUT;
    }
    if (*p != ']') {
        ws_diag_set(ps->err, file, line,
                    "section header: unexpected text '%s' before ']'; a NAME is letters, digits, "
                    "'_', '-' and '.'; quote other names",
                    show(p, strcspn(p, "]"), s1, sizeof s1));
        return WS_EINPUT;
    }
    const char *after = p + 1;
    skip_space(&after);
    if (*after && *after != '#') {
        ws_diag_set(ps->err, file, line, "section header: unexpected text '%s' after ']'",
                    show(after, strlen(after), s1, sizeof s1));
        return WS_EINPUT;
    }
    if (klen == 0) {
        ws_diag_set(ps->err, file, line, "%s section header; expected [KIND] or [KIND NAME]",
                    name ? "no KIND in the" : "empty");
        return WS_EINPUT;
    }
    const section_kind *kind = find_kind(k, klen);
    if (!kind) {
        char all[256];
        list_kinds(all, sizeof all);
        const char *near = nearest_kind(k, klen);
        ws_diag_set(ps->err, file, line, "unknown section [%s]%s%s%s; sections are %s",
                    show(k, klen, s2, sizeof s2), near ? " (did you mean [" : "",
                    near ? near : "", near ? "]?)" : "", all);
        return WS_EINPUT;
    }
    if (name && !kind->needs_name) {
        ws_diag_set(ps->err, file, line, "section [%s] takes no name", kind->name);
        return WS_EINPUT;
    }
    if (!name && kind->needs_name) {
        ws_diag_set(ps->err, file, line, "section [%s] needs a name: [%s NAME]", kind->name,
                    kind->name);
        return WS_EINPUT;
    }
    if (name && nlen == 0) {
        ws_diag_set(ps->err, file, line, "section [%s '']: the name is empty", kind->name);
        return WS_EINPUT;
    }
    ps->kind = kind;
    ps->section_name = name;
    /* The header itself is an item, so that an empty section (a variant
     * that keeps every base setting) still exists. */
    return push_item(ps, (ws_conf_item){kind->name, name, NULL, NULL, NULL, false, file, line}) ==
                   WS_OK
               ? WS_OK
               : oom(ps);
}

/* A raw line: the comment stripped (a '#' outside quotes), trimmed. */
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
    while (end > p && is_space(end[-1]))
        end--;
    if (end == p)
        return WS_OK;
    const char *raw = arena_strndup(ps->conf, p, (size_t)(end - p));
    if (!raw || push_item(ps, (ws_conf_item){ps->kind->name, ps->section_name, NULL, NULL, raw,
                                             false, file, line}) != WS_OK)
        return oom(ps);
    return WS_OK;
}

/* `key [=] value [# comment]`, p at the key. */
static int parse_setting(parser *ps, const char *p, const char *file, int line)
{
    char s1[SHOW_MAX + 8], key[SHOW_MAX + 8];
    if (!is_key_start(*p)) {
        ws_diag_set(ps->err, file, line,
                    "unexpected character %s; expected KEY = VALUE, a [section] or a # comment",
                    show_char(*p, s1, sizeof s1));
        return WS_EINPUT;
    }
    const char *k = p;
    while (is_key_char(*p))
        p++;
    size_t klen = (size_t)(p - k);
    show(k, klen, key, sizeof key);
    const char *q = p;
    skip_space(&q);
    bool equals = *q == '=';
    if (equals) {
        q++;
        skip_space(&q);
    } else if (q == p && *q && *q != '#' && *q != '\'') {
        /* "a$b = 1": the key ran into a character keys cannot have */
        ws_diag_set(ps->err, file, line,
                    "%s: unexpected character %s in a key (keys are letters, digits, '_', '.' "
                    "and '-')",
                    key, show_char(*q, s1, sizeof s1));
        return WS_EINPUT;
    }
    if (*q == '\0' || *q == '#') {
        ws_diag_set(ps->err, file, line, "%s: missing value", key);
        return WS_EINPUT;
    }
    const char *value;
    size_t vlen;
    bool quoted = *q == '\'';
    if (quoted) {
        int rc = read_quoted(ps, &q, &value, &vlen);
        if (rc == -1)
            return oom(ps);
        if (rc == Q_UNTERMINATED) {
            ws_diag_set(ps->err, file, line, "%s: unterminated quoted string", key);
            return WS_EINPUT;
        }
        if (rc == Q_NUL) {
            ws_diag_set(ps->err, file, line, "%s: a value cannot contain a NUL character (\\0)",
                        key);
            return WS_EINPUT;
        }
    } else {
        /* walsim takes any bare token where PostgreSQL would want quotes */
        const char *v0 = q;
        while (*q && !is_space(*q) && *q != '#')
            q++;
        vlen = (size_t)(q - v0);
        if (!(value = arena_strndup(ps->conf, v0, vlen)))
            return oom(ps);
    }
    skip_space(&q);
    if (*q && *q != '#') {
        /* Without '=', "crash at 45min" is more likely a free-form line in
         * the wrong section than a value missing its quotes. */
        ws_diag_set(ps->err, file, line,
                    "%s: unexpected text '%s' after the value; quote values that contain spaces%s",
                    key, show(q, strlen(q), s1, sizeof s1),
                    equals ? "" : " (free-form lines belong in [expect NAME] or [events])");
        return WS_EINPUT;
    }
    include_mode mode;
    if (is_directive(k, &mode))
        return include(ps, mode, value, line);
    size_t bad = value ? utf8_bad(value, strlen(value)) : 0;
    if (value && bad < strlen(value)) {
        /* an escape (\NNN) made a byte that is not UTF-8 */
        ws_diag_set(ps->err, file, line,
                    "%s: the value holds invalid UTF-8 (byte 0x%02X made by an escape); "
                    "expected UTF-8 text",
                    key, (unsigned)(unsigned char)value[bad]);
        return WS_EINPUT;
    }
    const char *kcopy = arena_strndup(ps->conf, k, klen);
    if (!kcopy || push_item(ps, (ws_conf_item){ps->kind->name, ps->section_name, kcopy, value,
                                               NULL, quoted, file, line}) != WS_OK)
        return oom(ps);
    return WS_OK;
}

static int parse_line(parser *ps, const char *p, const char *file, int line)
{
    skip_space(&p);
    if (*p == '\0' || *p == '#')
        return WS_OK;
    if (*p == '[')
        return parse_header(ps, p + 1, file, line);
    include_mode mode;
    if (ps->kind->raw_lines && !is_directive(p, &mode))
        return parse_raw(ps, p, file, line);
    return parse_setting(ps, p, file, line);
}

/* Parses the text of the file on top of the stack.  `text` is writable
 * and has len bytes plus a terminating NUL: lines are cut in place. */
static int parse_text(parser *ps, char *text, size_t len)
{
    const char *file = top(ps)->path;
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        int line = 1;
        for (const char *c = text; c < nul; c++)
            line += *c == '\n';
        ws_diag_set(ps->err, file, line, "the file contains a NUL byte; is it a text file?");
        return WS_EINPUT;
    }
    size_t bad = utf8_bad(text, len);
    if (bad < len) {
        int line = 1;
        const char *bol = text;
        for (const char *c = text; c < text + bad; c++)
            if (*c == '\n') {
                line++;
                bol = c + 1;
            }
        ws_diag_set(ps->err, file, line,
                    "invalid UTF-8 (byte 0x%02X at column %zu); expected UTF-8 text "
                    "(convert the file, e.g. iconv -f LATIN1 -t UTF-8)",
                    (unsigned)(unsigned char)text[bad], (size_t)(text + bad - bol) + 1);
        return WS_EINPUT;
    }
    char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* a UTF-8 byte order mark, as some editors write */
    for (int line = 1; p < end; line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *eol = nl ? nl : end;
        *eol = '\0'; /* a trailing '\r' (CRLF) is whitespace, as in guc-file.l */
        int rc = parse_line(ps, p, file, line);
        if (rc != WS_OK)
            return rc;
        if (line == INT_MAX) {
            ws_diag_set(ps->err, file, line, "too many lines");
            return WS_EINPUT;
        }
        p = eol + 1;
    }
    return WS_OK;
}

/* ------------------------------------------------------------------------
 * Public functions. */

static int start(parser *ps, ws_diag *err)
{
    *ps = (parser){.err = err, .kind = find_kind(DEFAULT_KIND, strlen(DEFAULT_KIND))};
    assert(ps->kind);
    ps->conf = calloc(1, sizeof *ps->conf);
    return ps->conf ? WS_OK : oom(ps);
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
    assert(path && out);
    ws_diag_clear(err);
    parser ps;
    if (start(&ps, err) != WS_OK) {
        *out = NULL;
        return WS_ENOMEM;
    }
    return finish(&ps, parse_path(&ps, path, INC_FILE, NULL, 0), out);
}

int ws_conf_parse_string(const char *text, size_t len, const char *name, ws_conf **out,
                         ws_diag *err)
{
    assert((text || len == 0) && name && out);
    ws_diag_clear(err);
    parser ps;
    if (start(&ps, err) != WS_OK) {
        *out = NULL;
        return WS_ENOMEM;
    }
    /* A writable copy with a terminating NUL, cut into lines in place. */
    char *copy = malloc(len + 1);
    ps.stack[0] = (frame){arena_strndup(ps.conf, name, strlen(name)), NULL};
    if (!copy || !ps.stack[0].path) {
        free(copy);
        return finish(&ps, oom(&ps), out);
    }
    if (len)
        memcpy(copy, text, len);
    copy[len] = '\0';
    ps.depth = 1;
    int rc = parse_text(&ps, copy, len);
    free(copy);
    return finish(&ps, rc, out);
}

size_t ws_conf_count(const ws_conf *c)
{
    assert(c);
    return c->n;
}

const ws_conf_item *ws_conf_item_at(const ws_conf *c, size_t i)
{
    assert(c);
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
