/* POST /v1/login, POST /v1/logout, GET /v1/me. */
#include "http/routes.h"
#include "core/log.h"
#include "crypto/crypto.h"

#define SESSION_COOKIE "__Host-custos_session"

static json_t *principal_json(const struct cu_principal *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(p->user_id));
	json_object_set_new(o, "username", json_string(p->username));
	json_object_set_new(o, "department", json_string(p->department));
	json_object_set(o, "roles", p->roles ? p->roles : json_array());
	json_object_set_new(o, "auth", json_string(p->method ? p->method : ""));
	return o;
}

int cu_h_login(struct cu_req *r)
{
	static const char *const keys[] = { "username", "password", "totp", NULL };
	const char *user, *pass, *totp = NULL, *bad;
	char *sid = NULL;
	struct cu_buf cookie;
	json_t *o;
	int rc;

	if (cu_json_only_keys(r->json, keys, &bad))
		return cu_req_error(r, CU_ERR_INVALID, bad, "unknown field '%s'", bad);
	if (cu_json_get_str(r->json, "username", &user))
		return cu_req_error(r, CU_ERR_INVALID, "username", "username must be a string");
	if (cu_json_get_str(r->json, "password", &pass) || strlen(pass) > CU_MAX_PASSWORD_BYTES)
		return cu_req_error(r, CU_ERR_INVALID, "password", "password must be a string");
	rc = cu_json_get_str(r->json, "totp", &totp);
	if (rc == CU_ERR_INVALID)
		return cu_req_error(r, CU_ERR_INVALID, "totp", "totp must be a string of 6 digits");
	rc = cu_accounts_login(r->app->accounts, user, pass, totp ? totp : "", r->source,
			       r->user_agent, &sid, &r->who);
	if (rc == CU_ERR_AUTH) {
		cu_info("auth: login failed from %s (request %s)", r->source, r->request_id);
		return cu_req_error(r, CU_ERR_AUTH, NULL, "invalid username, password or code");
	}
	if (rc)
		return rc;
	r->authed = true;
	cu_buf_init(&cookie, 512);
	if (cu_buf_printf(&cookie, "%s=%s; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=%d",
			  SESSION_COOKIE, sid, CU_SESSION_ABSOLUTE_S))
		abort();
	r->set_cookie = cu_buf_detach(&cookie, NULL);
	cu_memzero(sid, strlen(sid));
	cu_free(sid);
	o = json_object();
	json_object_set_new(o, "user", principal_json(&r->who));
	json_object_set_new(o, "csrf_token", json_string(r->who.csrf));
	json_object_set_new(o, "expires_in", json_integer(CU_SESSION_ABSOLUTE_S));
	return cu_req_reply(r, 200, o);
}

int cu_h_logout(struct cu_req *r)
{
	const char *sid = cu_req_cookie(r, SESSION_COOKIE);
	int rc;
	if (strcmp(r->who.method, "session") != 0 || !sid)
		return cu_req_error(r, CU_ERR_INVALID, NULL, "logout ends a session; revoke tokens instead");
	if ((rc = cu_accounts_session_end(r->app->accounts, sid)))
		return rc;
	r->set_cookie = cu_strdup(SESSION_COOKIE "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
	return cu_req_reply(r, 200, json_pack("{s:b}", "logged_out", 1));
}

int cu_h_me(struct cu_req *r)
{
	return cu_req_reply(r, 200, principal_json(&r->who));
}
