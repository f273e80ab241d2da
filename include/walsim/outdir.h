/*
 * outdir.h - an output folder written as one transaction (ws_outdir_).
 *
 * A command that writes a whole folder (walsim run, walsim sweep) writes it
 * into a staging folder beside it, PARENT/.NAME.walsim-stage.PID, and
 * ws_outdir_commit makes it appear at once: a rename when OUT does not
 * exist, otherwise an exchange of the two folders (renameat2 with
 * RENAME_EXCHANGE on Linux; elsewhere OUT is renamed aside first, which
 * leaves a short moment without OUT but never a mix) and the old folder
 * removed.  A reader sees the old set of files or the new one, never a mix.
 *
 * Invariants:
 *  - while a staging folder exists, its writer holds an exclusive flock on
 *    PARENT/.NAME.walsim-lock, so a second writer of the same OUT is
 *    refused (WS_EINPUT) instead of mixing its files in;
 *  - so a staging folder of NAME found by the lock holder belongs to a run
 *    that died (kill -9, power loss); ws_outdir_begin removes it;
 *  - OUT is checked before any work: a non-empty path whose parent exists
 *    and is writable, and not a file; an existing OUT is replaced only when
 *    it is empty or an earlier walsim output (summary.json, sweep.csv or
 *    validation.json in it, no subfolder), so a mistyped --out never wipes
 *    a foreign folder.
 *
 * The lock file stays (removing it would let two writers lock different
 * files of one name); it is empty.
 */
#ifndef WALSIM_OUTDIR_H
#define WALSIM_OUTDIR_H

#include "walsim/diag.h"

typedef struct ws_outdir ws_outdir;

/* Checks OUT, takes its lock, removes stale staging folders and creates a
 * new one.  WS_EINPUT (message naming OUT) when OUT cannot be a walsim
 * output folder or another walsim holds the lock; WS_EIO when the staging
 * folder cannot be made; WS_ENOMEM. */
int ws_outdir_begin(const char *out, ws_outdir **od, ws_diag *err);

/* Only the lock of OUT, for a command that adds files to an existing
 * folder one by one (walsim validate, merge, plot: report.h's outset), so
 * it never writes into a folder a run is replacing.  The parent is created
 * if missing.  Release with ws_outdir_abort (nothing is removed). */
int ws_outdir_lock(const char *out, ws_outdir **od, ws_diag *err);

/* The staging folder to write into (NULL after ws_outdir_lock), and OUT
 * as given. */
const char *ws_outdir_staging(const ws_outdir *od);
const char *ws_outdir_out(const ws_outdir *od);

/* Moves the staging folder into place (see above), removes the old
 * folder, releases the lock and frees od, also on error (WS_EIO: OUT is
 * then as it was and the staging folder is removed). */
int ws_outdir_commit(ws_outdir *od, ws_diag *err);

/* Removes the staging folder, releases the lock, frees od.  NULL is fine. */
void ws_outdir_abort(ws_outdir *od);

/* Rewrites a message about a file in the staging folder to name the file
 * under OUT instead (OUT/summary.json), and adds that OUT was left as it
 * was.  For an error that aborts the transaction; call before abort. */
void ws_outdir_explain(const ws_outdir *od, ws_diag *err);

/* Removes the folder PATH and everything in it (no symlink followed).
 * 0, or -1 with errno. */
int ws_outdir_remove_tree(const char *path);

#endif
