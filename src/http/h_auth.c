/* POST /v1/login, POST /v1/logout, GET /v1/me. */
#include "http/routes.h"
#include "core/log.h"
#include "crypto/crypto.h"
#include "core/util.h"


json_t *cu_principal_json(const struct cu_principal *p);

json_t *cu_principal_json(const struct cu_principal *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(p->user_id));
	json_object_set_new(o, "username", json_string(p->username));
	json_object_set_new(o, "department", json_string(p->department));
	json_object_set(o, "roles", p->roles ? p->roles : json_array());
	json_object_set_new(o, "auth", json_string(p->method ? p->method : ""));
	json_object_set_new(o, "stage", json_string(p->stage));
	return o;
}

int cu_h_login(struct cu_req *r)
{
	static const char *const keys[] = { "username", "password", "totp", "recovery_code", NULL };
	const char *user, *pass, *totp = NULL, *recovery = NULL, *bad;
	char *sid = NULL;
	json_t *o;
	int rc;

	if (cu_json_only_keys(r->json, keys, &bad))
		return cu_req_error(r, CU_ERR_INVALID, bad, "unknown field '%s'", bad);
	if (cu_json_get_str(r->json, "username", &user))
		return cu_req_error(r, CU_ERR_INVALID, "username", "username must be a string");
	if (cu_name_valid(user))
		snprintf(r->audit_actor_name, sizeof(r->audit_actor_name), "%s", user);
	if (cu_json_get_str(r->json, "password", &pass) || strlen(pass) > CU_MAX_PASSWORD_BYTES)
		return cu_req_error(r, CU_ERR_INVALID, "password", "password must be a string");
	rc = cu_json_get_str(r->json, "totp", &totp);
	if (rc == CU_ERR_INVALID)
		return cu_req_error(r, CU_ERR_INVALID, "totp", "totp must be a string of 6 digits");
	rc = cu_json_get_str(r->json, "recovery_code", &recovery);
	if (rc == CU_ERR_INVALID)
		return cu_req_error(r, CU_ERR_INVALID, "recovery_code", "recovery_code must be a string");
	rc = cu_accounts_login(r->app->accounts, user, pass, totp ? totp : "", recovery, r->source,
			       r->user_agent, &sid, &r->who);
	if (rc == CU_ERR_AUTH) {
		cu_info("auth: login failed from %s (request %s)", r->source, r->request_id);
		return cu_req_error(r, CU_ERR_AUTH, NULL, "invalid username, password or code");
	}
	if (rc)
		return rc;
	r->authed = true;
	cu_req_set_session_cookie(r, sid);
	cu_memzero(sid, strlen(sid));
	cu_free(sid);
	o = json_object();
	json_object_set_new(o, "user", cu_principal_json(&r->who));
	json_object_set_new(o, "csrf_token", json_string(r->who.csrf));
	json_object_set_new(o, "stage", json_string(r->who.stage));
	if (strcmp(r->who.stage, "full") != 0)
		json_object_set_new(o, "next", json_string(
			"set your own password (POST /v1/me/password) and enrol TOTP "
			"(POST /v1/me/totp, then /v1/me/totp/confirm)"));
	return cu_req_reply(r, 200, o);
}

int cu_h_logout(struct cu_req *r)
{
	const char *sid = cu_req_cookie(r, CU_SESSION_COOKIE);
	int rc;
	if (strcmp(r->who.method, "session") != 0 || !sid)
		return cu_req_error(r, CU_ERR_INVALID, NULL, "logout ends a session; revoke tokens instead");
	if ((rc = cu_accounts_session_end(r->app->accounts, sid)))
		return rc;
	cu_req_set_session_cookie(r, NULL);
	return cu_req_reply(r, 200, json_pack("{s:b}", "logged_out", 1));
}

int cu_h_me(struct cu_req *r)
{
	return cu_req_reply(r, 200, cu_principal_json(&r->who));
}
