/*
 * report_doc.c - the HTML and Markdown writer of the report (report_doc.h).
 *
 * The page's style sheet is inline and small; the print rules keep tables
 * rows, figures and warning boxes whole on a page and let the browser's
 * paper size (A4 or Letter) decide the page, with margins that leave the
 * 180 mm text width both have.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* vasprintf, strndup */
#endif
#include "report_doc.h"

#include "walsim/report_html.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char css[] =
    "*{box-sizing:border-box}"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
    "color:#1a1a1a;max-width:1180px;margin:0 auto;padding:24px 28px;background:#fff}"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;padding-bottom:3px;"
    "border-bottom:2px solid #d0d7de}h3{font-size:15px;margin:16px 0 6px}"
    "p{margin:6px 0}.lead{font-size:16px;color:#333}.meta{color:#555;font-size:12.5px}"
    "table{border-collapse:collapse;margin:8px 0 12px;font-size:13px;width:100%}"
    "th,td{border:1px solid #d0d7de;padding:4px 7px;text-align:left;vertical-align:top;"
    "overflow-wrap:break-word}"
    "th{background:#f3f5f7;font-weight:600}th small,td small{display:block;color:#666;font-size:11px;font-weight:400}"
    "table.num td+td{text-align:right;font-variant-numeric:tabular-nums}"
    "table.fixed{table-layout:fixed}table.small{font-size:11.5px}table.small td,table.small th{padding:2px 5px}"
    "tr.fail td{background:#fde8e8}tr.flag td{background:#fff8c5}tr.ok td:first-child{color:#116329;font-weight:600}"
    "tr.fail td:first-child{color:#a40e26;font-weight:700}tr.ref td{background:#f6f8fa}"
    ".warn{border:2px solid #cf222e;background:#fff1f0;border-radius:6px;padding:8px 12px;"
    "margin:8px 0}.warn b{color:#a40e26}"
    ".glance{border:2px solid #0969da;background:#f0f6ff;border-radius:6px;padding:2px 14px 6px;"
    "margin:10px 0}.glance h2{margin-top:10px;border:0}.glance ul{margin:4px 0;padding-left:20px}"
    "figure{margin:12px 0}figure img{width:100%;height:auto;border:1px solid #d0d7de}"
    "figcaption{font-size:12.5px;color:#444;margin-top:2px}"
    "pre{background:#f6f8fa;border:1px solid #d0d7de;padding:8px;white-space:pre-wrap;"
    "word-break:break-all;font-size:12px}"
    "footer{margin-top:28px;border-top:1px solid #d0d7de;padding-top:8px;font-size:12px;"
    "color:#444}footer code{word-break:break-all}"
    "@page{margin:14mm 12mm}"
    "@media print{body{max-width:none;padding:0;font-size:11.5px}"
    "h2{break-after:avoid;page-break-after:avoid}"
    "table,figure,.warn,.glance,pre{break-inside:avoid;page-break-inside:avoid}"
    "tr,td,th{break-inside:avoid;page-break-inside:avoid}"
    "table.long{break-inside:auto;page-break-inside:auto}thead{display:table-header-group}"
    "figure img{max-height:120mm;width:auto;max-width:100%}}";

void ws_rpt_html_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* Markdown: characters that start markup or end a table cell get a
 * backslash; a line break becomes `sep`. */
static void md_escape(FILE *f, const char *s, const char *sep)
{
    for (; s && *s; s++) {
        if (*s == '\n' || *s == '\r')
            fputs(sep, f);
        else if (strchr("\\`*_[]<>|#~", *s))
            fprintf(f, "\\%c", *s);
        else
            fputc(*s, f);
    }
}

/* HTML text of a cell: "\n" starts a <small> line. */
static void html_cell(FILE *f, const char *s)
{
    const char *nl = strchr(s, '\n');
    if (!nl) {
        ws_rpt_html_escape(f, s);
        return;
    }
    char *head = strndup(s, (size_t)(nl - s));
    ws_rpt_html_escape(f, head ? head : "");
    free(head);
    fputs("<small>", f);
    ws_rpt_html_escape(f, nl + 1);
    fputs("</small>", f);
}

static char *vformat(const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        return NULL;
    return s;
}

void rdoc_begin(rdoc *d, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          d->h);
    ws_rpt_html_escape(d->h, title);
    fprintf(d->h, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
}

void rdoc_end(rdoc *d) { fputs("</body>\n</html>\n", d->h); }

void rdoc_heading(rdoc *d, int level, const char *id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    if (id)
        fprintf(d->h, "<h%d id=\"%s\">", level, id);
    else
        fprintf(d->h, "<h%d>", level);
    ws_rpt_html_escape(d->h, s);
    fprintf(d->h, "</h%d>\n", level);
    fprintf(d->m, "\n%.*s ", level, "######");
    md_escape(d->m, s, " ");
    fputs("\n\n", d->m);
    free(s);
}

void rdoc_para(rdoc *d, const char *cls, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    if (cls)
        fprintf(d->h, "<p class=\"%s\">", cls);
    else
        fputs("<p>", d->h);
    ws_rpt_html_escape(d->h, s);
    fputs("</p>\n", d->h);
    md_escape(d->m, s, " ");
    fputs("\n\n", d->m);
    free(s);
}

