/*
 * vault.h - collections and encrypted customer records.
 *
 * Every record belongs to one data subject, whose DEK (wrapped by the
 * keyring's current KEK) seals the record's sensitive fields with
 * XChaCha20-Poly1305; the associated data binds each ciphertext to its
 * collection, record id, field and DEK version, so a ciphertext moved to
 * another row or field fails to open (CU_ERR_INTEGRITY), never decrypts
 * to wrong data.  Exact-match lookups use a keyed blind index.
 *
 * The vault decides nothing about who may see what: callers ask policy/
 * first, and mask what the vault returns.
 */
#ifndef CU_VAULT_VAULT_H
#define CU_VAULT_VAULT_H

#include "vault/schema.h"

struct cu_store;
struct cu_keyring;
struct cu_vault;

CU_WUR int cu_vault_new(struct cu_store *store, const struct cu_keyring *kr,
			struct cu_vault **out);
void cu_vault_free(struct cu_vault *v);

CU_WUR int cu_vault_collection_create(struct cu_vault *v, const json_t *spec, const char *actor,
				      struct cu_errinfo *ei);
/* A copy of the named schema (*out owned by caller, cu_free). */
CU_WUR int cu_vault_collection_get(struct cu_vault *v, const char *name, struct cu_schema **out);
/* JSON array of collection names. */
CU_WUR int cu_vault_collection_list(struct cu_vault *v, json_t **out);

/* A record as read: metadata plus clear field values (in fields). */
struct cu_record {
	char id[48];
	char subject[64];
	char *owner;
	json_t *related;  /* array of user names */
	json_t *fields;   /* object: field -> canonical clear value */
	int64_t created_at, updated_at, version;
};
void cu_record_free(struct cu_record *r);

/*
 * Create a record from {"fields":{...}, "subject":"ref", "owner":"user",
 * "related":["user",...]}.  Without subject, a new data subject is made.
 * *id is cu_free()d by the caller.
 */
CU_WUR int cu_vault_record_create(struct cu_vault *v, const char *collection, const json_t *body,
				  const char *actor, char **id, struct cu_errinfo *ei);
CU_WUR int cu_vault_record_get(struct cu_vault *v, const char *collection, const char *id,
			       struct cu_record **out);
/* Merge {"fields":{...}} (null removes a field), "owner", "related". */
CU_WUR int cu_vault_record_update(struct cu_vault *v, const char *collection, const char *id,
				  const json_t *body, struct cu_errinfo *ei);
CU_WUR int cu_vault_record_delete(struct cu_vault *v, const char *collection, const char *id);
/* Ids of records whose field equals text exactly (JSON array, owned). */
CU_WUR int cu_vault_record_find(struct cu_vault *v, const char *collection, const char *field,
				const char *text, size_t limit, json_t **ids,
				struct cu_errinfo *ei);
/* The stored id ("s_...") of the data subject with reference ref: a keyed
 * hash, so logs and reports name subjects without the caller's id. */
char *cu_vault_subject_id(struct cu_vault *v, const char *ref);

/* Owner, related users and subject of a record, without decrypting it
 * (for row-scope checks before any plaintext exists).  *owner and
 * *related are owned by the caller. */
CU_WUR int cu_vault_record_meta(struct cu_vault *v, const char *collection, const char *id,
				char **owner, json_t **related, char *subject, size_t subjlen);
/* Delete a collection with all its records (schema included). */
CU_WUR int cu_vault_collection_delete(struct cu_vault *v, const char *name, int64_t *records);

/* Ids of records in a collection, in id order after `after` (may be NULL). */
CU_WUR int cu_vault_record_list(struct cu_vault *v, const char *collection, const char *after,
				size_t limit, json_t **ids);

#endif
