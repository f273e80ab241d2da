/*
 * fuzz_scenario.c - libFuzzer target for the scenario reader.  The bytes
 * are parsed as a scenario file (ws_conf); every value is fed to the unit
 * parser in every class and to the boolean parser; then the same bytes are
 * loaded and resolved as a scenario (ws_scenario: every key, value and
 * variant); for every resolved variant the workload model is built (it
 * parses `phases`), and every [expect] line is parsed (expect.h), as
 * `walsim check` does before its first run.  Nothing is simulated and the
 * database model (buffers sized by shared_buffers and scale) is not built,
 * so an input costs microseconds.  It must never crash, hang or leak, and
 * it checks what the headers promise, so that a broken promise is a crash
 * the fuzzer finds:
 *   - a failed parse leaves *out NULL and a one-line message;
 *   - items are well formed (conf.h);
 *   - a parsed number is finite, its error message one line;
 *   - ws_unit_format's output parses back to the same value (to the 6
 *     digits of its fallback format);
 *   - a failed resolution, workload build or [expect] parse leaves its
 *     *out NULL (resolution) and a one-line message;
 *   - a parsed expectation names a variant of the scenario, the one of its
 *     section, and a metric.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/conf.h"
#include "walsim/expect.h"
#include "walsim/scenario.h"
#include "walsim/sim.h"
#include "walsim/units.h"
#include "walsim/workload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Resolved variants and parsed [expect] lines per input.  Each variant
 * costs a full resolution (every setting's default for its version) and
 * each unknown metric a did-you-mean search over the registry; inputs the
 * fuzzer grows to hundreds of variants or lines ran at a few hundred per
 * second while the 100th variant exercises nothing the 4th does not. */
#define MAX_VARIANTS 4
#define MAX_EXPECT 8

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "fuzz_scenario: %s:%d: broken promise: %s\n", __FILE__, __LINE__, \
                    #cond);                                                            \
            abort();                                                                   \
        }                                                                              \
    } while (0)

static void check_item(const ws_conf_item *it)
{
    CHECK(it && it->section && it->file && it->line >= 1);
    if (it->key)
        CHECK(it->value && !it->raw);
    else
        CHECK(!it->value); /* a raw line, or a section header (raw == NULL too) */
    if (it->section_name)
        CHECK(it->section_name[0] != '\0');
}

/* Parses value in class cls; when it parses, the value must be finite and
 * its formatting must parse back to it, exactly or, where the format fell
 * back to 6 significant digits, within their rounding. */
static void check_units(const char *value, ws_unit_class cls)
{
    char msg[256] = "";
    double x = 0;
    if (ws_unit_parse(value, cls, 8192, &x, msg, sizeof msg) != 0) {
        CHECK(msg[0] != '\0' && !strchr(msg, '\n'));
        return;
    }
    CHECK(isfinite(x));
    char buf[64];
    ws_unit_format(x, cls, buf, sizeof buf);
    if (cls == WS_UC_NONE || fabs(x) < 1e-200 || fabs(x) > 1e200)
        return; /* %g, and extremes whose %g text under- or overflows on the way back */
    double back = 0;
    if (ws_unit_parse(buf, cls, 8192, &back, msg, sizeof msg) != 0) {
        fprintf(stderr, "fuzz_scenario: '%s' formats as '%s', which does not parse: %s\n", value,
                buf, msg);
        abort();
    }
    if (fabs(back - x) > 1e-5 * fabs(x)) {
        fprintf(stderr, "fuzz_scenario: '%s' = %.17g formats as '%s' = %.17g\n", value, x, buf,
                back);
        abort();
    }
}

static void check_msg(int rc, const ws_diag *err)
{
    CHECK(rc == WS_EINPUT || rc == WS_EIO || rc == WS_ENOMEM);
    CHECK(err->msg[0] != '\0' && !strchr(err->msg, '\n'));
}

/* The workload model of a resolved variant: its constructor parses
 * `phases` (and the CPU settings); it needs a clock but schedules nothing
 * until started. */
static void check_workload(const ws_config *cfg)
{
    ws_sim *sim = ws_sim_new(0);
    CHECK(sim != NULL);
    ws_workload *w = NULL;
    ws_diag err;
    int rc = ws_workload_new(sim, cfg, 1, NULL, NULL, &w, &err);
    if (rc == WS_OK)
        ws_workload_free(w);
    else
        check_msg(rc, &err);
    ws_sim_free(sim);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ws_diag err;
    ws_conf *c = (ws_conf *)&c; /* must be set, to NULL on failure */
    int rc = ws_conf_parse_string((const char *)data, size, "fuzz.conf", &c, &err);
    if (rc == WS_OK) {
        for (size_t i = 0; i < ws_conf_count(c); i++) {
            const ws_conf_item *it = ws_conf_item_at(c, i);
            check_item(it);
            if (!it->value)
                continue;
            for (int cls = WS_UC_NONE; cls <= WS_UC_COUNT_RATE; cls++)
                check_units(it->value, (ws_unit_class)cls);
            bool b;
            (void)ws_parse_bool(it->value, &b);
        }
        CHECK(ws_conf_item_at(c, ws_conf_count(c)) == NULL);
        ws_conf_free(c);
    } else {
        CHECK(rc == WS_EINPUT || rc == WS_EIO || rc == WS_ENOMEM);
        CHECK(c == NULL && err.msg[0] != '\0' && !strchr(err.msg, '\n'));
    }

    ws_scenario *s;
    rc = ws_scenario_load_string((const char *)data, size, "fuzz.conf", &s, &err);
    if (rc != WS_OK) {
        check_msg(rc, &err);
        return 0;
    }
    for (size_t v = 0; v < ws_scenario_variant_count(s) && v < MAX_VARIANTS; v++) {
        ws_config *cfg = (ws_config *)&cfg;
        rc = ws_config_resolve(s, v, &cfg, &err);
        if (rc != WS_OK) {
            check_msg(rc, &err);
            CHECK(cfg == NULL);
            continue;
        }
        check_workload(cfg);
        ws_config_free(cfg);
    }
    for (size_t i = 0; i < ws_scenario_expect_count(s) && i < MAX_EXPECT; i++) {
        const ws_raw_line *raw = ws_scenario_expect(s, i);
        CHECK(raw && raw->text && raw->variant && raw->line >= 1);
        ws_expect *e = NULL;
        rc = ws_expect_parse(s, raw, &e, &err);
        if (rc != WS_OK) {
            check_msg(rc, &err);
            continue;
        }
        CHECK(e != NULL && ws_expect_raw(e) == raw && ws_expect_metric(e) != NULL);
        size_t v = ws_expect_variant(e);
        CHECK(v < ws_scenario_variant_count(s));
        CHECK(strcmp(ws_scenario_variant_name(s, v), raw->variant) == 0);
        CHECK(ws_expect_uses(e, v));
        CHECK(ws_expect_op_name(ws_expect_operator(e)) != NULL);
        ws_expect_free(e);
    }
    ws_scenario_free(s);
    return 0;
}
