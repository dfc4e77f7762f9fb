#include "accounts/password.h"
#include "core/util.h"

#include <ctype.h>
#include <zxcvbn.h>

/*
 * Passwords seen at the top of leaked lists, Chinese ones included
 * (the CSDN, 12306 and Tianya leaks), lower-cased.  zxcvbn's own
 * dictionaries cover the English lists; these are the ones it scores
 * too kindly.
 */
static const char *const common[] = {
	"123456", "123456789", "12345678", "111111", "000000", "11111111", "123123",
	"5201314", "1314520", "woaini1314", "woaini", "woaini520", "iloveyou", "a123456",
	"a123456789", "qq123456", "aa123456", "123456a", "123456aa", "1qaz2wsx", "1q2w3e4r",
	"qwe123", "qweasdzxc", "asd123", "abc123", "admin", "admin123", "admin888",
	"password", "password1", "p@ssw0rd", "passw0rd", "zxcvbnm", "qwertyuiop", "88888888",
	"666666", "888888", "147258369", "987654321", "1234567890", "wangyut2", "dearbook",
	"computer", "changeme", "letmein", "welcome", "custos", "huawei123", "root1234",
};

int cu_pwpolicy_preset(const char *name, struct cu_pwpolicy *p)
{
	memset(p, 0, sizeof(*p));
	if (strcmp(name, "nist") == 0) {
		*p = (struct cu_pwpolicy){ "nist", 15, 8, 0, 30, 0, 0 };
		return CU_OK;
	}
	if (strcmp(name, "mlps") == 0) {
		*p = (struct cu_pwpolicy){ "mlps", 8, 8, 3, 0, 5, 90 };
		return CU_OK;
	}
	return CU_ERR_INVALID;
}

int cu_pwpolicy_from_json(const json_t *j, struct cu_pwpolicy *p, char *why, size_t n)
{
	static const char *const keys[] = { "preset", "min_length", "min_length_2fa", "min_classes",
					    "min_entropy_bits", "history", "expiry_days", NULL };
	static const struct {
		const char *key;
		size_t off;
		int max;
	} ints[] = {
		{ "min_length", offsetof(struct cu_pwpolicy, min_length), 128 },
		{ "min_length_2fa", offsetof(struct cu_pwpolicy, min_length_2fa), 128 },
		{ "min_classes", offsetof(struct cu_pwpolicy, min_classes), 4 },
		{ "min_entropy_bits", offsetof(struct cu_pwpolicy, min_entropy_bits), 128 },
		{ "history", offsetof(struct cu_pwpolicy, history), 24 },
		{ "expiry_days", offsetof(struct cu_pwpolicy, expiry_days), 3650 },
	};
	const char *preset = "nist", *bad;
	int r;

	if (!json_is_object(j) || cu_json_only_keys(j, keys, &bad)) {
		snprintf(why, n, "unknown password policy key '%s'", json_is_object(j) ? bad : "");
		return CU_ERR_INVALID;
	}
	r = cu_json_get_str(j, "preset", &preset);
	if ((r && r != CU_ERR_NOT_FOUND) || cu_pwpolicy_preset(r ? "nist" : preset, p)) {
		snprintf(why, n, "preset must be nist or mlps");
		return CU_ERR_INVALID;
	}
	for (size_t i = 0; i < CU_ARRAY_LEN(ints); i++) {
		int64_t v;
		r = cu_json_get_int(j, ints[i].key, &v);
		if (r == CU_ERR_NOT_FOUND)
			continue;
		if (r || v < 0 || v > ints[i].max) {
			snprintf(why, n, "%s must be an integer 0..%d", ints[i].key, ints[i].max);
			return CU_ERR_INVALID;
		}
		*(int *)((char *)p + ints[i].off) = (int)v;
	}
	if (p->min_length < 8 || p->min_length_2fa < 8) {
		snprintf(why, n, "minimum lengths below 8 are not allowed");
		return CU_ERR_INVALID;
	}
	return CU_OK;
}

json_t *cu_pwpolicy_to_json(const struct cu_pwpolicy *p)
{
	return json_pack("{s:s,s:i,s:i,s:i,s:i,s:i,s:i}", "preset", p->preset, "min_length",
			 p->min_length, "min_length_2fa", p->min_length_2fa, "min_classes",
			 p->min_classes, "min_entropy_bits", p->min_entropy_bits, "history",
			 p->history, "expiry_days", p->expiry_days);
}

static int refuse(const char **rule, const char *name, char *why, size_t n, const char *fmt, ...)
	CU_PRINTF(5, 6);
static int refuse(const char **rule, const char *name, char *why, size_t n, const char *fmt, ...)
{
	va_list ap;
	*rule = name;
	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return CU_ERR_INVALID;
}

int cu_pwpolicy_check(const struct cu_pwpolicy *p, const char *pw, const char *username,
		      bool has_2fa, const char **rule, char *why, size_t n)
{
	size_t len = strlen(pw), chars;
	int minlen = has_2fa ? p->min_length_2fa : p->min_length;
	char lower[CU_MAX_PASSWORD_BYTES + 1];

	*rule = NULL;
	if (len > CU_MAX_PASSWORD_BYTES)
		return refuse(rule, "max_length", why, n, "password longer than %d bytes",
			      CU_MAX_PASSWORD_BYTES);
	if (!cu_utf8_valid(pw, len))
		return refuse(rule, "encoding", why, n, "password is not valid UTF-8");
	for (size_t i = 0; i <= len; i++)
		lower[i] = (char)tolower((unsigned char)pw[i]);
	for (size_t i = 0; i < CU_ARRAY_LEN(common); i++)
		if (strcmp(lower, common[i]) == 0)
			return refuse(rule, "common", why, n,
				      "password is on the list of the most common passwords");
	chars = cu_utf8_len(pw, len);
	if ((int)chars < minlen)
		return refuse(rule, "min_length", why, n, "password too short: at least %d characters",
			      minlen);
	if (username && *username && strlen(username) >= 3 && strstr(lower, username))
		return refuse(rule, "contains_username", why, n, "password contains the user name");
	if (p->min_classes) {
		int up = 0, lo = 0, dg = 0, sy = 0;
		for (const unsigned char *s = (const unsigned char *)pw; *s; s++) {
			if (isupper(*s)) up = 1;
			else if (islower(*s)) lo = 1;
			else if (isdigit(*s)) dg = 1;
			else sy = 1;
		}
		if (up + lo + dg + sy < p->min_classes)
			return refuse(rule, "classes", why, n,
				      "password needs characters from %d of: upper case, lower case, "
				      "digits, symbols", p->min_classes);
	}
	if (p->min_entropy_bits) {
		const char *dict[] = { username ? username : "", "custos", NULL };
		double bits = ZxcvbnMatch(pw, dict, NULL);
		if (bits < p->min_entropy_bits)
			return refuse(rule, "guessable", why, n,
				      "password is too easy to guess (about %.0f bits; need %d): "
				      "use a longer phrase of unrelated words", bits, p->min_entropy_bits);
	}
	return CU_OK;
}
