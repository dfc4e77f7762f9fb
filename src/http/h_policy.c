/*
 * Policy endpoints: explain a decision, purposes, consents, and the acts
 * that need a second person (bulk export, bulk delete, deleting a
 * collection): they file an approval request and run once another user
 * with the permission approves (h_admin.c).
 */
#include "http/routes.h"
#include "core/log.h"
#include "core/util.h"
#include "policy/approvals.h"
#include "policy/roles.h"
#include "vault/vault.h"

int cu_h_policy_explain(struct cu_req *r)
{
	const char *user = cu_req_query(r, "user"), *coll = cu_req_query(r, "collection"),
		   *field = cu_req_query(r, "field"), *action = cu_req_query(r, "action");
	struct cu_grants g;
	struct cu_principal p;
	enum cu_perm perm;
	json_t *u = NULL;
	char rule[512];
	bool ok;
	int rc;

	if (!user || !coll || !action)
		return cu_req_error(r, CU_ERR_INVALID, NULL, "user, collection and action are required");
	if (cu_perm_parse(action, &perm))
		return cu_req_error(r, CU_ERR_INVALID, "action",
				    "action is read_masked, read, write, delete or export");
	rc = cu_accounts_user_get(r->app->accounts, user, &u);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, "user", "no such user");
	if (rc)
		return rc;
	if ((rc = cu_grants_load(r->app->store, json_object_get(u, "roles"), &g))) {
		json_decref(u);
		return rc;
	}
	memset(&p, 0, sizeof(p));
	ok = cu_grants_allow(&g, coll, field ? field : "*", perm, rule, sizeof(rule));
	if (ok && strcmp(json_string_value(json_object_get(u, "status")), "active") != 0) {
		ok = false;
		snprintf(rule, sizeof(rule), "the account is %s",
			 json_string_value(json_object_get(u, "status")));
	}
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:O}", "decision", ok ? "allow" : "deny",
			      "rule", rule, "user", user, "collection", coll, "field",
			      field ? field : "*", "action", action, "scope", cu_scope_name(g.scope),
			      "purposes", g.purposes);
	cu_grants_release(&g);
	json_decref(u);
	return cu_req_reply(r, 200, o);
}

int cu_h_purpose_list(struct cu_req *r)
{
	json_t *a;
	int rc = cu_purpose_list(r->app->store, &a);
	if (rc)
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:o}", "purposes", a));
}

int cu_h_purpose_create(struct cu_req *r)
{
	static const char *const keys[] = { "name", "description", NULL };
	const char *name, *desc = "", *bad;
	int rc;
	if (cu_json_only_keys(r->json, keys, &bad))
		return cu_req_error(r, CU_ERR_INVALID, bad, "unknown field '%s'", bad);
	if (cu_json_get_str(r->json, "name", &name) || !cu_name_valid(name))
		return cu_req_error(r, CU_ERR_INVALID, "name", "name must be 1-64 of [a-z0-9_.-]");
	if (cu_json_get_str(r->json, "description", &desc) == CU_ERR_INVALID ||
	    (desc && strlen(desc) > 256))
		return cu_req_error(r, CU_ERR_INVALID, "description", "description must be a string");
	if ((rc = cu_purpose_put(r->app->store, name, desc ? desc : "")))
		return rc;
	return cu_req_reply(r, 201, json_pack("{s:s,s:s}", "name", name, "description", desc ? desc : ""));
}

/* Consent is recorded by whoever may write customer data. */
static int consent_allowed(struct cu_req *r)
{
	char rule[256];
	if ((r->who.modules & CU_MOD_COLLECTIONS) ||
	    cu_grants_allow(&r->grants, "*", "*", CU_PERM_WRITE, rule, sizeof(rule)))
		return CU_OK;
	return cu_req_error(r, CU_ERR_FORBIDDEN, NULL, "recording consent needs write access");
}

