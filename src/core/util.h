/*
 * util.h - small parsing and time helpers shared by every module.
 */
#ifndef CU_CORE_UTIL_H
#define CU_CORE_UTIL_H

#include "core/common.h"

/* Seconds since the epoch (UTC). */
int64_t cu_time_now(void);
/* Milliseconds on a monotonic clock. */
int64_t cu_time_mono_ms(void);
/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void cu_time_iso8601(int64_t t, char *out, size_t outlen);
/* Parse "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SSZ" or an integer epoch. */
CU_WUR int cu_time_parse(const char *s, int64_t *out);

/* Parse a decimal integer in [min,max]; the whole string must be digits. */
CU_WUR int cu_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Parse a duration: "90d", "12h", "30m", "45s" or plain seconds. */
CU_WUR int cu_parse_duration(const char *s, int64_t *seconds);

/* True if s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
bool cu_utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 s[0..n). */
size_t cu_utf8_len(const char *s, size_t n);

/* Names of collections, fields, roles, users: [a-z0-9_.-], 1..64 bytes,
 * starting with a letter or digit. */
bool cu_name_valid(const char *s);

/* Read a whole file (up to max bytes) into a NUL-terminated buffer. */
CU_WUR int cu_file_read(const char *path, size_t max, char **out, size_t *len);
/* Write data to path atomically (temp file, fsync, rename) with mode. */
CU_WUR int cu_file_write_atomic(const char *path, const void *data, size_t len, int mode);

#endif
