#include "policy/policy.h"

static bool has_role(const struct cu_principal *p, const char *role)
{
	size_t i;
	json_t *v;
	json_array_foreach(p->roles, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), role) == 0)
			return true;
	return false;
}

int cu_policy_check(const struct cu_principal *p, enum cu_action a, const char *collection,
		    const char *field, char *why, size_t whylen)
{
	bool ok = false;

	(void)collection;
	(void)field;
	if (p->is_admin)
		return CU_OK;
	switch (a) {
	case CU_ACT_SCHEMA_READ:
		ok = has_role(p, "staff") || has_role(p, "auditor");
		break;
	case CU_ACT_RECORD_CREATE:
	case CU_ACT_RECORD_READ:
	case CU_ACT_RECORD_UPDATE:
	case CU_ACT_SCAN:
		ok = has_role(p, "staff");
		break;
	case CU_ACT_AUDIT_READ:
		ok = has_role(p, "auditor");
		break;
	default:
		ok = false;
		break;
	}
	if (!ok && why)
		snprintf(why, whylen, "your roles do not allow this");
	return ok ? CU_OK : CU_ERR_FORBIDDEN;
}
