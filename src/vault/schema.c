#include "vault/schema.h"
#include "core/util.h"

static const char *const type_names[] = {
	[CU_T_STRING] = "string", [CU_T_TEXT] = "text",   [CU_T_NAME] = "name",
	[CU_T_PHONE] = "phone",   [CU_T_CN_ID] = "cn_id", [CU_T_EMAIL] = "email",
	[CU_T_BANK_CARD] = "bank_card", [CU_T_ADDRESS] = "address", [CU_T_DATE] = "date",
	[CU_T_INT] = "int",       [CU_T_BOOL] = "bool",
};

static const char *const class_names[] = {
	[CU_CLASS_PUBLIC] = "public", [CU_CLASS_INTERNAL] = "internal",
	[CU_CLASS_SENSITIVE] = "sensitive", [CU_CLASS_HIGHLY_SENSITIVE] = "highly_sensitive",
};

/* The mask a field gets when its spec names none. */
static const enum cu_mask default_mask[] = {
	[CU_T_STRING] = CU_MASK_PARTIAL, [CU_T_TEXT] = CU_MASK_REDACT,
	[CU_T_NAME] = CU_MASK_NAME,      [CU_T_PHONE] = CU_MASK_MOBILE,
	[CU_T_CN_ID] = CU_MASK_CN_ID,    [CU_T_EMAIL] = CU_MASK_EMAIL,
	[CU_T_BANK_CARD] = CU_MASK_BANK_CARD, [CU_T_ADDRESS] = CU_MASK_ADDRESS,
	[CU_T_DATE] = CU_MASK_REDACT,    [CU_T_INT] = CU_MASK_REDACT,
	[CU_T_BOOL] = CU_MASK_REDACT,
};

const char *cu_ftype_name(enum cu_ftype t)
{
	return type_names[t];
}

const char *cu_fclass_name(enum cu_fclass c)
{
	return class_names[c];
}

int cu_errinfo_set(struct cu_errinfo *ei, int err, const char *field, const char *fmt, ...)
{
	va_list ap;
	if (!ei)
		return err;
	snprintf(ei->field, sizeof(ei->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(ei->msg, sizeof(ei->msg), fmt, ap);
	va_end(ap);
	return err;
}

static int lookup_name(const char *const *tab, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i] && strcmp(tab[i], s) == 0)
			return (int)i;
	return -1;
}

static int field_from_json(const json_t *fj, struct cu_field *f, struct cu_errinfo *ei)
{
	static const char *const keys[] = { "name", "type", "class", "mask", "required",
					    "searchable", "max_length", NULL };
	const char *name, *type, *cls, *mask, *bad;
	int64_t maxlen;
	int t, c, r;

	memset(f, 0, sizeof(*f));
	if (!json_is_object(fj))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "fields", "each field must be an object");
	if (cu_json_only_keys(fj, keys, &bad)) {
		/* Name the field when it has a usable name, as every later
		 * check does; "fields" only when it has none. */
		name = json_string_value(json_object_get(fj, "name"));
		return cu_errinfo_set(ei, CU_ERR_INVALID, name && cu_name_valid(name) ? name : "fields",
				      "unknown key '%s' in field", bad);
	}
	if (cu_json_get_str(fj, "name", &name) || !cu_name_valid(name))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "fields",
				      "field name must be 1-64 of [a-z0-9_.-], starting with a letter or digit");
	snprintf(f->name, sizeof(f->name), "%s", name);
	if (cu_json_get_str(fj, "type", &type) ||
	    (t = lookup_name(type_names, CU_ARRAY_LEN(type_names), type)) < 0)
		return cu_errinfo_set(ei, CU_ERR_INVALID, name,
				      "unknown type; use string, text, name, phone, cn_id, email, "
				      "bank_card, address, date, int or bool");
	f->type = (enum cu_ftype)t;
	r = cu_json_get_str(fj, "class", &cls);
	if (r == CU_ERR_NOT_FOUND)
		cls = "internal";
	else if (r)
		return cu_errinfo_set(ei, CU_ERR_INVALID, name, "class must be a string");
	if ((c = lookup_name(class_names, CU_ARRAY_LEN(class_names), cls)) < 0)
		return cu_errinfo_set(ei, CU_ERR_INVALID, name,
				      "class must be public, internal, sensitive or highly_sensitive");
	f->cls = (enum cu_fclass)c;
	f->mask = default_mask[f->type];
	r = cu_json_get_str(fj, "mask", &mask);
	if (r == CU_OK) {
		if (cu_mask_parse(mask, &f->mask) || f->mask == CU_MASK_NONE)
			return cu_errinfo_set(ei, CU_ERR_INVALID, name, "unknown mask format");
	} else if (r != CU_ERR_NOT_FOUND) {
		return cu_errinfo_set(ei, CU_ERR_INVALID, name, "mask must be a string");
	}
	r = cu_json_get_bool(fj, "required", &f->required);
	if (r && r != CU_ERR_NOT_FOUND)
		return cu_errinfo_set(ei, CU_ERR_INVALID, name, "required must be true or false");
	f->searchable = true;
	r = cu_json_get_bool(fj, "searchable", &f->searchable);
	if (r == CU_ERR_NOT_FOUND)
		f->searchable = true;
	else if (r)
		return cu_errinfo_set(ei, CU_ERR_INVALID, name, "searchable must be true or false");
	f->max_length = f->type == CU_T_TEXT ? 16384 : 256;
	r = cu_json_get_int(fj, "max_length", &maxlen);
	if (r == CU_OK) {
		if (maxlen < 1 || maxlen > (int64_t)CU_MAX_FIELD_BYTES)
			return cu_errinfo_set(ei, CU_ERR_INVALID, name, "max_length must be 1..%u",
					      CU_MAX_FIELD_BYTES);
		f->max_length = maxlen;
	} else if (r != CU_ERR_NOT_FOUND) {
		return cu_errinfo_set(ei, CU_ERR_INVALID, name, "max_length must be an integer");
	}
	return CU_OK;
}

