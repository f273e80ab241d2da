/*
 * expect.h - the lines of `[expect VARIANT]` sections: parsed, checked
 * against the metric registry and the scenario's variants, evaluated on
 * the figures of a run.
 *
 * One expectation is `METRIC OP EXPR`:
 *
 *   METRIC  a metric of the section's variant (metrics.h)
 *   OP      <  <=  >  >=  =  ==  !=      (= and == are the same)
 *   EXPR    TERM, or TERM + TERM, TERM - TERM, ... (at most 8 terms)
 *   TERM    VALUE                          20ms, 1.5s, 60GB, 0.3, 30%, 500/s
 *           REF | FACTOR * REF | REF * FACTOR
 *   REF     VARIANT.METRIC (default.p99_latency), or METRIC alone for the
 *           section's own variant
 *   FACTOR  a plain number (0.5)
 *
 * A VALUE is written in the left metric's kind: times and sizes need a
 * unit (PostgreSQL's: us ms s min h d; B kB MB GB TB, case matters) except
 * 0; counts are plain numbers; rates plain or with /s, /min, /h, /d;
 * ratios plain (0..1) or in percent.  A REF must be of the same kind as the
 * left metric.  Variant names in a REF are letters, digits, '_', '.' and
 * '-'; the REF is split at its last '.'.  A '-' joins a name only when a
 * letter or '_' follows it, so `default.max_latency-1ms` subtracts 1ms;
 * spaces around operators always work.
 *
 * Comparisons are exact on the measured doubles; a value that is not a
 * number (an empty histogram's percentile is 0, not NaN, so this is rare)
 * fails every comparison.
 *
 * Parsing never runs anything, so `walsim check` reports every input error
 * before the first simulation.
 */
#ifndef WALSIM_EXPECT_H
#define WALSIM_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "walsim/diag.h"
#include "walsim/metrics.h"
#include "walsim/run.h"
#include "walsim/scenario.h"

typedef struct ws_expect ws_expect;

typedef enum ws_expect_op { WS_OP_LT, WS_OP_LE, WS_OP_GT, WS_OP_GE, WS_OP_EQ, WS_OP_NE } ws_expect_op;

/* Parses one raw line of scenario s (ws_scenario_expect).  Returns 0 and
 * *out (free with ws_expect_free), or WS_EINPUT with a message
 *   "FILE:LINE: [expect V] TEXT: what is wrong; what was expected". */
int ws_expect_parse(const ws_scenario *s, const ws_raw_line *raw, ws_expect **out, ws_diag *err);
void ws_expect_free(ws_expect *e);

/* The raw line it was parsed from (text, file, line, variant). */
const ws_raw_line *ws_expect_raw(const ws_expect *e);
/* The section's variant, as an index of the scenario's variants. */
size_t ws_expect_variant(const ws_expect *e);
const ws_metric *ws_expect_metric(const ws_expect *e);
ws_expect_op ws_expect_operator(const ws_expect *e);

/* Does evaluating e need the figures of variant v (its own, or one it
 * refers to)? */
bool ws_expect_uses(const ws_expect *e, size_t v);

typedef enum ws_expect_verdict {
    WS_EXPECT_PASS,
    WS_EXPECT_FAIL,
    WS_EXPECT_NOT_EXERCISED /* about checkpoints, and no checkpoint exercised it */
} ws_expect_verdict;

#define WS_EXPECT_WHY 256

typedef struct ws_expect_result {
    bool pass;       /* the comparison holds and was exercised (verdict PASS) */
    double measured; /* the left metric */
    double bound;    /* EXPR's value */
    ws_expect_verdict verdict;
    char why[WS_EXPECT_WHY]; /* NOT_EXERCISED: which variant and why, for people */
} ws_expect_result;

/* Evaluates e.  by_variant[v] holds variant v's figures, for every v that
 * ws_expect_uses (others may be NULL).  An expectation whose metric (or a
 * referenced one) needs a checkpoint the variant's window did not have
 * (ws_metric_exercised) is NOT_EXERCISED, whatever the comparison says:
 * "checkpoints_req = 0" holds trivially when no checkpoint ran, and
 * proves nothing.  `walsim check` counts it as a failure. */
ws_expect_result ws_expect_eval(const ws_expect *e, const ws_run_stats *const *by_variant);

/* "PASS", "FAIL", "NOT EXERCISED". */
const char *ws_expect_verdict_name(ws_expect_verdict v);

/* A note on the figures e was judged on, for people, or "" when there is
 * none: e.g. for a latency metric of an overloaded variant (its own or a
 * referenced one) "note: fast is overloaded: its latencies are those of a
 * queue that grows for as long as the run lasts, not of a stable system". */
void ws_expect_note(const ws_expect *e, const ws_run_stats *const *by_variant, char *buf,
                    size_t len);

/* The result for people, e.g.
 *   "p99_latency = 2.457ms, expected < 1.228ms (default.p99_latency = 2.457ms)"
 * Values are in the metric's human units (ws_metric_format), with more
 * digits when 4 would print the two sides alike. */
void ws_expect_describe(const ws_expect *e, const ws_run_stats *const *by_variant,
                        const ws_expect_result *r, char *buf, size_t len);

/* "<", "<=", ... */
const char *ws_expect_op_name(ws_expect_op op);

#endif
