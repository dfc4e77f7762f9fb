/*
 * net.c - e-mail addresses and IPv6 addresses.
 *
 * E-mail is anchored on '@' (rare in text, so cheap): the local part is
 * read backwards, the domain forwards, both with RFC 5321 length limits.
 * IPv6 is tried where hexadecimal groups touch a ':'; the address must
 * parse completely (eight groups, or fewer with one "::", an optional
 * dotted IPv4 tail), which rules out times and MAC addresses.
 */
#include "dlp/dlp_int.h"

static bool local_char(unsigned char c)
{
	return cu_dlp_is_alnum(c) || c == '.' || c == '%' || c == '+' || c == '-';
}

static bool label_char(unsigned char c)
{
	return cu_dlp_is_digit(c) || cu_dlp_is_alpha(c) || c == '-';
}

/* The end of the domain starting at p, or 0 when it is not one. */
static size_t domain_end(const unsigned char *b, size_t n, size_t p)
{
	size_t start = p, labels = 0, last = p;
	bool tld_alpha = false;

	for (;;) {
		size_t q = p;
		while (q < n && label_char(b[q]) && q - p <= 63)
			q++;
		if (q == p || q - p > 63 || b[p] == '-' || b[q - 1] == '-')
			break;
		labels++;
		last = q;
		tld_alpha = true;
		for (size_t i = p; i < q; i++)
			tld_alpha &= cu_dlp_is_alpha(b[i]);
		tld_alpha &= q - p >= 2;
		if (q + 1 < n && b[q] == '.' && label_char(b[q + 1])) {
			p = q + 1;
			continue;
		}
		break;
	}
	if (labels < 2 || !tld_alpha || last - start > 253)
		return 0;
	if (last < n && (b[last] == '_' || b[last] == '@'))
		return 0;
	return last;
}

size_t cu_dlp_scan_email(struct cu_dlp_win *w, size_t at)
{
	const unsigned char *b = w->buf;
	size_t s = at, e;

	while (s > 0 && at - s < 64 && local_char(b[s - 1]))
		s--;
	if (s > 0 && (local_char(b[s - 1]) || b[s - 1] == '@'))
		return at + 1;
	while (s < at && (b[s] == '.' || b[s] == '-' || b[s] == '+'))
		s++;
	if (s == at || b[at - 1] == '.')
		return at + 1;
	for (size_t i = s; i + 1 < at; i++)
		if (b[i] == '.' && b[i + 1] == '.')
			return at + 1;
	e = domain_end(b, w->len, at + 1);
	if (!e)
		return at + 1;
	cu_dlp_found(w, CU_DLP_EMAIL, s, e, 0.95, 0.99);
	return e;
}

static bool hexc(unsigned char c)
{
	return cu_dlp_is_digit(c) || (unsigned)((c | 0x20) - 'a') < 6u;
}

/* Parse an IPv6 address at b[p..n); return its length or 0. */
static size_t ipv6_parse(const unsigned char *b, size_t n, size_t p)
{
	size_t s = p, groups = 0, last_group = p;
	bool dcolon = false;

	if (p + 1 < n && b[p] == ':' && b[p + 1] == ':') {
		dcolon = true;
		p += 2;
	} else if (p < n && b[p] == ':') {
		return 0;
	}
	for (;;) {
		size_t q = p;
		while (q < n && hexc(b[q]) && q - p < 5)
			q++;
		if (q == p)
			break;
		if (q - p > 4)
			return 0;
		if (q < n && b[q] == '.' && groups <= 6) {
			/* dotted IPv4 tail: counts as two groups */
			size_t r = p, parts = 1;
			while (parts <= 4) {
				size_t t = r;
				unsigned v = 0;
				while (t < n && cu_dlp_is_digit(b[t]) && t - r < 3)
					v = v * 10 + (unsigned)(b[t++] - '0');
				if (t == r || v > 255)
					return 0;
				r = t;
				if (parts < 4) {
					if (r >= n || b[r] != '.')
						return 0;
					r++;
				}
				parts++;
			}
			groups += 2;
			last_group = r;
			p = r;
			break;
		}
		groups++;
		last_group = q;
		p = q;
		if (p + 1 < n && b[p] == ':' && b[p + 1] == ':' && !dcolon) {
			dcolon = true;
			p += 2;
			last_group = p;
			continue;
		}
		if (p + 1 < n && b[p] == ':' && hexc(b[p + 1])) {
			p++;
			continue;
		}
		break;
	}
	if (groups > 8 || (!dcolon && groups != 8) || (dcolon && groups > 7))
		return 0;
	if (last_group < n) {
		unsigned char c = b[last_group];
		bool more = last_group + 1 < n && (hexc(b[last_group + 1]) || b[last_group + 1] == ':');
		if (cu_dlp_is_alnum(c) || (c == ':' && more) ||
		    (c == '.' && last_group + 1 < n && cu_dlp_is_digit(b[last_group + 1])))
			return 0;
	}
	return last_group - s;
}

/* Try an address starting at s; return its end or 0. */
static size_t ipv6_at(struct cu_dlp_win *w, size_t s, size_t pos)
{
	const unsigned char *b = w->buf;
	size_t len;

	if (s > 0 && (cu_dlp_is_alnum(b[s - 1]) || b[s - 1] == '.'))
		return 0;
	len = ipv6_parse(b, w->len, s);
	if (!len || s + len <= pos)
		return 0;
	cu_dlp_found(w, CU_DLP_IPV6, s, s + len, 0.9, 0.97);
	return s + len;
}

size_t cu_dlp_scan_ipv6(struct cu_dlp_win *w, size_t pos, size_t lo)
{
	const unsigned char *b = w->buf;
	size_t s = pos, e;

	while (s > lo && pos - s < 45 && (hexc(b[s - 1]) || b[s - 1] == ':'))
		s--;
	if ((e = ipv6_at(w, s, pos)))
		return e;
	/* "IPv6:2001:db8::1": the word before the first ':' is a label. */
	while (s < pos && hexc(b[s]))
		s++;
	if (s >= pos || b[s] != ':' || (s + 1 < w->len && b[s + 1] == ':'))
		return 0;
	return ipv6_at(w, s + 1, pos);
}
