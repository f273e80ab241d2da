/*
 * textio.c - files, lines and bounded number parsing for the importers
 * (see import_internal.h).
 */
#include "import_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef WALSIM_HAVE_ZLIB
#include <zlib.h>
#endif

bool imp_have_gzip(void)
{
#ifdef WALSIM_HAVE_ZLIB
    return true;
#else
    return false;
#endif
}

int imp_grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return WS_OK;
    size_t ncap = *cap ? *cap * 2 : 64;
    if (ncap < *cap || ncap > SIZE_MAX / size)
        return WS_ENOMEM;
    void *p = realloc(*arr, ncap * size);
    if (!p)
        return WS_ENOMEM;
    *arr = p;
    *cap = ncap;
    return WS_OK;
}

static int slurp(FILE *f, const char *path, char **buf, size_t *len, ws_diag *err)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    if (!b)
        return WS_ENOMEM;
    for (;;) {
        if (cap - n < 2) {
            if (cap > SIZE_MAX / 2) {
                free(b);
                return WS_ENOMEM;
            }
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                return WS_ENOMEM;
            }
            b = nb;
            cap *= 2;
        }
        size_t got = fread(b + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        ws_diag_set(err, path, 0, "cannot read: %s", strerror(errno));
        free(b);
        return WS_EIO;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return WS_OK;
}

#ifdef WALSIM_HAVE_ZLIB
/* Decompressed input larger than this is refused rather than exhausting
 * memory (a small corrupt or hostile file can claim gigabytes). */
#define MAX_GUNZIPPED ((size_t)4 << 30)

/* gzip (also several members, as `cat a.gz b.gz` makes) into memory. */
static int gunzip(const char *path, const unsigned char *in, size_t inlen, char **buf, size_t *len,
                  ws_diag *err)
{
    size_t cap = 1 << 20, n = 0, pos = 0;
    char *b = malloc(cap);
    if (!b)
        return WS_ENOMEM;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK) { /* 15 + 16: gzip header and trailer */
        free(b);
        return WS_ENOMEM;
    }
    const char *bad = NULL;
    int rc = WS_OK;
    for (;;) {
        if (z.avail_in == 0 && pos < inlen) {
            size_t chunk = inlen - pos > (1u << 30) ? (1u << 30) : inlen - pos;
            z.next_in = (unsigned char *)(uintptr_t)(in + pos);
            z.avail_in = (uInt)chunk;
            pos += chunk;
        }
        if (cap - n < 2) {
            char *nb = cap < MAX_GUNZIPPED ? realloc(b, cap * 2) : NULL;
            if (!nb) {
                rc = cap < MAX_GUNZIPPED ? WS_ENOMEM : WS_EINPUT;
                bad = "larger than 4 GiB once decompressed: decompress and split it";
                break;
            }
            b = nb;
            cap *= 2;
        }
        size_t room = cap - n - 1;
        z.next_out = (unsigned char *)b + n;
        z.avail_out = room > (1u << 30) ? (1u << 30) : (uInt)room;
        uInt before = z.avail_out;
        int zr = inflate(&z, Z_NO_FLUSH);
        n += before - z.avail_out;
        if (zr == Z_STREAM_END) {
            if (z.avail_in == 0 && pos >= inlen)
                break; /* done */
            inflateReset(&z); /* another member follows */
            continue;
        }
        if (zr == Z_OK)
            continue;
        if (zr == Z_BUF_ERROR && z.avail_in == 0 && pos >= inlen)
            bad = "truncated (the file ends mid-stream)";
        else
            bad = zr == Z_MEM_ERROR ? NULL : "corrupt";
        rc = zr == Z_MEM_ERROR ? WS_ENOMEM : WS_EINPUT;
        break;
    }
    inflateEnd(&z);
    if (rc != WS_OK) {
        if (bad)
            ws_diag_set(err, path, 0, "gzip data is %s", bad);
        free(b);
        return rc;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return WS_OK;
}
#endif

int imp_read_file(const char *path, char **buf, size_t *len, ws_diag *err)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        ws_diag_set(err, path, 0, "cannot open: %s", strerror(errno));
        return WS_EIO;
    }
    char *raw;
    size_t n;
    int rc = slurp(f, path, &raw, &n, err);
    fclose(f);
    if (rc != WS_OK)
        return rc;
    const unsigned char *u = (const unsigned char *)raw;
    if (n >= 2 && u[0] == 0x1f && u[1] == 0x8b) {
#ifdef WALSIM_HAVE_ZLIB
        rc = gunzip(path, u, n, buf, len, err);
        free(raw);
        return rc;
#else
        free(raw);
        ws_diag_set(err, path, 0,
                    "is gzip-compressed and this walsim was built without zlib: "
                    "decompress it first (gzip -dk) or rebuild with zlib1g-dev installed");
        return WS_EINPUT;
#endif
    }
    if ((n >= 6 && memcmp(u, "\xfd" "7zXZ\0", 6) == 0) ||
        (n >= 4 && memcmp(u, "\x28\xb5\x2f\xfd", 4) == 0)) {
        bool xz = u[0] == 0xfd;
        free(raw);
        ws_diag_set(err, path, 0, "is %s-compressed: decompress it first (%s)", xz ? "xz" : "zstd",
                    xz ? "xz -dk" : "zstd -d");
        return WS_EINPUT;
    }
    *buf = raw;
    *len = n;
    return WS_OK;
}

void imp_lines_init(imp_lines *it, const char *text, size_t len)
{
    it->p = text;
    it->end = text + len;
    it->line = 0;
    it->terminated = true;
}

