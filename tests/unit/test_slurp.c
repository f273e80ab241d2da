/* test_slurp.c - a file read whole, bounded (slurp.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/slurp.h"

static FILE *file_with(const char *text, size_t n)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    rewind(f);
    return f;
}

static void test_reads_whole_and_terminates(void **state)
{
    (void)state;
    enum { N = 200000 }; /* more than the first buffer */
    char *text = malloc(N);
    assert_non_null(text);
    for (size_t i = 0; i < N; i++)
        text[i] = (char)('a' + i % 26);
    char *buf;
    size_t len;
    ws_diag err;
    assert_int_equal(ws_slurp(file_with(text, N), "t", 1 << 20, "big", &buf, &len, &err), WS_OK);
    assert_int_equal(len, N);
    assert_memory_equal(buf, text, N);
    assert_int_equal(buf[N], '\0');
    free(buf);
    free(text);
}

static void test_bound_is_inclusive(void **state)
{
    (void)state;
    static const char text[] = "0123456789";
    char *buf = NULL;
    size_t len;
    ws_diag err;
    /* exactly max bytes: read */
    assert_int_equal(ws_slurp(file_with(text, 10), "t", 10, "big", &buf, &len, &err), WS_OK);
    assert_int_equal(len, 10);
    assert_string_equal(buf, text);
    free(buf);
    /* one more: refused, naming the file, nothing returned */
    buf = (char *)1;
    assert_int_equal(ws_slurp(file_with(text, 10), "dir/x.json", 9, "larger than 9 B", &buf,
                              &len, &err),
                     WS_EINPUT);
    assert_null(buf);
    assert_string_equal(err.msg, "dir/x.json: larger than 9 B");
}

static void test_empty_file(void **state)
{
    (void)state;
    char *buf;
    size_t len = 7;
    ws_diag err;
    assert_int_equal(ws_slurp(file_with("", 0), "t", 10, "big", &buf, &len, &err), WS_OK);
    assert_int_equal(len, 0);
    assert_string_equal(buf, "");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_whole_and_terminates),
        cmocka_unit_test(test_bound_is_inclusive),
        cmocka_unit_test(test_empty_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
