/*
 * Records: create, read, update, delete, exact-match lookup; every field
 * of every answer passes through the policy:
 *
 *   - row scope first (own / department / all), before anything is
 *     decrypted; a record out of scope answers 404 exactly like a record
 *     that does not exist (docs/api.md, "Row scope");
 *   - public and internal fields need read_masked (or read) on the field;
 *   - sensitive fields need, on top, ?purpose= from the role's purposes
 *     and, when the collection requires it, the data subject's consent
 *     for that purpose; they come masked, or in the clear when named in
 *     ?reveal= with a ?reason= and the role has read on them (and, for
 *     highly sensitive fields when configured, a fresh TOTP code in the
 *     X-Step-Up-Code header);
 *   - writes need write on every field written, deletes need delete.
 */
#include "http/routes.h"
#include "core/util.h"
#include "crypto/crypto.h"
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

static void note_field(struct cu_req *r, const char *k)
{
	size_t off = strlen(r->audit_fields);
	if (in_list(r->audit_fields, k))
		return;
	snprintf(r->audit_fields + off, sizeof(r->audit_fields) - off, "%s%s", off ? "," : "", k);
}

static void note_fields(struct cu_req *r, const json_t *fields)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)fields, k, v)
		note_field(r, k);
}

/* What a read may show: the purpose checked once per request. */
struct view {
	const struct cu_schema *s;
	const char *purpose;   /* valid for this principal, or NULL */
	const char *reveal;    /* checked list, or NULL */
};

static int check_purpose(struct cu_req *r, struct view *vw)
{
	const char *p = cu_req_query(r, "purpose");
	int rc;
	vw->purpose = NULL;
	if (!p)
		return CU_OK;
	if (!cu_name_valid(p))
		return cu_req_error(r, CU_ERR_INVALID, "purpose", "purpose must be a purpose name");
	rc = cu_purpose_exists(r->app->store, p);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, CU_ERR_INVALID, "purpose",
				    "'%s' is not a declared purpose (GET /v1/purposes)", p);
	if (rc)
		return rc;
	if (!cu_grants_purpose(&r->grants, p))
		return cu_req_error(r, CU_ERR_FORBIDDEN, "purpose",
				    "your roles do not allow reading for the purpose '%s'", p);
	vw->purpose = p;
	r->audit_purpose = p;
	return CU_OK;
}

/* Check ?reveal= against the schema and policy before any data is read. */
static int check_reveal(struct cu_req *r, struct view *vw)
{
	const char *rv = cu_req_query(r, "reveal"), *reason = cu_req_query(r, "reason");
	struct cu_security set;
	bool step_up = false;
	char rule[256];
	int rc;

	vw->reveal = NULL;
	if (!rv || !*rv)
		return CU_OK;
	if ((rc = cu_accounts_settings_get(r->app->accounts, &set)))
		return rc;
	for (const char *p = rv; p && *p;) {
		const char *e = strchr(p, ',');
		char name[CU_MAX_NAME_BYTES + 1];
		const struct cu_field *f;
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == 0 || l > CU_MAX_NAME_BYTES)
			return cu_req_error(r, CU_ERR_INVALID, "reveal", "reveal must list field names");
		memcpy(name, p, l);
		name[l] = '\0';
		if (!(f = cu_schema_field(vw->s, name)))
			return cu_req_error(r, CU_ERR_INVALID, name, "unknown field '%s' in reveal", name);
		if (!cu_grants_allow(&r->grants, vw->s->name, name, CU_PERM_READ, rule, sizeof(rule)))
			return cu_req_error(r, CU_ERR_FORBIDDEN, name, "not allowed to reveal '%s': %s",
					    name, rule);
		if (f->cls == CU_CLASS_HIGHLY_SENSITIVE && (set.reveal_step_up || r->grants.step_up))
			step_up = true;
		p = e ? e + 1 : NULL;
	}
	if (!reason || strlen(reason) < 3 || strlen(reason) > 256 || !cu_utf8_valid(reason, strlen(reason)))
		return cu_req_error(r, CU_ERR_INVALID, "reason",
				    "revealing a field needs ?reason= (3-256 characters)");
	if (!vw->purpose)
		return cu_req_error(r, CU_ERR_INVALID, "purpose", "revealing a field needs ?purpose=");
	r->audit_event = "record.reveal";
	r->audit_reason = reason;
	if (step_up) {
		const char *code = cu_req_header(r, "X-Step-Up-Code");
		if (!code)
			return cu_req_error(r, CU_ERR_FORBIDDEN, "X-Step-Up-Code",
					    "revealing highly sensitive fields needs a fresh TOTP code "
					    "in the X-Step-Up-Code header");
		if (cu_accounts_step_up(r->app->accounts, r->who.user_id, code))
			return cu_req_error(r, CU_ERR_FORBIDDEN, "X-Step-Up-Code",
					    "the step-up code is wrong or was already used");
	}
	vw->reveal = rv;
	return CU_OK;
}

