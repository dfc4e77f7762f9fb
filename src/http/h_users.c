/* /v1/users: accounts administered by holders of the "users" module. */
#include "http/routes.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "policy/approvals.h"
#include "policy/roles.h"

static void target(struct cu_req *r, const char *username)
{
	r->audit_collection = "users";
	snprintf(r->audit_record, sizeof(r->audit_record), "%s", username);
}

/* Modules a user's roles carry (0 for unknown users). */
static int user_modules(struct cu_req *r, const char *username, unsigned *mods)
{
	json_t *u = NULL;
	int rc;
	*mods = 0;
	if ((rc = cu_accounts_user_get(r->app->accounts, username, &u)))
		return rc;
	rc = cu_roles_modules(r->app->store, json_object_get(u, "roles"), mods);
	json_decref(u);
	return rc;
}

/* An administrator may act only on users whose powers they hold
 * themselves: an HR administrator cannot disable or demote the admin. */
int cu_h_may_act_on(struct cu_req *r, const char *username)
{
	unsigned mods;
	int rc = user_modules(r, username, &mods);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, NULL, "no such user");
	if (rc)
		return rc;
	if (mods & ~r->who.modules)
		return cu_req_error(r, CU_ERR_FORBIDDEN, NULL,
				    "that user holds administrative modules you do not have");
	return CU_OK;
}

static int check_roles(struct cu_req *r, const json_t *roles, unsigned *mods)
{
	size_t i;
	json_t *v;
	int rc;

	*mods = 0;
	if (!json_is_array(roles) || json_array_size(roles) > 32)
		return cu_req_error(r, CU_ERR_INVALID, "roles", "roles must be an array of role names");
	json_array_foreach(roles, i, v) {
		json_t *def = NULL;
		if (!json_is_string(v) || !cu_name_valid(json_string_value(v)))
			return cu_req_error(r, CU_ERR_INVALID, "roles", "roles must be role names");
		rc = cu_role_get(r->app->store, json_string_value(v), &def);
		json_decref(def);
		if (rc == CU_ERR_NOT_FOUND)
			return cu_req_error(r, CU_ERR_INVALID, "roles", "no role named '%s'",
					    json_string_value(v));
		if (rc)
			return rc;
	}
	if ((rc = cu_roles_modules(r->app->store, roles, mods)))
		return rc;
	/* Nobody hands out powers they do not hold. */
	if (*mods & ~r->who.modules)
		return cu_req_error(r, CU_ERR_FORBIDDEN, "roles",
				    "you cannot grant administrative modules you do not hold");
	return CU_OK;
}

int cu_h_user_create(struct cu_req *r)
{
	static const char *const keys[] = { "username", "display_name", "department", "roles", NULL };
	const char *name, *display = "", *dept = "", *bad;
	json_t *roles, *o;
	struct cu_new_user nu = { 0 };
	unsigned mods;
	int rc;

	if (cu_json_only_keys(r->json, keys, &bad))
		return cu_req_error(r, CU_ERR_INVALID, bad, "unknown field '%s'", bad);
	if (cu_json_get_str(r->json, "username", &name) || !cu_name_valid(name))
		return cu_req_error(r, CU_ERR_INVALID, "username",
				    "username must be 1-64 of [a-z0-9_.-], starting with a letter or digit");
	if (cu_json_get_str(r->json, "display_name", &display) == CU_ERR_INVALID ||
	    (display && strlen(display) > 128))
		return cu_req_error(r, CU_ERR_INVALID, "display_name", "display_name must be a string");
	if (cu_json_get_str(r->json, "department", &dept) == CU_ERR_INVALID ||
	    (dept && *dept && !cu_name_valid(dept)))
		return cu_req_error(r, CU_ERR_INVALID, "department",
				    "department must be a name of [a-z0-9_.-]");
	roles = json_object_get(r->json, "roles");
	if (!roles)
		roles = json_array();
	else
		json_incref(roles);
	rc = check_roles(r, roles, &mods);
	if (!rc)
		rc = cu_accounts_user_create(r->app->accounts, name, display ? display : "",
					     dept ? dept : "", roles, false, &nu);
	json_decref(roles);
	target(r, name);
	if (rc == CU_ERR_EXISTS)
		return cu_req_error(r, rc, "username", "a user with this name exists");
	if (rc)
		return rc;
	o = json_pack("{s:s,s:s,s:s,s:s}", "id", nu.id, "username", name, "one_time_password",
		      nu.password, "next", "the user logs in with this password, sets their own "
					   "and enrols TOTP");
	cu_new_user_release(&nu);
	return cu_req_reply(r, 201, o);
}

int cu_h_user_list(struct cu_req *r)
{
	const char *stale = cu_req_query(r, "stale");
	int64_t secs = 0;
	json_t *a;
	int rc;

	if (stale && (cu_parse_duration(stale, &secs) || secs <= 0))
		return cu_req_error(r, CU_ERR_INVALID, "stale", "stale must be a duration such as 90d");
	if ((rc = cu_accounts_user_list(r->app->accounts, secs, &a)))
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:o}", "users", a));
}

int cu_h_user_get(struct cu_req *r)
{
	json_t *u;
	int rc = cu_accounts_user_get(r->app->accounts, r->params[0], &u);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, NULL, "no such user");
	if (rc)
		return rc;
	return cu_req_reply(r, 200, u);
}

