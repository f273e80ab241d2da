/*
 * cmd_check.c - `walsim check`: run the variants a scenario's [expect]
 * sections need and judge every expectation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "walsim/expect.h"
#include "walsim/run.h"
#include "walsim/sweep.h"

const char cli_usage_check[] =
    "Usage: walsim check FILE [options]\n"
    "\n"
    "Simulates the variants that the [expect VARIANT] sections of FILE refer to\n"
    "and prints each expectation with its measured value and PASS or FAIL.\n"
    "Expectations are `METRIC OP EXPR`, e.g.\n"
    "  p99_latency < 20ms\n"
    "  checkpoints_req = 0\n"
    "  p99_latency < 0.5 * default.p99_latency\n"
    "(walsim help metrics lists the metrics; docs/capacity.md has the grammar).\n"
    "\n"
    "An expectation about checkpoints (checkpoints_req = 0, checkpoint_total < 5min,\n"
    "pg_wal_peak <= 60GB, p99_latency_sync ...) whose variant completed no\n"
    "checkpoint in its measurement window proves nothing: it is NOT EXERCISED and\n"
    "fails the check (lengthen duration, or use duration = auto).  A variant's\n"
    "warnings (overloaded, too few checkpoint cycles, cold start ...) are printed\n"
    "above its first verdict; latency expectations of an overloaded variant get a\n"
    "note.\n"
    "\n"
    "Options:\n"
    "  --set KEY=VALUE    override a setting in every variant (repeatable)\n"
    "  --seed N           random seed (same as --set seed=N)\n"
    "  --jobs N           variants simulated in parallel (default: the number of cores)\n"
    "  --quiet            print only expectations that failed or were not exercised\n"
    "\n"
    "Exit codes: 0 every expectation holds, 1 one or more failed or were not\n"
    "exercised, 2 bad usage or input (also: FILE has no expectation), 3 internal\n"
    "error.\n";

typedef struct check_run {
    ws_config **cfgs;     /* by variant index; NULL: not needed */
    ws_run_stats *stats;
    int *rc;
    ws_diag *errs;
} check_run;

int cli_check_expects(const ws_scenario *s)
{
    bool bad = false;
    for (size_t i = 0; i < ws_scenario_expect_count(s); i++) {
        ws_diag err;
        ws_expect *e;
        ws_diag_clear(&err);
        if (ws_expect_parse(s, ws_scenario_expect(s, i), &e, &err) != WS_OK) {
            fprintf(stderr, "%s\n", err.msg); /* every bad line, not only the first */
            bad = true;
            continue;
        }
        ws_expect_free(e);
    }
    return bad ? -1 : 0;
}

static void run_variant(void *ctx, size_t v)
{
    check_run *cr = ctx;
    if (!cr->cfgs[v])
        return;
    cr->rc[v] = ws_run(cr->cfgs[v], NULL, NULL, NULL, &cr->stats[v], &cr->errs[v]);
}

static int parse_jobs(const char *text, unsigned *jobs)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end || v < 1 || v > 4096) {
        cli_error("check: --jobs %s: expected a number of threads from 1 to 4096", text);
        return -1;
    }
    *jobs = (unsigned)v;
    return 0;
}

