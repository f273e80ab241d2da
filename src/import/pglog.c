/*
 * pglog.c - checkpoint records from a PostgreSQL server log (see pglog.h).
 *
 * A line is a checkpoint line when the severity "LOG:  " is followed by one
 * of the messages of xlog.c LogCheckpointStart / LogCheckpointEnd or
 * checkpointer.c's checkpoint_warning message; the text before the
 * severity is the log_line_prefix, searched for a time stamp.
 */
#include "walsim/pglog.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

typedef struct ctx {
    const char *name;
    int line;
    ws_diag *err;
    ws_pglog *log;
    size_t cap_ckpts, cap_warnings;
} ctx;

/* ---------------------------------------------------------------------------
 * Time stamps in the prefix */

/* Abbreviations as tzdata prints them in %Z (pg_strftime), with their UTC
 * offsets.  CST (US Central / China) and IST (India / Israel / Ireland)
 * are ambiguous and refused rather than guessed. */
static const struct {
    const char *abbr;
    int offset_s;
} ZONES[] = {
    {"UTC", 0},         {"GMT", 0},        {"UT", 0},          {"Z", 0},
    {"WET", 0},         {"WEST", 3600},    {"BST", 3600},      {"CET", 3600},
    {"CEST", 7200},     {"MET", 3600},     {"MEST", 7200},     {"EET", 7200},
    {"EEST", 10800},    {"MSK", 10800},    {"SAST", 7200},     {"CAT", 7200},
    {"EAT", 10800},     {"WAT", 3600},     {"PKT", 18000},     {"WIB", 25200},
    {"HKT", 28800},     {"AWST", 28800},   {"JST", 32400},     {"KST", 32400},
    {"ACST", 34200},    {"ACDT", 37800},   {"AEST", 36000},    {"AEDT", 39600},
    {"NZST", 43200},    {"NZDT", 46800},   {"HST", -36000},    {"HDT", -32400},
    {"AKST", -32400},   {"AKDT", -28800},  {"PST", -28800},    {"PDT", -25200},
    {"MST", -25200},    {"MDT", -21600},   {"CDT", -18000},    {"EST", -18000},
    {"EDT", -14400},    {"AST", -14400},   {"ADT", -10800},    {"NST", -12600},
    {"NDT", -9000},
};

static bool isdig(char ch)
{
    return ch >= '0' && ch <= '9';
}

static bool isupper_(char ch)
{
    return ch >= 'A' && ch <= 'Z';
}

