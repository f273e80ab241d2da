/*
 * test_conf.c - the scenario file reader: postgresql.conf syntax, INI
 * sections, includes, and every class of syntax error with its message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/conf.h"

#ifndef WS_TEST_DATA_DIR
#define WS_TEST_DATA_DIR "tests/unit/data"
#endif

static ws_conf *parse(const char *text)
{
    ws_conf *c;
    ws_diag err;
    if (ws_conf_parse_string(text, strlen(text), "t.conf", &c, &err) != WS_OK) {
        print_error("parse failed: %s\n", err.msg);
        fail();
    }
    return c;
}

/* The n-th item that has a key or raw text (headers skipped). */
static const ws_conf_item *entry(const ws_conf *c, size_t n)
{
    for (size_t i = 0; i < ws_conf_count(c); i++) {
        const ws_conf_item *it = ws_conf_item_at(c, i);
        if ((it->key || it->raw) && n-- == 0)
            return it;
    }
    fail_msg("no entry %zu", n);
    return NULL;
}

static void bad(const char *text, const char *needle)
{
    ws_conf *c = NULL;
    ws_diag err;
    ws_diag_clear(&err);
    int rc = ws_conf_parse_string(text, strlen(text), "t.conf", &c, &err);
    if (rc == WS_OK || !strstr(err.msg, needle)) {
        print_error("expected error \"%s\", got rc=%d \"%s\"\n", needle, rc, err.msg);
        fail();
    }
    assert_null(c);
}

static void test_basic_syntax(void **state)
{
    (void)state;
    ws_conf *c = parse("# comment\n"
                       "top = 1\n"                 /* before any header: postgres */
                       "[Scenario]   # header comment\n"
                       "name = 'it''s \\'x\\' \\t'\n"
                       "duration 2h\n"              /* no '=' */
                       "  seed=42# tight comment\n"
                       "[table accounts]\n"
                       "size = 1.5GB\n"
                       "rate = 125MB/s\r\n"         /* CRLF */
                       "[variant 'a b']\n"
                       "x = ''\n");
    const ws_conf_item *it = entry(c, 0);
    assert_string_equal(it->section, "postgres");
    assert_string_equal(it->key, "top");
    assert_int_equal(it->line, 2);
    it = entry(c, 1);
    assert_string_equal(it->section, "scenario");
    assert_null(it->section_name);
    assert_string_equal(it->value, "it's 'x' \t");
    assert_true(it->quoted);
    assert_string_equal(entry(c, 2)->key, "duration");
    assert_string_equal(entry(c, 2)->value, "2h");
    assert_string_equal(entry(c, 3)->value, "42");
    it = entry(c, 4);
    assert_string_equal(it->section, "table");
    assert_string_equal(it->section_name, "accounts");
    assert_string_equal(it->value, "1.5GB");
    assert_string_equal(entry(c, 5)->value, "125MB/s");
    it = entry(c, 6);
    assert_string_equal(it->section_name, "a b");
    assert_string_equal(it->value, "");
    assert_string_equal(it->file, "t.conf");
    ws_conf_free(c);
}

static void test_raw_sections(void **state)
{
    (void)state;
    ws_conf *c = parse("[expect fast]\n"
                       "p99_latency < 0.5 * base.p99_latency   # why\n"
                       "\n"
                       "name = 'a # not a comment'\n"
                       "[events]\n"
                       "crash at 45min\n");
    const ws_conf_item *it = entry(c, 0);
    assert_null(it->key);
    assert_string_equal(it->section, "expect");
    assert_string_equal(it->section_name, "fast");
    assert_string_equal(it->raw, "p99_latency < 0.5 * base.p99_latency");
    assert_string_equal(entry(c, 1)->raw, "name = 'a # not a comment'");
    assert_string_equal(entry(c, 2)->raw, "crash at 45min");
    assert_string_equal(entry(c, 2)->section, "events");
    ws_conf_free(c);
}

static void test_empty_section_is_an_item(void **state)
{
    (void)state;
    ws_conf *c = parse("[variant empty]\n# nothing\n");
    assert_int_equal(ws_conf_count(c), 1);
    assert_null(ws_conf_item_at(c, 0)->key);
    assert_string_equal(ws_conf_item_at(c, 0)->section_name, "empty");
    ws_conf_free(c);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    bad("[postgres]\nname = 'open\n", "t.conf:2: name: unterminated quoted string");
    bad("[postgres]\nkey =\n", "t.conf:2: key: missing value");
    bad("[postgres]\nkey = # c\n", "t.conf:2: key: missing value");
    bad("x = 1 2\n", "t.conf:1: x: unexpected text '2' after the value; quote values that contain spaces");
    bad("= 5\n", "t.conf:1: unexpected character '='");
    bad("a$b = 1\n", "t.conf:1: a: unexpected character '$' in a key");
    bad("[scenario\n", "t.conf:1: section header: missing ']'");
    bad("[]\n", "t.conf:1: section header: empty or malformed");
    bad("[scenario] x\n", "unexpected text 'x' after ']'");
    bad("[scenaro]\n", "t.conf:1: unknown section [scenaro] (did you mean [scenario]?)");
    bad("[table]\n", "t.conf:1: section [table] needs a name: [table NAME]");
    bad("[postgres main]\n", "t.conf:1: section [postgres] takes no name");
    bad("[table a b]\n", "NAME is letters, digits");
}

