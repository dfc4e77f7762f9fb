/* me.c - what users do for themselves: password, TOTP enrolment,
 * recovery codes, their sessions and notifications. */
#include "accounts/accounts_int.h"

#include <liboath/oath.h>

static int collect_hash(void *ctx, struct cu_row *row)
{
	json_array_append_new(ctx, json_string(cu_row_text(row, 0) ?: ""));
	return 0;
}

int cu_accounts_password_change(struct cu_accounts *a, const struct cu_principal *p,
				const char *current, const char *next, const char **rule,
				char *why, size_t n)
{
	struct cu_security set;
	struct cu_conn *c = NULL;
	struct user_row u;
	char hash[CU_PWHASH_STR_BYTES];
	json_t *old = json_array(), *h;
	size_t i;
	int r;

	*rule = NULL;
	why[0] = '\0';
	memset(&u, 0, sizeof(u));
	if ((r = cu_accounts_settings_get(a, &set)))
		goto out;
	if ((r = cu_store_acquire(a->store, &c)) || (r = cu_acc_load_user(a, c, p->user_id, true, &u)))
		goto out;
	if (cu_password_verify(u.hash, current, strlen(current))) {
		*rule = "current_password";
		snprintf(why, n, "the current password is wrong");
		r = CU_ERR_AUTH;
		goto out;
	}
	if ((r = cu_pwpolicy_check(&set.pw, next, u.username, u.totp_enrolled, rule, why, n)))
		goto out;
	if (strcmp(current, next) == 0) {
		*rule = "reuse";
		snprintf(why, n, "the new password must differ from the current one");
		r = CU_ERR_INVALID;
		goto out;
	}
	if (set.pw.history > 0) {
		struct cu_val args[] = { CU_VTEXT(u.id), CU_VINT(set.pw.history) };
		if ((r = cu_conn_query(c, "SELECT hash FROM password_history WHERE user_id = ?1 "
					  "ORDER BY created_at DESC LIMIT ?2", args, 2, collect_hash, old)))
			goto out;
		json_array_foreach(old, i, h)
			if (cu_password_verify(json_string_value(h), next, strlen(next)) == CU_OK) {
				*rule = "history";
				snprintf(why, n, "the password was used recently; the last %d cannot be reused",
					 set.pw.history);
				r = CU_ERR_INVALID;
				goto out;
			}
	}
	if ((r = cu_password_hash(next, strlen(next), hash)))
		goto out;
	struct cu_val args[] = { CU_VTEXT(u.id), CU_VTEXT(hash), CU_VINT(cu_time_now()),
				 CU_VTEXT(u.hash) };
	if ((r = cu_conn_begin(c)) ||
	    (r = cu_conn_exec(c, "INSERT INTO password_history(user_id, hash, created_at) "
				 "VALUES (?1, ?4, ?3)", args, 4, NULL)) ||
	    (r = cu_conn_exec(c, "UPDATE users SET password_hash = ?2, password_changed_at = ?3, "
				 "must_change_password = 0 WHERE id = ?1", args, 3, NULL)) ||
	    (r = cu_conn_commit(c)))
		goto out;
out:
	cu_memzero(hash, sizeof(hash));
	json_decref(old);
	cu_store_release(a->store, c);
	cu_acc_user_release(&u);
	return r;
}

int cu_accounts_totp_begin(struct cu_accounts *a, const struct cu_principal *p, char **b32,
			   char **uri)
{
	uint8_t seed[TOTP_SEED_BYTES], sealed[TOTP_SEED_BYTES + CU_SEAL_OVERHEAD];
	struct cu_conn *c = NULL;
	char ad[96], *enc = NULL;
	size_t enclen = 0;
	int r;

	*b32 = *uri = NULL;
	cu_random(seed, sizeof(seed));
	cu_acc_totp_ad(ad, sizeof(ad), p->user_id, true);
	cu_keyring_seal_secret(a->kr, ad, seed, sizeof(seed), sealed);
	r = oath_base32_encode((const char *)seed, sizeof(seed), &enc, &enclen) == 0 ? CU_OK
										   : CU_ERR_INTERNAL;
	cu_memzero(seed, sizeof(seed));
	if (r)
		return r;
	*b32 = cu_strndup(enc, enclen);
	cu_memzero(enc, enclen);
	free(enc); /* allocated by liboath */
	if ((r = cu_store_acquire(a->store, &c)) == CU_OK) {
		struct cu_val args[] = { CU_VTEXT(p->user_id), CU_VBLOB(sealed, sizeof(sealed)) };
		r = cu_conn_exec(c, "UPDATE users SET totp_pending = ?2 WHERE id = ?1", args, 2, NULL);
		cu_store_release(a->store, c);
	}
	if (r) {
		cu_memzero(*b32, strlen(*b32));
		cu_free(*b32);
		*b32 = NULL;
		return r;
	}
	*uri = cu_acc_totp_uri(p->username, *b32);
	return CU_OK;
}

