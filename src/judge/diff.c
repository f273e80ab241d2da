/*
 * diff.c - two output folders of one scenario compared (diff.h).
 *
 * Reads only summary.json: its figures, and its 95 % intervals where it
 * has them (tps, p50, p99, WAL per transaction).  The other figures
 * (checkpoint counts, pg_wal peak, recovery) have no interval in
 * summary.json, so their rows say so.
 */
#include "walsim/diff.h"

#include "walsim/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const ws_diff_metrics[] = {"tps",       "p50",
                                       "p99",       "wal_per_tx",
                                       "fpi_share", "checkpoints_timed",
                                       "checkpoints_req", "pg_wal_peak",
                                       "recovery",  NULL};

/* Where each figure is in a variant's object; `ci` is the member of
 * "intervals" holding {est, lo, hi} or NULL; scale turns it into the
 * label's unit. */
static const struct {
    const char *id, *label, *path, *ci;
    double scale;
} figs[] = {
    {"tps", "tps", "tps", "tps", 1},
    {"p50", "p50 latency (ms)", "latency_ms.p50", "p50_ms", 1},
    {"p99", "p99 latency (ms)", "latency_ms.p99", "p99_ms", 1},
    {"wal_per_tx", "WAL per transaction (B)", "wal.bytes_per_tx", "wal_bytes_per_tx", 1},
    {"fpi_share", "full-page image share (%)", "wal.fpi_share", NULL, 100},
    {"checkpoints_timed", "checkpoints timed", "checkpoints.timed", NULL, 1},
    {"checkpoints_req", "checkpoints requested", "checkpoints.requested", NULL, 1},
    {"pg_wal_peak", "pg_wal peak (MB)", "pg_wal_peak_bytes", NULL, 1.0 / 1048576},
    {"recovery", "worst crash recovery (s)", "recovery.worst_case_s", NULL, 1},
};
#define N_FIGS (sizeof figs / sizeof figs[0])

int ws_diff_parse_tolerance(const char *text, double *out, ws_diag *err)
{
    char *end = NULL;
    double x = text ? strtod(text, &end) : NAN;
    if (end && *end == '%' && end[1] == '\0')
        x /= 100;
    else if (!end || *end != '\0')
        x = NAN;
    if (!isfinite(x) || x < 0 || end == text) {
        ws_diag_set(err, NULL, 0, "--tolerance %s: expected a share such as 5%% or 0.05",
                    text ? text : "");
        return WS_EINPUT;
    }
    *out = x;
    return WS_OK;
}

static int load(const char *dir, ws_json **out, char *path, size_t len, ws_diag *err)
{
    snprintf(path, len, "%s/summary.json", dir);
    int rc = ws_json_parse_file(path, out, err);
    if (rc == WS_EIO) {
        ws_diag_set(err, NULL, 0, "%s: cannot read it (expected a walsim run's output folder)",
                    path);
        return WS_EINPUT;
    }
    if (rc == WS_OK && !ws_json_get(*out, "variants")) {
        ws_diag_set(err, NULL, 0, "%s: expected a walsim summary with \"variants\"", path);
        ws_json_free(*out);
        *out = NULL;
        return WS_EINPUT;
    }
    return rc;
}

/* Same scenario: the hash when both have one, else the file name. */
static int same_scenario(const ws_json *a, const ws_json *b, const char *pa, const char *pb,
                         ws_diag *err)
{
    const char *ha = ws_json_str(ws_json_path(a, "scenario.sha256"));
    const char *hb = ws_json_str(ws_json_path(b, "scenario.sha256"));
    const char *fa = ws_json_str(ws_json_path(a, "scenario.slug"));
    const char *fb = ws_json_str(ws_json_path(b, "scenario.slug"));
    if (ha && hb) {
        if (strcmp(ha, hb) != 0) {
            ws_diag_set(err, NULL, 0,
                        "%s: scenario %s (sha256 %.12s...) is not the scenario of %s (sha256 "
                        "%.12s...): expected two runs of the same scenario file",
                        pb, fb ? fb : "?", hb, pa, ha);
            return WS_EINPUT;
        }
        return WS_OK;
    }
    if (!fa || !fb || strcmp(fa, fb) != 0) {
        ws_diag_set(err, NULL, 0, "%s: scenario '%s' is not '%s' of %s: expected two runs of the "
                    "same scenario", pb, fb ? fb : "?", fa ? fa : "?", pa);
        return WS_EINPUT;
    }
    return WS_OK;
}

static bool wanted(const char *id, const char *const *metrics, size_t n)
{
    if (n == 0)
        return true;
    for (size_t i = 0; i < n; i++)
        if (strcmp(metrics[i], id) == 0)
            return true;
    return false;
}

/* The figure and its interval (NAN when none). */
static void figure(const ws_json *v, size_t k, double *x, double *lo, double *hi)
{
    *x = ws_json_num(ws_json_path(v, figs[k].path)) * figs[k].scale;
    *lo = *hi = NAN;
    if (figs[k].ci) {
        const ws_json *c = ws_json_get(ws_json_get(v, "intervals"), figs[k].ci);
        *lo = ws_json_num(ws_json_get(c, "lo")) * figs[k].scale;
        *hi = ws_json_num(ws_json_get(c, "hi")) * figs[k].scale;
    }
}

