#include "core/json.h"
#include "core/util.h"

void cu_json_init(void)
{
	json_set_alloc_funcs(cu_malloc, cu_free);
}

static size_t depth_of(const json_t *v, size_t limit)
{
	size_t max = 0;
	if (limit == 0)
		return 1;
	if (json_is_object(v)) {
		const char *k;
		json_t *c;
		json_object_foreach((json_t *)v, k, c) {
			size_t d = depth_of(c, limit - 1);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *c;
		json_array_foreach(v, i, c) {
			size_t d = depth_of(c, limit - 1);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	return 0;
}

int cu_json_parse(const char *data, size_t len, json_t **out, char *why, size_t whylen)
{
	json_error_t jerr;
	json_t *v;

	*out = NULL;
	if (why && whylen)
		why[0] = '\0';
	if (len > CU_MAX_BODY_BYTES) {
		if (why)
			snprintf(why, whylen, "JSON document larger than %u bytes", CU_MAX_BODY_BYTES);
		return CU_ERR_TOO_LARGE;
	}
	if (!cu_utf8_valid(data, len)) {
		if (why)
			snprintf(why, whylen, "request body is not valid UTF-8");
		return CU_ERR_INVALID;
	}
	v = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!v) {
		if (why)
			snprintf(why, whylen, "malformed JSON at line %d column %d: %s",
				 jerr.line, jerr.column, jerr.text);
		return CU_ERR_INVALID;
	}
	if (depth_of(v, CU_MAX_JSON_DEPTH + 1) > CU_MAX_JSON_DEPTH) {
		json_decref(v);
		if (why)
			snprintf(why, whylen, "JSON nested deeper than %d levels", CU_MAX_JSON_DEPTH);
		return CU_ERR_INVALID;
	}
	*out = v;
	return CU_OK;
}

int cu_json_only_keys(const json_t *obj, const char *const allowed[], const char **bad)
{
	const char *k;
	json_t *v;

	*bad = NULL;
	if (!json_is_object(obj))
		return CU_ERR_INVALID;
	json_object_foreach((json_t *)obj, k, v) {
		bool ok = false;
		for (size_t i = 0; allowed[i]; i++)
			if (strcmp(k, allowed[i]) == 0) {
				ok = true;
				break;
			}
		if (!ok) {
			*bad = k;
			return CU_ERR_INVALID;
		}
	}
	return CU_OK;
}

int cu_json_get_str(const json_t *obj, const char *key, const char **out)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return CU_ERR_NOT_FOUND;
	if (!json_is_string(v))
		return CU_ERR_INVALID;
	/* jansson allows embedded NUL (\u0000); we do not. */
	if (strlen(json_string_value(v)) != json_string_length(v))
		return CU_ERR_INVALID;
	*out = json_string_value(v);
	return CU_OK;
}

int cu_json_get_int(const json_t *obj, const char *key, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	*out = 0;
	if (!v || json_is_null(v))
		return CU_ERR_NOT_FOUND;
	if (!json_is_integer(v))
		return CU_ERR_INVALID;
	*out = (int64_t)json_integer_value(v);
	return CU_OK;
}

int cu_json_get_bool(const json_t *obj, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);
	*out = false;
	if (!v || json_is_null(v))
		return CU_ERR_NOT_FOUND;
	if (!json_is_boolean(v))
		return CU_ERR_INVALID;
	*out = json_is_true(v);
	return CU_OK;
}

char *cu_json_dump(const json_t *v)
{
	/* Reals (confidences) with 6 significant digits: 0.98, not 0.97999999999999998. */
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));
	return s ? s : cu_strdup("null");
}

int cu_json_dump_buf(const json_t *v, struct cu_buf *b)
{
	char *s = cu_json_dump(v);
	int r = cu_buf_puts(b, s);
	cu_free(s);
	return r;
}
