/*
 * digits.c - the numeric detectors: one purpose-built pass over runs of
 * digits instead of a regular expression per type.
 *
 * A *group* is a maximal run of digits (ASCII or full-width), so a number
 * inside a longer run of digits is never a candidate.  Groups joined by a
 * single space or hyphen form a *cluster* ("138 1234 5678",
 * "6222-0212-3456-7890").  The candidates of a cluster are:
 *   - each group on its own, unless it is hyphen-joined to a neighbour
 *     (then it is part of a longer identifier such as an order number);
 *   - each maximal hyphen-joined run of groups;
 *   - the whole cluster when all its joints are spaces (or, for three or
 *     more groups, when they mix spaces and hyphens).
 * A candidate is then tried against the types whose length and grouping
 * it has, and reported only when its check digits validate.
 */
#include "dlp/dlp_int.h"
#include "dlp/validate.h"

#define MAXD 19          /* the longest number of any numeric type */
#define RING 8           /* groups remembered per cluster */
#define MAXRUN 6         /* the most groups in one candidate */

struct grp {
	size_t s, e;         /* bytes; e includes a trailing X */
	unsigned char n;     /* digits, at most MAXD + 1 (= too long) */
	bool x, fw;          /* trailing X; has full-width digits */
	bool word, dotted;   /* letters or ".digit" follow: not a number */
	bool block_right;    /* '@' or "-letter" follows */
	char lj;             /* joint before: 0, ' ' or '-' */
	char d[MAXD + 1];
};

struct run {
	struct grp g[RING];
	size_t count;        /* groups in the cluster so far */
	size_t hrun;         /* groups in the current hyphen run */
	bool all_space;
	bool block_left;     /* the cluster's first group is attached */
};

#define GRP(r, k) (&(r)->g[(k) % RING])

static bool digit_at(const unsigned char *b, size_t n, size_t p)
{
	return p < n && (cu_dlp_is_digit(b[p]) || cu_dlp_is_fwdigit(b + p, n - p));
}

/* Is there a digit (ASCII or full-width) just before offset p? */
static bool digit_before(const unsigned char *b, size_t p)
{
	return (p >= 1 && cu_dlp_is_digit(b[p - 1])) ||
	       (p >= 3 && cu_dlp_is_fwdigit(b + p - 3, 3));
}

static size_t parse_group(const unsigned char *b, size_t n, size_t p, struct grp *g)
{
	memset(g, 0, sizeof(*g));
	g->s = p;
	for (;;) {
		char c;
		if (p < n && cu_dlp_is_digit(b[p])) {
			c = (char)b[p++];
		} else if (cu_dlp_is_fwdigit(b + p, n - p)) {
			c = (char)('0' + (b[p + 2] - 0x90));
			p += 3;
			g->fw = true;
		} else {
			break;
		}
		if (g->n <= MAXD) {
			if (g->n < MAXD)
				g->d[g->n] = c;
			g->n++;
		}
	}
	g->e = p;
	return p;
}

static bool left_attached(const unsigned char *b, size_t pos)
{
	if (pos == 0)
		return false;
	unsigned char c = b[pos - 1];
	if (cu_dlp_is_alnum(c) || c == '@')
		return true;
	/* "3.13812345678" is a decimal and "SF-1381..." a code, but
	 * "No.13812345678" is a label. */
	if (c == '.' && pos >= 2 && cu_dlp_is_digit(b[pos - 2]))
		return true;
	if (c == '-' && pos >= 2 && cu_dlp_is_alnum(b[pos - 2]))
		return true;
	return false;
}

/* Byte offset of digit idx of the group starting at s. */
static size_t digit_offset(const unsigned char *b, size_t s, size_t idx)
{
	while (idx--)
		s += b[s] == 0xEF ? 3 : 1;
	return s;
}

static bool lens_are(const unsigned *lens, size_t k, const unsigned *want, size_t nw)
{
	if (k != nw)
		return false;
	for (size_t i = 0; i < k; i++)
		if (lens[i] != want[i])
			return false;
	return true;
}

#define LENS(...) (const unsigned[]){ __VA_ARGS__ }, \
	sizeof((const unsigned[]){ __VA_ARGS__ }) / sizeof(unsigned)

static bool card_grouping(const unsigned *lens, size_t k)
{
	if (k == 1)
		return true;
	if (lens_are(lens, k, LENS(4, 6, 5)) || lens_are(lens, k, LENS(4, 6, 4)))
		return true;
	if (k < 4)
		return false;
	for (size_t i = 0; i + 1 < k; i++)
		if (lens[i] != 4)
			return false;
	return lens[k - 1] >= 1 && lens[k - 1] <= 4;
}

