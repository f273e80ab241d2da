/*
 * test_json.c - the JSON reader: RFC 8259 values, nesting, escapes and
 * UTF-8, numbers, member order, typed lookups, and errors that name the
 * line on truncated or invalid input.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/json.h"

#ifndef WS_TEST_DATA_DIR
#define WS_TEST_DATA_DIR "tests/unit/data"
#endif

static ws_json *parse(const char *text)
{
    ws_json *v = NULL;
    ws_diag err;
    if (ws_json_parse(text, strlen(text), "t.json", &v, &err) != WS_OK) {
        print_error("parse failed: %s\n", err.msg);
        fail();
    }
    assert_string_equal(err.msg, "");
    return v;
}

/* Parsing must fail with WS_EINPUT and a message containing `needle`. */
static void bad_n(const char *text, size_t len, const char *needle)
{
    ws_json *v = (ws_json *)&v; /* must be reset to NULL */
    ws_diag err;
    int rc = ws_json_parse(text, len, "t.json", &v, &err);
    if (rc != WS_EINPUT || v != NULL || !strstr(err.msg, needle)) {
        print_error("input \"%.*s\": rc=%d, message \"%s\", wanted \"%s\"\n", (int)len, text, rc,
                    err.msg, needle);
        fail();
    }
}

static void bad(const char *text, const char *needle) { bad_n(text, strlen(text), needle); }

static void test_scalars(void **state)
{
    (void)state;
    ws_json *v = parse("  true ");
    assert_int_equal(ws_json_type_of(v), WS_JSON_BOOL);
    assert_true(ws_json_bool(v));
    ws_json_free(v);
    v = parse("false");
    assert_int_equal(ws_json_type_of(v), WS_JSON_BOOL);
    assert_false(ws_json_bool(v));
    ws_json_free(v);
    v = parse("null");
    assert_int_equal(ws_json_type_of(v), WS_JSON_NULL);
    assert_true(isnan(ws_json_num(v)));
    assert_null(ws_json_str(v));
    ws_json_free(v);
    v = parse("\"x\"");
    assert_string_equal(ws_json_str(v), "x");
    ws_json_free(v);
}

