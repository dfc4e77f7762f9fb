/*
 * password.h - password policy as a named, configurable object.
 *
 *   nist (default)  NIST SP 800-63B: at least 15 characters, or 8 when the
 *                   account has two-factor; refused when common, breached-
 *                   looking or guessable (zxcvbn estimate, user's own name);
 *                   no composition rules, no forced rotation.
 *   mlps            what MLPS 2.0 (GB/T 22239-2019) assessors check: at least
 *                   8 characters from 3 of 4 classes (upper, lower, digit,
 *                   symbol), expiry every 90 days, no reuse of the last 5.
 */
#ifndef CU_ACCOUNTS_PASSWORD_H
#define CU_ACCOUNTS_PASSWORD_H

#include "core/json.h"

struct cu_pwpolicy {
	char preset[16];        /* "nist" | "mlps" */
	int min_length;         /* characters (code points) */
	int min_length_2fa;     /* when the account has two-factor */
	int min_classes;        /* of upper/lower/digit/symbol; 0 = no rule */
	int min_entropy_bits;   /* zxcvbn estimate; 0 = no check */
	int history;            /* refuse reuse of the last N; 0 = no rule */
	int expiry_days;        /* 0 = never */
};

/* Fill p from a preset name; CU_ERR_INVALID for unknown presets. */
CU_WUR int cu_pwpolicy_preset(const char *name, struct cu_pwpolicy *p);
/* Read {"preset":..., overrides...}; errors name the key in why. */
CU_WUR int cu_pwpolicy_from_json(const json_t *j, struct cu_pwpolicy *p, char *why, size_t n);
json_t *cu_pwpolicy_to_json(const struct cu_pwpolicy *p);

/*
 * Check pw for a user.  On refusal returns CU_ERR_INVALID with the rule
 * that failed in rule ("min_length", "common", "guessable", "classes",
 * "contains_username") and a message in why.
 */
CU_WUR int cu_pwpolicy_check(const struct cu_pwpolicy *p, const char *pw, const char *username,
			     bool has_2fa, const char **rule, char *why, size_t n);

#endif
