/*
 * roles.h - roles as data: stored, versioned, every change kept in
 * role_history.  A role names the administrative modules it may manage
 * (seeds/003 §4.3: an HR administrator manages users but cannot read the
 * audit log).  "*" means every module.
 */
#ifndef CU_POLICY_ROLES_H
#define CU_POLICY_ROLES_H

#include "core/json.h"

struct cu_store;
struct cu_errinfo;

enum cu_module {
	CU_MOD_USERS = 1u << 0,
	CU_MOD_ROLES = 1u << 1,
	CU_MOD_COLLECTIONS = 1u << 2,
	CU_MOD_AUDIT = 1u << 3,
	CU_MOD_DLP = 1u << 4,
	CU_MOD_MAIL = 1u << 5,
	CU_MOD_ALERTS = 1u << 6,
	CU_MOD_BACKUP = 1u << 7,
	CU_MOD_KEYS = 1u << 8,
	CU_MOD_ALL = (1u << 9) - 1,
};

CU_WUR int cu_module_parse(const char *name, unsigned *bit);
const char *cu_module_name(unsigned bit);

/* Union of the module permissions of the named roles (unknown roles add
 * nothing: default deny). */
CU_WUR int cu_roles_modules(struct cu_store *s, const json_t *role_names, unsigned *mods);

/* Privileged for two-factor purposes: holds any administrative module.
 * (ctx is the struct cu_store *.)  Fits cu_privileged_fn. */
bool cu_roles_privileged(void *ctx, const json_t *role_names);

/* Validate and store a role definition (creating or replacing it and
 * bumping its version).  Errors name the offending key in ei. */
CU_WUR int cu_role_put(struct cu_store *s, const json_t *def, const char *actor,
		       struct cu_errinfo *ei, int64_t *version);
CU_WUR int cu_role_get(struct cu_store *s, const char *name, json_t **out);
/* Check a role definition without storing it. */
CU_WUR int cu_role_validate(const json_t *def, struct cu_errinfo *ei);
CU_WUR int cu_role_list(struct cu_store *s, json_t **out);
CU_WUR int cu_role_delete(struct cu_store *s, const char *name, const char *actor);
/* Does any active user hold role name? */
CU_WUR int cu_role_in_use(struct cu_store *s, const char *name, bool *used);

#endif
