#include "crypto/crypto.h"

#include <pthread.h>
#include <sodium.h>
#include <sys/resource.h>

int cu_crypto_init(void)
{
	struct rlimit rl = { 0, 0 };
	/* No core dumps: they would hold keys and personal information. */
	setrlimit(RLIMIT_CORE, &rl);
	return sodium_init() < 0 ? CU_ERR_CRYPTO : CU_OK;
}

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p)
{
	sodium_free(p); /* wipes */
}

static void scratch_init(void)
{
	if (pthread_key_create(&scratch_key, scratch_free))
		abort();
}

uint8_t *cu_secret_key_scratch(void)
{
	uint8_t *p;
	pthread_once(&scratch_once, scratch_init);
	p = pthread_getspecific(scratch_key);
	if (!p) {
		p = cu_secret_alloc(CU_KEY_BYTES);
		if (pthread_setspecific(scratch_key, p))
			abort();
	}
	return p;
}

void *cu_secret_alloc(size_t n)
{
	void *p = sodium_malloc(n ? n : 1);
	if (!p) {
		fputs("custos: fatal: cannot allocate secure memory\n", stderr);
		abort();
	}
	sodium_memzero(p, n);
	return p;
}

void cu_secret_free(void *p)
{
	sodium_free(p);
}

void cu_memzero(void *p, size_t n)
{
	sodium_memzero(p, n);
}

bool cu_memeq(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

bool cu_streq_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	uint8_t ha[CU_HASH_BYTES], hb[CU_HASH_BYTES];
	/* Compare fixed-size digests so the time does not depend on where
	 * the strings first differ. */
	cu_hash(ha, "custos.streq", a, la);
	cu_hash(hb, "custos.streq", b, lb);
	return sodium_memcmp(ha, hb, sizeof(ha)) == 0 && la == lb;
}

void cu_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

uint32_t cu_random_uniform(uint32_t upper)
{
	return randombytes_uniform(upper);
}

char *cu_hex(const void *p, size_t n)
{
	char *s = cu_malloc(n * 2 + 1);
	sodium_bin2hex(s, n * 2 + 1, p, n);
	return s;
}

int cu_unhex(const char *hex, void *out, size_t outlen)
{
	size_t got = 0;
	const char *end = NULL;
	if (strlen(hex) != outlen * 2 ||
	    sodium_hex2bin(out, outlen, hex, strlen(hex), NULL, &got, &end) != 0 ||
	    got != outlen || *end) {
		cu_memzero(out, outlen);
		return CU_ERR_INVALID;
	}
	return CU_OK;
}

