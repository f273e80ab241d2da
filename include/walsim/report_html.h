/*
 * report_html.h - the design-review report of an output folder
 * (ws_rpt_): DIR/report.html and DIR/report.md.
 *
 * Everything comes from the folder's files: summary.json (figures,
 * intervals, ratios, warnings, verdicts of [expect], advice, recovery,
 * device figures, every setting with its source, the scenario's hash and
 * the command that reproduces it) and the PNG charts.  The HTML page is
 * self-contained: the charts are inlined as base64 data: URIs, the CSS is
 * inline, there is no script and nothing is fetched, and a print style
 * sheet lays it out on A4 or Letter without splitting a table row or a
 * figure.  The Markdown file holds the same content with links to the
 * PNG files beside it.  Every string that comes from the scenario (names,
 * titles, values, file names) is escaped for HTML, and for Markdown
 * tables.
 *
 * A sweep's folder (sweep.csv, no summary.json) gets a shorter report:
 * its points as a table and its charts.
 *
 * Both files are written all-or-nothing (report.h's outset: temporary
 * names renamed into place together), so ws_rpt_write can write into a
 * run's staging folder or into an existing folder alike.
 */
#ifndef WALSIM_REPORT_HTML_H
#define WALSIM_REPORT_HTML_H

#include <stdio.h>

#include "walsim/diag.h"

typedef struct ws_rpt_options {
    /* Another output folder of the same scenario: the report adds a
     * section comparing them (diff.h); NULL for none. */
    const char *diff_dir;
    double diff_tolerance;     /* relative, 0.05 = 5 %; used with diff_dir */
    /* The command line shown in the footer; NULL: summary.json's
     * "reproduce" command. */
    const char *command;
} ws_rpt_options;

/* Writes DIR/report.html and DIR/report.md from DIR's files.  WS_EINPUT
 * with "FILE: what was expected" when DIR holds no walsim output or a file
 * is not what walsim writes; WS_EIO when a file cannot be written;
 * WS_ENOMEM.  opts may be NULL. */
int ws_rpt_write(const char *dir, const ws_rpt_options *opts, ws_diag *err);

/* `s` escaped for HTML text and attribute values (& < > " '), written to f. */
void ws_rpt_html_escape(FILE *f, const char *s);

#endif
