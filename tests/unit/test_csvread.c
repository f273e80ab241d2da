/*
 * test_csvread.c - the CSV reader: columns by name, numeric and text
 * cells, empty cells, and rows and headers that are refused with
 * FILE:LINE.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "walsim/csvread.h"

#ifndef WS_TEST_DATA_DIR
#define WS_TEST_DATA_DIR "tests/unit/data"
#endif

static ws_csv *parse(const char *text)
{
    ws_csv *c = NULL;
    ws_diag err;
    if (ws_csv_parse(text, strlen(text), "t.csv", &c, &err) != WS_OK) {
        print_error("parse failed: %s\n", err.msg);
        fail();
    }
    return c;
}

static void bad_n(const char *text, size_t len, const char *want)
{
    ws_csv *c = (ws_csv *)&c;
    ws_diag err;
    int rc = ws_csv_parse(text, len, "t.csv", &c, &err);
    if (rc != WS_EINPUT || c != NULL || strcmp(err.msg, want) != 0) {
        print_error("rc=%d message \"%s\", wanted \"%s\"\n", rc, err.msg, want);
        fail();
    }
}

static void bad(const char *text, const char *want) { bad_n(text, strlen(text), want); }

static void test_columns_by_name(void **state)
{
    (void)state;
    ws_csv *c = parse("variant,t_s,tps,ckpt_phase\n"
                      "default,0,3812.5,idle\n"
                      "default,1,3790,write\n"
                      "optimized,0,7100.25,sync\n");
    assert_int_equal(ws_csv_rows(c), 3);
    assert_int_equal(ws_csv_cols(c), 4);
    assert_int_equal(ws_csv_col(c, "tps"), 2);
    assert_int_equal(ws_csv_col(c, "variant"), 0);
    assert_int_equal(ws_csv_col(c, "TPS"), -1); /* names are exact */
    assert_string_equal(ws_csv_col_name(c, 3), "ckpt_phase");
    assert_string_equal(ws_csv_cell(c, 2, 0), "optimized");
    assert_string_equal(ws_csv_cell(c, 1, 3), "write");
    assert_int_equal(ws_csv_line(c, 0), 2);
    assert_int_equal(ws_csv_line(c, 2), 4);
    double x = 0;
    ws_diag err;
    assert_int_equal(ws_csv_num(c, 2, 2, &x, &err), WS_OK);
    assert_true(x == 7100.25);
    assert_int_equal(ws_csv_num(c, 1, 2, &x, &err), WS_OK);
    assert_true(x == 3790);
    /* A text cell is not a number, and the message names line and column. */
    assert_int_equal(ws_csv_num(c, 1, 3, &x, &err), WS_EINPUT);
    assert_string_equal(err.msg, "t.csv:3: column 'ckpt_phase': 'write' is not a number");
    assert_int_equal(ws_csv_need(c, "lat_p99_ms", &err), WS_EINPUT);
    assert_string_equal(err.msg, "t.csv:1: no column 'lat_p99_ms' in the header (see docs/outputs.md)");
    assert_int_equal(ws_csv_need(c, "t_s", &err), 1);
    ws_csv_free(c);
}

static void test_numbers_and_empty_cells(void **state)
{
    (void)state;
    ws_csv *c = parse("a,b\r\n"
                      "1e3,\r\n"
                      "-2.5,+.5\r\n"
                      "0x10,inf\r\n"
                      " 1,nan\r\n"
                      "1.5.2,1e\r\n");
    double x = -1;
    ws_diag err;
    assert_int_equal(ws_csv_rows(c), 5);
    assert_int_equal(ws_csv_num(c, 0, 0, &x, &err), WS_OK);
    assert_true(x == 1000);
    assert_true(ws_csv_empty(c, 0, 1));
    assert_int_equal(ws_csv_num(c, 0, 1, &x, &err), WS_EINPUT);
    assert_string_equal(err.msg, "t.csv:2: column 'b' is empty; expected a number");
    assert_int_equal(ws_csv_num_or(c, 0, 1, 42, &x, &err), WS_OK);
    assert_true(x == 42);
    assert_int_equal(ws_csv_num(c, 1, 0, &x, &err), WS_OK);
    assert_true(x == -2.5);
    assert_int_equal(ws_csv_num(c, 1, 1, &x, &err), WS_OK);
    assert_true(x == 0.5);
    /* strtod would read all of these; the format has plain decimals only. */
    x = -1;
    for (size_t row = 2; row < 5; row++)
        for (size_t col = 0; col < 2; col++) {
            assert_int_equal(ws_csv_num(c, row, col, &x, &err), WS_EINPUT);
            assert_non_null(strstr(err.msg, "is not a number"));
        }
    assert_true(x == -1); /* untouched on error */
    assert_int_equal(ws_csv_num(c, 2, 1, &x, &err), WS_EINPUT);
    assert_string_equal(err.msg, "t.csv:4: column 'b': 'inf' is not a number");
    ws_csv_free(c);
}

