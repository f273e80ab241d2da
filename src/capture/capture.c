/*
 * capture.c - sample a live server's statistics into psql --csv files
 * (capture.h).
 *
 * Every query runs in a READ ONLY transaction of a session with
 * default_transaction_read_only on, so a mistake here cannot write to the
 * server.  The files are written as psql --csv prints them (RFC 4180:
 * a field quoted when it holds a comma, a quote or a line break, or is an
 * empty string; NULL is an empty field), which is what pgstats.c reads.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "walsim/capture.h"

#ifdef WALSIM_HAVE_LIBPQ
#include <libpq-fe.h>

bool ws_capture_available(void) { return true; }

/* A value in single quotes for a conninfo string: \ and ' escaped. */
static size_t put_quoted(char *out, size_t len, size_t at, const char *v)
{
    if (at < len)
        out[at] = '\'';
    at++;
    for (const char *p = v; *p; p++) {
        if (*p == '\\' || *p == '\'') {
            if (at < len)
                out[at] = '\\';
            at++;
        }
        if (at < len)
            out[at] = *p;
        at++;
    }
    if (at < len)
        out[at] = '\'';
    return at + 1;
}

int ws_capture_dsn_redact(const char *dsn, char *out, size_t len, ws_diag *err)
{
    assert(len > 0);
    char *msg = NULL;
    PQconninfoOption *opts = PQconninfoParse(dsn, &msg);
    if (!opts) {
        /* libpq's message may quote the string, password included. */
        if (msg)
            PQfreemem(msg);
        ws_diag_set(err, NULL, 0,
                    "capture: --dsn is not a libpq connection string (KEY=VALUE ... or "
                    "postgresql://...)");
        return WS_EINPUT;
    }
    size_t at = 0;
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        /* password and sslpassword (the client key's passphrase) */
        if (!o->val || strstr(o->keyword, "password"))
            continue;
        size_t k = strlen(o->keyword);
        if (at > 0) {
            if (at < len)
                out[at] = ' ';
            at++;
        }
        for (size_t i = 0; i < k; i++, at++)
            if (at < len)
                out[at] = o->keyword[i];
        if (at < len)
            out[at] = '=';
        at++;
        at = put_quoted(out, len, at, o->val);
    }
    out[at < len ? at : len - 1] = '\0';
    PQconninfoFree(opts);
    return WS_OK;
}

/* ------------------------------------------------------------------ */

typedef struct capture {
    PGconn *conn;
    const char *dir;
    char password[256];  /* to scrub from messages; "" when none known */
    int version;
    ws_diag *err;
    long own_tx;         /* transactions the capture committed */
    FILE *all[10];       /* NAME.csv of the series taken at every sample */
} capture;

/* libpq's message, first line only, with the password (when one is known)
 * replaced by "***". */
static void scrubbed(const capture *c, const char *msg, char *out, size_t len)
{
    const char *s = msg ? msg : "";
    while (*s == ' ' || *s == '\n')
        s++;
    size_t n = strcspn(s, "\n");
    if (n >= len)
        n = len - 1;
    memcpy(out, s, n);
    out[n] = '\0';
    size_t pl = strlen(c->password);
    if (pl == 0)
        return;
    char *p;
    while ((p = strstr(out, c->password)) != NULL) {
        memset(p, '*', pl);
    }
}

static FILE *open_out(capture *c, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", c->dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        ws_diag_set(c->err, NULL, 0, "capture: %s: %s", path, strerror(errno));
    return f;
}

static int close_out(capture *c, FILE *f, const char *name)
{
    if (!f)
        return WS_OK;
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        ws_diag_set(c->err, NULL, 0, "capture: %s/%s: cannot be written", c->dir, name);
        return WS_EIO;
    }
    return WS_OK;
}