int cu_accounts_totp_confirm(struct cu_accounts *a, const struct cu_principal *p, const char *code,
			     json_t **recovery)
{
	static const char alpha[] = "abcdefghjkmnpqrstuvwxyz23456789";
	struct cu_conn *c = NULL;
	struct user_row u;
	int64_t step = 0;
	json_t *codes = json_array();
	int r;

	*recovery = NULL;
	memset(&u, 0, sizeof(u));
	if ((r = cu_store_acquire(a->store, &c)) || (r = cu_acc_load_user(a, c, p->user_id, true, &u)))
		goto out;
	if (!u.pendinglen) {
		r = CU_ERR_CONFLICT;
		goto out;
	}
	if ((r = cu_acc_totp_verify(a, u.id, u.pending, u.pendinglen, true, code, 0, &step)))
		goto out;
	/* Move the pending seed into place (re-sealed under its final AD). */
	{
		uint8_t seed[TOTP_SEED_BYTES], sealed[TOTP_SEED_BYTES + CU_SEAL_OVERHEAD];
		char ad[96];
		cu_acc_totp_ad(ad, sizeof(ad), u.id, true);
		if ((r = cu_keyring_open_secret(a->kr, ad, u.pending, u.pendinglen, seed)))
			goto out;
		cu_acc_totp_ad(ad, sizeof(ad), u.id, false);
		cu_keyring_seal_secret(a->kr, ad, seed, sizeof(seed), sealed);
		cu_memzero(seed, sizeof(seed));
		struct cu_val args[] = { CU_VTEXT(u.id), CU_VBLOB(sealed, sizeof(sealed)), CU_VINT(step) };
		if ((r = cu_conn_begin(c)) ||
		    (r = cu_conn_exec(c, "UPDATE users SET totp_sealed = ?2, totp_pending = NULL, "
					 "totp_enrolled = 1, totp_last_step = ?3 WHERE id = ?1",
				      args, 3, NULL)) ||
		    (r = cu_conn_exec(c, "DELETE FROM recovery_codes WHERE user_id = ?1", args, 1, NULL)))
			goto out;
	}
	for (int i = 0; i < CU_RECOVERY_CODES; i++) {
		char code_s[16], shown[16];
		uint8_t h[CU_HASH_BYTES];
		for (int k = 0; k < 10; k++)
			code_s[k] = alpha[cu_random_uniform(sizeof(alpha) - 1)];
		code_s[10] = '\0';
		snprintf(shown, sizeof(shown), "%.5s-%.5s", code_s, code_s + 5);
		cu_keyring_mac(a->kr, "custos.recovery", code_s, 10, h);
		struct cu_val args[] = { CU_VTEXT(u.id), CU_VBLOB(h, sizeof(h)) };
		if ((r = cu_conn_exec(c, "INSERT INTO recovery_codes(user_id, code_hash) VALUES (?1, ?2)",
				      args, 2, NULL)))
			goto out;
		json_array_append_new(codes, json_string(shown));
		cu_memzero(code_s, sizeof(code_s));
	}
	if ((r = cu_conn_commit(c)))
		goto out;
	*recovery = codes;
	codes = NULL;
out:
	json_decref(codes);
	cu_store_release(a->store, c);
	cu_acc_user_release(&u);
	return r;
}

int cu_accounts_enrolled(struct cu_accounts *a, const char *user_id, bool *done)
{
	struct cu_conn *c = NULL;
	struct user_row u;
	struct cu_security set;
	int r;

	*done = false;
	if ((r = cu_accounts_settings_get(a, &set)) || (r = cu_store_acquire(a->store, &c)))
		return r;
	r = cu_acc_load_user(a, c, user_id, true, &u);
	cu_store_release(a->store, c);
	if (r)
		return r;
	*done = !u.must_change && (u.totp_enrolled || !cu_acc_needs_totp(a, &set, u.roles)) &&
		!(set.pw.expiry_days &&
		  cu_time_now() - u.password_changed_at > (int64_t)set.pw.expiry_days * 86400);
	cu_acc_user_release(&u);
	return CU_OK;
}

