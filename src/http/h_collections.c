/* POST /v1/collections, GET /v1/collections, GET /v1/collections/{name}. */
#include "http/routes.h"
#include "policy/roles.h"
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
	r->audit_collection = name;
	cu_req_reply(r, 201, cu_schema_to_json(s));
	cu_free(s);
	return CU_OK;
}

/* Schemas are visible to holders of the collections module and to
 * roles granted anything on the collection. */
static bool may_see(struct cu_req *r, const char *name)
{
	return (r->who.modules & CU_MOD_COLLECTIONS) || cu_grants_any(&r->grants, name);
}

int cu_h_collection_list(struct cu_req *r)
{
	json_t *a, *out, *v;
	size_t i;
	int rc;
	if ((rc = cu_vault_collection_list(r->app->vault, &a)))
		return rc;
	out = json_array();
	json_array_foreach(a, i, v)
		if (may_see(r, json_string_value(v)))
			json_array_append(out, v);
	json_decref(a);
	return cu_req_reply(r, 200, json_pack("{s:o}", "collections", out));
}

int cu_h_collection_get(struct cu_req *r)
{
	struct cu_schema *s = NULL;
	int rc;
	r->audit_collection = r->params[0];
	rc = cu_vault_collection_get(r->app->vault, r->params[0], &s);
	if (rc == CU_ERR_NOT_FOUND)
		return cu_req_error(r, rc, NULL, "no such collection");
	if (rc)
		return rc;
	if (!may_see(r, s->name)) {
		cu_free(s);
		return cu_req_error(r, CU_ERR_FORBIDDEN, NULL, "your roles grant nothing on this collection");
	}
	cu_req_reply(r, 200, cu_schema_to_json(s));
	cu_free(s);
	return CU_OK;
}
