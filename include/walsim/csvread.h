/*
 * csvread.h - a reader for walsim's own CSV files (docs/outputs.md).
 *
 * The format is the one walsim writes: comma-separated, one header line
 * naming the columns, '.' as decimal point, and RFC 4180 quoting: a field
 * holding a comma, a double quote, CR or LF is written in double quotes
 * with each quote doubled (ws_csv_write_field), and read back unquoted.
 * The reader loads the whole file, checks that every row has as many
 * fields as the header, and hands out cells by row and column; columns are
 * found by name, so a reader keeps working when columns are added.  Every
 * message names FILE:LINE (the line in the file, header = 1; a row's first
 * line when a quoted field spans lines) and the column.
 *
 * Accepted on top of the strict format: CRLF line ends, a UTF-8 byte order
 * mark, a missing newline at the end, blank lines (skipped).  Refused with
 * a message: an empty file, an empty or duplicated column name, a row with
 * too few or too many fields, a double quote inside an unquoted field, text
 * after a closing quote, a quoted field never closed, a NUL byte, a file
 * above WS_CSV_MAX_FILE bytes.
 */
#ifndef WALSIM_CSVREAD_H
#define WALSIM_CSVREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "walsim/diag.h"

#define WS_CSV_MAX_FILE (1u << 30)

typedef struct ws_csv ws_csv;

/* Parses text[0..len) (named `name` in messages).  *out is NULL on error. */
int ws_csv_parse(const char *text, size_t len, const char *name, ws_csv **out, ws_diag *err);

/* Reads the file at path; WS_EIO when it cannot be read. */
int ws_csv_read_file(const char *path, ws_csv **out, ws_diag *err);

void ws_csv_free(ws_csv *c);

const char *ws_csv_name(const ws_csv *c);
size_t ws_csv_rows(const ws_csv *c);   /* data rows, the header not counted */
size_t ws_csv_cols(const ws_csv *c);
const char *ws_csv_col_name(const ws_csv *c, size_t col);

/* Index of the column `name`, or -1 if the header has none. */
int ws_csv_col(const ws_csv *c, const char *name);

/* Index of the column `name`; when absent, WS_EINPUT (negative) and
 * "FILE:1: no column 'NAME' in the header (docs/outputs.md)". */
int ws_csv_need(const ws_csv *c, const char *name, ws_diag *err);

/* The line in the file of data row `row` (for messages). */
int ws_csv_line(const ws_csv *c, size_t row);

/* The text of a cell ("" when empty).  row < ws_csv_rows, col < ws_csv_cols. */
const char *ws_csv_cell(const ws_csv *c, size_t row, size_t col);
bool ws_csv_empty(const ws_csv *c, size_t row, size_t col);

/* A cell as a finite decimal number (digits, sign, point, exponent; no
 * hex, inf or nan).  An empty cell or any other text is WS_EINPUT with
 * "FILE:LINE: column 'tps': 'abc' is not a number". */
int ws_csv_num(const ws_csv *c, size_t row, size_t col, double *out, ws_diag *err);

/* As ws_csv_num, but an empty cell gives `dflt` (the documented "empty
 * field" of checkpoints.csv, sweep.csv). */
int ws_csv_num_or(const ws_csv *c, size_t row, size_t col, double dflt, double *out,
                  ws_diag *err);

/*
 * The same format in chunks, for files too large to hold (a week's
 * timeline.csv): ws_csv_reader_next hands out the next records, about
 * `chunk` bytes of them, as a ws_csv of their own (the header's columns,
 * cells, ws_csv_num, ws_csv_line naming the line in the file, all as for
 * a whole file; free it with ws_csv_free), and NULL at the end.  The
 * same checks and messages as ws_csv_parse, chunk by chunk, so an error
 * may come after earlier chunks were handed out.  No limit on the file's
 * size; a single record above WS_CSV_MAX_RECORD is refused.  Memory: a
 * chunk, and the longest record.
 */
#define WS_CSV_MAX_RECORD (64u << 20)
typedef struct ws_csv_reader ws_csv_reader;
/* Opens path and reads its header; WS_EIO when it cannot be read. */
int ws_csv_reader_open(const char *path, size_t chunk, ws_csv_reader **out, ws_diag *err);
/* The header as a ws_csv without rows (ws_csv_col, ws_csv_need). */
const ws_csv *ws_csv_reader_header(const ws_csv_reader *r);
int ws_csv_reader_next(ws_csv_reader *r, ws_csv **out, ws_diag *err);
void ws_csv_reader_close(ws_csv_reader *r);

/* Writes one field: as it is, or in double quotes with every quote doubled
 * when it holds a comma, a double quote, CR or LF (RFC 4180).  NULL is an
 * empty field.  A byte that starts no well-formed UTF-8 sequence is
 * written as U+FFFD, as ws_json_write_string does, so a name is the same
 * text in the CSV files and in summary.json.  Every CSV writer of walsim
 * writes text fields with it. */
void ws_csv_write_field(FILE *f, const char *s);

#endif
