/*
 * test_keyring.c - the key hierarchy (crypto/keyring.h): creating and
 * reopening a keyring from a passphrase or a key file, refusing wrong
 * keys and corrupted files without crashing, DEK wrapping bound to its
 * subject, KEK rotation, blind indexes, server-held secrets, and what the
 * keyring file may (not) contain.
 */
#include "test.h"
#include "crypto/tutil.h"
#include "crypto/keyring.h"
#include "core/json.h"

#define CANARY_PASS "canary-passphrase-7f3a9c"

static char *dir;

static const struct cu_key_source pass_src = { CANARY_PASS, sizeof(CANARY_PASS) - 1, NULL };

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* Neither the raw bytes nor their hex or base64url appear in the file. */
static bool absent_in_clear(const char *file, size_t flen, const uint8_t *key, size_t n)
{
	char *hex = cu_hex(key, n), *b64 = cu_b64(key, n);
	bool ok = !cu_t_contains(file, flen, key, n) && !cu_t_contains(file, flen, hex, strlen(hex)) &&
		  !cu_t_contains(file, flen, b64, strlen(b64));
	cu_free(hex);
	cu_free(b64);
	return ok;
}

/* Open one sealed key of the file with the root key (the documented
 * layout: base64url of cu_seal(root, AD "custos.keyring/<name>")). */
static bool open_file_key(const uint8_t *root, const char *name, const char *b64, uint8_t *key)
{
	uint8_t *ct = NULL;
	size_t n = 0;
	char ad[96];
	bool ok;
	if (!b64 || cu_unb64(b64, &ct, &n) || n != CU_KEY_BYTES + CU_SEAL_OVERHEAD) {
		cu_free(ct);
		return false;
	}
	snprintf(ad, sizeof(ad), "custos.keyring/%s", name);
	ok = cu_open(root, ad, strlen(ad), ct, n, key) == CU_OK;
	cu_free(ct);
	return ok;
}

CU_TEST(passphrase_create_reopen)
{
	char *path = cu_t_path(dir, "keyring.json");
	struct cu_keyring *kr = NULL, *kr2 = (struct cu_keyring *)1;
	struct cu_key_source wrong = { "canary-passphrase-7f3a9d", sizeof(CANARY_PASS) - 1, NULL };
	struct cu_key_source none = { NULL, 0, NULL };
	uint8_t wrapped[CU_WRAPPED_DEK_BYTES], dek[CU_KEY_BYTES], dek2[CU_KEY_BYTES];
	uint8_t bi[CU_HASH_BYTES], bi2[CU_HASH_BYTES], mac[CU_HASH_BYTES], mac2[CU_HASH_BYTES];
	uint8_t sig[CU_SIG_BYTES], pk[CU_SIGN_PK_BYTES];
	struct stat st;

	CHECK_EQ_INT(cu_keyring_create(path, &pass_src, CU_KDF_INTERACTIVE, &kr), CU_OK);
	CHECK(kr != NULL);
	if (!kr)
		goto out;
	CHECK_EQ_INT(cu_keyring_current(kr), 1);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0600);
	CHECK_EQ_INT(cu_keyring_dek_new(kr, "s_subject1", wrapped, dek), CU_OK);
	cu_keyring_blind_index(kr, "customers", "phone", "13812345678", 11, bi);
	cu_keyring_mac(kr, "custos.test", "x", 1, mac);
	memcpy(pk, cu_keyring_audit_pk(kr), sizeof(pk));
	cu_keyring_free(kr);
	kr = NULL;

	/* The right passphrase reopens the same keys. */
	CHECK_EQ_INT(cu_keyring_open(path, &pass_src, &kr), CU_OK);
	if (!kr)
		goto out;
	CHECK_EQ_INT(cu_keyring_current(kr), 1);
	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "s_subject1", wrapped, sizeof(wrapped), dek2), CU_OK);
	CHECK(memcmp(dek, dek2, sizeof(dek)) == 0);
	cu_keyring_blind_index(kr, "customers", "phone", "13812345678", 11, bi2);
	CHECK(memcmp(bi, bi2, sizeof(bi)) == 0);
	cu_keyring_mac(kr, "custos.test", "x", 1, mac2);
	CHECK(memcmp(mac, mac2, sizeof(mac)) == 0);
	CHECK(memcmp(pk, cu_keyring_audit_pk(kr), sizeof(pk)) == 0);
	cu_keyring_audit_sign(kr, sig, "checkpoint", 10);
	CHECK_EQ_INT(cu_sign_verify(sig, "checkpoint", 10, pk), CU_OK);
	CHECK_EQ_INT(cu_sign_verify(sig, "checkpoinT", 10, pk), CU_ERR_INTEGRITY);

	/* Wrong passphrase (one character off), no passphrase, key file instead. */
	CHECK_EQ_INT(cu_keyring_open(path, &wrong, &kr2), CU_ERR_BAD_KEY);
	CHECK(kr2 == NULL);
	CHECK_EQ_INT(cu_keyring_open(path, &none, &kr2), CU_ERR_BAD_KEY);
	CHECK(kr2 == NULL);
	{
		char *kf = cu_t_path(dir, "unused.key");
		struct cu_key_source ksrc = { NULL, 0, kf };
		CHECK(cu_t_write(kf, "0123456789abcdef0123456789abcdef", 32));
		CHECK_EQ_INT(cu_keyring_open(path, &ksrc, &kr2), CU_ERR_BAD_KEY);
		CHECK(kr2 == NULL);
		unlink(kf);
		cu_free(kf);
	}
