/*
 * schema.h - collection schemas: fields, their types, classes and masks,
 * and validation of values against them.
 */
#ifndef CU_VAULT_SCHEMA_H
#define CU_VAULT_SCHEMA_H

#include "core/json.h"
#include "policy/mask.h"

enum cu_ftype {
	CU_T_STRING, CU_T_TEXT, CU_T_NAME, CU_T_PHONE, CU_T_CN_ID, CU_T_EMAIL,
	CU_T_BANK_CARD, CU_T_ADDRESS, CU_T_DATE, CU_T_INT, CU_T_BOOL,
};

/* PIPL-aligned classes; sealed at rest from CU_CLASS_SENSITIVE up. */
enum cu_fclass { CU_CLASS_PUBLIC, CU_CLASS_INTERNAL, CU_CLASS_SENSITIVE, CU_CLASS_HIGHLY_SENSITIVE };

struct cu_field {
	char name[CU_MAX_NAME_BYTES + 1];
	enum cu_ftype type;
	enum cu_fclass cls;
	enum cu_mask mask;
	bool required;
	bool searchable;   /* exact-match lookup through the blind index */
	int64_t max_length; /* in characters, for string-like types */
};

struct cu_schema {
	char name[CU_MAX_NAME_BYTES + 1];
	bool require_consent;
	size_t nfields;
	struct cu_field fields[CU_MAX_FIELDS];
};

/* Problems found in input: which field and why, for 400 responses. */
struct cu_errinfo {
	char field[CU_MAX_NAME_BYTES + 16];
	char msg[256];
};

int cu_errinfo_set(struct cu_errinfo *ei, int err, const char *field, const char *fmt, ...)
	CU_PRINTF(4, 5);

/* Build a schema from its JSON spec (POST /v1/collections body). */
CU_WUR int cu_schema_from_json(const json_t *spec, struct cu_schema *out, struct cu_errinfo *ei);
/* The JSON description of a schema (owned by the caller). */
json_t *cu_schema_to_json(const struct cu_schema *s);
const struct cu_field *cu_schema_field(const struct cu_schema *s, const char *name);

const char *cu_ftype_name(enum cu_ftype t);
const char *cu_fclass_name(enum cu_fclass c);
static inline bool cu_fclass_sealed(enum cu_fclass c)
{
	return c >= CU_CLASS_SENSITIVE;
}

/*
 * Validate v for field f and produce its canonical form (owned by the
 * caller): phones and cards lose spaces and hyphens, ID check letters
 * are upper case.  Errors name the field in ei.
 */
CU_WUR int cu_field_canonical(const struct cu_field *f, const json_t *v, json_t **out,
			      struct cu_errinfo *ei);
/* Parse a query-string value into the field's canonical JSON value. */
CU_WUR int cu_field_from_text(const struct cu_field *f, const char *text, json_t **out,
			      struct cu_errinfo *ei);

#endif