static bool isword(char ch)
{
    return isdig(ch) || (ch >= 'a' && ch <= 'z') || isupper_(ch) || ch == '_' || ch == '@' ||
           ch == '.' || ch == '-' || ch == '+';
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool digits_at(const char *s, size_t n, size_t i, size_t k)
{
    if (i + k > n)
        return false;
    for (size_t j = 0; j < k; j++)
        if (!isdig(s[i + j]))
            return false;
    return true;
}

/* "YYYY-MM-DD HH:MM:SS" at s[i]. */
static bool date_at(const char *s, size_t n, size_t i)
{
    if (i + 19 > n || (i > 0 && isdig(s[i - 1])))
        return false;
    static const char shape[] = "dddd-dd-dd dd:dd:dd";
    for (size_t j = 0; j < 19; j++) {
        if (shape[j] == 'd' ? !isdig(s[i + j]) : s[i + j] != shape[j])
            return false;
    }
    return true;
}

/* A zone token at s[p..]: sets *off (seconds east of UTC) and *len.
 * Returns 1 for a zone, 0 for none there, -1 for an unknown or ambiguous
 * abbreviation (message in c->err). */
static int zone_at(ctx *c, const char *s, size_t n, size_t p, int *off, size_t *len)
{
    if (p < n && (s[p] == '+' || s[p] == '-')) {
        int sign = s[p] == '-' ? -1 : 1;
        size_t q = p + 1;
        if (!digits_at(s, n, q, 2))
            return 0;
        int h = num(s + q, 2), m = 0;
        q += 2;
        if (q < n && s[q] == ':' && digits_at(s, n, q + 1, 2)) {
            m = num(s + q + 1, 2);
            q += 3;
        } else if (digits_at(s, n, q, 2)) {
            m = num(s + q, 2);
            q += 2;
        }
        if (q < n && isword(s[q]))
            return 0;
        if (h > 15 || m > 59)
            return 0;
        *off = sign * (h * 3600 + m * 60);
        *len = q - p;
        return 1;
    }
    size_t q = p;
    while (q < n && isupper_(s[q]))
        q++;
    size_t k = q - p;
    if (k < 1 || k > 6 || (q < n && isword(s[q])))
        return 0;
    for (size_t i = 0; i < sizeof ZONES / sizeof ZONES[0]; i++) {
        if (strlen(ZONES[i].abbr) == k && memcmp(ZONES[i].abbr, s + p, k) == 0) {
            *off = ZONES[i].offset_s;
            *len = k;
            return 1;
        }
    }
    char show[16];
    ws_diag_show(s + p, k, 8, show, sizeof show);
    ws_diag_set(c->err, c->name, c->line,
                "time zone '%s' in the line prefix is %s: set log_timezone = 'UTC' or use a "
                "numeric zone (like +05:30)",
                show, (k == 3 && (memcmp(s + p, "CST", 3) == 0 || memcmp(s + p, "IST", 3) == 0))
                          ? "ambiguous"
                          : "not known");
    return -1;
}

/* Finds the time stamp in the prefix [s, s+n): %m / %t first, else %n.
 * Returns WS_OK with *ms = epoch milliseconds, or WS_EINPUT. */
static int prefix_time(ctx *c, const char *s, size_t n, int64_t *ms)
{
    for (size_t i = 0; i + 19 <= n; i++) {
        if (!date_at(s, n, i))
            continue;
        int y = num(s + i, 4), mo = num(s + i + 5, 2), d = num(s + i + 8, 2);
        int h = num(s + i + 11, 2), mi = num(s + i + 14, 2), se = num(s + i + 17, 2);
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
            continue;
        size_t p = i + 19;
        int frac_ms = 0;
        if (p < n && s[p] == '.' && digits_at(s, n, p + 1, 1)) {
            p++;
            int k = 0;
            while (p < n && isdig(s[p])) {
                if (k < 3)
                    frac_ms = frac_ms * 10 + (s[p] - '0');
                k++;
                p++;
            }
            for (; k < 3; k++)
                frac_ms *= 10;
        }
        int off = 0;
        if (p < n && s[p] == ' ') {
            size_t zl;
            int z = zone_at(c, s, n, p + 1, &off, &zl);
            if (z < 0)
                return WS_EINPUT;
        }
        int64_t days = imp_days_from_civil(y, mo, d);
        *ms = ((days * 86400 + h * 3600 + mi * 60 + se) - off) * 1000 + frac_ms;
        return WS_OK;
    }
    /* %n: "%ld.%03d" seconds since the epoch */
    for (size_t i = 0; i < n; i++) {
        if (!isdig(s[i]) || (i > 0 && (isdig(s[i - 1]) || s[i - 1] == '.')))
            continue;
        size_t q = i;
        while (q < n && isdig(s[q]))
            q++;
        size_t k = q - i;
        if (k >= 9 && k <= 11 && q < n && s[q] == '.' && digits_at(s, n, q + 1, 3) &&
            !digits_at(s, n, q + 4, 1)) {
            int64_t sec = 0;
            for (size_t j = i; j < q; j++)
                sec = sec * 10 + (s[j] - '0');
            *ms = sec * 1000 + num(s + q + 1, 3);
            return WS_OK;
        }
        i = q;
    }
    char show[72];
    ws_diag_show(s, n, 60, show, sizeof show);
    ws_diag_set(c->err, c->name, c->line,
                "no time stamp in the line prefix '%s': log_line_prefix needs %%m, %%t or %%n",
                show);
    return WS_EINPUT;
}

/* ---------------------------------------------------------------------------
 * Records */

/* A record with every field absent (NaN, -1). */
static void ckpt_init(ws_pglog_ckpt *k)
{
    memset(k, 0, sizeof *k);
    k->start_time = k->complete_time = NAN;
    k->buffers = k->slru_buffers = k->wal_added = k->wal_removed = k->wal_recycled = -1;
    k->sync_files = k->distance_kb = k->estimate_kb = -1;
    k->buffers_pct = k->write_s = k->sync_s = k->total_s = k->longest_s = k->average_s = NAN;
}

static ws_pglog_ckpt *new_ckpt(ctx *c)
{
    ws_pglog *l = c->log;
    if (imp_grow((void **)&l->ckpts, &c->cap_ckpts, l->n_ckpts, sizeof *l->ckpts) != WS_OK)
        return NULL;
    ws_pglog_ckpt *k = &l->ckpts[l->n_ckpts++];
    ckpt_init(k);
    return k;
}

static const struct {
    const char *word;
    unsigned flag;
} FLAGS[] = {
    {"shutdown", WS_PGLOG_SHUTDOWN}, {"end-of-recovery", WS_PGLOG_END_OF_RECOVERY},
    {"immediate", WS_PGLOG_IMMEDIATE}, {"fast", WS_PGLOG_IMMEDIATE},
    {"force", WS_PGLOG_FORCE},       {"wait", WS_PGLOG_WAIT},
    {"wal", WS_PGLOG_WAL},           {"xlog", WS_PGLOG_WAL},
    {"time", WS_PGLOG_TIME},         {"flush-all", WS_PGLOG_FLUSH_ALL},
};

const char *ws_pglog_flags_str(unsigned flags, char *buf, size_t len)
{
    size_t used = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof FLAGS / sizeof FLAGS[0]; i++) {
        if (!(flags & FLAGS[i].flag) || !strcmp(FLAGS[i].word, "fast") ||
            !strcmp(FLAGS[i].word, "xlog"))
            continue;
        int w = snprintf(buf + used, len > used ? len - used : 0, "%s%s", used ? " " : "",
                         FLAGS[i].word);
        if (w < 0 || used + (size_t)w >= len) {
            if (len)
                buf[used] = '\0'; /* only whole words */
            break;
        }
        used += (size_t)w;
    }
    return buf;
}

