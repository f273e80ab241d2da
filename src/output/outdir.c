/*
 * outdir.c - an output folder written as one transaction (see outdir.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE */
#endif
#include "walsim/outdir.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct ws_outdir {
    char *out;     /* as given, for messages */
    char *target;  /* PARENT/NAME, parent resolved */
    char *parent, *name, *staging;
    int lock_fd;
};

/* Longest NAME: ".NAME.walsim-stage.PID" must fit NAME_MAX. */
#define NAME_LIMIT 200

static char *join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

static int mkdir_p(const char *dir)
{
    char path[PATH_MAX];
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
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
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    int r = type == FTW_DP ? rmdir(path) : unlink(path);
    return r != 0 && errno != ENOENT ? -1 : 0;
}

int ws_outdir_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* An existing folder walsim may replace: empty, or an earlier output
 * (summary.json or sweep.csv) without subfolders. */
static int check_replaceable(const char *out, const char *target, ws_diag *err)
{
    DIR *d = opendir(target);
    if (!d) {
        ws_diag_set(err, NULL, 0, "%s: cannot read the output folder: %s", out, strerror(errno));
        return WS_EINPUT;
    }
    bool empty = true, ours = false;
    char sub[256] = "";
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        empty = false;
        if (!strcmp(e->d_name, "summary.json") || !strcmp(e->d_name, "sweep.csv") ||
            !strcmp(e->d_name, "validation.json"))
            ours = true;
        char *p = join(target, "/", e->d_name);
        struct stat st;
        if (p && lstat(p, &st) == 0 && S_ISDIR(st.st_mode) && !sub[0])
            snprintf(sub, sizeof sub, "%s", e->d_name);
        free(p);
    }
    closedir(d);
    if (sub[0]) {
        ws_diag_set(err, NULL, 0,
                    "%s: the output folder has a subfolder '%s'; walsim replaces an output "
                    "folder as a whole and will not remove it: choose another --out",
                    out, sub);
        return WS_EINPUT;
    }
    if (!empty && !ours) {
        ws_diag_set(err, NULL, 0,
                    "%s: exists and is not a walsim output folder (no summary.json, "
                    "sweep.csv or validation.json in it); walsim replaces an output folder "
                    "as a whole: choose another --out",
                    out);
        return WS_EINPUT;
    }
    return WS_OK;
}

/* Splits OUT into a resolved parent and a name, creating the parent. */
static int resolve(ws_outdir *od, const char *out, ws_diag *err)
{
    if (!*out) {
        ws_diag_set(err, NULL, 0, "--out: empty folder name; give the folder to write to");
        return WS_EINPUT;
    }
    size_t len = strlen(out);
    if (len >= PATH_MAX) {
        ws_diag_set(err, NULL, 0, "--out: the path is longer than %d bytes", PATH_MAX - 1);
        return WS_EINPUT;
    }
    char path[PATH_MAX], real[PATH_MAX];
    memcpy(path, out, len + 1);
    while (len > 1 && path[len - 1] == '/')
        path[--len] = '\0';
    struct stat st;
    if (stat(path, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            ws_diag_set(err, NULL, 0, "%s: exists and is not a folder; --out names a folder", out);
            return WS_EINPUT;
        }
        if (!realpath(path, real)) {
            ws_diag_set(err, NULL, 0, "%s: %s", out, strerror(errno));
            return WS_EINPUT;
        }
        char *slash = strrchr(real, '/');
        if (!slash || !slash[1]) {
            ws_diag_set(err, NULL, 0, "%s: walsim will not replace the root folder", out);
            return WS_EINPUT;
        }
        *slash = '\0';
        od->parent = strdup(real[0] ? real : "/");
        od->name = strdup(slash + 1);
    } else {
        char *slash = strrchr(path, '/');
        const char *name = slash ? slash + 1 : path;
        if (slash == path)
            snprintf(real, sizeof real, "/");
        else if (slash) {
            *slash = '\0';
            if (mkdir_p(path) != 0) {
                ws_diag_set(err, NULL, 0, "%s: cannot create the folder %s: %s", out, path,
                            strerror(errno));
                return WS_EINPUT;
            }
            if (!realpath(path, real)) {
                ws_diag_set(err, NULL, 0, "%s: %s: %s", out, path, strerror(errno));
                return WS_EINPUT;
            }
        } else if (!realpath(".", real)) {
            ws_diag_set(err, NULL, 0, "%s: the current folder: %s", out, strerror(errno));
            return WS_EINPUT;
        }
        od->parent = strdup(real);
        od->name = strdup(name);
    }
    if (!od->parent || !od->name)
        return WS_ENOMEM;
    if (strlen(od->name) > NAME_LIMIT) {
        ws_diag_set(err, NULL, 0, "%s: the folder name is longer than %d bytes", out, NAME_LIMIT);
        return WS_EINPUT;
    }
    if (access(od->parent, W_OK | X_OK) != 0) {
        ws_diag_set(err, NULL, 0, "%s: cannot write in %s: %s", out, od->parent, strerror(errno));
        return WS_EINPUT;
    }
    od->target = join(od->parent, strcmp(od->parent, "/") ? "/" : "", od->name);
    return od->target ? WS_OK : WS_ENOMEM;
}

