/*
 * accounts.h - users, passwords, TOTP two-factor, sessions and service
 * tokens.
 *
 * Passwords are Argon2id-hashed; TOTP seeds are sealed with the server
 * key; session ids and tokens are stored only as keyed hashes, so a copy
 * of the database lets nobody log in.  The only user of liboath.
 */
#ifndef CU_ACCOUNTS_ACCOUNTS_H
#define CU_ACCOUNTS_ACCOUNTS_H

#include "core/json.h"

struct cu_store;
struct cu_keyring;
struct cu_accounts;

#define CU_SESSION_IDLE_S (30 * 60)
#define CU_SESSION_ABSOLUTE_S (12 * 3600)
#define CU_TOTP_STEP 30
#define CU_TOTP_DIGITS 6

/* Who is making a request, after authentication. */
struct cu_principal {
	char user_id[48];
	char username[CU_MAX_NAME_BYTES + 1];
	char department[CU_MAX_NAME_BYTES + 1];
	json_t *roles;          /* array of role names (owned) */
	const char *method;     /* "session" | "token" | "cli" */
	char session_ref[24];   /* short keyed hash of the session/token: loggable */
	char csrf[48];          /* session CSRF token; empty for bearer tokens */
	bool is_admin;
};
void cu_principal_release(struct cu_principal *p);

CU_WUR int cu_accounts_new(struct cu_store *store, const struct cu_keyring *kr,
			   struct cu_accounts **out);
void cu_accounts_free(struct cu_accounts *a);

/* What a new user is told once: a one-time password and a TOTP seed. */
struct cu_new_user {
	char *id;
	char *password;    /* secret: print once, then cu_new_user_release */
	char *totp_base32; /* secret */
	char *totp_uri;    /* secret: otpauth://totp/custos:NAME?secret=... */
};
void cu_new_user_release(struct cu_new_user *nu);

CU_WUR int cu_accounts_user_create(struct cu_accounts *a, const char *username,
				   const char *display_name, const char *department,
				   const json_t *roles, struct cu_new_user *out);
/* JSON array of users (no secrets). */
CU_WUR int cu_accounts_user_list(struct cu_accounts *a, json_t **out);
CU_WUR int cu_accounts_user_exists(struct cu_accounts *a, const char *username);

/*
 * Check username + password + TOTP code; on success make a session.
 * Fails with CU_ERR_AUTH whatever was wrong (no hint whether the user
 * exists), taking about the same time either way.  A TOTP code is
 * accepted once only.
 */
CU_WUR int cu_accounts_login(struct cu_accounts *a, const char *username, const char *password,
			     const char *totp, const char *source, const char *user_agent,
			     char **session_id, struct cu_principal *p);
CU_WUR int cu_accounts_session_auth(struct cu_accounts *a, const char *session_id,
				    struct cu_principal *p);
CU_WUR int cu_accounts_session_end(struct cu_accounts *a, const char *session_id);

/* Service tokens act as their user.  *token is shown once. */
CU_WUR int cu_accounts_token_create(struct cu_accounts *a, const char *username,
				    const char *name, int64_t ttl_s, char **id, char **token);
CU_WUR int cu_accounts_token_auth(struct cu_accounts *a, const char *token,
				  struct cu_principal *p);
CU_WUR int cu_accounts_token_revoke(struct cu_accounts *a, const char *id);
CU_WUR int cu_accounts_token_list(struct cu_accounts *a, json_t **out);

/* Is code the current TOTP of the base32 seed?  For tests and tools. */
CU_WUR int cu_totp_generate(const uint8_t *seed, size_t len, int64_t now, char out[16]);

#endif