static void csv_field(FILE *f, const char *v, bool is_null)
{
    if (is_null)
        return;
    if (*v && !strpbrk(v, ",\"\r\n")) {
        fputs(v, f);
        return;
    }
    fputc('"', f);
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

/* Writes a result as psql --csv does; a column named `skip` is left out. */
static void write_result(FILE *f, const PGresult *r, bool header, const char *skip)
{
    int nf = PQnfields(r), nt = PQntuples(r);
    if (header) {
        bool first = true;
        for (int j = 0; j < nf; j++) {
            if (skip && !strcmp(PQfname(r, j), skip))
                continue;
            if (!first)
                fputc(',', f);
            first = false;
            csv_field(f, PQfname(r, j), false);
        }
        fputc('\n', f);
    }
    for (int i = 0; i < nt; i++) {
        bool first = true;
        for (int j = 0; j < nf; j++) {
            if (skip && !strcmp(PQfname(r, j), skip))
                continue;
            if (!first)
                fputc(',', f);
            first = false;
            csv_field(f, PQgetvalue(r, i, j), PQgetisnull(r, i, j));
        }
        fputc('\n', f);
    }
}

/* Runs a statement; for a query the result (PQclear it), else NULL with
 * the message set. */
static PGresult *run(capture *c, const char *sql)
{
    PGresult *r = PQexec(c->conn, sql);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return r;
    char line[400];
    scrubbed(c, r ? PQresultErrorMessage(r) : PQerrorMessage(c->conn), line, sizeof line);
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (state && !strcmp(state, "42501"))
        ws_diag_set(c->err, NULL, 0,
                    "capture: missing privileges (%s): GRANT pg_monitor TO the role "
                    "(docs/capture.md)",
                    line);
    else
        ws_diag_set(c->err, NULL, 0, "capture: query failed: %s", line);
    PQclear(r);
    return NULL;
}

static int exec_ok(capture *c, const char *sql)
{
    PGresult *r = run(c, sql);
    if (!r)
        return WS_EINPUT;
    PQclear(r);
    return WS_OK;
}

#define EPOCH "extract(epoch from clock_timestamp())::numeric(20,3) epoch"

/* One query of a sample and the files it goes to. */
typedef struct series {
    const char *name;      /* bgwriter: bgwriter.csv, bgwriter_before/after.csv */
    const char *sql;
    int min_version, max_version; /* 0: no bound */
    bool each_sample;      /* every sample into NAME.csv; else only first and last */
    const char *skip;      /* a column left out */
    bool needs_statements; /* pg_stat_statements installed */
} series;

static const series SERIES[] = {
    {"bgwriter", "select " EPOCH ", pg_current_wal_lsn() lsn, * from pg_stat_bgwriter", 0, 0,
     true, NULL, false},
    {"wal", "select " EPOCH ", pg_current_wal_lsn() lsn, * from pg_stat_wal", 140000, 0, true,
     NULL, false},
    {"checkpointer", "select " EPOCH ", pg_current_wal_lsn() lsn, * from pg_stat_checkpointer",
     170000, 0, true, NULL, false},
    {"database",
     "select " EPOCH ", pg_current_wal_lsn() lsn, pg_database_size(d.datid) database_size, d.* "
     "from pg_stat_database d where d.datname = current_database()",
     0, 0, true, NULL, false},
    /* The last completed checkpoint's start time and redo pointer (1 s
     * resolution), and what the checkpointer waits on (CheckpointerMain:
     * idle): the cycle starts of the first-touch fit without a server log. */
    {"control",
     "select " EPOCH ", extract(epoch from checkpoint_time)::numeric(20,3) checkpoint_epoch, "
     "redo_lsn, pg_current_wal_lsn() lsn, (select coalesce(wait_event, 'running') from "
     "pg_stat_activity where backend_type = 'checkpointer') checkpointer_wait "
     "from pg_control_checkpoint()",
     0, 0, true, NULL, false},
    {"user_tables", "select " EPOCH ", * from pg_stat_user_tables order by relid", 0, 0, false,
     NULL, false},
    {"statio_user_tables", "select " EPOCH ", * from pg_statio_user_tables order by relid", 0,
     0, false, NULL, false},
    {"sizes",
     "select " EPOCH ", n.nspname schemaname, c.relname, c.relkind, c.relpages, c.reltuples, "
     "pg_relation_size(c.oid) size_bytes, pg_total_relation_size(c.oid) total_bytes "
     "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
     "where c.relkind in ('r', 'i', 'm', 'p') and n.nspname not in ('pg_catalog', "
     "'information_schema') and n.nspname !~ '^pg_toast' order by n.nspname, c.relname",
     0, 0, false, NULL, false},
    {"statements",
     "select " EPOCH ", s.* from pg_stat_statements s "
     "where s.dbid = (select oid from pg_database where datname = current_database())",
     0, 0, false, "query", true},
};
#define N_SERIES (sizeof SERIES / sizeof SERIES[0])
_Static_assert(N_SERIES <= 10, "capture.all holds 10 series");

static bool series_on(const series *s, int version, bool statements)
{
    if (s->min_version && version < s->min_version)
        return false;
    if (s->max_version && version > s->max_version)
        return false;
    return !s->needs_statements || statements;
}

static int write_one(capture *c, const char *name, const PGresult *r, const char *skip)
{
    FILE *f = open_out(c, name);
    if (!f)
        return WS_EIO;
    write_result(f, r, true, skip);
    return close_out(c, f, name);
}

/* One sample: a READ ONLY transaction reading every series. */
static int sample(capture *c, bool first, bool last, bool statements)
{
    int rc = exec_ok(c, "begin transaction read only");
    if (rc != WS_OK)
        return rc;
    for (size_t i = 0; i < N_SERIES && rc == WS_OK; i++) {
        const series *s = &SERIES[i];
        if (!series_on(s, c->version, statements))
            continue;
        if (!s->each_sample && !first && !last)
            continue;
        PGresult *r = run(c, s->sql);
        if (!r) {
            rc = WS_EINPUT;
            break;
        }
        char name[96];
        if (s->each_sample)
            write_result(c->all[i], r, first, s->skip);
        if (first) {
            snprintf(name, sizeof name, "%s_before.csv", s->name);
            rc = write_one(c, name, r, s->skip);
        }
        if (last && rc == WS_OK) {
            snprintf(name, sizeof name, "%s_after.csv", s->name);
            rc = write_one(c, name, r, s->skip);
        }
        PQclear(r);
    }
    if (rc != WS_OK) {
        PGresult *r = PQexec(c->conn, "rollback");
        PQclear(r);
        return rc;
    }
    rc = exec_ok(c, "commit");
    if (rc == WS_OK)
        c->own_tx++;
    return rc;
}

/* The first value of a one-row query, or NULL (message set). */
static char *scalar(capture *c, const char *sql, char *buf, size_t len)
{
    PGresult *r = run(c, sql);
    if (!r)
        return NULL;
    if (PQntuples(r) < 1 || PQnfields(r) < 1) {
        ws_diag_set(c->err, NULL, 0, "capture: no row from %s", sql);
        PQclear(r);
        return NULL;
    }
    snprintf(buf, len, "%s", PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0));
    PQclear(r);
    return buf;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_until(double t, void (*poll)(void))
{
    for (;;) {
        if (poll)
            poll();
        double left = t - now_s();
        if (left <= 0)
            return;
        if (left > 0.1)
            left = 0.1;
        struct timespec ts = {0, (long)(left * 1e9)};
        nanosleep(&ts, NULL);
    }
}

/* Why the connection failed, in one line without any password. */
static void connect_error(capture *c)
{
    char line[400];
    const char *msg = PQerrorMessage(c->conn);
    scrubbed(c, msg, line, sizeof line);
    const char *user = PQuser(c->conn) ? PQuser(c->conn) : "?";
    const char *host = PQhost(c->conn) ? PQhost(c->conn) : "?";
    const char *port = PQport(c->conn) ? PQport(c->conn) : "?";
    if (strstr(msg, "password authentication failed") || strstr(msg, "no password supplied") ||
        strstr(msg, "authentication failed"))
        ws_diag_set(c->err, NULL, 0,
                    "capture: authentication failed for role \"%s\" (the password comes from "
                    "PGPASSWORD, PGPASSFILE (~/.pgpass) or a service file)",
                    user);
    else if (strstr(msg, "Connection refused") || strstr(msg, "No such file or directory"))
        ws_diag_set(c->err, NULL, 0,
                    "capture: connection refused: no PostgreSQL server listening at %s port %s",
                    host, port);
    else
        ws_diag_set(c->err, NULL, 0, "capture: cannot connect: %s", line);
}

static int checks(capture *c, bool *statements)
{
    char buf[64];
    c->version = PQserverVersion(c->conn);
    if (c->version < 130000) {
        ws_diag_set(c->err, NULL, 0,
                    "capture: PostgreSQL %d.%d is not supported: walsim models 13 to 17",
                    c->version / 10000, c->version >= 100000 ? c->version % 100 : c->version % 10000 / 100);
        return WS_EINPUT;
    }
    /* Read only from here on; every later transaction says so too. */
    if (exec_ok(c, "set default_transaction_read_only = on") != WS_OK ||
        exec_ok(c, "set application_name = 'walsim capture'") != WS_OK ||
        exec_ok(c, "set statement_timeout = '60s'") != WS_OK ||
        exec_ok(c, "set lock_timeout = '5s'") != WS_OK)
        return WS_EINPUT;
    if (!scalar(c, "select pg_is_in_recovery()", buf, sizeof buf))
        return WS_EINPUT;
    if (buf[0] == 't') {
        ws_diag_set(c->err, NULL, 0,
                    "capture: the server is a standby (in recovery): capture the primary, "
                    "whose checkpoints and WAL the model describes");
        return WS_EINPUT;
    }
    if (!scalar(c,
                "select pg_has_role(current_user, 'pg_monitor', 'USAGE') or "
                "(select rolsuper from pg_roles where rolname = current_user)",
                buf, sizeof buf))
        return WS_EINPUT;
    if (buf[0] != 't') {
        ws_diag_set(c->err, NULL, 0,
                    "capture: role \"%s\" is not a member of pg_monitor: GRANT pg_monitor TO "
                    "%s (docs/capture.md)",
                    PQuser(c->conn), PQuser(c->conn));
        return WS_EINPUT;
    }
    if (!scalar(c, "select count(*) from pg_extension where extname = 'pg_stat_statements'", buf,
                sizeof buf))
        return WS_EINPUT;
    *statements = buf[0] != '0';
    return WS_OK;
}

static int write_settings(capture *c)
{
    if (exec_ok(c, "begin transaction read only") != WS_OK)
        return WS_EINPUT;
    PGresult *r = run(c, "select name, setting, unit, source, sourcefile, sourceline "
                         "from pg_settings order by name");
    if (!r)
        return WS_EINPUT;
    int rc = write_one(c, "settings.csv", r, NULL);
    PQclear(r);
    if (rc == WS_OK && (rc = exec_ok(c, "commit")) == WS_OK)
        c->own_tx++;
    return rc;
}

static int write_meta(capture *c, const ws_capture_opts *o, const ws_capture_info *info,
                      long tx_in_window)
{
    char dsn[2048];
    ws_diag e2;
    if (ws_capture_dsn_redact(o->dsn, dsn, sizeof dsn, &e2) != WS_OK)
        snprintf(dsn, sizeof dsn, "?");
    FILE *f = open_out(c, "capture.csv");
    if (!f)
        return WS_EIO;
    fputs("key,value\n", f);
    fprintf(f, "format,walsim capture 1\n");
    fprintf(f, "walsim_version,%s\n", WALSIM_VERSION);
    fprintf(f, "server_version_num,%d\n", c->version);
    fputs("dsn,", f);
    csv_field(f, dsn, false);
    fputc('\n', f);
    fputs("database,", f);
    csv_field(f, PQdb(c->conn) ? PQdb(c->conn) : "", false);
    fputc('\n', f);
    fprintf(f, "start_epoch,%.3f\n", info->start_epoch);
    fprintf(f, "end_epoch,%.3f\n", info->end_epoch);
    fprintf(f, "interval_s,%g\n", o->interval_s);
    fprintf(f, "samples,%zu\n", info->samples);
    /* The capture's own commits between the first and the last row of
     * database.csv, which xact_commit counts too. */
    fprintf(f, "own_transactions,%ld\n", tx_in_window);
    return close_out(c, f, "capture.csv");
}

int ws_capture_run(const ws_capture_opts *o, const char *dir, ws_capture_info *info,
                   ws_diag *err)
{
    if (!(o->duration_s > 0) || !(o->interval_s > 0) || o->interval_s > o->duration_s) {
        ws_diag_set(err, NULL, 0, "capture: --interval must be positive and at most --duration");
        return WS_EINPUT;
    }
    capture c = {.dir = dir, .err = err};
    char dsn[2048];
    if (ws_capture_dsn_redact(o->dsn, dsn, sizeof dsn, err) != WS_OK)
        return WS_EINPUT;
    /* Passwords to scrub from libpq's messages. */
    PQconninfoOption *opts = PQconninfoParse(o->dsn, NULL);
    for (PQconninfoOption *p = opts; p && p->keyword; p++)
        if (!strcmp(p->keyword, "password") && p->val)
            snprintf(c.password, sizeof c.password, "%s", p->val);
    PQconninfoFree(opts);
    if (!c.password[0] && getenv("PGPASSWORD"))
        snprintf(c.password, sizeof c.password, "%s", getenv("PGPASSWORD"));

    c.conn = PQconnectdb(o->dsn);
    if (!c.conn) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    int rc = WS_OK;
    if (PQstatus(c.conn) != CONNECTION_OK) {
        connect_error(&c);
        rc = WS_EINPUT;
        goto out;
    }
    bool statements = false;
    long tx_before = 0;
    if ((rc = checks(&c, &statements)) != WS_OK)
        goto out;
    size_t n = (size_t)floor(o->duration_s / o->interval_s + 1e-9) + 1;
    if (!o->quiet)
        fprintf(stderr, "capture: PostgreSQL %d.%d, %zu samples every %g s\n", c.version / 10000,
                c.version % 100, n, o->interval_s);
    if ((rc = write_settings(&c)) != WS_OK)
        goto out;
    for (size_t i = 0; i < N_SERIES; i++) {
        if (!SERIES[i].each_sample || !series_on(&SERIES[i], c.version, statements))
            continue;
        char name[96];
        snprintf(name, sizeof name, "%s.csv", SERIES[i].name);
        if (!(c.all[i] = open_out(&c, name))) {
            rc = WS_EIO;
            goto close;
        }
    }
    double t0 = now_s();
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    info->start_epoch = (double)wall.tv_sec + wall.tv_nsec / 1e9;
    info->server_version = c.version;
    for (size_t k = 0; k < n; k++) {
        if (k > 0)
            sleep_until(t0 + (double)k * o->interval_s, o->poll);
        if (k == 0)
            tx_before = c.own_tx;
        if ((rc = sample(&c, k == 0, k + 1 == n, statements)) != WS_OK)
            goto close;
        info->samples = k + 1;
        if (!o->quiet && (k + 1 == n || (k + 1) % 10 == 0))
            fprintf(stderr, "capture: %zu of %zu samples\n", k + 1, n);
    }
    clock_gettime(CLOCK_REALTIME, &wall);
    info->end_epoch = (double)wall.tv_sec + wall.tv_nsec / 1e9;
close:
    for (size_t i = 0; i < N_SERIES; i++) {
        if (!c.all[i])
            continue;
        char name[96];
        snprintf(name, sizeof name, "%s.csv", SERIES[i].name);
        int crc = close_out(&c, c.all[i], name);
        c.all[i] = NULL;
        if (rc == WS_OK)
            rc = crc;
    }
    if (rc == WS_OK)
        rc = write_meta(&c, o, info, c.own_tx - tx_before - 1);
out:
    PQfinish(c.conn);
    return rc;
}

#else /* no libpq */

bool ws_capture_available(void) { return false; }

int ws_capture_dsn_redact(const char *dsn, char *out, size_t len, ws_diag *err)
{
    (void)dsn;
    if (len)
        out[0] = '\0';
    ws_diag_set(err, NULL, 0, "capture: walsim was built without libpq (install libpq-dev and "
                              "build again)");
    return WS_EINPUT;
}

int ws_capture_run(const ws_capture_opts *o, const char *dir, ws_capture_info *info,
                   ws_diag *err)
{
    (void)o;
    (void)dir;
    (void)info;
    ws_diag_set(err, NULL, 0, "capture: walsim was built without libpq (install libpq-dev and "
                              "build again)");
    return WS_EINPUT;
}

#endif
