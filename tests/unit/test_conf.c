/*
 * test_conf.c - the scenario file reader: postgresql.conf syntax in INI
 * sections, includes (guc-file.l semantics), and every class of error
 * with its message text.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* chdir, getcwd, mkstemp, ftruncate */
#endif

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "walsim/conf.h"

#ifndef WS_TEST_DATA_DIR
#define WS_TEST_DATA_DIR "tests/unit/data"
#endif
#define CONF_DIR WS_TEST_DATA_DIR "/conf"

static ws_conf *parse_n(const char *text, size_t len)
{
    ws_conf *c = NULL;
    ws_diag err;
    if (ws_conf_parse_string(text, len, "t.conf", &c, &err) != WS_OK) {
        print_error("parse failed: %s\n", err.msg);
        fail();
    }
    assert_string_equal(err.msg, ""); /* cleared on success */
    return c;
}

static ws_conf *parse(const char *text) { return parse_n(text, strlen(text)); }

static ws_conf *parse_file(const char *path)
{
    ws_conf *c = NULL;
    ws_diag err;
    if (ws_conf_parse_file(path, &c, &err) != WS_OK) {
        print_error("parse of %s failed: %s\n", path, err.msg);
        fail();
    }
    return c;
}

/* The n-th item that has a key or raw text (section headers skipped). */
static const ws_conf_item *entry(const ws_conf *c, size_t n)
{
    size_t want = n;
    for (size_t i = 0; i < ws_conf_count(c); i++) {
        const ws_conf_item *it = ws_conf_item_at(c, i);
        if ((it->key || it->raw) && n-- == 0)
            return it;
    }
    fail_msg("no entry %zu", want);
    return NULL;
}

static size_t entries(const ws_conf *c)
{
    size_t n = 0;
    for (size_t i = 0; i < ws_conf_count(c); i++)
        n += ws_conf_item_at(c, i)->key || ws_conf_item_at(c, i)->raw;
    return n;
}

static void check_error(int rc, int want_rc, const ws_diag *err, const char *needle)
{
    if (rc != want_rc || !strstr(err->msg, needle)) {
        print_error("expected rc=%d and an error containing\n  \"%s\"\ngot rc=%d\n  \"%s\"\n",
                    want_rc, needle, rc, err->msg);
        fail();
    }
}

static void bad(const char *text, const char *needle)
{
    ws_conf *c = (ws_conf *)&c; /* must be reset to NULL */
    ws_diag err;
    int rc = ws_conf_parse_string(text, strlen(text), "t.conf", &c, &err);
    check_error(rc, WS_EINPUT, &err, needle);
    assert_null(c);
}

static void bad_file(const char *path, int want_rc, const char *needle)
{
    ws_conf *c = (ws_conf *)&c;
    ws_diag err;
    int rc = ws_conf_parse_file(path, &c, &err);
    check_error(rc, want_rc, &err, needle);
    assert_null(c);
}

/* ------------------------------------------------------------------------
 * Syntax. */

static void test_comments_and_blank_lines(void **state)
{
    (void)state;
    ws_conf *c = parse("# a comment\n"
                       "\n"
                       "   \n"
                       "\t# indented comment\n"
                       "x = 1 # trailing comment\n"
                       "y = 'a # not a comment' # a comment\n"
                       "z=2#tight\n");
    assert_int_equal(ws_conf_count(c), 3);
    assert_string_equal(entry(c, 0)->value, "1");
    assert_int_equal(entry(c, 0)->line, 5);
    assert_string_equal(entry(c, 1)->value, "a # not a comment");
    assert_string_equal(entry(c, 2)->key, "z");
    assert_string_equal(entry(c, 2)->value, "2");
    ws_conf_free(c);
}

