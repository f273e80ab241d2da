/*
 * calibrate.c - the first-touch fit and the estimates of walsim calibrate
 * (see calibrate.h and docs/validate.md).
 *
 * Parameters are fitted on a log scale (pages modified per transaction,
 * table pages) or a logit scale (the hot share of a table's pages), so
 * that every value the solver tries is valid; standard errors of the
 * reported values follow by the delta method from the covariance of the
 * fitted parameters, scaled by rss / (n - k).
 */
#include "walsim/calibrate.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>

#define MAXT (WS_CALIBRATE_MAX_TABLES + 1) /* terms: a hot set splits a table in two */
#define MAXP (WS_CALIBRATE_MAX_TABLES + 3) /* parameters */

double ws_calibrate_first_touch(double changes, double pages)
{
    if (!(pages > 0) || !(changes > 0))
        return 0;
    return -pages * expm1(-changes / pages);
}

/* ------------------------------------------------------------------ */
/* Data points                                                         */

int ws_calibrate_data_add(ws_calibrate_data *d, double images, const double *seg_n, size_t n_seg,
                          int cycle)
{
    if (d->n + 1 >= d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        double *im = realloc(d->images, cap * sizeof *im);
        if (im)
            d->images = im;
        size_t *ss = realloc(d->seg_start, (cap + 1) * sizeof *ss);
        if (ss)
            d->seg_start = ss;
        int *cy = realloc(d->cycle, cap * sizeof *cy);
        if (cy)
            d->cycle = cy;
        if (!im || !ss || !cy)
            return WS_ENOMEM;
        d->cap = cap;
    }
    if (d->n_seg + n_seg > d->cap_seg) {
        size_t cap = d->cap_seg ? d->cap_seg : 64;
        while (cap < d->n_seg + n_seg)
            cap *= 2;
        double *sn = realloc(d->seg_n, cap * sizeof *sn);
        if (!sn)
            return WS_ENOMEM;
        d->seg_n = sn;
        d->cap_seg = cap;
    }
    if (d->n == 0)
        d->seg_start[0] = 0;
    memcpy(d->seg_n + d->n_seg, seg_n, n_seg * sizeof *seg_n);
    d->n_seg += n_seg;
    d->images[d->n] = images;
    d->cycle[d->n] = cycle;
    d->seg_start[++d->n] = d->n_seg;
    return WS_OK;
}

