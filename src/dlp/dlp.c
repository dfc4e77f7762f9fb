/*
 * dlp.c - the engine: options, type names, candidates.
 */
#include "dlp/dlp_int.h"

static const char *const type_names[CU_DLP_BUILTIN_COUNT] = {
	"cn_id", "cn_id15", "cn_mobile", "cn_landline", "bank_card",
	"credit_card", "cn_uscc", "cn_passport", "cn_hk_macau_permit",
	"cn_plate", "email", "ipv4", "ipv6", "iban", "us_ssn",
};

/* How much a negative context word (订单号, tracking...) weighs on each
 * type: weakly checked types lose half their confidence, types with
 * strong check digits barely notice. */
static const double neg_factor[CU_DLP_BUILTIN_COUNT] = {
	[CU_DLP_CN_ID] = 0.95, [CU_DLP_CN_ID15] = 0.5, [CU_DLP_CN_MOBILE] = 0.5,
	[CU_DLP_CN_LANDLINE] = 0.5, [CU_DLP_BANK_CARD] = 0.5,
	[CU_DLP_CREDIT_CARD] = 0.5, [CU_DLP_CN_USCC] = 0.95,
	[CU_DLP_CN_PASSPORT] = 0.5, [CU_DLP_CN_HK_MACAU_PERMIT] = 0.5,
	[CU_DLP_CN_PLATE] = 0.5, [CU_DLP_EMAIL] = 1.0, [CU_DLP_IPV4] = 0.5,
	[CU_DLP_IPV6] = 0.9, [CU_DLP_IBAN] = 0.95, [CU_DLP_US_SSN] = 0.5,
};

const char *cu_dlp_type_name(int type)
{
	return type >= 0 && type < CU_DLP_BUILTIN_COUNT ? type_names[type] : NULL;
}

int cu_dlp_type_from_name(const char *name)
{
	for (int t = 0; t < CU_DLP_BUILTIN_COUNT; t++)
		if (strcmp(name, type_names[t]) == 0)
			return t;
	return -1;
}

void cu_dlp_opts_init(struct cu_dlp_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->min_confidence = -1;
}

/* Is name (or its family "keyword"/"custom") in the comma list? */
bool cu_dlp_type_listed(const char *types, const char *name)
{
	size_t nl = strlen(name);
	const char *colon = strchr(name, ':');
	size_t fl = colon ? (size_t)(colon - name) : 0;

	if (!types || !*types)
		return true;
	for (const char *p = types; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if ((l == nl && memcmp(p, name, l) == 0) || (fl && l == fl && memcmp(p, name, l) == 0))
			return true;
		p += l + (e ? 1 : 0);
	}
	return false;
}

static bool name_known(const struct cu_dlp *d, const char *p, size_t l)
{
	if ((l == 7 && memcmp(p, "keyword", 7) == 0) || (l == 6 && memcmp(p, "custom", 6) == 0))
		return true;
	for (size_t i = 0; i < d->nnames; i++)
		if (strlen(d->names[i]) == l && memcmp(d->names[i], p, l) == 0)
			return true;
	return false;
}

static int check_types(const struct cu_dlp *d, const char *types, char *why, size_t whylen)
{
	if (!types)
		return CU_OK;
	for (const char *p = types; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == 0 || !name_known(d, p, l)) {
			if (why)
				snprintf(why, whylen, "unknown detector type '%.*s'", (int)(l > 64 ? 64 : l), p);
			return CU_ERR_INVALID;
		}
		p += l + (e ? 1 : 0);
	}
	return CU_OK;
}

int cu_dlp_new(const struct cu_dlp_opts *opts, struct cu_dlp **out, char *why, size_t whylen)
{
	struct cu_dlp *d;
	int r;

	*out = NULL;
	if (why && whylen)
		why[0] = '\0';
	d = cu_calloc(1, sizeof(*d));
	d->min_conf = opts->min_confidence < 0 ? CU_DLP_DEFAULT_MIN_CONFIDENCE : opts->min_confidence;
	d->names = cu_calloc(CU_DLP_BUILTIN_COUNT, sizeof(char *));
	for (int t = 0; t < CU_DLP_BUILTIN_COUNT; t++) {
		d->names[t] = cu_strdup(type_names[t]);
		d->enabled[t] = cu_dlp_type_listed(opts->types, type_names[t]);
	}
	d->nnames = CU_DLP_BUILTIN_COUNT;
	cu_dlp_ctx_build(d);
	if (opts->rules && (r = cu_dlp_rules_load(d, opts->rules, opts->rules_len,
						 opts->types, why, whylen)))
		goto out;
	if ((r = check_types(d, opts->types, why, whylen)))
		goto out;
	*out = d;
	d = NULL;
out:
	cu_dlp_free(d);
	return r;
}

void cu_dlp_free(struct cu_dlp *d)
{
	if (!d)
		return;
	cu_dlp_rules_free(d);
	for (size_t i = 0; i < d->nnames; i++)
		cu_free(d->names[i]);
	cu_free(d->names);
	cu_free(d->ctx_next);
	cu_free(d);
}

void cu_dlp_push(struct cu_dlp_win *w, int type_id, size_t s, size_t e, double conf)
{
	if (w->ncand == w->capcand) {
		w->capcand = w->capcand ? w->capcand * 2 : 64;
		w->cands = cu_realloc(w->cands, w->capcand * sizeof(*w->cands));
	}
	w->cands[w->ncand++] = (struct cu_dlp_cand){
		.start = w->base + s, .end = w->base + e, .conf = conf, .type_id = type_id,
	};
}

bool cu_dlp_found(struct cu_dlp_win *w, int type, size_t s, size_t e,
		  double base, double with_ctx)
{
	const struct cu_dlp *d = w->d;
	double conf;

	if (s < w->from || s >= w->to || e - s > CU_DLP_MAX_MATCH || !d->enabled[type])
		return false;
	switch (cu_dlp_ctx_near(d, w->buf, w->len, s, e, cu_dlp_ctx_of(type))) {
	case 1: conf = with_ctx; break;
	case -1: conf = base * neg_factor[type]; break;
	default: conf = base; break;
	}
	if (conf < d->min_conf)
		return false;
	cu_dlp_push(w, type, s, e, conf);
	return true;
}
