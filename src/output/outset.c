/*
 * outset.c - all-or-nothing output files (see report.h).
 */
#include "walsim/report.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

typedef struct outfile {
    FILE *f;
    char *tmp, *final;
} outfile;

struct ws_outset {
    char *dir;
    outfile *files;
    size_t n, cap;
};

static int mkdir_p(const char *dir)
{
    char path[4096];
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof path)
        return -1;
    memcpy(path, dir, len + 1);
    for (char *p = path + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

/* Temporaries (.NAME.tmp.PID) of a process that no longer exists: a
 * walsim killed with -9 while writing DIR.  A live PID's are another
 * writer's, left alone. */
static void clean_stale_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name, *t = strstr(n, ".tmp.");
        if (n[0] != '.' || !t)
            continue;
        while (strstr(t + 1, ".tmp."))
            t = strstr(t + 1, ".tmp.");
        const char *digits = t + 5;
        if (!*digits || strspn(digits, "0123456789") != strlen(digits) || strlen(digits) > 9)
            continue;
        pid_t pid = (pid_t)atol(digits);
        if (pid <= 0 || pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, n);
        unlink(path);
    }
    closedir(d);
}

ws_outset *ws_outset_new(const char *dir, ws_diag *err)
{
    if (!dir || !*dir) {
        ws_diag_set(err, NULL, 0, "--out: empty folder name; give the folder to write to");
        return NULL;
    }
    errno = 0;
    if (mkdir_p(dir) != 0) {
        if (!errno)
            errno = ENAMETOOLONG;
        ws_diag_set(err, NULL, 0, "%s: cannot create output directory: %s", dir, strerror(errno));
        return NULL;
    }
    clean_stale_tmp(dir);
    ws_outset *o = calloc(1, sizeof *o);
    if (!o || !(o->dir = strdup(dir))) {
        free(o);
        ws_diag_set(err, NULL, 0, "out of memory");
        return NULL;
    }
    return o;
}

/* Fault injection for the tests (tests/cli/test_faults.sh), in the spirit
 * of SQLite's test hooks: WALSIM_FAULT=fail:NAME makes opening the output
 * file NAME fail with EIO; WALSIM_FAULT=pause:NAME prints a line to stderr
 * and sleeps 60 s before opening it, so a test can kill the process at a
 * known point.  Unset in normal use: one getenv per file. */
static bool injected_fault(const char *name)
{
    const char *f = getenv("WALSIM_FAULT");
    if (!f)
        return false;
    if (!strncmp(f, "fail:", 5) && !strcmp(f + 5, name)) {
        errno = EIO;
        return true;
    }
    if (!strncmp(f, "pause:", 6) && !strcmp(f + 6, name)) {
        fprintf(stderr, "walsim: fault: paused before writing %s\n", name);
        fflush(stderr);
        sleep(60);
    }
    return false;
}

FILE *ws_outset_open(ws_outset *o, const char *name, ws_diag *err)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 8;
        outfile *nf = realloc(o->files, cap * sizeof *nf);
        if (!nf) {
            ws_diag_set(err, NULL, 0, "out of memory");
            return NULL;
        }
        o->files = nf;
        o->cap = cap;
    }
    for (size_t i = 0; i < o->n; i++)
        if (!strcmp(strrchr(o->files[i].final, '/') + 1, name)) {
            ws_diag_set(err, NULL, 0, "%s/%s: two output files would have this name; "
                        "rename one of the variants it comes from", o->dir, name);
            return NULL;
        }
    size_t len = strlen(o->dir) + strlen(name) + 64;
    outfile *f = &o->files[o->n];
    f->tmp = malloc(len);
    f->final = malloc(len);
    if (!f->tmp || !f->final) {
        free(f->tmp);
        free(f->final);
        ws_diag_set(err, NULL, 0, "out of memory");
        return NULL;
    }
    snprintf(f->final, len, "%s/%s", o->dir, name);
    snprintf(f->tmp, len, "%s/.%s.tmp.%ld", o->dir, name, (long)getpid());
    f->f = injected_fault(name) ? NULL : fopen(f->tmp, "wb");
    if (!f->f) {
        ws_diag_set(err, NULL, 0, "%s: cannot write: %s", f->final, strerror(errno));
        free(f->tmp);
        free(f->final);
        return NULL;
    }
    o->n++;
    return f->f;
}