bool imp_lines_next(imp_lines *it, const char **s, size_t *n)
{
    if (it->p >= it->end)
        return false;
    const char *b = it->p;
    const char *nl = memchr(b, '\n', (size_t)(it->end - b));
    const char *e = nl ? nl : it->end;
    it->p = nl ? nl + 1 : it->end;
    it->terminated = nl != NULL;
    if (e > b && e[-1] == '\r')
        e--;
    if (it->line < INT_MAX) /* a 4 GiB file of empty lines would overflow */
        it->line++;
    *s = b;
    *n = (size_t)(e - b);
    return true;
}

void imp_cur_init(imp_cur *c, const char *s, size_t n)
{
    c->p = c->start = s;
    c->end = s + n;
}

bool imp_lit(imp_cur *c, const char *lit)
{
    size_t l = strlen(lit);
    if ((size_t)(c->end - c->p) < l || memcmp(c->p, lit, l) != 0)
        return false;
    c->p += l;
    return true;
}

void imp_skip_blank(imp_cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

static bool isdig(char ch)
{
    return ch >= '0' && ch <= '9';
}

bool imp_uint(imp_cur *c, int64_t *v)
{
    const char *p = c->p;
    int64_t x = 0;
    int nd = 0;
    while (p < c->end && isdig(*p)) {
        if (++nd > 18)
            return false;
        x = x * 10 + (*p - '0');
        p++;
    }
    if (nd == 0)
        return false;
    c->p = p;
    *v = x;
    return true;
}

bool imp_int(imp_cur *c, int64_t *v)
{
    imp_cur t = *c;
    bool neg = imp_lit(&t, "-");
    int64_t x;
    if (!imp_uint(&t, &x))
        return false;
    *c = t;
    *v = neg ? -x : x;
    return true;
}

bool imp_dec(imp_cur *c, double *v)
{
    const char *p = c->p;
    char buf[64];
    size_t k = 0;
    if (p < c->end && *p == '-')
        buf[k++] = *p++;
    int nd = 0;
    while (p < c->end && isdig(*p) && k < sizeof buf - 1) {
        buf[k++] = *p++;
        nd++;
    }
    if (nd == 0)
        return false;
    if (p < c->end && *p == '.' && p + 1 < c->end && isdig(p[1])) {
        buf[k++] = *p++;
        while (p < c->end && isdig(*p) && k < sizeof buf - 1)
            buf[k++] = *p++;
    }
    if (p < c->end && isdig(*p))
        return false; /* more than 62 characters of number */
    buf[k] = '\0';
    double x = strtod(buf, NULL);
    if (!isfinite(x))
        return false;
    c->p = p;
    *v = x;
    return true;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

static bool hex32(imp_cur *c, uint32_t *v)
{
    const char *p = c->p;
    uint32_t x = 0;
    int nd = 0, h;
    while (p < c->end && (h = hexval(*p)) >= 0) {
        if (++nd > 8)
            return false;
        x = x << 4 | (uint32_t)h;
        p++;
    }
    if (nd == 0)
        return false;
    c->p = p;
    *v = x;
    return true;
}

bool imp_lsn(imp_cur *c, uint64_t *v)
{
    imp_cur t = *c;
    uint32_t hi, lo;
    if (!hex32(&t, &hi) || !imp_lit(&t, "/") || !hex32(&t, &lo))
        return false;
    *c = t;
    *v = (uint64_t)hi << 32 | lo;
    return true;
}

bool imp_at_end(const imp_cur *c)
{
    return c->p >= c->end;
}

int imp_col(const imp_cur *c)
{
    size_t d = (size_t)(c->p - c->start);
    return d < 100000000 ? (int)d + 1 : 100000000;
}

const char *imp_find(const char *s, size_t n, const char *needle, size_t nl)
{
    if (nl == 0)
        return s;
    while (n >= nl) {
        const char *q = memchr(s, needle[0], n - nl + 1);
        if (!q)
            return NULL;
        if (memcmp(q, needle, nl) == 0)
            return q;
        n -= (size_t)(q + 1 - s);
        s = q + 1;
    }
    return NULL;
}

int64_t imp_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

const char *imp_show_here(const imp_cur *c, char *buf, size_t len)
{
    if (imp_at_end(c)) {
        snprintf(buf, len, "end of line");
        return buf;
    }
    char tmp[48];
    ws_diag_show(c->p, (size_t)(c->end - c->p), 40, tmp, sizeof tmp);
    snprintf(buf, len, "'%s'", tmp);
    return buf;
}

bool imp_scan(imp_cur *c, char *what, size_t whatlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = true;
    const char *f = fmt;
    while (*f && ok) {
        if (f[0] == '%' && f[1] && f[1] != '%') {
            char conv = f[1];
            f += 2;
            switch (conv) {
            case 'u': ok = imp_uint(c, va_arg(ap, int64_t *)); break;
            case 'd': ok = imp_int(c, va_arg(ap, int64_t *)); break;
            case 'f': ok = imp_dec(c, va_arg(ap, double *)); break;
            case 'L': ok = imp_lsn(c, va_arg(ap, uint64_t *)); break;
            default: ok = false; break;
            }
            if (!ok && what)
                snprintf(what, whatlen, conv == 'L' ? "an LSN (like 1/7F032D28)" : "a number");
            continue;
        }
        /* the literal run up to the next conversion, "%%" read as '%' */
        char lit[128];
        size_t k = 0;
        while (*f && k < sizeof lit - 1) {
            if (f[0] == '%' && f[1] == '%') {
                lit[k++] = '%';
                f += 2;
            } else if (f[0] == '%' && f[1]) {
                break;
            } else {
                lit[k++] = *f++;
            }
        }
        lit[k] = '\0';
        if (!imp_lit(c, lit)) {
            if (what)
                snprintf(what, whatlen, "'%s'", lit);
            ok = false;
        }
    }
    va_end(ap);
    return ok;
}
