/*
 * accounts.c - users, login (password + TOTP, lockout, throttling),
 * sessions and service tokens.
 */
#include "accounts/accounts_int.h"

#include <liboath/oath.h>
#include <unistd.h>

void cu_principal_release(struct cu_principal *p)
{
	json_decref(p->roles);
	cu_memzero(p, sizeof(*p));
}

int cu_accounts_new(struct cu_store *store, const struct cu_keyring *kr, struct cu_accounts **out)
{
	struct cu_accounts *a;
	char pw[32];
	int r;

	*out = NULL;
	if (oath_init() != OATH_OK)
		return CU_ERR_INTERNAL;
	a = cu_calloc(1, sizeof(*a));
	a->store = store;
	a->kr = kr;
	pthread_mutex_init(&a->lock, NULL);
	cu_random(pw, sizeof(pw));
	r = cu_password_hash(pw, sizeof(pw), a->dummy_hash);
	cu_memzero(pw, sizeof(pw));
	if (r) {
		cu_accounts_free(a);
		return r;
	}
	*out = a;
	return CU_OK;
}

void cu_accounts_set_privileged(struct cu_accounts *a, cu_privileged_fn fn, void *ctx)
{
	a->privileged = fn;
	a->privileged_ctx = ctx;
}

bool cu_acc_needs_totp(struct cu_accounts *a, const struct cu_security *set, const json_t *roles)
{
	if (strcmp(set->require_2fa, "privileged") != 0 || !a->privileged)
		return true;
	return a->privileged(a->privileged_ctx, roles);
}

void cu_accounts_free(struct cu_accounts *a)
{
	if (!a)
		return;
	oath_done();
	pthread_mutex_destroy(&a->lock);
	cu_free(a);
}

static void free_secret_str(char *s)
{
	if (s) {
		cu_memzero(s, strlen(s));
		cu_free(s);
	}
}

void cu_new_user_release(struct cu_new_user *nu)
{
	cu_free(nu->id);
	free_secret_str(nu->password);
	free_secret_str(nu->totp_base32);
	free_secret_str(nu->totp_uri);
	memset(nu, 0, sizeof(*nu));
}

