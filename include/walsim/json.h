/*
 * json.h - a small JSON reader (RFC 8259) for walsim's own files.
 *
 * ws_json_parse reads a whole document into a tree of values.  Every value
 * remembers the line it starts on, so a reader that finds a field of the
 * wrong kind can name FILE:LINE in its message (ws_json_get_num and
 * ws_json_get_str do this for you).  Object members keep their order in
 * the file (the variants of summary.json are in scenario order) and the
 * first of two members with the same key wins.
 *
 * What the reader accepts: exactly the grammar of RFC 8259, in UTF-8
 * (checked; a byte order mark is skipped), nesting up to
 * WS_JSON_MAX_DEPTH.  Strings may not contain NUL (\u0000), so every
 * string is also a C string.  Numbers are doubles; one that overflows a
 * double ("1e999") is an error, not infinity.
 *
 * The tree is read-only.  Free it with ws_json_free on the root; the
 * values and strings it hands out live as long as the root.
 */
#ifndef WALSIM_JSON_H
#define WALSIM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "walsim/diag.h"

#define WS_JSON_MAX_DEPTH 200
#define WS_JSON_MAX_FILE (256u << 20) /* larger files are refused */

typedef enum ws_json_type {
    WS_JSON_NULL,
    WS_JSON_BOOL,
    WS_JSON_NUMBER,
    WS_JSON_STRING,
    WS_JSON_ARRAY,
    WS_JSON_OBJECT
} ws_json_type;

typedef struct ws_json ws_json;

/* Parses text[0..len) (named `name` in messages).  On success *out is the
 * root and err is cleared; on failure *out is NULL and err reads
 * "NAME:LINE: what was found, what was expected" (WS_EINPUT), or
 * WS_ENOMEM. */
int ws_json_parse(const char *text, size_t len, const char *name, ws_json **out, ws_diag *err);

/* Reads and parses the file at path (named by its path in messages).
 * WS_EIO when the file cannot be read. */
int ws_json_parse_file(const char *path, ws_json **out, ws_diag *err);

/* Frees a tree; v must be a root returned by a parse function (or NULL). */
void ws_json_free(ws_json *v);

/* The kind of v and the line (1-based) its first character is on. */
ws_json_type ws_json_type_of(const ws_json *v);
int ws_json_line(const ws_json *v);
/* The document's name as given to the parser ("out/x/summary.json"). */
const char *ws_json_file(const ws_json *v);
/* "null", "a boolean", "a number", "a string", "an array", "an object". */
const char *ws_json_type_name(ws_json_type t);

/* Members of an object, elements of an array: count and i-th (NULL when
 * out of range or v is neither).  ws_json_key_at gives an object member's
 * key (NULL for arrays). */
size_t ws_json_count(const ws_json *v);
const ws_json *ws_json_at(const ws_json *v, size_t i);
const char *ws_json_key_at(const ws_json *v, size_t i);

/* The member `key` of object v; NULL if v is not an object or has none. */
const ws_json *ws_json_get(const ws_json *v, const char *key);

/* Follows a dotted path of member names from v ("latency_ms.p99");
 * NULL when a step is missing.  Keys that contain '.' cannot be reached
 * this way; use ws_json_get. */
const ws_json *ws_json_path(const ws_json *v, const char *path);

/* The value of a scalar.  ws_json_num gives NAN for a non-number,
 * ws_json_str NULL for a non-string, ws_json_bool false for a non-bool. */
double ws_json_num(const ws_json *v);
const char *ws_json_str(const ws_json *v);
bool ws_json_bool(const ws_json *v);

/* Typed lookups that explain themselves: the number (string) at `path`
 * under v.  A missing member gives WS_EINPUT with
 * "FILE:LINE: PATH: missing (expected a number)", the line being that of
 * the deepest object found; a value of another kind gives
 * "FILE:LINE: PATH: expected a number, found a string". */
int ws_json_get_num(const ws_json *v, const char *path, double *out, ws_diag *err);
int ws_json_get_str(const ws_json *v, const char *path, const char **out, ws_diag *err);

/* The writer's half: writes s as a JSON string (NULL as null) that this
 * reader and every other accepts: '"', '\\' and control characters
 * escaped, and each byte that does not start a well-formed UTF-8 sequence
 * (a name read from a Latin-1 file, a truncated sequence) replaced by
 * U+FFFD, so the document is always valid UTF-8. */
void ws_json_write_string(FILE *f, const char *s);

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), 0 if p starts none.
 * p < end.  The CSV writer uses it to replace bytes as this writer does. */
size_t ws_json_utf8_len(const unsigned char *p, const unsigned char *end);

#endif
