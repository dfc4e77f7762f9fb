/* accounts_int.h - shared internals of accounts/ (not a public header). */
#ifndef CU_ACCOUNTS_INT_H
#define CU_ACCOUNTS_INT_H

#include "accounts/accounts.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/keyring.h"
#include "store/store.h"

#include <pthread.h>

#define TOTP_SEED_BYTES 20
#define PASSWORD_CHARS 20
#define IP_SLOTS 256
#define IP_WINDOW_S 900
#define SETTINGS_TTL_S 5

/* Failed logins per source address (in memory, per process). */
struct ip_slot {
	char addr[64];
	int failures;
	int64_t window_start;
	int64_t blocked_until;
};

struct cu_accounts {
	struct cu_store *store;
	const struct cu_keyring *kr;
	/* Verified against when the user does not exist, so a miss costs
	 * the same Argon2id time as a hit. */
	char dummy_hash[CU_PWHASH_STR_BYTES];
	pthread_mutex_t lock; /* guards ips and the settings cache */
	struct ip_slot ips[IP_SLOTS];
	struct cu_security settings;
	int64_t settings_loaded;
	cu_privileged_fn privileged;
	void *privileged_ctx;
};

/* Must this user have two-factor under the settings? */
bool cu_acc_needs_totp(struct cu_accounts *a, const struct cu_security *set, const json_t *roles);

/* A users row as login and self-service need it. */
struct user_row {
	bool found;
	char id[48];
	char username[CU_MAX_NAME_BYTES + 1];
	char department[CU_MAX_NAME_BYTES + 1];
	char status[16];
	char hash[CU_PWHASH_STR_BYTES];
	uint8_t totp[TOTP_SEED_BYTES + CU_SEAL_OVERHEAD];
	size_t totplen;
	uint8_t pending[TOTP_SEED_BYTES + CU_SEAL_OVERHEAD];
	size_t pendinglen;
	int64_t last_step;
	int64_t failed_count, locked_until, password_changed_at;
	bool must_change, totp_enrolled;
	json_t *roles;
};

#define USER_COLS "id, username, department, status, password_hash, totp_sealed, " \
		  "totp_pending, totp_last_step, failed_count, locked_until, " \
		  "password_changed_at, must_change_password, totp_enrolled, roles"

int cu_acc_read_user(void *ctx, struct cu_row *row);
/* Load by username (by_id false) or id. */
CU_WUR int cu_acc_load_user(struct cu_accounts *a, struct cu_conn *c, const char *key, bool by_id,
			    struct user_row *u);
void cu_acc_user_release(struct user_row *u);

char *cu_acc_random_password(void);
void cu_acc_totp_ad(char *ad, size_t n, const char *user_id, bool pending);
/* Verify code against a sealed seed; *step is the matched time step. */
CU_WUR int cu_acc_totp_verify(struct cu_accounts *a, const char *user_id, const uint8_t *sealed,
			      size_t len, bool pending, const char *code, int64_t min_step,
			      int64_t *step);
char *cu_acc_ref(const struct cu_keyring *kr, const char *domain, const char *secret);
CU_WUR int cu_acc_new_session(struct cu_accounts *a, struct cu_conn *c, const char *user_id,
			      const char *stage, const char *source, const char *ua, char **sid,
			      char *csrf, size_t csrflen);
void cu_acc_fill_principal(struct cu_principal *p, const char *id, const char *username,
			   const char *dept, json_t *roles, const char *method);
CU_WUR int cu_acc_end_all(struct cu_conn *c, const char *user_id);
CU_WUR int cu_acc_notify_conn(struct cu_conn *c, const char *user_id, const char *kind,
			      const char *message, const char *source);
char *cu_acc_totp_uri(const char *username, const char *b32);
/* Count a failed password or code against u; lock it past the threshold. */
CU_WUR int cu_acc_record_failure(struct cu_accounts *a, struct cu_conn *c, struct user_row *u,
				 const struct cu_security *set, const char *source, int64_t now);

#endif
