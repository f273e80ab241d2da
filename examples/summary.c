/*
 * summary.c - an example of walsim's public API (walsim.h): simulate every
 * variant of a scenario and print its headline figures.
 *
 *   cc summary.c $(pkg-config --cflags --libs walsim) -o summary
 *   ./summary [FILE] [KEY=VALUE...]
 *
 * Without FILE, the built-in default scenario; each KEY=VALUE overrides a
 * setting as `walsim run --set` does (e.g. duration=2min).
 */
#include <stdio.h>
#include <string.h>

#include <walsim/walsim.h>

int main(int argc, char **argv)
{
    walsim_error err;
    walsim_scenario *s = NULL;
    int i = 1;
    int rc = argc > 1 && !strchr(argv[1], '=')
                 ? walsim_scenario_load_file(argv[i++], &s, &err)
                 : walsim_scenario_load_default(&s, &err);
    for (; rc == WALSIM_OK && i < argc; i++)
        rc = walsim_scenario_set(s, argv[i], &err);
    if (rc != WALSIM_OK) {
        fprintf(stderr, "summary: %s\n", err.msg);
        walsim_scenario_free(s);
        return 2;
    }
    printf("walsim %s, scenario %s\n", walsim_version(), walsim_scenario_file(s));
    printf("%-16s %10s %10s %10s %12s %12s\n", "variant", "tps", "p50 ms", "p99 ms",
           "checkpoints", "WAL/tx B");
    for (size_t v = 0; v < walsim_variant_count(s); v++) {
        walsim_result *r;
        if (walsim_run(s, v, NULL, NULL, &r, &err) != WALSIM_OK) {
            fprintf(stderr, "summary: %s: %s\n", walsim_variant_name(s, v), err.msg);
            walsim_scenario_free(s);
            return 2;
        }
        printf("%-16s %10.0f %10.2f %10.2f %12.0f %12.0f\n", walsim_result_variant(r),
               walsim_result_get(r, WALSIM_TPS), walsim_result_get(r, WALSIM_P50_S) * 1e3,
               walsim_result_get(r, WALSIM_P99_S) * 1e3,
               walsim_result_get(r, WALSIM_CHECKPOINTS_TIMED) +
                   walsim_result_get(r, WALSIM_CHECKPOINTS_REQUESTED),
               walsim_result_get(r, WALSIM_WAL_PER_TX));
        for (size_t w = 0; w < walsim_result_warning_count(r); w++)
            printf("  warning: %s\n", walsim_result_warning(r, w));
        walsim_result_free(r);
    }
    walsim_scenario_free(s);
    return 0;
}
