/*
 * summary.c - summary.json and the terminal comparison table.
 *
 * Numbers are printed with %.9g, so a run of the same scenario and seed
 * gives a byte-identical file.  Nothing time-of-day or wall-clock related
 * goes into the file.
 */
#include "walsim/report.h"

#include <math.h>
#include <string.h>

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

static void json_number(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.9g", x);
    else
        fputs("null", f);
}

void ws_report_scenario_slug(const char *file, char *buf, size_t len)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".conf") == 0)
        n -= 5;
    if (n == 0) {
        base = "scenario";
        n = strlen(base);
    }
    snprintf(buf, len, "%.*s", (int)n, base);
}

/* Settings whose displayed value is not the same in every variant. */
static void differing_settings(FILE *f, const ws_config *const *cfgs, size_t n, size_t self)
{
    int first = 1;
    fputs("{", f);
    for (int id = 0; id < WS_S__COUNT; id++) {
        ws_section sec = ws_setting_desc_get((ws_setting_id)id)->section;
        if (sec == WS_SEC_TABLE || sec == WS_SEC_TRANSACTION)
            continue;
        char a[128], b[128];
        ws_value_format(ws_cfg_value(cfgs[0], (ws_setting_id)id), (ws_setting_id)id, a, sizeof a);
        int differs = 0;
        for (size_t v = 1; v < n && !differs; v++) {
            ws_value_format(ws_cfg_value(cfgs[v], (ws_setting_id)id), (ws_setting_id)id, b,
                            sizeof b);
            differs = strcmp(a, b) != 0;
        }
        if (!differs)
            continue;
        ws_value_format(ws_cfg_value(cfgs[self], (ws_setting_id)id), (ws_setting_id)id, b,
                        sizeof b);
        fprintf(f, "%s\n        ", first ? "" : ",");
        json_string(f, ws_setting_desc_get((ws_setting_id)id)->name);
        fputs(": ", f);
        json_string(f, b);
        first = 0;
    }
    fputs(first ? "}" : "\n      }", f);
}

void ws_report_summary_json(FILE *f, const ws_scenario *s, const ws_config *const *cfgs,
                            const ws_run_stats *stats, size_t n)
{
    char slug[256];
    ws_report_scenario_slug(ws_scenario_file(s), slug, sizeof slug);
    fprintf(f, "{\n  \"schema_version\": %d,\n  \"walsim_version\": ", WS_SUMMARY_SCHEMA_VERSION);
    json_string(f, WALSIM_VERSION);
    fputs(",\n  \"scenario\": {\n    \"file\": ", f);
    json_string(f, ws_scenario_file(s));
    fputs(",\n    \"slug\": ", f);
    json_string(f, slug);
    fputs(",\n    \"name\": ", f);
    const char *title = n ? ws_cfg_str(cfgs[0], WS_S_name) : "";
    json_string(f, title && *title ? title : slug);
    fputs("\n  },\n  \"variants\": {", f);
    for (size_t v = 0; v < n; v++) {
        const ws_run_stats *r = &stats[v];
        fprintf(f, "%s\n    ", v ? "," : "");
        json_string(f, r->variant);
        fprintf(f, ": {\n      \"pg_version\": %d,\n      \"seed\": %llu,\n", r->pg_version,
                (unsigned long long)r->seed);
        fputs("      \"duration_s\": ", f);
        json_number(f, r->duration_s);
        fprintf(f, ",\n      \"transactions\": %llu,\n      \"tps\": ",
                (unsigned long long)r->transactions);
        json_number(f, r->tps);
        fputs(",\n      \"latency_ms\": {", f);
        const char *names[] = {"mean", "p50", "p95", "p99", "p999", "max"};
        const double vals[] = {r->lat_mean_s, r->lat_p50_s, r->lat_p95_s,
                               r->lat_p99_s,  r->lat_p999_s, r->lat_max_s};
        for (int i = 0; i < 6; i++) {
            fprintf(f, "%s\"%s\": ", i ? ", " : "", names[i]);
            json_number(f, vals[i] * 1e3);
        }
        fprintf(f, "},\n      \"engine_events\": %llu,\n      \"settings\": ",
                (unsigned long long)r->events);
        differing_settings(f, cfgs, n, v);
        fputs("\n    }", f);
    }
    fputs("\n  },\n  \"notes\": [", f);
    for (size_t i = 0; i < ws_scenario_note_count(s); i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        json_string(f, ws_scenario_note(s, i));
    }
    fputs(ws_scenario_note_count(s) ? "\n  ]\n}\n" : "]\n}\n", f);
}

void ws_report_table(FILE *f, const ws_run_stats *stats, size_t n)
{
    fprintf(f, "%-20s %12s %10s %10s %10s %10s %10s\n", "variant", "transactions", "tps",
            "p50 ms", "p99 ms", "p99.9 ms", "max ms");
    for (size_t v = 0; v < n; v++) {
        const ws_run_stats *r = &stats[v];
        fprintf(f, "%-20s %12llu %10.1f %10.3f %10.3f %10.3f %10.3f\n", r->variant,
                (unsigned long long)r->transactions, r->tps, r->lat_p50_s * 1e3,
                r->lat_p99_s * 1e3, r->lat_p999_s * 1e3, r->lat_max_s * 1e3);
    }
    if (n > 1 && stats[0].lat_p99_s > 0) {
        fprintf(f, "ratios to %s:\n", stats[0].variant);
        for (size_t v = 1; v < n; v++)
            fprintf(f, "  %-18s tps x%.2f, p99 x%.2f\n", stats[v].variant,
                    stats[0].tps > 0 ? stats[v].tps / stats[0].tps : 0,
                    stats[v].lat_p99_s / stats[0].lat_p99_s);
    }
}
