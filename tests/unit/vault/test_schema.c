/*
 * test_schema.c - collection schemas (vault/schema.h): which specs are
 * accepted and with what defaults, which are refused and which field
 * the error names; canonical forms and validation of every field type.
 *
 * Specs are written with ' for " to stay readable.
 */
#include "test.h"
#include "vault/schema.h"

/* Parse JSON written with single quotes. */
static json_t *js(const char *squoted)
{
	char *s = cu_strdup(squoted);
	json_t *v = NULL;
	char why[160];
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	if (cu_json_parse(s, strlen(s), &v, why, sizeof(why)) != CU_OK) {
		fprintf(stderr, "bad test JSON %s: %s\n", squoted, why);
		v = json_null();
	}
	cu_free(s);
	return v;
}

static const struct {
	const char *spec;
	int err;
	const char *field; /* what ei.field must say on error */
} schema_cases[] = {
	/* accepted */
	{ "{'name':'customers','fields':[{'name':'phone','type':'phone'}]}", CU_OK, NULL },
	{ "{'name':'c.v-1_x','fields':[{'name':'a1','type':'string'}],'require_consent':true}", CU_OK, NULL },
	{ "{'name':'c','fields':[{'name':'x','type':'int','class':'public','mask':'redact',"
	  "'required':true,'searchable':false,'max_length':1}]}", CU_OK, NULL },
	{ "{'name':'c','fields':[{'name':'x','type':'text','max_length':65536,'class':null,'mask':null}]}", CU_OK, NULL },
	{ "{'name':'0c','fields':[{'name':'9','type':'bool','required':false}]}", CU_OK, NULL },
	/* body shape */
	{ "[]", CU_ERR_INVALID, "" },
	{ "'customers'", CU_ERR_INVALID, "" },
	{ "{'name':'c','fields':[{'name':'x','type':'int'}],'extra':1}", CU_ERR_INVALID, "extra" },
	{ "{'name':'c','fields':[{'name':'x','type':'int'}],'Name':'c'}", CU_ERR_INVALID, "Name" },
	/* collection name */
	{ "{'fields':[{'name':'x','type':'int'}]}", CU_ERR_INVALID, "name" },
	{ "{'name':null,'fields':[{'name':'x','type':'int'}]}", CU_ERR_INVALID, "name" },
	{ "{'name':'','fields':[{'name':'x','type':'int'}]}", CU_ERR_INVALID, "name" },
	{ "{'name':'Customers','fields':[{'name':'x','type':'int'}]}", CU_ERR_INVALID, "name" },
	{ "{'name':'_c','fields':[{'name':'x','type':'int'}]}", CU_ERR_INVALID, "name" },
	{ "{'name':'a b','fields':[{'name':'x','type':'int'}]}", CU_ERR_INVALID, "name" },
	{ "{'name':'客户','fields':[{'name':'x','type':'int'}]}", CU_ERR_INVALID, "name" },
	{ "{'name':'../etc','fields':[{'name':'x','type':'int'}]}", CU_ERR_INVALID, "name" },
	{ "{'name':7,'fields':[{'name':'x','type':'int'}]}", CU_ERR_INVALID, "name" },
	{ "{'name':'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',"
	  "'fields':[{'name':'x','type':'int'}]}", CU_ERR_INVALID, "name" },
	{ "{'name':'c','fields':[{'name':'x','type':'int'}],'require_consent':'yes'}", CU_ERR_INVALID, "require_consent" },
	/* fields list */
	{ "{'name':'c'}", CU_ERR_INVALID, "fields" },
	{ "{'name':'c','fields':[]}", CU_ERR_INVALID, "fields" },
	{ "{'name':'c','fields':{'x':'int'}}", CU_ERR_INVALID, "fields" },
	{ "{'name':'c','fields':'x'}", CU_ERR_INVALID, "fields" },
	{ "{'name':'c','fields':['x']}", CU_ERR_INVALID, "fields" },
	{ "{'name':'c','fields':[null]}", CU_ERR_INVALID, "fields" },
	/* field name */
	{ "{'name':'c','fields':[{'type':'int'}]}", CU_ERR_INVALID, "fields" },
	{ "{'name':'c','fields':[{'name':'X','type':'int'}]}", CU_ERR_INVALID, "fields" },
	{ "{'name':'c','fields':[{'name':'-x','type':'int'}]}", CU_ERR_INVALID, "fields" },
	{ "{'name':'c','fields':[{'name':'','type':'int'}]}", CU_ERR_INVALID, "fields" },
	{ "{'name':'c','fields':[{'name':1,'type':'int'}]}", CU_ERR_INVALID, "fields" },
	/* unknown keys in a field name the field when it has a name */
	{ "{'name':'c','fields':[{'name':'x','type':'int','encrypt':true}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'type':'int','Name':'x'}]}", CU_ERR_INVALID, "fields" },
	/* type */
	{ "{'name':'c','fields':[{'name':'x'}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'varchar'}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'String'}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':''}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':3}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':['int']}]}", CU_ERR_INVALID, "x" },
	/* class */
	{ "{'name':'c','fields':[{'name':'x','type':'int','class':'secret'}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'int','class':'Sensitive'}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'int','class':2}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'int','class':true}]}", CU_ERR_INVALID, "x" },
	/* mask */
	{ "{'name':'c','fields':[{'name':'x','type':'int','mask':'stars'}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'int','mask':'none'}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'int','mask':''}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'int','mask':1}]}", CU_ERR_INVALID, "x" },
	/* flags and limits */
	{ "{'name':'c','fields':[{'name':'x','type':'int','required':'true'}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'int','required':1}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'int','searchable':'no'}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'int','max_length':0}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'int','max_length':-5}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'int','max_length':65537}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'int','max_length':'10'}]}", CU_ERR_INVALID, "x" },
	{ "{'name':'c','fields':[{'name':'x','type':'int','max_length':1.5}]}", CU_ERR_INVALID, "x" },
	/* duplicates: the second one is named */
	{ "{'name':'c','fields':[{'name':'x','type':'int'},{'name':'y','type':'int'},"
	  "{'name':'x','type':'string'}]}", CU_ERR_INVALID, "x" },
	/* a bad field after good ones is named */
	{ "{'name':'c','fields':[{'name':'a','type':'int'},{'name':'b','type':'nope'}]}", CU_ERR_INVALID, "b" },
};

