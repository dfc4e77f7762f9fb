/*
 * accounts: RFC 6238 TOTP vectors, password policy presets (accept /
 * reject tables naming the rule), session ids (entropy, stored only as
 * keyed hashes), TOTP replay and lockout at the library level.
 */
#include "test.h"
#include "accounts/accounts.h"
#include "accounts/password.h"
#include "core/json.h"
#include "core/util.h"
#include "crypto/keyring.h"
#include "store/store.h"

#include <liboath/oath.h>
#include <sqlite3.h>
#include <unistd.h>

/* RFC 6238 appendix B, SHA-1, secret "12345678901234567890"; custos uses
 * 6 digits, the last six of the RFC's 8-digit values. */
CU_TEST(rfc6238_vectors)
{
	static const struct { int64_t t; const char *code; } v[] = {
		{ 59, "287082" },         { 1111111109, "081804" }, { 1111111111, "050471" },
		{ 1234567890, "005924" }, { 2000000000, "279037" }, { 20000000000LL, "353130" },
	};
	static const uint8_t seed[] = "12345678901234567890";
	char out[16];
	for (size_t i = 0; i < CU_ARRAY_LEN(v); i++) {
		CHECK_EQ_INT(cu_totp_generate(seed, 20, v[i].t, out), CU_OK);
		CHECK_STR(out, v[i].code);
	}
}

struct pw_case {
	const char *preset, *pw, *user;
	bool has_2fa;
	const char *rule; /* NULL = accepted */
};

CU_TEST(password_presets)
{
	static const struct pw_case cases[] = {
		/* nist: length (15, or 8 with two-factor), common, guessable, name */
		{ "nist", "correct horse battery staple", "alice", false, NULL },
		{ "nist", "violet harbour cinnamon 42", "alice", true, NULL },
		{ "nist", "Tr0ub4dor&3x!", "alice", true, NULL },
		{ "nist", "short", "alice", true, "min_length" },
		{ "nist", "only12chars!", "alice", false, "min_length" },
		{ "nist", "woaini1314", "alice", true, "common" },
		{ "nist", "123456", "alice", true, "common" },
		{ "nist", "Password1", "alice", true, "common" },
		{ "nist", "aaaaaaaaaaaaaaaaaaaa", "alice", false, "guessable" },
		{ "nist", "123456789012345678", "alice", false, "guessable" },
		{ "nist", "alice-the-great-sailor", "alice", false, "contains_username" },
		{ "nist", "no rules about classes here", "bob", false, NULL },
		/* mlps: 8+ characters from 3 of 4 classes, no name */
		{ "mlps", "Indigo-Falcon-77", "alice", true, NULL },
		{ "mlps", "Abcdefg1", "alice", true, NULL },
		{ "mlps", "lowercaseonly123", "alice", true, "classes" },
		{ "mlps", "ALLUPPER99", "alice", true, "classes" },
		{ "mlps", "Ab1!", "alice", true, "min_length" },
		{ "mlps", "admin888", "admin", true, "common" },
		{ "mlps", "Alice2024!x", "alice", true, "contains_username" },
		{ "mlps", "\xff\xfe-Abc123", "alice", true, "encoding" },
	};
	for (size_t i = 0; i < CU_ARRAY_LEN(cases); i++) {
		struct cu_pwpolicy p;
		const char *rule = NULL;
		char why[256];
		CHECK_EQ_INT(cu_pwpolicy_preset(cases[i].preset, &p), CU_OK);
		int r = cu_pwpolicy_check(&p, cases[i].pw, cases[i].user, cases[i].has_2fa, &rule, why,
					  sizeof(why));
		if (cases[i].rule) {
			CHECK_EQ_INT(r, CU_ERR_INVALID);
			CHECK_STR(rule, cases[i].rule);
			CHECK(why[0] != '\0');
		} else {
			if (r)
				fprintf(stderr, "case %zu refused: %s\n", i, why);
			CHECK_EQ_INT(r, CU_OK);
		}
	}
	struct cu_pwpolicy p;
	CHECK_EQ_INT(cu_pwpolicy_preset("mlps", &p), CU_OK);
	CHECK_EQ_INT(p.expiry_days, 90);
	CHECK(p.history >= 5);
	CHECK_EQ_INT(cu_pwpolicy_preset("nist", &p), CU_OK);
	CHECK_EQ_INT(p.expiry_days, 0);
	CHECK_EQ_INT(p.min_classes, 0);
	CHECK_EQ_INT(cu_pwpolicy_preset("lax", &p), CU_ERR_INVALID);
	char why[128];
	json_t *j = json_pack("{s:s,s:i}", "preset", "nist", "min_length", 4);
	CHECK_EQ_INT(cu_pwpolicy_from_json(j, &p, why, sizeof(why)), CU_ERR_INVALID);
	json_decref(j);
	j = json_pack("{s:s,s:i}", "preset", "mlps", "history", 10);
	CHECK_EQ_INT(cu_pwpolicy_from_json(j, &p, why, sizeof(why)), CU_OK);
	CHECK_EQ_INT(p.history, 10);
	json_decref(j);
}

CU_TEST(session_id_entropy)
{
	/* 1,000 ids: all distinct, 43 base64url characters (256 bits), and
	 * every character position varies. */
	enum { N = 1000 };
	static char ids[N][64];
	unsigned seen[256] = { 0 };
	for (int i = 0; i < N; i++) {
		char *id = cu_random_id(32);
		CHECK_EQ_INT(strlen(id), 43);
		snprintf(ids[i], sizeof(ids[i]), "%s", id);
		for (const char *p = id; *p; p++)
			seen[(unsigned char)*p]++;
		cu_free(id);
	}
	for (int i = 0; i < N; i++)
		for (int k = i + 1; k < N; k++)
			if (strcmp(ids[i], ids[k]) == 0)
				CHECK(!"duplicate session id");
	int symbols = 0;
	for (int c = 0; c < 256; c++)
		symbols += seen[c] > 0;
	CHECK_EQ_INT(symbols, 64); /* the whole base64url alphabet in use */
}