void rdoc_warning(rdoc *d, const char *who, const char *text)
{
    fputs("<div class=\"warn\"><b>WARNING ", d->h);
    ws_rpt_html_escape(d->h, who);
    fputs(":</b> ", d->h);
    ws_rpt_html_escape(d->h, text);
    fputs("</div>\n", d->h);
    fputs("> **WARNING ", d->m);
    md_escape(d->m, who, " ");
    fputs(":** ", d->m);
    md_escape(d->m, text, " ");
    fputs("\n\n", d->m);
}

void rdoc_list_begin(rdoc *d) { fputs("<ul>\n", d->h); }

void rdoc_item(rdoc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    fputs("<li>", d->h);
    ws_rpt_html_escape(d->h, s);
    fputs("</li>\n", d->h);
    fputs("- ", d->m);
    md_escape(d->m, s, " ");
    fputc('\n', d->m);
    free(s);
}

void rdoc_list_end(rdoc *d)
{
    fputs("</ul>\n", d->h);
    fputc('\n', d->m);
}

void rdoc_table_begin(rdoc *d, const char *cls, int ncols, const char *const *head)
{
    d->ncols = ncols;
    if (cls)
        fprintf(d->h, "<table class=\"%s\">\n<thead><tr>", cls);
    else
        fputs("<table>\n<thead><tr>", d->h);
    fputs("|", d->m);
    for (int i = 0; i < ncols; i++) {
        fputs("<th>", d->h);
        html_cell(d->h, head[i]);
        fputs("</th>", d->h);
        fputc(' ', d->m);
        md_escape(d->m, head[i], "; ");
        fputs(" |", d->m);
    }
    fputs("</tr></thead>\n<tbody>\n", d->h);
    fputs("\n|", d->m);
    for (int i = 0; i < ncols; i++)
        fputs("---|", d->m);
    fputc('\n', d->m);
}

void rdoc_row(rdoc *d, const char *row_cls, const char *const *cells)
{
    if (row_cls)
        fprintf(d->h, "<tr class=\"%s\">", row_cls);
    else
        fputs("<tr>", d->h);
    fputs("|", d->m);
    for (int i = 0; i < d->ncols; i++) {
        const char *c = cells[i] ? cells[i] : "";
        fputs("<td>", d->h);
        html_cell(d->h, c);
        fputs("</td>", d->h);
        fputc(' ', d->m);
        md_escape(d->m, c, "; ");
        fputs(" |", d->m);
    }
    fputs("</tr>\n", d->h);
    fputc('\n', d->m);
}

void rdoc_table_end(rdoc *d)
{
    fputs("</tbody>\n</table>\n", d->h);
    fputc('\n', d->m);
}

static void base64(FILE *f, const unsigned char *p, size_t n)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        fputc(t[v >> 18], f);
        fputc(t[(v >> 12) & 63], f);
        fputc(t[(v >> 6) & 63], f);
        fputc(t[v & 63], f);
    }
    if (i < n) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
        fputc(t[v >> 18], f);
        fputc(t[(v >> 12) & 63], f);
        fputc(i + 1 < n ? t[(v >> 6) & 63] : '=', f);
        fputc('=', f);
    }
}

void rdoc_figure(rdoc *d, const char *file, const char *caption)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", d->dir, file);
    FILE *in = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    while (in) {
        if (len == cap) {
            cap = cap ? 2 * cap : 1 << 16;
            unsigned char *nb = realloc(buf, cap);
            if (!nb)
                break;
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, in);
        len += got;
        if (got == 0)
            break;
    }
    bool ok = in && !ferror(in) && len > 8 && memcmp(buf, "\x89PNG", 4) == 0;
    if (in)
        fclose(in);
    if (!ok) {
        d->failed_images++;
        free(buf);
        return;
    }
    fputs("<figure><img alt=\"", d->h);
    ws_rpt_html_escape(d->h, caption);
    fputs("\" src=\"data:image/png;base64,", d->h);
    base64(d->h, buf, len);
    fputs("\"><figcaption>", d->h);
    ws_rpt_html_escape(d->h, caption);
    fputs("</figcaption></figure>\n", d->h);
    fputs("![", d->m);
    md_escape(d->m, caption, " ");
    fputs("](", d->m);
    for (const char *p = file; *p; p++) /* a link target: percent-encode what would end it */
        if (*p == ' ' || *p == '(' || *p == ')' || *p == '<' || *p == '>')
            fprintf(d->m, "%%%02X", (unsigned char)*p);
        else
            fputc(*p, d->m);
    fputs(")\n\n*", d->m);
    md_escape(d->m, caption, " ");
    fputs("*\n\n", d->m);
    free(buf);
}

void rdoc_code(rdoc *d, const char *text)
{
    fputs("<pre>", d->h);
    ws_rpt_html_escape(d->h, text);
    fputs("</pre>\n", d->h);
    /* a fence longer than any run of backticks in the text */
    int run = 0, longest = 0;
    for (const char *p = text; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    int fence = longest < 3 ? 3 : longest + 1;
    fprintf(d->m, "%.*s\n%s\n%.*s\n\n", fence, "``````````````````````````````````", text, fence,
            "``````````````````````````````````");
}
