/*
 * policy.h - the one decision point for every read and write of personal
 * information.
 *
 * A principal's roles (policy/roles.h, stored as data) are merged into a
 * struct cu_grants once per request: the administrative modules, the
 * row scope, the purposes it may read for, and per collection and field
 * the permissions
 *
 *   read_masked  see the value masked (138****5678)
 *   read         see it in the clear, on ?reveal= with a reason
 *   write        create and change it
 *   delete       delete records (on field "*")
 *   export       bulk export (on field "*"; needs a second person)
 *
 * "*" stands for every collection or every field.  Default deny:
 * anything not granted is refused, and every decision can be explained
 * by the rule that made it.
 */
#ifndef CU_POLICY_POLICY_H
#define CU_POLICY_POLICY_H

#include "accounts/accounts.h"

struct cu_store;

enum cu_scope { CU_SCOPE_NONE, CU_SCOPE_OWN, CU_SCOPE_DEPARTMENT, CU_SCOPE_ALL };

enum cu_perm {
	CU_PERM_READ_MASKED = 1u << 0,
	CU_PERM_READ = 1u << 1,
	CU_PERM_WRITE = 1u << 2,
	CU_PERM_DELETE = 1u << 3,
	CU_PERM_EXPORT = 1u << 4,
};

struct cu_grants {
	unsigned modules;
	enum cu_scope scope;
	bool step_up;        /* some role asks for a fresh code before reveals */
	json_t *purposes;    /* array of purpose names ("*" = any) */
	json_t *collections; /* {collection: {field: [perm names], ...}, ...} merged */
	json_t *roles;       /* the role names, for explanations */
};

CU_WUR int cu_perm_parse(const char *name, enum cu_perm *out);
const char *cu_perm_name(enum cu_perm p);
const char *cu_scope_name(enum cu_scope s);

/* Merge the definitions of role_names (unknown roles add nothing). */
CU_WUR int cu_grants_load(struct cu_store *s, const json_t *role_names, struct cu_grants *g);
void cu_grants_release(struct cu_grants *g);

/*
 * May g do perm on collection.field ("*" for the collection as a whole)?
 * rule (may be NULL) gets the grant that allowed it or why not.
 */
bool cu_grants_allow(const struct cu_grants *g, const char *collection, const char *field,
		     enum cu_perm perm, char *rule, size_t n);
/* Does g hold any permission at all on collection? */
bool cu_grants_any(const struct cu_grants *g, const char *collection);
/* Is purpose one of g's purposes? */
bool cu_grants_purpose(const struct cu_grants *g, const char *purpose);

/*
 * Row scope: may a principal (username, department) with g see a record
 * owned by owner with related users related?  Department scope compares
 * the owner's department, read from the store.
 */
CU_WUR int cu_policy_row_visible(struct cu_store *s, const struct cu_grants *g,
				 const struct cu_principal *p, const char *owner,
				 const json_t *related, bool *visible);

/* Purposes declared by the administrator. */
CU_WUR int cu_purpose_exists(struct cu_store *s, const char *name);
CU_WUR int cu_purpose_put(struct cu_store *s, const char *name, const char *description);
CU_WUR int cu_purpose_list(struct cu_store *s, json_t **out);

/* Consent of a data subject (by stored subject id) for a purpose. */
CU_WUR int cu_consent_set(struct cu_store *s, const char *subject, const char *purpose,
			  bool granted, const char *source);
CU_WUR int cu_consent_has(struct cu_store *s, const char *subject, const char *purpose, bool *yes);
CU_WUR int cu_consent_list(struct cu_store *s, const char *subject, json_t **out);

#endif
