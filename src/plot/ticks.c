/*
 * ticks.c - tick positions and unit labels (see plot.h for the rule).
 *
 * Sizes use binary units (KiB = 1024 B) because the settings the charts
 * are read against use them: PostgreSQL's "1GB" max_wal_size is 2^30
 * bytes (guc.c memory_unit_conversion_table), and so is the kernel's
 * idea of a dirty-bytes threshold.
 */
#include "walsim/plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const byte_units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
static const char *const rate_units[] = {"B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"};

/* The binary unit (index into byte_units) of a magnitude: the largest
 * not above it. */
static int binary_unit(double x)
{
    int u = 0;
    x = fabs(x);
    while (u < 4 && x >= 1024.0)
        x /= 1024.0, u++;
    return u;
}

/* The display unit of an axis with raw step `raw`: the largest unit of
 * which the step is at least a quarter, so steps read 0.5 GiB, 1 GiB
 * rather than 500 MiB, 1000 MiB, and never need more than one decimal. */
static int step_unit(double raw, double base, int max_unit)
{
    int u = 0;
    while (u < max_unit && raw >= pow(base, u + 1) / 4)
        u++;
    return u;
}

/* Duration units for ms values: 0 us, 1 ms, 2 s. */
static int ms_unit(double x)
{
    x = fabs(x);
    return x < 1.0 ? 0 : x < 1000.0 ? 1 : 2;
}

static const double ms_scale[] = {1e-3, 1.0, 1e3};
static const char *const ms_names[] = {"\xC2\xB5s", "ms", "s"};

/* The smallest of 1, 2, (2.5), 5 x 10^k not below r (> 0). */
static double nice_step(double r)
{
    double k = floor(log10(r));
    double base = pow(10.0, k);
    static const double mant[] = {1, 2, 2.5, 5, 10};
    for (size_t i = 0; i < sizeof mant / sizeof mant[0]; i++) {
        if (mant[i] == 2.5 && k < 1)
            continue; /* 0.25 and 2.5 would need an extra decimal */
        if (mant[i] * base >= r * (1 - 1e-9))
            return mant[i] * base;
    }
    return 10 * base;
}

static int decimals_for(double step)
{
    if (step >= 1 - 1e-9)
        return 0;
    int d = (int)ceil(-log10(step) - 1e-9);
    /* 0.25 needs two, 0.5 one: check the step is representable. */
    while (d < 9 && fabs(step * pow(10, d) - round(step * pow(10, d))) > 1e-6)
        d++;
    return d;
}

static void fill(ws_plot_ticks *t, double lo, double hi, double step)
{
    double first = floor(lo / step + 1e-9) * step;
    double last = ceil(hi / step - 1e-9) * step;
    int n = (int)llround((last - first) / step) + 1;
    if (n > WS_PLOT_MAX_TICKS)
        n = WS_PLOT_MAX_TICKS;
    if (n < 2)
        n = 2;
    t->n = n;
    for (int i = 0; i < n; i++) {
        double v = first + i * step;
        if (fabs(v) < step * 1e-9)
            v = 0; /* no "-0" */
        t->v[i] = v;
    }
    t->step = step;
}

static void time_ticks(double lo, double hi, int max_intervals, ws_plot_ticks *t)
{
    static const double steps[] = {1,    2,    5,    10,   15,    20,    30,    60,    120,
                                   300,  600,  900,  1200, 1800,  3600,  7200,  10800, 21600,
                                   43200, 86400};
    double span = hi - lo;
    t->time_style = span > 172800    ? WS_PT_DAYS
                    : lo >= 86400 && span > 120 ? WS_PT_DAY_HHMM
                    : lo >= 3600 && span > 120  ? WS_PT_HHMM /* a zoom later in day 0 */
                    : span <= 120    ? WS_PT_SECONDS
                    : span <= 1200   ? WS_PT_MMSS
                    : span <= 36000  ? WS_PT_MINUTES
                                     : WS_PT_HHMM;
    double raw = span / max_intervals;
    double step = steps[sizeof steps / sizeof steps[0] - 1];
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (steps[i] >= raw * (1 - 1e-9)) {
            step = steps[i];
            break;
        }
    /* Minute and h:mm labels are whole minutes. */
    if (t->time_style >= WS_PT_MINUTES && step < 60)
        step = 60;
    if (raw > 86400)
        step = nice_step(raw / 86400) * 86400;
    t->scale = 1;
    t->suffix = "";
    t->decimals = 0;
    fill(t, lo, hi, step);
}

