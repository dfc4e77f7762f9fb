/*
 * mask.h - masking formats for personal information, following Chinese
 * practice (GB/T 35273 examples, common CRM practice):
 *
 *   mobile     13812345678        -> 138****5678
 *   cn_id      110101199003071234 -> 110101********1234 (first 6, last 4)
 *   cn_id_strict                  -> 1****************4 (first 1, last 1)
 *   bank_card  6222021234567890   -> 622202******7890   (first 6, last 4)
 *   name       张三 / 欧阳娜娜     -> 张* / 欧阳**
 *   email      zhang@example.com  -> z***@example.com
 *   address    北京市朝阳区建国路88号 -> 北京市朝阳区****  (down to district)
 *   partial    keep the first and last character
 *   redact     ****
 *   hash       keyed, deterministic hex token (for joins in analytics)
 *   null       JSON null
 */
#ifndef CU_POLICY_MASK_H
#define CU_POLICY_MASK_H

#include "core/common.h"

struct cu_keyring;

enum cu_mask {
	CU_MASK_NONE = 0,
	CU_MASK_MOBILE,
	CU_MASK_CN_ID,
	CU_MASK_CN_ID_STRICT,
	CU_MASK_BANK_CARD,
	CU_MASK_NAME,
	CU_MASK_EMAIL,
	CU_MASK_ADDRESS,
	CU_MASK_PARTIAL,
	CU_MASK_REDACT,
	CU_MASK_HASH,
	CU_MASK_NULL,
};

/* Parse a format name; CU_ERR_INVALID if unknown. */
CU_WUR int cu_mask_parse(const char *name, enum cu_mask *out);
const char *cu_mask_name(enum cu_mask m);

/*
 * Mask the UTF-8 string s[0..n).  Returns a new string (cu_free) or NULL
 * for CU_MASK_NULL.  kr and scope (e.g. "customers.phone") are used only
 * by CU_MASK_HASH, whose token is keyed so it cannot be reversed by
 * hashing guesses.
 */
char *cu_mask_apply(enum cu_mask m, const char *s, size_t n, const struct cu_keyring *kr,
		    const char *scope);

#endif
