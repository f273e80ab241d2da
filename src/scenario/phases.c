/*
 * phases.c - the load schedule grammar (phases.h).
 *
 * One parser for the scenario layer's check at load and for the workload
 * model, so the two cannot disagree on what a schedule means.
 */
#include "walsim/phases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/diag.h"
#include "walsim/units.h"

#define EXPECTED "expected TIME=FACTOR or TIME~FACTOR, TIME a duration from 0 to 30d " \
                 "(us, ms, s, min, h, d; a bare number means s), FACTOR a number from 0 to 1000, " \
                 "e.g. '0=0.2, 5min~1, 10min=3'"

static void show(char *buf, size_t len, const char *p, size_t n)
{
    char tmp[84];
    snprintf(buf, len, "%s", ws_diag_show(p, n, 80, tmp, sizeof tmp));
}

int ws_phases_parse(const char *text, ws_phase_point **out, size_t *n, char *msg, size_t len)
{
    const char *p = text ? text : "";
    ws_phase_point *pts = NULL;
    size_t np = 0, cap = 0;
    *out = NULL;
    *n = 0;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        size_t tl = (size_t)(end - p);
        while (tl && (p[tl - 1] == ' ' || p[tl - 1] == '\t'))
            tl--;
        char item[96];
        show(item, sizeof item, p, tl);
        const char *op = p;
        while (op < p + tl && *op != '=' && *op != '~')
            op++;
        char when[64];
        if (op == p + tl || op == p || (size_t)(op - p) >= sizeof when) {
            snprintf(msg, len, "phases: '%s' is not a point; " EXPECTED, item);
            free(pts);
            return WS_EINPUT;
        }
        size_t wl = (size_t)(op - p);
        while (wl && (p[wl - 1] == ' ' || p[wl - 1] == '\t'))
            wl--;
        snprintf(when, sizeof when, "%.*s", (int)wl, p);
        double t = 0;
        char err[200];
        if (ws_unit_parse(when, WS_UC_TIME, 1e9, &t, err, sizeof err) != 0 || t < 0 ||
            t > 30 * 86400e9) {
            snprintf(msg, len, "phases: '%s': %s; " EXPECTED, item,
                     t < 0 || t > 30 * 86400e9 ? "the time is out of range" : err);
            free(pts);
            return WS_EINPUT;
        }
        const char *f0 = op + 1;
        while (f0 < p + tl && (*f0 == ' ' || *f0 == '\t'))
            f0++;
        if (f0 == p + tl) {
            snprintf(msg, len, "phases: '%s': the %s has no factor; " EXPECTED, item,
                     *op == '~' ? "ramp" : "step");
            free(pts);
            return WS_EINPUT;
        }
        char num[64], *fend;
        snprintf(num, sizeof num, "%.*s", (int)(p + tl - f0), f0);
        double f = strtod(num, &fend);
        if (fend == num || *fend || !(f >= 0) || f > WS_PHASES_MAX_FACTOR) {
            snprintf(msg, len, "phases: '%s': the factor must be a plain number from 0 to 1000; " EXPECTED,
                     item);
            free(pts);
            return WS_EINPUT;
        }
        if (np && (int64_t)t < pts[np - 1].t_ns) {
            snprintf(msg, len, "phases: '%s': times must not decrease; " EXPECTED, item);
            free(pts);
            return WS_EINPUT;
        }
        if (np == WS_PHASES_MAX_POINTS) {
            snprintf(msg, len, "phases: more than %d points; " EXPECTED, WS_PHASES_MAX_POINTS);
            free(pts);
            return WS_EINPUT;
        }
        if (np == cap) {
            cap = cap ? 2 * cap : 8;
            ws_phase_point *q = realloc(pts, cap * sizeof *q);
            if (!q) {
                free(pts);
                snprintf(msg, len, "phases: out of memory");
                return WS_ENOMEM;
            }
            pts = q;
        }
        pts[np++] = (ws_phase_point){(int64_t)t, f, *op == '~'};
        p = end;
    }
    *out = pts;
    *n = np;
    return WS_OK;
}
