/* Approvals, security settings and roles. */
#include "http/routes.h"
#include "policy/approvals.h"
#include "policy/roles.h"
#include "vault/vault.h"

/* The module an approver needs for each kind of request. */
static unsigned module_for(const char *action)
{
	if (strcmp(action, "user.delete") == 0 || strcmp(action, "role.change") == 0)
		return CU_MOD_USERS;
	if (strcmp(action, "role.define") == 0)
		return CU_MOD_ROLES;
	if (strcmp(action, "collection.delete") == 0)
		return CU_MOD_COLLECTIONS;
	return 0; /* data acts: decided by permissions on the collection */
}

/* May r decide on ap?  Module acts need the module; data acts need the
 * same permission on the collection that the requester needed. */
/* The modules a role assignment or definition in ap would hand out. */
static unsigned granted_modules(struct cu_req *r, const struct cu_approval *ap)
{
	unsigned mods = 0, bit;
	size_t i;
	json_t *m;
	if (strcmp(ap->action, "role.change") == 0) {
		if (cu_roles_modules(r->app->store, json_object_get(ap->params, "roles"), &mods))
			return CU_MOD_ALL;
		return mods;
	}
	json_array_foreach(json_object_get(json_object_get(ap->params, "definition"), "modules"), i, m)
		if (json_is_string(m) && cu_module_parse(json_string_value(m), &bit) == CU_OK)
			mods |= bit;
	return mods;
}

static bool may_decide(struct cu_req *r, const struct cu_approval *ap)
{
	unsigned m = module_for(ap->action);
	/* Whoever approves handing out powers must hold them too. */
	if ((!strcmp(ap->action, "role.change") || !strcmp(ap->action, "role.define")) &&
	    (granted_modules(r, ap) & ~r->who.modules))
		return false;
	if (m)
		return (r->who.modules & m) != 0;
	if (strcmp(ap->action, "records.export") == 0)
		return cu_grants_allow(&r->grants, ap->target, "*", CU_PERM_EXPORT, NULL, 0);
	if (strcmp(ap->action, "records.delete") == 0)
		return cu_grants_allow(&r->grants, ap->target, "*", CU_PERM_DELETE, NULL, 0);
	return false;
}

int cu_h_approval_list(struct cu_req *r)
{
	const char *status = cu_req_query(r, "status");
	json_t *a;
	int rc;
	if (!r->who.modules)
		return cu_req_error(r, CU_ERR_FORBIDDEN, NULL, "approvals are for administrators");
	if ((rc = cu_approval_list(r->app->store, status, &a)))
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:o}", "approvals", a));
}

static int execute(struct cu_req *r, struct cu_approval *ap, json_t *out)
{
	int rc;
	if (strcmp(ap->action, "user.delete") == 0) {
		int64_t n = 0;
		const char *to = json_string_value(json_object_get(ap->params, "reassign_to"));
		rc = cu_accounts_user_delete(r->app->accounts, ap->target, to ? to : "", &n);
		if (!rc)
			json_object_set_new(out, "records_reassigned", json_integer(n));
		return rc;
	}
	if (strcmp(ap->action, "role.change") == 0)
		return cu_accounts_user_set_roles(r->app->accounts, ap->target,
						  json_object_get(ap->params, "roles"));
	if (strcmp(ap->action, "role.define") == 0) {
		struct cu_errinfo ei = { "", "" };
		int64_t version = 0;
		rc = cu_role_put(r->app->store, json_object_get(ap->params, "definition"),
				 ap->requested_by, &ei, &version);
		if (!rc)
			json_object_set_new(out, "role_version", json_integer(version));
		return rc;
	}
	if (strcmp(ap->action, "collection.delete") == 0) {
		int64_t n = 0;
		rc = cu_vault_collection_delete(r->app->vault, ap->target, &n);
		if (!rc)
			json_object_set_new(out, "records_deleted", json_integer(n));
		return rc;
	}
	if (strcmp(ap->action, "records.delete") == 0) {
		size_t i;
		json_t *id;
		int64_t n = 0;
		json_array_foreach(json_object_get(ap->params, "ids"), i, id) {
			rc = cu_vault_record_delete(r->app->vault, ap->target, json_string_value(id));
			if (rc == CU_OK)
				n++;
			else if (rc != CU_ERR_NOT_FOUND)
				return rc;
		}
		json_object_set_new(out, "records_deleted", json_integer(n));
		return CU_OK;
	}
	return CU_ERR_UNSUPPORTED;
}

