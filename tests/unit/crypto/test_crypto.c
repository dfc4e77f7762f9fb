/*
 * test_crypto.c - the primitives of crypto/crypto.h: AEAD sealing and its
 * tamper resistance, associated-data framing, domain-separated hashing,
 * password hashing, constant-time comparison, encodings, signatures.
 * Known answers come from tests/vectors/crypto/ (see its README).
 */
#include "test.h"
#include "crypto/tutil.h"

#define VEC_DIR CU_SOURCE_DIR "/tests/vectors/crypto/"

static const uint8_t key_a[CU_KEY_BYTES] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* Split a vector line into at most max space-separated fields. */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *t = strtok_r(line, " \t\r\n", &save); t && n < max;
	     t = strtok_r(NULL, " \t\r\n", &save))
		f[n++] = t;
	return n;
}

/* Call fn for each data line of a vector file; returns the line count. */
static int each_vector(const char *file, size_t nfields, void (*fn)(char **f))
{
	size_t len;
	char *text = cu_t_slurp(file, &len), *save = NULL;
	int count = 0;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[8];
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (split(line, f, CU_ARRAY_LEN(f)) != nfields) {
			CHECK(!"vector line with the wrong number of fields");
			continue;
		}
		fn(f);
		count++;
	}
	cu_free(text);
	return count;
}

CU_TEST(seal_round_trip)
{
	static const size_t lens[] = { 0, 1, 15, 16, 17, 63, 64, 65, 1000, 70000 };
	const char ad[] = "custos.test/ad";

	for (size_t k = 0; k < CU_ARRAY_LEN(lens); k++) {
		size_t n = lens[k];
		uint8_t *pt = cu_malloc(n + 1), *ct = cu_malloc(n + CU_SEAL_OVERHEAD);
		uint8_t *back = cu_malloc(n + 1);
		uint32_t kv = 0;
		cu_random(pt, n);
		cu_seal(key_a, 0x01020304u, ad, strlen(ad), pt, n, ct);
		CHECK_EQ_INT(ct[0], CU_SEAL_VERSION);
		CHECK_EQ_INT(cu_seal_keyver(ct, n + CU_SEAL_OVERHEAD, &kv), CU_OK);
		CHECK_EQ_INT(kv, 0x01020304u);
		CHECK_EQ_INT(cu_open(key_a, ad, strlen(ad), ct, n + CU_SEAL_OVERHEAD, back), CU_OK);
		CHECK(n == 0 || memcmp(pt, back, n) == 0);
		/* The plaintext does not appear in the sealed value. */
		CHECK(n < 16 || !cu_t_contains(ct, n + CU_SEAL_OVERHEAD, pt, 16));
		cu_free(pt);
		cu_free(ct);
		cu_free(back);
	}
}

CU_TEST(seal_nonce_fresh)
{
	uint8_t a[5 + CU_SEAL_OVERHEAD], b[5 + CU_SEAL_OVERHEAD];
	cu_seal(key_a, 1, "x", 1, "hello", 5, a);
	cu_seal(key_a, 1, "x", 1, "hello", 5, b);
	/* Same key, ad and plaintext: a different nonce, hence ciphertext. */
	CHECK(memcmp(a + 5, b + 5, 24) != 0);
	CHECK(memcmp(a + 29, b + 29, 5 + 16) != 0);
}

CU_TEST(open_wrong_key)
{
	uint8_t other[CU_KEY_BYTES], ct[32 + CU_SEAL_OVERHEAD], pt[32];
	memcpy(other, key_a, sizeof(other));
	other[31] ^= 1;
	cu_seal(key_a, 1, "ad", 2, "0123456789abcdef0123456789abcdef", 32, ct);
	memset(pt, 0xaa, sizeof(pt));
	CHECK_EQ_INT(cu_open(other, "ad", 2, ct, sizeof(ct), pt), CU_ERR_INTEGRITY);
	CHECK(all_zero(pt, sizeof(pt)));
}

