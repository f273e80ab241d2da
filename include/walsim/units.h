/*
 * units.h - numbers with units, as PostgreSQL's postgresql.conf spells them.
 *
 * Memory units: B kB MB GB TB (multiplier 1024).  Time units: us ms s min h d.
 * Unit names are case-sensitive, as in PostgreSQL ("KB", "mb" and "Min" are
 * errors).  walsim adds rates: a memory unit per time unit ("125MB/s") and
 * a count per time unit ("5000/s", "300/min").
 *
 * Values are returned as doubles in base units:
 *   WS_UC_MEMORY      bytes
 *   WS_UC_TIME        nanoseconds
 *   WS_UC_BYTE_RATE   bytes per second
 *   WS_UC_COUNT_RATE  events per second
 *   WS_UC_NONE        the plain number
 *
 * A number without a unit is multiplied by `bare_unit` (the setting's own
 * base unit in the classes' base units: 8192 for shared_buffers, 1e9 for a
 * setting measured in seconds, 1 for a rate per second).  PostgreSQL's rule
 * for fractions with a unit applies: "1.5GB" is first rounded to a multiple
 * of the next smaller unit (1536MB); rounding to the setting's integer base
 * unit is the settings layer's job.
 *
 * Numbers: decimal integers, hex (0x1F), reals with optional exponent, an
 * optional leading sign; whitespace is allowed between number and unit.
 * A leading 0 is decimal ("010" is 10; PostgreSQL's integer settings would
 * read it as octal 8).  NaN and infinity are not numbers; a value beyond
 * double's range is an error ("is out of range"), so *out is always finite.
 *
 * In a rate with the '/' written ("5000/s", "600/min") the number is bytes
 * or events per that time unit; only a number without any unit uses
 * bare_unit.
 */
#ifndef WALSIM_UNITS_H
#define WALSIM_UNITS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum ws_unit_class {
    WS_UC_NONE = 0,
    WS_UC_MEMORY,
    WS_UC_TIME,
    WS_UC_BYTE_RATE,
    WS_UC_COUNT_RATE
} ws_unit_class;

/* Parses `text` as a value of class `cls`.  Returns 0 and sets *out, or -1
 * and writes into err (errlen bytes) a message without file/line/key, e.g.
 *   "'10 KB' has an unknown unit 'KB' (memory units are B, kB, MB, GB, TB; case matters)"
 *   "'abc' is not a number"
 *   "'5min' is a time, expected a memory size (B, kB, MB, GB, TB)"
 * Never crashes on any input (the fuzz target relies on it).  On error *out
 * is left alone; err may be NULL when errlen is 0. */
int ws_unit_parse(const char *text, ws_unit_class cls, double bare_unit,
                  double *out, char *err, size_t errlen);

/* Formats a value in base units with the largest unit that represents it
 * exactly, as PostgreSQL's SHOW does: 1073741824 -> "1GB", 300e9 -> "5min",
 * 1.5e6 (ns) -> "1500us", 131072000 B/s -> "125MB/s", 5000 -> "5000/s".
 * Non-integral leftovers print with up to 6 significant digits in the
 * smallest unit ("0.25ms" is acceptable).  WS_UC_NONE prints %g.
 * Zero is "0" for memory and time (as SHOW), "0B/s" and "0/s" for rates;
 * a rate takes the first of /s, /min, /h, /d under which it is exact
 * (1GB per minute is "1GB/min", 0.01 per second "36/h"). */
void ws_unit_format(double value, ws_unit_class cls, char *buf, size_t len);

/* The unit names of a class for messages: "B, kB, MB, GB, TB". */
const char *ws_unit_names(ws_unit_class cls);

/* PostgreSQL boolean: on/off/true/false/yes/no/1/0 and unambiguous prefixes
 * (t, f, y, n, of? no: "o" is ambiguous), case-insensitive, surrounding
 * whitespace ignored.  Returns 0 and sets *out, or -1. */
int ws_parse_bool(const char *text, bool *out);

#endif
