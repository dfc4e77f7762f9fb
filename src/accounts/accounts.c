#include "accounts/accounts.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/keyring.h"
#include "store/store.h"

#include <liboath/oath.h>

#define TOTP_SEED_BYTES 20
#define PASSWORD_CHARS 20

struct cu_accounts {
	struct cu_store *store;
	const struct cu_keyring *kr;
	/* Verified against when the user does not exist, so a miss costs
	 * the same Argon2id time as a hit. */
	char dummy_hash[CU_PWHASH_STR_BYTES];
};

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
	cu_random(pw, sizeof(pw));
	r = cu_password_hash(pw, sizeof(pw), a->dummy_hash);
	cu_memzero(pw, sizeof(pw));
	if (r) {
		cu_free(a);
		return r;
	}
	*out = a;
	return CU_OK;
}

void cu_accounts_free(struct cu_accounts *a)
{
	if (!a)
		return;
	oath_done();
	cu_free(a);
}

void cu_new_user_release(struct cu_new_user *nu)
{
	cu_free(nu->id);
	if (nu->password) {
		cu_memzero(nu->password, strlen(nu->password));
		cu_free(nu->password);
	}
	if (nu->totp_base32) {
		cu_memzero(nu->totp_base32, strlen(nu->totp_base32));
		cu_free(nu->totp_base32);
	}
	if (nu->totp_uri) {
		cu_memzero(nu->totp_uri, strlen(nu->totp_uri));
		cu_free(nu->totp_uri);
	}
	memset(nu, 0, sizeof(*nu));
}

/* A random password from an alphabet without look-alikes. */
static char *random_password(void)
{
	static const char alpha[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	char *p = cu_malloc(PASSWORD_CHARS + 1);
	for (int i = 0; i < PASSWORD_CHARS; i++)
		p[i] = alpha[cu_random_uniform(sizeof(alpha) - 1)];
	p[PASSWORD_CHARS] = '\0';
	return p;
}

static void totp_ad(char *ad, size_t n, const char *user_id)
{
	snprintf(ad, n, "custos.totp/%s", user_id);
}

int cu_accounts_user_create(struct cu_accounts *a, const char *username, const char *display_name,
			    const char *department, const json_t *roles, struct cu_new_user *out)
{
	uint8_t seed[TOTP_SEED_BYTES], sealed[TOTP_SEED_BYTES + CU_SEAL_OVERHEAD];
	char hash[CU_PWHASH_STR_BYTES], ad[96];
	char *b32 = NULL, *rolesj = NULL, *b;
	size_t b32len = 0;
	struct cu_conn *c = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if (!cu_name_valid(username))
		return CU_ERR_INVALID;
	b = cu_random_id(12);
	out->id = cu_malloc(strlen(b) + 3);
	snprintf(out->id, strlen(b) + 3, "u_%s", b);
	cu_free(b);
	out->password = random_password();
	if ((r = cu_password_hash(out->password, strlen(out->password), hash)))
		goto out;
	cu_random(seed, sizeof(seed));
	totp_ad(ad, sizeof(ad), out->id);
	cu_keyring_seal_secret(a->kr, ad, seed, sizeof(seed), sealed);
	if (oath_base32_encode((const char *)seed, sizeof(seed), &b32, &b32len) != OATH_OK) {
		r = CU_ERR_INTERNAL;
		goto out;
	}
	out->totp_base32 = cu_strndup(b32, b32len);
	cu_memzero(b32, b32len);
	free(b32); /* allocated by liboath */
	{
		struct cu_buf uri;
		cu_buf_init(&uri, 512);
		if ((r = cu_buf_printf(&uri,
				       "otpauth://totp/custos:%s?secret=%s&issuer=custos&algorithm=SHA1"
				       "&digits=%d&period=%d",
				       username, out->totp_base32, CU_TOTP_DIGITS, CU_TOTP_STEP))) {
			cu_buf_release(&uri);
			goto out;
		}
		out->totp_uri = cu_buf_detach(&uri, NULL);
	}
	rolesj = roles ? cu_json_dump(roles) : cu_strdup("[]");
	if ((r = cu_store_acquire(a->store, &c)))
		goto out;
	struct cu_val args[] = { CU_VTEXT(out->id), CU_VTEXT(username), CU_VTEXT(display_name),
				 CU_VTEXT(department), CU_VTEXT(rolesj), CU_VTEXT(hash),
				 CU_VBLOB(sealed, sizeof(sealed)), CU_VINT(cu_time_now()) };
	r = cu_conn_exec(c, "INSERT INTO users(id, username, display_name, department, roles, "
			    "password_hash, totp_sealed, must_change_password, created_at) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8)", args, 8, NULL);
out:
	cu_store_release(a->store, c);
	cu_memzero(seed, sizeof(seed));
	cu_memzero(hash, sizeof(hash));
	cu_free(rolesj);
	if (r)
		cu_new_user_release(out);
	return r;
}

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
	json_array_append_new(ctx, u);
	return 0;
}