CU_TEST(schema_table)
{
	for (size_t i = 0; i < CU_ARRAY_LEN(schema_cases); i++) {
		json_t *spec = js(schema_cases[i].spec);
		struct cu_schema *s = cu_calloc(1, sizeof(*s));
		struct cu_errinfo ei;
		memset(&ei, 0, sizeof(ei));
		snprintf(ei.field, sizeof(ei.field), "(unset)");
		int r = cu_schema_from_json(spec, s, &ei);
		if (r != schema_cases[i].err ||
		    (r && strcmp(ei.field, schema_cases[i].field) != 0) || (r && !ei.msg[0]))
			fprintf(stderr, "case %zu %s: got %d field '%s' msg '%s'\n", i,
				schema_cases[i].spec, r, ei.field, ei.msg);
		CHECK_EQ_INT(r, schema_cases[i].err);
		if (r) {
			CHECK_STR(ei.field, schema_cases[i].field);
			CHECK(ei.msg[0] != '\0');
		}
		json_decref(spec);
		cu_free(s);
	}
}

CU_TEST(schema_defaults_and_round_trip)
{
	static const char *const types[] = { "string", "text", "name", "phone", "cn_id", "email",
					     "bank_card", "address", "date", "int", "bool" };
	static const char *const def_mask[] = { "partial", "redact", "name", "mobile", "cn_id", "email",
						"bank_card", "address", "redact", "redact", "redact" };
	static const char *const classes[] = { "public", "internal", "sensitive", "highly_sensitive" };
	static const char *const masks[] = { "mobile", "cn_id", "cn_id_strict", "bank_card", "name",
					     "email", "address", "partial", "redact", "hash", "null" };
	json_t *spec = json_object(), *fields = json_array();
	struct cu_schema *s = cu_calloc(1, sizeof(*s)), *s2 = cu_calloc(1, sizeof(*s2));
	struct cu_errinfo ei;
	char name[32];

	json_object_set_new(spec, "name", json_string("everything"));
	for (size_t t = 0; t < CU_ARRAY_LEN(types); t++) {
		snprintf(name, sizeof(name), "t_%s", types[t]);
		json_array_append_new(fields, json_pack("{s:s,s:s}", "name", name, "type", types[t]));
	}
	for (size_t c = 0; c < CU_ARRAY_LEN(classes); c++) {
		snprintf(name, sizeof(name), "c_%s", classes[c]);
		json_array_append_new(fields, json_pack("{s:s,s:s,s:s}", "name", name, "type", "string",
							"class", classes[c]));
	}
	for (size_t m = 0; m < CU_ARRAY_LEN(masks); m++) {
		snprintf(name, sizeof(name), "m_%s", masks[m]);
		json_array_append_new(fields, json_pack("{s:s,s:s,s:s,s:b,s:b,s:i}", "name", name, "type",
							"string", "mask", masks[m], "required", 1,
							"searchable", 0, "max_length", 12));
	}
	json_object_set_new(spec, "fields", fields);
	CHECK_EQ_INT(cu_schema_from_json(spec, s, &ei), CU_OK);
	CHECK_STR(s->name, "everything");
	CHECK(!s->require_consent);
	CHECK_EQ_INT(s->nfields, CU_ARRAY_LEN(types) + CU_ARRAY_LEN(classes) + CU_ARRAY_LEN(masks));
	for (size_t t = 0; t < CU_ARRAY_LEN(types); t++) {
		const struct cu_field *f = &s->fields[t];
		CHECK_STR(cu_ftype_name(f->type), types[t]);
		CHECK_STR(cu_mask_name(f->mask), def_mask[t]);
		CHECK_EQ_INT(f->cls, CU_CLASS_INTERNAL); /* default class */
		CHECK(!f->required);
		CHECK(f->searchable);
		CHECK_EQ_INT(f->max_length, f->type == CU_T_TEXT ? 16384 : 256);
	}
	for (size_t c = 0; c < CU_ARRAY_LEN(classes); c++) {
		const struct cu_field *f = &s->fields[CU_ARRAY_LEN(types) + c];
		CHECK_STR(cu_fclass_name(f->cls), classes[c]);
		CHECK_EQ_INT(cu_fclass_sealed(f->cls), c >= 2);
	}
	for (size_t m = 0; m < CU_ARRAY_LEN(masks); m++) {
		const struct cu_field *f = &s->fields[CU_ARRAY_LEN(types) + CU_ARRAY_LEN(classes) + m];
		CHECK_STR(cu_mask_name(f->mask), masks[m]);
		CHECK(f->required);
		CHECK(!f->searchable);
		CHECK_EQ_INT(f->max_length, 12);
	}
	CHECK(cu_schema_field(s, "t_phone") == &s->fields[3]);
	CHECK(cu_schema_field(s, "nope") == NULL);
	CHECK(cu_schema_field(s, "t_phon") == NULL);

	/* to_json -> from_json gives the same schema (the vault stores it so). */
	json_t *back = cu_schema_to_json(s);
	CHECK_EQ_INT(cu_schema_from_json(back, s2, &ei), CU_OK);
	CHECK(memcmp(s, s2, sizeof(*s)) == 0);
	json_decref(back);
	json_decref(spec);

	/* Exactly CU_MAX_FIELDS fields is fine; one more is not. */
	spec = json_object();
	fields = json_array();
	json_object_set_new(spec, "name", json_string("wide"));
	for (int i = 0; i < CU_MAX_FIELDS; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		json_array_append_new(fields, json_pack("{s:s,s:s}", "name", name, "type", "int"));
	}
	json_object_set_new(spec, "fields", fields);
	CHECK_EQ_INT(cu_schema_from_json(spec, s, &ei), CU_OK);
	CHECK_EQ_INT(s->nfields, CU_MAX_FIELDS);
	json_array_append_new(fields, json_pack("{s:s,s:s}", "name", "one_more", "type", "int"));
	CHECK_EQ_INT(cu_schema_from_json(spec, s, &ei), CU_ERR_INVALID);
	CHECK_STR(ei.field, "fields");
	json_decref(spec);
	CHECK_EQ_INT(cu_schema_from_json(NULL, s, &ei), CU_ERR_INVALID);
	/* ei may be NULL. */
	spec = js("{'name':'Bad','fields':[]}");
	CHECK_EQ_INT(cu_schema_from_json(spec, s, NULL), CU_ERR_INVALID);
	json_decref(spec);
	cu_free(s);
	cu_free(s2);
}

