/*
 * dlp.h - detection of personal information in text and bytes.
 *
 * The engine (struct cu_dlp) is built once from options and is immutable
 * afterwards: any number of threads may scan with the same engine at the
 * same time.  Each scan (a stream, or one call of cu_dlp_scan_buf /
 * cu_dlp_mask_buf) owns its own working memory, including a private
 * Hyperscan scratch cloned from the engine's, so no locking is needed.
 *
 * Input is bytes.  Invalid UTF-8 and binary data are scanned as they are;
 * offsets in findings are always byte offsets into the original input.
 *
 * Findings are reported in order of start offset (ties: shorter first).
 * Two findings of different types may overlap (a keyword inside a custom
 * match, for instance); built-in detectors never report overlapping
 * findings of the same candidate.
 *
 * Ownership: every pointer passed in is borrowed for the duration of the
 * call; pointers inside a struct cu_dlp_finding are borrowed and valid only
 * during the callback, except type, which lives as long as the engine.
 *
 * See docs/scan.md for what each detector validates.
 */
#ifndef CU_DLP_DLP_H
#define CU_DLP_DLP_H

#include "core/common.h"
#include "core/buf.h"

/* The built-in detectors, in the order of cu_dlp_type_name(). */
enum cu_dlp_type {
	CU_DLP_CN_ID,
	CU_DLP_CN_ID15,
	CU_DLP_CN_MOBILE,
	CU_DLP_CN_LANDLINE,
	CU_DLP_BANK_CARD,
	CU_DLP_CREDIT_CARD,
	CU_DLP_CN_USCC,
	CU_DLP_CN_PASSPORT,
	CU_DLP_CN_HK_MACAU_PERMIT,
	CU_DLP_CN_PLATE,
	CU_DLP_EMAIL,
	CU_DLP_IPV4,
	CU_DLP_IPV6,
	CU_DLP_IBAN,
	CU_DLP_US_SSN,
	CU_DLP_BUILTIN_COUNT
};

/* Confidence below which findings are dropped unless opts say otherwise.
 * Detectors that need context words score below it without them. */
#define CU_DLP_DEFAULT_MIN_CONFIDENCE 0.5

/* Longest match any detector or user rule reports, in bytes.  Longer
 * custom-rule matches are dropped; this bounds the overlap kept between
 * chunks of a stream and so the stream's memory. */
#define CU_DLP_MAX_MATCH 512

struct cu_dlp_opts {
	/*
	 * Comma-separated detector names to enable; NULL or "" enables all.
	 * Names are the built-in types, "keyword" / "custom" (all user rules
	 * of that kind) or "keyword:<dict>" / "custom:<name>".
	 */
	const char *types;
	/* Drop findings whose confidence is below this; a negative value
	 * means CU_DLP_DEFAULT_MIN_CONFIDENCE. */
	double min_confidence;
	/* Optional user rules: a JSON document (see docs/scan.md), borrowed. */
	const char *rules;
	size_t rules_len;
};

struct cu_dlp;
struct cu_dlp_stream;

struct cu_dlp_finding {
	const char *type;     /* "cn_id", "keyword:confidential", ... */
	int type_id;          /* enum cu_dlp_type, or >= CU_DLP_BUILTIN_COUNT
			       * for user rules */
	uint64_t start, end;  /* byte offsets of [start, end) in the input */
	double confidence;    /* in [0, 1] */
	const char *bytes;    /* the matched input bytes, end - start long */
};

/*
 * Called once per finding, in order.  Return 0 to go on; any other value
 * stops the scan and is returned by the scanning function (use a negative
 * enum cu_err).
 */
typedef int (*cu_dlp_found_fn)(void *ctx, const struct cu_dlp_finding *f);
/* Receives consecutive pieces of masked output; same return convention. */
typedef int (*cu_dlp_write_fn)(void *ctx, const char *p, size_t n);

/* Set opts to the defaults (all detectors, default confidence, no rules). */
void cu_dlp_opts_init(struct cu_dlp_opts *opts);

/*
 * Build an engine into *out (owned by the caller; cu_dlp_free it).
 * Returns CU_ERR_INVALID with a short reason in why (may be NULL) for an
 * unknown type name, a malformed rules document or a rule Hyperscan
 * cannot compile.
 */
CU_WUR int cu_dlp_new(const struct cu_dlp_opts *opts, struct cu_dlp **out,
		      char *why, size_t whylen);
void cu_dlp_free(struct cu_dlp *d);

/* The name of a built-in type, or NULL when out of range. */
const char *cu_dlp_type_name(int type);
/* The built-in type named name, or -1. */
int cu_dlp_type_from_name(const char *name);

/*
 * Streaming scan in bounded memory (about 1 MiB per stream, whatever the
 * input size).  found is called for every finding (may be NULL); when
 * write is not NULL the stream also produces the input with every finding
 * masked.  Findings that straddle the boundary between two feeds are
 * found.  After an error every further call returns it again.
 * close flushes and frees the stream (also after an error) and returns
 * the first error of the stream's life, or CU_OK.
 */
CU_WUR int cu_dlp_stream_open(const struct cu_dlp *d, cu_dlp_found_fn found,
			      cu_dlp_write_fn write, void *ctx,
			      struct cu_dlp_stream **out);
CU_WUR int cu_dlp_stream_feed(struct cu_dlp_stream *s, const void *p, size_t n);
CU_WUR int cu_dlp_stream_close(struct cu_dlp_stream *s);
/* Abandon a stream without flushing; NULL is fine. */
void cu_dlp_stream_free(struct cu_dlp_stream *s);

/* Scan p[0..n) in place (no copy) and report each finding to found. */
CU_WUR int cu_dlp_scan_buf(const struct cu_dlp *d, const char *p, size_t n,
			   cu_dlp_found_fn found, void *ctx);

/*
 * Append p[0..n) with every finding masked to out (which keeps its cap:
 * CU_ERR_TOO_LARGE when the masked text does not fit).  found, if not
 * NULL, also receives the findings, so one pass gives both.
 */
CU_WUR int cu_dlp_mask_buf(const struct cu_dlp *d, const char *p, size_t n,
			   struct cu_buf *out, cu_dlp_found_fn found, void *ctx);

/*
 * Append the default mask of one finding's bytes to out: mobile
 * 138****5678, ID and card numbers keep the first 6 and last 4, e-mail
 * z***@example.com, others keep their first and last characters.
 * Separators (spaces, hyphens, dots) are kept.
 */
CU_WUR int cu_dlp_mask_value(int type_id, const char *p, size_t n,
			     struct cu_buf *out);

#endif
