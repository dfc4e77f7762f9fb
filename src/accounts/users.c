/* users.c - administering users, and the security settings. */
#include "accounts/accounts_int.h"

/* ---- settings ------------------------------------------------------------ */

static void defaults(struct cu_security *s)
{
	memset(s, 0, sizeof(*s));
	if (cu_pwpolicy_preset("nist", &s->pw))
		abort();
	s->lockout_threshold = 5;
	s->lockout_seconds = 900;
	s->ip_threshold = 20;
	s->session_idle = CU_SESSION_IDLE_S;
	s->session_absolute = CU_SESSION_ABSOLUTE_S;
	snprintf(s->require_2fa, sizeof(s->require_2fa), "all");
}

json_t *cu_security_to_json(const struct cu_security *s)
{
	return json_pack("{s:o,s:i,s:i,s:i,s:i,s:i,s:s,s:b}", "password_policy",
			 cu_pwpolicy_to_json(&s->pw), "lockout_threshold", s->lockout_threshold,
			 "lockout_seconds", s->lockout_seconds, "ip_threshold", s->ip_threshold,
			 "session_idle_seconds", s->session_idle, "session_absolute_seconds",
			 s->session_absolute, "require_2fa", s->require_2fa, "reveal_step_up",
			 s->reveal_step_up);
}

static int from_json(const json_t *j, struct cu_security *s, char *why, size_t n)
{
	static const char *const keys[] = { "password_policy", "lockout_threshold", "lockout_seconds",
					    "ip_threshold", "session_idle_seconds",
					    "session_absolute_seconds", "require_2fa", "reveal_step_up",
					    NULL };
	static const struct {
		const char *key;
		size_t off;
		int min, max;
	} ints[] = {
		{ "lockout_threshold", offsetof(struct cu_security, lockout_threshold), 1, 100 },
		{ "lockout_seconds", offsetof(struct cu_security, lockout_seconds), 1, 86400 * 7 },
		{ "ip_threshold", offsetof(struct cu_security, ip_threshold), 1, 10000 },
		{ "session_idle_seconds", offsetof(struct cu_security, session_idle), 60, 86400 },
		{ "session_absolute_seconds", offsetof(struct cu_security, session_absolute), 300, 86400 * 30 },
	};
	const char *bad, *req;
	json_t *pp;
	int r;

	if (!json_is_object(j) || cu_json_only_keys(j, keys, &bad)) {
		snprintf(why, n, "unknown setting '%s'", json_is_object(j) ? bad : "");
		return CU_ERR_INVALID;
	}
	if ((pp = json_object_get(j, "password_policy")) &&
	    (r = cu_pwpolicy_from_json(pp, &s->pw, why, n)))
		return r;
	for (size_t i = 0; i < CU_ARRAY_LEN(ints); i++) {
		int64_t v;
		r = cu_json_get_int(j, ints[i].key, &v);
		if (r == CU_ERR_NOT_FOUND)
			continue;
		if (r || v < ints[i].min || v > ints[i].max) {
			snprintf(why, n, "%s must be an integer %d..%d", ints[i].key, ints[i].min,
				 ints[i].max);
			return CU_ERR_INVALID;
		}
		*(int *)((char *)s + ints[i].off) = (int)v;
	}
	r = cu_json_get_str(j, "require_2fa", &req);
	if (r == CU_OK && (strcmp(req, "all") == 0 || strcmp(req, "privileged") == 0))
		snprintf(s->require_2fa, sizeof(s->require_2fa), "%s", req);
	else if (r != CU_ERR_NOT_FOUND) {
		snprintf(why, n, "require_2fa must be all or privileged");
		return CU_ERR_INVALID;
	}
	r = cu_json_get_bool(j, "reveal_step_up", &s->reveal_step_up);
	if (r && r != CU_ERR_NOT_FOUND) {
		snprintf(why, n, "reveal_step_up must be true or false");
		return CU_ERR_INVALID;
	}
	if (s->session_idle > s->session_absolute) {
		snprintf(why, n, "session_idle_seconds cannot exceed session_absolute_seconds");
		return CU_ERR_INVALID;
	}
	return CU_OK;
}