out:
	cu_keyring_free(kr);
	cu_memzero(dek, sizeof(dek));
	cu_memzero(dek2, sizeof(dek2));
	cu_free(path);
}

/* keyring.json holds only sealed keys and KDF parameters. */
CU_TEST(file_holds_no_secrets)
{
	char *path = cu_t_path(dir, "keyring.json");
	size_t flen = 0;
	char *file = cu_t_slurp(path, &flen);
	json_t *doc = NULL, *kdf, *keks, *keys;
	uint8_t *root = cu_secret_alloc(CU_KEY_BYTES), *key = cu_secret_alloc(CU_KEY_BYTES);
	uint8_t salt[16];
	struct cu_keyring *kr = NULL;
	uint8_t wrapped[CU_WRAPPED_DEK_BYTES], dek[CU_KEY_BYTES];

	CHECK(flen > 0);
	CHECK(!cu_t_contains(file, flen, CANARY_PASS, strlen(CANARY_PASS)));
	CHECK(!cu_t_contains(file, flen, "7f3a9c", 6));
	CHECK_EQ_INT(cu_json_parse(file, flen, &doc, NULL, 0), CU_OK);
	if (!doc)
		goto out;
	CHECK_STR(json_string_value(json_object_get(doc, "format")), "custos-keyring");
	kdf = json_object_get(doc, "kdf");
	keks = json_object_get(doc, "keks");
	keys = json_object_get(doc, "keys");
	CHECK_STR(json_string_value(json_object_get(kdf, "alg")), "argon2id13");
	CHECK(json_is_array(keks) && json_array_size(keks) == 1);

	/* Recompute the root key from the stored KDF parameters, then every
	 * key it seals: none may appear in the file as raw, hex or base64. */
	CHECK_EQ_INT(cu_unhex(json_string_value(json_object_get(kdf, "salt")) ?: "", salt, 16), CU_OK);
	CHECK_EQ_INT(cu_kdf_passphrase(root, CANARY_PASS, strlen(CANARY_PASS), salt,
				       (uint64_t)json_integer_value(json_object_get(kdf, "ops")),
				       (size_t)json_integer_value(json_object_get(kdf, "mem"))), CU_OK);
	CHECK(absent_in_clear(file, flen, root, CU_KEY_BYTES));
	CHECK(open_file_key(root, "kek/1",
			    json_string_value(json_object_get(json_array_get(keks, 0), "sealed")), key));
	CHECK(absent_in_clear(file, flen, key, CU_KEY_BYTES));
	CHECK(!all_zero(key, CU_KEY_BYTES));

	/* A DEK made now is wrapped by exactly that KEK, bound to its subject. */
	CHECK_EQ_INT(cu_keyring_open(path, &pass_src, &kr), CU_OK);
	if (kr) {
		char ad[] = "custos.dek/s_x";
		uint8_t out[CU_KEY_BYTES];
		CHECK_EQ_INT(cu_keyring_dek_new(kr, "s_x", wrapped, dek), CU_OK);
		CHECK_EQ_INT(cu_open(key, ad, strlen(ad), wrapped, sizeof(wrapped), out), CU_OK);
		CHECK(memcmp(out, dek, sizeof(out)) == 0);
		CHECK(!cu_t_contains(wrapped, sizeof(wrapped), dek, sizeof(dek)));
		CHECK(absent_in_clear(file, flen, dek, sizeof(dek)));
		cu_memzero(out, sizeof(out));
		cu_memzero(dek, sizeof(dek));
	}
	static const char *const names[] = { "index", "server", "audit" };
	for (size_t i = 0; i < CU_ARRAY_LEN(names); i++) {
		CHECK(open_file_key(root, names[i], json_string_value(json_object_get(keys, names[i])),
				    key));
		CHECK(absent_in_clear(file, flen, key, CU_KEY_BYTES));
		/* A key opened under another name's AD fails: names are bound. */
		CHECK(!open_file_key(root, names[(i + 1) % 3],
				     json_string_value(json_object_get(keys, names[i])), key));
	}
	/* The audit public key is derived, not a secret; the signing key is not
	 * in the file. */
	if (kr)
		CHECK(absent_in_clear(file, flen, cu_keyring_audit_pk(kr), CU_SIGN_PK_BYTES));
out:
	cu_keyring_free(kr);
	json_decref(doc);
	cu_secret_free(root);
	cu_secret_free(key);
	cu_free(file);
	cu_free(path);
}