static int totp_for(const char *b32, int64_t t, char out[16])
{
	char *seed = NULL;
	size_t len = 0;
	int r;
	if (oath_base32_decode(b32, strlen(b32), &seed, &len) != OATH_OK)
		return CU_ERR_INVALID;
	r = cu_totp_generate((const uint8_t *)seed, len, t, out);
	free(seed);
	return r;
}

CU_TEST(login_sessions_hashed)
{
	char dir[] = "/tmp/custos-acc-XXXXXX", path[256], code[16];
	struct cu_key_source src = { "unit test passphrase", 20, NULL };
	struct cu_keyring *kr = NULL;
	struct cu_store *st = NULL;
	struct cu_accounts *a = NULL;
	struct cu_new_user nu;
	struct cu_principal p;
	char *sid = NULL;
	json_t *roles = json_pack("[s]", "staff");

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/keyring.json", dir);
	CHECK_EQ_INT(cu_keyring_create(path, &src, CU_KDF_INTERACTIVE, &kr), CU_OK);
	snprintf(path, sizeof(path), "%s/custos.db", dir);
	CHECK_EQ_INT(cu_store_open(path, 2, &st), CU_OK);
	CHECK_EQ_INT(cu_accounts_new(st, kr, &a), CU_OK);
	CHECK_EQ_INT(cu_accounts_user_create(a, "carol", "Carol", "sales", roles, true, &nu), CU_OK);

	/* Wrong password, then unknown user: the same answer. */
	CHECK_EQ_INT(totp_for(nu.totp_base32, time(NULL), code), CU_OK);
	CHECK_EQ_INT(cu_accounts_login(a, "carol", "nope", code, NULL, "10.0.0.1", "ut", &sid, &p),
		     CU_ERR_AUTH);
	CHECK_EQ_INT(cu_accounts_login(a, "nobody", "nope", code, NULL, "10.0.0.1", "ut", &sid, &p),
		     CU_ERR_AUTH);
	CHECK_EQ_INT(cu_accounts_login(a, "carol", nu.password, code, NULL, "10.0.0.1", "ut", &sid, &p),
		     CU_OK);
	CHECK_STR(p.stage, "enrol"); /* one-time password */
	CHECK(sid && strlen(sid) == 43);
	cu_principal_release(&p);
	/* The same code again is a replay. */
	char *sid2 = NULL;
	CHECK_EQ_INT(cu_accounts_login(a, "carol", nu.password, code, NULL, "10.0.0.1", "ut", &sid2, &p),
		     CU_ERR_AUTH);
	/* The session authenticates, and the database holds only its hash. */
	CHECK_EQ_INT(cu_accounts_session_auth(a, sid, &p), CU_OK);
	CHECK_STR(p.username, "carol");
	cu_principal_release(&p);
	cu_store_close(st);
	st = NULL;
	{
		char *db = NULL;
		size_t len = 0;
		sqlite3 *h = NULL;
		sqlite3_stmt *q = NULL;
		CHECK_EQ_INT(cu_file_read(path, 64u << 20, &db, &len), CU_OK);
		CHECK(memmem(db, len, sid, strlen(sid)) == NULL);
		CHECK(memmem(db, len, nu.password, strlen(nu.password)) == NULL);
		CHECK(memmem(db, len, nu.totp_base32, strlen(nu.totp_base32)) == NULL);
		cu_free(db);
		CHECK_EQ_INT(sqlite3_open(path, &h), SQLITE_OK);
		CHECK_EQ_INT(sqlite3_prepare_v2(h, "SELECT length(id_hash) FROM sessions", -1, &q, NULL),
			     SQLITE_OK);
		CHECK_EQ_INT(sqlite3_step(q), SQLITE_ROW);
		CHECK_EQ_INT(sqlite3_column_int(q, 0), CU_HASH_BYTES);
		sqlite3_finalize(q);
		sqlite3_close(h);
	}
	CHECK_EQ_INT(cu_store_open(path, 2, &st), CU_OK);
	cu_accounts_free(a);
	CHECK_EQ_INT(cu_accounts_new(st, kr, &a), CU_OK);
	/* A forged or altered id does not authenticate. */
	sid[5] = sid[5] == 'A' ? 'B' : 'A';
	CHECK_EQ_INT(cu_accounts_session_auth(a, sid, &p), CU_ERR_AUTH);
	/* Disabling ends the session at once. */
	sid[5] = sid[5] == 'A' ? 'B' : 'A';
	CHECK_EQ_INT(cu_accounts_user_set_status(a, "carol", false), CU_OK);
	CHECK_EQ_INT(cu_accounts_session_auth(a, sid, &p), CU_ERR_AUTH);

	cu_free(sid);
	cu_new_user_release(&nu);
	json_decref(roles);
	cu_accounts_free(a);
	cu_store_close(st);
	cu_keyring_free(kr);
	{
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		CHECK_EQ_INT(system(cmd), 0);
	}
}

int main(void)
{
	if (cu_crypto_init())
		return 1;
	cu_json_init();
	RUN(rfc6238_vectors);
	RUN(password_presets);
	RUN(session_id_entropy);
	RUN(login_sessions_hashed);
	return cu_test_done();
}
