/*
 * limits.h - every hard limit of custos, in one place, with its reason.
 */
#ifndef CU_CORE_LIMITS_H
#define CU_CORE_LIMITS_H

/* Largest HTTP request body.  A customer record is a few KiB; scans of
 * text through the API are capped here too (files go through the CLI). */
#define CU_MAX_BODY_BYTES (4u * 1024u * 1024u)
/* Largest URL (path + query) we accept. */
#define CU_MAX_URL_BYTES 8192u
/* JSON nesting depth: schemas and records are shallow. */
#define CU_MAX_JSON_DEPTH 16
/* One field value, in bytes after JSON decoding. */
#define CU_MAX_FIELD_BYTES (64u * 1024u)
/* Fields per collection schema. */
#define CU_MAX_FIELDS 128
/* Names: collections, fields, users, roles, purposes. */
#define CU_MAX_NAME_BYTES 64
/* Records returned by one lookup or list page. */
#define CU_MAX_PAGE 1000
/* Related users on one record. */
#define CU_MAX_RELATED 64
/* Passwords: Argon2id makes long inputs cheap for us, but bound them. */
#define CU_MAX_PASSWORD_BYTES 1024
/* Log line length. */
#define CU_MAX_LOG_LINE 2048
/* Concurrent HTTP connections. */
#define CU_MAX_CONNECTIONS 1024
/* Seconds a client may keep an idle connection. */
#define CU_HTTP_TIMEOUT_S 30

#endif