static struct cu_field field_of(enum cu_ftype t, const char *name, int64_t max_length)
{
	struct cu_field f;
	memset(&f, 0, sizeof(f));
	snprintf(f.name, sizeof(f.name), "%s", name);
	f.type = t;
	f.cls = CU_CLASS_SENSITIVE;
	f.max_length = max_length;
	f.searchable = true;
	return f;
}

struct vcase {
	enum cu_ftype type;
	const char *in;       /* JSON, single quotes */
	const char *canon;    /* expected canonical JSON, NULL = rejected */
};

static const struct vcase value_cases[] = {
	/* string-like types: any string, kept as is */
	{ CU_T_STRING, "'abc'", "'abc'" },
	{ CU_T_STRING, "''", "''" },
	{ CU_T_STRING, "' 两 边 '", "' 两 边 '" },
	{ CU_T_TEXT, "'line1\\nline2'", "'line1\\nline2'" },
	{ CU_T_NAME, "'张三'", "'张三'" },
	{ CU_T_ADDRESS, "'北京市朝阳区建国路88号'", "'北京市朝阳区建国路88号'" },
	{ CU_T_STRING, "12", NULL },
	{ CU_T_STRING, "true", NULL },
	{ CU_T_STRING, "null", NULL },
	{ CU_T_STRING, "['a']", NULL },
	{ CU_T_NAME, "{'a':1}", NULL },
	/* phone: spaces and hyphens go, optional leading + */
	{ CU_T_PHONE, "'13812345678'", "'13812345678'" },
	{ CU_T_PHONE, "'138 1234 5678'", "'13812345678'" },
	{ CU_T_PHONE, "'138-1234-5678'", "'13812345678'" },
	{ CU_T_PHONE, "' 138 - 1234 - 5678 '", "'13812345678'" },
	{ CU_T_PHONE, "'+86 138-1234-5678'", "'+8613812345678'" },
	{ CU_T_PHONE, "'010-12345678'", "'01012345678'" },
	{ CU_T_PHONE, "'12345'", "'12345'" },
	{ CU_T_PHONE, "'1234'", NULL },
	{ CU_T_PHONE, "'123456789012345678901'", NULL },
	{ CU_T_PHONE, "'138a1234567'", NULL },
	{ CU_T_PHONE, "'(010)12345678'", NULL },
	{ CU_T_PHONE, "'138.1234.5678'", NULL },
	{ CU_T_PHONE, "'++8613812345678'", NULL },
	{ CU_T_PHONE, "'8613812345678+'", NULL },
	{ CU_T_PHONE, "'+'", NULL },
	{ CU_T_PHONE, "''", NULL },
	{ CU_T_PHONE, "'１３８１２３４５６７８'", NULL }, /* full-width digits */
	{ CU_T_PHONE, "13812345678", NULL },
	/* cn_id: GB 11643 MOD 11-2 check character, lower-case x upper-cased */
	{ CU_T_CN_ID, "'11010519491231002X'", "'11010519491231002X'" },
	{ CU_T_CN_ID, "'11010519491231002x'", "'11010519491231002X'" },
	{ CU_T_CN_ID, "'110101199003071233'", "'110101199003071233'" },
	{ CU_T_CN_ID, "'440304198512010019'", "'440304198512010019'" },
	{ CU_T_CN_ID, "'110105194912310020'", NULL },
	{ CU_T_CN_ID, "'110105194912310021'", NULL },
	{ CU_T_CN_ID, "'110105194912310029'", NULL },
	{ CU_T_CN_ID, "'110101199003071234'", NULL },
	{ CU_T_CN_ID, "'110101199003071X33'", NULL },
	{ CU_T_CN_ID, "'11010519491231002'", NULL },
	{ CU_T_CN_ID, "'11010519491231002XX'", NULL },
	{ CU_T_CN_ID, "'110105 19491231002X'", NULL },
	{ CU_T_CN_ID, "'X10105194912310020'", NULL },
	{ CU_T_CN_ID, "'110105194912310'", NULL }, /* 15-digit IDs are not this type */
	{ CU_T_CN_ID, "''", NULL },
	{ CU_T_CN_ID, "110105194912310020", NULL },
	/* bank_card: 12-19 digits, Luhn, spaces/hyphens stripped */
	{ CU_T_BANK_CARD, "'6222021234567894'", "'6222021234567894'" },
	{ CU_T_BANK_CARD, "'6222 0212 3456 7894'", "'6222021234567894'" },
	{ CU_T_BANK_CARD, "'6222-0212-3456-7894'", "'6222021234567894'" },
	{ CU_T_BANK_CARD, "'4111111111111111'", "'4111111111111111'" },
	{ CU_T_BANK_CARD, "'123456789015'", "'123456789015'" },
	{ CU_T_BANK_CARD, "'6212261001000000007'", "'6212261001000000007'" },
	{ CU_T_BANK_CARD, "'6222021234567890'", NULL },
	{ CU_T_BANK_CARD, "'4111111111111112'", NULL },
	{ CU_T_BANK_CARD, "'12345678903'", NULL },          /* 11 digits */
	{ CU_T_BANK_CARD, "'41111111111111111111'", NULL }, /* 20 digits */
	{ CU_T_BANK_CARD, "'4111x11111111111'", NULL },
	{ CU_T_BANK_CARD, "'+4111111111111111'", NULL },
	{ CU_T_BANK_CARD, "''", NULL },
	/* email */
	{ CU_T_EMAIL, "'zhang@example.com'", "'zhang@example.com'" },
	{ CU_T_EMAIL, "'zhang.san+crm@mail.example.com.cn'", "'zhang.san+crm@mail.example.com.cn'" },
	{ CU_T_EMAIL, "'张三@例子.中国'", "'张三@例子.中国'" },
	{ CU_T_EMAIL, "'zhang'", NULL },
	{ CU_T_EMAIL, "'@example.com'", NULL },
	{ CU_T_EMAIL, "'zhang@'", NULL },
	{ CU_T_EMAIL, "'zhang@example'", NULL },
	{ CU_T_EMAIL, "'zhang@.example.com'", NULL },
	{ CU_T_EMAIL, "'zhang@example.com.'", NULL },
	{ CU_T_EMAIL, "'zhang san@example.com'", NULL },
	{ CU_T_EMAIL, "'zhang@@example.com'", NULL },
	{ CU_T_EMAIL, "'a@b@example.com'", NULL },
	{ CU_T_EMAIL, "'zhang@example.com\\n'", NULL },
	{ CU_T_EMAIL, "'zhang@exa\\tmple.com'", NULL },
	{ CU_T_EMAIL, "''", NULL },
	/* date: real calendar dates only */
	{ CU_T_DATE, "'2024-02-29'", "'2024-02-29'" },
	{ CU_T_DATE, "'1949-10-01'", "'1949-10-01'" },
	{ CU_T_DATE, "'2000-12-31'", "'2000-12-31'" },
	{ CU_T_DATE, "'2023-02-29'", NULL },
	{ CU_T_DATE, "'2023-02-30'", NULL },
	{ CU_T_DATE, "'2023-04-31'", NULL },
	{ CU_T_DATE, "'2023-13-01'", NULL },
	{ CU_T_DATE, "'2023-00-10'", NULL },
	{ CU_T_DATE, "'2023-01-00'", NULL },
	{ CU_T_DATE, "'2023-1-01'", NULL },
	{ CU_T_DATE, "'2023/01/01'", NULL },
	{ CU_T_DATE, "'20230101'", NULL },
	{ CU_T_DATE, "'1700000000'", NULL }, /* an epoch is not a date */
	{ CU_T_DATE, "'2023-01-01T00:00:00Z'", NULL },
	{ CU_T_DATE, "'2023-01-01 '", NULL },
	{ CU_T_DATE, "''", NULL },
	{ CU_T_DATE, "20230101", NULL },
	/* int and bool: JSON types, no coercion */
	{ CU_T_INT, "42", "42" },
	{ CU_T_INT, "-7", "-7" },
	{ CU_T_INT, "0", "0" },
	{ CU_T_INT, "9223372036854775807", "9223372036854775807" },
	{ CU_T_INT, "'42'", NULL },
	{ CU_T_INT, "1.5", NULL },
	{ CU_T_INT, "true", NULL },
	{ CU_T_INT, "null", NULL },
	{ CU_T_INT, "[1]", NULL },
	{ CU_T_BOOL, "true", "true" },
	{ CU_T_BOOL, "false", "false" },
	{ CU_T_BOOL, "'true'", NULL },
	{ CU_T_BOOL, "1", NULL },
	{ CU_T_BOOL, "0", NULL },
	{ CU_T_BOOL, "null", NULL },
};

