/*
 * dlp_int.h - the parts of dlp shared between its files, not public.
 *
 * A scan works on windows: a contiguous byte range buf[0..len) of the
 * input that begins base bytes into it.  Detectors look at the whole
 * window but only report candidates whose start lies in [from, to); the
 * stream keeps enough bytes on both sides of that range (CU_DLP_KEEP
 * before, CU_DLP_GUARD after) that every decision about a candidate sees
 * the same bytes it would see in a one-shot scan.  That is what makes
 * findings independent of how the input was chunked.
 */
#ifndef CU_DLP_DLP_INT_H
#define CU_DLP_DLP_INT_H

#include "dlp/dlp.h"

/* Context words are looked for this far before and after a candidate. */
#define CU_DLP_CTX_BEFORE 72
#define CU_DLP_CTX_AFTER 36
/* A negative word ("订单号", "tracking") counts only this close before. */
#define CU_DLP_NEG_NEAR 20
/* Bytes kept before the reporting range and needed after it. */
#define CU_DLP_KEEP (CU_DLP_MAX_MATCH + CU_DLP_CTX_BEFORE + 64)
#define CU_DLP_GUARD (CU_DLP_MAX_MATCH + CU_DLP_CTX_AFTER + 64)
/* Bytes of input scanned per window. */
#define CU_DLP_WINDOW (1024u * 1024u)

/* Context families: each built-in type listens to one. */
enum cu_dlp_ctx {
	CU_CTX_ID, CU_CTX_PHONE, CU_CTX_BANK, CU_CTX_USCC, CU_CTX_PASSPORT,
	CU_CTX_PERMIT, CU_CTX_PLATE, CU_CTX_EMAIL, CU_CTX_IP, CU_CTX_IBAN,
	CU_CTX_SSN, CU_CTX_COUNT
};

enum cu_dlp_rule_kind { CU_RULE_KEYWORD, CU_RULE_CUSTOM };

struct cu_dlp_rule {
	int type_id;            /* index into d->names */
	enum cu_dlp_rule_kind kind;
	unsigned len;           /* keyword length in bytes */
	bool word_start, word_end; /* ASCII alnum at the edge: need a boundary */
	double confidence;
};

struct cu_dlp_ctxword {
	const char *w;          /* lower-case */
	unsigned char len;
	signed char family;     /* enum cu_dlp_ctx, or -1 for a negative word */
};

struct cu_dlp {
	double min_conf;
	bool enabled[CU_DLP_BUILTIN_COUNT];
	bool any_numeric;       /* some digit-based detector is on */
	/* Type names: built-ins first, then "keyword:x" / "custom:y". */
	char **names;
	size_t nnames;
	/* User rules, indexed by Hyperscan pattern id. */
	struct cu_dlp_rule *rules;
	size_t nrules;
	void *db;               /* hs_database_t *, NULL without rules */
	void *scratch;          /* hs_scratch_t * prototype for cloning */
	/* Context words bucketed by their first two bytes. */
	uint16_t ctx_head[1024];
	uint8_t ctx_pair[8192];  /* bit set: some word starts with this pair */
	uint16_t *ctx_next;
	const struct cu_dlp_ctxword *ctx_words;
	size_t nctx;
};

struct cu_dlp_cand {
	uint64_t start, end;    /* absolute offsets */
	double conf;
	int type_id;
};

/* One window being scanned. */
struct cu_dlp_win {
	const struct cu_dlp *d;
	const unsigned char *buf;
	size_t len;
	uint64_t base;
	size_t from, to;        /* report starts in [from, to) */
	size_t lo;              /* bytes before lo are consumed */
	struct cu_dlp_cand *cands;
	size_t ncand, capcand;
	void *scratch;          /* hs_scratch_t *, per scan */
	size_t *last;           /* per custom rule: index of its last cand + 1 */
	int err;
};

