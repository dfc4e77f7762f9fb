/*
 * fuzz_record_body.c - libFuzzer target for record bodies
 * (POST /v1/collections/<c>/records).
 *
 * The input is parsed with cu_json_parse and checked the way
 * cu_vault_record_create checks a body before it touches the store: known
 * keys only, subject a string of 1-128 bytes, owner a user name, related
 * an array of at most CU_MAX_RELATED user names, and every "fields" entry
 * a field of the schema whose value cu_field_canonical accepts, with
 * every required field present.  The schema is fixed: one field of each
 * type, some required, some with a small max_length.  Canonical values
 * must have the field's JSON type, fit its max_length and canonicalise to
 * themselves; a rejection must name the field.  Any break aborts.
 */
#include "core/common.h"
#include "core/json.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "vault/schema.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct cu_schema schema;

static const char spec[] =
	"{\"name\":\"customers\",\"fields\":["
	"{\"name\":\"nick\",\"type\":\"string\",\"max_length\":16},"
	"{\"name\":\"note\",\"type\":\"text\",\"class\":\"public\"},"
	"{\"name\":\"name\",\"type\":\"name\",\"required\":true,\"class\":\"sensitive\"},"
	"{\"name\":\"phone\",\"type\":\"phone\",\"class\":\"sensitive\"},"
	"{\"name\":\"id_no\",\"type\":\"cn_id\",\"class\":\"highly_sensitive\",\"mask\":\"cn_id_strict\"},"
	"{\"name\":\"email\",\"type\":\"email\",\"searchable\":false},"
	"{\"name\":\"card\",\"type\":\"bank_card\",\"class\":\"highly_sensitive\"},"
	"{\"name\":\"addr\",\"type\":\"address\",\"max_length\":64},"
	"{\"name\":\"born\",\"type\":\"date\"},"
	"{\"name\":\"age\",\"type\":\"int\"},"
	"{\"name\":\"vip\",\"type\":\"bool\"}]}";

static void check(bool ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	json_t *j = NULL;
	(void)argc;
	(void)argv;
	if (cu_crypto_init())
		abort();
	cu_json_init();
	if (cu_json_parse(spec, sizeof(spec) - 1, &j, NULL, 0) ||
	    cu_schema_from_json(j, &schema, NULL) || schema.nfields != 11)
		abort();
	json_decref(j);
	return 0;
}

static void canonical_sane(const struct cu_field *f, const json_t *c)
{
	struct cu_errinfo ei;
	json_t *again = NULL;

	check(c != NULL);
	if (f->type == CU_T_INT)
		check(json_is_integer(c));
	else if (f->type == CU_T_BOOL)
		check(json_is_boolean(c));
	else
		check(json_is_string(c) &&
		      strlen(json_string_value(c)) == json_string_length(c) &&
		      cu_utf8_valid(json_string_value(c), json_string_length(c)) &&
		      (int64_t)cu_utf8_len(json_string_value(c), json_string_length(c)) <=
			      f->max_length);
	check(cu_field_canonical(f, c, &again, &ei) == CU_OK);
	check(json_equal(c, again));
	json_decref(again);
}

/* The checks of cu_vault_record_create before the store; CU_OK or
 * CU_ERR_INVALID with ei set.  *canon gets the canonical fields. */
static int check_body(const json_t *body, json_t **canon, struct cu_errinfo *ei)
{
	static const char *const keys[] = { "fields", "subject", "owner", "related", NULL };
	const char *bad, *ref = NULL, *owner = NULL, *k;
	json_t *related, *fields, *val, *u;
	size_t i;
	int r;

	*canon = NULL;
	if (!json_is_object(body))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "", "body must be a JSON object");
	if (cu_json_only_keys(body, keys, &bad))
		return cu_errinfo_set(ei, CU_ERR_INVALID, bad, "unknown key");
	r = cu_json_get_str(body, "subject", &ref);
	if (r == CU_ERR_INVALID || (ref && (!*ref || strlen(ref) > 128)))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "subject", "bad subject");
	r = cu_json_get_str(body, "owner", &owner);
	if (r != CU_ERR_NOT_FOUND && (r || !cu_name_valid(owner)))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "owner", "bad owner");
	related = json_object_get(body, "related");
	if (related) {
		if (!json_is_array(related) || json_array_size(related) > CU_MAX_RELATED)
			return cu_errinfo_set(ei, CU_ERR_INVALID, "related", "bad related");
		json_array_foreach(related, i, u)
			if (!json_is_string(u) || !cu_name_valid(json_string_value(u)))
				return cu_errinfo_set(ei, CU_ERR_INVALID, "related", "bad name");
	}
	fields = json_object_get(body, "fields");
	if (!json_is_object(fields))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "fields", "fields must be an object");
	*canon = json_object();
	json_object_foreach(fields, k, val) {
		const struct cu_field *f = cu_schema_field(&schema, k);
		json_t *cv = NULL;
		if (!f) {
			r = cu_errinfo_set(ei, CU_ERR_INVALID, k, "unknown field");
			goto fail;
		}
		if (json_is_null(val)) {
			r = cu_errinfo_set(ei, CU_ERR_INVALID, k, "required");
			goto fail;
		}
		memset(ei, 0, sizeof(*ei));
		if ((r = cu_field_canonical(f, val, &cv, ei))) {
			/* A rejection names the field and says why. */
			check(r == CU_ERR_INVALID && cv == NULL && strcmp(ei->field, f->name) == 0 &&
			      ei->msg[0]);
			goto fail;
		}
		canonical_sane(f, cv);
		json_object_set_new(*canon, k, cv);
	}
	for (i = 0; i < schema.nfields; i++)
		if (schema.fields[i].required && !json_object_get(*canon, schema.fields[i].name)) {
			r = cu_errinfo_set(ei, CU_ERR_INVALID, schema.fields[i].name, "required");
			goto fail;
		}
	return CU_OK;
fail:
	json_decref(*canon);
	*canon = NULL;
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cu_errinfo ei;
	json_t *body = NULL, *canon = NULL, *again = NULL;
	char *text;

	if (!schema.nfields)
		LLVMFuzzerInitialize(NULL, NULL);
	if (cu_json_parse((const char *)data, size, &body, NULL, 0))
		return 0;
	if (check_body(body, &canon, &ei) == CU_OK) {
		/* The canonical record is itself a valid body with the same
		 * fields: what is stored reads back and re-validates. */
		json_t *b2 = json_pack("{s:O}", "fields", canon);
		check(b2 != NULL);
		text = cu_json_dump(b2);
		json_decref(b2);
		check(cu_json_parse(text, strlen(text), &b2, NULL, 0) == CU_OK);
		check(check_body(b2, &again, &ei) == CU_OK && json_equal(canon, again));
		json_decref(b2);
		json_decref(again);
		cu_free(text);
		json_decref(canon);
	}
	json_decref(body);
	return 0;
}