char *cu_b64(const void *p, size_t n)
{
	size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = cu_malloc(len);
	sodium_bin2base64(s, len, p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return s;
}

int cu_unb64(const char *s, uint8_t **out, size_t *outlen)
{
	size_t n = strlen(s), got = 0;
	const char *end = NULL;
	uint8_t *buf = cu_malloc(n * 3 / 4 + 1);

	*out = NULL;
	*outlen = 0;
	if (sodium_base642bin(buf, n * 3 / 4 + 1, s, n, NULL, &got, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || *end) {
		cu_free(buf);
		return CU_ERR_INVALID;
	}
	*out = buf;
	*outlen = got;
	return CU_OK;
}

char *cu_random_id(size_t nbytes)
{
	uint8_t b[64];
	if (nbytes > sizeof(b))
		nbytes = sizeof(b);
	randombytes_buf(b, nbytes);
	char *s = cu_b64(b, nbytes);
	sodium_memzero(b, sizeof(b));
	return s;
}

static void hash_impl(uint8_t out[CU_HASH_BYTES], const uint8_t *key, const char *domain,
		      const void *data, size_t n)
{
	crypto_generichash_state st;
	uint8_t dl = (uint8_t)strnlen(domain, 255);

	crypto_generichash_init(&st, key, key ? CU_KEY_BYTES : 0, CU_HASH_BYTES);
	crypto_generichash_update(&st, &dl, 1);
	crypto_generichash_update(&st, (const uint8_t *)domain, dl);
	crypto_generichash_update(&st, data, n);
	crypto_generichash_final(&st, out, CU_HASH_BYTES);
	sodium_memzero(&st, sizeof(st));
}

void cu_hash(uint8_t out[CU_HASH_BYTES], const char *domain, const void *data, size_t n)
{
	hash_impl(out, NULL, domain, data, n);
}

void cu_hash_keyed(uint8_t out[CU_HASH_BYTES], const uint8_t key[CU_KEY_BYTES],
		   const char *domain, const void *data, size_t n)
{
	hash_impl(out, key, domain, data, n);
}

int cu_password_hash(const char *pw, size_t len, char out[CU_PWHASH_STR_BYTES])
{
	_Static_assert(CU_PWHASH_STR_BYTES == crypto_pwhash_STRBYTES, "pwhash size");
	memset(out, 0, CU_PWHASH_STR_BYTES);
	if (len > CU_MAX_PASSWORD_BYTES)
		return CU_ERR_TOO_LARGE;
	if (crypto_pwhash_str_alg(out, pw, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return CU_ERR_NOMEM;
	return CU_OK;
}

int cu_password_verify(const char *hash, const char *pw, size_t len)
{
	if (len > CU_MAX_PASSWORD_BYTES)
		return CU_ERR_AUTH;
	return crypto_pwhash_str_verify(hash, pw, len) == 0 ? CU_OK : CU_ERR_AUTH;
}

int cu_kdf_passphrase(uint8_t key[CU_KEY_BYTES], const char *pass, size_t len,
		      const uint8_t salt[16], uint64_t ops, size_t mem)
{
	_Static_assert(crypto_pwhash_SALTBYTES == 16, "salt size");
	if (crypto_pwhash(key, CU_KEY_BYTES, pass, len, salt, ops, mem,
			  crypto_pwhash_ALG_ARGON2ID13) != 0) {
		sodium_memzero(key, CU_KEY_BYTES);
		return CU_ERR_CRYPTO;
	}
	return CU_OK;
}

#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES

void cu_seal(const uint8_t key[CU_KEY_BYTES], uint32_t keyver, const void *ad, size_t adlen,
	     const void *pt, size_t ptlen, uint8_t *out)
{
	_Static_assert(NONCE_BYTES == 24, "nonce size");
	_Static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == 16, "tag size");
	struct cu_buf full;
	unsigned long long clen;

	out[0] = CU_SEAL_VERSION;
	out[1] = (uint8_t)(keyver >> 24);
	out[2] = (uint8_t)(keyver >> 16);
	out[3] = (uint8_t)(keyver >> 8);
	out[4] = (uint8_t)keyver;
	randombytes_buf(out + 5, NONCE_BYTES);
	/* The header is authenticated too: AD = header | caller's ad. */
	cu_buf_init(&full, SIZE_MAX / 2);
	if (cu_buf_append(&full, out, 5) || cu_buf_append(&full, ad, adlen))
		abort();
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 5 + NONCE_BYTES, &clen, pt, ptlen,
						   (const uint8_t *)full.data, full.len, NULL,
						   out + 5, key);
	cu_buf_release(&full);
}

int cu_seal_keyver(const uint8_t *ct, size_t ctlen, uint32_t *keyver)
{
	*keyver = 0;
	if (ctlen < CU_SEAL_OVERHEAD || ct[0] != CU_SEAL_VERSION)
		return CU_ERR_INTEGRITY;
	*keyver = (uint32_t)ct[1] << 24 | (uint32_t)ct[2] << 16 | (uint32_t)ct[3] << 8 | ct[4];
	return CU_OK;
}

int cu_open(const uint8_t key[CU_KEY_BYTES], const void *ad, size_t adlen,
	    const uint8_t *ct, size_t ctlen, uint8_t *pt)
{
	struct cu_buf full;
	unsigned long long plen;
	int r;

	if (ctlen < CU_SEAL_OVERHEAD)
		return CU_ERR_INTEGRITY;
	if (ct[0] != CU_SEAL_VERSION) {
		/* Same contract as a failed tag: the caller's pt is wiped. */
		sodium_memzero(pt, ctlen - CU_SEAL_OVERHEAD);
		return CU_ERR_INTEGRITY;
	}
	cu_buf_init(&full, SIZE_MAX / 2);
	if (cu_buf_append(&full, ct, 5) || cu_buf_append(&full, ad, adlen))
		abort();
	r = crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &plen, NULL, ct + 5 + NONCE_BYTES,
						       ctlen - 5 - NONCE_BYTES,
						       (const uint8_t *)full.data, full.len,
						       ct + 5, key);
	cu_buf_release(&full);
	if (r != 0) {
		sodium_memzero(pt, ctlen - CU_SEAL_OVERHEAD);
		return CU_ERR_INTEGRITY;
	}
	return CU_OK;
}

void cu_sign_keypair_from_seed(uint8_t pk[CU_SIGN_PK_BYTES], uint8_t sk[CU_SIGN_SK_BYTES],
			       const uint8_t seed[CU_KEY_BYTES])
{
	crypto_sign_seed_keypair(pk, sk, seed);
}

void cu_sign(uint8_t sig[CU_SIG_BYTES], const void *msg, size_t n, const uint8_t sk[CU_SIGN_SK_BYTES])
{
	crypto_sign_detached(sig, NULL, msg, n, sk);
}

int cu_sign_verify(const uint8_t sig[CU_SIG_BYTES], const void *msg, size_t n,
		   const uint8_t pk[CU_SIGN_PK_BYTES])
{
	return crypto_sign_verify_detached(sig, msg, n, pk) == 0 ? CU_OK : CU_ERR_INTEGRITY;
}

int cu_ad_put(struct cu_buf *ad, const void *p, size_t n)
{
	uint8_t len[4] = { (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n };
	int r = cu_buf_append(ad, len, 4);
	return r ? r : cu_buf_append(ad, p, n);
}
