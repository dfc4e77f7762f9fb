/* POST /v1/tokens, GET /v1/tokens, DELETE /v1/tokens/{id}. */
#include "http/routes.h"
#include "crypto/crypto.h"

int cu_h_token_create(struct cu_req *r)
{
	static const char *const keys[] = { "name", "user", "ttl_days", NULL };
	const char *name, *user = r->who.username, *bad;
	int64_t days = 0;
	char *id = NULL, *token = NULL;
	json_t *o;
	int rc;

	if (cu_json_only_keys(r->json, keys, &bad))
		return cu_req_error(r, CU_ERR_INVALID, bad, "unknown field '%s'", bad);
	if (cu_json_get_str(r->json, "name", &name) || !*name || strlen(name) > CU_MAX_NAME_BYTES)
		return cu_req_error(r, CU_ERR_INVALID, "name", "name must be a string of 1-64 bytes");
	rc = cu_json_get_str(r->json, "user", &user);
	if (rc == CU_ERR_NOT_FOUND)
		user = r->who.username;
	else if (rc)
		return cu_req_error(r, CU_ERR_INVALID, "user", "user must be a user name");
	/* A token acts as its user: only for users whose powers you hold. */
	if (strcmp(user, r->who.username) != 0 && (rc = cu_h_may_act_on(r, user)))
		return rc;
	rc = cu_json_get_int(r->json, "ttl_days", &days);
	if ((rc && rc != CU_ERR_NOT_FOUND) || days < 0 || days > 3650)
		return cu_req_error(r, CU_ERR_INVALID, "ttl_days", "ttl_days must be 0 (no expiry) to 3650");
	rc = cu_accounts_token_create(r->app->accounts, user, name, days * 86400, &id, &token);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, CU_ERR_INVALID, "user", "no active user with that name");
	if (rc)
		return rc;
	o = json_object();
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "user", json_string(user));
	json_object_set_new(o, "token", json_string(token));
	cu_memzero(token, strlen(token));
	cu_free(token);
	cu_free(id);
	return cu_req_reply(r, 201, o);
}

int cu_h_token_list(struct cu_req *r)
{
	json_t *a;
	int rc = cu_accounts_token_list(r->app->accounts, &a);
	if (rc)
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:o}", "tokens", a));
}

int cu_h_token_revoke(struct cu_req *r)
{
	char *owner = NULL;
	int rc = cu_accounts_token_owner(r->app->accounts, r->params[0], &owner);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, NULL, "no such active token");
	if (rc)
		return rc;
	if (strcmp(owner, r->who.username) != 0 && (rc = cu_h_may_act_on(r, owner))) {
		cu_free(owner);
		return rc;
	}
	cu_free(owner);
	rc = cu_accounts_token_revoke(r->app->accounts, r->params[0]);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, NULL, "no such active token");
	if (rc)
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:s,s:b}", "id", r->params[0], "revoked", 1));
}