int cu_schema_from_json(const json_t *spec, struct cu_schema *out, struct cu_errinfo *ei)
{
	static const char *const keys[] = { "name", "fields", "require_consent", NULL };
	const char *name, *bad;
	json_t *fields, *fj;
	size_t i;
	int r;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(spec))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "", "body must be a JSON object");
	if (cu_json_only_keys(spec, keys, &bad))
		return cu_errinfo_set(ei, CU_ERR_INVALID, bad, "unknown field '%s'", bad);
	if (cu_json_get_str(spec, "name", &name) || !cu_name_valid(name))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "name",
				      "name must be 1-64 of [a-z0-9_.-], starting with a letter or digit");
	snprintf(out->name, sizeof(out->name), "%s", name);
	r = cu_json_get_bool(spec, "require_consent", &out->require_consent);
	if (r && r != CU_ERR_NOT_FOUND)
		return cu_errinfo_set(ei, CU_ERR_INVALID, "require_consent", "must be true or false");
	fields = json_object_get(spec, "fields");
	if (!json_is_array(fields) || json_array_size(fields) == 0)
		return cu_errinfo_set(ei, CU_ERR_INVALID, "fields", "fields must be a non-empty array");
	if (json_array_size(fields) > CU_MAX_FIELDS)
		return cu_errinfo_set(ei, CU_ERR_INVALID, "fields", "at most %d fields", CU_MAX_FIELDS);
	json_array_foreach(fields, i, fj) {
		if ((r = field_from_json(fj, &out->fields[i], ei)))
			return r;
		if (cu_schema_field(out, out->fields[i].name))
			return cu_errinfo_set(ei, CU_ERR_INVALID, out->fields[i].name,
					      "duplicate field name");
		out->nfields = i + 1;
	}
	return CU_OK;
}

json_t *cu_schema_to_json(const struct cu_schema *s)
{
	json_t *o = json_object(), *fields = json_array();
	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "require_consent", json_boolean(s->require_consent));
	for (size_t i = 0; i < s->nfields; i++) {
		const struct cu_field *f = &s->fields[i];
		json_t *fj = json_object();
		json_object_set_new(fj, "name", json_string(f->name));
		json_object_set_new(fj, "type", json_string(cu_ftype_name(f->type)));
		json_object_set_new(fj, "class", json_string(cu_fclass_name(f->cls)));
		json_object_set_new(fj, "mask", json_string(cu_mask_name(f->mask)));
		json_object_set_new(fj, "required", json_boolean(f->required));
		json_object_set_new(fj, "searchable", json_boolean(f->searchable));
		json_object_set_new(fj, "max_length", json_integer(f->max_length));
		json_array_append_new(fields, fj);
	}
	json_object_set_new(o, "fields", fields);
	return o;
}

const struct cu_field *cu_schema_field(const struct cu_schema *s, const char *name)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].name, name) == 0)
			return &s->fields[i];
	return NULL;
}

/* Copy s without spaces and hyphens into out (cap n); false if too long. */
static bool strip_separators(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '-')
			continue;
		if (k + 1 >= n)
			return false;
		out[k++] = *s;
	}
	out[k] = '\0';
	return true;
}