/* Staging and aside folders of NAME left by a run that died: the lock
 * holder is the only live writer, so every one found is stale. */
static void clean_stale(const ws_outdir *od)
{
    DIR *d = opendir(od->parent);
    if (!d)
        return;
    char *p1 = join(".", od->name, ".walsim-stage.");
    char *p2 = join(".", od->name, ".walsim-old.");
    struct dirent *e;
    while (p1 && p2 && (e = readdir(d))) {
        const char *rest = NULL;
        if (!strncmp(e->d_name, p1, strlen(p1)))
            rest = e->d_name + strlen(p1);
        else if (!strncmp(e->d_name, p2, strlen(p2)))
            rest = e->d_name + strlen(p2);
        if (!rest || !*rest || strspn(rest, "0123456789") != strlen(rest))
            continue;
        char *p = join(od->parent, "/", e->d_name);
        if (p)
            ws_outdir_remove_tree(p);
        free(p);
    }
    free(p1);
    free(p2);
    closedir(d);
}

static void release(ws_outdir *od)
{
    if (od->lock_fd >= 0)
        close(od->lock_fd); /* drops the flock */
    free(od->out);
    free(od->target);
    free(od->parent);
    free(od->name);
    free(od->staging);
    free(od);
}

static int begin(const char *out, ws_outdir **odp, bool stage, ws_diag *err);

int ws_outdir_begin(const char *out, ws_outdir **odp, ws_diag *err)
{
    return begin(out, odp, true, err);
}

int ws_outdir_lock(const char *out, ws_outdir **odp, ws_diag *err)
{
    return begin(out, odp, false, err);
}

