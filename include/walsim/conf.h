/*
 * conf.h - the scenario file reader: postgresql.conf syntax in INI sections.
 *
 * This module only reads text; it knows the section kinds but not the keys
 * (those live in the settings table, settings.h).  It turns one file, and
 * everything it includes, into a flat list of items in file order:
 *
 *   [scenario]              section header; [table NAME], [transaction NAME],
 *   name = 'OLTP on gp3'    [variant NAME] and [expect NAME] need a NAME
 *   duration 2h             '=' is optional, as in postgresql.conf
 *   include 'pg.conf'       include / include_if_exists / include_dir,
 *                           relative to the including file, cycle-safe
 *
 * Syntax (postgresql.conf's, guc-file.l): `#` starts a comment outside
 * quotes; a value is either a single-quoted string ('' or \' for a quote,
 * and the backslash escapes \b \f \n \r \t \\ and octal \NNN) or one bare
 * token running to whitespace or `#` (walsim accepts any bare token, e.g.
 * 1.5GB or 125MB/s, where PostgreSQL would require quotes).  Keys are
 * letters, digits, `_`, `.` and `-`, starting with a letter or `_`;
 * they are kept as written (the settings layer compares them
 * case-insensitively).
 *
 * Lines before the first section header in the top-level file belong to
 * [postgres], so a plain postgresql.conf is a valid scenario.  An included
 * file starts in the section of its include line; the including file's
 * section is restored after it.
 *
 * Includes follow PostgreSQL: include_dir reads the *.conf files of the
 * directory in strcmp order, skipping names that start with '.' and
 * subdirectories; include_if_exists skips a file that does not exist;
 * nesting may reach depth 10 (the top file is depth 0), as
 * CONF_FILE_MAX_DEPTH.  An include line is a directive in raw sections
 * too.  Only regular files of at most 16MB are read, and at most 256
 * files and 32MB in all for one parse (each inclusion counted, so an
 * include fan-out stops at once).  Lines may end in CRLF; a UTF-8 byte
 * order mark is skipped; a NUL byte in the text, or an escape that makes
 * one (\0), is an error; so is text that is not well-formed UTF-8, or a
 * quoted value whose escape (\351) makes such a byte, at its line.  Section kinds are matched
 * case-insensitively and reported in lowercase.
 *
 * Each section header is an item too (key == NULL and raw == NULL), so
 * an empty section still exists.
 *
 * "Raw" sections ([expect NAME], [events]) hold free-form lines such as
 * `p99_latency < 0.5 * default.p99_latency` or `crash at 45min`: each line
 * (comment stripped, trimmed) becomes an item with key == NULL and the
 * text in `raw`.
 */
#ifndef WALSIM_CONF_H
#define WALSIM_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "walsim/diag.h"

typedef struct ws_conf_item {
    const char *section;      /* section kind, lowercase: "scenario", "postgres", "table", ... */
    const char *section_name; /* NAME of [table NAME] etc., NULL for unnamed sections */
    const char *key;          /* key as written; NULL for raw lines */
    const char *value;        /* value with quotes removed and escapes processed */
    const char *raw;          /* raw sections: the trimmed line; otherwise NULL */
    bool quoted;              /* value was a quoted string */
    const char *file;         /* file the line is in (path as opened) */
    int line;                 /* 1-based line number */
} ws_conf_item;

typedef struct ws_conf ws_conf;

/* Reads `path` and its includes.  Returns 0 and *out (free with
 * ws_conf_free), or a negative status with the message in err:
 *   WS_EIO     a file, top-level or included, cannot be opened/read
 *              ("x.conf: cannot open: No such file or directory")
 *   WS_EINPUT  syntax: unterminated quote, missing value, junk after value,
 *              bad or unknown section header, missing section name,
 *              include cycle or depth > 10, more than 256 files or 32MB
 *              in all, invalid UTF-8, bad key characters.
 * Every message starts with FILE:LINE: (see diag.h). */
int ws_conf_parse_file(const char *path, ws_conf **out, ws_diag *err);

/* Reads the single-quoted value at s (s[0] == '\'') with the file's rules
 * ('' and \' a quote, the backslash escapes) into out, which needs
 * strlen(s) bytes.  Returns 0 with *end past the closing quote, or
 * WS_EINPUT when the quote is not closed or an escape makes a NUL byte.
 * For --set, whose values must read as they would in the file. */
int ws_conf_unquote(const char *s, char *out, const char **end);

/* Same for text in memory; `name` is used as the file name in messages
 * and includes are resolved relative to the current directory. */
int ws_conf_parse_string(const char *text, size_t len, const char *name,
                         ws_conf **out, ws_diag *err);

size_t ws_conf_count(const ws_conf *c);
const ws_conf_item *ws_conf_item_at(const ws_conf *c, size_t i);
void ws_conf_free(ws_conf *c);

/* The section kinds the reader accepts, for messages and suggestions:
 * returns the NULL-terminated list ("scenario", "workload", ...). */
const char *const *ws_conf_section_kinds(void);

#endif
