/*
 * crypto.h - primitives of custos on libsodium.  crypto/ is the only
 * module that includes <sodium.h>; nothing else touches key bytes except
 * through these functions and keyring.h.
 *
 * Conventions (libsodium's): 0 (CU_OK) on success, a negative cu_err on
 * failure; every check is CU_WUR; secrets are held in cu_secret_alloc()
 * memory (guarded pages, mlock'ed, excluded from core dumps) and wiped
 * on every exit path.
 */
#ifndef CU_CRYPTO_CRYPTO_H
#define CU_CRYPTO_CRYPTO_H

#include "core/common.h"
#include "core/buf.h"

#define CU_KEY_BYTES 32u
#define CU_HASH_BYTES 32u
#define CU_SIGN_PK_BYTES 32u
#define CU_SIGN_SK_BYTES 64u
#define CU_SIG_BYTES 64u
/* Sealed value layout: version(1) | key version (4, BE) | nonce (24) |
 * ciphertext | tag (16). */
#define CU_SEAL_VERSION 1u
#define CU_SEAL_OVERHEAD (1u + 4u + 24u + 16u)
/* Longest password hash string produced by cu_password_hash. */
#define CU_PWHASH_STR_BYTES 128u

/* Initialise libsodium; call once before anything else. */
CU_WUR int cu_crypto_init(void);

/*
 * A per-thread key buffer (CU_KEY_BYTES of secret memory) for keys that
 * live for one request, such as a data subject's DEK.  sodium_malloc maps,
 * guards and locks pages, and freeing them costs TLB shootdowns on every
 * core: per request that dominated a record read.  The buffer is made
 * once per thread and freed when the thread ends; callers wipe it
 * (cu_memzero) as soon as they are done, and must not hold two at once.
 */
uint8_t *cu_secret_key_scratch(void);

/* Secret memory: guarded, locked, never in a core dump.  Aborts on OOM. */
void *cu_secret_alloc(size_t n);
/* Wipe and free; NULL is fine. */
void cu_secret_free(void *p);
void cu_memzero(void *p, size_t n);
/* Constant-time equality of two n-byte regions. */
bool cu_memeq(const void *a, const void *b, size_t n);
/* Constant-time equality of two C strings (length may leak). */
bool cu_streq_ct(const char *a, const char *b);

void cu_random(void *buf, size_t n);
uint32_t cu_random_uniform(uint32_t upper);

/* Lowercase hex of p[0..n); result cu_free()d by the caller. */
char *cu_hex(const void *p, size_t n);
/* Decode hex of exactly outlen bytes. */
CU_WUR int cu_unhex(const char *hex, void *out, size_t outlen);
/* Base64 (URL-safe, no padding) of p[0..n); cu_free()d by the caller. */
char *cu_b64(const void *p, size_t n);
/* Decode base64url into a new buffer (cu_free); CU_ERR_INVALID if bad. */
CU_WUR int cu_unb64(const char *s, uint8_t **out, size_t *outlen);
/* A random identifier: nbytes of entropy as base64url. */
char *cu_random_id(size_t nbytes);

/* BLAKE2b-256 of domain-separated data: H(len(domain)|domain|data). */
void cu_hash(uint8_t out[CU_HASH_BYTES], const char *domain, const void *data, size_t n);
/* Keyed BLAKE2b-256 (a MAC / PRF) with the same domain separation. */
void cu_hash_keyed(uint8_t out[CU_HASH_BYTES], const uint8_t key[CU_KEY_BYTES],
		   const char *domain, const void *data, size_t n);

/* Argon2id password hashing (PHC string) and constant-time verification. */
CU_WUR int cu_password_hash(const char *pw, size_t len, char out[CU_PWHASH_STR_BYTES]);
/* CU_OK if pw matches; CU_ERR_AUTH if not. */
CU_WUR int cu_password_verify(const char *hash, const char *pw, size_t len);
/* Derive a key from a passphrase (Argon2id) with the given cost. */
CU_WUR int cu_kdf_passphrase(uint8_t key[CU_KEY_BYTES], const char *pass, size_t len,
			     const uint8_t salt[16], uint64_t ops, size_t mem);

/*
 * AEAD (XChaCha20-Poly1305-IETF).  out must have room for
 * ptlen + CU_SEAL_OVERHEAD bytes.  ad binds the ciphertext to its place.
 */
void cu_seal(const uint8_t key[CU_KEY_BYTES], uint32_t keyver,
	     const void *ad, size_t adlen, const void *pt, size_t ptlen, uint8_t *out);
/*
 * Open a sealed value; pt gets ctlen - CU_SEAL_OVERHEAD bytes.  Any
 * change to ct, a wrong key or different ad gives CU_ERR_INTEGRITY and
 * leaves pt zeroed.
 */
CU_WUR int cu_open(const uint8_t key[CU_KEY_BYTES], const void *ad, size_t adlen,
		   const uint8_t *ct, size_t ctlen, uint8_t *pt);
/* The key version recorded in a sealed value's header. */
CU_WUR int cu_seal_keyver(const uint8_t *ct, size_t ctlen, uint32_t *keyver);

/* Ed25519 signatures. */
void cu_sign_keypair_from_seed(uint8_t pk[CU_SIGN_PK_BYTES], uint8_t sk[CU_SIGN_SK_BYTES],
			       const uint8_t seed[CU_KEY_BYTES]);
void cu_sign(uint8_t sig[CU_SIG_BYTES], const void *msg, size_t n, const uint8_t sk[CU_SIGN_SK_BYTES]);
CU_WUR int cu_sign_verify(const uint8_t sig[CU_SIG_BYTES], const void *msg, size_t n,
			  const uint8_t pk[CU_SIGN_PK_BYTES]);

/* Append a length-prefixed part to an associated-data buffer, so that
 * parts can never run into each other ("ab","c" != "a","bc"). */
CU_WUR int cu_ad_put(struct cu_buf *ad, const void *p, size_t n);

#endif
