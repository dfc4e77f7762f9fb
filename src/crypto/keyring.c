#include "crypto/keyring.h"
#include "core/json.h"
#include "core/util.h"

#include <sodium.h>

#define KEYRING_FORMAT "custos-keyring"

struct kek {
	uint32_t version;
	int64_t created;
	uint8_t *key;           /* secret memory */
	char *sealed;           /* base64url of the sealed key, for saving */
};

struct cu_keyring {
	uint8_t *root;          /* secret memory; kept to seal new KEKs */
	uint8_t *index_key;
	uint8_t *server_key;
	uint8_t *audit_sk;      /* CU_SIGN_SK_BYTES */
	uint8_t audit_pk[CU_SIGN_PK_BYTES];
	json_t *kdf;            /* KDF parameters as stored */
	char *sealed_index, *sealed_server, *sealed_audit;
	size_t nkeks;
	struct kek keks[CU_MAX_KEKS];
};

static const struct {
	uint64_t ops;
	size_t mem;
} profiles[] = {
	[CU_KDF_INTERACTIVE] = { crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE },
	[CU_KDF_MODERATE] = { crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE },
	[CU_KDF_SENSITIVE] = { crypto_pwhash_OPSLIMIT_SENSITIVE, crypto_pwhash_MEMLIMIT_SENSITIVE },
};

void cu_keyring_free(struct cu_keyring *kr)
{
	if (!kr)
		return;
	cu_secret_free(kr->root);
	cu_secret_free(kr->index_key);
	cu_secret_free(kr->server_key);
	cu_secret_free(kr->audit_sk);
	for (size_t i = 0; i < kr->nkeks; i++) {
		cu_secret_free(kr->keks[i].key);
		cu_free(kr->keks[i].sealed);
	}
	cu_free(kr->sealed_index);
	cu_free(kr->sealed_server);
	cu_free(kr->sealed_audit);
	json_decref(kr->kdf);
	cu_memzero(kr, sizeof(*kr));
	cu_free(kr);
}

static void ad_for(char *ad, size_t n, const char *name)
{
	snprintf(ad, n, "custos.keyring/%s", name);
}

/* Seal a root-held key; returns base64url (cu_free). */
static char *seal_b64(const uint8_t *root, const char *name, const uint8_t *key, size_t len)
{
	uint8_t ct[64 + CU_SEAL_OVERHEAD];
	char ad[96];
	ad_for(ad, sizeof(ad), name);
	cu_seal(root, 0, ad, strlen(ad), key, len, ct);
	return cu_b64(ct, len + CU_SEAL_OVERHEAD);
}

static int open_b64(const uint8_t *root, const char *name, const char *b64, uint8_t *key,
		    size_t len)
{
	uint8_t *ct = NULL;
	size_t ctlen = 0;
	char ad[96];
	int r;

	if (!b64 || cu_unb64(b64, &ct, &ctlen) || ctlen != len + CU_SEAL_OVERHEAD) {
		cu_free(ct);
		return CU_ERR_INVALID;
	}
	ad_for(ad, sizeof(ad), name);
	r = cu_open(root, ad, strlen(ad), ct, ctlen, key);
	cu_free(ct);
	return r ? CU_ERR_BAD_KEY : CU_OK;
}

static int root_from_source(const struct cu_key_source *src, const json_t *kdf, uint8_t *root)
{
	const char *alg = json_string_value(json_object_get(kdf, "alg"));

	if (!alg)
		return CU_ERR_INVALID;
	if (strcmp(alg, "keyfile") == 0) {
		char *data = NULL;
		size_t len = 0;
		int r;
		if (!src->key_file)
			return CU_ERR_BAD_KEY;
		r = cu_file_read(src->key_file, 1024, &data, &len);
		if (r)
			return r == CU_ERR_NOT_FOUND ? CU_ERR_NOT_FOUND : CU_ERR_IO;
		/* Exactly 32 bytes is a raw key, whatever its last bytes are
		 * (a random key ends in 0x0a or 0x0d one time in 128); only
		 * other sizes may carry a line ending to strip. */
		if (len != CU_KEY_BYTES)
			while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
				len--;
		if (len == CU_KEY_BYTES) {
			memcpy(root, data, CU_KEY_BYTES);
			r = CU_OK;
		} else if (len == 2 * CU_KEY_BYTES) {
			data[len] = '\0';
			r = cu_unhex(data, root, CU_KEY_BYTES) ? CU_ERR_BAD_KEY : CU_OK;
		} else {
			r = CU_ERR_BAD_KEY;
		}
		cu_memzero(data, len);
		cu_free(data);
		return r;
	}
	if (strcmp(alg, "argon2id13") == 0) {
		uint8_t salt[16];
		const char *salthex = json_string_value(json_object_get(kdf, "salt"));
		json_int_t ops = json_integer_value(json_object_get(kdf, "ops"));
		json_int_t mem = json_integer_value(json_object_get(kdf, "mem"));
		if (!src->passphrase)
			return CU_ERR_BAD_KEY;
		if (!salthex || cu_unhex(salthex, salt, sizeof(salt)) || ops < 1 || ops > 64 ||
		    mem < 8192 || mem > ((json_int_t)4 << 30))
			return CU_ERR_INVALID;
		return cu_kdf_passphrase(root, src->passphrase, src->passlen, salt, (uint64_t)ops,
					 (size_t)mem);
	}
	return CU_ERR_INVALID;
}

