/*
 * json.h - JSON for custos, on jansson.
 *
 * core/json is the only module that includes <jansson.h>; others use the
 * json_t type and jansson's accessors through this header.  Parsing goes
 * through cu_json_parse, which enforces our limits (size, depth,
 * duplicate keys, UTF-8) so every input path gets the same rules.
 */
#ifndef CU_CORE_JSON_H
#define CU_CORE_JSON_H

#include "core/common.h"
#include "core/buf.h"
#include <jansson.h>

/* Route jansson's allocations through core/alloc (call once at start). */
void cu_json_init(void);

/*
 * Parse data[0..len) into *out (owned by the caller; json_decref it).
 * On failure returns CU_ERR_INVALID (or CU_ERR_TOO_LARGE) and writes a
 * short, secret-free reason into why (which may be NULL).
 */
CU_WUR int cu_json_parse(const char *data, size_t len, json_t **out,
			 char *why, size_t whylen);

/*
 * Check that obj is an object whose keys are all in allowed (NULL-ended).
 * On an unknown key returns CU_ERR_INVALID and points *bad at it
 * (borrowed from obj).
 */
CU_WUR int cu_json_only_keys(const json_t *obj, const char *const allowed[],
			     const char **bad);

/*
 * Typed getters.  Each returns CU_OK, CU_ERR_NOT_FOUND when the key is
 * absent (or null) and CU_ERR_INVALID when it has the wrong type.
 * Strings are borrowed from obj and checked to be valid UTF-8 with no NUL.
 */
CU_WUR int cu_json_get_str(const json_t *obj, const char *key, const char **out);
CU_WUR int cu_json_get_int(const json_t *obj, const char *key, int64_t *out);
CU_WUR int cu_json_get_bool(const json_t *obj, const char *key, bool *out);

/* Serialise compactly; the result is cu_free()d by the caller. */
char *cu_json_dump(const json_t *v);
/* Append the serialisation of v to b. */
CU_WUR int cu_json_dump_buf(const json_t *v, struct cu_buf *b);

#endif
