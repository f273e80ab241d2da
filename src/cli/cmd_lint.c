/*
 * cmd_lint.c - `walsim lint`: parse and resolve without running, and print
 * each variant's effective settings with where each value came from, as
 * pg_settings does (setting, value, source).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "walsim/run.h"
#include "walsim/units.h"

#include "cli.h"

const char cli_usage_lint[] =
    "Usage: walsim lint FILE [--set KEY=VALUE]... [--changed] [--pg-settings]\n"
    "\n"
    "Checks the scenario FILE (syntax, keys, values and ranges for the\n"
    "variant's pg_version) without running it, then prints every variant's\n"
    "settings: value with unit and source (default, FILE:LINE, variant NAME,\n"
    "--set).\n"
    "\n"
    "Options:\n"
    "  --set KEY=VALUE    override a setting in every variant (repeatable)\n"
    "  --changed          print only values that are not defaults\n"
    "  --pg-settings      print, per variant, each [postgres] setting as\n"
    "                     PostgreSQL's pg_settings view shows it: name, setting\n"
    "                     (an integer in the setting's unit) and unit,\n"
    "                     tab-separated, comparable with `postgres -C NAME`\n"
    "\n"
    "Exit codes: 0 ok, 2 bad usage or input.\n";


static void print_row(const char *section, const char *name, const ws_value *v, ws_setting_id id,
                      const char *variant, int pg_version, bool changed_only)
{
    if (changed_only && v->origin == WS_ORIGIN_DEFAULT)
        return;
    char val[128], src[512], key[160];
    ws_value_format(v, id, val, sizeof val);
    ws_value_source(v, strcmp(section, "postgres") == 0, variant, pg_version, src, sizeof src);
    snprintf(key, sizeof key, "%s.%s", section, name);
    printf("  %-40s %-22s %s\n", key, val, src);
}

/* name<TAB>setting<TAB>unit, as pg_settings (and `postgres -C`) show it. */
static void print_pg_settings(const ws_config *c)
{
    for (int id = 0; id < WS_S__COUNT; id++) {
        const ws_setting_desc *d = ws_setting_desc_get((ws_setting_id)id);
        if (d->section != WS_SEC_POSTGRES)
            continue;
        const ws_value *v = ws_cfg_value(c, (ws_setting_id)id);
        if (!v->available)
            continue;
        printf("%s\t%s\t", ws_config_variant(c), d->name);
        switch (d->type) {
        case WS_T_BOOL:
        case WS_T_ENUM:
        case WS_T_STRING:
            printf("%s\t\n", d->type == WS_T_ENUM ? v->word : v->str);
            break;
        case WS_T_INT:
            printf("%lld\t\n", (long long)llround(v->num));
            break;
        case WS_T_REAL:
            printf("%g\t\n", v->num);
            break;
        default: {
            char unit[32], err[64];
            double bare = 1;
            snprintf(unit, sizeof unit, "%s%s", isdigit((unsigned char)d->bare[0]) ? "" : "1",
                     d->bare);
            ws_unit_parse(unit, ws_type_unit_class(d->type), 1, &bare, err, sizeof err);
            printf("%lld\t%s\n", (long long)llround(v->num / bare), d->bare);
        }
        }
    }
}

