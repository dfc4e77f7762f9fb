/*
 * words.c - detectors for identifiers made of letters and digits:
 * USCC, passports, HK/Macau permits, IBAN, licence plates.
 *
 * A word is a maximal run of ASCII letters and digits that contains a
 * digit; the skipper hands each one over once.  Words glued to other
 * words by '_', '.', '-' or '@' are parts of longer identifiers (file
 * names, SKUs, e-mail addresses) and are left alone.
 */
#include "dlp/dlp_int.h"
#include "dlp/validate.h"

/* The one-character province abbreviations that start a plate. */
static const char provinces[] =
	"京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

static bool province_at(const unsigned char *p)
{
	for (size_t i = 0; i + 3 <= sizeof(provinces) - 1; i += 3)
		if (memcmp(p, provinces + i, 3) == 0)
			return true;
	return false;
}

static bool is_upper(unsigned char c)
{
	return (unsigned)(c - 'A') < 26u;
}

bool cu_dlp_scan_plate(struct cu_dlp_win *w, size_t s, size_t e)
{
	const unsigned char *b = w->buf;
	size_t len = e - s, ps, q = s, tl;
	char t[8];

	if (len < 5 || len > 7 || (e < w->len && cu_dlp_is_alnum(b[e])))
		return false;
	if (is_upper(b[s]) && s >= 3 && province_at(b + s - 3)) {
		ps = s - 3;
		memcpy(t, b + s, len);
		tl = len;
	} else {
		if (q >= 2 && b[q - 2] == 0xC2 && b[q - 1] == 0xB7)
			q -= 2;          /* U+00B7 middle dot */
		else if (q >= 3 && b[q - 3] == 0xE2 && b[q - 2] == 0x80 && b[q - 1] == 0xA2)
			q -= 3;          /* U+2022 bullet */
		else
			return false;
		if (q < 4 || !is_upper(b[q - 1]) || !province_at(b + q - 4) || len > 6)
			return false;
		ps = q - 4;
		t[0] = (char)b[q - 1];
		memcpy(t + 1, b + s, len);
		tl = len + 1;
	}
	if (!cu_dlp_valid_plate_tail(t, tl))
		return false;
	return cu_dlp_found(w, CU_DLP_CN_PLATE, ps, e, 0.85, 0.97);
}

static size_t alnum_end(const unsigned char *b, size_t n, size_t p)
{
	while (p < n && cu_dlp_is_alnum(b[p]) && b[p] != '_')
		p++;
	return p;
}

/* "GB82 WEST 1234 5698 7654 32": an IBAN printed in groups of four. */
static size_t iban_spaced(struct cu_dlp_win *w, size_t s, size_t e)
{
	const unsigned char *b = w->buf;
	char t[40];
	size_t want = cu_dlp_iban_length((const char *)b + s), L = 4, p = e;

	if (want == 0)
		return 0;
	memcpy(t, b + s, 4);
	while (L < want) {
		if (p + 1 >= w->len || b[p] != ' ')
			return 0;
		size_t q = p + 1, r = alnum_end(b, w->len, q), gl = r - q;
		if (gl == 0 || gl > 4 || L + gl > want || (gl < 4 && L + gl != want))
			return 0;
		memcpy(t + L, b + q, gl);
		L += gl;
		p = r;
	}
	if (p < w->len && (b[p] == '_' || b[p] == '@'))
		return 0;
	if (!cu_dlp_valid_iban(t, L))
		return 0;
	cu_dlp_found(w, CU_DLP_IBAN, s, p, 0.9, 0.98);
	return p;
}

static bool glued(const unsigned char *b, size_t n, size_t s, size_t e)
{
	if (s > 0) {
		unsigned char c = b[s - 1];
		if (c == '_' || c == '@')
			return true;
		if (c == '.' && s >= 2 && cu_dlp_is_digit(b[s - 2]))
			return true;
		if (c == '-' && s >= 2 && cu_dlp_is_alnum(b[s - 2]))
			return true;
	}
	if (e < n) {
		unsigned char c = b[e];
		if (c == '_' || c == '@')
			return true;
		if ((c == '.' || c == '-') && e + 1 < n && cu_dlp_is_alnum(b[e + 1]))
			return true;
	}
	return false;
}

size_t cu_dlp_scan_word(struct cu_dlp_win *w, size_t s, size_t e)
{
	const unsigned char *b = w->buf;
	size_t n = w->len, L = e - s;
	const char *t = (const char *)b + s;

	if ((e < n && b[e] == ':') || (s > 0 && b[s - 1] == ':')) {
		size_t ie = cu_dlp_scan_ipv6(w, s, w->lo);
		if (ie)
			return ie;
	}
	if (L > 34 || glued(b, n, s, e))
		return e;
	if (cu_dlp_scan_plate(w, s, e))
		return e;
	if (L == 4 && e < n && b[e] == ' ' && is_upper(b[s]) && is_upper(b[s + 1])) {
		size_t ie = iban_spaced(w, s, e);
		if (ie)
			return ie;
	}
	if (L == 9 && cu_dlp_valid_cn_passport(t, L))
		cu_dlp_found(w, CU_DLP_CN_PASSPORT, s, e, 0.3, 0.95);
	else if ((L == 9 || L == 11) && cu_dlp_valid_cn_hk_macau_permit(t, L))
		cu_dlp_found(w, CU_DLP_CN_HK_MACAU_PERMIT, s, e, 0.35, 0.95);
	else if (L == 18 && cu_dlp_valid_cn_uscc(t, L))
		cu_dlp_found(w, CU_DLP_CN_USCC, s, e, 0.95, 0.99);
	else if (L >= 15 && cu_dlp_valid_iban(t, L))
		cu_dlp_found(w, CU_DLP_IBAN, s, e, 0.9, 0.98);
	return e;
}