static void test_optional_equals(void **state)
{
    (void)state;
    ws_conf *c = parse("a 1\nb=2\nc = 3\nd\t4\ne'x'\nf = 'y'\ng='z'\n");
    const char *keys = "abcdefg", *values[] = {"1", "2", "3", "4", "x", "y", "z"};
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(entry(c, i)->key[0], keys[i]);
        assert_string_equal(entry(c, i)->value, values[i]);
        assert_int_equal(entry(c, i)->quoted, i >= 4);
    }
    ws_conf_free(c);
}

static void test_keys_as_written(void **state)
{
    (void)state;
    ws_conf *c = parse("Shared_Buffers = 1\npg_stat_statements.max = 2\n_x-y.z9 = 3\n");
    assert_string_equal(entry(c, 0)->key, "Shared_Buffers"); /* case kept */
    assert_string_equal(entry(c, 1)->key, "pg_stat_statements.max");
    assert_string_equal(entry(c, 2)->key, "_x-y.z9");
    ws_conf_free(c);
}

static void test_quotes_and_escapes(void **state)
{
    (void)state;
    ws_conf *c = parse("a = 'it''s'\n"
                       "b = 'it\\'s'\n"
                       "c = 'back\\\\slash'\n"
                       "d = '\\b\\f\\n\\r\\t'\n"
                       "e = '\\101\\7\\1011'\n" /* octal, at most 3 digits */
                       "f = '\\x\\q'\n"         /* any other character: itself */
                       "g = ''\n"
                       "h = '  spaced  '\n"
                       "i = '\\477'\n"); /* 0x13F: the low byte, as PostgreSQL's char */
    assert_string_equal(entry(c, 0)->value, "it's");
    assert_string_equal(entry(c, 1)->value, "it's");
    assert_string_equal(entry(c, 2)->value, "back\\slash");
    assert_string_equal(entry(c, 3)->value, "\b\f\n\r\t");
    assert_string_equal(entry(c, 4)->value, "A\aA1");
    assert_string_equal(entry(c, 5)->value, "xq");
    assert_string_equal(entry(c, 6)->value, "");
    assert_true(entry(c, 6)->quoted);
    assert_string_equal(entry(c, 7)->value, "  spaced  ");
    assert_string_equal(entry(c, 8)->value, "?");
    ws_conf_free(c);
}

static void test_bare_tokens(void **state)
{
    (void)state;
    ws_conf *c = parse("a = 1.5GB\nb = 125MB/s\nc = -1\nd = 0x1F\ne = on\nf = /var/lib:x\n"
                       "g = h\xC3\xA9llo\n");
    const char *want[] = {"1.5GB", "125MB/s", "-1", "0x1F", "on", "/var/lib:x", "h\xC3\xA9llo"};
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(entry(c, i)->value, want[i]);
        assert_false(entry(c, i)->quoted);
        assert_null(entry(c, i)->raw);
    }
    ws_conf_free(c);
}

static void test_top_level_is_postgres(void **state)
{
    (void)state;
    ws_conf *c = parse("shared_buffers = 1GB\n[scenario]\nname = x\n");
    assert_string_equal(entry(c, 0)->section, "postgres");
    assert_null(entry(c, 0)->section_name);
    assert_string_equal(entry(c, 1)->section, "scenario");
    ws_conf_free(c);
}

