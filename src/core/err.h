/*
 * err.h - the one error vocabulary of custos.
 *
 * Fallible functions return CU_OK (0) or a negative enum cu_err.  The
 * table in err.c maps each code to a human message, an HTTP status and
 * the JSON "code" of API errors; nothing else invents one.
 */
#ifndef CU_CORE_ERR_H
#define CU_CORE_ERR_H

enum cu_err {
	CU_OK = 0,
	CU_ERR_NOMEM = -1,       /* out of memory */
	CU_ERR_INVALID = -2,     /* malformed or invalid input */
	CU_ERR_NOT_FOUND = -3,   /* no such object */
	CU_ERR_EXISTS = -4,      /* object already exists */
	CU_ERR_AUTH = -5,        /* not authenticated / bad credentials */
	CU_ERR_FORBIDDEN = -6,   /* authenticated but not allowed */
	CU_ERR_INTEGRITY = -7,   /* ciphertext or log failed verification */
	CU_ERR_IO = -8,          /* filesystem or database I/O failure */
	CU_ERR_TOO_LARGE = -9,   /* input exceeds a limit in limits.h */
	CU_ERR_CRYPTO = -10,     /* key derivation or crypto failure */
	CU_ERR_UNAVAILABLE = -11,/* cannot serve now (e.g. audit sink down) */
	CU_ERR_CONFLICT = -12,   /* concurrent change or state conflict */
	CU_ERR_LOCKED = -13,     /* account or resource locked */
	CU_ERR_INTERNAL = -14,   /* a bug: should not happen */
	CU_ERR_USAGE = -15,      /* command-line usage error */
	CU_ERR_BAD_KEY = -16,    /* wrong passphrase or key file */
	CU_ERR_METHOD = -17,     /* HTTP method not allowed */
	CU_ERR_UNSUPPORTED = -18,/* unsupported media type / feature */
	CU_ERR__MIN = -19
};

/* A static English message for err; never NULL. */
const char *cu_strerror(int err);
/* The HTTP status for err (500 for unknown codes). */
int cu_err_http_status(int err);
/* The stable JSON error code ("invalid_request", "forbidden", ...). */
const char *cu_err_code(int err);

#endif
