/*
 * policy.h - the one decision point for "may this principal do this?".
 *
 * This version knows the built-in roles below; data-driven roles with
 * per-field grants, row scope and purposes replace them in the access
 * policy work (see docs/api.md, "Roles").
 *
 *   admin    everything, including reveal of sensitive fields
 *   staff    create, read (masked), update records; read schemas
 *   auditor  read schemas and the audit log; no records
 */
#ifndef CU_POLICY_POLICY_H
#define CU_POLICY_POLICY_H

#include "accounts/accounts.h"

enum cu_action {
	CU_ACT_SCHEMA_READ,
	CU_ACT_SCHEMA_WRITE,
	CU_ACT_RECORD_CREATE,
	CU_ACT_RECORD_READ,     /* masked */
	CU_ACT_RECORD_REVEAL,   /* unmasked sensitive values */
	CU_ACT_RECORD_UPDATE,
	CU_ACT_RECORD_DELETE,
	CU_ACT_SCAN,
	CU_ACT_AUDIT_READ,
	CU_ACT_ADMIN,
};

/* CU_OK if allowed, CU_ERR_FORBIDDEN with a reason in why if not. */
CU_WUR int cu_policy_check(const struct cu_principal *p, enum cu_action a, const char *collection,
			   const char *field, char *why, size_t whylen);

#endif