CU_TEST(key_file)
{
	char *kpath = cu_t_path(dir, "kf.json"), *raw = cu_t_path(dir, "root.key");
	char *hexf = cu_t_path(dir, "root.hex"), *bad = cu_t_path(dir, "bad.key");
	char *missing = cu_t_path(dir, "missing.key");
	struct cu_key_source src = { NULL, 0, raw };
	struct cu_keyring *kr = NULL, *kr2 = NULL;
	uint8_t key[CU_KEY_BYTES], other[CU_KEY_BYTES], bi[CU_HASH_BYTES], bi2[CU_HASH_BYTES];
	char *hex;
	size_t flen;
	char *file;

	cu_random(key, sizeof(key));
	key[0] = 'k'; /* keep it from looking like a line ending */
	key[31] = 'q';
	CHECK(cu_t_write(raw, key, sizeof(key)));
	CHECK_EQ_INT(cu_keyring_create(kpath, &src, CU_KDF_INTERACTIVE, &kr), CU_OK);
	if (!kr)
		goto out;
	cu_keyring_blind_index(kr, "c", "f", "v", 1, bi);
	cu_keyring_free(kr);
	kr = NULL;
	file = cu_t_slurp(kpath, &flen);
	CHECK(absent_in_clear(file, flen, key, sizeof(key)));
	CHECK(cu_t_contains(file, flen, "keyfile", 7));
	cu_free(file);

	CHECK_EQ_INT(cu_keyring_open(kpath, &src, &kr), CU_OK);
	cu_keyring_free(kr);
	kr = NULL;

	/* The same key as 64 hex digits, lower or upper case, with a newline. */
	hex = cu_hex(key, sizeof(key));
	CHECK(cu_t_write(hexf, hex, 64));
	src.key_file = hexf;
	CHECK_EQ_INT(cu_keyring_open(kpath, &src, &kr), CU_OK);
	if (kr) {
		cu_keyring_blind_index(kr, "c", "f", "v", 1, bi2);
		CHECK(memcmp(bi, bi2, sizeof(bi)) == 0);
	}
	cu_keyring_free(kr);
	kr = NULL;
	for (size_t i = 0; i < 64; i++)
		if (hex[i] >= 'a' && hex[i] <= 'f')
			hex[i] = (char)(hex[i] - 'a' + 'A');
	{
		char line[66];
		memcpy(line, hex, 64);
		line[64] = '\n';
		CHECK(cu_t_write(hexf, line, 65));
	}
	CHECK_EQ_INT(cu_keyring_open(kpath, &src, &kr), CU_OK);
	cu_keyring_free(kr);
	kr = NULL;

	/* Wrong key, wrong sizes, bad hex, no file: refused, nothing returned. */
	memcpy(other, key, sizeof(other));
	other[5] ^= 1;
	src.key_file = bad;
	CHECK(cu_t_write(bad, other, sizeof(other)));
	CHECK_EQ_INT(cu_keyring_open(kpath, &src, &kr2), CU_ERR_BAD_KEY);
	CHECK(kr2 == NULL);
	CHECK(cu_t_write(bad, key, 31));
	CHECK_EQ_INT(cu_keyring_open(kpath, &src, &kr2), CU_ERR_BAD_KEY);
	CHECK(cu_t_write(bad, hex, 63));
	CHECK_EQ_INT(cu_keyring_open(kpath, &src, &kr2), CU_ERR_BAD_KEY);
	hex[10] = 'g';
	CHECK(cu_t_write(bad, hex, 64));
	CHECK_EQ_INT(cu_keyring_open(kpath, &src, &kr2), CU_ERR_BAD_KEY);
	CHECK(cu_t_write(bad, "", 0));
	CHECK_EQ_INT(cu_keyring_open(kpath, &src, &kr2), CU_ERR_BAD_KEY);
	src.key_file = missing;
	CHECK_EQ_INT(cu_keyring_open(kpath, &src, &kr2), CU_ERR_NOT_FOUND);
	CHECK(kr2 == NULL);
	/* A passphrase cannot open a key-file keyring. */
	CHECK_EQ_INT(cu_keyring_open(kpath, &pass_src, &kr2), CU_ERR_BAD_KEY);
	CHECK(kr2 == NULL);
	cu_free(hex);
out:
	cu_memzero(key, sizeof(key));
	cu_free(kpath);
	cu_free(raw);
	cu_free(hexf);
	cu_free(bad);
	cu_free(missing);
}

/*
 * A raw 32-byte key is random: its last bytes may well be 0x0a or 0x0d.
 * They are key material, not a line ending to strip.
 */