static void test_nul_byte_detected(void **state)
{
    (void)state;
    const char text[] = "x = 1\ny\0 = 2\n";
    ws_conf *c = NULL;
    ws_diag err;
    assert_int_equal(ws_conf_parse_string(text, sizeof text - 1, "t.conf", &c, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "t.conf:2: the file contains a NUL byte"));
}

static void test_include_relative_and_section_restored(void **state)
{
    (void)state;
    ws_conf *c;
    ws_diag err;
    assert_int_equal(ws_conf_parse_file(WS_TEST_DATA_DIR "/conf/outer.conf", &c, &err), WS_OK);
    const ws_conf_item *it = entry(c, 0);
    assert_string_equal(it->key, "inner_key");
    assert_string_equal(it->section, "postgres"); /* continues the including section */
    assert_non_null(strstr(it->file, "sub/inner.conf"));
    assert_int_equal(it->line, 2);
    assert_string_equal(entry(c, 1)->section, "disk");
    it = entry(c, 2);
    assert_string_equal(it->key, "after_include");
    assert_string_equal(it->section, "postgres"); /* restored after the include */
    assert_int_equal(it->line, 3);
    ws_conf_free(c);
}

static void test_include_dir_and_if_exists(void **state)
{
    (void)state;
    ws_conf *c;
    ws_diag err;
    assert_int_equal(ws_conf_parse_file(WS_TEST_DATA_DIR "/conf/withdir.conf", &c, &err), WS_OK);
    /* *.conf in name order, dot files skipped, missing include_if_exists ignored */
    size_t keys = 0;
    for (size_t i = 0; i < ws_conf_count(c); i++)
        keys += ws_conf_item_at(c, i)->key != NULL;
    assert_int_equal(keys, 2);
    assert_string_equal(entry(c, 0)->key, "a_key");
    assert_string_equal(entry(c, 1)->key, "b_key");
    ws_conf_free(c);
}

static void test_include_errors(void **state)
{
    (void)state;
    ws_conf *c;
    ws_diag err;
    assert_int_equal(ws_conf_parse_file(WS_TEST_DATA_DIR "/conf/cycle_a.conf", &c, &err),
                     WS_EINPUT);
    assert_non_null(strstr(err.msg, "cycle_b.conf:1: include cycle: cycle_a.conf -> cycle_b.conf -> cycle_a.conf"));
    assert_int_equal(ws_conf_parse_file(WS_TEST_DATA_DIR "/conf/deep.conf", &c, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "include cycle: deep.conf -> deep.conf"));
    /* depth1 -> depth2 -> ... -> depth12: deeper than PostgreSQL's 10 */
    assert_int_equal(ws_conf_parse_file(WS_TEST_DATA_DIR "/conf/depth1.conf", &c, &err), WS_EINPUT);
    assert_non_null(strstr(err.msg, "depth10.conf:1: include '"));
    assert_non_null(strstr(err.msg, "nested too deeply (more than 10 levels of include)"));
    assert_int_equal(ws_conf_parse_file(WS_TEST_DATA_DIR "/conf/missing_include.conf", &c, &err),
                     WS_EINPUT);
    assert_non_null(strstr(err.msg, "missing_include.conf:1: include '"));
    assert_non_null(strstr(err.msg, "nope.conf': cannot open: No such file or directory"));
    assert_int_equal(ws_conf_parse_file(WS_TEST_DATA_DIR "/conf/none.conf", &c, &err), WS_EIO);
    assert_non_null(strstr(err.msg, "none.conf: cannot open: No such file or directory"));
}

static void test_long_lines(void **state)
{
    (void)state;
    static char text[20000];
    strcpy(text, "[scenario]\ndescription = '");
    size_t n = strlen(text);
    memset(text + n, 'x', 15000);
    strcpy(text + n + 15000, "'\n");
    ws_conf *c = parse(text);
    assert_int_equal(strlen(entry(c, 0)->value), 15000);
    ws_conf_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_syntax),
        cmocka_unit_test(test_raw_sections),
        cmocka_unit_test(test_empty_section_is_an_item),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_nul_byte_detected),
        cmocka_unit_test(test_include_relative_and_section_restored),
        cmocka_unit_test(test_include_dir_and_if_exists),
        cmocka_unit_test(test_include_errors),
        cmocka_unit_test(test_long_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