static int decide(struct cu_req *r, bool approve)
{
	struct cu_approval ap = { 0 };
	json_t *o;
	int rc;

	snprintf(r->audit_approval, sizeof(r->audit_approval), "%s", r->params[0]);
	rc = cu_approval_get(r->app->store, r->params[0], &ap);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, NULL, "no such approval request");
	if (rc)
		return rc;
	if (!may_decide(r, &ap)) {
		cu_approval_release(&ap);
		return cu_req_error(r, CU_ERR_FORBIDDEN, NULL,
				    "you do not have the permission this request needs");
	}
	cu_approval_release(&ap);
	rc = cu_approval_decide(r->app->store, r->params[0], r->who.username, approve, &ap);
	if (rc == CU_ERR_FORBIDDEN)
		return cu_req_error(r, rc, NULL, "you cannot decide on your own request");
	if (rc == CU_ERR_CONFLICT)
		return cu_req_error(r, rc, NULL, "the request is no longer pending (decided or expired)");
	if (rc)
		return rc;
	o = cu_approval_json(&ap);
	snprintf(r->audit_collection_buf, sizeof(r->audit_collection_buf), "%.64s",
		 module_for(ap.action) == CU_MOD_USERS ? "users" : ap.target);
	r->audit_collection = r->audit_collection_buf;
	if (module_for(ap.action) == CU_MOD_USERS)
		snprintf(r->audit_record, sizeof(r->audit_record), "%.47s", ap.target);
	/* An approved export runs when its requester downloads it. */
	if (approve && strcmp(ap.action, "records.export") != 0) {
		rc = execute(r, &ap, o);
		if (cu_approval_finish(r->app->store, ap.id, rc == CU_OK))
			rc = rc ? rc : CU_ERR_IO;
		json_object_set_new(o, "status", json_string(rc ? "failed" : "executed"));
		if (rc) {
			json_decref(o);
			cu_approval_release(&ap);
			return cu_req_error(r, rc, NULL, "approved, but carrying it out failed: %s",
					    cu_strerror(rc));
		}
	}
	cu_approval_release(&ap);
	return cu_req_reply(r, 200, o);
}

int cu_h_approval_approve(struct cu_req *r)
{
	return decide(r, true);
}

int cu_h_approval_deny(struct cu_req *r)
{
	return decide(r, false);
}

int cu_h_settings_get(struct cu_req *r)
{
	struct cu_security s;
	int rc = cu_accounts_settings_get(r->app->accounts, &s);
	if (rc)
		return rc;
	return cu_req_reply(r, 200, cu_security_to_json(&s));
}

int cu_h_settings_put(struct cu_req *r)
{
	struct cu_security s;
	char why[256];
	int rc = cu_accounts_settings_put(r->app->accounts, r->json, why, sizeof(why));
	if (rc == CU_ERR_INVALID)
		return cu_req_error(r, rc, NULL, "%s", why);
	if (rc || (rc = cu_accounts_settings_get(r->app->accounts, &s)))
		return rc;
	return cu_req_reply(r, 200, cu_security_to_json(&s));
}

int cu_h_role_list(struct cu_req *r)
{
	json_t *a;
	int rc = cu_role_list(r->app->store, &a);
	if (rc)
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:o}", "roles", a));
}

int cu_h_role_get(struct cu_req *r)
{
	json_t *d;
	int rc = cu_role_get(r->app->store, r->params[0], &d);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, NULL, "no such role");
	if (rc)
		return rc;
	return cu_req_reply(r, 200, d);
}