void ws_calibrate_data_free(ws_calibrate_data *d)
{
    free(d->images);
    free(d->seg_start);
    free(d->seg_n);
    free(d->cycle);
    memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------------ */
/* The model                                                           */

/* The first-touch terms for a parameter vector, with the derivatives of
 * each term's writes m and pages P by every parameter. */
typedef struct terms {
    size_t n;
    double m[MAXT], P[MAXT];
    double dm[MAXT][MAXP], dP[MAXT][MAXP];
} terms;

typedef struct fitctx {
    const ws_calibrate_data *d;
    ws_calibrate_model model;
    const ws_calibrate_table *tab;
    size_t n_tab, p;
} fitctx;

static size_t param_count(ws_calibrate_model model, size_t n_tab)
{
    if (model == WS_CALIBRATE_UNIFORM)
        return n_tab ? n_tab : 2;
    return n_tab ? 3 + (n_tab - 1) : 4;
}

/* e^x kept finite while the solver explores. */
static double ex(double x) { return exp(fmax(-700, fmin(700, x))); }

static void make_terms(const fitctx *c, const double *th, terms *t)
{
    memset(t, 0, sizeof *t);
    if (c->model == WS_CALIBRATE_UNIFORM) {
        if (c->n_tab == 0) {
            t->n = 1;
            t->m[0] = ex(th[0]);
            t->P[0] = ex(th[1]);
            t->dm[0][0] = t->m[0];
            t->dP[0][1] = t->P[0];
            return;
        }
        t->n = c->n_tab;
        for (size_t k = 0; k < c->n_tab; k++) {
            t->m[k] = ex(th[k]);
            t->P[k] = c->tab[k].pages;
            t->dm[k][k] = t->m[k];
        }
        return;
    }
    /* hot set: theta = (ln m_hot, ln m_cold, logit(H / P), [ln P | ln m of tables 2..]) */
    double s = 1 / (1 + ex(-th[2])), ds = s * (1 - s);
    double P = c->n_tab ? c->tab[0].pages : ex(th[3]);
    t->m[0] = ex(th[0]);
    t->dm[0][0] = t->m[0];
    t->m[1] = ex(th[1]);
    t->dm[1][1] = t->m[1];
    t->P[0] = P * s;
    t->P[1] = P * (1 - s);
    t->dP[0][2] = P * ds;
    t->dP[1][2] = -P * ds;
    if (c->n_tab == 0) {
        t->n = 2;
        t->dP[0][3] = t->P[0];
        t->dP[1][3] = t->P[1];
        return;
    }
    t->n = c->n_tab + 1;
    for (size_t k = 1; k < c->n_tab; k++) {
        t->m[k + 1] = ex(th[2 + k]);
        t->P[k + 1] = c->tab[k].pages;
        t->dm[k + 1][2 + k] = t->m[k + 1];
    }
}

/* One term P (1 - e^(-m n / P)) and its derivatives by m and P. */
static void term_eval(double m, double P, double n, double *v, double *dm, double *dP)
{
    if (!(P > 0) || !(n > 0)) {
        *v = 0;
        *dm = 0;
        *dP = n > 0 ? 1 : 0;
        return;
    }
    double x = m * n / P;
    double e = x > 700 ? 0 : exp(-x);
    double one_minus = x > 700 ? 1 : -expm1(-x);
    *v = P * one_minus;
    *dm = n * e;
    *dP = one_minus - x * e;
}

static double predict(const terms *t, const double *seg_n, size_t n_seg, double *grad, size_t p)
{
    double v = 0;
    if (grad)
        memset(grad, 0, p * sizeof *grad);
    for (size_t s = 0; s < n_seg; s++)
        for (size_t j = 0; j < t->n; j++) {
            double tv, dm, dP;
            term_eval(t->m[j], t->P[j], seg_n[s], &tv, &dm, &dP);
            v += tv;
            if (grad)
                for (size_t q = 0; q < p; q++)
                    grad[q] += dm * t->dm[j][q] + dP * t->dP[j][q];
        }
    return v;
}

static void theta_of(const gsl_vector *x, double *th, size_t p)
{
    for (size_t q = 0; q < p; q++)
        th[q] = gsl_vector_get(x, q);
}

static int f_fn(const gsl_vector *x, void *ctx, gsl_vector *f)
{
    const fitctx *c = ctx;
    double th[MAXP];
    terms t;
    theta_of(x, th, c->p);
    make_terms(c, th, &t);
    const ws_calibrate_data *d = c->d;
    for (size_t i = 0; i < d->n; i++) {
        size_t a = d->seg_start[i], b = d->seg_start[i + 1];
        gsl_vector_set(f, i, predict(&t, d->seg_n + a, b - a, NULL, 0) - d->images[i]);
    }
    return GSL_SUCCESS;
}

static int df_fn(const gsl_vector *x, void *ctx, gsl_matrix *J)
{
    const fitctx *c = ctx;
    double th[MAXP], g[MAXP];
    terms t;
    theta_of(x, th, c->p);
    make_terms(c, th, &t);
    const ws_calibrate_data *d = c->d;
    for (size_t i = 0; i < d->n; i++) {
        size_t a = d->seg_start[i], b = d->seg_start[i + 1];
        predict(&t, d->seg_n + a, b - a, g, c->p);
        for (size_t q = 0; q < c->p; q++)
            gsl_matrix_set(J, i, q, g[q]);
    }
    return GSL_SUCCESS;
}

typedef struct solution {
    bool ok;
    double th[MAXP];
    double cov[MAXP][MAXP];
    double rss;
    size_t iter;
} solution;

/* One run from th0: method 0 Levenberg-Marquardt, 1 dogleg. */
static int solve(const fitctx *c, const double *th0, int method, solution *out)
{
    out->ok = false;
    gsl_multifit_nlinear_fdf fdf = {0};
    fdf.f = f_fn;
    fdf.df = df_fn;
    fdf.n = c->d->n;
    fdf.p = c->p;
    fdf.params = (void *)c;
    gsl_multifit_nlinear_parameters prm = gsl_multifit_nlinear_default_parameters();
    /* Levenberg's scaling rather than More's: with More's, correlated
     * parameters (two tables whose curves look alike) stall the solver
     * far from the minimum; the parameters are on log scales already, so
     * the invariance More's scaling buys is not needed.  Dogleg is the
     * second method tried from every start. */
    prm.scale = gsl_multifit_nlinear_scale_levenberg;
    if (method == 1)
        prm.trs = gsl_multifit_nlinear_trs_dogleg;
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &prm, fdf.n, fdf.p);
    gsl_matrix *cov = gsl_matrix_alloc(c->p, c->p);
    if (!w || !cov) {
        if (w)
            gsl_multifit_nlinear_free(w);
        if (cov)
            gsl_matrix_free(cov);
        return WS_ENOMEM;
    }
    gsl_vector_const_view x0 = gsl_vector_const_view_array(th0, c->p);
    int info = 0;
    int st = gsl_multifit_nlinear_init(&x0.vector, &fdf, w);
    if (st == GSL_SUCCESS)
        st = gsl_multifit_nlinear_driver(400, 1e-10, 1e-10, 1e-12, NULL, NULL, &info, w);
    /* GSL_ENOPROG: no step improves the fit any more, i.e. it is at a minimum
     * to the precision the data allow. */
    if (st == GSL_SUCCESS || st == GSL_ENOPROG) {
        const gsl_vector *r = gsl_multifit_nlinear_residual(w);
        const gsl_vector *x = gsl_multifit_nlinear_position(w);
        double rss = 0;
        for (size_t i = 0; i < r->size; i++)
            rss += gsl_vector_get(r, i) * gsl_vector_get(r, i);
        gsl_matrix *J = gsl_multifit_nlinear_jac(w);
        bool fin = isfinite(rss) && gsl_multifit_nlinear_covar(J, 0.0, cov) == GSL_SUCCESS;
        for (size_t q = 0; fin && q < c->p; q++) {
            out->th[q] = gsl_vector_get(x, q);
            fin = isfinite(out->th[q]);
            for (size_t k = 0; k < c->p; k++)
                out->cov[q][k] = gsl_matrix_get(cov, q, k);
        }
        if (fin) {
            out->ok = true;
            out->rss = rss;
            out->iter = gsl_multifit_nlinear_niter(w);
        }
    }
    gsl_multifit_nlinear_free(w);
    gsl_matrix_free(cov);
    return WS_OK;
}

/* Standard error of g(theta) with gradient grad: sqrt(grad' C grad s2). */
static double se_of(const solution *s, const double *grad, size_t p, double s2)
{
    if (!isfinite(s2))
        return NAN;
    double v = 0;
    for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < p; b++)
            v += grad[a] * s->cov[a][b] * grad[b];
    return v >= 0 ? sqrt(v * s2) : NAN;
}

static double logit(double s) { return log(s / (1 - s)); }