int cu_h_consent_set(struct cu_req *r)
{
	static const char *const keys[] = { "purpose", "granted", "source", NULL };
	const char *purpose, *source = NULL, *bad;
	bool granted;
	char *sid;
	int rc;

	if ((rc = consent_allowed(r)))
		return rc;
	if (cu_json_only_keys(r->json, keys, &bad))
		return cu_req_error(r, CU_ERR_INVALID, bad, "unknown field '%s'", bad);
	if (cu_json_get_str(r->json, "purpose", &purpose) || cu_purpose_exists(r->app->store, purpose))
		return cu_req_error(r, CU_ERR_INVALID, "purpose", "purpose must be a declared purpose");
	if (cu_json_get_bool(r->json, "granted", &granted))
		return cu_req_error(r, CU_ERR_INVALID, "granted", "granted must be true or false");
	if (cu_json_get_str(r->json, "source", &source) == CU_ERR_INVALID ||
	    (source && strlen(source) > 128))
		return cu_req_error(r, CU_ERR_INVALID, "source", "source must be a short string");
	if (strlen(r->params[0]) > 128)
		return cu_req_error(r, CU_ERR_INVALID, NULL, "subject reference too long");
	sid = strncmp(r->params[0], "s_", 2) == 0 ? cu_strdup(r->params[0])
						   : cu_vault_subject_id(r->app->vault, r->params[0]);
	snprintf(r->audit_subject, sizeof(r->audit_subject), "%s", sid);
	r->audit_purpose = purpose;
	rc = cu_consent_set(r->app->store, sid, purpose, granted, source);
	if (!rc)
		cu_req_reply(r, 200, json_pack("{s:s,s:s,s:b}", "subject", sid, "purpose", purpose,
					       "granted", granted));
	cu_free(sid);
	return rc;
}

int cu_h_consent_list(struct cu_req *r)
{
	json_t *a;
	char *sid;
	int rc;
	if ((rc = consent_allowed(r)))
		return rc;
	sid = strncmp(r->params[0], "s_", 2) == 0 ? cu_strdup(r->params[0])
						   : cu_vault_subject_id(r->app->vault, r->params[0]);
	snprintf(r->audit_subject, sizeof(r->audit_subject), "%s", sid);
	rc = cu_consent_list(r->app->store, sid, &a);
	if (!rc)
		cu_req_reply(r, 200, json_pack("{s:s,s:o}", "subject", sid, "consents", a));
	cu_free(sid);
	return rc;
}

static int request(struct cu_req *r, const char *action, const char *target, json_t *params,
		   const char *reason)
{
	char *id = NULL;
	json_t *o;
	int rc = cu_approval_request(r->app->store, action, target, params, reason, r->who.username,
				     CU_APPROVAL_TTL_S, &id);
	json_decref(params);
	if (rc)
		return rc;
	snprintf(r->audit_approval, sizeof(r->audit_approval), "%s", id);
	r->audit_event = "approval.request";
	o = json_pack("{s:s,s:s,s:s}", "status", "pending_approval", "approval_id", id, "message",
		      "another user with the permission must approve (POST /v1/approvals/ID/approve)");
	cu_free(id);
	return cu_req_reply(r, 202, o);
}

static int reason_of(struct cu_req *r, const char **reason)
{
	*reason = NULL;
	if (cu_json_get_str(r->json, "reason", reason) || strlen(*reason) < 3 || strlen(*reason) > 256)
		return cu_req_error(r, CU_ERR_INVALID, "reason", "a reason (3-256 characters) is required");
	return CU_OK;
}

/* DELETE /v1/collections/{name}: needs the collections module and a second person. */
int cu_h_collection_delete(struct cu_req *r)
{
	struct cu_schema *s = NULL;
	const char *reason = cu_req_query(r, "reason");
	int rc;

	r->audit_collection = r->params[0];
	if ((rc = cu_vault_collection_get(r->app->vault, r->params[0], &s)))
		return rc == CU_ERR_NOT_FOUND ? cu_req_error(r, rc, NULL, "no such collection") : rc;
	cu_free(s);
	if (!reason || strlen(reason) < 3)
		return cu_req_error(r, CU_ERR_INVALID, "reason", "deleting a collection needs ?reason=");
	r->audit_reason = reason;
	return request(r, "collection.delete", r->params[0], json_object(), reason);
}