CU_TEST(key_file_raw_ending_in_newline)
{
	char *kpath = cu_t_path(dir, "nl.json"), *raw = cu_t_path(dir, "nl.key");
	struct cu_key_source src = { NULL, 0, raw };
	struct cu_keyring *kr = NULL;
	uint8_t key[CU_KEY_BYTES];

	cu_random(key, sizeof(key));
	key[30] = '\r';
	key[31] = '\n';
	CHECK(cu_t_write(raw, key, sizeof(key)));
	CHECK_EQ_INT(cu_keyring_create(kpath, &src, CU_KDF_INTERACTIVE, &kr), CU_OK);
	cu_keyring_free(kr);
	kr = NULL;
	CHECK_EQ_INT(cu_keyring_open(kpath, &src, &kr), CU_OK);
	cu_keyring_free(kr);
	kr = NULL;
	/* ...and a key differing only in those bytes is another key. */
	key[31] = 'x';
	CHECK(cu_t_write(raw, key, sizeof(key)));
	CHECK_EQ_INT(cu_keyring_open(kpath, &src, &kr), CU_ERR_BAD_KEY);
	cu_keyring_free(kr);
	cu_memzero(key, sizeof(key));
	cu_free(kpath);
	cu_free(raw);
}

/* Replace the first occurrence of from (in the key-file keyring's text) with to. */
static char *edited(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	struct cu_buf b;
	if (!p)
		return NULL;
	cu_buf_init(&b, 1 << 20);
	if (cu_buf_append(&b, text, (size_t)(p - text)) || cu_buf_puts(&b, to) ||
	    cu_buf_puts(&b, p + strlen(from)))
		abort();
	return cu_buf_detach(&b, NULL);
}

/* The sealed value of "name": "..." in the file (a copy, cu_free). */
static char *json_value(const char *text, const char *name)
{
	json_t *doc = NULL, *v;
	char *out = NULL;
	if (cu_json_parse(text, strlen(text), &doc, NULL, 0))
		return NULL;
	if (strcmp(name, "kek") == 0)
		v = json_object_get(json_array_get(json_object_get(doc, "keks"), 0), "sealed");
	else
		v = json_object_get(json_object_get(doc, "keys"), name);
	if (json_string_value(v))
		out = cu_strdup(json_string_value(v));
	json_decref(doc);
	return out;
}

static int open_text(const char *kpath, const char *text, size_t len,
		     const struct cu_key_source *src)
{
	struct cu_keyring *kr = (struct cu_keyring *)1;
	int r;
	if (!cu_t_write(kpath, text, len))
		return 99;
	r = cu_keyring_open(kpath, src, &kr);
	if (r == CU_OK)
		cu_keyring_free(kr);
	else if (kr != NULL)
		return 98; /* *out not cleared */
	return r;
}

