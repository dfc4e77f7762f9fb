/*
 * Records: create, read (masked unless revealed), update, delete, and
 * exact-match lookup.  Sensitive fields are masked by default; ?reveal=
 * names fields to return in the clear, which policy must allow and which
 * needs ?reason=.
 */
#include "http/routes.h"
#include "core/util.h"
#include "policy/policy.h"
#include "vault/vault.h"

#define DEFAULT_PAGE 100

/* Is name one of the comma-separated entries of list? */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && memcmp(p, name, n) == 0)
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

static void note_fields(struct cu_req *r, const json_t *fields)
{
	const char *k;
	json_t *v;
	size_t off = strlen(r->audit_fields);
	json_object_foreach((json_t *)fields, k, v) {
		int n = snprintf(r->audit_fields + off, sizeof(r->audit_fields) - off, "%s%s",
				 off ? "," : "", k);
		if (n < 0 || (size_t)n >= sizeof(r->audit_fields) - off)
			break;
		off += (size_t)n;
	}
}

/* Check ?reveal= against the schema and policy before any data is read. */
static int check_reveal(struct cu_req *r, const struct cu_schema *s, const char **reveal)
{
	const char *rv = cu_req_query(r, "reveal"), *reason = cu_req_query(r, "reason");
	char why[128];
	int rc;

	*reveal = NULL;
	if (!rv || !*rv)
		return CU_OK;
	for (const char *p = rv; p && *p;) {
		const char *e = strchr(p, ',');
		char name[CU_MAX_NAME_BYTES + 1];
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == 0 || l > CU_MAX_NAME_BYTES)
			return cu_req_error(r, CU_ERR_INVALID, "reveal", "reveal must list field names");
		memcpy(name, p, l);
		name[l] = '\0';
		if (!cu_schema_field(s, name))
			return cu_req_error(r, CU_ERR_INVALID, name, "unknown field '%s' in reveal", name);
		if ((rc = cu_policy_check(&r->who, CU_ACT_RECORD_REVEAL, s->name, name, why, sizeof(why))))
			return cu_req_error(r, rc, name, "not allowed to reveal '%s': %s", name, why);
		p = e ? e + 1 : NULL;
	}
	if (!reason || strlen(reason) < 3 || strlen(reason) > 256 || !cu_utf8_valid(reason, strlen(reason)))
		return cu_req_error(r, CU_ERR_INVALID, "reason",
				    "revealing a field needs ?reason= (3-256 characters)");
	*reveal = rv;
	r->audit_event = "record.reveal";
	r->audit_reason = reason;
	return CU_OK;
}

static json_t *record_json(struct cu_req *r, const struct cu_schema *s, struct cu_record *rec,
			   const char *reveal)
{
	json_t *o = json_object(), *fields = json_object(), *masked = json_array(), *v;
	const char *k;
	char ts[32];

	json_object_set_new(o, "id", json_string(rec->id));
	json_object_set_new(o, "collection", json_string(s->name));
	json_object_set_new(o, "subject", json_string(rec->subject));
	json_object_set_new(o, "owner", json_string(rec->owner));
	json_object_set(o, "related", rec->related);
	cu_time_iso8601(rec->created_at, ts, sizeof(ts));
	json_object_set_new(o, "created_at", json_string(ts));
	cu_time_iso8601(rec->updated_at, ts, sizeof(ts));
	json_object_set_new(o, "updated_at", json_string(ts));
	json_object_set_new(o, "version", json_integer(rec->version));
	json_object_foreach(rec->fields, k, v) {
		const struct cu_field *f = cu_schema_field(s, k);
		if (!f)
			continue;
		if (!cu_fclass_sealed(f->cls) || (reveal && in_list(reveal, k))) {
			json_object_set(fields, k, v);
			continue;
		}
		json_array_append_new(masked, json_string(k));
		if (json_is_string(v)) {
			char *m = cu_mask_apply(f->mask, json_string_value(v), json_string_length(v),
						r->app->kr, s->name);
			json_object_set_new(fields, k, m ? json_string(m) : json_null());
			cu_free(m);
		} else {
			json_object_set_new(fields, k, f->mask == CU_MASK_NULL ? json_null()
									: json_string("****"));
		}
	}
	json_object_set_new(o, "fields", fields);
	json_object_set_new(o, "masked", masked);
	return o;
}