int cmd_lint(int argc, char **argv)
{
    const char *file = NULL;
    bool changed_only = false, pg_settings = false;
    const char *sets[64];
    size_t n_sets = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--changed"))
            changed_only = true;
        else if (!strcmp(argv[i], "--pg-settings"))
            pg_settings = true;
        else if (!strcmp(argv[i], "--set") && i + 1 >= argc) {
            cli_error("lint: --set needs a value; see walsim help lint");
            return CLI_USAGE;
        } else if (!strcmp(argv[i], "--set") && n_sets >= sizeof sets / sizeof sets[0]) {
            cli_error("lint: more than %zu --set", sizeof sets / sizeof sets[0]);
            return CLI_USAGE;
        } else if (!strcmp(argv[i], "--set"))
            sets[n_sets++] = argv[++i];
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(cli_usage_lint, stdout);
            return CLI_OK;
        } else if (argv[i][0] == '-') {
            cli_error("lint: unknown option '%s'; see walsim help lint", argv[i]);
            return CLI_USAGE;
        } else if (file) {
            cli_error("lint: more than one scenario file ('%s' and '%s')", file, argv[i]);
            return CLI_USAGE;
        } else
            file = argv[i];
    }
    if (!file) {
        cli_error("lint: missing scenario FILE; see walsim help lint");
        return CLI_USAGE;
    }
    ws_scenario *s = cli_load(file);
    if (!s)
        return CLI_USAGE;
    {
        ws_diag err;
        ws_diag_clear(&err);
        size_t bad = 0;
        if (ws_scenario_set_all(s, sets, n_sets, &bad, &err) != WS_OK) {
            cli_set_error(sets[bad], err.msg);
            ws_scenario_free(s);
            return CLI_USAGE;
        }
    }

    for (size_t v = 0; v < ws_scenario_variant_count(s); v++) {
        ws_config *c;
        ws_diag err;
        ws_diag_clear(&err);
        if (ws_config_resolve(s, v, &c, &err) != WS_OK || ws_run_validate(c, &err) != WS_OK) {
            fprintf(stderr, "%s\n", err.msg);
            ws_config_free(c);
            ws_scenario_free(s);
            return CLI_USAGE;
        }
        ws_config_free(c);
    }
    if (pg_settings) {
        for (size_t v = 0; v < ws_scenario_variant_count(s); v++) {
            ws_config *c;
            ws_diag err;
            if (ws_config_resolve(s, v, &c, &err) == WS_OK) {
                print_pg_settings(c);
                ws_config_free(c);
            }
        }
        ws_scenario_free(s);
        return CLI_OK;
    }
    printf("scenario %s: %zu variant(s), %zu expectation(s), %zu event(s)\n", file,
           ws_scenario_variant_count(s), ws_scenario_expect_count(s), ws_scenario_event_count(s));
    for (size_t v = 0; v < ws_scenario_variant_count(s); v++) {
        ws_config *c;
        ws_diag err;
        ws_diag_clear(&err);
        if (ws_config_resolve(s, v, &c, &err) != WS_OK) { /* checked at load; cannot fail */
            fprintf(stderr, "%s\n", err.msg);
            ws_scenario_free(s);
            return CLI_INTERNAL;
        }
        const char *vn = ws_config_variant(c);
        int ver = ws_config_pg_version(c);
        printf("\n[variant %s] PostgreSQL %d\n  %-40s %-22s %s\n", vn, ver, "setting", "value",
               "source");
        for (int sec = 0; sec < WS_SEC__COUNT; sec++) {
            if (ws_section_named((ws_section)sec)) {
                for (size_t i = 0; i < ws_cfg_instance_count(c, (ws_section)sec); i++) {
                    char prefix[160];
                    snprintf(prefix, sizeof prefix, "%s.%s", ws_section_name((ws_section)sec),
                             ws_cfg_instance_name(c, (ws_section)sec, i));
                    for (int id = 0; id < WS_S__COUNT; id++)
                        if ((int)ws_setting_desc_get((ws_setting_id)id)->section == sec)
                            print_row(prefix, ws_setting_desc_get((ws_setting_id)id)->name,
                                      ws_cfg_instance_value(c, (ws_section)sec, i,
                                                            (ws_setting_id)id),
                                      (ws_setting_id)id, vn, ver, changed_only);
                }
                continue;
            }
            for (int id = 0; id < WS_S__COUNT; id++) {
                const ws_setting_desc *d = ws_setting_desc_get((ws_setting_id)id);
                if ((int)d->section != sec)
                    continue;
                const ws_value *val = ws_cfg_value(c, (ws_setting_id)id);
                if (!val->available)
                    continue;
                print_row(ws_section_name((ws_section)sec), d->name, val, (ws_setting_id)id, vn,
                          ver, changed_only);
            }
        }
        ws_config_free(c);
    }
    if (ws_scenario_expect_count(s)) {
        printf("\nexpectations (checked by walsim check):\n");
        for (size_t i = 0; i < ws_scenario_expect_count(s); i++) {
            const ws_raw_line *e = ws_scenario_expect(s, i);
            printf("  [%s] %s   (%s:%d)\n", e->variant, e->text, e->file, e->line);
        }
    }
    for (size_t i = 0; i < ws_scenario_note_count(s); i++)
        printf("note: %s\n", ws_scenario_note(s, i));
    ws_scenario_free(s);
    return CLI_OK;
}