CU_TEST(open_every_byte_flip)
{
	static const uint8_t flips[] = { 0x01, 0x80, 0xff };
	const char msg[] = "13812345678 / 110101199003071234";
	uint8_t ct[sizeof(msg) - 1 + CU_SEAL_OVERHEAD], bad[sizeof(ct)], pt[sizeof(msg)];
	size_t n = sizeof(ct);
	int failures = 0, zeroed = 0, tries = 0;

	cu_seal(key_a, 7, "field-ad", 8, msg, sizeof(msg) - 1, ct);
	CHECK_EQ_INT(cu_open(key_a, "field-ad", 8, ct, n, pt), CU_OK);
	/* header (0..4), nonce (5..28), ciphertext, tag (last 16) */
	for (size_t i = 0; i < n; i++)
		for (size_t f = 0; f < CU_ARRAY_LEN(flips); f++) {
			memcpy(bad, ct, n);
			bad[i] ^= flips[f];
			memset(pt, 0xaa, sizeof(pt));
			tries++;
			if (cu_open(key_a, "field-ad", 8, bad, n, pt) == CU_ERR_INTEGRITY)
				failures++;
			else
				fprintf(stderr, "byte %zu ^ 0x%02x was accepted\n", i, flips[f]);
			if (all_zero(pt, sizeof(msg) - 1))
				zeroed++;
			else
				fprintf(stderr, "byte %zu ^ 0x%02x: output buffer not wiped\n", i, flips[f]);
		}
	CHECK_EQ_INT(failures, tries);
	CHECK_EQ_INT(zeroed, tries);
	/* Truncated or extended values fail too. */
	memset(pt, 0xaa, sizeof(pt));
	CHECK_EQ_INT(cu_open(key_a, "field-ad", 8, ct, n - 1, pt), CU_ERR_INTEGRITY);
	CHECK(all_zero(pt, n - 1 - CU_SEAL_OVERHEAD));
	CHECK_EQ_INT(cu_open(key_a, "field-ad", 8, ct, CU_SEAL_OVERHEAD - 1, pt), CU_ERR_INTEGRITY);
	CHECK_EQ_INT(cu_open(key_a, "field-ad", 8, ct, 0, pt), CU_ERR_INTEGRITY);
	{
		uint8_t longer[sizeof(ct) + 1], out[sizeof(msg) + 1];
		memcpy(longer, ct, n);
		longer[n] = 0;
		CHECK_EQ_INT(cu_open(key_a, "field-ad", 8, longer, n + 1, out), CU_ERR_INTEGRITY);
	}
	/* A header naming another key version is authenticated, not trusted. */
	{
		uint32_t kv;
		memcpy(bad, ct, n);
		bad[4] = 8;
		CHECK_EQ_INT(cu_seal_keyver(bad, n, &kv), CU_OK);
		CHECK_EQ_INT(kv, 8);
		CHECK_EQ_INT(cu_open(key_a, "field-ad", 8, bad, n, pt), CU_ERR_INTEGRITY);
		bad[0] = 2;
		CHECK_EQ_INT(cu_seal_keyver(bad, n, &kv), CU_ERR_INTEGRITY);
		CHECK_EQ_INT(kv, 0);
		CHECK_EQ_INT(cu_seal_keyver(ct, CU_SEAL_OVERHEAD - 1, &kv), CU_ERR_INTEGRITY);
	}
}