int cmd_check(int argc, char **argv)
{
    const char *file = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    char **seed_sets = calloc((size_t)argc + 1, sizeof *seed_sets);
    size_t n_sets = 0, n_seed_sets = 0;
    bool quiet = false;
    unsigned jobs = ws_cpu_count();
    int rc = CLI_USAGE;
    ws_scenario *s = NULL;
    ws_expect **ex = NULL;
    size_t n_ex = 0, nv = 0;
    check_run cr = {0};

    if (!sets || !seed_sets) {
        cli_error("out of memory");
        rc = CLI_INTERNAL;
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "--set") || !strcmp(a, "--seed") || !strcmp(a, "--jobs")) &&
            i + 1 >= argc) {
            cli_error("check: %s needs a value; see walsim help check", a);
            goto done;
        }
        if (!strcmp(a, "--set"))
            sets[n_sets++] = argv[++i];
        else if (!strcmp(a, "--seed")) {
            size_t n = strlen(argv[i + 1]) + 6;
            char *x = malloc(n);
            if (!x) {
                cli_error("out of memory");
                rc = CLI_INTERNAL;
                goto done;
            }
            snprintf(x, n, "seed=%s", argv[++i]);
            seed_sets[n_seed_sets++] = x;
            sets[n_sets++] = x;
        } else if (!strcmp(a, "--jobs")) {
            if (parse_jobs(argv[++i], &jobs) != 0)
                goto done;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            quiet = true;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(cli_usage_check, stdout);
            rc = CLI_OK;
            goto done;
        } else if (a[0] == '-') {
            cli_error("check: unknown option '%s'; see walsim help check", a);
            goto done;
        } else if (file) {
            cli_error("check: more than one scenario file ('%s' and '%s')", file, a);
            goto done;
        } else
            file = a;
    }
    if (!file) {
        cli_error("check: which scenario? usage: walsim check FILE [--set KEY=VALUE]...");
        goto done;
    }
    if (!(s = cli_load(file)))
        goto done;
    {
        ws_diag err;
        ws_diag_clear(&err);
        size_t bad = 0;
        if (ws_scenario_set_all(s, sets, n_sets, &bad, &err) != WS_OK) {
            cli_set_error(sets[bad], err.msg);
            goto done;
        }
    }

    /* Every expectation parsed and checked before anything runs. */
    n_ex = ws_scenario_expect_count(s);
    if (n_ex == 0) {
        /* Nothing checked must not look like success in a script. */
        cli_error("check: %s has no [expect VARIANT] section, so there is nothing to check "
                  "(docs/capacity.md shows how to write expectations)",
                  file);
        goto done;
    }
    ex = calloc(n_ex, sizeof *ex);
    nv = ws_scenario_variant_count(s);
    cr.cfgs = calloc(nv, sizeof *cr.cfgs);
    cr.stats = calloc(nv, sizeof *cr.stats);
    cr.rc = calloc(nv, sizeof *cr.rc);
    cr.errs = calloc(nv, sizeof *cr.errs);
    if (!ex || !cr.cfgs || !cr.stats || !cr.rc || !cr.errs) {
        cli_error("out of memory");
        rc = CLI_INTERNAL;
        goto done;
    }
    bool bad = false;
    for (size_t i = 0; i < n_ex; i++) {
        ws_diag err;
        if (ws_expect_parse(s, ws_scenario_expect(s, i), &ex[i], &err) != WS_OK) {
            fprintf(stderr, "%s\n", err.msg); /* every bad line, not only the first */
            bad = true;
        }
    }
    if (bad)
        goto done;

    size_t n_run = 0;
    for (size_t v = 0; v < nv; v++) {
        bool needed = false;
        for (size_t i = 0; i < n_ex && !needed; i++)
            needed = ws_expect_uses(ex[i], v);
        if (!needed)
            continue;
        ws_diag err;
        if (ws_config_resolve(s, v, &cr.cfgs[v], &err) != WS_OK ||
            ws_run_validate(cr.cfgs[v], &err) != WS_OK) {
            fprintf(stderr, "%s\n", err.msg);
            goto done;
        }
        n_run++;
    }
    if (isatty(STDERR_FILENO) && !quiet)
        fprintf(stderr, "walsim: check: simulating %zu variant%s...\n", n_run,
                n_run == 1 ? "" : "s");
    ws_parallel_for(nv, jobs, run_variant, &cr);
    for (size_t v = 0; v < nv; v++)
        if (cr.cfgs[v] && cr.rc[v] != WS_OK) {
            fprintf(stderr, "variant %s: %s\n", ws_scenario_variant_name(s, v), cr.errs[v].msg);
            rc = cr.rc[v] == WS_EINPUT ? CLI_USAGE : CLI_INTERNAL;
            goto done;
        }

    const ws_run_stats **by = calloc(nv, sizeof *by);
    if (!by) {
        cli_error("out of memory");
        rc = CLI_INTERNAL;
        goto done;
    }
    for (size_t v = 0; v < nv; v++)
        by[v] = cr.cfgs[v] ? &cr.stats[v] : NULL;
    bool *warned = calloc(nv, sizeof *warned);
    if (!warned) {
        free(by);
        cli_error("out of memory");
        rc = CLI_INTERNAL;
        goto done;
    }
    size_t failed = 0, unexercised = 0;
    for (size_t i = 0; i < n_ex; i++) {
        ws_expect_result r = ws_expect_eval(ex[i], by);
        const ws_raw_line *raw = ws_expect_raw(ex[i]);
        char desc[1024], note[1024];
        ws_expect_describe(ex[i], by, &r, desc, sizeof desc);
        ws_expect_note(ex[i], by, note, sizeof note);
        failed += !r.pass;
        unexercised += r.verdict == WS_EXPECT_NOT_EXERCISED;
        if (quiet && r.pass)
            continue;
        /* The warnings of the variants it reads, above its first verdict. */
        for (size_t v = 0; v < nv; v++) {
            if (warned[v] || !ws_expect_uses(ex[i], v))
                continue;
            warned[v] = true;
            for (int k = 0; k < cr.stats[v].win.n_warn; k++)
                printf("WARNING %s: %s\n", ws_scenario_variant_name(s, v), cr.stats[v].win.warn[k]);
        }
        printf("%s  %s:%d  [expect %s] %s\n      %s\n", ws_expect_verdict_name(r.verdict),
               raw->file, raw->line, raw->variant, raw->text, desc);
        if (r.verdict == WS_EXPECT_NOT_EXERCISED)
            printf("      not exercised: %s\n", r.why);
        for (char *line = note; *line;) {
            char *nl = strchr(line, '\n');
            printf("      %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
            line = nl ? nl + 1 : line + strlen(line);
        }
    }
    free(warned);
    free(by);
    if (!quiet || failed) {
        char extra[64] = "";
        if (unexercised)
            snprintf(extra, sizeof extra, ", %zu not exercised", unexercised);
        printf("%zu of %zu expectations hold%s%s\n", n_ex - failed, n_ex, extra,
               failed ? "; check failed" : "");
    }
    rc = failed ? CLI_EXPECT_FAILED : CLI_OK;

done:
    for (size_t i = 0; ex && i < n_ex; i++)
        ws_expect_free(ex[i]);
    free(ex);
    for (size_t v = 0; cr.cfgs && v < nv; v++)
        ws_config_free(cr.cfgs[v]);
    free(cr.cfgs);
    free(cr.stats);
    free(cr.rc);
    free(cr.errs);
    ws_scenario_free(s);
    for (size_t i = 0; i < n_seed_sets; i++)
        free(seed_sets[i]);
    free(seed_sets);
    free(sets);
    return rc;
}