static int schema_or_404(struct cu_req *r, struct cu_schema **s)
{
	int rc = cu_vault_collection_get(r->app->vault, r->params[0], s);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, NULL, "no such collection");
	return rc;
}

static int vault_err(struct cu_req *r, int rc, const struct cu_errinfo *ei)
{
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, NULL, "no such record");
	if (rc == CU_ERR_INTEGRITY)
		return cu_req_error(r, rc, NULL,
				    "the stored record failed its integrity check; it may have been tampered with");
	if (ei && ei->msg[0])
		return cu_req_error(r, rc, ei->field, "%s", ei->msg);
	return rc;
}

int cu_h_record_create(struct cu_req *r)
{
	struct cu_errinfo ei = { "", "" };
	char why[128], *id = NULL;
	int rc;

	if ((rc = cu_policy_check(&r->who, CU_ACT_RECORD_CREATE, r->params[0], NULL, why, sizeof(why))))
		return cu_req_error(r, rc, NULL, "%s", why);
	r->audit_collection = r->params[0];
	if (json_is_object(json_object_get(r->json, "fields")))
		note_fields(r, json_object_get(r->json, "fields"));
	rc = cu_vault_record_create(r->app->vault, r->params[0], r->json, r->who.username, &id, &ei);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, NULL, "no such collection");
	if (rc)
		return vault_err(r, rc, &ei);
	snprintf(r->audit_record, sizeof(r->audit_record), "%s", id);
	cu_req_reply(r, 201, json_pack("{s:s}", "id", id));
	cu_free(id);
	return CU_OK;
}

int cu_h_record_get(struct cu_req *r)
{
	struct cu_schema *s = NULL;
	struct cu_record *rec = NULL;
	const char *reveal;
	char why[128];
	int rc;

	if ((rc = cu_policy_check(&r->who, CU_ACT_RECORD_READ, r->params[0], NULL, why, sizeof(why))))
		return cu_req_error(r, rc, NULL, "%s", why);
	if ((rc = schema_or_404(r, &s)))
		return rc;
	r->audit_collection = r->params[0];
	r->audit_purpose = cu_req_query(r, "purpose");
	if ((rc = check_reveal(r, s, &reveal)))
		goto out;
	if ((rc = cu_vault_record_get(r->app->vault, s->name, r->params[1], &rec))) {
		rc = vault_err(r, rc, NULL);
		goto out;
	}
	snprintf(r->audit_record, sizeof(r->audit_record), "%s", rec->id);
	snprintf(r->audit_subject, sizeof(r->audit_subject), "%s", rec->subject);
	note_fields(r, rec->fields);
	cu_req_reply(r, 200, record_json(r, s, rec, reveal));
out:
	cu_record_free(rec);
	cu_free(s);
	return rc;
}

int cu_h_record_update(struct cu_req *r)
{
	struct cu_errinfo ei = { "", "" };
	char why[128];
	int rc;

	if ((rc = cu_policy_check(&r->who, CU_ACT_RECORD_UPDATE, r->params[0], NULL, why, sizeof(why))))
		return cu_req_error(r, rc, NULL, "%s", why);
	r->audit_collection = r->params[0];
	snprintf(r->audit_record, sizeof(r->audit_record), "%s", r->params[1]);
	if (json_is_object(json_object_get(r->json, "fields")))
		note_fields(r, json_object_get(r->json, "fields"));
	rc = cu_vault_record_update(r->app->vault, r->params[0], r->params[1], r->json, &ei);
	if (rc)
		return vault_err(r, rc, &ei);
	return cu_req_reply(r, 200, json_pack("{s:s,s:b}", "id", r->params[1], "updated", 1));
}