static void test_numbers(void **state)
{
    (void)state;
    struct {
        const char *text;
        double want;
    } cases[] = {
        {"0", 0},          {"-0", 0},          {"42", 42},      {"-17", -17},
        {"3.25", 3.25},    {"1e3", 1000},      {"1E+3", 1000},  {"2.5e-3", 0.0025},
        {"23443371955", 23443371955.0},         {"0.95599417", 0.95599417},
        {"1.7976931348623157e308", 1.7976931348623157e308}, {"1e-400", 0}, /* underflow: 0 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ws_json *v = parse(cases[i].text);
        assert_int_equal(ws_json_type_of(v), WS_JSON_NUMBER);
        if (ws_json_num(v) != cases[i].want) {
            print_error("%s: got %.17g\n", cases[i].text, ws_json_num(v));
            fail();
        }
        ws_json_free(v);
    }
    /* What RFC 8259 section 6 does not allow, although strtod reads it. */
    bad("01", "expected the end of the input");
    bad("+1", "expected a value");
    bad(".5", "expected a value");
    bad("1.", "expected a digit after the decimal point");
    bad("1e", "expected a digit in the exponent");
    bad("-", "expected a digit in a number");
    bad("0x10", "expected the end of the input");
    bad("Infinity", "expected a value");
    bad("NaN", "expected a value");
    bad("1e999", "number out of range");
    bad("-1e999", "number out of range");
}

static void test_strings_and_escapes(void **state)
{
    (void)state;
    ws_json *v = parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\te\"");
    assert_string_equal(ws_json_str(v), "a\"b\\c/d\b\f\n\r\te");
    ws_json_free(v);
    /* \u escapes to UTF-8: 1, 2 and 3 bytes, and a surrogate pair (U+1F600). */
    v = parse("\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"");
    assert_string_equal(ws_json_str(v), "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
    ws_json_free(v);
    /* Raw UTF-8 passes through. */
    v = parse("\"caf\xC3\xA9 \xE2\x80\x94 ok\"");
    assert_string_equal(ws_json_str(v), "caf\xC3\xA9 \xE2\x80\x94 ok");
    ws_json_free(v);

    bad("\"abc", "t.json:1: unterminated string (opened at line 1), found the end of the input");
    bad("\"a\\x\"", "invalid escape in a string");
    bad("\"\\u12\"", "\\u must be followed by four hex digits");
    bad("\"\\ud83d\"", "high surrogate must be followed by a \\u low surrogate");
    bad("\"\\ude00\"", "low surrogate without a high surrogate");
    bad("\"a\\u0000b\"", "NUL");
    bad("\"tab\there\"", "control character in a string");
    bad("\"\xC3\"", "invalid UTF-8");
    bad("\"\xC0\xAF\"", "invalid UTF-8");         /* overlong '/' */
    bad("\"\xED\xA0\x80\"", "invalid UTF-8");     /* an encoded surrogate */
    bad("\"\xF4\x90\x80\x80\"", "invalid UTF-8"); /* above U+10FFFF */
}

static void test_nested_and_order(void **state)
{
    (void)state;
    const char *text = "{\n"
                       "  \"scenario\": {\"name\": \"Checkpoint smoothing\"},\n"
                       "  \"variants\": {\n"
                       "    \"zeta\": {\"tps\": 3820.84, \"latency_ms\": {\"p99\": 56.1}},\n"
                       "    \"alpha\": {\"tps\": 7141.5, \"list\": [1, [2, 3], {}], \"ok\": true}\n"
                       "  },\n"
                       "  \"notes\": [],\n"
                       "  \"dup\": 1, \"dup\": 2\n"
                       "}\n";
    ws_json *v = parse(text);
    assert_int_equal(ws_json_type_of(v), WS_JSON_OBJECT);
    assert_int_equal(ws_json_line(v), 1);
    assert_string_equal(ws_json_file(v), "t.json");
    const ws_json *vars = ws_json_get(v, "variants");
    assert_int_equal(ws_json_count(vars), 2);
    /* Members in file order, not sorted. */
    assert_string_equal(ws_json_key_at(vars, 0), "zeta");
    assert_string_equal(ws_json_key_at(vars, 1), "alpha");
    assert_int_equal(ws_json_line(ws_json_at(vars, 0)), 4);
    assert_int_equal(ws_json_line(ws_json_at(vars, 1)), 5);
    assert_true(ws_json_num(ws_json_path(v, "variants.zeta.latency_ms.p99")) == 56.1);
    assert_string_equal(ws_json_str(ws_json_path(v, "scenario.name")), "Checkpoint smoothing");
    const ws_json *list = ws_json_path(v, "variants.alpha.list");
    assert_int_equal(ws_json_type_of(list), WS_JSON_ARRAY);
    assert_int_equal(ws_json_count(list), 3);
    assert_null(ws_json_key_at(list, 0));
    assert_true(ws_json_num(ws_json_at(ws_json_at(list, 1), 1)) == 3);
    assert_int_equal(ws_json_count(ws_json_at(list, 2)), 0);
    assert_null(ws_json_at(list, 3));
    assert_int_equal(ws_json_count(ws_json_get(v, "notes")), 0);
    assert_true(ws_json_num(ws_json_get(v, "dup")) == 1); /* first wins */
    assert_null(ws_json_path(v, "variants.nope.tps"));
    assert_null(ws_json_get(list, "x")); /* not an object */
    ws_json_free(v);
}

static void test_typed_lookup_messages(void **state)
{
    (void)state;
    ws_json *v = parse("{\n \"variants\": {\n  \"a\": {\n   \"tps\": \"fast\"\n  }\n }\n}");
    double x = -1;
    const char *s = NULL;
    ws_diag err;
    assert_int_equal(ws_json_get_num(v, "variants.a.tps", &x, &err), WS_EINPUT);
    assert_string_equal(err.msg, "t.json:4: variants.a.tps: expected a number, found a string");
    assert_true(x == -1);
    assert_int_equal(ws_json_get_num(v, "variants.a.p99", &x, &err), WS_EINPUT);
    assert_string_equal(err.msg, "t.json:3: variants.a.p99: missing (expected a number)");
    assert_int_equal(ws_json_get_str(v, "variants.b.name", &s, &err), WS_EINPUT);
    assert_string_equal(err.msg, "t.json:2: variants.b.name: missing (expected a string)");
    assert_int_equal(ws_json_get_str(v, "variants.a.tps", &s, &err), WS_OK);
    assert_string_equal(s, "fast");
    ws_json_free(v);
}

static void test_errors_name_the_line(void **state)
{
    (void)state;
    /* Truncated inside an object: the line of the end, and where it opened. */
    bad("{\n  \"a\": 1,\n  \"b\": [1, 2",
        "t.json:3: expected ',' or ']' in the array opened at line 3, found the end of the input");
    bad("{\n  \"a\": {\n    \"b\": 1\n", "t.json:4: expected ',' or '}' in the object opened at line 2");
    bad("{\"a\" 1}", "t.json:1: expected ':' after the member name \"a\", found '1'");
    bad("{\n\n  'a': 1}", "t.json:3: expected a member name in quotes in the object opened at line 1, found '''");
    bad("[1, 2,]", "t.json:1: expected a value");
    bad("{\"a\": 1,}", "expected a member name in quotes");
    bad("[1 2]", "expected ',' or ']' in the array opened at line 1, found '2'");
    bad("{} {}", "expected the end of the input after the top-level value, found '{'");
    bad("", "t.json:1: expected a value, found the end of the input");
    bad("   \n  ", "t.json:2: expected a value, found the end of the input");
    bad("tru", "expected a value (true, false, null");
    bad("[nul]", "expected a value (true, false, null");
    bad_n("[1,\0 2]", 7, "found byte 0x00");
    /* Deep nesting is refused, not a stack overflow. */
    size_t depth = WS_JSON_MAX_DEPTH + 1;
    char *deep = malloc(depth + 1);
    memset(deep, '[', depth);
    deep[depth] = '\0';
    bad(deep, "nested deeper than 200");
    /* Exactly the limit is fine. */
    char *ok = malloc(2 * WS_JSON_MAX_DEPTH + 1);
    memset(ok, '[', WS_JSON_MAX_DEPTH);
    memset(ok + WS_JSON_MAX_DEPTH, ']', WS_JSON_MAX_DEPTH);
    ok[2 * WS_JSON_MAX_DEPTH] = '\0';
    ws_json_free(parse(ok));
    free(ok);
    free(deep);
}

static void test_bom_and_file(void **state)
{
    (void)state;
    ws_json_free(parse("\xEF\xBB\xBF{\"a\": 1}"));
    ws_json *v = NULL;
    ws_diag err;
    assert_int_equal(ws_json_parse_file(WS_TEST_DATA_DIR "/plot/run/summary.json", &v, &err), WS_OK);
    assert_string_equal(ws_json_file(v), WS_TEST_DATA_DIR "/plot/run/summary.json");
    assert_non_null(ws_json_get(v, "variants"));
    ws_json_free(v);
    assert_int_equal(ws_json_parse_file(WS_TEST_DATA_DIR "/plot/no-such.json", &v, &err), WS_EIO);
    assert_null(v);
    assert_non_null(strstr(err.msg, "no-such.json: cannot open"));
}

/* The writer: whatever bytes a name holds, the document stays valid JSON
 * in UTF-8 and reads back (invalid bytes as U+FFFD). */
static void test_writer_round_trip(void **state)
{
    (void)state;
    static const struct {
        const char *in, *back;
    } cases[] = {
        {"plain", "plain"},
        {"q\"b\\s/", "q\"b\\s/"},
        {"tab\tnl\ncr\r\x01\x1f", "tab\tnl\ncr\r\x01\x1f"},
        {"\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80", "\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80"},
        {"latin1 \xE9t\xE9", "latin1 \xEF\xBF\xBDt\xEF\xBF\xBD"},
        {"cut \xE2\x82", "cut \xEF\xBF\xBD\xEF\xBF\xBD"},
        {"surrogate \xED\xA0\x80", "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
        {"overlong \xC0\xAF", "overlong \xEF\xBF\xBD\xEF\xBF\xBD"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        fputs("{\"name\": ", f);
        ws_json_write_string(f, cases[i].in);
        fputs("}", f);
        fclose(f);
        ws_json *v = parse(text);
        const char *got = NULL;
        ws_diag err;
        assert_int_equal(ws_json_get_str(v, "name", &got, &err), WS_OK);
        assert_string_equal(got, cases[i].back);
        ws_json_free(v);
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings_and_escapes),
        cmocka_unit_test(test_nested_and_order),
        cmocka_unit_test(test_typed_lookup_messages),
        cmocka_unit_test(test_errors_name_the_line),
        cmocka_unit_test(test_bom_and_file),
        cmocka_unit_test(test_writer_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