CU_TEST(open_wrong_ad)
{
	struct cu_buf ad1, ad2;
	uint8_t ct[5 + CU_SEAL_OVERHEAD], pt[5];

	/* Associated data as the vault builds it: collection, record, field. */
	cu_buf_init(&ad1, 1024);
	cu_buf_init(&ad2, 1024);
	CHECK_EQ_INT(cu_ad_put(&ad1, "customers", 9), CU_OK);
	CHECK_EQ_INT(cu_ad_put(&ad1, "r_1", 3), CU_OK);
	CHECK_EQ_INT(cu_ad_put(&ad1, "phone", 5), CU_OK);
	cu_seal(key_a, 1, ad1.data, ad1.len, "hello", 5, ct);
	CHECK_EQ_INT(cu_open(key_a, ad1.data, ad1.len, ct, sizeof(ct), pt), CU_OK);
	CHECK(memcmp(pt, "hello", 5) == 0);

	/* Parts swapped. */
	CHECK_EQ_INT(cu_ad_put(&ad2, "customers", 9), CU_OK);
	CHECK_EQ_INT(cu_ad_put(&ad2, "phone", 5), CU_OK);
	CHECK_EQ_INT(cu_ad_put(&ad2, "r_1", 3), CU_OK);
	memset(pt, 0xaa, sizeof(pt));
	CHECK_EQ_INT(cu_open(key_a, ad2.data, ad2.len, ct, sizeof(ct), pt), CU_ERR_INTEGRITY);
	CHECK(all_zero(pt, sizeof(pt)));

	/* Another record, another field, a missing part, no ad at all. */
	cu_buf_reset(&ad2);
	CHECK_EQ_INT(cu_ad_put(&ad2, "customers", 9), CU_OK);
	CHECK_EQ_INT(cu_ad_put(&ad2, "r_2", 3), CU_OK);
	CHECK_EQ_INT(cu_ad_put(&ad2, "phone", 5), CU_OK);
	CHECK_EQ_INT(cu_open(key_a, ad2.data, ad2.len, ct, sizeof(ct), pt), CU_ERR_INTEGRITY);
	cu_buf_reset(&ad2);
	CHECK_EQ_INT(cu_ad_put(&ad2, "customers", 9), CU_OK);
	CHECK_EQ_INT(cu_ad_put(&ad2, "r_1", 3), CU_OK);
	CHECK_EQ_INT(cu_ad_put(&ad2, "email", 5), CU_OK);
	CHECK_EQ_INT(cu_open(key_a, ad2.data, ad2.len, ct, sizeof(ct), pt), CU_ERR_INTEGRITY);
	CHECK_EQ_INT(cu_open(key_a, ad1.data, ad1.len - 5, ct, sizeof(ct), pt), CU_ERR_INTEGRITY);
	CHECK_EQ_INT(cu_open(key_a, NULL, 0, ct, sizeof(ct), pt), CU_ERR_INTEGRITY);
	/* One bit of the ad. */
	ad1.data[ad1.len - 1] ^= 0x20;
	CHECK_EQ_INT(cu_open(key_a, ad1.data, ad1.len, ct, sizeof(ct), pt), CU_ERR_INTEGRITY);
	cu_buf_release(&ad1);
	cu_buf_release(&ad2);

	/* Sealed with empty ad: any ad fails. */
	cu_seal(key_a, 1, NULL, 0, "hello", 5, ct);
	CHECK_EQ_INT(cu_open(key_a, NULL, 0, ct, sizeof(ct), pt), CU_OK);
	CHECK_EQ_INT(cu_open(key_a, "", 1, ct, sizeof(ct), pt), CU_ERR_INTEGRITY);
}

CU_TEST(ad_framing)
{
	struct cu_buf a, b;
	cu_buf_init(&a, 1024);
	cu_buf_init(&b, 1024);
	CHECK_EQ_INT(cu_ad_put(&a, "ab", 2), CU_OK);
	CHECK_EQ_INT(cu_ad_put(&a, "c", 1), CU_OK);
	CHECK_EQ_INT(cu_ad_put(&b, "a", 1), CU_OK);
	CHECK_EQ_INT(cu_ad_put(&b, "bc", 2), CU_OK);
	CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) != 0);
	/* Layout: 4-byte big-endian length, then the bytes. */
	CHECK_EQ_INT(a.len, 4 + 2 + 4 + 1);
	CHECK(memcmp(a.data, "\0\0\0\2ab\0\0\0\1c", 11) == 0);
	/* An empty part still counts: ("", "x") != ("x"). */
	cu_buf_reset(&a);
	cu_buf_reset(&b);
	CHECK_EQ_INT(cu_ad_put(&a, "", 0), CU_OK);
	CHECK_EQ_INT(cu_ad_put(&a, "x", 1), CU_OK);
	CHECK_EQ_INT(cu_ad_put(&b, "x", 1), CU_OK);
	CHECK(a.len != b.len);
	cu_buf_release(&a);
	cu_buf_release(&b);
	/* Capped buffers refuse instead of truncating. */
	cu_buf_init(&a, 8);
	CHECK_EQ_INT(cu_ad_put(&a, "abcd", 4), CU_OK);
	CHECK_EQ_INT(cu_ad_put(&a, "e", 1), CU_ERR_TOO_LARGE);
	cu_buf_release(&a);
}

