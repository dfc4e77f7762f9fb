/* /v1/me/...: a user's own password, TOTP enrolment, sessions, notifications. */
#include "http/routes.h"
#include "crypto/crypto.h"


/* Passwords and second factors change only in a login session: a bearer
 * token alone must never be able to take over its user's credentials. */
static int need_session(struct cu_req *r)
{
	if (strcmp(r->who.method, "session") == 0)
		return CU_OK;
	return cu_req_error(r, CU_ERR_FORBIDDEN, NULL,
			    "passwords and two-factor are changed in a login session, not with a token");
}

/* After enrolment completes the session gets a new id in stage "full". */
static int maybe_promote(struct cu_req *r, json_t *o)
{
	const char *sid = cu_req_cookie(r, CU_SESSION_COOKIE);
	char *nsid = NULL;
	bool done = false;
	int rc;

	if ((rc = cu_accounts_enrolled(r->app->accounts, r->who.user_id, &done)))
		return rc;
	json_object_set_new(o, "enrolment_complete", json_boolean(done));
	if (!done || strcmp(r->who.method, "session") != 0 || !sid || !strcmp(r->who.stage, "full"))
		return CU_OK;
	if ((rc = cu_accounts_session_rotate(r->app->accounts, sid, &r->who, r->source,
					     r->user_agent, &nsid)))
		return rc;
	cu_req_set_session_cookie(r, nsid);
	cu_memzero(nsid, strlen(nsid));
	cu_free(nsid);
	json_object_set_new(o, "csrf_token", json_string(r->who.csrf));
	return CU_OK;
}

int cu_h_me_password(struct cu_req *r)
{
	static const char *const keys[] = { "current_password", "new_password", NULL };
	const char *cur, *next, *bad, *rule = NULL;
	char why[256];
	json_t *o;
	int rc;

	if ((rc = need_session(r)))
		return rc;
	if (cu_json_only_keys(r->json, keys, &bad))
		return cu_req_error(r, CU_ERR_INVALID, bad, "unknown field '%s'", bad);
	if (cu_json_get_str(r->json, "current_password", &cur))
		return cu_req_error(r, CU_ERR_INVALID, "current_password", "current_password is required");
	if (cu_json_get_str(r->json, "new_password", &next))
		return cu_req_error(r, CU_ERR_INVALID, "new_password", "new_password is required");
	rc = cu_accounts_password_change(r->app->accounts, &r->who, cur, next, &rule, why, sizeof(why));
	if (rc == CU_ERR_AUTH)
		return cu_req_error(r, CU_ERR_FORBIDDEN, "current_password", "%s", why);
	if (rc == CU_ERR_INVALID) {
		o = json_pack("{s:{s:s,s:s,s:s,s:s}}", "error", "code", "invalid_request", "message",
			      why, "field", "new_password", "rule", rule ? rule : "");
		return cu_req_reply(r, 400, o);
	}
	if (rc)
		return rc;
	o = json_pack("{s:b}", "password_changed", 1);
	if ((rc = maybe_promote(r, o))) {
		json_decref(o);
		return rc;
	}
	return cu_req_reply(r, 200, o);
}

int cu_h_me_totp_begin(struct cu_req *r)
{
	char *b32 = NULL, *uri = NULL;
	json_t *o;
	int rc;

	if ((rc = need_session(r)))
		return rc;
	if (strcmp(r->who.stage, "full") == 0 && strcmp(r->who.method, "session") == 0) {
		bool done = false;
		if ((rc = cu_accounts_enrolled(r->app->accounts, r->who.user_id, &done)))
			return rc;
		if (done)
			return cu_req_error(r, CU_ERR_CONFLICT, NULL,
					    "two-factor is already enrolled; ask an administrator to "
					    "reset it if you lost your device");
	}
	if ((rc = cu_accounts_totp_begin(r->app->accounts, &r->who, &b32, &uri)))
		return rc;
	o = json_pack("{s:s,s:s}", "secret", b32, "uri", uri);
	cu_memzero(b32, strlen(b32));
	cu_memzero(uri, strlen(uri));
	cu_free(b32);
	cu_free(uri);
	return cu_req_reply(r, 200, o);
}

int cu_h_me_totp_confirm(struct cu_req *r)
{
	static const char *const keys[] = { "code", NULL };
	const char *code, *bad;
	json_t *codes = NULL, *o;
	int rc;

	if ((rc = need_session(r)))
		return rc;
	if (cu_json_only_keys(r->json, keys, &bad))
		return cu_req_error(r, CU_ERR_INVALID, bad, "unknown field '%s'", bad);
	if (cu_json_get_str(r->json, "code", &code))
		return cu_req_error(r, CU_ERR_INVALID, "code", "code (6 digits) is required");
	rc = cu_accounts_totp_confirm(r->app->accounts, &r->who, code, &codes);
	if (rc == CU_ERR_CONFLICT)
		return cu_req_error(r, rc, NULL, "start enrolment first (POST /v1/me/totp)");
	if (rc == CU_ERR_AUTH)
		return cu_req_error(r, CU_ERR_INVALID, "code", "the code does not match; check the "
							       "device's clock and try the next code");
	if (rc)
		return rc;
	o = json_pack("{s:b,s:o}", "totp_enrolled", 1, "recovery_codes", codes);
	if ((rc = maybe_promote(r, o))) {
		json_decref(o);
		return rc;
	}
	return cu_req_reply(r, 200, o);
}

int cu_h_me_sessions(struct cu_req *r)
{
	json_t *a;
	int rc = cu_accounts_sessions_list(r->app->accounts, r->who.user_id, &a);
	if (rc)
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:o,s:s}", "sessions", a, "current",
					       strcmp(r->who.method, "session") ? "" : r->who.session_ref));
}

int cu_h_me_session_end(struct cu_req *r)
{
	int rc = cu_accounts_session_end_ref(r->app->accounts, r->who.user_id, r->params[0]);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, NULL, "no such session of yours");
	if (rc)
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:s,s:b}", "ref", r->params[0], "ended", 1));
}

int cu_h_me_notifications(struct cu_req *r)
{
	json_t *a;
	int rc = cu_accounts_notifications(r->app->accounts, r->who.user_id, &a);
	if (rc)
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:o}", "notifications", a));
}