static void test_sections(void **state)
{
    (void)state;
    ws_conf *c = parse("[Scenario]   # kind in any case\n"
                       "[ workload ]\n"
                       "[table accounts]\n"
                       "size = 1GB\n"
                       "[transaction tpcb-like.v2]\n"
                       "[postgres]\n[os]\n[disk]\n"
                       "[variant 'big ] buffers']\n"
                       "x = 1\n"
                       "[expect fast]\n"
                       "[events]\n");
    static const struct {
        const char *kind, *name;
    } want[] = {{"scenario", NULL}, {"workload", NULL}, {"table", "accounts"}, {"table", "accounts"},
                {"transaction", "tpcb-like.v2"}, {"postgres", NULL}, {"os", NULL}, {"disk", NULL},
                {"variant", "big ] buffers"}, {"variant", "big ] buffers"}, {"expect", "fast"},
                {"events", NULL}};
    assert_int_equal(ws_conf_count(c), 12);
    for (size_t i = 0; i < 12; i++) {
        const ws_conf_item *it = ws_conf_item_at(c, i);
        assert_string_equal(it->section, want[i].kind);
        if (want[i].name)
            assert_string_equal(it->section_name, want[i].name);
        else
            assert_null(it->section_name);
    }
    /* headers are items with neither key nor raw text */
    assert_null(ws_conf_item_at(c, 2)->key);
    assert_null(ws_conf_item_at(c, 2)->raw);
    assert_int_equal(ws_conf_item_at(c, 2)->line, 3);
    assert_string_equal(ws_conf_item_at(c, 3)->key, "size");
    assert_null(ws_conf_item_at(c, 12));
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

static void test_section_kinds(void **state)
{
    (void)state;
    const char *const want[] = {"scenario", "workload", "table",   "transaction", "postgres", "os",
                                "disk",     "variant",  "expect",  "events",      "bulk"};
    const char *const *kinds = ws_conf_section_kinds();
    for (size_t i = 0; i < 11; i++)
        assert_string_equal(kinds[i], want[i]);
    assert_null(kinds[11]);
}

static void test_raw_sections(void **state)
{
    (void)state;
    ws_conf *c = parse("[expect fast]\n"
                       "p99_latency < 0.5 * base.p99_latency   # why\n"
                       "\n"
                       "  # a comment line\n"
                       "name = 'a # not a comment'\n"
                       "[events]\n"
                       "crash at 45min\n");
    assert_int_equal(entries(c), 3);
    const ws_conf_item *it = entry(c, 0);
    assert_null(it->key);
    assert_null(it->value);
    assert_string_equal(it->section, "expect");
    assert_string_equal(it->section_name, "fast");
    assert_string_equal(it->raw, "p99_latency < 0.5 * base.p99_latency");
    assert_int_equal(it->line, 2);
    assert_string_equal(entry(c, 1)->raw, "name = 'a # not a comment'");
    assert_string_equal(entry(c, 2)->raw, "crash at 45min");
    assert_string_equal(entry(c, 2)->section, "events");
    ws_conf_free(c);
}

static void test_crlf_bom_and_last_line(void **state)
{
    (void)state;
    ws_conf *c = parse_file(CONF_DIR "/crlf.conf"); /* CRLF, no final newline */
    assert_int_equal(entries(c), 3);
    assert_string_equal(entry(c, 0)->value, "crlf file");
    assert_string_equal(entry(c, 1)->raw, "crash at 45min");
    assert_int_equal(entry(c, 1)->line, 5);
    assert_string_equal(entry(c, 2)->value, "1GB");
    assert_int_equal(entry(c, 2)->line, 7);
    ws_conf_free(c);

    c = parse("\xEF\xBB\xBFx = 1\r\n[table t]\r\n\r\ny 2");
    assert_string_equal(entry(c, 0)->key, "x");
    assert_string_equal(entry(c, 0)->value, "1");
    assert_string_equal(entry(c, 1)->value, "2");
    assert_int_equal(entry(c, 1)->line, 4);
    ws_conf_free(c);

    c = parse("");
    assert_int_equal(ws_conf_count(c), 0);
    ws_conf_free(c);
    c = parse_n(NULL, 0);
    assert_int_equal(ws_conf_count(c), 0);
    ws_conf_free(c);
}

static void test_long_lines(void **state)
{
    (void)state;
    enum { N = 100000 };
    char *text = malloc(2 * N + 64);
    assert_non_null(text);
    strcpy(text, "[scenario]\ndescription = '");
    size_t n = strlen(text);
    memset(text + n, 'x', N);
    strcpy(text + n + N, "'\nk ");
    n = strlen(text);
    memset(text + n, 'y', N);
    strcpy(text + n + N, "\n");
    ws_conf *c = parse(text);
    assert_int_equal(strlen(entry(c, 0)->value), N);
    assert_int_equal(strlen(entry(c, 1)->value), N);
    ws_conf_free(c);
    free(text);
}

/* Every item's strings belong to the ws_conf: the input can go away. */
static void test_strings_outlive_input(void **state)
{
    (void)state;
    char *text = strdup("[table t]\nk = 'v'\n[events]\ncrash at 1min\n");
    ws_conf *c = parse(text);
    memset(text, 'Z', strlen(text));
    free(text);
    assert_string_equal(entry(c, 0)->key, "k");
    assert_string_equal(entry(c, 0)->value, "v");
    assert_string_equal(entry(c, 0)->section_name, "t");
    assert_string_equal(entry(c, 0)->file, "t.conf");
    assert_string_equal(entry(c, 1)->raw, "crash at 1min");
    ws_conf_free(c);
    ws_conf_free(NULL);
}

/* ------------------------------------------------------------------------
 * Syntax errors: every class, with its message. */

static void test_value_errors(void **state)
{
    (void)state;
    bad("[postgres]\nname = 'open\n", "t.conf:2: name: unterminated quoted string");
    bad("name = 'ends in a backslash\\'\n", "t.conf:1: name: unterminated quoted string");
    bad("name = 'a\nb'\n", "t.conf:1: name: unterminated quoted string");
    bad("[postgres]\nkey =\n", "t.conf:2: key: missing value");
    bad("key = # c\n", "t.conf:1: key: missing value");
    bad("key\n", "t.conf:1: key: missing value");
    bad("x = 1 2\n",
        "t.conf:1: x: unexpected text '2' after the value; quote values that contain spaces");
    bad("x = 'a' b\n", "t.conf:1: x: unexpected text 'b' after the value");
    bad("x = 'a\\0b'\n", "t.conf:1: x: a value cannot contain a NUL character (\\0)");
    bad("x = '\\400'\n", "cannot contain a NUL");
}

static void test_line_errors(void **state)
{
    (void)state;
    /* a free-form line outside [expect NAME] and [events] */
    bad("[scenario]\ncrash at 45min\n",
        "t.conf:2: crash: unexpected text '45min' after the value; quote values that contain "
        "spaces (free-form lines belong in [expect NAME] or [events])");
    bad("p99 < 0.5\n", "t.conf:1: p99: unexpected text '0.5' after the value");
    bad("= 5\n",
        "t.conf:1: unexpected character '='; expected KEY = VALUE, a [section] or a # comment");
    bad("1abc = 2\n", "t.conf:1: unexpected character '1'");
    bad("\xC3\xA9t\xC3\xA9 = 1\n", "t.conf:1: unexpected character byte 0xC3");
    bad("a$b = 1\n",
        "t.conf:1: a: unexpected character '$' in a key (keys are letters, digits, '_', '.' "
        "and '-')");
    bad("a[1] = 1\n", "a: unexpected character '[' in a key");
}

static void test_header_errors(void **state)
{
    (void)state;
    bad("[scenario\n", "t.conf:1: unterminated section header: missing ']'");
    bad("[\n", "t.conf:1: unterminated section header");
    bad("[table x # c ]\n", "unterminated section header");
    bad("[table 'x]\n", "t.conf:1: section header: unterminated quoted name");
    bad("[]\n", "t.conf:1: empty section header; expected [KIND] or [KIND NAME]");
    bad("[  ]\n", "empty section header");
    bad("['x']\n", "no KIND in the section header");
    bad("[=]\n", "t.conf:1: section header: unexpected character '='");
    bad("[sc@nario]\n", "section header: unexpected character '@'");
    bad("[scenario] x\n", "t.conf:1: section header: unexpected text 'x' after ']'");
    bad("[table a b]\n",
        "t.conf:1: section header: unexpected text 'b' before ']'; a NAME is letters, digits, "
        "'_', '-' and '.'; quote other names");
    bad("[table 'a' b]\n", "unexpected text 'b' before ']'");
    bad("[scenaro]\n",
        "t.conf:1: unknown section [scenaro] (did you mean [scenario]?); sections are "
        "scenario, workload, table NAME, transaction NAME, postgres, os, disk, variant NAME, "
        "expect NAME, events");
    bad("[tables t]\n", "unknown section [tables] (did you mean [table]?)");
    bad("[Postgress]\n", "(did you mean [postgres]?)");
    bad("[foo]\n", "t.conf:1: unknown section [foo]; sections are scenario,");
    bad("[dsk]\n", "unknown section [dsk] (did you mean [disk]?)");
    bad("[varaint v]\n", "(did you mean [variant]?)");
    bad("[table]\n", "t.conf:1: section [table] needs a name: [table NAME]");
    bad("[variant]\n", "section [variant] needs a name: [variant NAME]");
    bad("[expect]\n", "section [expect] needs a name");
    bad("[transaction]\n", "section [transaction] needs a name");
    bad("[postgres main]\n", "t.conf:1: section [postgres] takes no name");
    bad("[events 'x']\n", "section [events] takes no name");
    bad("[table '']\n", "t.conf:1: section [table '']: the name is empty");
}

static void test_nul_byte(void **state)
{
    (void)state;
    const char text[] = "x = 1\ny\0 = 2\n";
    ws_conf *c = NULL;
    ws_diag err;
    int rc = ws_conf_parse_string(text, sizeof text - 1, "t.conf", &c, &err);
    check_error(rc, WS_EINPUT, &err, "t.conf:2: the file contains a NUL byte; is it a text file?");
    assert_null(c);
}

/* Echoed text is cut and kept on one line. */
static void test_message_hygiene(void **state)
{
    (void)state;
    char text[3000];
    memset(text, 'j', sizeof text);
    memcpy(text, "x = 1 \x01", 7);
    text[sizeof text - 2] = '\n';
    text[sizeof text - 1] = '\0';
    ws_conf *c;
    ws_diag err;
    int rc = ws_conf_parse_string(text, strlen(text), "t.conf", &c, &err);
    check_error(rc, WS_EINPUT, &err, "x: unexpected text '?jjjj");
    assert_non_null(strstr(err.msg, "jjj...' after the value"));
    assert_true(strlen(err.msg) < 300);
}

/* ------------------------------------------------------------------------
 * Includes. */

static void test_include_relative_and_section_restored(void **state)
{
    (void)state;
    ws_conf *c = parse_file(CONF_DIR "/outer.conf");
    const ws_conf_item *it = entry(c, 0);
    assert_string_equal(it->key, "inner_key");
    assert_string_equal(it->section, "postgres"); /* continues the including section */
    assert_string_equal(it->file, CONF_DIR "/sub/inner.conf");
    assert_int_equal(it->line, 2);
    assert_string_equal(entry(c, 1)->section, "disk");
    it = entry(c, 2);
    assert_string_equal(it->key, "after_include");
    assert_string_equal(it->section, "postgres"); /* restored after the include */
    assert_string_equal(it->file, CONF_DIR "/outer.conf");
    assert_int_equal(it->line, 3);
    ws_conf_free(c);
}

static void test_include_in_raw_section(void **state)
{
    (void)state;
    ws_conf *c = parse_file(CONF_DIR "/events_outer.conf");
    assert_int_equal(entries(c), 2);
    assert_string_equal(entry(c, 0)->raw, "crash at 45min");
    assert_string_equal(entry(c, 0)->section, "events");
    assert_string_equal(entry(c, 1)->raw, "checkpoint at 20min");
    ws_conf_free(c);
}

static void test_include_dir_and_if_exists(void **state)
{
    (void)state;
    /* *.conf in strcmp order ("100-z" before "20-b"); dot files, other
     * suffixes and directories named *.conf skipped; a missing
     * include_if_exists is no error */
    ws_conf *c = parse_file(CONF_DIR "/withdir.conf");
    assert_int_equal(entries(c), 3);
    assert_string_equal(entry(c, 0)->key, "a_key");
    assert_string_equal(entry(c, 1)->key, "z_key");
    assert_string_equal(entry(c, 2)->key, "b_key");
    assert_string_equal(entry(c, 2)->file, CONF_DIR "/dir/20-b.conf");
    ws_conf_free(c);
}

/* Text in memory includes relative to the current directory, whatever its
 * name says. */
static void test_include_from_string(void **state)
{
    (void)state;
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(CONF_DIR), 0);
    const char text[] = "[os]\ninclude 'sub/inner.conf'\nx = 1\n";
    ws_conf *c = NULL;
    ws_diag err;
    int rc = ws_conf_parse_string(text, strlen(text), "elsewhere/s.conf", &c, &err);
    assert_int_equal(chdir(cwd), 0);
    check_error(rc, WS_OK, &err, "");
    assert_string_equal(entry(c, 0)->file, "sub/inner.conf");
    assert_string_equal(entry(c, 0)->section, "os");
    assert_string_equal(entry(c, 2)->file, "elsewhere/s.conf");
    assert_string_equal(entry(c, 2)->section, "os");
    ws_conf_free(c);
}

