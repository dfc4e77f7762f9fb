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

#include "accounts/password.h"

#define CU_SESSION_IDLE_S (30 * 60)
#define CU_SESSION_ABSOLUTE_S (12 * 3600)
#define CU_TOTP_STEP 30
#define CU_TOTP_DIGITS 6
#define CU_RECOVERY_CODES 10

/* Security settings (stored in the database, changed through the API). */
struct cu_security {
	struct cu_pwpolicy pw;
	int lockout_threshold;  /* failed logins before an account locks */
	int lockout_seconds;    /* how long it stays locked */
	int ip_threshold;       /* failed logins from one address before it is blocked */
	int session_idle;       /* seconds */
	int session_absolute;   /* seconds */
	char require_2fa[16];   /* "all" | "privileged" (users with any admin module) */
	bool reveal_step_up;    /* revealing highly sensitive fields needs a fresh code */
};
json_t *cu_security_to_json(const struct cu_security *s);

/* Who is making a request, after authentication. */
struct cu_principal {
	char user_id[48];
	char username[CU_MAX_NAME_BYTES + 1];
	char department[CU_MAX_NAME_BYTES + 1];
	json_t *roles;          /* array of role names (owned) */
	const char *method;     /* "session" | "token" | "cli" */
	char session_ref[24];   /* short keyed hash of the session/token: loggable */
	char csrf[48];          /* session CSRF token; empty for bearer tokens */
	char stage[8];          /* "full", or "enrol" until password + TOTP are set */
	unsigned modules;       /* administrative modules (policy/roles.h), filled by http */
	bool is_admin;
};
void cu_principal_release(struct cu_principal *p);

CU_WUR int cu_accounts_new(struct cu_store *store, const struct cu_keyring *kr,
			   struct cu_accounts **out);
/* Tells accounts which roles count as privileged for require_2fa =
 * "privileged" (policy knows; accounts does not look at roles).  Without
 * it every user needs two-factor. */
typedef bool (*cu_privileged_fn)(void *ctx, const json_t *roles);
void cu_accounts_set_privileged(struct cu_accounts *a, cu_privileged_fn fn, void *ctx);
void cu_accounts_free(struct cu_accounts *a);

/* What a new user is told once: a one-time password and a TOTP seed. */
struct cu_new_user {
	char *id;
	char *password;    /* secret: print once, then cu_new_user_release */
	char *totp_base32; /* secret */
	char *totp_uri;    /* secret: otpauth://totp/custos:NAME?secret=... */
};
void cu_new_user_release(struct cu_new_user *nu);

/*
 * Create a user with a one-time password.  With totp_now (the first
 * administrator, made by "custos init"), a TOTP seed is made and counted
 * as enrolled; otherwise the user enrols at first login.
 */
CU_WUR int cu_accounts_user_create(struct cu_accounts *a, const char *username,
				   const char *display_name, const char *department,
				   const json_t *roles, bool totp_now, struct cu_new_user *out);
/* JSON array of users (no secrets); with stale_s > 0 only active users
 * who have not logged in for stale_s seconds. */
CU_WUR int cu_accounts_user_list(struct cu_accounts *a, int64_t stale_s, json_t **out);
CU_WUR int cu_accounts_user_get(struct cu_accounts *a, const char *username, json_t **out);
CU_WUR int cu_accounts_user_exists(struct cu_accounts *a, const char *username);
/* active <-> disabled.  Disabling ends every session and token at once. */
CU_WUR int cu_accounts_user_set_status(struct cu_accounts *a, const char *username,
				       bool active);
/* New roles; the user's sessions end (a new id at the next login). */
CU_WUR int cu_accounts_user_set_roles(struct cu_accounts *a, const char *username,
				      const json_t *roles);
/* Irreversible: wipe credentials, end sessions and tokens, hand the
 * records the user owns to reassign_to. */
CU_WUR int cu_accounts_user_delete(struct cu_accounts *a, const char *username,
				   const char *reassign_to, int64_t *reassigned);
/* A new one-time password (*pw, secret); sessions end. */
CU_WUR int cu_accounts_user_reset_password(struct cu_accounts *a, const char *username,
					   char **pw);