static int begin(const char *out, ws_outdir **odp, bool stage, ws_diag *err)
{
    *odp = NULL;
    ws_outdir *od = calloc(1, sizeof *od);
    if (!od || !(od->out = strdup(out ? out : ""))) {
        free(od);
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    od->lock_fd = -1;
    int rc = resolve(od, od->out, err);
    if (rc == WS_OK) {
        struct stat st;
        if (stage && stat(od->target, &st) == 0)
            rc = check_replaceable(out, od->target, err);
    }
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    char *lock = NULL;
    if (rc == WS_OK) {
        lock = join(od->parent, "/.", od->name);
        char *lp = lock ? join(lock, ".walsim-lock", "") : NULL;
        char *sp = lock ? join(lock, ".walsim-stage.", pid) : NULL;
        free(lock);
        lock = lp;
        od->staging = sp;
        if (!lock || !sp)
            rc = WS_ENOMEM;
    }
    if (rc == WS_OK) {
        od->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (od->lock_fd < 0) {
            ws_diag_set(err, NULL, 0, "%s: cannot create the lock file %s: %s", out, lock,
                        strerror(errno));
            rc = WS_EINPUT;
        } else if (flock(od->lock_fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno == EWOULDBLOCK)
                ws_diag_set(err, NULL, 0,
                            "%s: another walsim is writing this folder now (it holds %s); run "
                            "again when it has finished, or choose another --out",
                            out, lock);
            else
                ws_diag_set(err, NULL, 0, "%s: cannot lock %s: %s", out, lock, strerror(errno));
            rc = WS_EINPUT;
        }
    }
    if (rc == WS_OK && !stage) {
        free(od->staging);
        od->staging = NULL;
    } else if (rc == WS_OK) {
        clean_stale(od);
        if (mkdir(od->staging, 0777) != 0) {
            ws_diag_set(err, NULL, 0, "%s: cannot create the staging folder %s: %s", out,
                        od->staging, strerror(errno));
            rc = WS_EIO;
        }
    }
    free(lock);
    if (rc == WS_ENOMEM)
        ws_diag_set(err, NULL, 0, "out of memory");
    if (rc != WS_OK) {
        free(od->staging);
        od->staging = NULL; /* not ours to remove */
        release(od);
        return rc;
    }
    *odp = od;
    return WS_OK;
}

const char *ws_outdir_staging(const ws_outdir *od) { return od->staging; }
const char *ws_outdir_out(const ws_outdir *od) { return od->out; }

/* Makes a rename durable. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Without renameat2: OUT aside, staging in, aside removed.  Between the
 * two renames OUT does not exist; a reader never sees a mix. */
static int swap_portable(ws_outdir *od, char **old)
{
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    char *base = join(od->parent, "/.", od->name);
    *old = base ? join(base, ".walsim-old.", pid) : NULL;
    free(base);
    if (!*old) {
        errno = ENOMEM;
        return -1;
    }
    if (rename(od->target, *old) != 0) {
        if (errno != ENOENT)
            return -1;
        free(*old);
        *old = NULL;
    }
    if (rename(od->staging, od->target) != 0) {
        int e = errno;
        if (*old)
            rename(*old, od->target);
        errno = e;
        return -1;
    }
    return 0;
}

int ws_outdir_commit(ws_outdir *od, ws_diag *err)
{
    assert(od && od->staging);
    struct stat st;
    if (stat(od->target, &st) == 0) {
        /* Created or changed since ws_outdir_begin? */
        int rc = S_ISDIR(st.st_mode) ? check_replaceable(od->out, od->target, err) : WS_EINPUT;
        if (rc != WS_OK) {
            if (!S_ISDIR(st.st_mode))
                ws_diag_set(err, NULL, 0, "%s: exists and is not a folder; nothing written",
                            od->out);
            ws_outdir_abort(od);
            return rc;
        }
    }
    sync_dir(od->staging);
    char *old = NULL;
    int r = -1;
#if defined(__linux__) && defined(RENAME_EXCHANGE)
    r = renameat2(AT_FDCWD, od->staging, AT_FDCWD, od->target, RENAME_NOREPLACE);
    if (r != 0 && (errno == EEXIST || errno == ENOTEMPTY)) {
        r = renameat2(AT_FDCWD, od->staging, AT_FDCWD, od->target, RENAME_EXCHANGE);
        if (r == 0)
            old = strdup(od->staging); /* the staging name now holds the old folder */
    }
    if (r != 0 && (errno == EINVAL || errno == ENOSYS))
        r = swap_portable(od, &old);
#else
    r = swap_portable(od, &old);
#endif
    if (r != 0) {
        ws_diag_set(err, NULL, 0, "%s: cannot move the new folder into place: %s", od->out,
                    strerror(errno));
        free(old);
        ws_outdir_abort(od);
        return WS_EIO;
    }
    sync_dir(od->parent);
    if (old)
        ws_outdir_remove_tree(old);
    free(old);
    release(od);
    return WS_OK;
}

void ws_outdir_abort(ws_outdir *od)
{
    if (!od)
        return;
    if (od->staging)
        ws_outdir_remove_tree(od->staging);
    release(od);
}

void ws_outdir_explain(const ws_outdir *od, ws_diag *err)
{
    char msg[sizeof err->msg];
    const char *at = od->staging ? strstr(err->msg, od->staging) : NULL;
    if (at) {
        const char *sep = od->out[strlen(od->out) - 1] == '/' ? "" : "/";
        const char *rest = at + strlen(od->staging);
        if (*rest == '/')
            rest++;
        snprintf(msg, sizeof msg, "%.*s%s%s%s", (int)(at - err->msg), err->msg, od->out,
                 *rest ? sep : "", rest);
    } else {
        snprintf(msg, sizeof msg, "%s", err->msg);
    }
    snprintf(err->msg, sizeof err->msg, "%s; %s was left as it was", msg, od->out);
}