int cu_accounts_settings_get(struct cu_accounts *a, struct cu_security *out)
{
	int64_t now = cu_time_now();
	struct cu_conn *c = NULL;
	char *text = NULL, why[128];
	json_t *j = NULL;
	struct cu_security s;
	int r;

	pthread_mutex_lock(&a->lock);
	if (a->settings_loaded && now - a->settings_loaded < SETTINGS_TTL_S) {
		*out = a->settings;
		pthread_mutex_unlock(&a->lock);
		return CU_OK;
	}
	pthread_mutex_unlock(&a->lock);
	defaults(&s);
	if ((r = cu_store_acquire(a->store, &c)))
		return r;
	r = cu_conn_query_text(c, "SELECT value FROM meta WHERE key = 'security'", NULL, 0, &text);
	cu_store_release(a->store, c);
	if (r == CU_OK) {
		if (cu_json_parse(text, strlen(text), &j, NULL, 0) || from_json(j, &s, why, sizeof(why)))
			cu_error("accounts: stored security settings are invalid; using defaults");
		json_decref(j);
		cu_free(text);
	} else if (r != CU_ERR_NOT_FOUND) {
		return r;
	}
	pthread_mutex_lock(&a->lock);
	a->settings = s;
	a->settings_loaded = now;
	pthread_mutex_unlock(&a->lock);
	*out = s;
	return CU_OK;
}

int cu_accounts_settings_put(struct cu_accounts *a, const json_t *j, char *why, size_t n)
{
	struct cu_security s;
	struct cu_conn *c = NULL;
	json_t *sj;
	char *text;
	int r;

	if ((r = cu_accounts_settings_get(a, &s)))
		return r;
	if ((r = from_json(j, &s, why, n)))
		return r;
	sj = cu_security_to_json(&s);
	text = cu_json_dump(sj);
	json_decref(sj);
	if ((r = cu_store_acquire(a->store, &c)) == CU_OK) {
		struct cu_val arg = CU_VTEXT(text);
		r = cu_conn_exec(c, "INSERT OR REPLACE INTO meta(key, value) VALUES ('security', ?1)",
				 &arg, 1, NULL);
		cu_store_release(a->store, c);
	}
	cu_free(text);
	if (!r) {
		pthread_mutex_lock(&a->lock);
		a->settings = s;
		a->settings_loaded = cu_time_now();
		pthread_mutex_unlock(&a->lock);
	}
	return r;
}

/* ---- listing ---------------------------------------------------------------- */

static int collect_user(void *ctx, struct cu_row *row)
{
	json_t *u = json_object(), *roles = NULL;
	const char *rj = cu_row_text(row, 4);
	char ts[32];

	json_object_set_new(u, "id", json_string(cu_row_text(row, 0)));
	json_object_set_new(u, "username", json_string(cu_row_text(row, 1)));
	json_object_set_new(u, "display_name", json_string(cu_row_text(row, 2) ?: ""));
	json_object_set_new(u, "department", json_string(cu_row_text(row, 3) ?: ""));
	if (!rj || cu_json_parse(rj, strlen(rj), &roles, NULL, 0))
		roles = json_array();
	json_object_set_new(u, "roles", roles);
	json_object_set_new(u, "status", json_string(cu_row_text(row, 5)));
	cu_time_iso8601(cu_row_int(row, 6), ts, sizeof(ts));
	json_object_set_new(u, "created_at", json_string(ts));
	if (cu_row_is_null(row, 7)) {
		json_object_set_new(u, "last_login_at", json_null());
	} else {
		cu_time_iso8601(cu_row_int(row, 7), ts, sizeof(ts));
		json_object_set_new(u, "last_login_at", json_string(ts));
	}
	json_object_set_new(u, "totp_enrolled", json_boolean(cu_row_int(row, 8)));
	json_object_set_new(u, "must_change_password", json_boolean(cu_row_int(row, 9)));
	json_object_set_new(u, "locked", json_boolean(cu_row_int(row, 10) > cu_time_now()));
	json_array_append_new(ctx, u);
	return 0;
}

#define LIST_COLS "id, username, display_name, department, roles, status, created_at, " \
		  "last_login_at, totp_enrolled, must_change_password, locked_until"

int cu_accounts_user_list(struct cu_accounts *a, int64_t stale_s, json_t **out)
{
	struct cu_conn *c = NULL;
	json_t *arr = json_array();
	int r;

	*out = NULL;
	if ((r = cu_store_acquire(a->store, &c)))
		goto out;
	if (stale_s > 0) {
		struct cu_val arg = CU_VINT(cu_time_now() - stale_s);
		r = cu_conn_query(c, "SELECT " LIST_COLS " FROM users WHERE status = 'active' AND "
				     "COALESCE(last_login_at, created_at) < ?1 ORDER BY username",
				  &arg, 1, collect_user, arr);
	} else {
		r = cu_conn_query(c, "SELECT " LIST_COLS " FROM users ORDER BY username", NULL, 0,
				  collect_user, arr);
	}
out:
	cu_store_release(a->store, c);
	if (r)
		json_decref(arr);
	else
		*out = arr;
	return r;
}