static void derive_audit(struct cu_keyring *kr, const uint8_t *seed)
{
	kr->audit_sk = cu_secret_alloc(CU_SIGN_SK_BYTES);
	cu_sign_keypair_from_seed(kr->audit_pk, kr->audit_sk, seed);
}

static int save(const struct cu_keyring *kr, const char *path)
{
	json_t *root = json_object(), *keks = json_array(), *keys = json_object();
	char *text;
	int r;

	json_object_set_new(root, "format", json_string(KEYRING_FORMAT));
	json_object_set_new(root, "version", json_integer(1));
	json_object_set(root, "kdf", kr->kdf);
	json_object_set_new(root, "current", json_integer(cu_keyring_current(kr)));
	for (size_t i = 0; i < kr->nkeks; i++) {
		json_t *k = json_object();
		json_object_set_new(k, "version", json_integer(kr->keks[i].version));
		json_object_set_new(k, "created", json_integer(kr->keks[i].created));
		json_object_set_new(k, "sealed", json_string(kr->keks[i].sealed));
		json_array_append_new(keks, k);
	}
	json_object_set_new(root, "keks", keks);
	json_object_set_new(keys, "index", json_string(kr->sealed_index));
	json_object_set_new(keys, "server", json_string(kr->sealed_server));
	json_object_set_new(keys, "audit", json_string(kr->sealed_audit));
	json_object_set_new(root, "keys", keys);
	text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);
	r = cu_file_write_atomic(path, text, strlen(text), 0600);
	cu_free(text);
	return r;
}

static void add_kek(struct cu_keyring *kr, uint32_t version)
{
	char name[32];
	struct kek *k = &kr->keks[kr->nkeks++];
	k->version = version;
	k->created = cu_time_now();
	k->key = cu_secret_alloc(CU_KEY_BYTES);
	cu_random(k->key, CU_KEY_BYTES);
	snprintf(name, sizeof(name), "kek/%u", version);
	k->sealed = seal_b64(kr->root, name, k->key, CU_KEY_BYTES);
}

static char *new_key(struct cu_keyring *kr, const char *name, uint8_t **key)
{
	*key = cu_secret_alloc(CU_KEY_BYTES);
	cu_random(*key, CU_KEY_BYTES);
	return seal_b64(kr->root, name, *key, CU_KEY_BYTES);
}

int cu_keyring_create(const char *path, const struct cu_key_source *src,
		      enum cu_kdf_profile profile, struct cu_keyring **out)
{
	struct cu_keyring *kr = cu_calloc(1, sizeof(*kr));
	uint8_t *seed;
	int r;

	*out = NULL;
	kr->root = cu_secret_alloc(CU_KEY_BYTES);
	kr->kdf = json_object();
	if (src->key_file) {
		json_object_set_new(kr->kdf, "alg", json_string("keyfile"));
	} else {
		uint8_t salt[16];
		char *hex;
		cu_random(salt, sizeof(salt));
		hex = cu_hex(salt, sizeof(salt));
		json_object_set_new(kr->kdf, "alg", json_string("argon2id13"));
		json_object_set_new(kr->kdf, "salt", json_string(hex));
		json_object_set_new(kr->kdf, "ops", json_integer((json_int_t)profiles[profile].ops));
		json_object_set_new(kr->kdf, "mem", json_integer((json_int_t)profiles[profile].mem));
		cu_free(hex);
	}
	if ((r = root_from_source(src, kr->kdf, kr->root)))
		goto out;
	add_kek(kr, 1);
	kr->sealed_index = new_key(kr, "index", &kr->index_key);
	kr->sealed_server = new_key(kr, "server", &kr->server_key);
	kr->sealed_audit = new_key(kr, "audit", &seed);
	derive_audit(kr, seed);
	cu_secret_free(seed);
	r = save(kr, path);
out:
	if (r)
		cu_keyring_free(kr);
	else
		*out = kr;
	return r;
}