static void test_include_cycle(void **state)
{
    (void)state;
    bad_file(CONF_DIR "/cycle_a.conf", WS_EINPUT,
             CONF_DIR "/cycle_b.conf:1: include cycle: " CONF_DIR "/cycle_a.conf -> " CONF_DIR
                      "/cycle_b.conf -> " CONF_DIR "/cycle_a.conf");
    bad_file(CONF_DIR "/deep.conf", WS_EINPUT,
             "deep.conf:1: include cycle: " CONF_DIR "/deep.conf -> " CONF_DIR "/deep.conf");
    bad_file(CONF_DIR "/dircycle/a.conf", WS_EINPUT,
             "include cycle: " CONF_DIR "/dircycle/a.conf -> " CONF_DIR "/dircycle/./a.conf");
}

/* PostgreSQL's CONF_FILE_MAX_DEPTH: the top file is depth 0, and depth 10
 * may still be read; depth 11 is an error. */
static void test_include_depth(void **state)
{
    (void)state;
    ws_conf *c = parse_file(CONF_DIR "/depth2.conf"); /* depth2 .. depth12: 11 files */
    assert_int_equal(entries(c), 1);
    assert_string_equal(entry(c, 0)->file, CONF_DIR "/depth12.conf");
    ws_conf_free(c);
    bad_file(CONF_DIR "/depth1.conf", WS_EINPUT,
             "depth11.conf:1: include 'depth12.conf': nested too deeply (more than 10 levels of "
             "include)");
}