/* "(010)12345678", "（0755） 1234 5678": the area code in brackets. */
static size_t paren_area(const unsigned char *b, size_t s)
{
	size_t p = s, q;
	if (p > 0 && b[p - 1] == ' ')
		p--;
	if (p >= 1 && b[p - 1] == ')')
		p -= 1;
	else if (p >= 3 && b[p - 3] == 0xEF && b[p - 2] == 0xBC && b[p - 1] == 0x89)
		p -= 3;
	else
		return SIZE_MAX;
	q = p;
	while (q > 0 && p - q < 5 && cu_dlp_is_digit(b[q - 1]))
		q--;
	if (!cu_dlp_valid_area_code((const char *)b + q, p - q))
		return SIZE_MAX;
	if (q >= 1 && b[q - 1] == '(')
		return q - 1;
	if (q >= 3 && b[q - 3] == 0xEF && b[q - 2] == 0xBC && b[q - 1] == 0x88)
		return q - 3;
	return SIZE_MAX;
}

/* A local number: 7 or 8 digits, never starting with 0; written apart
 * from the area code it may start with 1, glued to it it may not. */
static bool local_ok(const char *d, size_t n, bool apart)
{
	return (n == 7 || n == 8) && d[0] >= (apart ? '1' : '2') && d[0] <= '9';
}

static bool try_landline(struct cu_dlp_win *w, const char *d, size_t nd,
			 const unsigned *lens, size_t k, size_t s, size_t e)
{
	if (k == 1 && nd >= 10 && nd <= 12 && d[0] == '0') {
		for (size_t a = 3; a <= 4; a++)
			if (cu_dlp_valid_area_code(d, a) && local_ok(d + a, nd - a, false))
				return cu_dlp_found(w, CU_DLP_CN_LANDLINE, s, e, 0.4, 0.9);
		return false;
	}
	if ((k == 2 || k == 3) && (lens[0] == 3 || lens[0] == 4) &&
	    cu_dlp_valid_area_code(d, lens[0]) && local_ok(d + lens[0], nd - lens[0], true) &&
	    (k == 2 || ((lens[1] == 3 || lens[1] == 4) && lens[2] == 4)))
		return cu_dlp_found(w, CU_DLP_CN_LANDLINE, s, e, 0.8, 0.95);
	if (local_ok(d, nd, true) && (k == 1 || (k == 2 && lens[1] == 4))) {
		size_t ps = paren_area(w->buf, s);
		if (ps != SIZE_MAX)
			return cu_dlp_found(w, CU_DLP_CN_LANDLINE, ps, e, 0.85, 0.95);
	}
	return false;
}

/* 18 digits laid out like a resident ID (province, a plausible birth
 * date) that failed the ID check: a mistyped ID, not a card. */