/* POST /v1/collections/{name}/exports {"purpose","reason","fields"?} */
int cu_h_export_request(struct cu_req *r)
{
	static const char *const keys[] = { "purpose", "reason", NULL };
	const char *purpose, *reason, *bad;
	struct cu_schema *s = NULL;
	char rule[256];
	int rc;

	r->audit_collection = r->params[0];
	if (cu_json_only_keys(r->json, keys, &bad))
		return cu_req_error(r, CU_ERR_INVALID, bad, "unknown field '%s'", bad);
	if ((rc = cu_vault_collection_get(r->app->vault, r->params[0], &s)))
		return rc == CU_ERR_NOT_FOUND ? cu_req_error(r, rc, NULL, "no such collection") : rc;
	cu_free(s);
	if (!cu_grants_allow(&r->grants, r->params[0], "*", CU_PERM_EXPORT, rule, sizeof(rule)))
		return cu_req_error(r, CU_ERR_FORBIDDEN, NULL, "%s", rule);
	if (cu_json_get_str(r->json, "purpose", &purpose) || !cu_grants_purpose(&r->grants, purpose) ||
	    cu_purpose_exists(r->app->store, purpose))
		return cu_req_error(r, CU_ERR_INVALID, "purpose",
				    "a declared purpose your roles allow is required");
	if ((rc = reason_of(r, &reason)))
		return rc;
	r->audit_purpose = purpose;
	r->audit_reason = reason;
	return request(r, "records.export", r->params[0],
		       json_pack("{s:s,s:s}", "purpose", purpose, "requester", r->who.username), reason);
}

/* POST /v1/collections/{name}/records/bulk-delete {"ids":[...],"reason"} */
int cu_h_bulk_delete_request(struct cu_req *r)
{
	static const char *const keys[] = { "ids", "reason", NULL };
	const char *reason, *bad;
	json_t *ids = json_object_get(r->json, "ids"), *v;
	char rule[256];
	size_t i;
	int rc;

	r->audit_collection = r->params[0];
	if (cu_json_only_keys(r->json, keys, &bad))
		return cu_req_error(r, CU_ERR_INVALID, bad, "unknown field '%s'", bad);
	{
		struct cu_schema *s = NULL;
		if ((rc = cu_vault_collection_get(r->app->vault, r->params[0], &s)))
			return rc == CU_ERR_NOT_FOUND ? cu_req_error(r, rc, NULL, "no such collection") : rc;
		cu_free(s);
	}
	if (!cu_grants_allow(&r->grants, r->params[0], "*", CU_PERM_DELETE, rule, sizeof(rule)))
		return cu_req_error(r, CU_ERR_FORBIDDEN, NULL, "%s", rule);
	if (!json_is_array(ids) || !json_array_size(ids) || json_array_size(ids) > CU_MAX_PAGE)
		return cu_req_error(r, CU_ERR_INVALID, "ids", "ids must be 1..%d record ids", CU_MAX_PAGE);
	json_array_foreach(ids, i, v)
		if (!json_is_string(v) || json_string_length(v) > 64)
			return cu_req_error(r, CU_ERR_INVALID, "ids", "ids must be record ids");
	if ((rc = reason_of(r, &reason)))
		return rc;
	r->audit_reason = reason;
	return request(r, "records.delete", r->params[0], json_pack("{s:O}", "ids", ids), reason);
}

