/*
 * test_access.c - page access patterns: range, and frequencies against
 * the distributions' formulas.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "walsim/access.h"

static void test_uniform_in_range_and_flat(void **state)
{
    (void)state;
    ws_rng r;
    assert_int_equal(ws_rng_init(&r, 1, "t"), 0);
    ws_access a;
    ws_access_uniform(&a, 10);
    int count[10] = {0};
    for (int i = 0; i < 100000; i++) {
        uint64_t p = ws_access_next(&a, &r);
        assert_true(p < 10);
        count[p]++;
    }
    for (int i = 0; i < 10; i++) /* 10,000 expected, sd ~95 */
        assert_true(abs(count[i] - 10000) < 500);
    ws_rng_destroy(&r);
}

/* Zipf(s=1) over N=100: P(rank 1) = 1/H_100 = 0.19277; P(rank 2) = half
 * that.  Ranks are scattered, so count by page and sort. */
static int desc(const void *x, const void *y)
{
    return *(const int *)y - *(const int *)x;
}

static void check_zipf(double s, double p1_expected, double p2_expected)
{
    ws_rng r;
    assert_int_equal(ws_rng_init(&r, 2, "t"), 0);
    ws_access a;
    ws_access_zipf(&a, 100, s);
    int count[100] = {0};
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        uint64_t p = ws_access_next(&a, &r);
        assert_true(p < 100);
        count[p]++;
    }
    qsort(count, 100, sizeof count[0], desc);
    assert_true(fabs((double)count[0] / n - p1_expected) < 0.01);
    assert_true(fabs((double)count[1] / n - p2_expected) < 0.01);
    ws_rng_destroy(&r);
}

static void test_zipf_frequencies(void **state)
{
    (void)state;
    double h1 = 0, h2 = 0;
    for (int k = 1; k <= 100; k++) {
        h1 += 1.0 / k;
        h2 += pow(k, -1.5);
    }
    check_zipf(1.0, 1 / h1, 0.5 / h1);
    check_zipf(1.5, 1 / h2, pow(2, -1.5) / h2);
}

static void test_zipf_huge_relation(void **state)
{
    (void)state;
    ws_rng r;
    assert_int_equal(ws_rng_init(&r, 3, "t"), 0);
    ws_access a;
    const uint64_t pages = UINT64_C(134217728); /* 1 TB of 8 kB pages */
    ws_access_zipf(&a, pages, 0.9);
    for (int i = 0; i < 10000; i++)
        assert_true(ws_access_next(&a, &r) < pages);
    ws_rng_destroy(&r);
}

static void test_hotset_share(void **state)
{
    (void)state;
    ws_rng r;
    assert_int_equal(ws_rng_init(&r, 4, "t"), 0);
    ws_access a;
    ws_access_hotset(&a, 1000, 0.9, 0.1); /* 90 % of accesses on 10 % of pages */
    int hot = 0;
    const int n = 100000;
    for (int i = 0; i < n; i++) {
        uint64_t p = ws_access_next(&a, &r);
        assert_true(p < 1000);
        hot += p < 100;
    }
    assert_true(fabs((double)hot / n - 0.9) < 0.01);
    ws_rng_destroy(&r);
}

static void test_append_advances(void **state)
{
    (void)state;
    ws_rng r;
    assert_int_equal(ws_rng_init(&r, 5, "t"), 0);
    ws_access a;
    ws_access_append(&a, 10, 3); /* 3 rows a page, 10 pages so far */
    uint64_t seen[7];
    for (int i = 0; i < 7; i++)
        seen[i] = ws_access_next(&a, &r);
    /* the first row goes after the existing pages' rows: new page 10 */
    assert_int_equal(seen[0], 10);
    assert_int_equal(seen[2], 10);
    assert_int_equal(seen[3], 11);
    assert_int_equal(seen[6], 12);
    ws_rng_destroy(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform_in_range_and_flat),
        cmocka_unit_test(test_zipf_frequencies),
        cmocka_unit_test(test_zipf_huge_relation),
        cmocka_unit_test(test_hotset_share),
        cmocka_unit_test(test_append_advances),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