static char *dump(const json_t *v)
{
	return cu_json_dump(v);
}

/* The error names the field, says something, and does not echo the value. */
static void check_ei(const struct cu_errinfo *ei, const char *field, const char *value)
{
	CHECK_STR(ei->field, field);
	CHECK(ei->msg[0] != '\0');
	if (value && strlen(value) >= 6 && strstr(ei->msg, value)) {
		fprintf(stderr, "error message echoes the value: %s\n", ei->msg);
		CHECK(!"message echoes the rejected value");
	}
}

CU_TEST(field_values)
{
	for (size_t i = 0; i < CU_ARRAY_LEN(value_cases); i++) {
		const struct vcase *vc = &value_cases[i];
		struct cu_field f = field_of(vc->type, "the_field", 256);
		json_t *in = js(vc->in), *out = (json_t *)1, *want = vc->canon ? js(vc->canon) : NULL;
		struct cu_errinfo ei;
		memset(&ei, 0, sizeof(ei));
		int r = cu_field_canonical(&f, in, &out, &ei);
		if ((r == CU_OK) != (vc->canon != NULL) || (r == CU_OK && !json_equal(out, want))) {
			char *got = r == CU_OK ? dump(out) : NULL;
			fprintf(stderr, "case %zu (%s %s): got %d %s (%s)\n", i, cu_ftype_name(vc->type),
				vc->in, r, got ? got : "", ei.msg);
			cu_free(got);
		}
		if (vc->canon) {
			CHECK_EQ_INT(r, CU_OK);
			CHECK(out && json_equal(out, want));
		} else {
			CHECK_EQ_INT(r, CU_ERR_INVALID);
			CHECK(out == NULL);
			check_ei(&ei, "the_field", json_is_string(in) ? json_string_value(in) : NULL);
		}
		if (r == CU_OK)
			json_decref(out);
		json_decref(in);
		json_decref(want);
	}
}

