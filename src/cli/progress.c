/*
 * progress.c - the progress line with an estimate of the time left
 * (progress.h).
 */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cli_progress_begin(cli_progress *p, bool enabled, size_t n, const char *fmt, ...)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    p->n = n;
    p->start = wall();
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->label, sizeof p->label, fmt, ap);
    va_end(ap);
    p->frac = calloc(n ? n : 1, sizeof *p->frac);
    p->total_s = calloc(n ? n : 1, sizeof *p->total_s);
    p->enabled = enabled && p->frac && p->total_s;
    return p->frac && p->total_s ? 0 : -1;
}

void cli_progress_label(cli_progress *p, const char *fmt, ...)
{
    pthread_mutex_lock(&p->mu);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->label, sizeof p->label, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&p->mu);
}

void cli_progress_item(cli_progress *p, size_t i, double total_s, bool is_auto)
{
    if (!p->enabled || i >= p->n)
        return;
    pthread_mutex_lock(&p->mu);
    p->total_s[i] = total_s;
    p->n_auto += is_auto;
    pthread_mutex_unlock(&p->mu);
}

/* "45 s", "3 min 05 s", "1 h 02 min" */
static void format_left(double s, char *buf, size_t len)
{
    long t = (long)(s + 0.5);
    if (t < 60)
        snprintf(buf, len, "%ld s", t);
    else if (t < 3600)
        snprintf(buf, len, "%ld min %02ld s", t / 60, t % 60);
    else
        snprintf(buf, len, "%ld h %02ld min", t / 3600, t % 3600 / 60);
}

void cli_progress_update(cli_progress *p, size_t i, double fraction)
{
    if (!p->enabled || i >= p->n)
        return;
    pthread_mutex_lock(&p->mu);
    p->frac[i] = fraction < 0 ? 0 : fraction > 1 ? 1 : fraction;
    double now = wall();
    if (now - p->start >= 1.0 && now - p->last >= 0.1) {
        p->last = now;
        p->shown = true;
        double f = 0, sim = 0;
        for (size_t k = 0; k < p->n; k++) {
            f += p->frac[k];
            sim += p->frac[k] * p->total_s[k];
        }
        f /= (double)p->n;
        char t[32];
        if (p->n_auto) {
            format_left(sim, t, sizeof t);
            fprintf(stderr, "\r\033[Kwalsim: %s: %s simulated (duration = auto: until the "
                            "window holds enough checkpoint cycles)", p->label, t);
        } else {
            char left[48] = "";
            if (f > 0.02 && f < 1) {
                format_left((now - p->start) * (1 - f) / f, t, sizeof t);
                snprintf(left, sizeof left, ", about %s left", t);
            }
            fprintf(stderr, "\r\033[Kwalsim: %s: %3.0f%% simulated%s", p->label, f * 100, left);
        }
        fflush(stderr);
    }
    pthread_mutex_unlock(&p->mu);
}

void cli_progress_end(cli_progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    free(p->frac);
    free(p->total_s);
    p->frac = p->total_s = NULL;
    p->enabled = p->shown = false;
    pthread_mutex_destroy(&p->mu);
}