static json_t *record_json(struct cu_req *r, const struct view *vw, struct cu_record *rec)
{
	const struct cu_schema *s = vw->s;
	json_t *o = json_object(), *fields = json_object(), *masked = json_array(),
	       *withheld = json_array(), *v;
	bool consent = !s->require_consent, consent_checked = false;
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
		if (!f || !cu_grants_allow(&r->grants, s->name, k, CU_PERM_READ_MASKED, NULL, 0))
			continue; /* not granted: the field is not there for this role */
		if (!cu_fclass_sealed(f->cls)) {
			json_object_set(fields, k, v);
			note_field(r, k);
			continue;
		}
		if (vw->purpose && !consent_checked) {
			consent_checked = true;
			if (!consent && cu_consent_has(r->app->store, rec->subject, vw->purpose, &consent))
				consent = false;
		}
		if (!vw->purpose || !consent) {
			json_array_append_new(withheld, json_string(k));
			continue;
		}
		note_field(r, k);
		if (vw->reveal && in_list(vw->reveal, k)) {
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
	if (json_array_size(withheld)) {
		json_object_set_new(o, "withheld", withheld);
		json_object_set_new(o, "withheld_reason",
				    json_string(!vw->purpose ? "sensitive fields need ?purpose="
							     : "no consent of this data subject for the purpose"));
	} else {
		json_decref(withheld);
	}
	return o;
}

static int schema_or_404(struct cu_req *r, struct cu_schema **s)
{
	int rc = cu_vault_collection_get(r->app->vault, r->params[0], s);
	if (rc == CU_ERR_NOT_FOUND || (!rc && !cu_grants_any(&r->grants, r->params[0]))) {
		if (!rc) {
			cu_free(*s);
			*s = NULL;
			return cu_req_error(r, CU_ERR_FORBIDDEN, NULL,
					    "your roles grant nothing on this collection");
		}
		return cu_req_error(r, rc, NULL, "no such collection");
	}
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

/* Row scope, before anything is decrypted.  Out of scope is "no such record". */
static int in_scope(struct cu_req *r, const char *collection, const char *id)
{
	char *owner = NULL;
	json_t *related = NULL;
	bool visible = false;
	int rc = cu_vault_record_meta(r->app->vault, collection, id, &owner, &related,
				      r->audit_subject, sizeof(r->audit_subject));
	if (!rc)
		rc = cu_policy_row_visible(r->app->store, &r->grants, &r->who, owner, related, &visible);
	cu_free(owner);
	json_decref(related);
	if (rc)
		return vault_err(r, rc, NULL);
	if (!visible) {
		r->audit_subject[0] = '\0';
		return cu_req_error(r, CU_ERR_NOT_FOUND, NULL, "no such record");
	}
	return CU_OK;
}

static int check_writes(struct cu_req *r, const struct cu_schema *s, const json_t *fields)
{
	char rule[256];
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)fields, k, v)
		if (cu_schema_field(s, k) &&
		    !cu_grants_allow(&r->grants, s->name, k, CU_PERM_WRITE, rule, sizeof(rule)))
			return cu_req_error(r, CU_ERR_FORBIDDEN, k, "not allowed to write '%s': %s", k, rule);
	return CU_OK;
}

