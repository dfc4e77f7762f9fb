#include "policy/mask.h"
#include "core/buf.h"
#include "crypto/keyring.h"

static const char *const names[] = {
	[CU_MASK_NONE] = "none",         [CU_MASK_MOBILE] = "mobile",
	[CU_MASK_CN_ID] = "cn_id",       [CU_MASK_CN_ID_STRICT] = "cn_id_strict",
	[CU_MASK_BANK_CARD] = "bank_card", [CU_MASK_NAME] = "name",
	[CU_MASK_EMAIL] = "email",       [CU_MASK_ADDRESS] = "address",
	[CU_MASK_PARTIAL] = "partial",   [CU_MASK_REDACT] = "redact",
	[CU_MASK_HASH] = "hash",         [CU_MASK_NULL] = "null",
};

int cu_mask_parse(const char *name, enum cu_mask *out)
{
	*out = CU_MASK_NONE;
	for (size_t i = 0; i < CU_ARRAY_LEN(names); i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (enum cu_mask)i;
			return CU_OK;
		}
	return CU_ERR_INVALID;
}

const char *cu_mask_name(enum cu_mask m)
{
	return (size_t)m < CU_ARRAY_LEN(names) ? names[m] : "none";
}

/* True if s[i] starts a character.  Byte 0 always does, even when it is
 * a stray continuation byte: otherwise a value made only of continuation
 * bytes counted as no characters and keep_ends showed all of it, and
 * leading ones were shown ahead of the kept head. */
static bool cp_start(const char *s, size_t i)
{
	return i == 0 || ((unsigned char)s[i] & 0xc0) != 0x80;
}

/* Number of code points in s[0..n). */
static size_t cp_count(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (cp_start(s, i))
			k++;
	return k;
}

/* Byte offset of code point k of s[0..n) (n when k is the count). */
static size_t cp_offset(const char *s, size_t n, size_t k)
{
	for (size_t i = 0; i < n; i++)
		if (cp_start(s, i) && k-- == 0)
			return i;
	return n;
}

/* Keep the first `head` and last `tail` code points, star the rest (at
 * least `minstars` stars so the length of short values does not leak).
 * Offsets are found by scanning, not from a fixed-size table: with a
 * table the "last" characters of a long value were taken from inside it
 * and everything after them was shown. */
static char *keep_ends(const char *s, size_t n, size_t head, size_t tail, size_t minstars)
{
	size_t cps = cp_count(s, n);
	struct cu_buf b;

	cu_buf_init(&b, n * 4 + 64);
	if (cps <= head + tail) {
		/* Too short to show anything safely. */
		head = cps > 1 ? 1 : 0;
		tail = 0;
	}
	size_t stars = cps - head - tail;
	if (stars < minstars)
		stars = minstars;
	size_t head_end = cp_offset(s, n, head);
	size_t tail_start = tail ? cp_offset(s, n, cps - tail) : n;
	if (cu_buf_append(&b, s, head_end))
		goto fail;
	for (size_t i = 0; i < stars; i++)
		if (cu_buf_putc(&b, '*'))
			goto fail;
	if (tail && cu_buf_append(&b, s + tail_start, n - tail_start))
		goto fail;
	return cu_buf_detach(&b, NULL);
fail:
	cu_buf_release(&b);
	return cu_strdup("****");
}

static const char *const compound_surnames[] = {
	"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
	"宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "万俟",
	"闻人", "澹台", "公冶", "太叔", "申屠", "钟离", "呼延", "赫连", "拓跋", "百里",
};

static char *mask_name(const char *s, size_t n)
{
	size_t cps = cp_count(s, n);
	size_t keep = 1;

	for (size_t i = 0; i < CU_ARRAY_LEN(compound_surnames); i++) {
		size_t l = strlen(compound_surnames[i]);
		if (n > l && memcmp(s, compound_surnames[i], l) == 0) {
			keep = 2;
			break;
		}
	}
	if (cps <= keep)
		keep = cps > 1 ? cps - 1 : 1;
	return keep_ends(s, n, keep, 0, cps > keep ? cps - keep : 1);
}

static char *mask_email(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);
	struct cu_buf b;
	if (!at || at == s)
		return keep_ends(s, n, 1, 0, 3);
	cu_buf_init(&b, n + 8);
	size_t first = 1;
	while (first < (size_t)(at - s) && ((unsigned char)s[first] & 0xc0) == 0x80)
		first++;
	/* A one-character local part would be shown whole: show none of it. */
	if (first == (size_t)(at - s))
		first = 0;
	if (cu_buf_append(&b, s, first) || cu_buf_puts(&b, "***") ||
	    cu_buf_append(&b, at, n - (size_t)(at - s))) {
		cu_buf_release(&b);
		return cu_strdup("***");
	}
	return cu_buf_detach(&b, NULL);
}

/* Keep the address down to the district (区/县/旗), else the city (市). */
static char *mask_address(const char *s, size_t n)
{
	static const char *const district[] = { "区", "县", "旗" };
	size_t cut = 0;
	struct cu_buf b;

	for (size_t i = 0; i < CU_ARRAY_LEN(district) && !cut; i++) {
		const char *p = memmem(s, n, district[i], 3);
		if (p)
			cut = (size_t)(p - s) + 3;
	}
	if (!cut) {
		const char *p = memmem(s, n, "市", 3);
		if (p)
			cut = (size_t)(p - s) + 3;
	}
	if (!cut)
		return keep_ends(s, n, 2, 0, 4);
	cu_buf_init(&b, n + 8);
	/* Always star the rest, even when the value ends at the district:
	 * returned unchanged, it would be shown whole (and tell that no
	 * street-level detail is stored). */
	if (cu_buf_append(&b, s, cut) || cu_buf_puts(&b, "****")) {
		cu_buf_release(&b);
		return cu_strdup("****");
	}
	return cu_buf_detach(&b, NULL);
}

char *cu_mask_apply(enum cu_mask m, const char *s, size_t n, const struct cu_keyring *kr,
		    const char *scope)
{
	switch (m) {
	case CU_MASK_NONE: return cu_strndup(s, n);
	case CU_MASK_MOBILE: return keep_ends(s, n, 3, 4, 4);
	case CU_MASK_CN_ID: return keep_ends(s, n, 6, 4, 8);
	case CU_MASK_CN_ID_STRICT: return keep_ends(s, n, 1, 1, 16);
	case CU_MASK_BANK_CARD: return keep_ends(s, n, 6, 4, 6);
	case CU_MASK_NAME: return mask_name(s, n);
	case CU_MASK_EMAIL: return mask_email(s, n);
	case CU_MASK_ADDRESS: return mask_address(s, n);
	case CU_MASK_PARTIAL: return keep_ends(s, n, 1, 1, 3);
	case CU_MASK_REDACT: return cu_strdup("****");
	case CU_MASK_NULL: return NULL;
	case CU_MASK_HASH: {
		uint8_t h[CU_HASH_BYTES];
		struct cu_buf in;
		char *hex;
		cu_buf_init(&in, n + 256);
		if (cu_ad_put(&in, scope ? scope : "", scope ? strlen(scope) : 0) ||
		    cu_ad_put(&in, s, n)) {
			cu_buf_release(&in);
			return cu_strdup("****");
		}
		cu_keyring_mac(kr, "custos.mask.hash", in.data, in.len, h);
		cu_buf_release(&in);
		hex = cu_hex(h, 12);
		return hex;
	}
	}
	return cu_strdup("****");
}
