/*
 * rules.c - rules between settings (rules.h), checked at every
 * resolution of a variant, so `run`, `lint`, `check` and `sweep` refuse
 * the same inputs before anything is built.
 */
#include "walsim/rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/archiver.h"
#include "walsim/phases.h"
#include "walsim/units.h"

/* The value as the user wrote it, or formatted for defaults. */
static const char *shown(const ws_value *v, ws_setting_id id, char *buf, size_t len)
{
    if (v->text) {
        char tmp[84];
        snprintf(buf, len, "%s", ws_diag_show(v->text, strlen(v->text), 80, tmp, sizeof tmp));
        return buf;
    }
    ws_value_format(v, id, buf, len);
    return buf;
}

static const char *mem(double bytes, char *buf, size_t len)
{
    ws_unit_format(bytes, WS_UC_MEMORY, buf, len);
    return buf;
}

static const char *dur(double ns, char *buf, size_t len)
{
    ws_unit_format(ns, WS_UC_TIME, buf, len);
    return buf;
}

/* wal_segment_size, min_wal_size, max_wal_size: initdb's and startup's
 * rules (pg_resetwal/initdb IsValidWalSegSize; xlog.c ReadControlFile). */
static int check_wal_sizes(const ws_config *c, ws_diag *err)
{
    const ws_value *seg = ws_cfg_value(c, WS_S_wal_segment_size);
    const ws_value *minv = ws_cfg_value(c, WS_S_min_wal_size);
    const ws_value *maxv = ws_cfg_value(c, WS_S_max_wal_size);
    char a[96], b[32];
    uint64_t s = (uint64_t)seg->num;
    if (s == 0 || (s & (s - 1)) != 0) {
        ws_diag_set(err, seg->file, seg->line,
                    "wal_segment_size: %s is not a power of two; expected a power of two "
                    "between 1MB and 1GB (1MB, 2MB, 4MB, ... 1GB), as initdb --wal-segsize",
                    shown(seg, WS_S_wal_segment_size, a, sizeof a));
        return WS_EINPUT;
    }
    const ws_value *both[2] = {minv, maxv};
    const ws_setting_id ids[2] = {WS_S_min_wal_size, WS_S_max_wal_size};
    const char *names[2] = {"min_wal_size", "max_wal_size"};
    for (int i = 0; i < 2; i++)
        if (both[i]->num < 2 * seg->num) {
            const ws_value *at = both[i]->file || !seg->file ? both[i] : seg;
            ws_diag_set(err, at->file, at->line,
                        "%s: %s is less than 2 WAL segments; expected at least twice "
                        "wal_segment_size (%s), in MB, as PostgreSQL requires at startup",
                        names[i], shown(both[i], ids[i], a, sizeof a),
                        mem(2 * seg->num, b, sizeof b));
            return WS_EINPUT;
        }
    return WS_OK;
}

void ws_rules_notes(const ws_config *c, ws_rules_note_fn note, void *ctx)
{
    const ws_value *minv = ws_cfg_value(c, WS_S_min_wal_size);
    const ws_value *maxv = ws_cfg_value(c, WS_S_max_wal_size);
    if (minv->num > maxv->num) {
        /* xlog.c XLOGfileslop clamps the recycling horizon to min_wal_size,
         * then to max_wal_size: the second wins */
        const ws_value *at = minv->origin >= maxv->origin ? minv : maxv;
        char a[32], b[32], msg[WS_DIAG_MAX];
        int n = 0;
        if (at->file)
            n = snprintf(msg, sizeof msg, "%s:%d: ", at->file, at->line);
        snprintf(msg + n, sizeof msg - (size_t)n,
                 "%s: min_wal_size (%s) is above max_wal_size (%s) in variant %s; PostgreSQL "
                 "accepts this without a word and recycles WAL up to max_wal_size only, so "
                 "min_wal_size has no effect (simulated the same way)",
                 at == minv ? "min_wal_size" : "max_wal_size", mem(minv->num, a, sizeof a),
                 mem(maxv->num, b, sizeof b), ws_config_variant(c));
        note(ctx, msg);
    }
}

/* wal_level = minimal and what needs more WAL: PostgreSQL refuses to
 * start (postmaster.c PostmasterMain: "WAL archival cannot be enabled
 * when wal_level is \"minimal\"", "WAL streaming (max_wal_senders > 0)
 * requires wal_level \"replica\" or \"logical\""; 17: "WAL cannot be
 * summarized when wal_level is \"minimal\""). */