CU_TEST(corrupted_file)
{
	char *kpath = cu_t_path(dir, "corrupt.json"), *raw = cu_t_path(dir, "corrupt.key");
	struct cu_key_source src = { NULL, 0, raw };
	struct cu_keyring *kr = NULL;
	uint8_t key[CU_KEY_BYTES];
	char *good = NULL, *t, *kek, *idx, *srv;
	size_t glen = 0;

	memset(key, 'K', sizeof(key));
	CHECK(cu_t_write(raw, key, sizeof(key)));
	CHECK_EQ_INT(cu_keyring_create(kpath, &src, CU_KDF_INTERACTIVE, &kr), CU_OK);
	cu_keyring_free(kr);
	good = cu_t_slurp(kpath, &glen);
	CHECK_EQ_INT(open_text(kpath, good, glen, &src), CU_OK);

	/* Truncated at every tenth byte, empty: an error, never a crash. */
	for (size_t n = 0; n < glen; n += 10) {
		int r = open_text(kpath, good, n, &src);
		if (r >= 0 || r == 98)
			fprintf(stderr, "truncated to %zu bytes: %d\n", n, r);
		CHECK(r < 0);
	}
	CHECK_EQ_INT(open_text(kpath, "{", 1, &src), CU_ERR_INVALID);
	CHECK_EQ_INT(open_text(kpath, "[]", 2, &src), CU_ERR_INVALID);
	CHECK_EQ_INT(open_text(kpath, "null", 4, &src), CU_ERR_INVALID);
	CHECK_EQ_INT(open_text(kpath, "\xff\xfe", 2, &src), CU_ERR_INVALID);
	CHECK_EQ_INT(open_text(kpath, "{\"format\":\"custos-keyring\"}", 27, &src), CU_ERR_INVALID);

	/* Structural edits of the text. */
	static const struct {
		const char *from, *to;
	} edits[] = {
		{ "\"custos-keyring\"", "\"other-format\"" },
		{ "\"keyfile\"", "\"rot13\"" },
		{ "\"keyfile\"", "42" },
		{ "\"keks\": [", "\"keks\": 1, \"x\": [" },
		{ "\"sealed\": \"", "\"sealed\": 7, \"y\": \"" },
		{ "\"index\": \"", "\"index\": null, \"z\": \"" },
		{ "\"keys\": {", "\"keys\": [], \"w\": {" },
	};
	for (size_t i = 0; i < CU_ARRAY_LEN(edits); i++) {
		t = edited(good, edits[i].from, edits[i].to);
		CHECK(t != NULL);
		if (!t)
			continue;
		int r = open_text(kpath, t, strlen(t), &src);
		if (r >= 0 || r == 98)
			fprintf(stderr, "edit %zu (%s) gave %d\n", i, edits[i].to, r);
		CHECK(r < 0);
		cu_free(t);
	}

	/* Edits of the KEK list. */
	for (int e = 0; e < 7; e++) {
		json_t *doc = NULL, *keks, *k0;
		CHECK_EQ_INT(cu_json_parse(good, glen, &doc, NULL, 0), CU_OK);
		if (!doc)
			break;
		keks = json_object_get(doc, "keks");
		k0 = json_array_get(keks, 0);
		switch (e) {
		case 0: json_object_set_new(k0, "version", json_integer(0)); break;
		case 1: json_object_set_new(k0, "version", json_string("1")); break;
		case 2: json_object_set_new(k0, "version", json_integer((json_int_t)1 << 32)); break;
		case 3: json_array_append(keks, k0); break; /* versions not increasing */
		case 4: json_array_clear(keks); break;
		case 5: /* more KEKs than CU_MAX_KEKS */
			for (int i = 0; i < CU_MAX_KEKS; i++)
				json_array_append(keks, k0);
			break;
		case 6: json_object_del(k0, "sealed"); break;
		}
		t = cu_json_dump(doc);
		int r = open_text(kpath, t, strlen(t), &src);
		if (r >= 0 || r == 98)
			fprintf(stderr, "KEK edit %d gave %d\n", e, r);
		CHECK(r < 0);
		cu_free(t);
		json_decref(doc);
	}

	/* Flip bits inside each sealed key (base64url stays base64url). */
	kek = json_value(good, "kek");
	idx = json_value(good, "index");
	srv = json_value(good, "server");
	CHECK(kek && idx && srv);
	const char *sealed[] = { kek, idx, srv };
	for (size_t k = 0; k < CU_ARRAY_LEN(sealed); k++) {
		if (!sealed[k])
			continue;
		size_t n = strlen(sealed[k]);
		for (size_t pos = 0; pos < n; pos += 7) {
			char *mod = cu_strdup(sealed[k]);
			mod[pos] = mod[pos] == 'A' ? 'B' : 'A';
			t = edited(good, sealed[k], mod);
			CHECK(t != NULL);
			if (t) {
				int r = open_text(kpath, t, strlen(t), &src);
				if (r >= 0 || r == 98)
					fprintf(stderr, "key %zu char %zu: %d\n", k, pos, r);
				CHECK(r < 0);
			}
			cu_free(t);
			cu_free(mod);
		}
	}
	/* Swapping two sealed keys fails: each is bound to its name. */
	if (idx && srv) {
		char *t1 = edited(good, idx, "@@IDX@@"), *t2 = t1 ? edited(t1, srv, idx) : NULL;
		char *t3 = t2 ? edited(t2, "@@IDX@@", srv) : NULL;
		CHECK(t3 != NULL);
		if (t3)
			CHECK(open_text(kpath, t3, strlen(t3), &src) < 0);
		cu_free(t1);
		cu_free(t2);
		cu_free(t3);
	}
	cu_free(kek);
	cu_free(idx);
	cu_free(srv);
	{
		struct cu_keyring *x = (struct cu_keyring *)1;
		char *nofile = cu_t_path(dir, "does-not-exist.json");
		CHECK_EQ_INT(cu_keyring_open(nofile, &src, &x), CU_ERR_NOT_FOUND);
		CHECK(x == NULL);
		cu_free(nofile);
	}
	cu_free(good);
	cu_free(kpath);
	cu_free(raw);
}

/* KDF parameters in the file are attacker-controlled input: absurd
 * values are refused before any key derivation is attempted. */
CU_TEST(corrupted_kdf_params)
{
	char *path = cu_t_path(dir, "keyring.json"), *kpath = cu_t_path(dir, "kdf.json");
	size_t glen = 0;
	char *good = cu_t_slurp(path, &glen), *t;
	json_t *doc = NULL;
	static const struct {
		const char *key;
		json_int_t ival;
		const char *sval;
	} cases[] = {
		{ "ops", 0, NULL },
		{ "ops", 1000000, NULL },
		{ "mem", 1, NULL },
		{ "mem", (json_int_t)1 << 40, NULL },
		{ "salt", 0, "00" },
		{ "salt", 0, "zz112233445566778899aabbccddeeff" },
		{ "alg", 0, "argon2i13" },
	};

	CHECK_EQ_INT(cu_json_parse(good, glen, &doc, NULL, 0), CU_OK);
	for (size_t i = 0; doc && i < CU_ARRAY_LEN(cases); i++) {
		json_t *copy = json_deep_copy(doc), *kdf = json_object_get(copy, "kdf");
		json_object_set_new(kdf, cases[i].key, cases[i].sval ? json_string(cases[i].sval)
								      : json_integer(cases[i].ival));
		t = cu_json_dump(copy);
		int64_t t0 = cu_time_mono_ms();
		int r = open_text(kpath, t, strlen(t), &pass_src);
		CHECK(r < 0 && r != 98);
		CHECK(r == CU_ERR_INVALID || r == CU_ERR_BAD_KEY);
		CHECK(cu_time_mono_ms() - t0 < 5000);
		cu_free(t);
		json_decref(copy);
	}
	json_decref(doc);
	cu_free(good);
	cu_free(path);
	cu_free(kpath);
}