int cu_h_record_delete(struct cu_req *r)
{
	char why[128];
	int rc;

	if ((rc = cu_policy_check(&r->who, CU_ACT_RECORD_DELETE, r->params[0], NULL, why, sizeof(why))))
		return cu_req_error(r, rc, NULL, "%s", why);
	r->audit_collection = r->params[0];
	snprintf(r->audit_record, sizeof(r->audit_record), "%s", r->params[1]);
	rc = cu_vault_record_delete(r->app->vault, r->params[0], r->params[1]);
	if (rc)
		return vault_err(r, rc, NULL);
	return cu_req_reply(r, 200, json_pack("{s:s,s:b}", "id", r->params[1], "deleted", 1));
}

struct filter {
	const char *field, *value;
	int count;
};

static int pick_filter(void *ctx, const char *k, const char *v)
{
	static const char *const reserved[] = { "purpose", "reveal", "reason", "limit", "after", NULL };
	struct filter *f = ctx;
	for (size_t i = 0; reserved[i]; i++)
		if (strcmp(k, reserved[i]) == 0)
			return 0;
	f->field = k;
	f->value = v;
	f->count++;
	return 0;
}

int cu_h_record_search(struct cu_req *r)
{
	struct cu_errinfo ei = { "", "" };
	struct cu_schema *s = NULL;
	struct filter f = { NULL, NULL, 0 };
	const char *reveal, *lim = cu_req_query(r, "limit"), *after = cu_req_query(r, "after");
	json_t *ids = NULL, *out = NULL, *idv;
	int64_t limit = DEFAULT_PAGE;
	char why[128];
	size_t i;
	int rc;

	if ((rc = cu_policy_check(&r->who, CU_ACT_RECORD_READ, r->params[0], NULL, why, sizeof(why))))
		return cu_req_error(r, rc, NULL, "%s", why);
	if ((rc = schema_or_404(r, &s)))
		return rc;
	r->audit_collection = r->params[0];
	r->audit_purpose = cu_req_query(r, "purpose");
	if (lim && cu_parse_int64(lim, 1, CU_MAX_PAGE, &limit)) {
		rc = cu_req_error(r, CU_ERR_INVALID, "limit", "limit must be 1..%d", CU_MAX_PAGE);
		goto out;
	}
	cu_req_query_each(r, pick_filter, &f);
	if (f.count > 1) {
		rc = cu_req_error(r, CU_ERR_INVALID, NULL, "look up by one field at a time");
		goto out;
	}
	if ((rc = check_reveal(r, s, &reveal)))
		goto out;
	if (f.count == 1) {
		rc = cu_vault_record_find(r->app->vault, s->name, f.field, f.value, (size_t)limit, &ids, &ei);
		snprintf(r->audit_fields, sizeof(r->audit_fields), "%s", f.field);
	} else {
		rc = cu_vault_record_list(r->app->vault, s->name, after, (size_t)limit, &ids);
	}
	if (rc) {
		rc = vault_err(r, rc, &ei);
		goto out;
	}
	out = json_array();
	json_array_foreach(ids, i, idv) {
		struct cu_record *rec = NULL;
		rc = cu_vault_record_get(r->app->vault, s->name, json_string_value(idv), &rec);
		if (rc == CU_ERR_NOT_FOUND)
			continue; /* deleted meanwhile */
		if (rc) {
			rc = vault_err(r, rc, NULL);
			goto out;
		}
		json_array_append_new(out, record_json(r, s, rec, reveal));
		cu_record_free(rec);
	}
	{
		json_t *o = json_object();
		size_t n = json_array_size(ids);
		json_object_set_new(o, "records", out);
		out = NULL;
		if (f.count == 0 && n == (size_t)limit)
			json_object_set_new(o, "next", json_copy(json_array_get(ids, n - 1)));
		cu_req_reply(r, 200, o);
	}
	rc = CU_OK;
out:
	json_decref(ids);
	json_decref(out);
	cu_free(s);
	return rc;
}