static int set_status(struct cu_req *r, bool active)
{
	int rc;
	target(r, r->params[0]);
	if (!active && strcmp(r->params[0], r->who.username) == 0)
		return cu_req_error(r, CU_ERR_CONFLICT, NULL, "you cannot disable yourself");
	if ((rc = cu_h_may_act_on(r, r->params[0])))
		return rc;
	rc = cu_accounts_user_set_status(r->app->accounts, r->params[0], active);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, NULL, "no such user");
	if (rc)
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:s,s:s}", "username", r->params[0], "status",
					       active ? "active" : "disabled"));
}

int cu_h_user_disable(struct cu_req *r)
{
	return set_status(r, false);
}

int cu_h_user_enable(struct cu_req *r)
{
	return set_status(r, true);
}

int cu_h_user_roles(struct cu_req *r)
{
	static const char *const keys[] = { "roles", "reason", NULL };
	json_t *roles = json_object_get(r->json, "roles");
	const char *bad, *reason = NULL;
	unsigned newmods, oldmods;
	int rc;

	target(r, r->params[0]);
	if (cu_json_only_keys(r->json, keys, &bad))
		return cu_req_error(r, CU_ERR_INVALID, bad, "unknown field '%s'", bad);
	if (cu_json_get_str(r->json, "reason", &reason) == CU_ERR_INVALID)
		return cu_req_error(r, CU_ERR_INVALID, "reason", "reason must be a string");
	r->audit_reason = reason;
	if ((rc = cu_h_may_act_on(r, r->params[0])) || (rc = check_roles(r, roles, &newmods)))
		return rc;
	if ((rc = user_modules(r, r->params[0], &oldmods)))
		return rc;
	/* Changing an administrator's powers takes a second person. */
	if (newmods != oldmods) {
		char *id = NULL;
		json_t *params = json_pack("{s:O}", "roles", roles), *o;
		rc = cu_approval_request(r->app->store, "role.change", r->params[0], params, reason,
					 r->who.username, CU_APPROVAL_TTL_S, &id);
		json_decref(params);
		if (rc)
			return rc;
		r->audit_event = "approval.request";
		snprintf(r->audit_approval, sizeof(r->audit_approval), "%s", id);
		o = json_pack("{s:s,s:s,s:s}", "status", "pending_approval", "approval_id", id,
			      "message", "changing administrative roles needs a second administrator's "
					 "approval (POST /v1/approvals/ID/approve)");
		cu_free(id);
		return cu_req_reply(r, 202, o);
	}
	if ((rc = cu_accounts_user_set_roles(r->app->accounts, r->params[0], roles)))
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:s,s:O}", "username", r->params[0], "roles", roles));
}

int cu_h_user_reset_password(struct cu_req *r)
{
	char *pw = NULL;
	json_t *o;
	int rc;
	target(r, r->params[0]);
	if ((rc = cu_h_may_act_on(r, r->params[0])))
		return rc;
	if ((rc = cu_accounts_user_reset_password(r->app->accounts, r->params[0], &pw)))
		return rc;
	o = json_pack("{s:s,s:s}", "username", r->params[0], "one_time_password", pw);
	cu_memzero(pw, strlen(pw));
	cu_free(pw);
	return cu_req_reply(r, 200, o);
}

int cu_h_user_reset_totp(struct cu_req *r)
{
	int rc;
	target(r, r->params[0]);
	if ((rc = cu_h_may_act_on(r, r->params[0])))
		return rc;
	if ((rc = cu_accounts_user_reset_totp(r->app->accounts, r->params[0])))
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:s,s:b}", "username", r->params[0], "totp_reset", 1));
}

int cu_h_user_delete(struct cu_req *r)
{
	static const char *const keys[] = { "confirm", "reassign_to", "reason", NULL };
	const char *confirm, *to, *reason = NULL, *bad;
	char *id = NULL;
	json_t *params, *o;
	int rc;

	target(r, r->params[0]);
	if (cu_json_only_keys(r->json, keys, &bad))
		return cu_req_error(r, CU_ERR_INVALID, bad, "unknown field '%s'", bad);
	if (cu_json_get_str(r->json, "confirm", &confirm) || strcmp(confirm, r->params[0]) != 0)
		return cu_req_error(r, CU_ERR_INVALID, "confirm",
				    "deleting is irreversible: repeat the user name in \"confirm\"");
	if (cu_json_get_str(r->json, "reassign_to", &to) || !cu_name_valid(to) ||
	    strcmp(to, r->params[0]) == 0)
		return cu_req_error(r, CU_ERR_INVALID, "reassign_to",
				    "name the active user who takes over the records this user owns");
	if (cu_accounts_user_exists(r->app->accounts, to))
		return cu_req_error(r, CU_ERR_INVALID, "reassign_to", "no such user");
	if (cu_json_get_str(r->json, "reason", &reason) == CU_ERR_INVALID)
		return cu_req_error(r, CU_ERR_INVALID, "reason", "reason must be a string");
	if (strcmp(r->params[0], r->who.username) == 0)
		return cu_req_error(r, CU_ERR_CONFLICT, NULL, "you cannot delete yourself");
	if ((rc = cu_h_may_act_on(r, r->params[0])))
		return rc;
	params = json_pack("{s:s}", "reassign_to", to);
	r->audit_reason = reason;
	rc = cu_approval_request(r->app->store, "user.delete", r->params[0], params, reason,
				 r->who.username, CU_APPROVAL_TTL_S, &id);
	json_decref(params);
	if (rc)
		return rc;
	snprintf(r->audit_approval, sizeof(r->audit_approval), "%s", id);
	o = json_pack("{s:s,s:s,s:s}", "status", "pending_approval", "approval_id", id, "message",
		      "a second administrator must approve (POST /v1/approvals/ID/approve)");
	cu_free(id);
	return cu_req_reply(r, 202, o);
}