static void test_include_errors(void **state)
{
    (void)state;
    bad_file(CONF_DIR "/missing_include.conf", WS_EIO,
             "missing_include.conf:1: include 'nope.conf': cannot open " CONF_DIR
             "/nope.conf: No such file or directory");
    bad_file(CONF_DIR "/none.conf", WS_EIO,
             CONF_DIR "/none.conf: cannot open: No such file or directory");
    bad_file(CONF_DIR "/dir", WS_EIO, CONF_DIR "/dir: cannot open: it is a directory");
    /* an error inside an included file names that file */
    bad_file(CONF_DIR "/bad_outer.conf", WS_EINPUT,
             CONF_DIR "/sub/bad.conf:2: broken: unterminated quoted string");

    bad("include ''\n", "t.conf:1: include: empty file name");
    bad("include_dir ' '\n", "t.conf:1: include_dir: empty directory name");
    ws_conf *c;
    ws_diag err;
    const char *cases[][2] = {
        {"include '" CONF_DIR "/dir'\n", "include '" CONF_DIR "/dir': cannot open: it is a directory"},
        {"include '/dev/null'\n", "t.conf:1: include '/dev/null': cannot open: not a regular file"},
        {"include_dir '" CONF_DIR "/nodir'\n",
         "t.conf:1: include_dir '" CONF_DIR "/nodir': cannot open: No such file or directory"},
        {"include_dir '" CONF_DIR "/outer.conf'\n", "cannot open: Not a directory"},
        {"include_if_exists '" CONF_DIR "/dir'\n", "cannot open: it is a directory"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = ws_conf_parse_string(cases[i][0], strlen(cases[i][0]), "t.conf", &c, &err);
        check_error(rc, WS_EIO, &err, cases[i][1]);
    }
}

static void test_include_too_big(void **state)
{
    (void)state;
    char path[] = "/tmp/walsim-test-conf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 17 << 20), 0); /* sparse: nothing is written */
    close(fd);
    ws_conf *c;
    ws_diag err;
    int rc = ws_conf_parse_file(path, &c, &err);
    unlink(path);
    check_error(rc, WS_EIO, &err, "cannot open: larger than 16MB");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    bad("[scenario]\n# caf\xc3\xa9 is fine\nname = 'caf\xe9'\n",
        "t.conf:3: invalid UTF-8 (byte 0xE9 at column 12)");
    bad("x = 1\n\xc0\xaf = 2\n", "t.conf:2: invalid UTF-8 (byte 0xC0 at column 1)"); /* overlong */
    bad("x = '\xed\xa0\x80'\n", "t.conf:1: invalid UTF-8 (byte 0xED"); /* a surrogate */
    bad("x = '\xf4\x90\x80\x80'\n", "t.conf:1: invalid UTF-8 (byte 0xF4"); /* above U+10FFFF */
    bad("x = 'ab\xe2\x82'\n", "t.conf:1: invalid UTF-8 (byte 0xE2 at column 8)"); /* cut short */
    bad("name = 'caf\\351'\n", "t.conf:1: name: the value holds invalid UTF-8 (byte 0xE9 made by an escape)");
    ws_conf *c = parse("name = 'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \\303\\251'\n");
    assert_string_equal(entry(c, 0)->value, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc3\xa9");
    ws_conf_free(c);
}

/* 8 levels, each including the next 8 times: no cycle, legal depth, but
 * 8^8 files; the total-files cap stops it at once. */
static void test_include_fan_out(void **state)
{
    (void)state;
    char dir[] = "/tmp/walsim-test-fan-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[PATH_MAX];
    for (int l = 0; l <= 8; l++) {
        snprintf(path, sizeof path, "%s/l%d.conf", dir, l);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        for (int k = 0; k < 8 && l < 8; k++)
            fprintf(f, "include 'l%d.conf'\n", l + 1);
        if (l == 8)
            fprintf(f, "max_wal_size = 2GB\n");
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/l0.conf", dir);
    bad_file(path, WS_EINPUT, "l7.conf:3: include 'l8.conf': more than 256 files read in all");
    for (int l = 0; l <= 8; l++) {
        snprintf(path, sizeof path, "%s/l%d.conf", dir, l);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comments_and_blank_lines),
        cmocka_unit_test(test_optional_equals),
        cmocka_unit_test(test_keys_as_written),
        cmocka_unit_test(test_quotes_and_escapes),
        cmocka_unit_test(test_bare_tokens),
        cmocka_unit_test(test_top_level_is_postgres),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_empty_section_is_an_item),
        cmocka_unit_test(test_section_kinds),
        cmocka_unit_test(test_raw_sections),
        cmocka_unit_test(test_crlf_bom_and_last_line),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_strings_outlive_input),
        cmocka_unit_test(test_value_errors),
        cmocka_unit_test(test_line_errors),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_message_hygiene),
        cmocka_unit_test(test_include_relative_and_section_restored),
        cmocka_unit_test(test_include_in_raw_section),
        cmocka_unit_test(test_include_dir_and_if_exists),
        cmocka_unit_test(test_include_from_string),
        cmocka_unit_test(test_include_cycle),
        cmocka_unit_test(test_include_depth),
        cmocka_unit_test(test_include_errors),
        cmocka_unit_test(test_include_too_big),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_include_fan_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