static void release(ws_outset *o, int unlink_tmp)
{
    for (size_t i = 0; i < o->n; i++) {
        if (o->files[i].f)
            fclose(o->files[i].f);
        if (unlink_tmp)
            unlink(o->files[i].tmp);
        free(o->files[i].tmp);
        free(o->files[i].final);
    }
    free(o->files);
    free(o->dir);
    free(o);
}

int ws_outset_commit(ws_outset *o, ws_diag *err)
{
    for (size_t i = 0; i < o->n; i++) {
        outfile *f = &o->files[i];
        /* Flushed and synced here, so a full disk or an I/O error is seen
         * (with its errno) before anything is renamed into place. */
        errno = 0;
        int bad = fflush(f->f) != 0 || ferror(f->f);
        int e = errno;
        if (!bad && fsync(fileno(f->f)) != 0 && errno != EINVAL && errno != EROFS) {
            bad = 1;
            e = errno;
        }
        if (fclose(f->f) != 0 && !bad) {
            bad = 1;
            e = errno;
        }
        f->f = NULL;
        if (bad && !e) {
            /* A write that failed earlier left only the error flag: a
             * full disk is by far the likeliest cause, so look. */
            struct statvfs vfs;
            if (statvfs(o->dir, &vfs) == 0 && vfs.f_bavail == 0)
                e = ENOSPC;
        }
        if (bad) {
            ws_diag_set(err, NULL, 0, "%s: write failed: %s", f->final,
                        e ? strerror(e) : "I/O error");
            release(o, 1);
            return WS_EIO;
        }
    }
    for (size_t i = 0; i < o->n; i++) {
        if (rename(o->files[i].tmp, o->files[i].final) != 0) {
            ws_diag_set(err, NULL, 0, "%s: cannot rename into place: %s", o->files[i].final,
                        strerror(errno));
            release(o, 1);
            return WS_EIO;
        }
    }
    release(o, 0);
    return WS_OK;
}

void ws_outset_abort(ws_outset *o)
{
    if (o)
        release(o, 1);
}

#define VARIANT_PART_MAX 160

/* The variant's part of a file name, before any "~I". */
static void variant_part(char *buf, size_t size, const char *name)
{
    size_t n = strlen(name), k = 0;
    if (n > VARIANT_PART_MAX) {
        n = VARIANT_PART_MAX;
        while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
            n--; /* not inside a UTF-8 sequence */
    }
    for (size_t i = 0; i < n && k + 1 < size; i++)
        buf[k++] = name[i] == '/' || (i == 0 && name[i] == '.') ? '_' : name[i];
    buf[k] = '\0';
}

void ws_outset_variant_file(char *buf, size_t size, const char *prefix,
                            const char *const *names, size_t n, size_t i, const char *ext)
{
    assert(i < n);
    char mine[VARIANT_PART_MAX + 1], other[VARIANT_PART_MAX + 1];
    variant_part(mine, sizeof mine, names[i]);
    bool taken = false;
    for (size_t j = 0; j < n && !taken; j++) {
        if (j == i)
            continue;
        variant_part(other, sizeof other, names[j]);
        /* The first variant of a name keeps it; later ones add ~I. */
        if (j < i && !strcmp(mine, other))
            taken = true;
    }
    if (taken)
        snprintf(buf, size, "%s%s~%zu%s", prefix, mine, i + 1, ext);
    else
        snprintf(buf, size, "%s%s%s", prefix, mine, ext);
}
