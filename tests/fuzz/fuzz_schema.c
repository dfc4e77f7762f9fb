/*
 * fuzz_schema.c - libFuzzer target for collection schemas and field values.
 *
 * Input: a schema spec (POST /v1/collections body), optionally followed
 * by a NUL byte and values, one per line.  The spec goes through
 * cu_json_parse and cu_schema_from_json.  When it is valid:
 *   - cu_schema_to_json -> cu_schema_from_json gives the same schema, both
 *     directly and through the compact text (dump -> parse);
 *   - value line i goes to field i % nfields, as JSON through
 *     cu_field_canonical and as text through cu_field_from_text.  A
 *     canonical value must be of the field's JSON type, within its
 *     max_length, and canonicalise to itself (idempotence); text and its
 *     JSON string must give the same canonical value.
 * Without a valid spec, the values run against a fixed schema with one
 * field of each type, so value checks are fuzzed from any input.
 */
#include "core/common.h"
#include "core/json.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "vault/schema.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct cu_schema fixed;

static const char fixed_spec[] =
	"{\"name\":\"fz\",\"fields\":["
	"{\"name\":\"s\",\"type\":\"string\",\"max_length\":8},"
	"{\"name\":\"t\",\"type\":\"text\"},"
	"{\"name\":\"n\",\"type\":\"name\"},"
	"{\"name\":\"p\",\"type\":\"phone\"},"
	"{\"name\":\"id\",\"type\":\"cn_id\"},"
	"{\"name\":\"e\",\"type\":\"email\"},"
	"{\"name\":\"c\",\"type\":\"bank_card\"},"
	"{\"name\":\"a\",\"type\":\"address\"},"
	"{\"name\":\"d\",\"type\":\"date\"},"
	"{\"name\":\"i\",\"type\":\"int\"},"
	"{\"name\":\"b\",\"type\":\"bool\"}]}";

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
	if (cu_json_parse(fixed_spec, sizeof(fixed_spec) - 1, &j, NULL, 0) ||
	    cu_schema_from_json(j, &fixed, NULL))
		abort();
	json_decref(j);
	return 0;
}

static bool same_field(const struct cu_field *a, const struct cu_field *b)
{
	return strcmp(a->name, b->name) == 0 && a->type == b->type && a->cls == b->cls &&
	       a->mask == b->mask && a->required == b->required &&
	       a->searchable == b->searchable && a->max_length == b->max_length;
}

static bool same_schema(const struct cu_schema *a, const struct cu_schema *b)
{
	if (strcmp(a->name, b->name) || a->require_consent != b->require_consent ||
	    a->nfields != b->nfields)
		return false;
	for (size_t i = 0; i < a->nfields; i++)
		if (!same_field(&a->fields[i], &b->fields[i]))
			return false;
	return true;
}

/* What a valid schema must look like. */
static void schema_sane(const struct cu_schema *s)
{
	check(s->nfields >= 1 && s->nfields <= CU_MAX_FIELDS && cu_name_valid(s->name));
	for (size_t i = 0; i < s->nfields; i++) {
		const struct cu_field *f = &s->fields[i];
		check(cu_name_valid(f->name) && cu_schema_field(s, f->name) == f);
		check(f->type <= CU_T_BOOL && f->cls <= CU_CLASS_HIGHLY_SENSITIVE);
		check(f->mask != CU_MASK_NONE && f->mask <= CU_MASK_NULL);
		check(f->max_length >= 1 && f->max_length <= (int64_t)CU_MAX_FIELD_BYTES);
	}
}

static void roundtrip(const struct cu_schema *s)
{
	struct cu_schema *back = cu_malloc(sizeof(*back));
	struct cu_errinfo ei;
	json_t *j = cu_schema_to_json(s), *reparsed = NULL;
	char *text;

	check(cu_schema_from_json(j, back, &ei) == CU_OK);
	check(same_schema(s, back));
	text = cu_json_dump(j);
	check(cu_json_parse(text, strlen(text), &reparsed, NULL, 0) == CU_OK);
	check(cu_schema_from_json(reparsed, back, &ei) == CU_OK);
	check(same_schema(s, back));
	json_decref(reparsed);
	cu_free(text);
	json_decref(j);
	cu_free(back);
}

/* c is f's canonical value: its type, its cap, and canonical again. */
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

static void one_value(const struct cu_field *f, const char *line, size_t n)
{
	struct cu_errinfo ei;
	json_t *v = NULL, *c = NULL, *t = NULL, *str;
	char *text;
	int r;

	/* As JSON, the way record bodies carry it. */
	if (cu_json_parse(line, n, &v, NULL, 0) == CU_OK) {
		r = cu_field_canonical(f, v, &c, &ei);
		if (r == CU_OK)
			canonical_sane(f, c);
		else
			check(r == CU_ERR_INVALID && c == NULL && ei.msg[0]);
		json_decref(c);
		c = NULL;
		json_decref(v);
	}
	/* As text, the way a query string carries it. */
	if (memchr(line, '\0', n))
		return;
	text = cu_strndup(line, n);
	r = cu_field_from_text(f, text, &t, &ei);
	if (r == CU_OK)
		canonical_sane(f, t);
	else
		check(r == CU_ERR_INVALID && t == NULL);
	/* For string-like fields, text and its JSON string agree. */
	if (f->type != CU_T_INT && f->type != CU_T_BOOL && (str = json_string(text))) {
		int r2 = cu_field_canonical(f, str, &c, &ei);
		check((r2 == CU_OK) == (r == CU_OK));
		if (r == CU_OK)
			check(json_equal(c, t));
		json_decref(c);
		json_decref(str);
	}
	json_decref(t);
	cu_free(text);
}

static void values(const struct cu_schema *s, const char *p, size_t n)
{
	size_t i = 0;
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t len = nl ? (size_t)(nl - p) : n;
		one_value(&s->fields[i++ % s->nfields], p, len);
		if (!nl)
			break;
		n -= len + 1;
		p += len + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nul = memchr(in, '\0', size);
	size_t speclen = nul ? (size_t)(nul - in) : size;
	struct cu_schema *s;
	struct cu_errinfo ei;
	json_t *spec = NULL;
	bool valid = false;

	if (!fixed.nfields)
		LLVMFuzzerInitialize(NULL, NULL);
	s = cu_malloc(sizeof(*s));
	if (cu_json_parse(in, speclen, &spec, NULL, 0) == CU_OK) {
		memset(&ei, 0, sizeof(ei));
		int r = cu_schema_from_json(spec, s, &ei);
		if (r == CU_OK) {
			valid = true;
			schema_sane(s);
			roundtrip(s);
		} else {
			check(r == CU_ERR_INVALID && ei.msg[0]);
		}
		json_decref(spec);
	}
	if (nul)
		values(valid ? s : &fixed, nul + 1, size - speclen - 1);
	else if (!valid)
		values(&fixed, in, size);
	cu_free(s);
	return 0;
}
