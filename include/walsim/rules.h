/*
 * rules.h - rules between settings, checked when a variant is resolved.
 *
 * The settings table checks each value on its own (type, unit, range);
 * these rules need several values at once, as PostgreSQL's check hooks,
 * initdb and startup do:
 *
 *   wal_segment_size      a power of two from 1MB to 1GB (initdb --wal-segsize)
 *   min_wal_size,         each at least 2 segments (xlog.c ReadControlFile:
 *   max_wal_size          "min_wal_size must be at least twice wal_segment_size")
 *   min_wal_size          above max_wal_size: a note, not an error (PostgreSQL
 *                         accepts it silently; its recycling horizon is then
 *                         max_wal_size, and min_wal_size has no effect)
 *   wal_level = minimal   only with archive_mode = off, max_wal_senders = 0
 *                         and summarize_wal = off (postmaster.c: PostgreSQL
 *                         refuses to start)
 *   shared_buffers        at most [os] ram (PostgreSQL cannot start: the
 *                         shared memory segment cannot be mapped)
 *   phases                the schedule's grammar (phases.h)
 *   crash_at, [events],   not after the end of the run: duration, or
 *   [bulk NAME] start     max_duration with duration = auto
 *
 * Each failure is one line "FILE:LINE: KEY: what was found; what was
 * expected", at the line that set the value (the variant's, when it
 * overrides the base file).
 */
#ifndef WALSIM_RULES_H
#define WALSIM_RULES_H

#include "walsim/diag.h"
#include "walsim/scenario.h"

/* Returns 0, or WS_EINPUT with the message in err. */
int ws_rules_check(const ws_config *c, ws_diag *err);

/* Notes on settings PostgreSQL accepts though they probably are not what
 * was meant ("FILE:LINE: KEY: ..."), one call of note() each. */
typedef void (*ws_rules_note_fn)(void *ctx, const char *msg);
void ws_rules_notes(const ws_config *c, ws_rules_note_fn note, void *ctx);

#endif
