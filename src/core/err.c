#include "core/common.h"

static const struct {
	int err;
	int status;
	const char *code;
	const char *msg;
} errtab[] = {
	{ CU_OK, 200, "ok", "success" },
	{ CU_ERR_NOMEM, 503, "out_of_memory", "out of memory" },
	{ CU_ERR_INVALID, 400, "invalid_request", "invalid request" },
	{ CU_ERR_NOT_FOUND, 404, "not_found", "not found" },
	{ CU_ERR_EXISTS, 409, "already_exists", "already exists" },
	{ CU_ERR_AUTH, 401, "unauthenticated", "authentication required or failed" },
	{ CU_ERR_FORBIDDEN, 403, "forbidden", "permission denied" },
	{ CU_ERR_INTEGRITY, 500, "integrity_error", "stored data failed its integrity check" },
	{ CU_ERR_IO, 500, "io_error", "storage input/output error" },
	{ CU_ERR_TOO_LARGE, 413, "too_large", "input exceeds a size limit" },
	{ CU_ERR_CRYPTO, 500, "crypto_error", "cryptographic operation failed" },
	{ CU_ERR_UNAVAILABLE, 503, "unavailable", "service temporarily unavailable" },
	{ CU_ERR_CONFLICT, 409, "conflict", "conflicting state" },
	{ CU_ERR_LOCKED, 423, "locked", "locked" },
	{ CU_ERR_INTERNAL, 500, "internal_error", "internal error" },
	{ CU_ERR_USAGE, 400, "usage", "usage error" },
	{ CU_ERR_BAD_KEY, 401, "bad_key", "wrong passphrase or key file" },
	{ CU_ERR_METHOD, 405, "method_not_allowed", "method not allowed" },
	{ CU_ERR_UNSUPPORTED, 415, "unsupported", "unsupported media type or feature" },
};

static int find(int err)
{
	for (size_t i = 0; i < CU_ARRAY_LEN(errtab); i++)
		if (errtab[i].err == err)
			return (int)i;
	return -1;
}

const char *cu_strerror(int err)
{
	int i = find(err);
	return i < 0 ? "unknown error" : errtab[i].msg;
}

int cu_err_http_status(int err)
{
	int i = find(err);
	return i < 0 ? 500 : errtab[i].status;
}

const char *cu_err_code(int err)
{
	int i = find(err);
	return i < 0 ? "internal_error" : errtab[i].code;
}
