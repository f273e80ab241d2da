/*
 * cmd_plot.c - `walsim plot DIR`: draw the charts of an output folder
 * again from its files, without simulating (docs/charts.md).
 */
#include <stdio.h>
#include <string.h>

#include <sys/stat.h>

#include "cli.h"
#include "walsim/outdir.h"
#include "walsim/plot.h"

const char cli_usage_plot[] =
    "Usage: walsim plot DIR [--format LIST] [--latency-scale auto|linear|log]\n"
    "\n"
    "Draws the charts of the output folder DIR (written by `walsim run`) again\n"
    "from its files (summary.json, timeline.csv, checkpoints.csv,\n"
    "latency_cdf.csv), without simulating: latency, throughput, wal, dirty,\n"
    "device, latency_cdf, latency_tail and overview (overview also as PDF),\n"
    "and worst-hour for runs of 6 h or more.  A folder with a\n"
    "sweep.csv gets the sweep charts instead (sweep-METRIC or heatmap-METRIC),\n"
    "and a folder with a validation_timeline.csv (written by `walsim validate`)\n"
    "gets the measured-versus-simulated overlay charts.\n"
    "Nothing is written unless every chart could be drawn.\n"
    "\n"
    "Options:\n"
    "  --format LIST           chart formats: png,svg,pdf (default png)\n"
    "  --latency-scale SCALE   y axis of the latency charts: auto (log when the\n"
    "                          max is more than 30x the median), linear or log\n"
    "\n"
    "Exit codes: 0 ok, 2 bad usage or input (the message names file and line).\n";

int cmd_plot(int argc, char **argv)
{
    const char *dir = NULL, *formats = "png";
    ws_plot_options opts = {WS_PLOT_SCALE_AUTO};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "--format") || !strcmp(a, "--latency-scale")) && i + 1 >= argc) {
            cli_error("plot: %s needs a value; see walsim help plot", a);
            return CLI_USAGE;
        }
        if (!strcmp(a, "--format"))
            formats = argv[++i];
        else if (!strcmp(a, "--latency-scale")) {
            const char *s = argv[++i];
            if (!strcmp(s, "auto"))
                opts.latency_scale = WS_PLOT_SCALE_AUTO;
            else if (!strcmp(s, "linear"))
                opts.latency_scale = WS_PLOT_SCALE_LINEAR;
            else if (!strcmp(s, "log"))
                opts.latency_scale = WS_PLOT_SCALE_LOG;
            else {
                cli_error("plot: --latency-scale: '%s'; expected auto, linear or log", s);
                return CLI_USAGE;
            }
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(cli_usage_plot, stdout);
            return CLI_OK;
        } else if (a[0] == '-') {
            cli_error("plot: unknown option '%s'; see walsim help plot", a);
            return CLI_USAGE;
        } else if (dir) {
            cli_error("plot: more than one folder ('%s' and '%s')", dir, a);
            return CLI_USAGE;
        } else
            dir = a;
    }
    if (!dir) {
        cli_error("plot: missing the output folder DIR; see walsim help plot");
        return CLI_USAGE;
    }
    ws_diag err;
    ws_diag_clear(&err);
    /* The folder's lock, so that charts never go into a folder a run is
     * replacing (outdir.h); a folder that does not exist is reported below. */
    ws_outdir *lock = NULL;
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && ws_outdir_lock(dir, &lock, &err) != WS_OK) {
        fprintf(stderr, "walsim: plot: %s\n", err.msg);
        return CLI_USAGE;
    }
    char sweep[4096];
    snprintf(sweep, sizeof sweep, "%s/sweep.csv", dir);
    FILE *probe = fopen(sweep, "rb");
    int rc;
    char val[4096];
    snprintf(val, sizeof val, "%s/validation_timeline.csv", dir);
    FILE *vprobe = probe ? NULL : fopen(val, "rb");
    if (probe) {
        fclose(probe);
        rc = ws_plot_sweep(dir, formats, NULL, 0, NULL, 0, &err);
    } else if (vprobe) {
        fclose(vprobe);
        rc = ws_plot_validation(dir, formats, &err); /* a walsim validate folder */
    } else
        rc = ws_plot_dir_with(dir, formats, &opts, &err);
    ws_plot_shutdown();
    ws_outdir_abort(lock); /* releases the lock */
    if (rc != WS_OK) {
        fprintf(stderr, "walsim: plot: %s\n", err.msg);
        return rc == WS_EINPUT || rc == WS_EIO ? CLI_USAGE : CLI_INTERNAL;
    }
    return CLI_OK;
}