/* Flag words up to the end of the cursor, or up to ':' when stop_colon. */
static int read_flags(ctx *c, imp_cur *cur, const char *what, bool stop_colon, unsigned *flags)
{
    *flags = 0;
    for (;;) {
        imp_skip_blank(cur);
        if (imp_at_end(cur) || (stop_colon && *cur->p == ':'))
            return WS_OK;
        const char *w = cur->p;
        while (cur->p < cur->end && *cur->p != ' ' && *cur->p != '\t' &&
               !(stop_colon && *cur->p == ':'))
            cur->p++;
        size_t wl = (size_t)(cur->p - w);
        bool known = false;
        for (size_t i = 0; i < sizeof FLAGS / sizeof FLAGS[0] && !known; i++) {
            if (strlen(FLAGS[i].word) == wl && memcmp(FLAGS[i].word, w, wl) == 0) {
                *flags |= FLAGS[i].flag;
                known = true;
            }
        }
        if (!known) {
            char show[48];
            ws_diag_show(w, wl, 32, show, sizeof show);
            ws_diag_set(c->err, c->name, c->line,
                        "%s: unknown flag '%s' at column %d (expected shutdown, end-of-recovery, "
                        "immediate, force, wait, wal, time or flush-all)",
                        what, show, (int)(w - cur->start) + 1);
            return WS_EINPUT;
        }
    }
}

static int bad_here(ctx *c, const imp_cur *cur, const char *what, const char *expected)
{
    char found[64];
    ws_diag_set(c->err, c->name, c->line, "%s: expected %s at column %d, found %s", what,
                expected, imp_col(cur), imp_show_here(cur, found, sizeof found));
    return WS_EINPUT;
}