CU_TEST(dek)
{
	char *kpath = cu_t_path(dir, "dek.json"), *raw = cu_t_path(dir, "dek.key");
	struct cu_key_source src = { NULL, 0, raw };
	struct cu_keyring *kr = NULL, *other = NULL;
	uint8_t w1[CU_WRAPPED_DEK_BYTES], w2[CU_WRAPPED_DEK_BYTES], w3[CU_WRAPPED_DEK_BYTES];
	uint8_t *d1 = cu_secret_alloc(CU_KEY_BYTES), *d2 = cu_secret_alloc(CU_KEY_BYTES);
	uint8_t *out = cu_secret_alloc(CU_KEY_BYTES);
	uint32_t kv;
	char longsub[130];

	CHECK(cu_t_write(raw, "0123456789abcdef0123456789ABCDEF", 32));
	CHECK_EQ_INT(cu_keyring_create(kpath, &src, CU_KDF_INTERACTIVE, &kr), CU_OK);
	if (!kr)
		goto out;
	CHECK_EQ_INT(cu_keyring_dek_new(kr, "s_alice", w1, d1), CU_OK);
	CHECK_EQ_INT(cu_keyring_dek_new(kr, "s_bob", w2, d2), CU_OK);
	CHECK(memcmp(d1, d2, CU_KEY_BYTES) != 0);
	CHECK(!all_zero(d1, CU_KEY_BYTES));
	CHECK_EQ_INT(cu_seal_keyver(w1, sizeof(w1), &kv), CU_OK);
	CHECK_EQ_INT(kv, 1);
	CHECK(!cu_t_contains(w1, sizeof(w1), d1, CU_KEY_BYTES));

	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "s_alice", w1, sizeof(w1), out), CU_OK);
	CHECK(memcmp(out, d1, CU_KEY_BYTES) == 0);
	/* Bound to the subject: Bob's id cannot unwrap Alice's DEK. */
	memset(out, 0xaa, CU_KEY_BYTES);
	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "s_bob", w1, sizeof(w1), out), CU_ERR_INTEGRITY);
	CHECK(all_zero(out, CU_KEY_BYTES));
	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "s_alic", w1, sizeof(w1), out), CU_ERR_INTEGRITY);
	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "", w1, sizeof(w1), out), CU_ERR_INTEGRITY);
	/* Wrong length, flipped bytes, unknown KEK version. */
	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "s_alice", w1, sizeof(w1) - 1, out), CU_ERR_INTEGRITY);
	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "s_alice", w1, 0, out), CU_ERR_INTEGRITY);
	for (size_t i = 0; i < sizeof(w1); i++) {
		memcpy(w3, w1, sizeof(w3));
		w3[i] ^= 0x10;
		if (cu_keyring_dek_unwrap(kr, "s_alice", w3, sizeof(w3), out) != CU_ERR_INTEGRITY)
			CHECK(!"a modified wrapped DEK unwrapped");
	}
	/* Over-long subject names. */
	memset(longsub, 's', sizeof(longsub) - 1);
	longsub[sizeof(longsub) - 1] = '\0';
	CHECK(cu_keyring_dek_new(kr, longsub, w3, out) != CU_OK);
	CHECK(cu_keyring_dek_unwrap(kr, longsub, w1, sizeof(w1), out) != CU_OK);

	/* Rewrap with the current KEK: same DEK, still bound to the subject. */
	CHECK_EQ_INT(cu_keyring_dek_rewrap(kr, "s_alice", w1, sizeof(w1), w3), CU_OK);
	CHECK(memcmp(w1, w3, sizeof(w1)) != 0);
	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "s_alice", w3, sizeof(w3), out), CU_OK);
	CHECK(memcmp(out, d1, CU_KEY_BYTES) == 0);
	CHECK_EQ_INT(cu_keyring_dek_rewrap(kr, "s_bob", w1, sizeof(w1), w3), CU_ERR_INTEGRITY);

	/* Another keyring (another root, other KEKs) cannot unwrap it. */
	{
		char *op = cu_t_path(dir, "other.json"), *ok = cu_t_path(dir, "other.key");
		struct cu_key_source osrc = { NULL, 0, ok };
		CHECK(cu_t_write(ok, "fedcba9876543210fedcba9876543210", 32));
		CHECK_EQ_INT(cu_keyring_create(op, &osrc, CU_KDF_INTERACTIVE, &other), CU_OK);
		if (other)
			CHECK_EQ_INT(cu_keyring_dek_unwrap(other, "s_alice", w1, sizeof(w1), out),
				     CU_ERR_INTEGRITY);
		cu_free(op);
		cu_free(ok);
	}