int cu_accounts_user_get(struct cu_accounts *a, const char *username, json_t **out)
{
	struct cu_conn *c = NULL;
	json_t *arr = json_array();
	int r;

	*out = NULL;
	if ((r = cu_store_acquire(a->store, &c)) == CU_OK) {
		struct cu_val arg = CU_VTEXT(username);
		r = cu_conn_query(c, "SELECT " LIST_COLS " FROM users WHERE username = ?1", &arg, 1,
				  collect_user, arr);
		cu_store_release(a->store, c);
	}
	if (!r && !json_array_size(arr))
		r = CU_ERR_NOT_FOUND;
	if (!r)
		*out = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return r;
}

int cu_accounts_user_id(struct cu_accounts *a, const char *username, char **id)
{
	struct cu_conn *c = NULL;
	int r;
	*id = NULL;
	if ((r = cu_store_acquire(a->store, &c)))
		return r;
	struct cu_val arg = CU_VTEXT(username);
	r = cu_conn_query_text(c, "SELECT id FROM users WHERE username = ?1", &arg, 1, id);
	cu_store_release(a->store, c);
	return r;
}

/* ---- changes ------------------------------------------------------------ */

/* Run fn(c, user, ctx) in a transaction on a user that is not deleted. */
static int with_user(struct cu_accounts *a, const char *username,
		     int (*fn)(struct cu_accounts *a, struct cu_conn *c, struct user_row *u, void *ctx),
		     void *ctx)
{
	struct cu_conn *c = NULL;
	struct user_row u;
	int r;

	memset(&u, 0, sizeof(u));
	if ((r = cu_store_acquire(a->store, &c)) || (r = cu_conn_begin(c)))
		goto out;
	if ((r = cu_acc_load_user(a, c, username, false, &u)))
		goto out;
	if (strcmp(u.status, "deleted") == 0) {
		r = CU_ERR_NOT_FOUND;
		goto out;
	}
	if ((r = fn(a, c, &u, ctx)))
		goto out;
	r = cu_conn_commit(c);
out:
	cu_store_release(a->store, c);
	cu_acc_user_release(&u);
	return r;
}

static int do_status(struct cu_accounts *a, struct cu_conn *c, struct user_row *u, void *ctx)
{
	bool active = *(bool *)ctx;
	struct cu_val args[] = { CU_VTEXT(u->id), CU_VTEXT(active ? "active" : "disabled") };
	int r = cu_conn_exec(c, "UPDATE users SET status = ?2, failed_count = 0, locked_until = 0 "
				"WHERE id = ?1", args, 2, NULL);
	(void)a;
	/* Disabling kills every session and token in the same transaction. */
	if (!r && !active)
		r = cu_acc_end_all(c, u->id);
	return r;
}

int cu_accounts_user_set_status(struct cu_accounts *a, const char *username, bool active)
{
	return with_user(a, username, do_status, &active);
}

static int do_roles(struct cu_accounts *a, struct cu_conn *c, struct user_row *u, void *ctx)
{
	char *rj = cu_json_dump(ctx);
	struct cu_val args[] = { CU_VTEXT(u->id), CU_VTEXT(rj) };
	int r = cu_conn_exec(c, "UPDATE users SET roles = ?2 WHERE id = ?1", args, 2, NULL);
	(void)a;
	cu_free(rj);
	/* A privilege change ends the user's sessions: the next login gets a
	 * new session id.  (Tokens carry on; their roles apply at once.) */
	if (!r)
		r = cu_conn_exec(c, "DELETE FROM sessions WHERE user_id = ?1", args, 1, NULL);
	return r;
}

int cu_accounts_user_set_roles(struct cu_accounts *a, const char *username, const json_t *roles)
{
	return with_user(a, username, do_roles, (void *)roles);
}

struct del_ctx {
	const char *reassign_to;
	int64_t reassigned;
};