void ws_plot_ticks_linear(double lo, double hi, int max_intervals, ws_plot_unit unit,
                          ws_plot_ticks *t)
{
    memset(t, 0, sizeof *t);
    t->unit = unit;
    t->suffix = "";
    t->scale = 1;
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (lo > hi) {
        double s = lo;
        lo = hi;
        hi = s;
    }
    if (hi - lo <= fabs(hi) * 1e-12) {
        /* A flat series: a range around it that still has ticks. */
        double m = fabs(hi) > 0 ? fabs(hi) * 0.5 : 1;
        lo = lo >= 0 && lo - m < 0 ? 0 : lo - m;
        hi = hi + m;
    }
    if (max_intervals < 1)
        max_intervals = 1;
    if (unit == WS_PU_TIME) {
        time_ticks(lo, hi, max_intervals, t);
        return;
    }
    double raw = (hi - lo) / max_intervals;
    switch (unit) {
    case WS_PU_BYTES:
    case WS_PU_BYTE_RATE: {
        int u = step_unit(raw, 1024.0, 4);
        t->scale = pow(1024.0, u);
        t->suffix = unit == WS_PU_BYTES ? byte_units[u] : rate_units[u];
        break;
    }
    case WS_PU_MS: {
        /* us, ms, s: the same quarter rule, in steps of 1000. */
        int u = raw >= 250 ? 2 : raw >= 0.25 ? 1 : 0;
        t->scale = ms_scale[u];
        t->suffix = ms_names[u];
        break;
    }
    case WS_PU_PERCENT:
        t->scale = 0.01;
        t->suffix = "%";
        break;
    default:
        break;
    }
    double step = nice_step(raw / t->scale);
    /* Bytes are whole numbers: no step below 1 B. */
    if ((unit == WS_PU_BYTES || unit == WS_PU_BYTE_RATE) && t->scale == 1 && step < 1)
        step = 1;
    t->decimals = decimals_for(step);
    fill(t, lo, hi, step * t->scale);
}

void ws_plot_ticks_log(double lo, double hi, ws_plot_unit unit, ws_plot_ticks *t)
{
    memset(t, 0, sizeof *t);
    t->unit = unit;
    t->log = true;
    t->scale = 1;
    t->suffix = "";
    if (!(hi > 0) || !isfinite(hi))
        hi = 1;
    if (!(lo > 0) || !isfinite(lo) || lo >= hi)
        lo = hi / 1e3;
    int d0 = (int)floor(log10(lo) + 1e-9), d1 = (int)ceil(log10(hi) - 1e-9);
    bool minor = d1 - d0 <= 3;
    for (int d = d0; d <= d1 && t->n < WS_PLOT_MAX_TICKS; d++) {
        static const double m[] = {1, 2, 5};
        for (int i = 0; i < (minor ? 3 : 1) && t->n < WS_PLOT_MAX_TICKS; i++) {
            double v = m[i] * pow(10.0, d);
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
                t->v[t->n++] = v;
        }
    }
}

