/*
 * keyring.h - the key hierarchy of a custos data directory.
 *
 *   root key   Argon2id(passphrase, salt) or a 32-byte key file; never stored
 *   KEK v1..vN random, sealed by the root key, versioned; current = newest
 *   DEK        one per data subject, random, sealed by a KEK (in the store)
 *   index key  keyed hash for blind indexes of encrypted fields
 *   server key MACs (session ids, subject refs) and server-held secrets
 *              (TOTP seeds)
 *   audit key  Ed25519 seed for signed audit checkpoints
 *
 * The keyring file (keyring.json, mode 0600) holds only sealed keys and
 * the KDF salt.  A wrong passphrase fails to open the first KEK and gives
 * CU_ERR_BAD_KEY.  All key bytes live in cu_secret_alloc() memory.
 */
#ifndef CU_CRYPTO_KEYRING_H
#define CU_CRYPTO_KEYRING_H

#include "crypto/crypto.h"

#define CU_WRAPPED_DEK_BYTES (CU_KEY_BYTES + CU_SEAL_OVERHEAD)
#define CU_MAX_KEKS 256

struct cu_keyring;

/* Where the root key comes from: exactly one of passphrase or key_file. */
struct cu_key_source {
	const char *passphrase; /* borrowed; caller wipes it */
	size_t passlen;
	const char *key_file;   /* path of a 32-byte (or 64 hex digit) file */
};

enum cu_kdf_profile { CU_KDF_INTERACTIVE, CU_KDF_MODERATE, CU_KDF_SENSITIVE };

CU_WUR int cu_keyring_create(const char *path, const struct cu_key_source *src,
			     enum cu_kdf_profile profile, struct cu_keyring **out);
CU_WUR int cu_keyring_open(const char *path, const struct cu_key_source *src,
			   struct cu_keyring **out);
void cu_keyring_free(struct cu_keyring *kr);

uint32_t cu_keyring_current(const struct cu_keyring *kr);
/* Add KEK version current+1 and persist; DEKs are re-wrapped by the vault. */
CU_WUR int cu_keyring_rotate(struct cu_keyring *kr, const char *path);

/* Make a new DEK for subject: dek (CU_KEY_BYTES of secret memory owned by
 * the caller) and its wrapping under the current KEK. */
CU_WUR int cu_keyring_dek_new(const struct cu_keyring *kr, const char *subject,
			      uint8_t wrapped[CU_WRAPPED_DEK_BYTES], uint8_t *dek);
/* Unwrap subject's DEK into dek (CU_KEY_BYTES, secret memory). */
CU_WUR int cu_keyring_dek_unwrap(const struct cu_keyring *kr, const char *subject,
				 const uint8_t *wrapped, size_t len, uint8_t *dek);
/* Re-wrap a DEK under the current KEK. */
CU_WUR int cu_keyring_dek_rewrap(const struct cu_keyring *kr, const char *subject,
				 const uint8_t *wrapped, size_t len,
				 uint8_t out[CU_WRAPPED_DEK_BYTES]);

/* Blind index of value for (collection, field). */
void cu_keyring_blind_index(const struct cu_keyring *kr, const char *collection,
			    const char *field, const void *value, size_t n,
			    uint8_t out[CU_HASH_BYTES]);
/* Keyed hash with the server key, domain-separated. */
void cu_keyring_mac(const struct cu_keyring *kr, const char *domain, const void *data,
		    size_t n, uint8_t out[CU_HASH_BYTES]);
/* Seal / open a server-held secret; out has ptlen + CU_SEAL_OVERHEAD. */
void cu_keyring_seal_secret(const struct cu_keyring *kr, const char *ad,
			    const void *pt, size_t ptlen, uint8_t *out);
CU_WUR int cu_keyring_open_secret(const struct cu_keyring *kr, const char *ad,
				  const uint8_t *ct, size_t ctlen, uint8_t *pt);

/* The audit signing key. */
const uint8_t *cu_keyring_audit_pk(const struct cu_keyring *kr);
void cu_keyring_audit_sign(const struct cu_keyring *kr, uint8_t sig[CU_SIG_BYTES],
			   const void *msg, size_t n);

#endif
