/*
 * test_rules.c - rules between settings, checked at load: PostgreSQL's
 * WAL size rules, shared_buffers against RAM, the phases grammar, and
 * timed things after the end of the run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>

#include <cmocka.h>

#include "walsim/scenario.h"

static void refused(const char *text, const char *needle)
{
    ws_scenario *s = NULL;
    ws_diag err;
    ws_diag_clear(&err);
    int rc = ws_scenario_load_string(text, strlen(text), "r.conf", &s, &err);
    if (rc != WS_EINPUT || !strstr(err.msg, needle)) {
        print_error("expected '%s', got rc %d '%s'\n", needle, rc, err.msg);
        fail();
    }
    assert_null(s);
}

static void accepted(const char *text)
{
    ws_scenario *s = NULL;
    ws_diag err;
    ws_diag_clear(&err);
    if (ws_scenario_load_string(text, strlen(text), "r.conf", &s, &err) != WS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    ws_scenario_free(s);
}

static void test_wal_sizes(void **state)
{
    (void)state;
    refused("[postgres]\nwal_segment_size = 3MB\n", "r.conf:2: wal_segment_size: 3MB is not a power of two");
    accepted("[postgres]\nwal_segment_size = 64MB\nmin_wal_size = 128MB\n");
    refused("[postgres]\nwal_segment_size = 64MB\n", "min_wal_size: 80MB is less than 2 WAL segments");
    refused("[postgres]\nmax_wal_size = 16MB\n", "r.conf:2: max_wal_size: 16MB is less than 2 WAL");
}

/* min_wal_size above max_wal_size: PostgreSQL accepts it, so a note. */
static void noted(const char *text, const char *needle)
{
    ws_scenario *s = NULL;
    ws_diag err;
    ws_diag_clear(&err);
    if (ws_scenario_load_string(text, strlen(text), "r.conf", &s, &err) != WS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    bool found = false;
    for (size_t i = 0; i < ws_scenario_note_count(s); i++)
        found |= strstr(ws_scenario_note(s, i), needle) != NULL;
    if (!found) {
        print_error("no note '%s' (%zu notes)\n", needle, ws_scenario_note_count(s));
        fail();
    }
    ws_scenario_free(s);
}

static void test_min_above_max_is_a_note(void **state)
{
    (void)state;
    noted("[postgres]\nmin_wal_size = 2GB\n",
          "r.conf:2: min_wal_size: min_wal_size (2GB) is above max_wal_size (1GB) in variant base; "
          "PostgreSQL accepts this");
    /* a variant's value is reported at the variant's line */
    noted("[postgres]\nmin_wal_size = 512MB\n[variant small]\nmax_wal_size = 256MB\n",
          "r.conf:4: max_wal_size: min_wal_size (512MB) is above max_wal_size (256MB) in variant small");
}

static void test_wal_level(void **state)
{
    (void)state;
    refused("[postgres]\nwal_level = minimal\n",
            "r.conf:2: wal_level: max_wal_senders = 10 needs wal_level replica or logical");
    accepted("[postgres]\nwal_level = minimal\nmax_wal_senders = 0\n");
    refused("[postgres]\nwal_level = minimal\nmax_wal_senders = 0\narchive_mode = on\n",
            "r.conf:4: archive_mode: archive_mode = on needs wal_level replica or logical");
    refused("[postgres]\nwal_level = minimal\nmax_wal_senders = 0\nsummarize_wal = on\n",
            "r.conf:4: summarize_wal: summarize_wal = on needs wal_level");
    accepted("[scenario]\npg_version = 16\n[postgres]\nwal_level = minimal\nmax_wal_senders = 0\n");
}

static void test_memory(void **state)
{
    (void)state;
    refused("[postgres]\nshared_buffers = 32GB\n", "r.conf:2: shared_buffers: shared_buffers (32GB) is above [os] ram (16GB)");
    refused("[postgres]\nshared_buffers = 4GB\n[os]\nram = 2GB\n", "r.conf:2: shared_buffers: shared_buffers (4GB) is above [os] ram (2GB)");
    accepted("[postgres]\nshared_buffers = 16GB\n");
}

static void test_phases_and_times(void **state)
{
    (void)state;
    refused("[workload]\nrate = 100\nphases = '0=0.2, 5min~'\n", "r.conf:3: phases: '5min~': the ramp has no factor");
    refused("[scenario]\nduration = 10min\ncrash_at = 1h\n", "r.conf:3: crash_at: 1h is after the end of the run (duration 10min at r.conf:2)");
    refused("[scenario]\ncrash_at = 7h\n", "after the end of the run (max_duration (duration = auto) 6h)");
    refused("[scenario]\nduration = 10min\n[events]\nshutdown at 11min\n", "r.conf:4: events: shutdown at 11min is after the end");
    accepted("[scenario]\nduration = 10min\ncrash_at = 10min\n[events]\ncheckpoint at 5min\n");
    refused("[scenario]\nduration = 1min\nwarmup = 2min\n",
            "r.conf:3: warmup: warmup 2min is not shorter than the run (duration 1min at r.conf:2)");
    refused("[scenario]\nwarmup = 1h\n[variant short]\nduration = 30min\n",
            "r.conf:4: duration: warmup 1h is not shorter than the run (duration 30min");
    accepted("[scenario]\nduration = 2min\nwarmup = 1min\n");
    refused("[scenario]\nduration = 10min\n[variant long]\nduration = 1h\n[variant short]\n[events]\ncrash at 30min\n",
            "r.conf:7: events: crash at 30min");
    accepted("[scenario]\nduration = 10min\n[variant long]\nduration = 1h\n[events]\ncrash at 30min\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wal_sizes),
        cmocka_unit_test(test_min_above_max_is_a_note),
        cmocka_unit_test(test_wal_level),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_phases_and_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