/* Forget the TOTP seed (lost phone): the user enrols again. */
CU_WUR int cu_accounts_user_reset_totp(struct cu_accounts *a, const char *username);

CU_WUR int cu_accounts_settings_get(struct cu_accounts *a, struct cu_security *out);
/* Validate and store settings from JSON; errors explained in why. */
CU_WUR int cu_accounts_settings_put(struct cu_accounts *a, const json_t *j, char *why, size_t n);

/*
 * Check username + password + TOTP code (or a one-time recovery code);
 * on success make a session.  Fails with CU_ERR_AUTH whatever was wrong
 * (no hint whether the user exists, or is locked), taking about the same
 * time either way.  A TOTP code is accepted once only.  Failures count
 * per account and per source address; past the thresholds the account
 * (or address) is locked for the configured time, right password or not.
 * Users who must still change their password or enrol TOTP get a
 * session in stage "enrol" that can do only that.
 */
CU_WUR int cu_accounts_login(struct cu_accounts *a, const char *username, const char *password,
			     const char *totp, const char *recovery, const char *source,
			     const char *user_agent, char **session_id, struct cu_principal *p);
CU_WUR int cu_accounts_session_auth(struct cu_accounts *a, const char *session_id,
				    struct cu_principal *p);
CU_WUR int cu_accounts_session_end(struct cu_accounts *a, const char *session_id);
/* Replace a session with a new id in stage "full" (after enrolment). */
CU_WUR int cu_accounts_session_rotate(struct cu_accounts *a, const char *session_id,
				      struct cu_principal *p, const char *source,
				      const char *user_agent, char **new_id);
/* The user's own sessions (ref, created, last seen, source) and ending one. */
CU_WUR int cu_accounts_sessions_list(struct cu_accounts *a, const char *user_id, json_t **out);
CU_WUR int cu_accounts_session_end_ref(struct cu_accounts *a, const char *user_id,
				       const char *ref);

/* Self-service: change password (rule names the failed policy rule). */
CU_WUR int cu_accounts_password_change(struct cu_accounts *a, const struct cu_principal *p,
				       const char *current, const char *next, const char **rule,
				       char *why, size_t n);
/* Start TOTP enrolment: a pending seed (*b32, *uri: secrets). */
CU_WUR int cu_accounts_totp_begin(struct cu_accounts *a, const struct cu_principal *p,
				  char **b32, char **uri);
/* Confirm with a code from the pending seed; returns recovery codes. */
CU_WUR int cu_accounts_totp_confirm(struct cu_accounts *a, const struct cu_principal *p,
				    const char *code, json_t **recovery);
/* Has p finished enrolment (password changed and TOTP enrolled)? */
CU_WUR int cu_accounts_enrolled(struct cu_accounts *a, const char *user_id, bool *done);

/* A fresh TOTP code for a sensitive act (reveal of highly sensitive
 * data): verified and consumed like a login code. */
CU_WUR int cu_accounts_step_up(struct cu_accounts *a, const char *user_id, const char *code);

/* Login alerts and other notices for the account owner. */
CU_WUR int cu_accounts_notify(struct cu_accounts *a, const char *user_id, const char *kind,
			      const char *message, const char *source);
CU_WUR int cu_accounts_notifications(struct cu_accounts *a, const char *user_id, json_t **out);
/* Id of a user by name (*id cu_free'd). */
CU_WUR int cu_accounts_user_id(struct cu_accounts *a, const char *username, char **id);

/* Service tokens act as their user.  *token is shown once. */
CU_WUR int cu_accounts_token_create(struct cu_accounts *a, const char *username,
				    const char *name, int64_t ttl_s, char **id, char **token);
CU_WUR int cu_accounts_token_auth(struct cu_accounts *a, const char *token,
				  struct cu_principal *p);
CU_WUR int cu_accounts_token_revoke(struct cu_accounts *a, const char *id);
/* The user name a token acts as (*username cu_free'd by the caller). */
CU_WUR int cu_accounts_token_owner(struct cu_accounts *a, const char *id, char **username);
CU_WUR int cu_accounts_token_list(struct cu_accounts *a, json_t **out);

/* Is code the current TOTP of the base32 seed?  For tests and tools. */
CU_WUR int cu_totp_generate(const uint8_t *seed, size_t len, int64_t now, char out[16]);

#endif