static void hash_vector(char **f)
{
	size_t dl, n, kl, el;
	uint8_t *dom = cu_t_unhex(f[0], &dl), *data = cu_t_unhex(f[1], &n);
	uint8_t *key = cu_t_unhex(f[2], &kl), *exp = cu_t_unhex(f[3], &el);
	uint8_t got[CU_HASH_BYTES];
	char domain[256];

	CHECK(dom && data && key && exp && dl < sizeof(domain) && el == CU_HASH_BYTES &&
	      (kl == 0 || kl == CU_KEY_BYTES));
	if (dom && data && key && exp && dl < sizeof(domain) && el == CU_HASH_BYTES) {
		memcpy(domain, dom, dl);
		domain[dl] = '\0';
		if (kl)
			cu_hash_keyed(got, key, domain, data, n);
		else
			cu_hash(got, domain, data, n);
		if (memcmp(got, exp, CU_HASH_BYTES) != 0) {
			char *hex = cu_hex(got, sizeof(got));
			fprintf(stderr, "hash vector %s %s: got %s\n", f[0], f[1], hex);
			cu_free(hex);
		}
		CHECK(memcmp(got, exp, CU_HASH_BYTES) == 0);
	}
	cu_free(dom);
	cu_free(data);
	cu_free(key);
	cu_free(exp);
}

CU_TEST(hash_known_answers)
{
	CHECK(each_vector(VEC_DIR "hash.txt", 4, hash_vector) >= 10);
}

CU_TEST(hash_domain_separation)
{
	uint8_t a[CU_HASH_BYTES], b[CU_HASH_BYTES], k2[CU_KEY_BYTES];

	cu_hash(a, "custos.a", "data", 4);
	cu_hash(b, "custos.a", "data", 4);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	cu_hash(b, "custos.b", "data", 4);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	/* The domain's length is framed: ("ab","c") != ("a","bc"). */
	cu_hash(a, "ab", "c", 1);
	cu_hash(b, "a", "bc", 2);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	/* Keyed differs from unkeyed, and from another key. */
	cu_hash(a, "custos.a", "data", 4);
	cu_hash_keyed(b, key_a, "custos.a", "data", 4);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	memcpy(k2, key_a, sizeof(k2));
	k2[0] ^= 0x80;
	cu_hash_keyed(a, k2, "custos.a", "data", 4);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	cu_hash_keyed(a, key_a, "custos.b", "data", 4);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	cu_hash_keyed(a, key_a, "custos.a", "data", 4);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
}

CU_TEST(password)
{
	char h1[CU_PWHASH_STR_BYTES], h2[CU_PWHASH_STR_BYTES];
	char *longpw = cu_malloc(CU_MAX_PASSWORD_BYTES + 2);
	const char pw[] = "correct horse battery staple";

	memset(longpw, 'p', CU_MAX_PASSWORD_BYTES + 1);
	longpw[CU_MAX_PASSWORD_BYTES + 1] = '\0';
	CHECK_EQ_INT(cu_password_hash(pw, strlen(pw), h1), CU_OK);
	CHECK(strncmp(h1, "$argon2id$", 10) == 0);
	CHECK(!strstr(h1, pw));
	CHECK_EQ_INT(cu_password_verify(h1, pw, strlen(pw)), CU_OK);
	CHECK_EQ_INT(cu_password_verify(h1, "correct horse battery stapl", strlen(pw) - 1),
		     CU_ERR_AUTH);
	CHECK_EQ_INT(cu_password_verify(h1, "Correct horse battery staple", strlen(pw)), CU_ERR_AUTH);
	CHECK_EQ_INT(cu_password_verify(h1, "", 0), CU_ERR_AUTH);
	CHECK_EQ_INT(cu_password_verify("not a hash", pw, strlen(pw)), CU_ERR_AUTH);
	CHECK_EQ_INT(cu_password_verify("", pw, strlen(pw)), CU_ERR_AUTH);
	/* Salted: the same password hashes differently each time. */
	CHECK_EQ_INT(cu_password_hash(pw, strlen(pw), h2), CU_OK);
	CHECK(strcmp(h1, h2) != 0);
	/* Too long: refused to hash (and the output is cleared), never verifies. */
	memset(h2, 'x', sizeof(h2));
	CHECK_EQ_INT(cu_password_hash(longpw, CU_MAX_PASSWORD_BYTES + 1, h2), CU_ERR_TOO_LARGE);
	CHECK(all_zero((const uint8_t *)h2, sizeof(h2)));
	CHECK_EQ_INT(cu_password_verify(h1, longpw, CU_MAX_PASSWORD_BYTES + 1), CU_ERR_AUTH);
	/* The longest allowed password works, with embedded length honoured. */
	CHECK_EQ_INT(cu_password_hash(longpw, CU_MAX_PASSWORD_BYTES, h2), CU_OK);
	CHECK_EQ_INT(cu_password_verify(h2, longpw, CU_MAX_PASSWORD_BYTES), CU_OK);
	CHECK_EQ_INT(cu_password_verify(h2, longpw, CU_MAX_PASSWORD_BYTES - 1), CU_ERR_AUTH);
	cu_free(longpw);
}

