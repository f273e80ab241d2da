/*
 * cmd_merge.c - `walsim merge`: join the shards of one sweep into the
 * sweep.csv a single run would have written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "walsim/outdir.h"
#include "walsim/sweep.h"

const char cli_usage_merge[] =
    "Usage: walsim merge DIR... [--out DIR]\n"
    "\n"
    "Joins the sweep.csv of the shards of one sweep (walsim sweep --shard K/N)\n"
    "into the sweep.csv a single run of the whole grid would have written,\n"
    "byte for byte.  Checks that the shards belong to the same sweep and hold\n"
    "every point exactly once (it names missing and doubled points).\n"
    "\n"
    "Options:\n"
    "  --out DIR          output folder (default: the folder the DIRs are in, when\n"
    "                     they share one: where the whole sweep would have written)\n"
    "  --quiet            print nothing but errors\n"
    "\n"
    "Exit codes: 0 ok, 2 bad usage or input, 3 internal error.\n";

/* The folder that holds `path` ("out/x-sweep" for "out/x-sweep/shard-1-of-3/"). */
static void parent_dir(const char *path, char *buf, size_t len)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n == 0)
        snprintf(buf, len, ".");
    else
        snprintf(buf, len, "%.*s", (int)n, path);
}

int cmd_merge(int argc, char **argv)
{
    const char **dirs = calloc((size_t)argc + 1, sizeof *dirs);
    const char *out_dir = NULL;
    size_t n = 0;
    bool quiet = false;
    int rc = CLI_USAGE;
    if (!dirs) {
        cli_error("out of memory");
        return CLI_INTERNAL;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--out")) {
            if (i + 1 >= argc) {
                cli_error("merge: --out needs a value; see walsim help merge");
                goto done;
            }
            out_dir = argv[++i];
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            quiet = true;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(cli_usage_merge, stdout);
            rc = CLI_OK;
            goto done;
        } else if (a[0] == '-') {
            cli_error("merge: unknown option '%s'; see walsim help merge", a);
            goto done;
        } else
            dirs[n++] = a;
    }
    if (n == 0) {
        cli_error("merge: which folders? usage: walsim merge DIR... [--out DIR]");
        goto done;
    }
    char dir[4096];
    if (out_dir && !*out_dir) {
        cli_error("merge: --out: empty folder name; give the folder to write to");
        goto done;
    }
    if (out_dir) {
        snprintf(dir, sizeof dir, "%s", out_dir);
    } else {
        parent_dir(dirs[0], dir, sizeof dir);
        for (size_t i = 1; i < n; i++) {
            char other[4096];
            parent_dir(dirs[i], other, sizeof other);
            if (strcmp(other, dir) != 0) {
                cli_error("merge: %s and %s are not in the same folder; say where to write "
                          "with --out DIR",
                          dirs[0], dirs[i]);
                goto done;
            }
        }
    }
    ws_diag err;
    ws_diag_clear(&err);
    /* The folder's lock: never write into a folder a sweep is replacing. */
    ws_outdir *lock = NULL;
    if (ws_outdir_lock(dir, &lock, &err) != WS_OK) {
        fprintf(stderr, "walsim: merge: %s\n", err.msg);
        goto done;
    }
    int r = ws_sweep_merge(dirs, n, dir, &err);
    ws_outdir_abort(lock); /* releases the lock */
    if (r != WS_OK) {
        fprintf(stderr, "walsim: merge: %s\n", err.msg);
        rc = r == WS_ENOMEM ? CLI_INTERNAL : CLI_USAGE;
        goto done;
    }
    if (!quiet)
        printf("merged %zu shard%s into %s/sweep.csv\n", n, n == 1 ? "" : "s", dir);
    rc = CLI_OK;
done:
    free(dirs);
    return rc;
}