int ws_calibrate_fit_run(const ws_calibrate_data *d, ws_calibrate_model model,
                         const ws_calibrate_table *tables, size_t n_tables, ws_calibrate_fit *out,
                         ws_diag *err)
{
    memset(out, 0, sizeof *out);
    out->model = model;
    out->hot_access = out->hot_access_se = out->hot_pages = out->hot_pages_se = NAN;
    if (n_tables > WS_CALIBRATE_MAX_TABLES)
        n_tables = WS_CALIBRATE_MAX_TABLES;
    out->n_tables = n_tables ? n_tables : 1;
    for (size_t k = 0; k < WS_CALIBRATE_MAX_TABLES; k++)
        out->pages[k] = out->pages_se[k] = out->writes[k] = out->writes_se[k] = NAN;
    fitctx c = {d, model, tables, n_tables, param_count(model, n_tables)};
    out->n_points = d->n;
    out->n_params = c.p;
    if (d->n < c.p) {
        snprintf(out->why, sizeof out->why,
                 "%zu data point%s for %zu parameters: the %s model cannot be fitted", d->n,
                 d->n == 1 ? "" : "s", c.p, model == WS_CALIBRATE_UNIFORM ? "uniform" : "hot-set");
        return WS_OK;
    }
    double mean = 0;
    for (size_t i = 0; i < d->n; i++)
        mean += d->images[i] / (double)d->n;
    out->mean_images = mean;

    /* Starting points.  I(n) is concave with slope w at n = 0, so the
     * largest images / transactions ratio is a lower bound of w; the
     * largest value seen bounds the pages from below. */
    double ratio = 0, most = 0;
    for (size_t i = 0; i < d->n; i++) {
        double n = 0;
        for (size_t s = d->seg_start[i]; s < d->seg_start[i + 1]; s++)
            n += d->seg_n[s];
        if (n > 0)
            ratio = fmax(ratio, d->images[i] / n);
        most = fmax(most, d->images[i]);
    }
    if (!(ratio > 0) || !(most > 0)) {
        snprintf(out->why, sizeof out->why, "no image in the data: nothing to fit");
        return WS_OK;
    }
    double given = 0;
    for (size_t k = 0; k < n_tables; k++)
        given += tables[k].pages;
    static const double p_mult[] = {1.5, 3, 10, 50};
    static const double hot_s[] = {0.02, 0.1, 0.3};
    static const double hot_h[] = {0.3, 0.6, 0.9};
    double starts[64][MAXP];
    size_t n_starts = 0;
    if (model == WS_CALIBRATE_UNIFORM) {
        if (n_tables == 0) {
            for (size_t a = 0; a < 4; a++) {
                starts[n_starts][0] = log(ratio);
                starts[n_starts++][1] = log(most * p_mult[a]);
            }
        } else {
            for (size_t k = 0; k < n_tables; k++)
                starts[0][k] = log(ratio * tables[k].pages / given);
            n_starts = 1;
        }
    } else {
        for (size_t a = 0; a < 3; a++)
            for (size_t b = 0; b < 3; b++)
                for (size_t q = 0; q < (n_tables ? 1u : 2u); q++) {
                    double P0 = n_tables ? tables[0].pages : most * p_mult[1 + q];
                    double share = n_tables ? ratio * tables[0].pages / given : ratio;
                    double *th = starts[n_starts++];
                    th[0] = log(share * hot_h[b]);
                    th[1] = log(share * (1 - hot_h[b]));
                    th[2] = logit(hot_s[a]);
                    if (n_tables == 0)
                        th[3] = log(P0);
                    for (size_t k = 1; k < n_tables; k++)
                        th[2 + k] = log(ratio * tables[k].pages / given);
                }
    }

    gsl_error_handler_t *old = gsl_set_error_handler_off();
    solution best = {0}, s;
    int rc = WS_OK;
    for (size_t i = 0; i < n_starts && rc == WS_OK; i++)
        for (int method = 0; method < 2 && rc == WS_OK; method++) {
            rc = solve(&c, starts[i], method, &s);
            if (rc == WS_OK && s.ok && (!best.ok || s.rss < best.rss))
                best = s;
        }
    gsl_set_error_handler(old);
    if (rc != WS_OK) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return rc;
    }
    if (!best.ok) {
        snprintf(out->why, sizeof out->why, "the least-squares fit did not converge");
        return WS_OK;
    }

    terms t;
    make_terms(&c, best.th, &t);
    double max_abs = 0;
    for (size_t i = 0; i < d->n; i++) {
        size_t a = d->seg_start[i], b = d->seg_start[i + 1];
        max_abs = fmax(max_abs, fabs(predict(&t, d->seg_n + a, b - a, NULL, 0) - d->images[i]));
    }
    out->rss = best.rss;
    out->rms = sqrt(best.rss / (double)d->n);
    out->max_abs = max_abs;
    out->iterations = best.iter;
    out->aic = (double)d->n * log(fmax(best.rss, 1e-300) / (double)d->n) + 2.0 * (double)c.p;
    double s2 = d->n > c.p ? best.rss / (double)(d->n - c.p) : NAN;
    double g[MAXP];
    size_t p = c.p;
    if (model == WS_CALIBRATE_UNIFORM) {
        for (size_t k = 0; k < t.n; k++) {
            memset(g, 0, sizeof g);
            g[k] = t.m[k]; /* d e^theta_k */
            if (n_tables == 0)
                g[0] = t.m[0];
            out->writes[k] = t.m[k];
            out->writes_se[k] = se_of(&best, g, p, s2);
            out->pages[k] = t.P[k];
        }
        if (n_tables == 0) {
            memset(g, 0, sizeof g);
            g[1] = t.P[0];
            out->pages_se[0] = se_of(&best, g, p, s2);
        }
        out->ok = true;
        return WS_OK;
    }
    /* hot set: the hot term is the denser one (the labels can swap) */
    int hi = t.m[0] / t.P[0] >= t.m[1] / t.P[1] ? 0 : 1, lo = 1 - hi;
    double m = t.m[0] + t.m[1];
    double sg = t.P[hi] / (t.P[0] + t.P[1]);
    out->pages[0] = t.P[0] + t.P[1];
    out->writes[0] = m;
    memset(g, 0, sizeof g);
    g[0] = t.m[0];
    g[1] = t.m[1];
    out->writes_se[0] = se_of(&best, g, p, s2);
    double h = t.m[hi] / m;
    memset(g, 0, sizeof g);
    g[hi] = h * (1 - h);
    g[lo] = -h * (1 - h);
    out->hot_access = h;
    out->hot_access_se = se_of(&best, g, p, s2);
    memset(g, 0, sizeof g);
    g[2] = sg * (1 - sg) * (hi == 0 ? 1 : -1);
    out->hot_pages = sg;
    out->hot_pages_se = se_of(&best, g, p, s2);
    if (n_tables == 0) {
        memset(g, 0, sizeof g);
        g[3] = out->pages[0];
        out->pages_se[0] = se_of(&best, g, p, s2);
    }
    for (size_t k = 1; k < n_tables; k++) {
        memset(g, 0, sizeof g);
        g[2 + k] = t.m[k + 1];
        out->writes[k] = t.m[k + 1];
        out->writes_se[k] = se_of(&best, g, p, s2);
        out->pages[k] = t.P[k + 1];
    }
    /* A hot set of no pages, of every page, or as dense as the rest is no
     * hot set: the uniform model says the same with fewer parameters. */
    if (sg < 1e-4 || sg > 1 - 1e-4 || fabs(h - sg) < 0.01) {
        snprintf(out->why, sizeof out->why,
                 "the hot set collapsed (%.4g of the pages taking %.4g of the changes): the data "
                 "show no hot set",
                 sg, h);
        return WS_OK;
    }
    if (h > 1 - 1e-3) {
        snprintf(out->why, sizeof out->why,
                 "every change went to %.0f of the %.0f pages (a share %.4g) and none to the "
                 "others: that is a uniform table of %.0f pages, not a hot set (fit without "
                 "--table to see it)",
                 sg * out->pages[0], out->pages[0], sg, sg * out->pages[0]);
        return WS_OK;
    }
    out->ok = true;
    return WS_OK;
}