static int check_owner(struct cu_req *r)
{
	const char *owner = NULL;
	if (cu_json_get_str(r->json, "owner", &owner) == CU_OK && r->grants.scope != CU_SCOPE_ALL &&
	    strcmp(owner, r->who.username) != 0)
		return cu_req_error(r, CU_ERR_FORBIDDEN, "owner",
				    "only roles with scope 'all' may give records to someone else");
	if (owner && cu_accounts_user_exists(r->app->accounts, owner))
		return cu_req_error(r, CU_ERR_INVALID, "owner", "no such user");
	return CU_OK;
}

int cu_h_record_create(struct cu_req *r)
{
	struct cu_errinfo ei = { "", "" };
	struct cu_schema *s = NULL;
	json_t *fields = json_object_get(r->json, "fields");
	char *id = NULL;
	int rc;

	if ((rc = schema_or_404(r, &s)))
		return rc;
	r->audit_collection = r->params[0];
	if (json_is_object(fields)) {
		note_fields(r, fields);
		if ((rc = check_writes(r, s, fields)))
			goto out;
	}
	if ((rc = check_owner(r)))
		goto out;
	rc = cu_vault_record_create(r->app->vault, s->name, r->json, r->who.username, &id, &ei);
	if (rc) {
		rc = vault_err(r, rc, &ei);
		goto out;
	}
	snprintf(r->audit_record, sizeof(r->audit_record), "%s", id);
	/* Name the data subject in the log, so "who touched this customer's
	 * data" finds the creation too. */
	{
		char *owner = NULL;
		json_t *related = NULL;
		if (cu_vault_record_meta(r->app->vault, s->name, id, &owner, &related,
					 r->audit_subject, sizeof(r->audit_subject)) == CU_OK) {
			cu_free(owner);
			json_decref(related);
		}
	}
	cu_req_reply(r, 201, json_pack("{s:s}", "id", id));
	cu_free(id);
out:
	cu_free(s);
	return rc;
}

int cu_h_record_get(struct cu_req *r)
{
	struct cu_schema *s = NULL;
	struct cu_record *rec = NULL;
	struct view vw = { NULL, NULL, NULL };
	int rc;

	if ((rc = schema_or_404(r, &s)))
		return rc;
	vw.s = s;
	r->audit_collection = r->params[0];
	snprintf(r->audit_record, sizeof(r->audit_record), "%.47s", r->params[1]);
	if ((rc = check_purpose(r, &vw)) || (rc = check_reveal(r, &vw)) ||
	    (rc = in_scope(r, s->name, r->params[1])))
		goto out;
	if ((rc = cu_vault_record_get(r->app->vault, s->name, r->params[1], &rec))) {
		rc = vault_err(r, rc, NULL);
		goto out;
	}
	cu_req_reply(r, 200, record_json(r, &vw, rec));
out:
	cu_record_free(rec);
	cu_free(s);
	return rc;
}

int cu_h_record_update(struct cu_req *r)
{
	struct cu_errinfo ei = { "", "" };
	struct cu_schema *s = NULL;
	json_t *fields = json_object_get(r->json, "fields");
	int rc;

	if ((rc = schema_or_404(r, &s)))
		return rc;
	r->audit_collection = r->params[0];
	snprintf(r->audit_record, sizeof(r->audit_record), "%.47s", r->params[1]);
	if (json_is_object(fields)) {
		note_fields(r, fields);
		if ((rc = check_writes(r, s, fields)))
			goto out;
	}
	if ((rc = check_owner(r)) || (rc = in_scope(r, s->name, r->params[1])))
		goto out;
	rc = cu_vault_record_update(r->app->vault, s->name, r->params[1], r->json, &ei);
	if (rc) {
		rc = vault_err(r, rc, &ei);
		goto out;
	}
	cu_req_reply(r, 200, json_pack("{s:s,s:b}", "id", r->params[1], "updated", 1));
out:
	cu_free(s);
	return rc;
}

