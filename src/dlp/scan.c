/*
 * scan.c - one pass over a window: skip to the bytes that can start a
 * finding, hand each to its detector.
 *
 * Almost all of a text is letters, CJK and punctuation that cannot start
 * a built-in finding; the skipper looks 16 bytes at a time (SSE2) for an
 * ASCII digit, '@', or 0xEF (lead byte of full-width digits).  Detectors
 * then work byte by byte on the small neighbourhood of each hit.  This is
 * why the numeric types do not go through Hyperscan: here the limit is
 * memory bandwidth, not pattern matching.
 */
#include "dlp/dlp_int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

static inline bool interesting(unsigned char c)
{
	return cu_dlp_is_digit(c) || c == '@' || c == 0xEF;
}

static size_t skip(const unsigned char *p, size_t i, size_t n)
{
#ifdef __SSE2__
	const __m128i off = _mm_set1_epi8((char)(0x80 - '0'));
	const __m128i lim = _mm_set1_epi8((char)(0x80 + 10));
	const __m128i at = _mm_set1_epi8('@');
	const __m128i ef = _mm_set1_epi8((char)0xEF);
	while (i + 32 <= n) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
		__m128i ma = _mm_or_si128(_mm_cmplt_epi8(_mm_add_epi8(a, off), lim),
			_mm_or_si128(_mm_cmpeq_epi8(a, at), _mm_cmpeq_epi8(a, ef)));
		__m128i mb = _mm_or_si128(_mm_cmplt_epi8(_mm_add_epi8(b, off), lim),
			_mm_or_si128(_mm_cmpeq_epi8(b, at), _mm_cmpeq_epi8(b, ef)));
		unsigned m = (unsigned)_mm_movemask_epi8(ma) |
			     ((unsigned)_mm_movemask_epi8(mb) << 16);
		if (m)
			return i + (size_t)__builtin_ctz(m);
		i += 32;
	}
#endif
	while (i < n && !interesting(p[i]))
		i++;
	return i;
}

static size_t word_end(const unsigned char *p, size_t i, size_t n)
{
	while (i < n && cu_dlp_is_alnum(p[i]) && p[i] != '_')
		i++;
	return i;
}

/* A digit at i: a word if ASCII letters lead up to it, else a number. */
static size_t at_digit(struct cu_dlp_win *w, size_t i)
{
	const unsigned char *p = w->buf;
	size_t ws = i;

	if (p[i] != 0xEF) {
		while (ws > w->lo && cu_dlp_is_alpha(p[ws - 1]))
			ws--;
		if (ws < i) {
			size_t we = word_end(p, i, w->len);
			return cu_dlp_scan_word(w, ws, we);
		}
	}
	return cu_dlp_scan_digits(w, i);
}

static bool builtin_on(const struct cu_dlp *d)
{
	for (int t = 0; t < CU_DLP_BUILTIN_COUNT; t++)
		if (d->enabled[t])
			return true;
	return false;
}

void cu_dlp_scan_window(struct cu_dlp_win *w)
{
	const unsigned char *p = w->buf;
	size_t i = 0, next, stop;

	if (w->d->db)
		cu_dlp_rules_scan(w);
	if (w->err || !builtin_on(w->d))
		return;
	/* Anchors ('@', the digit of "fe80::1") may lie after the start of
	 * their finding, at most a finding's length. */
	stop = w->len - w->to > CU_DLP_MAX_MATCH ? w->to + CU_DLP_MAX_MATCH : w->len;
	w->lo = 0;
	while ((i = skip(p, i, stop)) < stop) {
		if (p[i] == '@')
			next = cu_dlp_scan_email(w, i);
		else if (p[i] == 0xEF && !cu_dlp_is_fwdigit(p + i, w->len - i))
			next = i + 1;
		else
			next = at_digit(w, i);
		i = next > i ? next : i + 1;
		if (i > w->lo)
			w->lo = i;
	}
}