double ws_calibrate_fit_images(const ws_calibrate_fit *f, const double *seg_n, size_t n_seg)
{
    double v = 0;
    for (size_t s = 0; s < n_seg; s++) {
        double n = seg_n[s];
        size_t k0 = 0;
        if (f->model == WS_CALIBRATE_HOTSET) {
            double P = f->pages[0], H = P * f->hot_pages, w = f->writes[0];
            v += ws_calibrate_first_touch(w * f->hot_access * n, H) +
                 ws_calibrate_first_touch(w * (1 - f->hot_access) * n, P - H);
            k0 = 1;
        }
        for (size_t k = k0; k < f->n_tables; k++)
            v += ws_calibrate_first_touch(f->writes[k] * n, f->pages[k]);
    }
    return v;
}

/* ------------------------------------------------------------------ */
/* From the measured files to data points and estimates                */

static void note(ws_calibrate_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note(ws_calibrate_result *r, const char *fmt, ...)
{
    if (r->n_notes >= WS_CALIBRATE_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->notes[r->n_notes++], sizeof r->notes[0], fmt, ap);
    va_end(ap);
}

/* wal_fpi over time: every snapshot row with an epoch and wal_fpi. */
typedef struct fseries {
    double *t, *v;
    size_t n;
} fseries;

typedef struct tv {
    double t, v;
    size_t order;
} tv;

static int cmp_tv(const void *a, const void *b)
{
    const tv *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int fpi_series(const ws_validate_input *in, fseries *fs)
{
    size_t total = 0;
    for (size_t i = 0; i < in->n_stats; i++)
        total += in->stats[i]->n_rows;
    *fs = (fseries){0};
    if (total == 0)
        return WS_OK;
    tv *a = malloc(total * sizeof *a);
    fs->t = malloc(total * sizeof *fs->t);
    fs->v = malloc(total * sizeof *fs->v);
    if (!a || !fs->t || !fs->v) {
        free(a);
        return WS_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < in->n_stats; i++)
        for (size_t r = 0; r < in->stats[i]->n_rows; r++) {
            const ws_pgstats_snap *s = &in->stats[i]->rows[r];
            if (isfinite(s->v[WS_PGSTAT_EPOCH]) && isfinite(s->v[WS_PGSTAT_WAL_FPI])) {
                a[k] = (tv){s->v[WS_PGSTAT_EPOCH], s->v[WS_PGSTAT_WAL_FPI], k};
                k++;
            }
        }
    qsort(a, k, sizeof *a, cmp_tv);
    for (size_t i = 0; i < k; i++) {
        if (fs->n && fs->t[fs->n - 1] == a[i].t) {
            fs->v[fs->n - 1] = a[i].v; /* the same instant twice: the later row */
            continue;
        }
        fs->t[fs->n] = a[i].t;
        fs->v[fs->n++] = a[i].v;
    }
    free(a);
    return WS_OK;
}

/* Samples further apart than this do not say when, between them, images
 * were written: no interpolation across such a gap. */
#define MAX_GAP_S 10.0

static bool fseries_at(const fseries *fs, double t, double *v)
{
    if (fs->n < 2 || t < fs->t[0] || t > fs->t[fs->n - 1])
        return false;
    size_t lo = 0, hi = fs->n - 1;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (fs->t[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    double span = fs->t[hi] - fs->t[lo];
    if (span > MAX_GAP_S)
        return false;
    *v = span > 0 ? fs->v[lo] + (fs->v[hi] - fs->v[lo]) * (t - fs->t[lo]) / span : fs->v[hi];
    return true;
}

static int cmp_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

static int distinct_clients(const ws_pgbench_txlog *l)
{
    if (!l || l->n_tx == 0)
        return -1;
    int32_t *c = malloc(l->n_tx * sizeof *c);
    if (!c)
        return -1;
    for (size_t i = 0; i < l->n_tx; i++)
        c[i] = l->tx[i].client;
    qsort(c, l->n_tx, sizeof *c, cmp_int32);
    int n = 1;
    for (size_t i = 1; i < l->n_tx; i++)
        n += c[i] != c[i - 1];
    free(c);
    return n;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int ws_calibrate_collect(const ws_calibrate_input *ci, ws_calibrate_result *r, ws_diag *err)
{
    const ws_validate_input *in = &ci->in;
    memset(r, 0, sizeof *r);
    r->chosen = -1;
    r->transactions = -1;
    r->clients = -1;
    r->wal_bytes_per_tx = r->fpi_per_tx = r->image_bytes = r->fpi_bytes_per_tx =
        r->record_bytes_per_tx = NAN;
    int rc;
    ws_validate_txcount tc = {0};
    fseries fs = {0};
    double *starts = NULL;

    size_t rows = 0;
    for (size_t i = 0; i < in->n_stats; i++)
        rows += in->stats[i]->n_rows;
    if (rows < 2) {
        ws_diag_set(err, NULL, 0,
                    "calibrate needs statistics snapshots before and after the run: --stats "
                    "BEFORE.csv AFTER.csv (psql --csv of pg_stat_wal and pg_stat_bgwriter)");
        return WS_EINPUT;
    }
    ws_pgstats_snap before, after;
    if ((rc = ws_validate_stats_span(in->stats, in->stats_names, in->n_stats, &before, &after,
                                     err)) != WS_OK)
        return rc;
    for (int f = 0; f < WS_PGSTAT_COUNT; f++)
        r->delta.v[f] = after.v[f] - before.v[f];
    const ws_pgstats_snap *d = &r->delta;
    if (isnan(d->v[WS_PGSTAT_WAL_FPI]) || isnan(d->v[WS_PGSTAT_WAL_BYTES])) {
        ws_diag_set(err, NULL, 0,
                    "the snapshots have no wal_fpi and wal_bytes in two rows: calibrate needs "
                    "pg_stat_wal (PostgreSQL 14 or later) before and after the run");
        return WS_EINPUT;
    }
    double E0 = before.v[WS_PGSTAT_EPOCH], E1 = after.v[WS_PGSTAT_EPOCH];
    r->span_s = E1 - E0;

    bool have_tx = (in->txlog && in->txlog->n_ok > 0) || (in->agg && in->agg->n_rows > 0) ||
                   (in->progress && in->progress->n_rows > 0);
    if (have_tx && (rc = ws_validate_txcount_build(in, &tc, err)) != WS_OK)
        return rc;
    bool epochs = isfinite(E0) && isfinite(E1) && E1 > E0;
    if (in->transactions > 0) {
        r->transactions = in->transactions;
        snprintf(r->tx_source, sizeof r->tx_source, "--transactions");
    } else if (have_tx && epochs) {
        r->transactions = (int64_t)llround(ws_validate_txcount_at(&tc, E1) -
                                           ws_validate_txcount_at(&tc, E0));
        snprintf(r->tx_source, sizeof r->tx_source,
                 "%s: transactions completed between the first and last snapshot",
                 ci->tx_source ? ci->tx_source : ws_validate_tx_source(in));
    } else if (have_tx) {
        r->transactions = (int64_t)llround(tc.c[tc.n - 1]);
        snprintf(r->tx_source, sizeof r->tx_source,
                 "%s: every transaction (the snapshots have no epoch)",
                 ci->tx_source ? ci->tx_source : ws_validate_tx_source(in));
    }
    r->clients = distinct_clients(in->txlog);
    if (!have_tx && in->transactions > 0 && epochs) {
        /* A count without times: spread evenly over the snapshots' span. */
        tc.t = malloc(2 * sizeof *tc.t);
        tc.c = malloc(2 * sizeof *tc.c);
        if (!tc.t || !tc.c)
            goto nomem;
        tc.t[0] = E0;
        tc.t[1] = E1;
        tc.c[0] = 0;
        tc.c[1] = (double)in->transactions;
        tc.n = 2;
        have_tx = true;
        note(r, "transactions taken as spread evenly between the snapshots (--transactions "
                "without a pgbench log)");
    }
    if (r->transactions <= 0) {
        note(r, "no transaction count between the snapshots (give a pgbench log or "
                "--transactions): nothing per transaction");
        goto done;
    }

    /* per transaction */
    double tx = (double)r->transactions;
    double wal = d->v[WS_PGSTAT_WAL_BYTES], fpi = d->v[WS_PGSTAT_WAL_FPI];
    r->wal_bytes_per_tx = wal / tx;
    r->fpi_per_tx = fpi / tx;
    double fpi_bytes;
    if (in->waldump && in->waldump->combined_bytes > 0) {
        double share = in->waldump->fpi_bytes / in->waldump->combined_bytes;
        fpi_bytes = share * wal;
        r->fpi_bytes_source = "pg_waldump --stats: its FPI share of the bytes, applied to "
                              "pg_stat_wal's wal_bytes";
        if (in->waldump->has_range && isfinite(d->v[WS_PGSTAT_LSN]) &&
            fabs((double)(in->waldump->end_lsn - in->waldump->start_lsn) - d->v[WS_PGSTAT_LSN]) >
                0.01 * d->v[WS_PGSTAT_LSN])
            note(r, "pg_waldump's range (%.0f bytes) differs from the snapshots' LSN difference "
                    "(%.0f bytes) by more than 1 %%: its FPI share is for another span",
                 (double)(in->waldump->end_lsn - in->waldump->start_lsn), d->v[WS_PGSTAT_LSN]);
    } else {
        double img = 8192 - ci->hole_bytes;
        fpi_bytes = fpi * img;
        r->fpi_bytes_source = "ASSUMED (no --waldump-stats): every image 8192 B minus the hole "
                              "(--fpi-hole), stored uncompressed";
        note(r, "record bytes rest on the assumed image size %.0f B: each 100 B more hole adds "
                "%.1f B to the record bytes per transaction; with wal_compression they are far "
                "off; pg_waldump --stats measures it",
             img, 100 * fpi / tx);
    }
    r->image_bytes = fpi > 0 ? fpi_bytes / fpi : NAN;
    r->fpi_bytes_per_tx = fpi_bytes / tx;
    r->record_bytes_per_tx = (wal - fpi_bytes) / tx;
    if (r->record_bytes_per_tx < 0)
        note(r, "the record bytes come out negative: images are smaller than assumed "
                "(compressed, or a larger hole); give --waldump-stats");

    /* checkpoint cycles */
    if (!in->log) {
        note(r, "no server log (--pg-log): no checkpoint cycles, no first-touch fit");
        goto done;
    }
    if (!epochs) {
        note(r, "the snapshots have no epoch column: they cannot be placed against the "
                "checkpoints of the server log, no first-touch fit");
        goto done;
    }
    size_t ns = 0;
    starts = malloc((in->log->n_ckpts + 1) * sizeof *starts);
    if (!starts)
        goto nomem;
    for (size_t i = 0; i < in->log->n_ckpts; i++)
        if (in->log->ckpts[i].has_start)
            starts[ns++] = in->log->ckpts[i].start_time;
    qsort(starts, ns, sizeof *starts, cmp_dbl);
    if ((rc = fpi_series(in, &fs)) != WS_OK)
        goto nomem;
    r->cycles = calloc(ns + 1, sizeof *r->cycles);
    if (!r->cycles)
        goto nomem;
    for (size_t k = 0; k < ns; k++) {
        if (starts[k] < E0 || starts[k] >= E1)
            continue;
        ws_calibrate_cycle *c = &r->cycles[r->n_cycles++];
        c->start = starts[k];
        c->end = k + 1 < ns && starts[k + 1] < E1 ? starts[k + 1] : E1;
        c->transactions =
            ws_validate_txcount_at(&tc, c->end) - ws_validate_txcount_at(&tc, c->start);
        double a, b;
        c->images = fseries_at(&fs, c->start, &a) && fseries_at(&fs, c->end, &b) ? b - a : NAN;
    }
    if (tc.n == 0)
        goto done; /* no transaction times to place the samples against */
    double tx_end = tc.t[tc.n - 1];

    /* within-cycle points from the time series */
    for (size_t k = 0; k < r->n_cycles; k++) {
        const ws_calibrate_cycle *c = &r->cycles[k];
        double f0;
        if (!fseries_at(&fs, c->start, &f0))
            continue;
        double t0 = ws_validate_txcount_at(&tc, c->start);
        for (size_t j = 0; j < fs.n; j++) {
            if (fs.t[j] <= c->start || fs.t[j] >= c->end || fs.t[j] > tx_end)
                continue;
            double n = ws_validate_txcount_at(&tc, fs.t[j]) - t0;
            if (n < 1)
                continue;
            if (ws_calibrate_data_add(&r->data, fs.v[j] - f0, &n, 1, (int)k) != WS_OK)
                goto nomem;
        }
    }
    if (r->data.n > 0) {
        r->data_source = "pg_stat_wal.wal_fpi samples inside each checkpoint cycle: images and "
                         "transactions since the cycle's checkpoint start";
        note(r, "pg_stat_wal is updated by each backend at most once a second "
                "(PGSTAT_MIN_INTERVAL), so images lag transactions by up to a second");
        note(r, "the points of one cycle are cumulative, so their errors are correlated: the "
                "standard errors (+-) understate the uncertainty");
    } else if (r->n_cycles > 0 || ns > 0) {
        /* one total over the cycles between the snapshots */
        double *seg = malloc((r->n_cycles + 1) * sizeof *seg);
        if (!seg)
            goto nomem;
        size_t n_seg = 0;
        double a = E0;
        for (size_t k = 0; k <= r->n_cycles; k++) {
            double b = k < r->n_cycles ? r->cycles[k].start : E1;
            double n = ws_validate_txcount_at(&tc, b) - ws_validate_txcount_at(&tc, a);
            if (n >= 1)
                seg[n_seg++] = n;
            a = b;
        }
        int added = n_seg > 0 ? ws_calibrate_data_add(&r->data, fpi, seg, n_seg, -1) : WS_OK;
        free(seg);
        if (added != WS_OK)
            goto nomem;
        if (n_seg > 0) {
            r->data_source = "one point: every image between the snapshots against the "
                             "transactions of each checkpoint cycle (no wal_fpi time series)";
            note(r, "one data point: the fit is exactly determined (one parameter, no residual "
                    "to judge it by); the first segment is taken as a fresh cycle (a CHECKPOINT "
                    "before the run and no transactions before the first snapshot)");
        }
    }
    if (r->data.n == 0) {
        note(r, "no data point for the first-touch fit: no checkpoint cycle between the "
                "snapshots with transactions");
        goto done;
    }

    /* the fits */
    for (int m = 0; m < 2; m++) {
        if (ci->model >= 0 && ci->model != m)
            continue;
        if ((rc = ws_calibrate_fit_run(&r->data, (ws_calibrate_model)m, ci->tables, ci->n_tables,
                                       &r->fit[m], err)) != WS_OK)
            goto fail;
    }
    {
        bool u = r->fit[0].ok, h = r->fit[1].ok;
        if (u && h)
            r->chosen = r->fit[1].aic < r->fit[0].aic - 2 ? 1 : 0;
        else if (u || h)
            r->chosen = u ? 0 : 1;
    }
done:
    ws_validate_txcount_free(&tc);
    free(fs.t);
    free(fs.v);
    free(starts);
    return WS_OK;
nomem:
    ws_diag_set(err, NULL, 0, "out of memory");
    rc = WS_ENOMEM;
fail:
    ws_validate_txcount_free(&tc);
    free(fs.t);
    free(fs.v);
    free(starts);
    ws_calibrate_result_free(r);
    return rc;
}

void ws_calibrate_result_free(ws_calibrate_result *r)
{
    free(r->cycles);
    r->cycles = NULL;
    r->n_cycles = 0;
    ws_calibrate_data_free(&r->data);
}

/* ------------------------------------------------------------------ */
/* The report                                                          */

static const char *table_name(const ws_calibrate_input *in, size_t k)
{
    return in->n_tables ? in->tables[k].name : "data";
}

/* "key = value" with its comment in a column. */
static void snip(FILE *f, const char *kv, const char *comment)
{
    fprintf(f, "%-30s # %s\n", kv, comment);
}

static void pm(char *buf, size_t len, double v, double se, int digits)
{
    if (isfinite(se))
        snprintf(buf, len, "%.*g +- %.2g", digits, v, se);
    else
        snprintf(buf, len, "%.*g", digits, v);
}

static void print_fit(FILE *f, const ws_calibrate_input *in, const ws_calibrate_fit *ft)
{
    const char *name = ft->model == WS_CALIBRATE_UNIFORM ? "uniform" : "hot set";
    if (!ft->ok) {
        fprintf(f, "  %s: no fit: %s\n", name, ft->why);
        return;
    }
    char a[64], b[64];
    fprintf(f, "  %s: %zu parameter%s, %zu iterations\n", name, ft->n_params,
            ft->n_params == 1 ? "" : "s", ft->iterations);
    for (size_t k = 0; k < ft->n_tables; k++) {
        pm(a, sizeof a, ft->writes[k], ft->writes_se[k], 4);
        if (isfinite(ft->pages_se[k]))
            pm(b, sizeof b, ft->pages[k], ft->pages_se[k], 6);
        else
            snprintf(b, sizeof b, "%.0f (given)", ft->pages[k]);
        fprintf(f, "    %-24s pages modified per transaction %s, over %s pages\n",
                table_name(in, k), a, b);
        if (k == 0 && ft->model == WS_CALIBRATE_HOTSET) {
            pm(a, sizeof a, ft->hot_pages, ft->hot_pages_se, 4);
            pm(b, sizeof b, ft->hot_access, ft->hot_access_se, 4);
            fprintf(f, "    %-24s hot set: a share %s of the pages (%.0f) takes a share %s of "
                       "the changes\n",
                    "", a, ft->hot_pages * ft->pages[0], b);
        }
    }
    fprintf(f,
            "    residuals: rms %.1f images (%.2f %% of the mean %.0f), largest %.1f; AIC %.1f\n",
            ft->rms, ft->mean_images > 0 ? 100 * ft->rms / ft->mean_images : NAN, ft->mean_images,
            ft->max_abs, ft->aic);
}

void ws_calibrate_print(FILE *f, const ws_calibrate_input *in, const ws_calibrate_result *r)
{
    const ws_pgstats_snap *d = &r->delta;
    fprintf(f, "walsim calibrate: %.1f s between the snapshots", r->span_s);
    if (r->transactions > 0)
        fprintf(f, ", %" PRId64 " transactions (%s)", r->transactions, r->tx_source);
    fputc('\n', f);
    if (r->transactions > 0) {
        fprintf(f, "\nper transaction:\n");
        fprintf(f, "  WAL bytes        %10.1f B   pg_stat_wal: wal_bytes %.0f / transactions\n",
                r->wal_bytes_per_tx, d->v[WS_PGSTAT_WAL_BYTES]);
        fprintf(f, "  full-page images %10.4f     pg_stat_wal: wal_fpi %.0f / transactions\n",
                r->fpi_per_tx, d->v[WS_PGSTAT_WAL_FPI]);
        fprintf(f, "  image bytes      %10.1f B   %s\n", r->fpi_bytes_per_tx, r->fpi_bytes_source);
        fprintf(f, "  record bytes     %10.1f B   (wal_bytes - image bytes) / transactions: the "
                   "[transaction] wal_bytes\n",
                r->record_bytes_per_tx);
        fprintf(f, "  one image        %10.1f B   image bytes / wal_fpi (8192 - hole, after "
                   "compression)\n",
                r->image_bytes);
        if (isfinite(d->v[WS_PGSTAT_BUFFERS_BACKEND]))
            fprintf(f, "  buffers written  checkpointer %.4f, bgwriter %.4f, backends %.4f "
                       "(pg_stat_bgwriter)\n",
                    d->v[WS_PGSTAT_BUFFERS_CHECKPOINT] / (double)r->transactions,
                    d->v[WS_PGSTAT_BUFFERS_CLEAN] / (double)r->transactions,
                    d->v[WS_PGSTAT_BUFFERS_BACKEND] / (double)r->transactions);
    }
    if (r->data.n > 0) {
        fprintf(f, "\nfirst-touch fit, images(n) = sum of P (1 - exp(-w n / P)) over the "
                   "tables:\n");
        fprintf(f, "  %zu data point%s, %zu checkpoint cycle%s: %s\n", r->data.n,
                r->data.n == 1 ? "" : "s", r->n_cycles, r->n_cycles == 1 ? "" : "s",
                r->data_source);
        for (int m = 0; m < 2; m++)
            if (r->fit[m].n_points > 0 || r->fit[m].why[0])
                print_fit(f, in, &r->fit[m]);
        if (r->chosen >= 0) {
            const ws_calibrate_fit *c = &r->fit[r->chosen];
            if (r->fit[0].ok && r->fit[1].ok)
                fprintf(f, "  chosen: %s (AIC %.1f against %.1f: the hot set is chosen only when "
                           "lower by more than 2)\n",
                        r->chosen == 0 ? "uniform" : "hot set", r->fit[r->chosen].aic,
                        r->fit[1 - r->chosen].aic);
            /* One table, uniform: what w each cycle alone gives (P fixed),
             * to show whether the workload kept its pattern. */
            bool alone = c->model == WS_CALIBRATE_UNIFORM && c->n_tables == 1;
            fprintf(f, "  by cycle (%s):\n", r->chosen == 0 ? "uniform" : "hot set");
            fprintf(f, "    %-3s %10s %8s %12s %12s %12s %9s%s\n", "#", "start_s", "length_s",
                    "transactions", "images", "fitted", "residual",
                    alone ? "  w(cycle alone)" : "");
            for (size_t k = 0; k < r->n_cycles; k++) {
                const ws_calibrate_cycle *y = &r->cycles[k];
                double fit = ws_calibrate_fit_images(c, &y->transactions, 1);
                fprintf(f, "    %-3zu %10.3f %8.3f %12.0f %12.0f %12.0f %9.0f", k + 1,
                        y->start - r->cycles[0].start, y->end - y->start, y->transactions,
                        y->images, fit, y->images - fit);
                if (alone) {
                    double P = c->pages[0], q = y->images / P;
                    if (y->transactions > 0 && q > 0 && q < 1)
                        fprintf(f, " %16.4f", -P * log1p(-q) / y->transactions);
                    else
                        fprintf(f, " %16s", "-");
                }
                fprintf(f, "%s\n", k + 1 == r->n_cycles ? "  (ends at the last snapshot)" : "");
            }
        }
    }
    for (size_t i = 0; i < r->n_notes; i++)
        fprintf(f, "note: %s\n", r->notes[i]);

    /* the snippet: each value with what it rests on */
    fprintf(f, "\n# scenario snippet (walsim calibrate)\n[workload]\nprofile = custom\n");
    char kv[512];
    if (r->clients > 0) {
        snprintf(kv, sizeof kv, "clients = %d", r->clients);
        snip(f, kv, "distinct client ids in the pgbench log");
    } else
        snip(f, "# clients = ?", "not in the inputs: pgbench's -c");
    const ws_calibrate_fit *c = r->chosen >= 0 ? &r->fit[r->chosen] : NULL;
    size_t nt = c ? c->n_tables : in->n_tables;
    for (size_t k = 0; k < nt; k++) {
        fprintf(f, "\n[table %s]\n", table_name(in, k));
        char why[128];
        snprintf(kv, sizeof kv, "size = %.0f", c ? c->pages[k] : in->tables[k].pages);
        if (c && isfinite(c->pages_se[k])) {
            snprintf(why, sizeof why, "pages of 8 kB, fitted (+- %.0f)", c->pages_se[k]);
            snip(f, kv, why);
        } else
            snip(f, kv, "pages of 8 kB (--table)");
        if (c && c->model == WS_CALIBRATE_HOTSET && k == 0) {
            fprintf(f, "access = hotset\n");
            snprintf(kv, sizeof kv, "hot_pages = %.4g", c->hot_pages);
            snprintf(why, sizeof why, "fitted (+- %.2g): share of the pages that are hot",
                     c->hot_pages_se);
            snip(f, kv, why);
            snprintf(kv, sizeof kv, "hot_access = %.4g", c->hot_access);
            snprintf(why, sizeof why, "fitted (+- %.2g): share of the changes they take",
                     c->hot_access_se);
            snip(f, kv, why);
        } else {
            fprintf(f, "access = uniform\n");
        }
    }
    fprintf(f, "\n[transaction tx]\n");
    if (c) {
        int n = snprintf(kv, sizeof kv, "writes = '");
        char why[256];
        int m = snprintf(why, sizeof why, "pages modified per transaction, fitted (");
        for (size_t k = 0; k < c->n_tables; k++) {
            if (n > 0 && (size_t)n < sizeof kv)
                n += snprintf(kv + n, sizeof kv - (size_t)n, "%s%s:%.4g", k ? ", " : "",
                              table_name(in, k), c->writes[k]);
            if (m > 0 && (size_t)m < sizeof why)
                m += snprintf(why + m, sizeof why - (size_t)m, "%s+- %.2g", k ? ", " : "",
                              c->writes_se[k]);
        }
        if (n > 0 && (size_t)n < sizeof kv)
            snprintf(kv + n, sizeof kv - (size_t)n, "'");
        if (m > 0 && (size_t)m < sizeof why)
            snprintf(why + m, sizeof why - (size_t)m, ")");
        snip(f, kv, why);
    } else {
        snip(f, "# writes = ?", "no first-touch fit (see the notes)");
    }
    if (isfinite(r->record_bytes_per_tx)) {
        snprintf(kv, sizeof kv, "wal_bytes = %.0fB",
                 r->record_bytes_per_tx > 0 ? r->record_bytes_per_tx : 0);
        snip(f, kv,
             in->in.waldump ? "record bytes per transaction, images from pg_waldump"
                            : "record bytes per transaction, image size ASSUMED (see the notes)");
    } else
        snip(f, "# wal_bytes = ?", "no transaction count");
    snip(f, "# cpu = ?", "not estimated: no CPU time in these inputs");
}