out:
	cu_keyring_free(kr);
	cu_keyring_free(other);
	cu_secret_free(d1);
	cu_secret_free(d2);
	cu_secret_free(out);
	cu_free(kpath);
	cu_free(raw);
}

CU_TEST(rotate)
{
	char *path = cu_t_path(dir, "keyring.json");
	struct cu_keyring *kr = NULL;
	uint8_t w1[CU_WRAPPED_DEK_BYTES], w2[CU_WRAPPED_DEK_BYTES], w3[CU_WRAPPED_DEK_BYTES];
	uint8_t *d1 = cu_secret_alloc(CU_KEY_BYTES), *d3 = cu_secret_alloc(CU_KEY_BYTES);
	uint8_t *out = cu_secret_alloc(CU_KEY_BYTES);
	uint8_t bi[CU_HASH_BYTES], bi2[CU_HASH_BYTES];
	uint32_t kv;
	struct stat st;
	size_t flen;
	char *file;

	CHECK_EQ_INT(cu_keyring_open(path, &pass_src, &kr), CU_OK);
	if (!kr)
		goto out;
	CHECK_EQ_INT(cu_keyring_current(kr), 1);
	CHECK_EQ_INT(cu_keyring_dek_new(kr, "s_carol", w1, d1), CU_OK);
	cu_keyring_blind_index(kr, "customers", "name", "张三", 6, bi);

	CHECK_EQ_INT(cu_keyring_rotate(kr, path), CU_OK);
	CHECK_EQ_INT(cu_keyring_current(kr), 2);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0600);
	/* Wrapped before the rotation: still unwraps. */
	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "s_carol", w1, sizeof(w1), out), CU_OK);
	CHECK(memcmp(out, d1, CU_KEY_BYTES) == 0);
	/* New DEKs use version 2; rewrap moves old ones to it. */
	CHECK_EQ_INT(cu_keyring_dek_new(kr, "s_dave", w3, d3), CU_OK);
	CHECK_EQ_INT(cu_seal_keyver(w3, sizeof(w3), &kv), CU_OK);
	CHECK_EQ_INT(kv, 2);
	CHECK_EQ_INT(cu_keyring_dek_rewrap(kr, "s_carol", w1, sizeof(w1), w2), CU_OK);
	CHECK_EQ_INT(cu_seal_keyver(w2, sizeof(w2), &kv), CU_OK);
	CHECK_EQ_INT(kv, 2);
	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "s_carol", w2, sizeof(w2), out), CU_OK);
	CHECK(memcmp(out, d1, CU_KEY_BYTES) == 0);
	/* Rotation does not touch the index key: lookups keep working. */
	cu_keyring_blind_index(kr, "customers", "name", "张三", 6, bi2);
	CHECK(memcmp(bi, bi2, sizeof(bi)) == 0);
	/* A version-2 wrapping relabelled as version 1 fails. */
	memcpy(w3, w2, sizeof(w3));
	w3[4] = 1;
	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "s_carol", w3, sizeof(w3), out), CU_ERR_INTEGRITY);
	w3[4] = 9; /* no such KEK */
	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "s_carol", w3, sizeof(w3), out), CU_ERR_INTEGRITY);
	cu_keyring_free(kr);
	kr = NULL;

	/* Persisted: after reopening both versions are there. */
	file = cu_t_slurp(path, &flen);
	CHECK(!cu_t_contains(file, flen, CANARY_PASS, strlen(CANARY_PASS)));
	cu_free(file);
	CHECK_EQ_INT(cu_keyring_open(path, &pass_src, &kr), CU_OK);
	if (!kr)
		goto out;
	CHECK_EQ_INT(cu_keyring_current(kr), 2);
	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "s_carol", w1, sizeof(w1), out), CU_OK);
	CHECK(memcmp(out, d1, CU_KEY_BYTES) == 0);
	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "s_carol", w2, sizeof(w2), out), CU_OK);
	CHECK(memcmp(out, d1, CU_KEY_BYTES) == 0);
	CHECK_EQ_INT(cu_keyring_rotate(kr, path), CU_OK);
	CHECK_EQ_INT(cu_keyring_current(kr), 3);
	CHECK_EQ_INT(cu_keyring_dek_unwrap(kr, "s_dave", w3, sizeof(w3), out), CU_ERR_INTEGRITY);
	/* A rotation that cannot be saved leaves the keyring as it was. */
	{
		char *nodir = cu_t_path(dir, "no/such/dir/keyring.json");
		CHECK(cu_keyring_rotate(kr, nodir) != CU_OK);
		CHECK_EQ_INT(cu_keyring_current(kr), 3);
		cu_free(nodir);
	}
out:
	cu_keyring_free(kr);
	cu_secret_free(d1);
	cu_secret_free(d3);
	cu_secret_free(out);
	cu_free(path);
}

