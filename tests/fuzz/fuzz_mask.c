/*
 * fuzz_mask.c - libFuzzer target for the masking formats (policy/mask.h).
 *
 * Every format runs on the input bytes.  Invariants (any break aborts):
 *   - none returns the input, null returns NULL, redact "****";
 *   - valid UTF-8 in gives valid UTF-8 out, for every format;
 *   - mobile, cn_id, cn_id_strict, bank_card, name, email and partial
 *     never show the whole input when it is longer than 4 bytes;
 *   - hash gives 24 lowercase hex digits, the same for the same input and
 *     scope and (almost surely) different for another scope.
 *
 * The whole-input check runs on a copy with '*' replaced by '#': a value
 * that is itself made of stars ("1****") masks to the same text without
 * anything being shown, which is not a leak.  The formats give '*' no
 * meaning, so the copy follows the same paths.
 *
 * The hash format needs a keyring: one is created once, in a temporary
 * directory removed straight away, with a passphrase (Argon2id,
 * interactive cost) in LLVMFuzzerInitialize.
 */
#include "core/common.h"
#include "core/json.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "crypto/keyring.h"
#include "policy/mask.h"

#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct cu_keyring *kr;

static void check(bool ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char pass[] = "fuzz passphrase, not a secret";
	struct cu_key_source src = { .passphrase = pass, .passlen = sizeof(pass) - 1 };
	const char *tmp = getenv("TMPDIR");
	char dir[512], path[600];

	(void)argc;
	(void)argv;
	if (kr)
		return 0;
	if (cu_crypto_init())
		abort();
	cu_json_init();
	snprintf(dir, sizeof(dir), "%s/fuzz_mask.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/keyring.json", dir);
	if (cu_keyring_create(path, &src, CU_KDF_INTERACTIVE, &kr))
		abort();
	unlink(path);
	rmdir(dir);
	return 0;
}

static bool is_hex24(const char *s)
{
	if (strlen(s) != 24)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static const enum cu_mask hiding[] = {
	CU_MASK_MOBILE, CU_MASK_CN_ID, CU_MASK_CN_ID_STRICT, CU_MASK_BANK_CARD,
	CU_MASK_NAME, CU_MASK_EMAIL, CU_MASK_PARTIAL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	bool valid = cu_utf8_valid(s, size);
	char *out, *again;

	if (!kr)
		LLVMFuzzerInitialize(NULL, NULL);
	for (int m = CU_MASK_NONE; m <= CU_MASK_NULL; m++) {
		out = cu_mask_apply((enum cu_mask)m, s, size, kr, "customers.phone");
		if (m == CU_MASK_NULL) {
			check(out == NULL);
			continue;
		}
		check(out != NULL);
		if (valid)
			check(cu_utf8_valid(out, strlen(out)));
		if (m == CU_MASK_NONE)
			check(strlen(out) == strnlen(s, size) && memcmp(out, s, strlen(out)) == 0);
		if (m == CU_MASK_REDACT)
			check(strcmp(out, "****") == 0);
		if (m == CU_MASK_HASH) {
			check(is_hex24(out));
			again = cu_mask_apply(CU_MASK_HASH, s, size, kr, "customers.phone");
			check(strcmp(out, again) == 0);
			cu_free(again);
			again = cu_mask_apply(CU_MASK_HASH, s, size, kr, "customers.email");
			check(is_hex24(again) && strcmp(out, again) != 0);
			cu_free(again);
			again = cu_mask_apply(CU_MASK_HASH, s, size, kr, NULL);
			check(is_hex24(again));
			cu_free(again);
		}
		cu_free(out);
	}
	if (size > 4) {
		char *copy = cu_malloc(size);
		for (size_t i = 0; i < size; i++)
			copy[i] = s[i] == '*' ? '#' : s[i];
		for (size_t i = 0; i < CU_ARRAY_LEN(hiding); i++) {
			out = cu_mask_apply(hiding[i], copy, size, kr, NULL);
			check(out != NULL && !memmem(out, strlen(out), copy, size));
			cu_free(out);
		}
		cu_free(copy);
	}
	return 0;
}