static bool id_shaped(const char *d, size_t nd)
{
	int prov = (d[0] - '0') * 10 + (d[1] - '0');
	int y = (d[6] - '0') * 1000 + (d[7] - '0') * 100 + (d[8] - '0') * 10 + (d[9] - '0');
	int m = (d[10] - '0') * 10 + (d[11] - '0'), day = (d[12] - '0') * 10 + (d[13] - '0');
	return nd == 18 && cu_dlp_valid_province(prov) && y >= 1900 && y <= 2099 &&
	       m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

static bool try_cards(struct cu_dlp_win *w, const char *d, size_t nd,
		      const unsigned *lens, size_t k, size_t s, size_t e)
{
	if (nd < 13 || !card_grouping(lens, k) || id_shaped(d, nd))
		return false;
	if (cu_dlp_valid_bank_card(d, nd))
		return cu_dlp_found(w, CU_DLP_BANK_CARD, s, e, 0.8, 0.97);
	if (cu_dlp_valid_credit_card(d, nd))
		return cu_dlp_found(w, CU_DLP_CREDIT_CARD, s, e, 0.8, 0.97);
	return false;
}

static void classify_digits(struct cu_dlp_win *w, const char *d, size_t nd, bool x,
			    const unsigned *lens, size_t k, char sep, size_t s, size_t e)
{
	switch (nd) {
	case 18:
		if ((k == 1 || lens_are(lens, k, LENS(6, 8, 4)) || lens_are(lens, k, LENS(6, 4, 4, 4))) &&
		    cu_dlp_valid_cn_id(d, nd)) {
			cu_dlp_found(w, CU_DLP_CN_ID, s, e, 0.95, 0.99);
			return;
		}
		if (x)
			return;
		/* All-digit codes: a mistyped ID is likelier than a USCC
		 * without its label. */
		if (k == 1 && !id_shaped(d, nd) && cu_dlp_valid_cn_uscc(d, nd)) {
			cu_dlp_found(w, CU_DLP_CN_USCC, s, e, 0.45, 0.97);
			return;
		}
		break;
	case 15:
		/* Amex and old IDs share the length: the card wins with card
		 * words near it. */
		if (cu_dlp_valid_credit_card(d, nd) &&
		    cu_dlp_ctx_dist(w->d, w->buf, w->len, s, e, CU_CTX_BANK) <
		    cu_dlp_ctx_dist(w->d, w->buf, w->len, s, e, CU_CTX_ID) &&
		    try_cards(w, d, nd, lens, k, s, e))
			return;
		if ((k == 1 || lens_are(lens, k, LENS(6, 6, 3))) && cu_dlp_valid_cn_id15(d, nd) &&
		    cu_dlp_found(w, CU_DLP_CN_ID15, s, e, 0.3, 0.85))
			return;
		break;
	case 11:
		if ((k == 1 || lens_are(lens, k, LENS(3, 4, 4)) || lens_are(lens, k, LENS(3, 8))) &&
		    cu_dlp_valid_cn_mobile(d, nd)) {
			cu_dlp_found(w, CU_DLP_CN_MOBILE, s, e, k == 1 ? 0.85 : 0.9, 0.98);
			return;
		}
		break;
	case 9:
		if (!cu_dlp_valid_us_ssn(d, nd))
			break;
		if (lens_are(lens, k, LENS(3, 2, 4)))
			cu_dlp_found(w, CU_DLP_US_SSN, s, e, sep == '-' ? 0.6 : 0.3, 0.95);
		else if (k == 1)
			cu_dlp_found(w, CU_DLP_US_SSN, s, e, 0.2, 0.8);
		return;
	default:
		break;
	}
	if (x)
		return;
	if (try_landline(w, d, nd, lens, k, s, e))
		return;
	try_cards(w, d, nd, lens, k, s, e);
}

/* The candidate made of k groups starting at group i0. */
static void classify(struct cu_dlp_win *w, struct run *r, size_t i0, size_t k, char sep)
{
	char d[MAXD + 2];
	unsigned lens[MAXRUN];
	size_t nd = 0;
	bool x = false;

	if (k == 0 || k > MAXRUN)
		return;
	for (size_t i = 0; i < k; i++) {
		const struct grp *g = GRP(r, i0 + i);
		if (g->word || g->dotted || g->n > MAXD || nd + g->n > MAXD)
			return;
		if (g->x && i + 1 != k)
			return;
		memcpy(d + nd, g->d, g->n);
		nd += g->n;
		lens[i] = g->n;
		x = g->x;
	}
	if (x) {
		d[nd++] = 'X';
		lens[k - 1]++;
	}
	d[nd] = '\0';
	classify_digits(w, d, nd, x, lens, k, sep, GRP(r, i0)->s, GRP(r, i0 + k - 1)->e);
}

/* The country code before a mobile number: "+86", "86" or "0086" as its
 * own group ("+86 138 1234 5678", "86-13812345678"). */
static bool is_plus86(const struct cu_dlp_win *w, const struct grp *g)
{
	(void)w;
	if (g->fw || g->lj)
		return false;
	return (g->n == 2 && memcmp(g->d, "86", 2) == 0) ||
	       (g->n == 4 && memcmp(g->d, "0086", 4) == 0);
}

/* "+8613812345678": a mobile number glued to its country code. */
static void plus86_glued(struct cu_dlp_win *w, const struct grp *g)
{
	if (g->n != 13 || g->d[0] != '8' || g->d[1] != '6' || g->x ||
	    g->s == 0 || w->buf[g->s - 1] != '+' || !cu_dlp_valid_cn_mobile(g->d + 2, 11))
		return;
	cu_dlp_found(w, CU_DLP_CN_MOBILE, digit_offset(w->buf, g->s, 2), g->e, 0.9, 0.98);
}

static bool dotted_plate(const struct cu_dlp_win *w, const struct grp *g)
{
	const unsigned char *b = w->buf;
	size_t s = g->s;
	return (s >= 2 && b[s - 2] == 0xC2 && b[s - 1] == 0xB7) ||
	       (s >= 3 && b[s - 3] == 0xE2 && b[s - 2] == 0x80 && b[s - 1] == 0xA2);
}

/* Group j now knows its right joint rj: try every candidate ending at j. */
static void evaluate(struct cu_dlp_win *w, struct run *r, char rj)
{
	size_t j = r->count - 1, i0, k;
	struct grp *g = GRP(r, j);
	bool first_ok = !r->block_left;

	if (g->word || g->dotted || g->block_right)
		return;
	if (g->lj != '-' && rj != '-' && (j > 0 || first_ok)) {
		classify(w, r, j, 1, 0);
		plus86_glued(w, g);
		if (j == 0 && !g->fw && dotted_plate(w, g))
			cu_dlp_scan_plate(w, g->s, g->e);
	}
	k = r->hrun;
	if (rj != '-' && k >= 2 && k <= MAXRUN) {
		i0 = j + 1 - k;
		if (i0 > 0 || first_ok) {
			classify(w, r, i0, k, '-');
			if (is_plus86(w, GRP(r, i0)))
				classify(w, r, i0 + 1, k - 1, '-');
		}
	}
	k = r->count;
	if (rj == 0 && k >= 2 && k <= MAXRUN && r->all_space && first_ok) {
		classify(w, r, 0, k, ' ');
		if (is_plus86(w, GRP(r, 0)))
			classify(w, r, 1, k - 1, ' ');
	} else if (rj == 0 && k >= 3 && k <= MAXRUN && r->hrun != k && first_ok) {
		/* mixed joints, "0755-8234 5678": the whole cluster only */
		classify(w, r, 0, k, '?');
	}
}

static size_t ipv4(struct cu_dlp_win *w, size_t s)
{
	const unsigned char *b = w->buf;
	size_t n = w->len, p = s, parts = 0;
	bool ok = true;

	for (;;) {
		size_t q = p;
		unsigned v = 0;
		while (q < n && cu_dlp_is_digit(b[q]) && q - p < 4)
			v = v * 10 + (unsigned)(b[q++] - '0');
		while (q < n && cu_dlp_is_digit(b[q]))
			q++;
		if (q - p > 3 || v > 255 || (q - p > 1 && b[p] == '0'))
			ok = false;
		parts++;
		p = q;
		if (p + 1 < n && b[p] == '.' && cu_dlp_is_digit(b[p + 1])) {
			p++;
			continue;
		}
		break;
	}
	if (ok && parts == 4 && !left_attached(b, s) && !(s > 0 && b[s - 1] == '.') &&
	    !(p < n && (cu_dlp_is_alnum(b[p]) || cu_dlp_is_fwdigit(b + p, n - p))))
		cu_dlp_found(w, CU_DLP_IPV4, s, p, 0.7, 0.95);
	return p;
}

static size_t alnum_end(const unsigned char *b, size_t n, size_t p)
{
	while (p < n && cu_dlp_is_alnum(b[p]) && b[p] != '_')
		p++;
	return p;
}

/* Look at what follows group g (ending at p): returns the joint or 0. */
static char right_of(struct cu_dlp_win *w, struct grp *g)
{
	const unsigned char *b = w->buf;
	size_t n = w->len, p = g->e;
	unsigned char c = p < n ? b[p] : 0;

	if ((c == 'X' || c == 'x') && !(p + 1 < n && cu_dlp_is_alnum(b[p + 1])) && !g->fw) {
		g->x = true;
		g->e++;
		return 0;
	}
	if (p < n && (cu_dlp_is_alpha(c) || c == '_')) {
		g->word = true;
		return 0;
	}
	if (c == '.' && p + 1 < n && cu_dlp_is_digit(b[p + 1]) && !g->fw) {
		g->dotted = true;
		return 0;
	}
	if (c == '@' || (c == '-' && p + 1 < n && cu_dlp_is_alpha(b[p + 1]))) {
		g->block_right = true;
		return 0;
	}
	if ((c == ' ' || c == '-') && digit_at(b, n, p + 1))
		return (char)c;
	return 0;
}

size_t cu_dlp_scan_digits(struct cu_dlp_win *w, size_t pos)
{
	const unsigned char *b = w->buf;
	size_t n = w->len, p = pos;
	struct run r;
	struct grp *g = NULL;
	char lj = 0, rj;

	if (pos > 0 && b[pos - 1] == ':') {
		size_t e = cu_dlp_scan_ipv6(w, pos, w->lo);
		if (e)
			return e;
	}
	memset(&r, 0, sizeof(r));
	r.all_space = true;
	r.block_left = left_attached(b, pos);
	if (pos >= 2 && (b[pos - 1] == ' ' || b[pos - 1] == '-') && digit_before(b, pos - 1)) {
		lj = (char)b[pos - 1];
		r.all_space = false;
	}
	do {
		g = GRP(&r, r.count);
		p = parse_group(b, n, p, g);
		g->lj = lj;
		rj = right_of(w, g);
		r.hrun = lj == '-' && r.count > 0 ? r.hrun + 1 : 1;
		if (r.count > 0 && lj != ' ')
			r.all_space = false;
		r.count++;
		evaluate(w, &r, rj);
		lj = rj;
		p = g->e + (rj ? 1 : 0);
	} while (rj);
	if (g->word)
		return cu_dlp_scan_word(w, g->s, alnum_end(b, n, g->e));
	if (g->dotted)
		return ipv4(w, g->s);
	if (g->e < n && b[g->e] == ':') {
		size_t e = cu_dlp_scan_ipv6(w, g->s, w->lo);
		if (e)
			return e;
	}
	return g->e;
}