CU_TEST(blind_index_and_secrets)
{
	char *kpath = cu_t_path(dir, "bi.json"), *raw = cu_t_path(dir, "bi.key");
	char *kpath2 = cu_t_path(dir, "bi2.json"), *raw2 = cu_t_path(dir, "bi2.key");
	struct cu_key_source src = { NULL, 0, raw }, src2 = { NULL, 0, raw2 };
	struct cu_keyring *kr = NULL, *kr2 = NULL;
	uint8_t a[CU_HASH_BYTES], b[CU_HASH_BYTES];
	uint8_t ct[11 + CU_SEAL_OVERHEAD], pt[11];

	CHECK(cu_t_write(raw, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 32));
	CHECK(cu_t_write(raw2, "cccccccccccccccccccccccccccccccc", 32));
	CHECK_EQ_INT(cu_keyring_create(kpath, &src, CU_KDF_INTERACTIVE, &kr), CU_OK);
	CHECK_EQ_INT(cu_keyring_create(kpath2, &src2, CU_KDF_INTERACTIVE, &kr2), CU_OK);
	if (!kr || !kr2)
		goto out;

	cu_keyring_blind_index(kr, "customers", "phone", "13812345678", 11, a);
	cu_keyring_blind_index(kr, "customers", "phone", "13812345678", 11, b);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	cu_keyring_blind_index(kr, "customers", "phone", "13812345679", 11, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	cu_keyring_blind_index(kr, "customers", "mobile", "13812345678", 11, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	cu_keyring_blind_index(kr, "members", "phone", "13812345678", 11, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	cu_keyring_blind_index(kr2, "customers", "phone", "13812345678", 11, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	/* Not a plain (or plain keyed) hash of the value. */
	cu_hash(b, "custos.bidx", "13812345678", 11);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	/* (collection, field) is framed: ("ab","c") != ("a","bc"). */
	cu_keyring_blind_index(kr, "ab", "c", "v", 1, a);
	cu_keyring_blind_index(kr, "a", "bc", "v", 1, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	cu_keyring_blind_index(kr, "c", "f", "", 0, a);
	cu_keyring_blind_index(kr, "c", "f", "\0", 1, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);

	/* MAC: keyed, deterministic, domain-separated. */
	cu_keyring_mac(kr, "custos.session", "abc", 3, a);
	cu_keyring_mac(kr, "custos.session", "abc", 3, b);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	cu_keyring_mac(kr, "custos.token", "abc", 3, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	cu_keyring_mac(kr2, "custos.session", "abc", 3, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	/* The index key and the server key are different keys. */
	cu_keyring_mac(kr, "custos.bidx", "v", 1, b);
	cu_keyring_blind_index(kr, "c", "f", "v", 1, a);
	CHECK(memcmp(a, b, sizeof(a)) != 0);

	/* Server-held secrets. */
	cu_keyring_seal_secret(kr, "custos.totp/u_1", "JBSWY3DPEHP", 11, ct);
	CHECK(!cu_t_contains(ct, sizeof(ct), "JBSWY3DPEHP", 11));
	CHECK_EQ_INT(cu_keyring_open_secret(kr, "custos.totp/u_1", ct, sizeof(ct), pt), CU_OK);
	CHECK(memcmp(pt, "JBSWY3DPEHP", 11) == 0);
	memset(pt, 0xaa, sizeof(pt));
	CHECK_EQ_INT(cu_keyring_open_secret(kr, "custos.totp/u_2", ct, sizeof(ct), pt),
		     CU_ERR_INTEGRITY);
	CHECK(all_zero(pt, sizeof(pt)));
	CHECK_EQ_INT(cu_keyring_open_secret(kr, "", ct, sizeof(ct), pt), CU_ERR_INTEGRITY);
	CHECK_EQ_INT(cu_keyring_open_secret(kr2, "custos.totp/u_1", ct, sizeof(ct), pt),
		     CU_ERR_INTEGRITY);
	ct[sizeof(ct) - 3] ^= 4;
	CHECK_EQ_INT(cu_keyring_open_secret(kr, "custos.totp/u_1", ct, sizeof(ct), pt),
		     CU_ERR_INTEGRITY);
out:
	cu_keyring_free(kr);
	cu_keyring_free(kr2);
	cu_free(kpath);
	cu_free(raw);
	cu_free(kpath2);
	cu_free(raw2);
}

int main(void)
{
	cu_json_init();
	if (cu_crypto_init() != CU_OK)
		return 1;
	dir = cu_t_tmpdir();
	RUN(passphrase_create_reopen);
	RUN(file_holds_no_secrets);
	RUN(key_file);
	RUN(key_file_raw_ending_in_newline);
	RUN(corrupted_file);
	RUN(corrupted_kdf_params);
	RUN(dek);
	RUN(rotate);
	RUN(blind_index_and_secrets);
	cu_t_rmtree(dir);
	return cu_test_done();
}