static int collect_session(void *ctx, struct cu_row *row)
{
	char ts[32];
	json_t *o = json_object();
	json_object_set_new(o, "ref", json_string(cu_row_text(row, 0) ?: ""));
	cu_time_iso8601(cu_row_int(row, 1), ts, sizeof(ts));
	json_object_set_new(o, "created_at", json_string(ts));
	cu_time_iso8601(cu_row_int(row, 2), ts, sizeof(ts));
	json_object_set_new(o, "last_seen_at", json_string(ts));
	json_object_set_new(o, "source", json_string(cu_row_text(row, 3) ?: ""));
	json_object_set_new(o, "user_agent", json_string(cu_row_text(row, 4) ?: ""));
	json_array_append_new(ctx, o);
	return 0;
}

int cu_accounts_sessions_list(struct cu_accounts *a, const char *user_id, json_t **out)
{
	struct cu_val args[] = { CU_VTEXT(user_id), CU_VINT(cu_time_now()) };
	return cu_store_query_array(a->store, "SELECT ref, created_at, last_seen_at, source, "
					      "user_agent FROM sessions WHERE user_id = ?1 AND "
					      "expires_at > ?2 ORDER BY created_at",
				    args, 2, collect_session, out);
}

int cu_accounts_session_end_ref(struct cu_accounts *a, const char *user_id, const char *ref)
{
	struct cu_conn *c = NULL;
	int64_t n = 0;
	int r;
	if ((r = cu_store_acquire(a->store, &c)))
		return r;
	struct cu_val args[] = { CU_VTEXT(user_id), CU_VTEXT(ref) };
	r = cu_conn_exec(c, "DELETE FROM sessions WHERE user_id = ?1 AND ref = ?2", args, 2, &n);
	cu_store_release(a->store, c);
	return r ? r : (n ? CU_OK : CU_ERR_NOT_FOUND);
}

int cu_accounts_notify(struct cu_accounts *a, const char *user_id, const char *kind,
		       const char *message, const char *source)
{
	struct cu_conn *c = NULL;
	int r;
	if ((r = cu_store_acquire(a->store, &c)))
		return r;
	r = cu_acc_notify_conn(c, user_id, kind, message, source);
	cu_store_release(a->store, c);
	return r;
}

static int collect_notification(void *ctx, struct cu_row *row)
{
	char ts[32];
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(cu_row_int(row, 0)));
	json_object_set_new(o, "kind", json_string(cu_row_text(row, 1) ?: ""));
	json_object_set_new(o, "message", json_string(cu_row_text(row, 2) ?: ""));
	json_object_set_new(o, "source", cu_row_text(row, 3) ? json_string(cu_row_text(row, 3))
							     : json_null());
	cu_time_iso8601(cu_row_int(row, 4), ts, sizeof(ts));
	json_object_set_new(o, "created_at", json_string(ts));
	json_array_append_new(ctx, o);
	return 0;
}

int cu_accounts_notifications(struct cu_accounts *a, const char *user_id, json_t **out)
{
	struct cu_val arg = CU_VTEXT(user_id);
	return cu_store_query_array(a->store, "SELECT id, kind, message, source, created_at FROM "
					      "notifications WHERE user_id = ?1 ORDER BY id DESC "
					      "LIMIT 200", &arg, 1, collect_notification, out);
}

int cu_accounts_step_up(struct cu_accounts *a, const char *user_id, const char *code)
{
	struct cu_conn *c = NULL;
	struct cu_security set;
	struct user_row u;
	int64_t step = 0, n = 0, now = cu_time_now();
	int r;

	memset(&u, 0, sizeof(u));
	if ((r = cu_accounts_settings_get(a, &set)))
		return r;
	if ((r = cu_store_acquire(a->store, &c)) || (r = cu_acc_load_user(a, c, user_id, true, &u)))
		goto out;
	/* Step-up codes count towards the lockout like login codes: six
	 * digits must not be guessable from a stolen session. */
	if (!u.totp_enrolled || u.locked_until > now) {
		r = CU_ERR_AUTH;
		goto out;
	}
	if ((r = cu_acc_totp_verify(a, u.id, u.totp, u.totplen, false, code, u.last_step, &step))) {
		if (cu_acc_record_failure(a, c, &u, &set, "step-up", now))
			cu_warn("accounts: could not record a failed step-up code");
		goto out;
	}
	struct cu_val args[] = { CU_VTEXT(u.id), CU_VINT(step) };
	if ((r = cu_conn_exec(c, "UPDATE users SET totp_last_step = ?2 WHERE id = ?1 AND "
				 "totp_last_step < ?2", args, 2, &n)))
		goto out;
	r = n == 1 ? CU_OK : CU_ERR_AUTH;
out:
	cu_store_release(a->store, c);
	cu_acc_user_release(&u);
	return r == CU_ERR_NOT_FOUND || r == CU_ERR_INTEGRITY ? CU_ERR_AUTH : r;
}