/* Query-string values go through the same rules (cu_field_from_text). */
CU_TEST(field_from_text)
{
	static const struct {
		enum cu_ftype type;
		const char *text;
		const char *canon; /* single-quoted JSON or NULL */
	} cases[] = {
		{ CU_T_PHONE, "138 1234-5678", "'13812345678'" },
		{ CU_T_CN_ID, "11010519491231002x", "'11010519491231002X'" },
		{ CU_T_CN_ID, "110105194912310021", NULL },
		{ CU_T_BANK_CARD, "6222 0212 3456 7894", "'6222021234567894'" },
		{ CU_T_EMAIL, "zhang@example.com", "'zhang@example.com'" },
		{ CU_T_DATE, "2023-02-30", NULL },
		{ CU_T_DATE, "2024-02-29", "'2024-02-29'" },
		{ CU_T_STRING, "42", "'42'" },
		{ CU_T_NAME, "欧阳娜娜", "'欧阳娜娜'" },
		{ CU_T_INT, "42", "42" },
		{ CU_T_INT, "-9223372036854775807", "-9223372036854775807" },
		{ CU_T_INT, "4x", NULL },
		{ CU_T_INT, "", NULL },
		{ CU_T_INT, " 1", NULL },
		{ CU_T_INT, "1.0", NULL },
		{ CU_T_INT, "9223372036854775808", NULL },
		{ CU_T_INT, "0x10", NULL },
		{ CU_T_BOOL, "true", "true" },
		{ CU_T_BOOL, "false", "false" },
		{ CU_T_BOOL, "TRUE", NULL },
		{ CU_T_BOOL, "1", NULL },
		{ CU_T_BOOL, "", NULL },
		{ CU_T_STRING, "\xff\xfe", NULL },
		{ CU_T_PHONE, "\xe5\xbc", NULL },
	};
	for (size_t i = 0; i < CU_ARRAY_LEN(cases); i++) {
		struct cu_field f = field_of(cases[i].type, "q", 256);
		json_t *out = (json_t *)1, *want = cases[i].canon ? js(cases[i].canon) : NULL;
		struct cu_errinfo ei;
		memset(&ei, 0, sizeof(ei));
		int r = cu_field_from_text(&f, cases[i].text, &out, &ei);
		if ((r == CU_OK) != (want != NULL))
			fprintf(stderr, "from_text case %zu (%s): got %d (%s)\n", i, cases[i].text, r,
				ei.msg);
		if (want) {
			CHECK_EQ_INT(r, CU_OK);
			CHECK(out && json_equal(out, want));
			json_decref(out);
		} else {
			CHECK_EQ_INT(r, CU_ERR_INVALID);
			CHECK(out == NULL);
			check_ei(&ei, "q", cases[i].text);
		}
		json_decref(want);
	}
}

