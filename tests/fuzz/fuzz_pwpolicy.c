/*
 * fuzz_pwpolicy.c - libFuzzer target for password policies
 * (accounts/password.h).
 *
 * Input: POLICY-JSON NUL PASSWORD [NUL USERNAME], or with no NUL just a
 * password.  The policy goes through cu_pwpolicy_from_json; a policy it
 * accepts must respect the documented bounds and survive
 * cu_pwpolicy_to_json -> cu_pwpolicy_from_json unchanged.  The password
 * is checked (with and without two-factor) against both presets and the
 * fuzzed policy.  Invariants: a refusal names one of the documented rules
 * and says why; an acceptance means the password is valid UTF-8 of at
 * most CU_MAX_PASSWORD_BYTES with at least the policy's minimum number of
 * characters; the answer is the same when asked twice.
 */
#include "core/common.h"
#include "core/json.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "accounts/password.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static bool ready;

static void check(bool ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (cu_crypto_init())
		abort();
	cu_json_init();
	ready = true;
	return 0;
}

static bool same_policy(const struct cu_pwpolicy *a, const struct cu_pwpolicy *b)
{
	return strcmp(a->preset, b->preset) == 0 && a->min_length == b->min_length &&
	       a->min_length_2fa == b->min_length_2fa && a->min_classes == b->min_classes &&
	       a->min_entropy_bits == b->min_entropy_bits && a->history == b->history &&
	       a->expiry_days == b->expiry_days;
}

static void policy_sane(const struct cu_pwpolicy *p)
{
	struct cu_pwpolicy back;
	char why[256];
	json_t *j;

	check(strcmp(p->preset, "nist") == 0 || strcmp(p->preset, "mlps") == 0);
	check(p->min_length >= 8 && p->min_length <= 128);
	check(p->min_length_2fa >= 8 && p->min_length_2fa <= 128);
	check(p->min_classes >= 0 && p->min_classes <= 4);
	check(p->min_entropy_bits >= 0 && p->min_entropy_bits <= 128);
	check(p->history >= 0 && p->history <= 24);
	check(p->expiry_days >= 0 && p->expiry_days <= 3650);
	j = cu_pwpolicy_to_json(p);
	check(j != NULL);
	check(cu_pwpolicy_from_json(j, &back, why, sizeof(why)) == CU_OK);
	check(same_policy(p, &back));
	json_decref(j);
}

static void pw_check(const struct cu_pwpolicy *p, const char *pw, const char *user, bool tfa)
{
	static const char *const rules[] = { "max_length", "encoding", "common", "min_length",
					     "contains_username", "classes", "guessable", NULL };
	const char *rule = "x", *rule2 = "y";
	char why[256], why2[256];
	size_t len = strlen(pw);
	int r, r2;

	why[0] = '\0';
	r = cu_pwpolicy_check(p, pw, user, tfa, &rule, why, sizeof(why));
	if (r == CU_OK) {
		check(rule == NULL);
		check(len <= CU_MAX_PASSWORD_BYTES && cu_utf8_valid(pw, len));
		check((int)cu_utf8_len(pw, len) >= (tfa ? p->min_length_2fa : p->min_length));
	} else {
		bool known = false;
		check(r == CU_ERR_INVALID && rule && why[0]);
		for (size_t i = 0; rules[i]; i++)
			known |= strcmp(rule, rules[i]) == 0;
		check(known);
	}
	r2 = cu_pwpolicy_check(p, pw, user, tfa, &rule2, why2, sizeof(why2));
	check(r2 == r && (r == CU_OK ? rule2 == NULL : strcmp(rule, rule2) == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nul = memchr(in, '\0', size);
	struct cu_pwpolicy presets[2], fuzzed;
	bool have_fuzzed = false;
	char *pw, *user = NULL, why[256];

	if (!ready)
		LLVMFuzzerInitialize(NULL, NULL);
	check(cu_pwpolicy_preset("nist", &presets[0]) == CU_OK);
	check(cu_pwpolicy_preset("mlps", &presets[1]) == CU_OK);
	policy_sane(&presets[0]);
	policy_sane(&presets[1]);
	if (nul) {
		json_t *j = NULL;
		const char *rest = nul + 1, *nul2;
		size_t restlen = size - (size_t)(nul - in) - 1;
		if (cu_json_parse(in, (size_t)(nul - in), &j, NULL, 0) == CU_OK) {
			why[0] = '\0';
			if (cu_pwpolicy_from_json(j, &fuzzed, why, sizeof(why)) == CU_OK) {
				have_fuzzed = true;
				policy_sane(&fuzzed);
			} else {
				check(why[0] != '\0');
			}
			json_decref(j);
		}
		nul2 = memchr(rest, '\0', restlen);
		if (nul2) {
			pw = cu_strndup(rest, (size_t)(nul2 - rest));
			user = cu_strndup(nul2 + 1, restlen - (size_t)(nul2 - rest) - 1);
		} else {
			pw = cu_strndup(rest, restlen);
		}
	} else {
		pw = cu_strndup(in, size);
	}
	for (int tfa = 0; tfa < 2; tfa++) {
		for (size_t i = 0; i < 2; i++) {
			pw_check(&presets[i], pw, user ? user : "alice", tfa);
			pw_check(&presets[i], pw, NULL, tfa);
		}
		if (have_fuzzed)
			pw_check(&fuzzed, pw, user, tfa);
	}
	cu_free(pw);
	cu_free(user);
	return 0;
}