/* GET /v1/exports/{approval}: the approved export, once, for its requester. */
int cu_h_export_download(struct cu_req *r)
{
	struct cu_approval ap = { 0 };
	struct cu_schema *s = NULL;
	json_t *ids = NULL, *idv;
	const char *purpose;
	struct cu_buf out;
	char *after = NULL;
	size_t i, total = 0;
	int rc;

	snprintf(r->audit_approval, sizeof(r->audit_approval), "%.39s", r->params[0]);
	r->audit_event = "record.export";
	if ((rc = cu_approval_get(r->app->store, r->params[0], &ap)))
		return rc == CU_ERR_NOT_FOUND ? cu_req_error(r, rc, NULL, "no such export") : rc;
	if (strcmp(ap.action, "records.export") != 0 ||
	    strcmp(json_string_value(json_object_get(ap.params, "requester")) ?: "", r->who.username)) {
		cu_approval_release(&ap);
		return cu_req_error(r, CU_ERR_NOT_FOUND, NULL, "no such export");
	}
	if (strcmp(ap.status, "approved") != 0) {
		rc = cu_req_error(r, CU_ERR_FORBIDDEN, NULL, "the export is %s; it needs an approval "
							  "and can be downloaded once", ap.status);
		cu_approval_release(&ap);
		return rc;
	}
	snprintf(r->audit_collection_buf, sizeof(r->audit_collection_buf), "%.64s", ap.target);
	r->audit_collection = r->audit_collection_buf;
	if ((rc = cu_vault_collection_get(r->app->vault, ap.target, &s)))
		goto out;
	purpose = json_string_value(json_object_get(ap.params, "purpose"));
	cu_buf_init(&out, 256u << 20);
	/* Masked unless the role may read in the clear; one JSON line each. */
	for (;;) {
		if ((rc = cu_vault_record_list(r->app->vault, s->name, after, 500, &ids)))
			break;
		if (!json_array_size(ids))
			break;
		json_array_foreach(ids, i, idv) {
			struct cu_record *rec = NULL;
			json_t *line, *fields, *v;
			const char *k;
			bool visible = false;
			if (cu_vault_record_get(r->app->vault, s->name, json_string_value(idv), &rec))
				continue;
			/* An export holds only what its requester may see. */
			if (cu_policy_row_visible(r->app->store, &r->grants, &r->who, rec->owner,
						  rec->related, &visible) || !visible) {
				cu_record_free(rec);
				continue;
			}
			line = json_object();
			fields = json_object();
			json_object_foreach(rec->fields, k, v) {
				const struct cu_field *f = cu_schema_field(s, k);
				bool consent = !s->require_consent;
				if (!f || !cu_grants_allow(&r->grants, s->name, k, CU_PERM_READ_MASKED, NULL, 0))
					continue;
				if (cu_fclass_sealed(f->cls) && !consent &&
				    (cu_consent_has(r->app->store, rec->subject, purpose, &consent) || !consent))
					continue;
				if (!cu_fclass_sealed(f->cls) ||
				    cu_grants_allow(&r->grants, s->name, k, CU_PERM_READ, NULL, 0) ||
				    !json_is_string(v)) {
					json_object_set(fields, k, v);
				} else {
					char *m = cu_mask_apply(f->mask, json_string_value(v),
								json_string_length(v), r->app->kr, s->name);
					json_object_set_new(fields, k, m ? json_string(m) : json_null());
					cu_free(m);
				}
			}
			json_object_set_new(line, "id", json_string(rec->id));
			json_object_set_new(line, "fields", fields);
			rc = cu_json_dump_buf(line, &out);
			if (!rc)
				rc = cu_buf_putc(&out, '\n');
			json_decref(line);
			cu_record_free(rec);
			if (rc)
				break;
			total++;
		}
		cu_free(after);
		after = cu_strdup(json_string_value(json_array_get(ids, json_array_size(ids) - 1)));
		json_decref(ids);
		ids = NULL;
		if (rc)
			break;
	}
	if (!rc)
		rc = cu_approval_finish(r->app->store, ap.id, true);
	if (rc) {
		cu_buf_release(&out);
		goto out;
	}
	r->raw_body = cu_buf_detach(&out, &r->raw_len);
	r->raw_type = "application/x-ndjson; charset=utf-8";
	r->status = 200;
	cu_info("export %s: %zu records to %s", ap.id, total, r->who.username);
out:
	json_decref(ids);
	cu_free(after);
	cu_free(s);
	cu_approval_release(&ap);
	return rc;
}