static bool all_digits(const char *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* GB 11643-1999: ISO 7064 MOD 11-2 check character of an 18-char ID. */
static bool cn_id_ok(char *s)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char check[] = "10X98765432";
	int sum = 0;
	if (strlen(s) != 18 || !all_digits(s, 0, 17))
		return false;
	if (s[17] == 'x')
		s[17] = 'X';
	for (int i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	return check[sum % 11] == s[17];
}

static bool luhn_ok(const char *s)
{
	size_t n = strlen(s);
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int d = s[n - 1 - i] - '0';
		if (i % 2 == 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.' ||
	    s[strlen(s) - 1] == '.')
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ')
			return false;
	return true;
}

static bool date_ok(const char *s)
{
	int64_t t;
	char back[32];
	if (strlen(s) != 10 || cu_time_parse(s, &t))
		return false;
	/* Round-trip rejects 2023-02-30 (strptime accepts it). */
	cu_time_iso8601(t, back, sizeof(back));
	return strncmp(back, s, 10) == 0;
}

static int canonical_string(const struct cu_field *f, const char *s, json_t **out,
			    struct cu_errinfo *ei)
{
	char buf[64];
	size_t n = strlen(s);

	if (n > CU_MAX_FIELD_BYTES || (int64_t)cu_utf8_len(s, n) > f->max_length)
		return cu_errinfo_set(ei, CU_ERR_INVALID, f->name, "longer than %ld characters",
				      (long)f->max_length);
	switch (f->type) {
	case CU_T_PHONE:
		if (!strip_separators(s, buf, sizeof(buf)) || strlen(buf) < 5 || strlen(buf) > 20 ||
		    !all_digits(buf, buf[0] == '+', strlen(buf)))
			return cu_errinfo_set(ei, CU_ERR_INVALID, f->name,
					      "not a phone number (digits, optional leading +)");
		*out = json_string(buf);
		return CU_OK;
	case CU_T_CN_ID:
		if (n >= sizeof(buf))
			return cu_errinfo_set(ei, CU_ERR_INVALID, f->name, "not an 18-character ID number");
		memcpy(buf, s, n + 1);
		if (!cn_id_ok(buf))
			return cu_errinfo_set(ei, CU_ERR_INVALID, f->name,
					      "not a valid resident ID number (GB 11643 check failed)");
		*out = json_string(buf);
		return CU_OK;
	case CU_T_BANK_CARD:
		if (!strip_separators(s, buf, sizeof(buf)) || strlen(buf) < 12 || strlen(buf) > 19 ||
		    !all_digits(buf, 0, strlen(buf)) || !luhn_ok(buf))
			return cu_errinfo_set(ei, CU_ERR_INVALID, f->name,
					      "not a valid card number (12-19 digits, Luhn)");
		*out = json_string(buf);
		return CU_OK;
	case CU_T_EMAIL:
		if (!email_ok(s))
			return cu_errinfo_set(ei, CU_ERR_INVALID, f->name, "not an email address");
		*out = json_string(s);
		return CU_OK;
	case CU_T_DATE:
		if (!date_ok(s))
			return cu_errinfo_set(ei, CU_ERR_INVALID, f->name, "not a date (YYYY-MM-DD)");
		*out = json_string(s);
		return CU_OK;
	default:
		*out = json_string(s);
		return *out ? CU_OK : cu_errinfo_set(ei, CU_ERR_INVALID, f->name, "invalid UTF-8");
	}
}

int cu_field_canonical(const struct cu_field *f, const json_t *v, json_t **out,
		       struct cu_errinfo *ei)
{
	*out = NULL;
	switch (f->type) {
	case CU_T_INT:
		if (!json_is_integer(v))
			return cu_errinfo_set(ei, CU_ERR_INVALID, f->name, "must be an integer");
		*out = json_integer(json_integer_value(v));
		return CU_OK;
	case CU_T_BOOL:
		if (!json_is_boolean(v))
			return cu_errinfo_set(ei, CU_ERR_INVALID, f->name, "must be true or false");
		*out = json_boolean(json_is_true(v));
		return CU_OK;
	default:
		if (!json_is_string(v))
			return cu_errinfo_set(ei, CU_ERR_INVALID, f->name, "must be a string");
		if (strlen(json_string_value(v)) != json_string_length(v))
			return cu_errinfo_set(ei, CU_ERR_INVALID, f->name, "must not contain NUL");
		return canonical_string(f, json_string_value(v), out, ei);
	}
}

int cu_field_from_text(const struct cu_field *f, const char *text, json_t **out,
		       struct cu_errinfo *ei)
{
	json_t *v;
	int64_t i;
	int r;

	*out = NULL;
	if (!cu_utf8_valid(text, strlen(text)))
		return cu_errinfo_set(ei, CU_ERR_INVALID, f->name, "invalid UTF-8");
	switch (f->type) {
	case CU_T_INT:
		if (cu_parse_int64(text, INT64_MIN + 1, INT64_MAX, &i))
			return cu_errinfo_set(ei, CU_ERR_INVALID, f->name, "must be an integer");
		*out = json_integer(i);
		return CU_OK;
	case CU_T_BOOL:
		if (strcmp(text, "true") && strcmp(text, "false"))
			return cu_errinfo_set(ei, CU_ERR_INVALID, f->name, "must be true or false");
		*out = json_boolean(strcmp(text, "true") == 0);
		return CU_OK;
	default:
		v = json_string(text);
		if (!v)
			return cu_errinfo_set(ei, CU_ERR_INVALID, f->name, "invalid UTF-8");
		r = cu_field_canonical(f, v, out, ei);
		json_decref(v);
		return r;
	}
}