static int load_keys(struct cu_keyring *kr, json_t *doc)
{
	json_t *keks = json_object_get(doc, "keks"), *keys = json_object_get(doc, "keys");
	size_t i;
	json_t *k;
	uint8_t *seed;
	int r;

	if (!json_is_array(keks) || json_array_size(keks) == 0 ||
	    json_array_size(keks) > CU_MAX_KEKS || !json_is_object(keys))
		return CU_ERR_INVALID;
	json_array_foreach(keks, i, k) {
		char name[32];
		struct kek *kk = &kr->keks[kr->nkeks];
		json_int_t v = json_integer_value(json_object_get(k, "version"));
		const char *sealed = json_string_value(json_object_get(k, "sealed"));
		if (v < 1 || v > UINT32_MAX || (kr->nkeks && (uint32_t)v <= kr->keks[kr->nkeks - 1].version))
			return CU_ERR_INVALID;
		kk->version = (uint32_t)v;
		kk->created = json_integer_value(json_object_get(k, "created"));
		kk->key = cu_secret_alloc(CU_KEY_BYTES);
		kk->sealed = cu_strdup(sealed ? sealed : "");
		kr->nkeks++;
		snprintf(name, sizeof(name), "kek/%u", kk->version);
		if ((r = open_b64(kr->root, name, sealed, kk->key, CU_KEY_BYTES)))
			return r;
	}
	kr->index_key = cu_secret_alloc(CU_KEY_BYTES);
	kr->server_key = cu_secret_alloc(CU_KEY_BYTES);
	seed = cu_secret_alloc(CU_KEY_BYTES);
	kr->sealed_index = cu_strdup(json_string_value(json_object_get(keys, "index")) ?: "");
	kr->sealed_server = cu_strdup(json_string_value(json_object_get(keys, "server")) ?: "");
	kr->sealed_audit = cu_strdup(json_string_value(json_object_get(keys, "audit")) ?: "");
	if (!(r = open_b64(kr->root, "index", kr->sealed_index, kr->index_key, CU_KEY_BYTES)) &&
	    !(r = open_b64(kr->root, "server", kr->sealed_server, kr->server_key, CU_KEY_BYTES)) &&
	    !(r = open_b64(kr->root, "audit", kr->sealed_audit, seed, CU_KEY_BYTES)))
		derive_audit(kr, seed);
	cu_secret_free(seed);
	return r;
}

int cu_keyring_open(const char *path, const struct cu_key_source *src, struct cu_keyring **out)
{
	struct cu_keyring *kr = NULL;
	char *text = NULL;
	size_t len = 0;
	json_t *doc = NULL;
	const char *fmt;
	int r;

	*out = NULL;
	if ((r = cu_file_read(path, 1 << 20, &text, &len)))
		return r;
	if ((r = cu_json_parse(text, len, &doc, NULL, 0)))
		goto out;
	fmt = json_string_value(json_object_get(doc, "format"));
	if (!fmt || strcmp(fmt, KEYRING_FORMAT) != 0 || !json_is_object(json_object_get(doc, "kdf"))) {
		r = CU_ERR_INVALID;
		goto out;
	}
	kr = cu_calloc(1, sizeof(*kr));
	kr->root = cu_secret_alloc(CU_KEY_BYTES);
	kr->kdf = json_incref(json_object_get(doc, "kdf"));
	if ((r = root_from_source(src, kr->kdf, kr->root)))
		goto out;
	r = load_keys(kr, doc);
out:
	json_decref(doc);
	cu_free(text);
	if (r)
		cu_keyring_free(kr);
	else
		*out = kr;
	return r;
}

uint32_t cu_keyring_current(const struct cu_keyring *kr)
{
	return kr->keks[kr->nkeks - 1].version;
}

int cu_keyring_rotate(struct cu_keyring *kr, const char *path)
{
	int r;
	if (kr->nkeks >= CU_MAX_KEKS)
		return CU_ERR_TOO_LARGE;
	add_kek(kr, cu_keyring_current(kr) + 1);
	if ((r = save(kr, path))) {
		kr->nkeks--;
		cu_secret_free(kr->keks[kr->nkeks].key);
		cu_free(kr->keks[kr->nkeks].sealed);
	}
	return r;
}