static int do_delete(struct cu_accounts *a, struct cu_conn *c, struct user_row *u, void *ctx)
{
	struct del_ctx *d = ctx;
	int64_t n = 0;
	int r;
	struct cu_val target = CU_VTEXT(d->reassign_to);
	(void)a;
	if ((r = cu_conn_query_int(c, "SELECT COUNT(*) FROM users WHERE username = ?1 AND "
				      "status = 'active'", &target, 1, &n)))
		return r;
	if (!n || strcmp(d->reassign_to, u->username) == 0)
		return CU_ERR_INVALID;
	struct cu_val args[] = { CU_VTEXT(u->id), CU_VINT(cu_time_now()), CU_VTEXT(u->username),
				 CU_VTEXT(d->reassign_to) };
	if ((r = cu_acc_end_all(c, u->id)) ||
	    (r = cu_conn_exec(c, "UPDATE users SET status = 'deleted', deleted_at = ?2, "
				 "password_hash = NULL, totp_sealed = NULL, totp_pending = NULL, "
				 "totp_enrolled = 0, roles = '[]' WHERE id = ?1", args, 2, NULL)) ||
	    (r = cu_conn_exec(c, "DELETE FROM recovery_codes WHERE user_id = ?1", args, 1, NULL)) ||
	    (r = cu_conn_exec(c, "DELETE FROM password_history WHERE user_id = ?1", args, 1, NULL)) ||
	    (r = cu_conn_exec(c, "DELETE FROM known_logins WHERE user_id = ?1", args, 1, NULL)))
		return r;
	return cu_conn_exec(c, "UPDATE records SET owner = ?4 WHERE owner = ?3", args, 4,
			    &d->reassigned);
}

int cu_accounts_user_delete(struct cu_accounts *a, const char *username, const char *reassign_to,
			    int64_t *reassigned)
{
	struct del_ctx d = { reassign_to, 0 };
	int r = with_user(a, username, do_delete, &d);
	*reassigned = d.reassigned;
	return r;
}

struct pw_ctx {
	char *pw;
};

static int do_reset_pw(struct cu_accounts *a, struct cu_conn *c, struct user_row *u, void *ctx)
{
	struct pw_ctx *p = ctx;
	char hash[CU_PWHASH_STR_BYTES];
	int r;
	(void)a;
	p->pw = cu_acc_random_password();
	if ((r = cu_password_hash(p->pw, strlen(p->pw), hash)))
		return r;
	struct cu_val args[] = { CU_VTEXT(u->id), CU_VTEXT(hash) };
	r = cu_conn_exec(c, "UPDATE users SET password_hash = ?2, must_change_password = 1, "
			    "failed_count = 0, locked_until = 0 WHERE id = ?1", args, 2, NULL);
	cu_memzero(hash, sizeof(hash));
	if (!r)
		r = cu_acc_end_all(c, u->id);
	if (!r)
		r = cu_acc_notify_conn(c, u->id, "password.reset",
				       "An administrator reset your password.", NULL);
	return r;
}

int cu_accounts_user_reset_password(struct cu_accounts *a, const char *username, char **pw)
{
	struct pw_ctx p = { NULL };
	int r = with_user(a, username, do_reset_pw, &p);
	*pw = NULL;
	if (r && p.pw) {
		cu_memzero(p.pw, strlen(p.pw));
		cu_free(p.pw);
	} else {
		*pw = p.pw;
	}
	return r;
}

static int do_reset_totp(struct cu_accounts *a, struct cu_conn *c, struct user_row *u, void *ctx)
{
	struct cu_val arg = CU_VTEXT(u->id);
	int r;
	(void)a;
	(void)ctx;
	if ((r = cu_conn_exec(c, "UPDATE users SET totp_sealed = NULL, totp_pending = NULL, "
				 "totp_enrolled = 0 WHERE id = ?1", &arg, 1, NULL)) ||
	    (r = cu_conn_exec(c, "DELETE FROM recovery_codes WHERE user_id = ?1", &arg, 1, NULL)) ||
	    (r = cu_conn_exec(c, "DELETE FROM sessions WHERE user_id = ?1", &arg, 1, NULL)))
		return r;
	return cu_acc_notify_conn(c, u->id, "totp.reset",
				  "Two-factor authentication on your account was reset by an "
				  "administrator; you will enrol a new authenticator at next login.",
				  NULL);
}

int cu_accounts_user_reset_totp(struct cu_accounts *a, const char *username)
{
	return with_user(a, username, do_reset_totp, NULL);
}