/* The rest of a "complete:" line, after "complete:". */
static int parse_complete(ctx *c, imp_cur *cur, const char *what, ws_pglog_ckpt *k)
{
    char exp[160];
    /* After 18 the flags are repeated: "checkpoint complete: fast force wait: wrote ..." */
    if (!imp_lit(cur, " wrote ")) {
        unsigned fl;
        int rc = read_flags(c, cur, what, true, &fl);
        if (rc != WS_OK)
            return rc;
        if (!imp_lit(cur, ":") || !imp_lit(cur, " wrote "))
            return bad_here(c, cur, what, "'wrote '");
        if (!k->has_start)
            k->flags = fl;
    }
    if (!imp_scan(cur, exp, sizeof exp, "%u buffers (%f%%)", &k->buffers, &k->buffers_pct))
        return bad_here(c, cur, what, exp);
    /* 18+: ", wrote %d SLRU buffers" */
    if (imp_lit(cur, ", wrote ") &&
        !imp_scan(cur, exp, sizeof exp, "%u SLRU buffers", &k->slru_buffers))
        return bad_here(c, cur, what, exp);
    if (!imp_scan(cur, exp, sizeof exp,
                  "; %u WAL file(s) added, %u removed, %u recycled; "
                  "write=%f s, sync=%f s, total=%f s; "
                  "sync files=%u, longest=%f s, average=%f s; "
                  "distance=%u kB, estimate=%u kB",
                  &k->wal_added, &k->wal_removed, &k->wal_recycled, &k->write_s, &k->sync_s,
                  &k->total_s, &k->sync_files, &k->longest_s, &k->average_s, &k->distance_kb,
                  &k->estimate_kb))
        return bad_here(c, cur, what, exp);
    /* 16+: "; lsn=%X/%X, redo lsn=%X/%X" (zero-padded "%X/%08X" after 18) */
    if (imp_lit(cur, "; lsn=")) {
        if (!imp_scan(cur, exp, sizeof exp, "%L, redo lsn=%L", &k->lsn, &k->redo_lsn))
            return bad_here(c, cur, what, exp);
        k->has_lsn = true;
    }
    imp_skip_blank(cur);
    if (!imp_at_end(cur))
        return bad_here(c, cur, what, "the end of the line");
    return WS_OK;
}

/* Which message follows "LOG:  " at m (n bytes to the end of the line). */
enum { MSG_NONE, MSG_START, MSG_COMPLETE, MSG_FREQUENT };

static int classify(const char *m, size_t n, bool *restart, size_t *skip)
{
    static const struct {
        const char *text;
        int kind;
        bool restart;
    } MSGS[] = {
        {"checkpoint starting:", MSG_START, false},
        {"restartpoint starting:", MSG_START, true},
        {"checkpoint complete:", MSG_COMPLETE, false},
        {"restartpoint complete:", MSG_COMPLETE, true},
        {"checkpoints are occurring too frequently (", MSG_FREQUENT, false},
    };
    for (size_t i = 0; i < sizeof MSGS / sizeof MSGS[0]; i++) {
        size_t l = strlen(MSGS[i].text);
        if (n >= l && memcmp(m, MSGS[i].text, l) == 0) {
            *restart = MSGS[i].restart;
            *skip = l;
            return MSGS[i].kind;
        }
    }
    return MSG_NONE;
}

/* *pending: index of the record whose start line awaits its complete line,
 * SIZE_MAX for none (an index, as the array moves when it grows). */
static int parse_line(ctx *c, const char *s, size_t n, size_t *pending)
{
    static const char SEV[] = "LOG:  ";
    const char *m = NULL;
    int kind = MSG_NONE;
    bool restart = false;
    size_t skip = 0;
    for (const char *q = s; (q = imp_find(q, (size_t)(s + n - q), SEV, 6)) != NULL; q += 6) {
        kind = classify(q + 6, (size_t)(s + n - (q + 6)), &restart, &skip);
        if (kind != MSG_NONE) {
            m = q;
            break;
        }
    }
    if (kind == MSG_NONE) {
        c->log->skipped_lines++;
        return WS_OK;
    }
    const char *what = "checkpoints are occurring too frequently";
    if (kind == MSG_START)
        what = restart ? "restartpoint starting" : "checkpoint starting";
    else if (kind == MSG_COMPLETE)
        what = restart ? "restartpoint complete" : "checkpoint complete";
    int64_t ms;
    int rc = prefix_time(c, s, (size_t)(m - s), &ms);
    if (rc != WS_OK)
        return rc;
    double t = (double)ms / 1000.0;
    imp_cur cur;
    imp_cur_init(&cur, s, n);
    cur.p = m + 6 + skip;

    if (kind == MSG_FREQUENT) {
        int64_t secs;
        char exp[64];
        if (!imp_scan(&cur, exp, sizeof exp, "%u second", &secs))
            return bad_here(c, &cur, what, exp);
        (void)imp_lit(&cur, "s"); /* errmsg_plural: "1 second apart" */
        if (!imp_lit(&cur, " apart)"))
            return bad_here(c, &cur, what, "' apart)'");
        ws_pglog *l = c->log;
        if (imp_grow((void **)&l->warnings, &c->cap_warnings, l->n_warnings,
                     sizeof *l->warnings) != WS_OK)
            return WS_ENOMEM;
        l->warnings[l->n_warnings++] = (ws_pglog_warning){c->line, t, secs};
        return WS_OK;
    }
    if (kind == MSG_START) {
        unsigned flags;
        rc = read_flags(c, &cur, what, false, &flags);
        if (rc != WS_OK)
            return rc;
        ws_pglog_ckpt *k = new_ckpt(c);
        if (!k)
            return WS_ENOMEM;
        k->restartpoint = restart;
        k->has_start = true;
        k->start_line = c->line;
        k->start_time = t;
        k->flags = flags;
        *pending = c->log->n_ckpts - 1;
        return WS_OK;
    }
    /* A complete line closes the open record of its kind; without one (the
     * log begins mid-checkpoint) it makes a record of its own. */
    ws_pglog *l = c->log;
    bool open = *pending != SIZE_MAX && l->ckpts[*pending].restartpoint == restart;
    ws_pglog_ckpt rec;
    if (open) {
        rec = l->ckpts[*pending];
    } else {
        ckpt_init(&rec);
        rec.restartpoint = restart;
    }
    /* parsed into a copy, so that a bad line changes nothing */
    rc = parse_complete(c, &cur, what, &rec);
    if (rc != WS_OK)
        return rc;
    rec.has_complete = true;
    rec.complete_line = c->line;
    rec.complete_time = t;
    if (open) {
        l->ckpts[*pending] = rec;
        *pending = SIZE_MAX;
    } else {
        ws_pglog_ckpt *k = new_ckpt(c);
        if (!k)
            return WS_ENOMEM;
        *k = rec;
    }
    return WS_OK;
}