CU_TEST(kdf)
{
	uint8_t salt[16] = { 1 }, k1[CU_KEY_BYTES], k2[CU_KEY_BYTES];
	CHECK_EQ_INT(cu_kdf_passphrase(k1, "pass", 4, salt, 1, 8192), CU_OK);
	CHECK_EQ_INT(cu_kdf_passphrase(k2, "pass", 4, salt, 1, 8192), CU_OK);
	CHECK(memcmp(k1, k2, sizeof(k1)) == 0);
	salt[15] = 1;
	CHECK_EQ_INT(cu_kdf_passphrase(k2, "pass", 4, salt, 1, 8192), CU_OK);
	CHECK(memcmp(k1, k2, sizeof(k1)) != 0);
	CHECK_EQ_INT(cu_kdf_passphrase(k2, "pasS", 4, salt, 1, 8192), CU_OK);
	CHECK(memcmp(k1, k2, sizeof(k1)) != 0);
	/* Parameters below Argon2id's minimum fail and leave no key. */
	memset(k2, 0xaa, sizeof(k2));
	CHECK_EQ_INT(cu_kdf_passphrase(k2, "pass", 4, salt, 0, 8192), CU_ERR_CRYPTO);
	CHECK(all_zero(k2, sizeof(k2)));
}

CU_TEST(constant_time_compare)
{
	CHECK(cu_memeq("abcdef", "abcdef", 6));
	CHECK(!cu_memeq("abcdef", "abcdeF", 6));
	CHECK(!cu_memeq("xbcdef", "abcdef", 6));
	CHECK(cu_memeq("abc", "abd", 2));
	CHECK(cu_memeq("", "", 0));
	CHECK(cu_streq_ct("secret-token", "secret-token"));
	CHECK(!cu_streq_ct("secret-token", "secret-tokem"));
	CHECK(!cu_streq_ct("secret-token", "secret-token2"));
	CHECK(!cu_streq_ct("secret-token2", "secret-token"));
	CHECK(!cu_streq_ct("secret", ""));
	CHECK(!cu_streq_ct("", "secret"));
	CHECK(cu_streq_ct("", ""));
	CHECK(cu_streq_ct("张三", "张三"));
	CHECK(!cu_streq_ct("张三", "张四"));
}

CU_TEST(hex)
{
	uint8_t in[256], out[256];
	char *h;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)i;
	h = cu_hex(in, sizeof(in));
	CHECK_EQ_INT(strlen(h), 512);
	CHECK(strncmp(h, "000102", 6) == 0);
	CHECK(strcmp(h + 506, "fdfeff") == 0);
	CHECK_EQ_INT(cu_unhex(h, out, sizeof(out)), CU_OK);
	CHECK(memcmp(in, out, sizeof(in)) == 0);
	cu_free(h);
	h = cu_hex(in, 0);
	CHECK_STR(h, "");
	cu_free(h);

	CHECK_EQ_INT(cu_unhex("DEADbeef", out, 4), CU_OK);
	CHECK(memcmp(out, "\xde\xad\xbe\xef", 4) == 0);
	/* Wrong length, odd length, bad digits, separators: rejected, out wiped. */
	static const char *const bad[] = { "deadbe", "deadbeef00", "deadbee", "deadbeeg",
					   "de:ad:be", "dead bee", " deadbeef", "0xdeadbe", "" };
	for (size_t i = 0; i < CU_ARRAY_LEN(bad); i++) {
		memset(out, 0xaa, 4);
		CHECK_EQ_INT(cu_unhex(bad[i], out, 4), CU_ERR_INVALID);
		CHECK(all_zero(out, 4));
	}
}