static void test_lenient_parts(void **state)
{
    (void)state;
    /* BOM, blank lines (skipped, but line numbers stay the file's), no final newline. */
    ws_csv *c = parse("\xEF\xBB\xBFx,y\n\n1,2\n\n3,4");
    assert_int_equal(ws_csv_rows(c), 2);
    assert_string_equal(ws_csv_col_name(c, 0), "x");
    assert_int_equal(ws_csv_line(c, 1), 5);
    assert_string_equal(ws_csv_cell(c, 1, 1), "4");
    ws_csv_free(c);
    c = parse("only\n");
    assert_int_equal(ws_csv_rows(c), 0);
    assert_int_equal(ws_csv_cols(c), 1);
    ws_csv_free(c);
    /* Empty trailing cells are cells. */
    c = parse("a,b,c\n1,,\n");
    assert_int_equal(ws_csv_rows(c), 1);
    assert_true(ws_csv_empty(c, 0, 2));
    ws_csv_free(c);
}

static void test_bad_rows_named_by_line(void **state)
{
    (void)state;
    bad("a,b,c\n1,2,3\n4,5\n", "t.csv:3: 2 fields; the header has 3 columns");
    bad("a,b\n1,2\n\n3,4,5\n", "t.csv:4: 3 fields; the header has 2 columns");
    bad("a,,c\n", "t.csv:1: column 2 has an empty name in the header");
    bad("a,b,a\n", "t.csv:1: column 'a' appears twice in the header");
    bad("", "t.csv: empty file; expected a header line");
    bad("\nx\n", "t.csv:1: empty first line; expected the header");
    bad("a,b\n1\"2,3\n", "t.csv:2: a double quote inside an unquoted field; quote the field (RFC 4180: \"a \"\"b\"\"\")");
    bad("a,b\n1,\"2\n3\n", "t.csv:2: a quoted field is not closed");
    bad("a,b\n\"1\"x,3\n", "t.csv:2: text after the closing quote of a field; a quote inside a quoted field is written twice (\"\")");
    bad("a,b\n\"x\ny\",1,2\n", "t.csv:2: 3 fields; the header has 2 columns");
    bad_n("a,b\n1,2\n3\0,4\n", 13, "t.csv:3: NUL byte; expected text");
}

/* RFC 4180: what ws_csv_write_field writes, the reader gives back. */
static void test_quoting_round_trip(void **state)
{
    (void)state;
    static const char *const names[] = {"plain", "a,b", "say \"hi\"", "two\nlines",
                                        "cr\r\nlf", "", "\"", ",", "\xC3\xA9t\xC3\xA9"};
    const size_t n = sizeof names / sizeof names[0];
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fputs("variant,x\r\n", f);
    for (size_t i = 0; i < n; i++) {
        ws_csv_write_field(f, names[i]);
        fprintf(f, ",%zu\n", i);
    }
    fclose(f);
    assert_non_null(strstr(text, "\"a,b\",1\n\"say \"\"hi\"\"\",2\n"));
    assert_non_null(strstr(text, "\nplain,0\n"));
    ws_csv *c = parse(text);
    /* An empty name is an empty field, not a blank line. */
    assert_int_equal(ws_csv_rows(c), n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(ws_csv_cell(c, i, 0), names[i]);
        char want[8];
        snprintf(want, sizeof want, "%zu", i);
        assert_string_equal(ws_csv_cell(c, i, 1), want);
    }
    /* A row's line is its first: "two\nlines" starts on line 5. */
    assert_int_equal(ws_csv_line(c, 3), 5);
    assert_int_equal(ws_csv_line(c, 4), 7);
    ws_csv_free(c);
    free(text);
}