static int check_wal_level(const ws_config *c, ws_diag *err)
{
    if (strcmp(ws_cfg_str(c, WS_S_wal_level), "minimal") != 0)
        return WS_OK;
    const ws_value *lv = ws_cfg_value(c, WS_S_wal_level);
    const ws_value *senders = ws_cfg_value(c, WS_S_max_wal_senders);
    const ws_value *archive = ws_cfg_value(c, WS_S_archive_mode);
    const ws_value *summ = ws_cfg_value(c, WS_S_summarize_wal);
    const ws_value *at;
    if (strcmp(archive->word, "off") != 0) {
        at = archive->file ? archive : lv;
        ws_diag_set(err, at->file, at->line,
                    "%s: archive_mode = %s needs wal_level replica or logical (wal_level is "
                    "minimal); expected archive_mode = off with wal_level = minimal, as "
                    "PostgreSQL refuses to start otherwise",
                    at == archive ? "archive_mode" : "wal_level", archive->word);
        return WS_EINPUT;
    }
    if (senders->num > 0) {
        at = senders->file ? senders : lv;
        ws_diag_set(err, at->file, at->line,
                    "%s: max_wal_senders = %.0f needs wal_level replica or logical (wal_level is "
                    "minimal); expected max_wal_senders = 0 with wal_level = minimal (its "
                    "default is 10), as PostgreSQL refuses to start otherwise",
                    at == senders ? "max_wal_senders" : "wal_level", senders->num);
        return WS_EINPUT;
    }
    if (summ->available && summ->num != 0) {
        at = summ->file ? summ : lv;
        ws_diag_set(err, at->file, at->line,
                    "%s: summarize_wal = on needs wal_level replica or logical (wal_level is "
                    "minimal); expected summarize_wal = off with wal_level = minimal, as "
                    "PostgreSQL refuses to start otherwise",
                    at == summ ? "summarize_wal" : "wal_level");
        return WS_EINPUT;
    }
    return WS_OK;
}

static int check_memory(const ws_config *c, ws_diag *err)
{
    const ws_value *sb = ws_cfg_value(c, WS_S_shared_buffers);
    const ws_value *ram = ws_cfg_value(c, WS_S_os_ram);
    if (sb->num > ram->num) {
        const ws_value *at = sb->file || !ram->file ? sb : ram;
        char a[96], b[32];
        ws_diag_set(err, at->file, at->line,
                    "%s: shared_buffers (%s) is above [os] ram (%s); expected shared_buffers "
                    "of at most ram (PostgreSQL could not map its shared memory)",
                    at == sb ? "shared_buffers" : "ram", shown(sb, WS_S_shared_buffers, a, sizeof a),
                    mem(ram->num, b, sizeof b));
        return WS_EINPUT;
    }
    return WS_OK;
}

static int check_phases(const ws_config *c, ws_diag *err)
{
    const ws_value *v = ws_cfg_value(c, WS_S_phases);
    ws_phase_point *pts;
    size_t n;
    char msg[700];
    int rc = ws_phases_parse(v->str, &pts, &n, msg, sizeof msg);
    if (rc != WS_OK) {
        ws_diag_set(err, v->file, v->line, "%s", msg);
        return rc;
    }
    free(pts);
    return WS_OK;
}