CU_TEST(max_length_in_characters)
{
	struct cu_field f = field_of(CU_T_NAME, "full_name", 2);
	struct cu_errinfo ei;
	json_t *v, *out;

	/* 张三: 2 characters, 6 bytes. */
	v = json_string("张三");
	CHECK_EQ_INT(cu_field_canonical(&f, v, &out, &ei), CU_OK);
	json_decref(out);
	json_decref(v);
	v = json_string("张三丰");
	CHECK_EQ_INT(cu_field_canonical(&f, v, &out, &ei), CU_ERR_INVALID);
	check_ei(&ei, "full_name", "张三丰");
	json_decref(v);
	v = json_string("abc");
	CHECK_EQ_INT(cu_field_canonical(&f, v, &out, &ei), CU_ERR_INVALID);
	json_decref(v);
	/* Four-byte characters count once too. */
	v = json_string("\xf0\x9f\x98\x80\xf0\x9f\x98\x80"); /* two emoji */
	CHECK_EQ_INT(cu_field_canonical(&f, v, &out, &ei), CU_OK);
	json_decref(out);
	json_decref(v);

	/* Default 256 characters: 256 Chinese characters (768 bytes) fit. */
	f = field_of(CU_T_ADDRESS, "addr", 256);
	{
		struct cu_buf b;
		cu_buf_init(&b, 4096);
		for (int i = 0; i < 256; i++)
			CHECK_EQ_INT(cu_buf_puts(&b, "路"), CU_OK);
		v = json_string(b.data);
		CHECK_EQ_INT(cu_field_canonical(&f, v, &out, &ei), CU_OK);
		json_decref(out);
		json_decref(v);
		CHECK_EQ_INT(cu_buf_puts(&b, "路"), CU_OK);
		v = json_string(b.data);
		CHECK_EQ_INT(cu_field_canonical(&f, v, &out, &ei), CU_ERR_INVALID);
		CHECK_STR(ei.field, "addr");
		json_decref(v);
		cu_buf_release(&b);
	}
	/* Length is checked before phone normalisation: padding cannot smuggle. */
	f = field_of(CU_T_PHONE, "mobile", 11);
	v = json_string("138 1234 5678");
	CHECK_EQ_INT(cu_field_canonical(&f, v, &out, &ei), CU_ERR_INVALID);
	CHECK_STR(ei.field, "mobile");
	json_decref(v);
	/* Hard byte cap regardless of max_length. */
	f = field_of(CU_T_TEXT, "notes", CU_MAX_FIELD_BYTES);
	{
		char *big = cu_malloc(CU_MAX_FIELD_BYTES + 2);
		memset(big, 'a', CU_MAX_FIELD_BYTES + 1);
		big[CU_MAX_FIELD_BYTES + 1] = '\0';
		v = json_string(big);
		CHECK_EQ_INT(cu_field_canonical(&f, v, &out, &ei), CU_ERR_INVALID);
		json_decref(v);
		big[CU_MAX_FIELD_BYTES] = '\0';
		v = json_string(big);
		CHECK_EQ_INT(cu_field_canonical(&f, v, &out, &ei), CU_OK);
		json_decref(out);
		json_decref(v);
		cu_free(big);
	}
}

