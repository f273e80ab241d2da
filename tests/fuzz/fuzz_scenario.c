/*
 * fuzz_scenario.c - libFuzzer target for the scenario reader: the bytes
 * are parsed as a scenario file (ws_conf) and then loaded and resolved
 * (ws_scenario: every key, value and variant); every value is also fed to
 * the unit parser in every class.  It must never crash, hang or leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/conf.h"
#include "walsim/scenario.h"
#include "walsim/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ws_diag err;
    ws_conf *c;
    if (ws_conf_parse_string((const char *)data, size, "fuzz.conf", &c, &err) == WS_OK) {
        for (size_t i = 0; i < ws_conf_count(c); i++) {
            const ws_conf_item *it = ws_conf_item_at(c, i);
            if (!it->value)
                continue;
            char msg[256];
            double x;
            bool b;
            for (int cls = WS_UC_NONE; cls <= WS_UC_COUNT_RATE; cls++)
                (void)ws_unit_parse(it->value, (ws_unit_class)cls, 8192, &x, msg, sizeof msg);
            (void)ws_parse_bool(it->value, &b);
        }
        ws_conf_free(c);
    }
    ws_scenario *s;
    if (ws_scenario_load_string((const char *)data, size, "fuzz.conf", &s, &err) == WS_OK) {
        for (size_t v = 0; v < ws_scenario_variant_count(s); v++) {
            ws_config *cfg;
            if (ws_config_resolve(s, v, &cfg, &err) == WS_OK)
                ws_config_free(cfg);
        }
        ws_scenario_free(s);
    }
    return 0;
}