/* Timed things after the end of the run would silently never happen. */
static int check_times(const ws_config *c, ws_diag *err)
{
    const ws_value *dv = ws_cfg_value(c, WS_S_duration);
    bool is_auto = dv->num < 0;
    if (is_auto)
        dv = ws_cfg_value(c, WS_S_max_duration);
    double end = dv->num;
    char e[32], t[32], where[160] = "";
    if (dv->file)
        snprintf(where, sizeof where, " at %s:%d", dv->file, dv->line);
    dur(end, e, sizeof e);
    const char *what = is_auto ? "max_duration (duration = auto)" : "duration";

    /* run.c refuses it too, but only when the variant runs, and without
     * a line */
    const ws_value *wu = ws_cfg_value(c, WS_S_warmup);
    if (wu->num >= 0 && wu->num >= end) {
        /* at the line set last in precedence: the variant's, if it set one */
        const ws_value *at = (dv->file && dv->origin > wu->origin) || !wu->file ? dv : wu;
        ws_diag_set(err, at->file, at->line,
                    "%s: warmup %s is not shorter than the run (%s %s%s); expected a warmup "
                    "from 0 to less than %s, or auto",
                    at == wu ? "warmup" : (is_auto ? "max_duration" : "duration"),
                    dur(wu->num, t, sizeof t), what, e, where, e);
        return WS_EINPUT;
    }
    const ws_value *crash = ws_cfg_value(c, WS_S_crash_at);
    if (crash->num > end) {
        ws_diag_set(err, crash->file, crash->line,
                    "crash_at: %s is after the end of the run (%s %s%s); expected a time "
                    "from 0 to %s (0: no crash)",
                    dur(crash->num, t, sizeof t), what, e, where, e);
        return WS_EINPUT;
    }
    const ws_scenario *s = ws_config_scenario(c);
    for (size_t i = 0; i < ws_scenario_event_count(s); i++) {
        const ws_scenario_event *ev = ws_scenario_event_at(s, i);
        if ((double)ev->at_ns > end) {
            static const char *const kinds[] = {"checkpoint", "crash", "shutdown"};
            ws_diag_set(err, ev->file, ev->line,
                        "events: %s at %s is after the end of the run (%s %s%s); expected a "
                        "time from 0 to %s",
                        kinds[ev->kind], dur((double)ev->at_ns, t, sizeof t), what, e, where, e);
            return WS_EINPUT;
        }
    }
    for (size_t i = 0; i < ws_cfg_instance_count(c, WS_SEC_BULK); i++) {
        const ws_value *st = ws_cfg_instance_value(c, WS_SEC_BULK, i, WS_S_bulk_start);
        if (st->num > end) {
            ws_diag_set(err, st->file, st->line,
                        "start: [bulk %s] starts at %s, after the end of the run (%s %s%s); "
                        "expected a time from 0 to %s",
                        ws_cfg_instance_name(c, WS_SEC_BULK, i), dur(st->num, t, sizeof t), what,
                        e, where, e);
            return WS_EINPUT;
        }
    }
    return WS_OK;
}

/* archive_fail and slot_down are windows 'START..END' (archiver.h); a slot needs a WAL sender. */
static int check_archive_slot(const ws_config *c, ws_diag *err)
{
    const ws_setting_id ids[2] = {WS_S_archive_fail, WS_S_slot_down};
    const char *names[2] = {"archive_fail", "slot_down"};
    for (int i = 0; i < 2; i++) {
        const ws_value *v = ws_cfg_value(c, ids[i]);
        ws_time a, b;
        char msg[400];
        if (ws_archiver_parse_window(v->str, &a, &b, msg, sizeof msg) != 0) {
            ws_diag_set(err, v->file, v->line, "%s: %s", names[i], msg);
            return WS_EINPUT;
        }
    }
    /* A physical slot needs wal_level replica or logical (ReplicationSlotCreate:
     * CheckSlotRequirements), and its standby a WAL sender; with
     * max_wal_senders = 0 (which wal_level = minimal requires) there is
     * neither. */
    const ws_value *slot = ws_cfg_value(c, WS_S_slot);
    const ws_value *senders = ws_cfg_value(c, WS_S_max_wal_senders);
    if (slot->num != 0 && senders->num == 0) {
        const ws_value *at = slot->file || !senders->file ? slot : senders;
        ws_diag_set(err, at->file, at->line,
                    "%s: slot = on needs a WAL sender for its standby (max_wal_senders is 0); "
                    "expected max_wal_senders of 1 or more and wal_level replica or logical",
                    at == slot ? "slot" : "max_wal_senders");
        return WS_EINPUT;
    }
    return WS_OK;
}

int ws_rules_check(const ws_config *c, ws_diag *err)
{
    int rc;
    if ((rc = check_wal_sizes(c, err)) != WS_OK || (rc = check_wal_level(c, err)) != WS_OK ||
        (rc = check_memory(c, err)) != WS_OK ||
        (rc = check_phases(c, err)) != WS_OK || (rc = check_times(c, err)) != WS_OK ||
        (rc = check_archive_slot(c, err)) != WS_OK)
        return rc;
    return WS_OK;
}