static int parse_all(const char *text, size_t len, const char *name, ws_pglog **out, ws_diag *err)
{
    *out = NULL;
    ws_pglog *log = calloc(1, sizeof *log);
    if (!log)
        return WS_ENOMEM;
    ctx c = {name, 0, err, log, 0, 0};
    /* A server log is text: a NUL byte or mostly control characters near
     * the start is another file given by mistake (a binary, a gzip read
     * raw, a pg_wal segment), not a log with no checkpoint lines.  Only
     * the start is judged: a crash can leave NULs at the end of a real
     * log, and those lines are skipped as any unknown line. */
    {
        size_t probe = len < 65536 ? len : 65536, ctl = 0;
        int line = 1;
        for (size_t i = 0; i < probe; i++) {
            unsigned char ch = (unsigned char)text[i];
            if (ch == 0 && i < 4096) {
                ws_diag_set(err, name, line,
                            "binary data (a NUL byte at byte %zu); expected a PostgreSQL server "
                            "log (stderr or csvlog format)",
                            i + 1);
                free(log);
                return WS_EINPUT;
            }
            line += ch == '\n';
            ctl += ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t' && ch != '\f' && ch != 0x1b;
        }
        if (probe >= 64 && ctl * 10 > probe) {
            ws_diag_set(err, name, 0,
                        "binary data (%zu of the first %zu bytes are control characters); "
                        "expected a PostgreSQL server log (stderr or csvlog format)",
                        ctl, probe);
            free(log);
            return WS_EINPUT;
        }
    }
    imp_lines it;
    imp_lines_init(&it, text, len);
    const char *s;
    size_t n;
    size_t pending = SIZE_MAX;
    while (imp_lines_next(&it, &s, &n)) {
        c.line = it.line;
        log->lines++;
        int rc = parse_line(&c, s, n, &pending);
        if (rc == WS_EINPUT && !it.terminated) {
            /* the unterminated last line was cut while being written */
            log->truncated_lines++;
            rc = WS_OK;
        }
        if (rc != WS_OK) {
            if (rc == WS_ENOMEM)
                ws_diag_set(err, name, c.line, "out of memory");
            ws_pglog_free(log);
            return rc;
        }
    }
    for (size_t i = 0; i < log->n_ckpts; i++)
        log->unpaired += !(log->ckpts[i].has_start && log->ckpts[i].has_complete);
    ws_diag_clear(err);
    *out = log;
    return WS_OK;
}

int ws_pglog_parse_string(const char *text, size_t len, const char *name, ws_pglog **out,
                          ws_diag *err)
{
    return parse_all(text, len, name ? name : "<log>", out, err);
}

int ws_pglog_read_file(const char *path, ws_pglog **out, ws_diag *err)
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

void ws_pglog_free(ws_pglog *log)
{
    if (!log)
        return;
    free(log->ckpts);
    free(log->warnings);
    free(log);
}
