/*
 * fuzz_readers.c - libFuzzer target for the JSON and CSV readers the
 * charts use (json.h, csvread.h).  The same bytes go to both.  They must
 * never crash, hang or leak, and the promises of the headers hold:
 *   - a failed parse leaves *out NULL and a one-line message naming the
 *     input with a line number;
 *   - every value of a parsed tree has a line in 1..lines of the input,
 *     every string is valid UTF-8 without NUL, every number finite;
 *   - every CSV row has as many cells as the header, and a cell that
 *     parses as a number is finite.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/csvread.h"
#include "walsim/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "fuzz_readers: %s:%d: broken promise: %s\n", __FILE__, __LINE__, \
                    #cond);                                                            \
            abort();                                                                   \
        }                                                                              \
    } while (0)

static bool one_line(const char *msg) { return *msg && !strchr(msg, '\n'); }

static bool valid_utf8(const unsigned char *p)
{
    while (*p) {
        unsigned char c = *p;
        size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                                  : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!n)
            return false;
        for (size_t i = 1; i < n; i++)
            if ((p[i] & 0xC0) != 0x80)
                return false;
        p += n;
    }
    return true;
}

static void walk(const ws_json *v, int lines, int depth)
{
    CHECK(depth <= WS_JSON_MAX_DEPTH + 1);
    CHECK(ws_json_line(v) >= 1 && ws_json_line(v) <= lines);
    switch (ws_json_type_of(v)) {
    case WS_JSON_NUMBER:
        CHECK(isfinite(ws_json_num(v)));
        break;
    case WS_JSON_STRING:
        CHECK(valid_utf8((const unsigned char *)ws_json_str(v)));
        break;
    case WS_JSON_OBJECT:
        for (size_t i = 0; i < ws_json_count(v); i++) {
            CHECK(ws_json_key_at(v, i) != NULL);
            CHECK(valid_utf8((const unsigned char *)ws_json_key_at(v, i)));
            /* The first member of a key is the one get finds. */
            const ws_json *got = ws_json_get(v, ws_json_key_at(v, i));
            CHECK(got != NULL);
        }
        /* fall through */
    case WS_JSON_ARRAY:
        for (size_t i = 0; i < ws_json_count(v); i++)
            walk(ws_json_at(v, i), lines, depth + 1);
        CHECK(ws_json_at(v, ws_json_count(v)) == NULL);
        break;
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    int lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';

    ws_json *j = (ws_json *)&lines;
    ws_diag err;
    int rc = ws_json_parse(text, size, "f.json", &j, &err);
    if (rc == WS_OK) {
        CHECK(j != NULL && err.msg[0] == '\0');
        walk(j, lines, 0);
        ws_json_free(j);
    } else {
        CHECK(j == NULL && (rc == WS_EINPUT || rc == WS_ENOMEM));
        CHECK(one_line(err.msg) && strncmp(err.msg, "f.json:", 7) == 0);
    }

    ws_csv *c = (ws_csv *)&lines;
    rc = ws_csv_parse(text, size, "f.csv", &c, &err);
    if (rc == WS_OK) {
        CHECK(c != NULL && ws_csv_cols(c) >= 1);
        for (size_t r = 0; r < ws_csv_rows(c); r++) {
            CHECK(ws_csv_line(c, r) >= 2 && ws_csv_line(c, r) <= lines);
            for (size_t k = 0; k < ws_csv_cols(c); k++) {
                double x;
                if (ws_csv_num(c, r, k, &x, &err) == WS_OK)
                    CHECK(isfinite(x));
                else
                    CHECK(one_line(err.msg) && strncmp(err.msg, "f.csv:", 6) == 0);
            }
        }
        for (size_t k = 0; k < ws_csv_cols(c); k++)
            CHECK(ws_csv_col(c, ws_csv_col_name(c, k)) == (int)k);
        ws_csv_free(c);
    } else {
        CHECK(c == NULL && (rc == WS_EINPUT || rc == WS_ENOMEM));
        CHECK(one_line(err.msg) && strncmp(err.msg, "f.csv", 5) == 0);
    }
    return 0;
}