/* Record a candidate of a built-in type at window offsets [s, e) with the
 * given confidence before and after context; the context is looked up
 * only when the candidate is in the reporting range.  True when kept. */
bool cu_dlp_found(struct cu_dlp_win *w, int type, size_t s, size_t e,
		  double base, double with_ctx);
/* Is name (or its family, "keyword" for "keyword:x") in the comma-separated
 * list types?  An empty or NULL list holds everything. */
bool cu_dlp_type_listed(const char *types, const char *name);
/* Add a fully scored candidate (used by rules). */
void cu_dlp_push(struct cu_dlp_win *w, int type_id, size_t s, size_t e, double conf);

/* cu_dlp_stream_open with a chosen window size; tests use small windows
 * to put many window boundaries into short texts. */
CU_WUR int cu_dlp_stream_open_window(const struct cu_dlp *d, cu_dlp_found_fn found,
				     cu_dlp_write_fn write, void *ctx, size_t window,
				     struct cu_dlp_stream **out);
/* Run every detector over the window. */
void cu_dlp_scan_window(struct cu_dlp_win *w);
/* The numeric detectors, starting at a digit at pos; returns where
 * scanning resumes. */
size_t cu_dlp_scan_digits(struct cu_dlp_win *w, size_t pos);
/* An ASCII alphanumeric word [s, e) containing a digit; returns where
 * scanning resumes. */
size_t cu_dlp_scan_word(struct cu_dlp_win *w, size_t s, size_t e);
/* E-mail around the '@' at pos; returns where scanning resumes. */
size_t cu_dlp_scan_email(struct cu_dlp_win *w, size_t at);
/* IPv6 starting at or before pos; returns the end, or 0 if none. */
size_t cu_dlp_scan_ipv6(struct cu_dlp_win *w, size_t pos, size_t lo);
/* Plate whose tail (letter-and-digit part) is [s, e). */
bool cu_dlp_scan_plate(struct cu_dlp_win *w, size_t s, size_t e);

/* Context: +1 when a word of family fam is near [s, e), -1 when a
 * negative word (order, tracking number...) is nearer, else 0. */
void cu_dlp_ctx_build(struct cu_dlp *d);
int cu_dlp_ctx_near(const struct cu_dlp *d, const unsigned char *buf, size_t len,
		    size_t s, size_t e, enum cu_dlp_ctx fam);
enum cu_dlp_ctx cu_dlp_ctx_of(int type);
/* Bytes between [s, e) and the nearest word of family fam (-1: negative
 * words, only looked for before s), SIZE_MAX when there is none. */
size_t cu_dlp_ctx_dist(const struct cu_dlp *d, const unsigned char *b, size_t len,
		       size_t s, size_t e, int fam);

/* User rules: parse the JSON, compile the Hyperscan database. */
CU_WUR int cu_dlp_rules_load(struct cu_dlp *d, const char *json, size_t len,
			     const char *types, char *why, size_t whylen);
void cu_dlp_rules_free(struct cu_dlp *d);
CU_WUR int cu_dlp_rules_scratch(const struct cu_dlp *d, void **out);
void cu_dlp_rules_scratch_free(void *scratch);
void cu_dlp_rules_scan(struct cu_dlp_win *w);

/* Character classes on bytes. */
static inline bool cu_dlp_is_digit(unsigned char c) { return (unsigned)(c - '0') < 10u; }
static inline bool cu_dlp_is_alpha(unsigned char c) { return (unsigned)((c | 0x20) - 'a') < 26u; }
static inline bool cu_dlp_is_alnum(unsigned char c)
{
	return cu_dlp_is_digit(c) || cu_dlp_is_alpha(c) || c == '_';
}
/* A full-width digit (U+FF10..U+FF19) at p[0..2]; needs 3 bytes. */
static inline bool cu_dlp_is_fwdigit(const unsigned char *p, size_t avail)
{
	return avail >= 3 && p[0] == 0xEF && p[1] == 0xBC && p[2] - 0x90u < 10u;
}

#endif