int cu_h_role_put(struct cu_req *r)
{
	struct cu_errinfo ei = { "", "" };
	const char *name = NULL;
	int64_t version = 0;
	unsigned mods = 0;
	json_t *one;
	int rc;

	if (cu_json_get_str(r->json, "name", &name) == CU_ERR_INVALID ||
	    (name && strcmp(name, r->params[0]) != 0))
		return cu_req_error(r, CU_ERR_INVALID, "name", "the name in the body must match the URL");
	if (!name)
		json_object_set_new(r->json, "name", json_string(r->params[0]));
	if (strcmp(r->params[0], "admin") == 0)
		return cu_req_error(r, CU_ERR_FORBIDDEN, NULL, "the built-in admin role cannot be changed");
	one = json_pack("[s]", r->params[0]);
	/* What the role may do after the change must be within the editor's
	 * own powers (no self-service escalation). */
	{
		json_t *mods_arr = json_object_get(r->json, "modules");
		size_t i;
		json_t *m;
		unsigned bit;
		json_array_foreach(mods_arr, i, m)
			if (json_is_string(m) && cu_module_parse(json_string_value(m), &bit) == CU_OK)
				mods |= bit;
	}
	json_decref(one);
	if (mods & ~r->who.modules)
		return cu_req_error(r, CU_ERR_FORBIDDEN, "modules",
				    "you cannot give a role modules you do not hold");
	/* Changing which administrative modules a role carries changes the
	 * powers of everyone who holds it: that takes a second person. */
	{
		json_t *old = NULL;
		unsigned oldmods = 0, bit;
		size_t i;
		json_t *m;
		rc = cu_role_get(r->app->store, r->params[0], &old);
		if (rc && rc != CU_ERR_NOT_FOUND)
			return rc;
		json_array_foreach(json_object_get(old, "modules"), i, m)
			if (json_is_string(m) && cu_module_parse(json_string_value(m), &bit) == CU_OK)
				oldmods |= bit;
		json_decref(old);
		if (oldmods != mods) {
			char *id = NULL;
			json_t *o;
			/* Validate now, so the approver sees only well-formed roles. */
			if ((rc = cu_role_validate(r->json, &ei)))
				return cu_req_error(r, rc, ei.field, "%s", ei.msg);
			rc = cu_approval_request(r->app->store, "role.define", r->params[0],
						 json_pack("{s:O}", "definition", r->json), NULL,
						 r->who.username, CU_APPROVAL_TTL_S, &id);
			if (rc)
				return rc;
			snprintf(r->audit_approval, sizeof(r->audit_approval), "%s", id);
			r->audit_event = "approval.request";
			o = json_pack("{s:s,s:s,s:s}", "status", "pending_approval", "approval_id", id,
				      "message", "changing a role's administrative modules needs a second "
						 "person (POST /v1/approvals/ID/approve)");
			cu_free(id);
			return cu_req_reply(r, 202, o);
		}
	}
	rc = cu_role_put(r->app->store, r->json, r->who.username, &ei, &version);
	if (rc && ei.msg[0])
		return cu_req_error(r, rc, ei.field, "%s", ei.msg);
	if (rc)
		return rc;
	json_object_set_new(r->json, "version", json_integer(version));
	return cu_req_reply(r, 200, json_incref(r->json));
}

int cu_h_role_delete(struct cu_req *r)
{
	bool used = false;
	int rc;
	if (strcmp(r->params[0], "admin") == 0)
		return cu_req_error(r, CU_ERR_FORBIDDEN, NULL, "the built-in admin role cannot be deleted");
	if ((rc = cu_role_in_use(r->app->store, r->params[0], &used)))
		return rc;
	if (used)
		return cu_req_error(r, CU_ERR_CONFLICT, NULL, "users still hold this role");
	rc = cu_role_delete(r->app->store, r->params[0], r->who.username);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, NULL, "no such role");
	if (rc)
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:s,s:b}", "name", r->params[0], "deleted", 1));
}
