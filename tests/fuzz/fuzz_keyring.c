/*
 * fuzz_keyring.c - libFuzzer target for cu_keyring_open on an arbitrary
 * keyring.json.
 *
 * The input is written to a temporary keyring.json and opened with a key
 * file source (a fixed 32-byte test key), so no Argon2 ever runs: a
 * keyring naming "argon2id13" must be refused for want of a passphrase.
 * An input that is not a keyring sealed under the test key must give an
 * error with *out NULL (ASan reports any leak or bad access on the way).
 * The seed corpus holds genuine keyrings made under the test key, so
 * mutations reach the sealed keys; when one opens, its keys must work
 * (a DEK round-trips and a signature verifies) and be freed cleanly.
 */
#include "core/common.h"
#include "core/json.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "crypto/keyring.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The test key: bytes 0x40..0x5f (docs/fuzzing.md). */
static char dir[512], keyring_path[600], key_path[600];
static bool ready;

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* Plain write, no fsync: this runs once per input. */
static void write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	const uint8_t *b = p;
	check(fd >= 0);
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		check(w > 0);
		b += w;
		n -= (size_t)w;
	}
	close(fd);
}

static void cleanup(void)
{
	unlink(keyring_path);
	unlink(key_path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	uint8_t key[CU_KEY_BYTES];

	(void)argc;
	(void)argv;
	if (ready)
		return 0;
	if (cu_crypto_init())
		abort();
	cu_json_init();
	snprintf(dir, sizeof(dir), "%s/fuzz_keyring.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(keyring_path, sizeof(keyring_path), "%s/keyring.json", dir);
	snprintf(key_path, sizeof(key_path), "%s/root.key", dir);
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x40 + i);
	write_file(key_path, key, sizeof(key));
	atexit(cleanup);
	ready = true;
	return 0;
}

static void usable(const struct cu_keyring *kr)
{
	uint8_t wrapped[CU_WRAPPED_DEK_BYTES], sig[CU_SIG_BYTES];
	uint8_t *dek = cu_secret_alloc(CU_KEY_BYTES), *dek2 = cu_secret_alloc(CU_KEY_BYTES);
	static const char msg[] = "fuzz";

	check(cu_keyring_current(kr) >= 1);
	check(cu_keyring_dek_new(kr, "s_fuzz", wrapped, dek) == CU_OK);
	check(cu_keyring_dek_unwrap(kr, "s_fuzz", wrapped, sizeof(wrapped), dek2) == CU_OK);
	check(cu_memeq(dek, dek2, CU_KEY_BYTES));
	check(cu_keyring_dek_unwrap(kr, "s_other", wrapped, sizeof(wrapped), dek2) != CU_OK);
	cu_keyring_audit_sign(kr, sig, msg, sizeof(msg) - 1);
	check(cu_sign_verify(sig, msg, sizeof(msg) - 1, cu_keyring_audit_pk(kr)) == CU_OK);
	cu_secret_free(dek);
	cu_secret_free(dek2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cu_key_source src = { .key_file = key_path };
	struct cu_keyring *kr = (struct cu_keyring *)&src; /* must be cleared */
	int r;

	if (!ready)
		LLVMFuzzerInitialize(NULL, NULL);
	write_file(keyring_path, data, size);
	r = cu_keyring_open(keyring_path, &src, &kr);
	if (r == CU_OK) {
		check(kr != NULL);
		usable(kr);
		cu_keyring_free(kr);
	} else {
		check(kr == NULL && r < 0);
	}
	return 0;
}