static void test_file(void **state)
{
    (void)state;
    ws_csv *c = NULL;
    ws_diag err;
    assert_int_equal(ws_csv_read_file(WS_TEST_DATA_DIR "/plot/run/timeline.csv", &c, &err), WS_OK);
    assert_true(ws_csv_rows(c) >= 1200);
    assert_true(ws_csv_col(c, "lat_p99_ms") >= 0);
    assert_string_equal(ws_csv_name(c), WS_TEST_DATA_DIR "/plot/run/timeline.csv");
    ws_csv_free(c);
    assert_int_equal(ws_csv_read_file(WS_TEST_DATA_DIR "/plot/none.csv", &c, &err), WS_EIO);
    assert_null(c);
    assert_non_null(strstr(err.msg, "none.csv: cannot open"));
}


/* The chunked reader hands out the same cells with the same line numbers
 * as the whole-file reader, with records (quoted line ends, commas,
 * CRLF) across chunk boundaries, and names the same line for a bad row. */
static void write_big(const char *path, int bad_row)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("\xEF\xBB\xBFvariant,t_s,note\r\n", f);
    for (int i = 0; i < 3000; i++) {
        if (i == bad_row)
            fprintf(f, "v,%d\n", i); /* a field short */
        else if (i % 7 == 0)
            fprintf(f, "\"a,\nb \"\"%d\"\"\",%d,\"x\r\ny\"\r\n", i, i);
        else
            fprintf(f, "v%d,%d,%s\n", i % 3, i, i % 11 ? "" : "plain");
    }
    assert_int_equal(fclose(f), 0);
}

static void test_chunks(void **state)
{
    (void)state;
    char path[] = "/tmp/walsim-csvchunks-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_big(path, -1);
    ws_csv *whole;
    ws_diag err;
    assert_int_equal(ws_csv_read_file(path, &whole, &err), WS_OK);
    ws_csv_reader *r;
    assert_int_equal(ws_csv_reader_open(path, 4096, &r, &err), WS_OK);
    assert_int_equal(ws_csv_cols(ws_csv_reader_header(r)), 3);
    assert_int_equal(ws_csv_col(ws_csv_reader_header(r), "note"), 2);
    size_t row = 0;
    int chunks = 0;
    ws_csv *c;
    while (ws_csv_reader_next(r, &c, &err) == WS_OK && c) {
        chunks++;
        for (size_t i = 0; i < ws_csv_rows(c); i++, row++) {
            assert_int_equal(ws_csv_line(c, i), ws_csv_line(whole, row));
            for (size_t k = 0; k < 3; k++)
                assert_string_equal(ws_csv_cell(c, i, k), ws_csv_cell(whole, row, k));
        }
        ws_csv_free(c);
    }
    assert_null(c);
    assert_int_equal(row, ws_csv_rows(whole));
    assert_true(chunks > 5);
    ws_csv_reader_close(r);
    ws_csv_free(whole);

    /* a bad row: the same message, its line in the file */
    write_big(path, 2500);
    ws_diag err2;
    assert_int_equal(ws_csv_read_file(path, &whole, &err), WS_EINPUT);
    assert_int_equal(ws_csv_reader_open(path, 4096, &r, &err2), WS_OK);
    int rc;
    while ((rc = ws_csv_reader_next(r, &c, &err2)) == WS_OK && c)
        ws_csv_free(c);
    assert_int_equal(rc, WS_EINPUT);
    assert_string_equal(err.msg, err2.msg);
    ws_csv_reader_close(r);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_by_name),
        cmocka_unit_test(test_numbers_and_empty_cells),
        cmocka_unit_test(test_lenient_parts),
        cmocka_unit_test(test_bad_rows_named_by_line),
        cmocka_unit_test(test_quoting_round_trip),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