static const struct kek *find_kek(const struct cu_keyring *kr, uint32_t version)
{
	for (size_t i = 0; i < kr->nkeks; i++)
		if (kr->keks[i].version == version)
			return &kr->keks[i];
	return NULL;
}

static void dek_ad(char *ad, size_t n, const char *subject)
{
	snprintf(ad, n, "custos.dek/%s", subject);
}

int cu_keyring_dek_new(const struct cu_keyring *kr, const char *subject,
		       uint8_t wrapped[CU_WRAPPED_DEK_BYTES], uint8_t *dek)
{
	char ad[160];
	const struct kek *k = &kr->keks[kr->nkeks - 1];
	if (strlen(subject) > 128)
		return CU_ERR_INVALID;
	cu_random(dek, CU_KEY_BYTES);
	dek_ad(ad, sizeof(ad), subject);
	cu_seal(k->key, k->version, ad, strlen(ad), dek, CU_KEY_BYTES, wrapped);
	return CU_OK;
}

int cu_keyring_dek_unwrap(const struct cu_keyring *kr, const char *subject,
			  const uint8_t *wrapped, size_t len, uint8_t *dek)
{
	char ad[160];
	uint32_t ver;
	const struct kek *k;

	if (len != CU_WRAPPED_DEK_BYTES || cu_seal_keyver(wrapped, len, &ver) ||
	    !(k = find_kek(kr, ver)) || strlen(subject) > 128)
		return CU_ERR_INTEGRITY;
	dek_ad(ad, sizeof(ad), subject);
	return cu_open(k->key, ad, strlen(ad), wrapped, len, dek);
}

int cu_keyring_dek_rewrap(const struct cu_keyring *kr, const char *subject,
			  const uint8_t *wrapped, size_t len, uint8_t out[CU_WRAPPED_DEK_BYTES])
{
	uint8_t *dek = cu_secret_alloc(CU_KEY_BYTES);
	char ad[160];
	const struct kek *k = &kr->keks[kr->nkeks - 1];
	int r = cu_keyring_dek_unwrap(kr, subject, wrapped, len, dek);
	if (!r) {
		dek_ad(ad, sizeof(ad), subject);
		cu_seal(k->key, k->version, ad, strlen(ad), dek, CU_KEY_BYTES, out);
	}
	cu_secret_free(dek);
	return r;
}

void cu_keyring_blind_index(const struct cu_keyring *kr, const char *collection,
			    const char *field, const void *value, size_t n,
			    uint8_t out[CU_HASH_BYTES])
{
	uint8_t sub[CU_HASH_BYTES];
	struct cu_buf id;

	/* A sub-key per (collection, field): equal values in different
	 * fields do not share an index token. */
	cu_buf_init(&id, 4096);
	if (cu_ad_put(&id, collection, strlen(collection)) || cu_ad_put(&id, field, strlen(field)))
		abort();
	cu_hash_keyed(sub, kr->index_key, "custos.bidx.key", id.data, id.len);
	cu_hash_keyed(out, sub, "custos.bidx", value, n);
	cu_memzero(sub, sizeof(sub));
	cu_buf_release(&id);
}

void cu_keyring_mac(const struct cu_keyring *kr, const char *domain, const void *data, size_t n,
		    uint8_t out[CU_HASH_BYTES])
{
	cu_hash_keyed(out, kr->server_key, domain, data, n);
}

void cu_keyring_seal_secret(const struct cu_keyring *kr, const char *ad, const void *pt,
			    size_t ptlen, uint8_t *out)
{
	cu_seal(kr->server_key, 0, ad, strlen(ad), pt, ptlen, out);
}

int cu_keyring_open_secret(const struct cu_keyring *kr, const char *ad, const uint8_t *ct,
			   size_t ctlen, uint8_t *pt)
{
	return cu_open(kr->server_key, ad, strlen(ad), ct, ctlen, pt);
}

const uint8_t *cu_keyring_audit_pk(const struct cu_keyring *kr)
{
	return kr->audit_pk;
}

void cu_keyring_audit_sign(const struct cu_keyring *kr, uint8_t sig[CU_SIG_BYTES],
			   const void *msg, size_t n)
{
	cu_sign(sig, msg, n, kr->audit_sk);
}