CU_TEST(base64)
{
	uint8_t in[70], *out;
	size_t n;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 37 + 250);
	for (size_t len = 0; len <= sizeof(in); len++) {
		char *s = cu_b64(in, len);
		CHECK_EQ_INT(strlen(s), (len * 4 + 2) / 3);
		CHECK(!strpbrk(s, "+/="));
		CHECK_EQ_INT(cu_unb64(s, &out, &n), CU_OK);
		CHECK_EQ_INT(n, len);
		CHECK(out && (len == 0 || memcmp(out, in, len) == 0));
		cu_free(out);
		cu_free(s);
	}
	/* URL-safe alphabet, no padding. */
	char *s = cu_b64("\xfb\xff", 2);
	CHECK_STR(s, "-_8");
	cu_free(s);
	CHECK_EQ_INT(cu_unb64("-_8", &out, &n), CU_OK);
	CHECK(n == 2 && memcmp(out, "\xfb\xff", 2) == 0);
	cu_free(out);
	/* Standard alphabet, padding, junk, impossible lengths, non-canonical
	 * trailing bits: rejected with nothing allocated. */
	static const char *const bad[] = { "+_8", "-/8", "-_8=", "AA==", "AAA!", "A", "AAAAA",
					   "AB", "AAB", "YW Jj", "YWJj\n", "\xc3\xa9" };
	for (size_t i = 0; i < CU_ARRAY_LEN(bad); i++) {
		out = (uint8_t *)"sentinel";
		n = 99;
		CHECK_EQ_INT(cu_unb64(bad[i], &out, &n), CU_ERR_INVALID);
		CHECK(out == NULL && n == 0);
	}
}

CU_TEST(random)
{
	char *a = cu_random_id(16), *b = cu_random_id(16);
	CHECK_EQ_INT(strlen(a), 22);
	CHECK(strcmp(a, b) != 0);
	CHECK_EQ_INT(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
		     22);
	cu_free(a);
	cu_free(b);
	for (int i = 0; i < 1000; i++)
		if (cu_random_uniform(10) >= 10)
			CHECK(!"cu_random_uniform out of range");
	uint8_t *p = cu_secret_alloc(64);
	CHECK(all_zero(p, 64));
	cu_secret_free(p);
	cu_secret_free(NULL);
}

static void seal_vector(char **f)
{
	size_t kl, al, pl, sl;
	uint8_t *key = cu_t_unhex(f[0], &kl), *ad = cu_t_unhex(f[2], &al);
	uint8_t *pt = cu_t_unhex(f[3], &pl), *sealed = cu_t_unhex(f[4], &sl);
	int64_t kv = -1;

	CHECK(key && ad && pt && sealed && kl == CU_KEY_BYTES && sl == pl + CU_SEAL_OVERHEAD);
	CHECK_EQ_INT(cu_parse_int64(f[1], 0, UINT32_MAX, &kv), CU_OK);
	if (key && ad && pt && sealed && kl == CU_KEY_BYTES && sl == pl + CU_SEAL_OVERHEAD) {
		uint8_t *got = cu_malloc(pl + 1);
		uint32_t v = 0;
		CHECK_EQ_INT(cu_seal_keyver(sealed, sl, &v), CU_OK);
		CHECK_EQ_INT(v, kv);
		CHECK_EQ_INT(cu_open(key, ad, al, sealed, sl, got), CU_OK);
		CHECK(pl == 0 || memcmp(got, pt, pl) == 0);
		/* And the last byte of the tag matters. */
		sealed[sl - 1] ^= 1;
		CHECK_EQ_INT(cu_open(key, ad, al, sealed, sl, got), CU_ERR_INTEGRITY);
		cu_free(got);
	}
	cu_free(key);
	cu_free(ad);
	cu_free(pt);
	cu_free(sealed);
}