CU_TEST(nul_rejected)
{
	static const enum cu_ftype types[] = { CU_T_STRING, CU_T_TEXT, CU_T_NAME, CU_T_PHONE,
					       CU_T_CN_ID, CU_T_EMAIL, CU_T_BANK_CARD, CU_T_ADDRESS,
					       CU_T_DATE };
	for (size_t i = 0; i < CU_ARRAY_LEN(types); i++) {
		struct cu_field f = field_of(types[i], "nul_field", 256);
		struct cu_errinfo ei;
		json_t *out = (json_t *)1;
		/* A value that would pass for every type if the NUL were ignored. */
		json_t *v = json_stringn("13812345678\0zz", 14);
		CHECK_EQ_INT(cu_field_canonical(&f, v, &out, &ei), CU_ERR_INVALID);
		CHECK(out == NULL);
		CHECK_STR(ei.field, "nul_field");
		json_decref(v);
	}
}

CU_TEST(type_names)
{
	CHECK_STR(cu_ftype_name(CU_T_BANK_CARD), "bank_card");
	CHECK_STR(cu_fclass_name(CU_CLASS_HIGHLY_SENSITIVE), "highly_sensitive");
	CHECK(!cu_fclass_sealed(CU_CLASS_PUBLIC));
	CHECK(!cu_fclass_sealed(CU_CLASS_INTERNAL));
	CHECK(cu_fclass_sealed(CU_CLASS_SENSITIVE));
	CHECK(cu_fclass_sealed(CU_CLASS_HIGHLY_SENSITIVE));
	/* errinfo without a target just returns the code. */
	CHECK_EQ_INT(cu_errinfo_set(NULL, CU_ERR_INVALID, "x", "y"), CU_ERR_INVALID);
}

int main(void)
{
	cu_json_init();
	RUN(schema_table);
	RUN(schema_defaults_and_round_trip);
	RUN(field_values);
	RUN(field_from_text);
	RUN(max_length_in_characters);
	RUN(nul_rejected);
	RUN(type_names);
	return cu_test_done();
}