int cu_h_record_delete(struct cu_req *r)
{
	struct cu_schema *s = NULL;
	char rule[256];
	int rc;

	if ((rc = schema_or_404(r, &s)))
		return rc;
	r->audit_collection = r->params[0];
	snprintf(r->audit_record, sizeof(r->audit_record), "%.47s", r->params[1]);
	if (!cu_grants_allow(&r->grants, s->name, "*", CU_PERM_DELETE, rule, sizeof(rule))) {
		rc = cu_req_error(r, CU_ERR_FORBIDDEN, NULL, "%s", rule);
		goto out;
	}
	if ((rc = in_scope(r, s->name, r->params[1])))
		goto out;
	if ((rc = cu_vault_record_delete(r->app->vault, s->name, r->params[1]))) {
		rc = vault_err(r, rc, NULL);
		goto out;
	}
	cu_req_reply(r, 200, json_pack("{s:s,s:b}", "id", r->params[1], "deleted", 1));
out:
	cu_free(s);
	return rc;
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
	struct view vw = { NULL, NULL, NULL };
	struct filter f = { NULL, NULL, 0 };
	const char *lim = cu_req_query(r, "limit"), *after = cu_req_query(r, "after");
	json_t *ids = NULL, *out = NULL, *idv;
	int64_t limit = DEFAULT_PAGE;
	char rule[256];
	size_t i;
	int rc;

	if ((rc = schema_or_404(r, &s)))
		return rc;
	vw.s = s;
	r->audit_collection = r->params[0];
	if (lim && cu_parse_int64(lim, 1, CU_MAX_PAGE, &limit)) {
		rc = cu_req_error(r, CU_ERR_INVALID, "limit", "limit must be 1..%d", CU_MAX_PAGE);
		goto out;
	}
	if (after && (strlen(after) > 64 || !cu_utf8_valid(after, strlen(after)))) {
		rc = cu_req_error(r, CU_ERR_INVALID, "after", "after must be a record id");
		goto out;
	}
	if ((rc = cu_req_query_each(r, pick_filter, &f)))
		goto out;
	if (f.count > 1) {
		rc = cu_req_error(r, CU_ERR_INVALID, NULL, "look up by one field at a time");
		goto out;
	}
	if ((rc = check_purpose(r, &vw)) || (rc = check_reveal(r, &vw)))
		goto out;
	if (f.count == 1) {
		/* Looking up by a field tells whether a value exists: it takes
		 * read_masked on that field. */
		if (cu_schema_field(s, f.field) &&
		    !cu_grants_allow(&r->grants, s->name, f.field, CU_PERM_READ_MASKED, rule, sizeof(rule))) {
			rc = cu_req_error(r, CU_ERR_FORBIDDEN, f.field, "%s", rule);
			goto out;
		}
		rc = cu_vault_record_find(r->app->vault, s->name, f.field, f.value, (size_t)limit, &ids, &ei);
		note_field(r, f.field);
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
		const char *rid = json_string_value(idv);
		char *owner = NULL, subject[64];
		json_t *related = NULL;
		bool visible = false;
		/* Row scope first: records out of scope are never decrypted. */
		rc = cu_vault_record_meta(r->app->vault, s->name, rid, &owner, &related, subject,
					  sizeof(subject));
		if (!rc)
			rc = cu_policy_row_visible(r->app->store, &r->grants, &r->who, owner, related,
						   &visible);
		cu_free(owner);
		json_decref(related);
		if (!rc && visible)
			rc = cu_vault_record_get(r->app->vault, s->name, rid, &rec);
		if (rc == CU_ERR_NOT_FOUND)
			continue; /* deleted meanwhile */
		if (rc) {
			cu_record_free(rec);
			rc = vault_err(r, rc, NULL);
			goto out;
		}
		if (visible) {
			json_array_append_new(out, record_json(r, &vw, rec));
			/* One subject: name it in the log (several: the log lists
			 * none, and each record read is visible by its id). */
			if (json_array_size(out) == 1)
				snprintf(r->audit_subject, sizeof(r->audit_subject), "%s", rec->subject);
			else
				r->audit_subject[0] = '\0';
		}
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