int ws_diff_dirs(const char *dir_a, const char *dir_b, double tolerance,
                 const char *const *metrics, size_t n_metrics, ws_diff *out, ws_diag *err)
{
    memset(out, 0, sizeof *out);
    out->tolerance = tolerance;
    for (size_t i = 0; i < n_metrics; i++) {
        size_t k = 0;
        while (k < N_FIGS && strcmp(figs[k].id, metrics[i]) != 0)
            k++;
        if (k == N_FIGS) {
            ws_diag_set(err, NULL, 0, "--metric %s: unknown; expected one of tps, p50, p99, "
                        "wal_per_tx, fpi_share, checkpoints_timed, checkpoints_req, pg_wal_peak, "
                        "recovery", metrics[i]);
            return WS_EINPUT;
        }
    }
    char pa[4200], pb[4200];
    ws_json *ja = NULL, *jb = NULL;
    int rc = load(dir_a, &ja, pa, sizeof pa, err);
    if (rc == WS_OK)
        rc = load(dir_b, &jb, pb, sizeof pb, err);
    if (rc == WS_OK)
        rc = same_scenario(ja, jb, pa, pb, err);
    const ws_json *va = ws_json_get(ja, "variants"), *vb = ws_json_get(jb, "variants");
    size_t cap = rc == WS_OK ? ws_json_count(va) * N_FIGS : 0;
    out->rows = cap ? calloc(cap, sizeof *out->rows) : NULL;
    if (cap && !out->rows)
        rc = WS_ENOMEM;
    size_t used = 0;
    for (size_t i = 0; rc == WS_OK && i < ws_json_count(va); i++) {
        const char *name = ws_json_key_at(va, i);
        const ws_json *a = ws_json_at(va, i), *b = ws_json_get(vb, name);
        if (!b) {
            used += (size_t)snprintf(out->note + used, used < sizeof out->note ? sizeof out->note - used : 0,
                                     "%svariant %s only in %s", used ? "; " : "", name, dir_a);
            if (used >= sizeof out->note)
                used = sizeof out->note;
            continue;
        }
        for (size_t k = 0; k < N_FIGS; k++) {
            if (!wanted(figs[k].id, metrics, n_metrics))
                continue;
            ws_diff_row *r = &out->rows[out->n++];
            snprintf(r->variant, sizeof r->variant, "%s", name);
            r->metric = figs[k].id;
            r->label = figs[k].label;
            figure(a, k, &r->a, &r->a_lo, &r->a_hi);
            figure(b, k, &r->b, &r->b_lo, &r->b_hi);
            r->have_ci = isfinite(r->a_lo) && isfinite(r->a_hi) && isfinite(r->b_lo) &&
                         isfinite(r->b_hi);
            r->overlap = r->have_ci && r->a_lo <= r->b_hi && r->b_lo <= r->a_hi;
            if (r->a == r->b)
                r->change = 0;
            else if (r->a == 0 || !isfinite(r->a) || !isfinite(r->b))
                r->change = r->b > r->a ? INFINITY : -INFINITY;
            else
                r->change = (r->b - r->a) / fabs(r->a);
            r->exceeds = fabs(r->change) > tolerance;
            out->n_exceed += r->exceeds;
        }
    }
    for (size_t i = 0; rc == WS_OK && i < ws_json_count(vb); i++) {
        const char *name = ws_json_key_at(vb, i);
        if (ws_json_get(va, name))
            continue;
        used += (size_t)snprintf(out->note + used, used < sizeof out->note ? sizeof out->note - used : 0,
                                 "%svariant %s only in %s", used ? "; " : "", name, dir_b);
        if (used >= sizeof out->note)
            used = sizeof out->note;
    }
    ws_json_free(ja);
    ws_json_free(jb);
    if (rc != WS_OK)
        ws_diff_free(out);
    return rc;
}

void ws_diff_free(ws_diff *d)
{
    free(d->rows);
    d->rows = NULL;
    d->n = d->n_exceed = 0;
}

static void value_text(double x, char *buf, size_t len)
{
    if (!isfinite(x))
        snprintf(buf, len, "-");
    else if (fabs(x) >= 100 || x == floor(x))
        snprintf(buf, len, "%.0f", x);
    else
        snprintf(buf, len, "%.3g", x);
}

void ws_diff_print(FILE *f, const ws_diff *d, const char *dir_a, const char *dir_b)
{
    fprintf(f, "A = %s, B = %s, tolerance %.3g%%\n", dir_a, dir_b, d->tolerance * 100);
    fprintf(f, "%-14s %-26s %12s %12s %9s  %s\n", "variant", "figure", "A", "B", "change",
            "95% intervals");
    for (size_t i = 0; i < d->n; i++) {
        const ws_diff_row *r = &d->rows[i];
        char a[32], b[32], ch[32], ci[160];
        value_text(r->a, a, sizeof a);
        value_text(r->b, b, sizeof b);
        if (isfinite(r->change))
            snprintf(ch, sizeof ch, "%+.2f%%", r->change * 100);
        else
            snprintf(ch, sizeof ch, "%s", r->change > 0 ? "+inf" : "-inf");
        if (r->have_ci)
            snprintf(ci, sizeof ci, "A [%.4g, %.4g] B [%.4g, %.4g] %s", r->a_lo, r->a_hi, r->b_lo,
                     r->b_hi, r->overlap ? "overlap" : "DO NOT OVERLAP");
        else
            snprintf(ci, sizeof ci, "no interval");
        fprintf(f, "%-14s %-26s %12s %12s %9s  %s%s\n", r->variant, r->label, a, b, ch, ci,
                r->exceeds ? "  ! EXCEEDS TOLERANCE" : "");
    }
    if (d->note[0])
        fprintf(f, "note: %s\n", d->note);
    fprintf(f, "%zu of %zu figures changed by more than %.3g%%\n", d->n_exceed, d->n,
            d->tolerance * 100);
}
