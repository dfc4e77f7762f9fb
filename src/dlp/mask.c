/*
 * mask.c - the default masking of findings.
 *
 * A value is read as characters (UTF-8 code points; a stray byte counts
 * as one).  Letters, digits and CJK characters are *significant*; the
 * rest (spaces, hyphens, dots, colons, brackets, middle dots) are
 * separators and stay as they are.  Each type keeps its first and last
 * few significant characters and replaces each other one by '*'.
 * These defaults apply until the policy module's masking formats do.
 */
#include "dlp/dlp_int.h"

static size_t unit_len(const unsigned char *p, size_t n)
{
	size_t want = p[0] < 0x80 ? 1 : p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 1;
	if (want > n)
		return 1;
	for (size_t i = 1; i < want; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 1;
	return want;
}

static bool significant(const unsigned char *p, size_t ul)
{
	if (ul == 1)
		return cu_dlp_is_digit(p[0]) || cu_dlp_is_alpha(p[0]) || p[0] >= 0x80;
	if (ul == 2 && p[0] == 0xC2 && p[1] == 0xB7)
		return false;                          /* middle dot */
	if (ul == 3 && p[0] == 0xEF && p[1] == 0xBC)
		return p[2] >= 0x90 && p[2] <= 0x99;   /* full-width digits */
	if (ul == 3 && p[0] == 0xE2 && p[1] == 0x80)
		return false;                          /* dashes, bullets */
	if (ul == 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
		return false;                          /* ideographic space */
	return true;
}

static size_t count_sig(const unsigned char *p, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n;) {
		size_t ul = unit_len(p + i, n - i);
		c += significant(p + i, ul);
		i += ul;
	}
	return c;
}

/* Significant characters before the first separator c (area codes,
 * first IP group). */
static size_t lead_sig(const unsigned char *p, size_t n, const char *stops)
{
	size_t c = 0;
	for (size_t i = 0; i < n && !strchr(stops, p[i]); i++)
		c++;
	return c;
}

static int keep_mask(struct cu_buf *out, const unsigned char *p, size_t n,
		     size_t first, size_t last)
{
	size_t total = count_sig(p, n), k = 0;
	int r = CU_OK;

	if (total <= first + last) {
		last = 0;
		if (total <= first)
			first = total > 1 ? 1 : 0;
	}
	for (size_t i = 0; i < n && !r;) {
		size_t ul = unit_len(p + i, n - i);
		if (!significant(p + i, ul)) {
			r = cu_buf_append(out, p + i, ul);
		} else {
			bool keep = k < first || k >= total - last;
			r = keep ? cu_buf_append(out, p + i, ul) : cu_buf_putc(out, '*');
			k++;
		}
		i += ul;
	}
	return r;
}

static int mask_email(struct cu_buf *out, const unsigned char *p, size_t n)
{
	const unsigned char *at = memchr(p, '@', n);
	int r;
	if (!at || at == p)
		return keep_mask(out, p, n, 1, 0);
	if ((r = cu_buf_append(out, p, 1)) || (r = cu_buf_puts(out, "***")))
		return r;
	return cu_buf_append(out, at, n - (size_t)(at - p));
}

int cu_dlp_mask_value(int type, const char *s, size_t n, struct cu_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;

	switch (type) {
	case CU_DLP_CN_MOBILE:
		return keep_mask(out, p, n, 3, 4);
	case CU_DLP_CN_LANDLINE: {
		size_t i = 0;
		while (i < n && !cu_dlp_is_digit(p[i]))
			i++;
		size_t area = i + 1 < n && (p[i + 1] == '1' || p[i + 1] == '2') ? 3 : 4;
		return keep_mask(out, p, n, area, 4);
	}
	case CU_DLP_CN_ID:
	case CU_DLP_BANK_CARD:
	case CU_DLP_CREDIT_CARD:
		return keep_mask(out, p, n, 6, 4);
	case CU_DLP_CN_ID15:
		return keep_mask(out, p, n, 6, 3);
	case CU_DLP_CN_USCC:
		return keep_mask(out, p, n, 2, 2);
	case CU_DLP_CN_PLATE:
		return keep_mask(out, p, n, 2, 1);
	case CU_DLP_EMAIL:
		return mask_email(out, p, n);
	case CU_DLP_IPV4:
		return keep_mask(out, p, n, lead_sig(p, n, "."), 0);
	case CU_DLP_IPV6:
		return keep_mask(out, p, n, lead_sig(p, n, ":"), 0);
	case CU_DLP_IBAN:
		return keep_mask(out, p, n, 4, 4);
	case CU_DLP_US_SSN:
		return keep_mask(out, p, n, 0, 4);
	case CU_DLP_CN_PASSPORT:
	case CU_DLP_CN_HK_MACAU_PERMIT:
		return keep_mask(out, p, n, 1, 1);
	default:
		/* keyword and custom rules: keep the first character */
		return keep_mask(out, p, n, 1, count_sig(p, n) > 3 ? 1 : 0);
	}
}
