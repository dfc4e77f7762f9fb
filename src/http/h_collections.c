/* POST /v1/collections, GET /v1/collections, GET /v1/collections/{name}. */
#include "http/routes.h"
#include "policy/policy.h"
#include "vault/vault.h"

int cu_h_collection_create(struct cu_req *r)
{
	struct cu_errinfo ei = { "", "" };
	struct cu_schema *s = NULL;
	const char *name;
	int rc;

	rc = cu_vault_collection_create(r->app->vault, r->json, r->who.username, &ei);
	if (rc)
		return ei.msg[0] ? cu_req_error(r, rc, ei.field, "%s", ei.msg) : rc;
	if (cu_json_get_str(r->json, "name", &name) ||
	    (rc = cu_vault_collection_get(r->app->vault, name, &s)))
		return CU_ERR_INTERNAL;
	r->audit_collection = s->name[0] ? name : NULL;
	cu_req_reply(r, 201, cu_schema_to_json(s));
	cu_free(s);
	return CU_OK;
}

int cu_h_collection_list(struct cu_req *r)
{
	char why[128];
	json_t *a;
	int rc;
	if ((rc = cu_policy_check(&r->who, CU_ACT_SCHEMA_READ, NULL, NULL, why, sizeof(why))))
		return cu_req_error(r, rc, NULL, "%s", why);
	if ((rc = cu_vault_collection_list(r->app->vault, &a)))
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:o}", "collections", a));
}

int cu_h_collection_get(struct cu_req *r)
{
	struct cu_schema *s = NULL;
	char why[128];
	int rc;
	if ((rc = cu_policy_check(&r->who, CU_ACT_SCHEMA_READ, r->params[0], NULL, why, sizeof(why))))
		return cu_req_error(r, rc, NULL, "%s", why);
	rc = cu_vault_collection_get(r->app->vault, r->params[0], &s);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, NULL, "no such collection");
	if (rc)
		return rc;
	r->audit_collection = r->params[0];
	cu_req_reply(r, 200, cu_schema_to_json(s));
	cu_free(s);
	return CU_OK;
}
