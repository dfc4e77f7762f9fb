/*
 * fuzz_json.c - libFuzzer target for cu_json_parse and the typed getters.
 *
 * Every input goes through cu_json_parse.  Invariants (any break aborts):
 *   - a parse that succeeds saw valid UTF-8 no larger than
 *     CU_MAX_BODY_BYTES, and gives a tree no deeper than
 *     CU_MAX_JSON_DEPTH whose strings and keys are all valid UTF-8;
 *   - a parse that fails leaves *out NULL and says why;
 *   - the compact dump of a parsed tree parses back to an equal tree;
 *   - cu_json_only_keys accepts exactly the objects whose keys are all
 *     allowed and otherwise names a key of the object that is not;
 *   - each getter agrees with the value's jansson type: absent or null is
 *     CU_ERR_NOT_FOUND, the right type CU_OK (strings: UTF-8, no NUL),
 *     anything else CU_ERR_INVALID, and out-params are cleared on error.
 */
#include "core/common.h"
#include "core/json.h"
#include "core/util.h"
#include "crypto/crypto.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static bool ready;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (cu_crypto_init())
		abort();
	cu_json_init();
	ready = true;
	return 0;
}

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* Depth as cu_json_parse counts it: scalars 0, containers 1 + deepest child. */
static size_t depth(const json_t *v)
{
	size_t max = 0, i;
	const char *k;
	json_t *c;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, c) {
			size_t d = depth(c);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, c) {
			size_t d = depth(c);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	return 0;
}

/* Every string and key in v is valid UTF-8 (strings may hold no NUL:
 * jansson refuses \u0000 unless asked). */
static void utf8_tree(const json_t *v)
{
	size_t i;
	const char *k;
	json_t *c;

	if (json_is_string(v)) {
		check(cu_utf8_valid(json_string_value(v), json_string_length(v)));
		check(strlen(json_string_value(v)) == json_string_length(v));
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, c) {
			check(cu_utf8_valid(k, strlen(k)));
			utf8_tree(c);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, c)
			utf8_tree(c);
	}
}

static void getters(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	bool absent = !v || json_is_null(v);
	const char *s = "x";
	int64_t i = 1;
	bool b = true;
	int r;

	r = cu_json_get_str(obj, key, &s);
	if (absent)
		check(r == CU_ERR_NOT_FOUND && !s);
	else if (json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v))
		check(r == CU_OK && s == json_string_value(v) && cu_utf8_valid(s, strlen(s)));
	else
		check(r == CU_ERR_INVALID && !s);

	r = cu_json_get_int(obj, key, &i);
	if (absent)
		check(r == CU_ERR_NOT_FOUND && i == 0);
	else if (json_is_integer(v))
		check(r == CU_OK && i == (int64_t)json_integer_value(v));
	else
		check(r == CU_ERR_INVALID && i == 0);

	r = cu_json_get_bool(obj, key, &b);
	if (absent)
		check(r == CU_ERR_NOT_FOUND && !b);
	else if (json_is_boolean(v))
		check(r == CU_OK && b == json_is_true(v));
	else
		check(r == CU_ERR_INVALID && !b);
}

static void object_checks(const json_t *obj)
{
	static const char *const allowed[] = { "name", "fields", "type", "subject", "", NULL };
	static const char *const none[] = { NULL };
	const char *bad = "x", *k;
	json_t *c;
	bool all_allowed = true;
	int r;

	json_object_foreach((json_t *)obj, k, c) {
		bool ok = false;
		for (size_t i = 0; allowed[i]; i++)
			ok |= strcmp(k, allowed[i]) == 0;
		all_allowed &= ok;
		getters(obj, k);
	}
	r = cu_json_only_keys(obj, allowed, &bad);
	if (all_allowed) {
		check(r == CU_OK && !bad);
	} else {
		bool known = false;
		check(r == CU_ERR_INVALID && bad && json_object_get(obj, bad));
		for (size_t i = 0; allowed[i]; i++)
			known |= strcmp(bad, allowed[i]) == 0;
		check(!known);
	}
	r = cu_json_only_keys(obj, none, &bad);
	check(json_object_size(obj) == 0 ? r == CU_OK && !bad : r == CU_ERR_INVALID && bad);
	/* Absent keys, and a key with an embedded byte sequence that cannot
	 * be in a parsed object. */
	getters(obj, "no such key");
	getters(obj, "\xff");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	json_t *v = NULL, *back = NULL;
	char why[256];
	const char *bad = "x";
	static const char *const allowed[] = { "a", NULL };
	int r;

	if (!ready)
		LLVMFuzzerInitialize(NULL, NULL);
	r = cu_json_parse(text, size, &v, why, sizeof(why));
	if (r) {
		check(v == NULL && why[0] != '\0');
		check(r == CU_ERR_INVALID || (r == CU_ERR_TOO_LARGE && size > CU_MAX_BODY_BYTES));
		return 0;
	}
	check(v != NULL && size <= CU_MAX_BODY_BYTES);
	/* Never succeeds on invalid UTF-8, never deeper than the limit. */
	check(cu_utf8_valid(text, size));
	check(depth(v) <= CU_MAX_JSON_DEPTH);
	utf8_tree(v);

	/* Dump and re-parse: the same tree. */
	char *dump = cu_json_dump(v);
	size_t dlen = strlen(dump);
	if (dlen <= CU_MAX_BODY_BYTES) {
		check(cu_json_parse(dump, dlen, &back, why, sizeof(why)) == CU_OK);
		check(json_equal(v, back));
		json_decref(back);
	}
	cu_free(dump);

	if (json_is_object(v))
		object_checks(v);
	else
		check(cu_json_only_keys(v, allowed, &bad) == CU_ERR_INVALID);
	json_decref(v);
	return 0;
}
