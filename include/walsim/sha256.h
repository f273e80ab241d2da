/*
 * sha256.h - SHA-256 (FIPS 180-4) of a byte string (ws_sha256_).
 *
 * For the scenario hash in summary.json and the report's footer: a reader
 * can tell whether two output folders came from the same scenario bytes.
 * Small and unoptimised (a scenario is a few kB); not for secrets.
 */
#ifndef WALSIM_SHA256_H
#define WALSIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define WS_SHA256_HEX 65 /* 64 hex digits and the NUL */

/* The digest of data[0..len) as 64 lowercase hex digits in hex[WS_SHA256_HEX]. */
void ws_sha256_hex(const void *data, size_t len, char hex[WS_SHA256_HEX]);

/* The digest of the file at path; 0, or -1 with errno when it cannot be read. */
int ws_sha256_file(const char *path, char hex[WS_SHA256_HEX]);

#endif
