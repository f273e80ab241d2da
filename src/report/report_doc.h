/*
 * report_doc.h - a document written as HTML and Markdown at once
 * (internal to src/report: report_doc.c, used by report_html.c).
 *
 * Each element (heading, paragraph, table, warning, figure, list) is
 * written to both streams by one call, so the two files cannot drift
 * apart.  Every string is escaped here: HTML's five characters for the
 * page, and for Markdown the characters that would start markup or end
 * a table cell.  Text is passed as printf formats whose arguments are the
 * untrusted strings, never as a format itself.
 */
#ifndef WALSIM_REPORT_DOC_H
#define WALSIM_REPORT_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct rdoc {
    FILE *h, *m;
    const char *dir;   /* the folder the figures are read from */
    int ncols;         /* columns of the open table */
    int failed_images; /* figures that could not be read */
} rdoc;

void rdoc_begin(rdoc *d, const char *title);
void rdoc_end(rdoc *d);
void rdoc_heading(rdoc *d, int level, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A paragraph; cls is an HTML class ("lead", "meta") or NULL. */
void rdoc_para(rdoc *d, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A warning box: "WARNING who: text". */
void rdoc_warning(rdoc *d, const char *who, const char *text);
void rdoc_list_begin(rdoc *d);
void rdoc_item(rdoc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rdoc_list_end(rdoc *d);
/* A table: the header cells, then rows of ncols cells.  A cell is plain
 * text; "\n" in a cell starts a second, smaller line (HTML) or "; "
 * (Markdown).  row_cls is an HTML class for the row ("fail", "ok") or NULL. */
void rdoc_table_begin(rdoc *d, const char *cls, int ncols, const char *const *head);
void rdoc_row(rdoc *d, const char *row_cls, const char *const *cells);
void rdoc_table_end(rdoc *d);
/* DIR/file as a figure: inlined as a data: URI in the HTML, a link in the
 * Markdown.  A file that cannot be read is left out (counted). */
void rdoc_figure(rdoc *d, const char *file, const char *caption);
/* Preformatted text (a command line). */
void rdoc_code(rdoc *d, const char *text);

#endif
