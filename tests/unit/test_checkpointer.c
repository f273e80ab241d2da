/*
 * test_checkpointer.c - BufferSync's tagging and sort order: only the
 * permanent buffers dirty at the start are tagged, sorted by (relation,
 * block) (bufmgr.c ckpt_buforder_comparator), whatever buffers they sit in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/db.h"

#include "support.h"

static void test_tagged_buffers_sorted_by_relation_and_block(void **state)
{
    (void)state;
    ws_scenario *s;
    ws_config *c = test_resolve("[scenario]\nduration = 1min\n[workload]\nrate = 1/s\n"
                                "[table a]\nsize = 80MB\n[table b]\nsize = 80MB\n"
                                "[table u]\nsize = 8MB\nlogged = off\n"
                                "[transaction x]\nwrites = 'a:1'\n"
                                "[postgres]\nshared_buffers = 16MB\n",
                                "c.conf", "base", &s);
    ws_sim *sim = ws_sim_new(0);
    ws_db db;
    ws_diag err;
    assert_int_equal(ws_db_init(&db, sim, c, NULL, &err), WS_OK);
    /* 600 pages of a, b and u in a scrambled order of buffers; every
     * second one dirty; u is UNLOGGED (not permanent: not tagged). */
    uint64_t x = 12345;
    int dirty_perm = 0;
    for (int i = 0; i < 600; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int rel = (int)(x >> 62) % 3;
        uint64_t block = (x >> 20) % 9000;
        uint64_t id = ws_page_id(rel, block);
        if (ws_bufpool_lookup(&db.bp, id) >= 0)
            continue;
        uint32_t b = ws_bufpool_victim(&db.bp);
        ws_bufpool_load(&db.bp, b, id, db.rels[rel].logged);
        if (i % 2 == 0) {
            ws_bufpool_dirty(&db.bp, b, 1);
            dirty_perm += db.rels[rel].logged;
        }
    }
    ws_ckpt_request(&db, WS_CKPT_F_IMMEDIATE | WS_CKPT_F_FORCE);
    assert_int_equal(db.ck.phase, WS_CKPT_WRITE);
    assert_int_equal(db.ck.n_todo, dirty_perm);
    uint64_t prev = 0;
    for (uint32_t i = 0; i < db.ck.n_todo; i++) {
        uint64_t page;
        int64_t b = ws_ckpt_todo_entry(&db, i, &page);
        assert_true(b >= 0);
        assert_true(db.bp.page[b] == page);
        uint8_t f = ws_bufpool_flags(&db.bp, (uint32_t)b);
        assert_true(f & WS_BUF_CKPT_NEEDED);
        assert_true(f & WS_BUF_PERMANENT);
        assert_int_not_equal(ws_page_rel(page), 2);
        if (i > 0)
            assert_true(prev < page);
        prev = page;
    }
    /* every pass over the list is weighted 1 page per buffer when nothing
     * is sampled */
    assert_int_equal(db.ck.w_todo, dirty_perm);
    /* the untagged: clean ones and the UNLOGGED ones */
    for (uint32_t b = 0; b < db.bp.n; b++)
        if (db.bp.page[b] != WS_BUF_NONE && ws_page_rel(db.bp.page[b]) == 2)
            assert_false(ws_bufpool_flags(&db.bp, b) & WS_BUF_CKPT_NEEDED);
    ws_db_destroy(&db);
    ws_sim_free(sim);
    ws_config_free(c);
    ws_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tagged_buffers_sorted_by_relation_and_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