CU_TEST(seal_known_answers)
{
	CHECK(each_vector(VEC_DIR "seal.txt", 5, seal_vector) >= 5);
}

static void sign_vector(char **f)
{
	size_t sl, pl, ml, gl;
	uint8_t *seed = cu_t_unhex(f[0], &sl), *pk = cu_t_unhex(f[1], &pl);
	uint8_t *msg = cu_t_unhex(f[2], &ml), *sig = cu_t_unhex(f[3], &gl);
	uint8_t gpk[CU_SIGN_PK_BYTES], gsk[CU_SIGN_SK_BYTES], gsig[CU_SIG_BYTES];

	CHECK(seed && pk && msg && sig && sl == 32 && pl == 32 && gl == 64);
	if (seed && pk && msg && sig && sl == 32 && pl == 32 && gl == 64) {
		cu_sign_keypair_from_seed(gpk, gsk, seed);
		CHECK(memcmp(gpk, pk, 32) == 0);
		cu_sign(gsig, msg, ml, gsk);
		CHECK(memcmp(gsig, sig, 64) == 0);
		CHECK_EQ_INT(cu_sign_verify(sig, msg, ml, pk), CU_OK);
		/* Any flipped bit of the signature or message, another key: no. */
		for (size_t i = 0; i < 64; i++) {
			sig[i] ^= 0x01;
			if (cu_sign_verify(sig, msg, ml, pk) != CU_ERR_INTEGRITY)
				CHECK(!"a modified signature verified");
			sig[i] ^= 0x01;
		}
		if (ml) {
			msg[0] ^= 0x80;
			CHECK_EQ_INT(cu_sign_verify(sig, msg, ml, pk), CU_ERR_INTEGRITY);
			msg[0] ^= 0x80;
		}
		CHECK_EQ_INT(cu_sign_verify(sig, "x", 1, pk), CU_ERR_INTEGRITY);
		pk[0] ^= 0x02;
		CHECK_EQ_INT(cu_sign_verify(sig, msg, ml, pk), CU_ERR_INTEGRITY);
	}
	cu_memzero(gsk, sizeof(gsk));
	cu_free(seed);
	cu_free(pk);
	cu_free(msg);
	cu_free(sig);
}

CU_TEST(sign_known_answers)
{
	CHECK(each_vector(VEC_DIR "ed25519.txt", 4, sign_vector) >= 3);
}

CU_TEST(sign_rfc8032_test1)
{
	/* RFC 8032 7.1 TEST 1, inline so it cannot drift with the data file. */
	uint8_t seed[32], pk[32], sig[64], gpk[32], gsk[64], gsig[64];
	CHECK_EQ_INT(cu_unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
			      seed, 32), CU_OK);
	CHECK_EQ_INT(cu_unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
			      pk, 32), CU_OK);
	CHECK_EQ_INT(cu_unhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
			      "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
			      sig, 64), CU_OK);
	cu_sign_keypair_from_seed(gpk, gsk, seed);
	CHECK(memcmp(gpk, pk, 32) == 0);
	cu_sign(gsig, "", 0, gsk);
	CHECK(memcmp(gsig, sig, 64) == 0);
	CHECK_EQ_INT(cu_sign_verify(sig, "", 0, pk), CU_OK);
	cu_memzero(gsk, sizeof(gsk));
}

int main(void)
{
	if (cu_crypto_init() != CU_OK) {
		fprintf(stderr, "cannot initialise libsodium\n");
		return 1;
	}
	RUN(seal_round_trip);
	RUN(seal_nonce_fresh);
	RUN(open_wrong_key);
	RUN(open_every_byte_flip);
	RUN(open_wrong_ad);
	RUN(ad_framing);
	RUN(hash_known_answers);
	RUN(hash_domain_separation);
	RUN(password);
	RUN(kdf);
	RUN(constant_time_compare);
	RUN(hex);
	RUN(base64);
	RUN(random);
	RUN(seal_known_answers);
	RUN(sign_known_answers);
	RUN(sign_rfc8032_test1);
	return cu_test_done();
}