int cu_accounts_user_list(struct cu_accounts *a, json_t **out)
{
	struct cu_conn *c = NULL;
	json_t *arr = json_array();
	int r;

	*out = NULL;
	if ((r = cu_store_acquire(a->store, &c)))
		goto out;
	r = cu_conn_query(c, "SELECT id, username, display_name, department, roles, status, "
			     "created_at, last_login_at FROM users ORDER BY username",
			  NULL, 0, collect_user, arr);
out:
	cu_store_release(a->store, c);
	if (r)
		json_decref(arr);
	else
		*out = arr;
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
	r = cu_conn_query_int(c, "SELECT COUNT(*) FROM users WHERE username = ?1", &arg, 1, &n);
	cu_store_release(a->store, c);
	return r ? r : (n ? CU_OK : CU_ERR_NOT_FOUND);
}

/* ---- login ------------------------------------------------------------- */

struct user_row {
	bool found;
	char id[48];
	char department[CU_MAX_NAME_BYTES + 1];
	char status[16];
	char hash[CU_PWHASH_STR_BYTES];
	uint8_t totp[TOTP_SEED_BYTES + CU_SEAL_OVERHEAD];
	size_t totplen;
	int64_t last_step;
	json_t *roles;
};

static int read_user_row(void *ctx, struct cu_row *row)
{
	struct user_row *u = ctx;
	const char *rj = cu_row_text(row, 4);
	size_t n;
	const void *p;

	u->found = true;
	snprintf(u->id, sizeof(u->id), "%s", cu_row_text(row, 0) ?: "");
	snprintf(u->status, sizeof(u->status), "%s", cu_row_text(row, 1) ?: "");
	snprintf(u->hash, sizeof(u->hash), "%s", cu_row_text(row, 2) ?: "");
	p = cu_row_blob(row, 3, &n);
	u->totplen = n <= sizeof(u->totp) ? n : 0;
	if (p && u->totplen)
		memcpy(u->totp, p, u->totplen);
	if (!rj || cu_json_parse(rj, strlen(rj), &u->roles, NULL, 0))
		u->roles = json_array();
	u->last_step = cu_row_int(row, 5);
	snprintf(u->department, sizeof(u->department), "%s", cu_row_text(row, 6) ?: "");
	return 1;
}