/* Prints x with up to `digits` decimals, trailing zeros removed. */
static void trimmed(char *buf, size_t len, double x, int digits)
{
    snprintf(buf, len, "%.*f", digits, x);
    if (strchr(buf, '.')) {
        char *e = buf + strlen(buf) - 1;
        while (*e == '0')
            *e-- = '\0';
        if (*e == '.')
            *e = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        snprintf(buf, len, "0");
}

/* Three significant digits: 2 decimals below 10, 1 below 100, else 0. */
static int sig3(double x)
{
    x = fabs(x);
    return x < 9.995 ? 2 : x < 99.95 ? 1 : 0;
}

static void clock_label(char *buf, size_t len, double seconds, bool hours)
{
    const char *sign = seconds < 0 ? "-" : "";
    long long s = llround(fabs(seconds));
    if (hours)
        snprintf(buf, len, "%s%lld:%02lld", sign, s / 3600, (s / 60) % 60);
    else
        snprintf(buf, len, "%s%lld:%02lld", sign, s / 60, s % 60);
}

/* "3d", "3d 12:00" (days: the clock only when not midnight), or always
 * "3d 01:15" (a zoom). */
static void day_label(char *buf, size_t len, double seconds, bool clock)
{
    const char *sign = seconds < 0 ? "-" : "";
    long long s = llround(fabs(seconds));
    long long d = s / 86400, m = (s % 86400) / 60;
    if (!clock && m == 0)
        snprintf(buf, len, "%s%lldd", sign, d);
    else
        snprintf(buf, len, "%s%lldd %02lld:%02lld", sign, d, m / 60, m % 60);
}

void ws_plot_tick_label(const ws_plot_ticks *t, double v, char *buf, size_t len)
{
    if (t->text) {
        for (int i = 0; i < t->n; i++)
            if (t->v[i] == v) {
                snprintf(buf, len, "%s", t->text[i]);
                return;
            }
        snprintf(buf, len, "?");
        return;
    }
    if (t->unit == WS_PU_TIME && !t->log) {
        switch (t->time_style) {
        case WS_PT_SECONDS: trimmed(buf, len, v, 0); return;
        case WS_PT_MMSS: clock_label(buf, len, v, false); return;
        case WS_PT_MINUTES: trimmed(buf, len, v / 60, 0); return;
        case WS_PT_HHMM: clock_label(buf, len, v, true); return;
        case WS_PT_DAYS:
        case WS_PT_DAY_HHMM: day_label(buf, len, v, t->time_style == WS_PT_DAY_HHMM); return;
        }
    }
    if (t->log) {
        char num[32];
        switch (t->unit) {
        case WS_PU_MS: {
            int u = ms_unit(v);
            trimmed(num, sizeof num, v / ms_scale[u], 3);
            snprintf(buf, len, "%s %s", num, ms_names[u]);
            return;
        }
        case WS_PU_BYTES:
        case WS_PU_BYTE_RATE: {
            int u = binary_unit(v);
            trimmed(num, sizeof num, v / pow(1024.0, u), 2);
            snprintf(buf, len, "%s %s", num, t->unit == WS_PU_BYTES ? byte_units[u] : rate_units[u]);
            return;
        }
        case WS_PU_PERCENT:
            trimmed(num, sizeof num, v * 100, 3);
            snprintf(buf, len, "%s %%", num);
            return;
        default:
            trimmed(buf, len, v, 6);
            return;
        }
    }
    trimmed(buf, len, v / t->scale, t->decimals);
    if (t->label_units && *t->suffix && v != 0) {
        size_t n = strlen(buf);
        snprintf(buf + n, len - n, " %s", t->suffix);
    }
}

void ws_plot_axis_title(const ws_plot_ticks *t, const char *what, char *buf, size_t len)
{
    const char *unit = "";
    if (t->unit == WS_PU_TIME && !t->log) {
        static const char *const names[] = {"s", "min:ss", "min", "h:mm", "days", "day h:mm"};
        unit = names[t->time_style];
    } else if (!t->log && !t->label_units)
        unit = t->suffix;
    if (t->log)
        snprintf(buf, len, "%s (log scale)", what);
    else if (*unit)
        snprintf(buf, len, "%s (%s)", what, unit);
    else
        snprintf(buf, len, "%s", what);
}

void ws_plot_format_value(double v, ws_plot_unit unit, char *buf, size_t len)
{
    char num[48];
    if (!isfinite(v)) {
        snprintf(buf, len, "n/a");
        return;
    }
    switch (unit) {
    case WS_PU_BYTES:
    case WS_PU_BYTE_RATE: {
        int u = binary_unit(v);
        double x = v / pow(1024.0, u);
        /* 1023.7 MiB would print as "1024 MiB": say 1 GiB. */
        if (u < 4 && fabs(x) >= 1023.5) {
            u++;
            x /= 1024;
        }
        trimmed(num, sizeof num, x, u == 0 ? 0 : sig3(x));
        snprintf(buf, len, "%s %s", num, unit == WS_PU_BYTES ? byte_units[u] : rate_units[u]);
        return;
    }
    case WS_PU_MS: {
        /* Durations of minutes and hours (a checkpoint's 16.2 min, a
         * recovery's 1.5 h) in minutes and hours, not 972 s. */
        if (fabs(v) >= 7200e3) {
            trimmed(num, sizeof num, v / 3600e3, sig3(v / 3600e3));
            snprintf(buf, len, "%s h", num);
            return;
        }
        if (fabs(v) >= 120e3) {
            trimmed(num, sizeof num, v / 60e3, sig3(v / 60e3));
            snprintf(buf, len, "%s min", num);
            return;
        }
        int u = ms_unit(v);
        double x = v / ms_scale[u];
        if (u < 2 && fabs(x) >= 999.5) {
            u++;
            x /= 1000;
        }
        trimmed(num, sizeof num, x, sig3(x));
        snprintf(buf, len, "%s %s", num, ms_names[u]);
        return;
    }
    case WS_PU_PERCENT:
        snprintf(buf, len, "%.1f %%", v * 100);
        return;
    case WS_PU_TIME:
        clock_label(buf, len, v, fabs(v) >= 36000);
        return;
    default:
        trimmed(buf, len, v, fabs(v) >= 1000 ? 0 : sig3(v));
        return;
    }
}