/* A random password from an alphabet without look-alikes. */
char *cu_acc_random_password(void)
{
	static const char alpha[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	char *p = cu_malloc(PASSWORD_CHARS + 1);
	for (int i = 0; i < PASSWORD_CHARS; i++)
		p[i] = alpha[cu_random_uniform(sizeof(alpha) - 1)];
	p[PASSWORD_CHARS] = '\0';
	return p;
}

void cu_acc_totp_ad(char *ad, size_t n, const char *user_id, bool pending)
{
	snprintf(ad, n, "custos.totp%s/%s", pending ? ".pending" : "", user_id);
}

char *cu_acc_totp_uri(const char *username, const char *b32)
{
	struct cu_buf uri;
	cu_buf_init(&uri, 512);
	if (cu_buf_printf(&uri, "otpauth://totp/custos:%s?secret=%s&issuer=custos&algorithm=SHA1"
				"&digits=%d&period=%d", username, b32, CU_TOTP_DIGITS, CU_TOTP_STEP))
		abort();
	return cu_buf_detach(&uri, NULL);
}

/* Make a seed: sealed copy into sealed, base32 into *b32 (secret). */
static int new_seed(struct cu_accounts *a, const char *user_id, bool pending,
		    uint8_t sealed[TOTP_SEED_BYTES + CU_SEAL_OVERHEAD], char **b32)
{
	uint8_t seed[TOTP_SEED_BYTES];
	char ad[96], *enc = NULL;
	size_t enclen = 0;

	*b32 = NULL;
	cu_random(seed, sizeof(seed));
	cu_acc_totp_ad(ad, sizeof(ad), user_id, pending);
	cu_keyring_seal_secret(a->kr, ad, seed, sizeof(seed), sealed);
	if (oath_base32_encode((const char *)seed, sizeof(seed), &enc, &enclen) != OATH_OK) {
		cu_memzero(seed, sizeof(seed));
		return CU_ERR_INTERNAL;
	}
	cu_memzero(seed, sizeof(seed));
	*b32 = cu_strndup(enc, enclen);
	cu_memzero(enc, enclen);
	free(enc); /* allocated by liboath */
	return CU_OK;
}

int cu_accounts_user_create(struct cu_accounts *a, const char *username, const char *display_name,
			    const char *department, const json_t *roles, bool totp_now,
			    struct cu_new_user *out)
{
	uint8_t sealed[TOTP_SEED_BYTES + CU_SEAL_OVERHEAD];
	char hash[CU_PWHASH_STR_BYTES];
	char *rolesj = NULL, *b;
	struct cu_conn *c = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if (!cu_name_valid(username))
		return CU_ERR_INVALID;
	b = cu_random_id(12);
	out->id = cu_malloc(strlen(b) + 3);
	snprintf(out->id, strlen(b) + 3, "u_%s", b);
	cu_free(b);
	out->password = cu_acc_random_password();
	if ((r = cu_password_hash(out->password, strlen(out->password), hash)))
		goto out;
	if (totp_now) {
		if ((r = new_seed(a, out->id, false, sealed, &out->totp_base32)))
			goto out;
		out->totp_uri = cu_acc_totp_uri(username, out->totp_base32);
	}
	rolesj = roles ? cu_json_dump(roles) : cu_strdup("[]");
	if ((r = cu_store_acquire(a->store, &c)))
		goto out;
	struct cu_val args[] = { CU_VTEXT(out->id), CU_VTEXT(username), CU_VTEXT(display_name),
				 CU_VTEXT(department), CU_VTEXT(rolesj), CU_VTEXT(hash),
				 totp_now ? CU_VBLOB(sealed, sizeof(sealed)) : CU_VNULL,
				 CU_VINT(cu_time_now()), CU_VINT(totp_now) };
	r = cu_conn_exec(c, "INSERT INTO users(id, username, display_name, department, roles, "
			    "password_hash, totp_sealed, must_change_password, created_at, "
			    "password_changed_at, totp_enrolled) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8, ?9)", args, 9, NULL);
out:
	cu_store_release(a->store, c);
	cu_memzero(hash, sizeof(hash));
	cu_free(rolesj);
	if (r)
		cu_new_user_release(out);
	return r;
}

int cu_accounts_user_exists(struct cu_accounts *a, const char *username)
{
	struct cu_conn *c = NULL;
	int64_t n = 0;
	struct cu_val arg = CU_VTEXT(username);
	int r;

	if ((r = cu_store_acquire(a->store, &c)))
		return r;
	r = cu_conn_query_int(c, "SELECT COUNT(*) FROM users WHERE username = ?1 AND "
				 "status != 'deleted'", &arg, 1, &n);
	cu_store_release(a->store, c);
	return r ? r : (n ? CU_OK : CU_ERR_NOT_FOUND);
}

/* ---- user rows ---------------------------------------------------------- */

static void copy_blob(struct cu_row *row, int col, uint8_t *dst, size_t cap, size_t *len)
{
	size_t n;
	const void *p = cu_row_blob(row, col, &n);
	*len = (p && n <= cap && !cu_row_is_null(row, col)) ? n : 0;
	if (*len)
		memcpy(dst, p, *len);
}

int cu_acc_read_user(void *ctx, struct cu_row *row)
{
	struct user_row *u = ctx;
	const char *rj = cu_row_text(row, 13);

	u->found = true;
	snprintf(u->id, sizeof(u->id), "%s", cu_row_text(row, 0) ?: "");
	snprintf(u->username, sizeof(u->username), "%s", cu_row_text(row, 1) ?: "");
	snprintf(u->department, sizeof(u->department), "%s", cu_row_text(row, 2) ?: "");
	snprintf(u->status, sizeof(u->status), "%s", cu_row_text(row, 3) ?: "");
	snprintf(u->hash, sizeof(u->hash), "%s", cu_row_text(row, 4) ?: "");
	copy_blob(row, 5, u->totp, sizeof(u->totp), &u->totplen);
	copy_blob(row, 6, u->pending, sizeof(u->pending), &u->pendinglen);
	u->last_step = cu_row_int(row, 7);
	u->failed_count = cu_row_int(row, 8);
	u->locked_until = cu_row_int(row, 9);
	u->password_changed_at = cu_row_int(row, 10);
	u->must_change = cu_row_int(row, 11) != 0;
	u->totp_enrolled = cu_row_int(row, 12) != 0;
	if (!rj || cu_json_parse(rj, strlen(rj), &u->roles, NULL, 0))
		u->roles = json_array();
	return 1;
}

int cu_acc_load_user(struct cu_accounts *a, struct cu_conn *c, const char *key, bool by_id,
		     struct user_row *u)
{
	struct cu_val arg = CU_VTEXT(key);
	int r;
	(void)a;
	memset(u, 0, sizeof(*u));
	if (by_id)
		r = cu_conn_query(c, "SELECT " USER_COLS " FROM users WHERE id = ?1", &arg, 1,
				  cu_acc_read_user, u);
	else
		r = cu_conn_query(c, "SELECT " USER_COLS " FROM users WHERE username = ?1", &arg, 1,
				  cu_acc_read_user, u);
	if (!r && !u->found)
		r = CU_ERR_NOT_FOUND;
	return r;
}

void cu_acc_user_release(struct user_row *u)
{
	json_decref(u->roles);
	cu_memzero(u, sizeof(*u));
}

void cu_acc_fill_principal(struct cu_principal *p, const char *id, const char *username,
			   const char *dept, json_t *roles, const char *method)
{
	snprintf(p->user_id, sizeof(p->user_id), "%s", id);
	snprintf(p->username, sizeof(p->username), "%s", username);
	snprintf(p->department, sizeof(p->department), "%s", dept ? dept : "");
	p->roles = roles;
	p->method = method;
	snprintf(p->stage, sizeof(p->stage), "full");
}

/* ---- TOTP -------------------------------------------------------------- */

static int ct_otp_cmp(void *handle, const char *test_otp)
{
	return cu_streq_ct((const char *)handle, test_otp) ? 0 : 1;
}

int cu_acc_totp_verify(struct cu_accounts *a, const char *user_id, const uint8_t *sealed,
		       size_t len, bool pending, const char *code, int64_t min_step, int64_t *step)
{
	uint8_t seed[TOTP_SEED_BYTES];
	char ad[96];
	int pos = 0;
	uint64_t counter = 0;
	int r;

	*step = 0;
	if (strlen(code) != CU_TOTP_DIGITS || len != TOTP_SEED_BYTES + CU_SEAL_OVERHEAD)
		return CU_ERR_AUTH;
	for (const char *p = code; *p; p++)
		if (*p < '0' || *p > '9')
			return CU_ERR_AUTH;
	cu_acc_totp_ad(ad, sizeof(ad), user_id, pending);
	if (cu_keyring_open_secret(a->kr, ad, sealed, len, seed))
		return CU_ERR_INTEGRITY;
	r = oath_totp_validate3_callback((const char *)seed, sizeof(seed), (time_t)cu_time_now(),
					 CU_TOTP_STEP, 0, CU_TOTP_DIGITS, 1, &pos, &counter,
					 ct_otp_cmp, (void *)code);
	cu_memzero(seed, sizeof(seed));
	if (r < 0)
		return CU_ERR_AUTH;
	if ((int64_t)counter <= min_step)
		return CU_ERR_AUTH; /* replayed (or older) code */
	*step = (int64_t)counter;
	return CU_OK;
}

int cu_totp_generate(const uint8_t *seed, size_t len, int64_t now, char out[16])
{
	memset(out, 0, 16);
	return oath_totp_generate((const char *)seed, len, (time_t)now, CU_TOTP_STEP, 0,
				  CU_TOTP_DIGITS, out) == OATH_OK ? CU_OK : CU_ERR_INTERNAL;
}

/* ---- sessions ------------------------------------------------------------ */

char *cu_acc_ref(const struct cu_keyring *kr, const char *domain, const char *secret)
{
	uint8_t h[CU_HASH_BYTES];
	cu_keyring_mac(kr, domain, secret, strlen(secret), h);
	return cu_b64(h, 12);
}

int cu_acc_new_session(struct cu_accounts *a, struct cu_conn *c, const char *user_id,
		       const char *stage, const char *source, const char *ua, char **sid,
		       char *csrf, size_t csrflen)
{
	uint8_t h[CU_HASH_BYTES];
	struct cu_security set;
	char *id = cu_random_id(32), *tok = cu_random_id(24), *ref;
	int64_t now = cu_time_now();
	char uabuf[128];
	int r;

	if ((r = cu_accounts_settings_get(a, &set))) {
		cu_free(id);
		cu_free(tok);
		return r;
	}
	snprintf(uabuf, sizeof(uabuf), "%s", ua ? ua : "");
	cu_keyring_mac(a->kr, "custos.session", id, strlen(id), h);
	ref = cu_acc_ref(a->kr, "custos.session.ref", id);
	snprintf(csrf, csrflen, "%s", tok);
	struct cu_val args[] = { CU_VBLOB(h, sizeof(h)), CU_VTEXT(user_id), CU_VTEXT(tok),
				 CU_VINT(now), CU_VINT(now + set.session_absolute),
				 CU_VTEXT(source),
				 CU_VTEXT(cu_utf8_valid(uabuf, strlen(uabuf)) ? uabuf : ""),
				 CU_VTEXT(stage), CU_VTEXT(ref) };
	r = cu_conn_exec(c, "INSERT INTO sessions(id_hash, user_id, csrf, created_at, last_seen_at, "
			    "expires_at, source, user_agent, stage, ref) "
			    "VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9)", args, 9, NULL);
	cu_free(tok);
	cu_free(ref);
	if (r) {
		cu_free(id);
		return r;
	}
	*sid = id;
	return CU_OK;
}

int cu_acc_end_all(struct cu_conn *c, const char *user_id)
{
	struct cu_val args[] = { CU_VTEXT(user_id), CU_VINT(cu_time_now()) };
	int r = cu_conn_exec(c, "DELETE FROM sessions WHERE user_id = ?1", args, 1, NULL);
	if (!r)
		r = cu_conn_exec(c, "UPDATE tokens SET revoked_at = ?2 WHERE user_id = ?1 AND "
				    "revoked_at IS NULL", args, 2, NULL);
	return r;
}

int cu_acc_notify_conn(struct cu_conn *c, const char *user_id, const char *kind,
		       const char *message, const char *source)
{
	struct cu_val args[] = { CU_VTEXT(user_id), CU_VTEXT(kind), CU_VTEXT(message),
				 CU_VTEXT(source), CU_VINT(cu_time_now()) };
	return cu_conn_exec(c, "INSERT INTO notifications(user_id, kind, message, source, created_at) "
			       "VALUES (?1, ?2, ?3, ?4, ?5)", args, 5, NULL);
}

/* ---- throttling ------------------------------------------------------------ */

static struct ip_slot *ip_slot_for(struct cu_accounts *a, const char *addr)
{
	uint8_t h[CU_HASH_BYTES];
	cu_hash(h, "custos.ipslot", addr, strlen(addr));
	return &a->ips[h[0] % IP_SLOTS];
}

static bool ip_blocked(struct cu_accounts *a, const char *addr, int64_t now)
{
	bool blocked;
	pthread_mutex_lock(&a->lock);
	struct ip_slot *s = ip_slot_for(a, addr);
	blocked = strcmp(s->addr, addr) == 0 && s->blocked_until > now;
	pthread_mutex_unlock(&a->lock);
	return blocked;
}

static void ip_failure(struct cu_accounts *a, const char *addr, int64_t now, int threshold,
		       int lock_s)
{
	pthread_mutex_lock(&a->lock);
	struct ip_slot *s = ip_slot_for(a, addr);
	if (strcmp(s->addr, addr) != 0 || now - s->window_start > IP_WINDOW_S) {
		snprintf(s->addr, sizeof(s->addr), "%s", addr);
		s->failures = 0;
		s->window_start = now;
		s->blocked_until = 0;
	}
	if (++s->failures >= threshold) {
		s->blocked_until = now + lock_s;
		cu_warn("auth: source %s blocked for %d s after %d failed logins", addr, lock_s,
			s->failures);
	}
	pthread_mutex_unlock(&a->lock);
}

static void ip_success(struct cu_accounts *a, const char *addr)
{
	pthread_mutex_lock(&a->lock);
	struct ip_slot *s = ip_slot_for(a, addr);
	if (strcmp(s->addr, addr) == 0)
		s->failures = 0;
	pthread_mutex_unlock(&a->lock);
}

/* Slow repeated failures down: 0, 0, 0, 250 ms, 500 ms, then 1 s. */
static void failure_delay(int64_t failures)
{
	if (failures < 3)
		return;
	int64_t ms = 250LL << (failures - 3 > 2 ? 2 : failures - 3);
	usleep((useconds_t)(ms > 1000 ? 1000 : ms) * 1000);
}

/* ---- login -------------------------------------------------------------- */

int cu_acc_record_failure(struct cu_accounts *a, struct cu_conn *c, struct user_row *u,
			  const struct cu_security *set, const char *source, int64_t now)
{
	int64_t failed = u->failed_count + 1;
	bool lock = failed >= set->lockout_threshold;
	struct cu_val args[] = { CU_VTEXT(u->id), CU_VINT(lock ? 0 : failed),
				 CU_VINT(lock ? now + set->lockout_seconds : u->locked_until) };
	int r = cu_conn_exec(c, "UPDATE users SET failed_count = ?2, locked_until = ?3 WHERE id = ?1",
			     args, 3, NULL);
	if (!r && lock) {
		char msg[160];
		snprintf(msg, sizeof(msg), "Your account was locked for %d minutes after %d failed "
					   "login attempts.", set->lockout_seconds / 60,
			 set->lockout_threshold);
		r = cu_acc_notify_conn(c, u->id, "account.locked", msg, source);
		cu_warn("auth: an account was locked after %d failed logins", set->lockout_threshold);
	}
	(void)a;
	failure_delay(failed);
	return r;
}

/* A login from an address or device never seen for this user: alert. */
static int check_known(struct cu_accounts *a, struct cu_conn *c, const char *user_id,
		       const char *kind, const char *value, const char *source, int64_t now)
{
	uint8_t fp[CU_HASH_BYTES];
	int64_t n = 0, seen = 0;
	int r;

	cu_keyring_mac(a->kr, "custos.known", value, strlen(value), fp);
	struct cu_val args[] = { CU_VTEXT(user_id), CU_VTEXT(kind), CU_VBLOB(fp, sizeof(fp)),
				 CU_VINT(now) };
	if ((r = cu_conn_query_int(c, "SELECT COUNT(*) FROM known_logins WHERE user_id = ?1",
				   args, 1, &seen)))
		return r;
	if ((r = cu_conn_exec(c, "INSERT OR IGNORE INTO known_logins(user_id, kind, fp, first_seen) "
				 "VALUES (?1, ?2, ?3, ?4)", args, 4, &n)))
		return r;
	if (n == 1 && seen > 0) {
		char msg[200];
		snprintf(msg, sizeof(msg), "New login to your account from a new %s (%s). If this "
					   "was not you, tell your administrator at once.",
			 strcmp(kind, "address") == 0 ? "address" : "device", source);
		return cu_acc_notify_conn(c, user_id, strcmp(kind, "address") == 0 ? "login.new_address"
										  : "login.new_device",
					  msg, source);
	}
	return CU_OK;
}

static int use_recovery_code(struct cu_accounts *a, struct cu_conn *c, const char *user_id,
			     const char *code)
{
	uint8_t h[CU_HASH_BYTES];
	char norm[64];
	size_t k = 0;
	int64_t n = 0;
	int r;

	for (const char *p = code; *p && k + 1 < sizeof(norm); p++)
		if (*p != '-' && *p != ' ')
			norm[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	norm[k] = '\0';
	cu_keyring_mac(a->kr, "custos.recovery", norm, k, h);
	struct cu_val args[] = { CU_VTEXT(user_id), CU_VBLOB(h, sizeof(h)), CU_VINT(cu_time_now()) };
	if ((r = cu_conn_exec(c, "UPDATE recovery_codes SET used_at = ?3 WHERE user_id = ?1 AND "
				 "code_hash = ?2 AND used_at IS NULL", args, 3, &n)))
		return r;
	return n == 1 ? CU_OK : CU_ERR_AUTH;
}

int cu_accounts_login(struct cu_accounts *a, const char *username, const char *password,
		      const char *totp, const char *recovery, const char *source,
		      const char *user_agent, char **session_id, struct cu_principal *p)
{
	struct user_row u = { 0 };
	struct cu_security set;
	struct cu_conn *c = NULL;
	int64_t step = 0, changes = 0, now = cu_time_now();
	const char *stage = "full";
	char *ref = NULL;
	int r, pw;

	*session_id = NULL;
	memset(p, 0, sizeof(*p));
	if ((r = cu_accounts_settings_get(a, &set)))
		return r;
	if (ip_blocked(a, source, now)) {
		failure_delay(3);
		return CU_ERR_AUTH;
	}
	if ((r = cu_store_acquire(a->store, &c)))
		return r;
	if (cu_name_valid(username)) {
		r = cu_acc_load_user(a, c, username, false, &u);
		if (r && r != CU_ERR_NOT_FOUND)
			goto out;
	}
	/* Always pay for one Argon2id verification. */
	pw = cu_password_verify(u.found ? u.hash : a->dummy_hash, password, strlen(password));
	r = CU_ERR_AUTH;
	if (!u.found || strcmp(u.status, "active") != 0) {
		failure_delay(3);
		goto fail;
	}
	if (u.locked_until > now) {
		failure_delay(3);
		goto fail; /* locked: even the right password does not open it */
	}
	if (pw) {
		if (cu_acc_record_failure(a, c, &u, &set, source, now))
			cu_warn("auth: could not record a failed login");
		goto fail;
	}
	if (u.totp_enrolled) {
		if (recovery && *recovery)
			r = use_recovery_code(a, c, u.id, recovery);
		else
			r = cu_acc_totp_verify(a, u.id, u.totp, u.totplen, false, totp ? totp : "",
					       u.last_step, &step);
		if (r) {
			if (r == CU_ERR_INTEGRITY)
				cu_error("accounts: a stored TOTP seed failed its integrity check");
			if (cu_acc_record_failure(a, c, &u, &set, source, now))
				cu_warn("auth: could not record a failed login");
			r = CU_ERR_AUTH;
			goto fail;
		}
	}
	/* Claim the time step atomically: a concurrent replay loses. */
	struct cu_val up[] = { CU_VTEXT(u.id), CU_VINT(step ? step : u.last_step), CU_VINT(now),
			       CU_VINT(step) };
	if ((r = cu_conn_exec(c, "UPDATE users SET totp_last_step = ?2, last_login_at = ?3, "
				 "failed_count = 0 WHERE id = ?1 AND (?4 = 0 OR totp_last_step < ?2)",
			      up, 4, &changes)))
		goto out;
	if (changes != 1) {
		r = CU_ERR_AUTH;
		goto fail;
	}
	if (u.must_change || (!u.totp_enrolled && cu_acc_needs_totp(a, &set, u.roles)) ||
	    (set.pw.expiry_days && now - u.password_changed_at > (int64_t)set.pw.expiry_days * 86400))
		stage = "enrol";
	if ((r = cu_acc_new_session(a, c, u.id, stage, source, user_agent, session_id, p->csrf,
				    sizeof(p->csrf))))
		goto out;
	if (check_known(a, c, u.id, "address", source, source, now) ||
	    check_known(a, c, u.id, "device", user_agent ? user_agent : "", source, now))
		cu_warn("auth: could not record the login's address or device");
	ip_success(a, source);
	cu_acc_fill_principal(p, u.id, u.username, u.department, u.roles, "session");
	u.roles = NULL;
	snprintf(p->stage, sizeof(p->stage), "%s", stage);
	ref = cu_acc_ref(a->kr, "custos.session.ref", *session_id);
	snprintf(p->session_ref, sizeof(p->session_ref), "%s", ref);
	cu_free(ref);
	r = CU_OK;
	goto out;
fail:
	ip_failure(a, source, now, set.ip_threshold, set.lockout_seconds);
out:
	cu_store_release(a->store, c);
	cu_acc_user_release(&u);
	if (r && r != CU_ERR_NOMEM && r != CU_ERR_IO)
		r = CU_ERR_AUTH;
	return r;
}

struct sess_row {
	bool found;
	char user_id[48], username[CU_MAX_NAME_BYTES + 1], status[16], csrf[48], stage[8];
	char department[CU_MAX_NAME_BYTES + 1];
	int64_t last_seen, expires;
	json_t *roles;
};

static int read_sess_row(void *ctx, struct cu_row *row)
{
	struct sess_row *s = ctx;
	const char *rj = cu_row_text(row, 3);
	s->found = true;
	snprintf(s->user_id, sizeof(s->user_id), "%s", cu_row_text(row, 0) ?: "");
	snprintf(s->username, sizeof(s->username), "%s", cu_row_text(row, 1) ?: "");
	snprintf(s->status, sizeof(s->status), "%s", cu_row_text(row, 2) ?: "");
	if (!rj || cu_json_parse(rj, strlen(rj), &s->roles, NULL, 0))
		s->roles = json_array();
	snprintf(s->csrf, sizeof(s->csrf), "%s", cu_row_text(row, 4) ?: "");
	s->last_seen = cu_row_int(row, 5);
	s->expires = cu_row_int(row, 6);
	snprintf(s->department, sizeof(s->department), "%s", cu_row_text(row, 7) ?: "");
	snprintf(s->stage, sizeof(s->stage), "%s", cu_row_text(row, 8) ?: "full");
	return 1;
}

int cu_accounts_session_auth(struct cu_accounts *a, const char *session_id, struct cu_principal *p)
{
	struct sess_row s = { 0 };
	struct cu_security set;
	struct cu_conn *c = NULL;
	uint8_t h[CU_HASH_BYTES];
	int64_t now = cu_time_now();
	char *ref;
	int r;

	memset(p, 0, sizeof(*p));
	if (strlen(session_id) > 128)
		return CU_ERR_AUTH;
	if ((r = cu_accounts_settings_get(a, &set)))
		return r;
	cu_keyring_mac(a->kr, "custos.session", session_id, strlen(session_id), h);
	if ((r = cu_store_acquire(a->store, &c)))
		return r;
	struct cu_val arg = CU_VBLOB(h, sizeof(h));
	r = cu_conn_query(c, "SELECT u.id, u.username, u.status, u.roles, s.csrf, s.last_seen_at, "
			     "s.expires_at, u.department, s.stage FROM sessions s JOIN users u "
			     "ON u.id = s.user_id WHERE s.id_hash = ?1", &arg, 1, read_sess_row, &s);
	if (r)
		goto out;
	if (!s.found || strcmp(s.status, "active") != 0 || now >= s.expires ||
	    now - s.last_seen > set.session_idle) {
		if (s.found &&
		    cu_conn_exec(c, "DELETE FROM sessions WHERE id_hash = ?1", &arg, 1, NULL))
			cu_warn("accounts: could not delete an expired session");
		r = CU_ERR_AUTH;
		goto out;
	}
	/* Touch at most once a minute: a write per request would cost a sync. */
	if (now - s.last_seen >= 60) {
		struct cu_val up[] = { CU_VBLOB(h, sizeof(h)), CU_VINT(now) };
		if (cu_conn_exec(c, "UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1", up, 2,
				 NULL))
			cu_warn("accounts: could not refresh a session's last use");
	}
	cu_acc_fill_principal(p, s.user_id, s.username, s.department, s.roles, "session");
	s.roles = NULL;
	snprintf(p->csrf, sizeof(p->csrf), "%s", s.csrf);
	snprintf(p->stage, sizeof(p->stage), "%s", s.stage);
	ref = cu_acc_ref(a->kr, "custos.session.ref", session_id);
	snprintf(p->session_ref, sizeof(p->session_ref), "%s", ref);
	cu_free(ref);
out:
	cu_store_release(a->store, c);
	json_decref(s.roles);
	return r;
}

int cu_accounts_session_end(struct cu_accounts *a, const char *session_id)
{
	struct cu_conn *c = NULL;
	uint8_t h[CU_HASH_BYTES];
	int r;

	cu_keyring_mac(a->kr, "custos.session", session_id, strlen(session_id), h);
	if ((r = cu_store_acquire(a->store, &c)))
		return r;
	struct cu_val arg = CU_VBLOB(h, sizeof(h));
	r = cu_conn_exec(c, "DELETE FROM sessions WHERE id_hash = ?1", &arg, 1, NULL);
	cu_store_release(a->store, c);
	return r;
}

int cu_accounts_session_rotate(struct cu_accounts *a, const char *session_id,
			       struct cu_principal *p, const char *source, const char *user_agent,
			       char **new_id)
{
	struct cu_conn *c = NULL;
	uint8_t h[CU_HASH_BYTES];
	char *ref;
	int r;

	*new_id = NULL;
	cu_keyring_mac(a->kr, "custos.session", session_id, strlen(session_id), h);
	if ((r = cu_store_acquire(a->store, &c)) || (r = cu_conn_begin(c)))
		goto out;
	struct cu_val arg = CU_VBLOB(h, sizeof(h));
	if ((r = cu_conn_exec(c, "DELETE FROM sessions WHERE id_hash = ?1", &arg, 1, NULL)) ||
	    (r = cu_acc_new_session(a, c, p->user_id, "full", source, user_agent, new_id, p->csrf,
				    sizeof(p->csrf))) ||
	    (r = cu_conn_commit(c)))
		goto out;
	snprintf(p->stage, sizeof(p->stage), "full");
	ref = cu_acc_ref(a->kr, "custos.session.ref", *new_id);
	snprintf(p->session_ref, sizeof(p->session_ref), "%s", ref);
	cu_free(ref);
out:
	cu_store_release(a->store, c);
	if (r && *new_id) {
		cu_free(*new_id);
		*new_id = NULL;
	}
	return r;
}

/* ---- service tokens -------------------------------------------------- */

int cu_accounts_token_create(struct cu_accounts *a, const char *username, const char *name,
			     int64_t ttl_s, char **idp, char **tokenp)
{
	struct cu_conn *c = NULL;
	uint8_t h[CU_HASH_BYTES];
	char *id = NULL, *secret = NULL, *user_id = NULL;
	struct cu_buf tok;
	int64_t now = cu_time_now();
	int r;

	*idp = *tokenp = NULL;
	if (!cu_name_valid(username) || !name || !*name || strlen(name) > CU_MAX_NAME_BYTES ||
	    !cu_utf8_valid(name, strlen(name)) || ttl_s < 0)
		return CU_ERR_INVALID;
	cu_buf_init(&tok, 256);
	{
		char *b = cu_random_id(9);
		id = cu_malloc(strlen(b) + 3);
		snprintf(id, strlen(b) + 3, "t_%s", b);
		cu_free(b);
	}
	secret = cu_random_id(32);
	if ((r = cu_buf_printf(&tok, "cus_%s_%s", id + 2, secret)))
		goto out;
	cu_keyring_mac(a->kr, "custos.token", tok.data, tok.len, h);
	if ((r = cu_store_acquire(a->store, &c)))
		goto out;
	struct cu_val uarg = CU_VTEXT(username);
	if ((r = cu_conn_query_text(c, "SELECT id FROM users WHERE username = ?1 AND "
				       "status = 'active'", &uarg, 1, &user_id)))
		goto out;
	struct cu_val args[] = { CU_VTEXT(id), CU_VTEXT(name), CU_VBLOB(h, sizeof(h)),
				 CU_VTEXT(user_id), CU_VINT(now),
				 ttl_s ? CU_VINT(now + ttl_s) : CU_VNULL };
	r = cu_conn_exec(c, "INSERT INTO tokens(id, name, secret_hash, user_id, created_at, "
			    "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", args, 6, NULL);
out:
	cu_store_release(a->store, c);
	cu_free(user_id);
	cu_memzero(secret, strlen(secret));
	cu_free(secret);
	if (r) {
		cu_free(id);
		if (tok.data)
			cu_memzero(tok.data, tok.len);
		cu_buf_release(&tok);
		return r;
	}
	*idp = id;
	*tokenp = cu_buf_detach(&tok, NULL);
	return CU_OK;
}

int cu_accounts_token_auth(struct cu_accounts *a, const char *token, struct cu_principal *p)
{
	struct sess_row s = { 0 };
	struct cu_conn *c = NULL;
	uint8_t h[CU_HASH_BYTES];
	char *ref;
	int r;

	memset(p, 0, sizeof(*p));
	if (strncmp(token, "cus_", 4) != 0 || strlen(token) > 200)
		return CU_ERR_AUTH;
	cu_keyring_mac(a->kr, "custos.token", token, strlen(token), h);
	if ((r = cu_store_acquire(a->store, &c)))
		return r;
	struct cu_val args[] = { CU_VBLOB(h, sizeof(h)), CU_VINT(cu_time_now()) };
	r = cu_conn_query(c, "SELECT u.id, u.username, u.status, u.roles, '', 0, 0, u.department, 'full' "
			     "FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.secret_hash = ?1 "
			     "AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?2)",
			  args, 2, read_sess_row, &s);
	cu_store_release(a->store, c);
	if (r)
		goto out;
	if (!s.found || strcmp(s.status, "active") != 0) {
		r = CU_ERR_AUTH;
		goto out;
	}
	cu_acc_fill_principal(p, s.user_id, s.username, s.department, s.roles, "token");
	s.roles = NULL;
	ref = cu_acc_ref(a->kr, "custos.token.ref", token);
	snprintf(p->session_ref, sizeof(p->session_ref), "%s", ref);
	cu_free(ref);
out:
	json_decref(s.roles);
	return r;
}

int cu_accounts_token_revoke(struct cu_accounts *a, const char *id)
{
	struct cu_conn *c = NULL;
	int64_t n = 0;
	int r;

	if ((r = cu_store_acquire(a->store, &c)))
		return r;
	struct cu_val args[] = { CU_VTEXT(id), CU_VINT(cu_time_now()) };
	r = cu_conn_exec(c, "UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
			 args, 2, &n);
	cu_store_release(a->store, c);
	return r ? r : (n ? CU_OK : CU_ERR_NOT_FOUND);
}

static int collect_token(void *ctx, struct cu_row *row)
{
	json_t *t = json_object();
	char ts[32];
	json_object_set_new(t, "id", json_string(cu_row_text(row, 0)));
	json_object_set_new(t, "name", json_string(cu_row_text(row, 1)));
	json_object_set_new(t, "user", json_string(cu_row_text(row, 2) ?: ""));
	cu_time_iso8601(cu_row_int(row, 3), ts, sizeof(ts));
	json_object_set_new(t, "created_at", json_string(ts));
	if (cu_row_is_null(row, 4)) {
		json_object_set_new(t, "expires_at", json_null());
	} else {
		cu_time_iso8601(cu_row_int(row, 4), ts, sizeof(ts));
		json_object_set_new(t, "expires_at", json_string(ts));
	}
	json_object_set_new(t, "revoked", json_boolean(!cu_row_is_null(row, 5)));
	json_array_append_new(ctx, t);
	return 0;
}

int cu_accounts_token_list(struct cu_accounts *a, json_t **out)
{
	return cu_store_query_array(a->store, "SELECT t.id, t.name, u.username, t.created_at, "
					      "t.expires_at, t.revoked_at FROM tokens t LEFT JOIN "
					      "users u ON u.id = t.user_id ORDER BY t.created_at, t.id",
				    NULL, 0, collect_token, out);
}


int cu_accounts_token_owner(struct cu_accounts *a, const char *id, char **username)
{
	struct cu_conn *c = NULL;
	int r;
	*username = NULL;
	if ((r = cu_store_acquire(a->store, &c)))
		return r;
	struct cu_val arg = CU_VTEXT(id);
	r = cu_conn_query_text(c, "SELECT u.username FROM tokens t JOIN users u ON u.id = t.user_id "
				  "WHERE t.id = ?1 AND t.revoked_at IS NULL", &arg, 1, username);
	cu_store_release(a->store, c);
	return r;
}