static bool has_role(const json_t *roles, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(roles, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
			return true;
	return false;
}

static void fill_principal(struct cu_principal *p, const char *id, const char *username,
			   const char *dept, json_t *roles, const char *method)
{
	snprintf(p->user_id, sizeof(p->user_id), "%s", id);
	snprintf(p->username, sizeof(p->username), "%s", username);
	snprintf(p->department, sizeof(p->department), "%s", dept ? dept : "");
	p->roles = roles;
	p->method = method;
	p->is_admin = has_role(roles, "admin");
}

static int ct_otp_cmp(void *handle, const char *test_otp)
{
	return cu_streq_ct((const char *)handle, test_otp) ? 0 : 1;
}

/* Verify code against the sealed seed; on success returns the time step
 * it matched, which must be newer than last_step (no replay). */
static int totp_check(struct cu_accounts *a, const struct user_row *u, const char *code,
		      int64_t *step)
{
	uint8_t seed[TOTP_SEED_BYTES];
	char ad[96];
	int pos = 0;
	uint64_t counter = 0;
	int r;

	*step = 0;
	if (strlen(code) != CU_TOTP_DIGITS || u->totplen != sizeof(u->totp))
		return CU_ERR_AUTH;
	totp_ad(ad, sizeof(ad), u->id);
	if (cu_keyring_open_secret(a->kr, ad, u->totp, u->totplen, seed))
		return CU_ERR_INTEGRITY;
	r = oath_totp_validate3_callback((const char *)seed, sizeof(seed), (time_t)cu_time_now(),
					 CU_TOTP_STEP, 0, CU_TOTP_DIGITS, 1, &pos, &counter,
					 ct_otp_cmp, (void *)code);
	cu_memzero(seed, sizeof(seed));
	if (r < 0)
		return CU_ERR_AUTH;
	if ((int64_t)counter <= u->last_step)
		return CU_ERR_AUTH; /* replayed (or older) code */
	*step = (int64_t)counter;
	return CU_OK;
}

static char *session_ref(const struct cu_keyring *kr, const char *domain, const char *secret)
{
	uint8_t h[CU_HASH_BYTES];
	cu_keyring_mac(kr, domain, secret, strlen(secret), h);
	return cu_b64(h, 12);
}

static int new_session(struct cu_accounts *a, struct cu_conn *c, const char *user_id,
		       const char *source, const char *ua, char **sid, char *csrf, size_t csrflen)
{
	uint8_t h[CU_HASH_BYTES];
	char *id = cu_random_id(32), *tok = cu_random_id(24);
	int64_t now = cu_time_now();
	char uabuf[128];
	int r;

	snprintf(uabuf, sizeof(uabuf), "%s", ua ? ua : "");
	cu_keyring_mac(a->kr, "custos.session", id, strlen(id), h);
	snprintf(csrf, csrflen, "%s", tok);
	struct cu_val args[] = { CU_VBLOB(h, sizeof(h)), CU_VTEXT(user_id), CU_VTEXT(tok),
				 CU_VINT(now), CU_VINT(now + CU_SESSION_ABSOLUTE_S),
				 CU_VTEXT(source), CU_VTEXT(cu_utf8_valid(uabuf, strlen(uabuf)) ? uabuf : "") };
	r = cu_conn_exec(c, "INSERT INTO sessions(id_hash, user_id, csrf, created_at, last_seen_at, "
			    "expires_at, source, user_agent) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7)",
			 args, 7, NULL);
	cu_free(tok);
	if (r) {
		cu_free(id);
		return r;
	}
	*sid = id;
	return CU_OK;
}

int cu_accounts_login(struct cu_accounts *a, const char *username, const char *password,
		      const char *totp, const char *source, const char *user_agent,
		      char **session_id, struct cu_principal *p)
{
	struct user_row u = { 0 };
	struct cu_conn *c = NULL;
	int64_t step = 0, changes = 0;
	char *ref = NULL;
	int r;

	*session_id = NULL;
	memset(p, 0, sizeof(*p));
	if ((r = cu_store_acquire(a->store, &c)))
		return r;
	struct cu_val arg = CU_VTEXT(username);
	if (cu_name_valid(username) &&
	    (r = cu_conn_query(c, "SELECT id, status, password_hash, totp_sealed, roles, "
				  "totp_last_step, department FROM users WHERE username = ?1",
			       &arg, 1, read_user_row, &u)))
		goto out;
	/* Always pay for one Argon2id verification. */
	r = cu_password_verify(u.found ? u.hash : a->dummy_hash, password, strlen(password));
	if (r || !u.found || strcmp(u.status, "active") != 0) {
		r = CU_ERR_AUTH;
		goto out;
	}
	if ((r = totp_check(a, &u, totp ? totp : "", &step)))
		goto out;
	/* Claim the time step atomically: a concurrent replay loses. */
	struct cu_val up[] = { CU_VTEXT(u.id), CU_VINT(step), CU_VINT(cu_time_now()) };
	if ((r = cu_conn_exec(c, "UPDATE users SET totp_last_step = ?2, last_login_at = ?3 "
				 "WHERE id = ?1 AND totp_last_step < ?2", up, 3, &changes)))
		goto out;
	if (changes != 1) {
		r = CU_ERR_AUTH;
		goto out;
	}
	if ((r = new_session(a, c, u.id, source, user_agent, session_id, p->csrf, sizeof(p->csrf))))
		goto out;
	fill_principal(p, u.id, username, u.department, u.roles, "session");
	u.roles = NULL;
	ref = session_ref(a->kr, "custos.session.ref", *session_id);
	snprintf(p->session_ref, sizeof(p->session_ref), "%s", ref);
	cu_free(ref);
out:
	cu_store_release(a->store, c);
	json_decref(u.roles);
	cu_memzero(&u, sizeof(u));
	if (r == CU_ERR_INTEGRITY)
		cu_error("accounts: a stored TOTP seed failed its integrity check");
	if (r && r != CU_ERR_NOMEM && r != CU_ERR_IO)
		r = CU_ERR_AUTH;
	return r;
}

struct sess_row {
	bool found;
	char user_id[48], username[CU_MAX_NAME_BYTES + 1], status[16], csrf[48];
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
	return 1;
}

int cu_accounts_session_auth(struct cu_accounts *a, const char *session_id, struct cu_principal *p)
{
	struct sess_row s = { 0 };
	struct cu_conn *c = NULL;
	uint8_t h[CU_HASH_BYTES];
	int64_t now = cu_time_now();
	char *ref;
	int r;

	memset(p, 0, sizeof(*p));
	if (strlen(session_id) > 128)
		return CU_ERR_AUTH;
	cu_keyring_mac(a->kr, "custos.session", session_id, strlen(session_id), h);
	if ((r = cu_store_acquire(a->store, &c)))
		return r;
	struct cu_val arg = CU_VBLOB(h, sizeof(h));
	r = cu_conn_query(c, "SELECT u.id, u.username, u.status, u.roles, s.csrf, s.last_seen_at, "
			     "s.expires_at, u.department FROM sessions s JOIN users u ON u.id = s.user_id "
			     "WHERE s.id_hash = ?1", &arg, 1, read_sess_row, &s);
	if (r)
		goto out;
	if (!s.found || strcmp(s.status, "active") != 0 || now >= s.expires ||
	    now - s.last_seen > CU_SESSION_IDLE_S) {
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
	fill_principal(p, s.user_id, s.username, s.department, s.roles, "session");
	s.roles = NULL;
	snprintf(p->csrf, sizeof(p->csrf), "%s", s.csrf);
	ref = session_ref(a->kr, "custos.session.ref", session_id);
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
	r = cu_conn_query(c, "SELECT u.id, u.username, u.status, u.roles, '', 0, 0, u.department "
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
	fill_principal(p, s.user_id, s.username, s.department, s.roles, "token");
	s.roles = NULL;
	ref = session_ref(a->kr, "custos.token.ref", token);
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
	struct cu_conn *c = NULL;
	json_t *arr = json_array();
	int r;

	*out = NULL;
	if ((r = cu_store_acquire(a->store, &c)))
		goto out;
	r = cu_conn_query(c, "SELECT t.id, t.name, u.username, t.created_at, t.expires_at, "
			     "t.revoked_at FROM tokens t LEFT JOIN users u ON u.id = t.user_id "
			     "ORDER BY t.created_at, t.id", NULL, 0, collect_token, arr);
out:
	cu_store_release(a->store, c);
	if (r)
		json_decref(arr);
	else
		*out = arr;
	return r;
}

int cu_totp_generate(const uint8_t *seed, size_t len, int64_t now, char out[16])
{
	memset(out, 0, 16);
	return oath_totp_generate((const char *)seed, len, (time_t)now, CU_TOTP_STEP, 0,
				  CU_TOTP_DIGITS, out) == OATH_OK ? CU_OK : CU_ERR_INTERNAL;
}
