/*
 * rules.c - user rules (keyword dictionaries and custom regular
 * expressions) compiled into one Hyperscan database.
 *
 * This is the only file of custos that includes <hs/hs.h>.  The rules
 * document is JSON:
 *
 *   {"keywords": {"confidential": ["机密", "内部资料", "Project X"]},
 *    "custom":   {"order_no": "ORD-[0-9]{8}",
 *                 "ticket": {"pattern": "TCK[0-9]{6}", "confidence": 0.7,
 *                            "caseless": true}}}
 *
 * Keywords are matched as byte strings (ASCII letters case-insensitively)
 * and, when they begin or end with an ASCII letter or digit, only at word
 * boundaries.  Custom patterns use Hyperscan's PCRE subset, over bytes.
 * Every pattern, thousands of keywords included, runs in the same pass.
 */
#include "dlp/dlp_int.h"
#include "core/json.h"
#include "core/util.h"

#include <hs/hs.h>

#define CU_DLP_KEYWORD_CONF 0.9
#define CU_DLP_CUSTOM_CONF 0.9
/* Thousands of keywords are expected; bound the total anyway. */
#define CU_DLP_MAX_RULES 100000

struct pat {
	char **expr;
	unsigned *flags, *ids;
	size_t n, cap;
};

static void pat_add(struct pat *p, char *expr, unsigned flags)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->expr = cu_realloc(p->expr, p->cap * sizeof(*p->expr));
		p->flags = cu_realloc(p->flags, p->cap * sizeof(*p->flags));
		p->ids = cu_realloc(p->ids, p->cap * sizeof(*p->ids));
	}
	p->expr[p->n] = expr;
	p->flags[p->n] = flags;
	p->ids[p->n] = (unsigned)p->n;
	p->n++;
}

static void pat_release(struct pat *p)
{
	for (size_t i = 0; i < p->n; i++)
		cu_free(p->expr[i]);
	cu_free(p->expr);
	cu_free(p->flags);
	cu_free(p->ids);
}

static int add_type(struct cu_dlp *d, const char *kind, const char *name)
{
	struct cu_buf b;
	cu_buf_init(&b, 256);
	if (cu_buf_printf(&b, "%s:%s", kind, name)) {
		cu_buf_release(&b);
		return -1;
	}
	d->names = cu_realloc(d->names, (d->nnames + 1) * sizeof(char *));
	d->names[d->nnames] = cu_buf_detach(&b, NULL);
	return (int)d->nnames++;
}

static void add_rule(struct cu_dlp *d, struct cu_dlp_rule r)
{
	d->rules = cu_realloc(d->rules, (d->nrules + 1) * sizeof(*d->rules));
	d->rules[d->nrules++] = r;
}

static int keyword_expr(const char *kw, size_t len, char **out, bool *alpha)
{
	struct cu_buf b;
	int r = CU_OK;

	*alpha = false;
	cu_buf_init(&b, len * 4 + 1);
	for (size_t i = 0; i < len && !r; i++) {
		unsigned char c = (unsigned char)kw[i];
		*alpha |= cu_dlp_is_alpha(c);
		r = cu_buf_printf(&b, "\\x%02x", c);
	}
	if (r) {
		cu_buf_release(&b);
		return r;
	}
	*out = cu_buf_detach(&b, NULL);
	return CU_OK;
}

static int load_dict(struct cu_dlp *d, struct pat *p, const char *name, json_t *list,
		     char *why, size_t whylen)
{
	size_t i;
	json_t *v;
	int tid;

	if (!cu_name_valid(name) || !json_is_array(list)) {
		snprintf(why, whylen, "keyword dictionary '%.64s' must be a list under a plain name", name);
		return CU_ERR_INVALID;
	}
	if ((tid = add_type(d, "keyword", name)) < 0)
		return CU_ERR_TOO_LARGE;
	json_array_foreach(list, i, v) {
		const char *kw = json_string_value(v);
		size_t len = kw ? json_string_length(v) : 0;
		char *expr;
		bool alpha;
		if (!kw || len == 0 || len > CU_DLP_MAX_MATCH || memchr(kw, 0, len)) {
			snprintf(why, whylen, "keyword %zu of '%.64s' must be a non-empty string", i, name);
			return CU_ERR_INVALID;
		}
		if (keyword_expr(kw, len, &expr, &alpha))
			return CU_ERR_TOO_LARGE;
		pat_add(p, expr, alpha ? HS_FLAG_CASELESS : 0);
		add_rule(d, (struct cu_dlp_rule){
			.type_id = tid, .kind = CU_RULE_KEYWORD, .len = (unsigned)len,
			.word_start = cu_dlp_is_alnum((unsigned char)kw[0]) && kw[0] != '_',
			.word_end = cu_dlp_is_alnum((unsigned char)kw[len - 1]) && kw[len - 1] != '_',
			.confidence = CU_DLP_KEYWORD_CONF,
		});
	}
	return CU_OK;
}

static int load_custom(struct cu_dlp *d, struct pat *p, const char *name, json_t *v,
		       char *why, size_t whylen)
{
	const char *pattern = json_string_value(v);
	double conf = CU_DLP_CUSTOM_CONF;
	unsigned flags = HS_FLAG_SOM_LEFTMOST;
	int tid;

	if (json_is_object(v)) {
		static const char *const keys[] = { "pattern", "confidence", "caseless", NULL };
		const char *bad;
		json_t *c = json_object_get(v, "confidence");
		pattern = json_string_value(json_object_get(v, "pattern"));
		if (cu_json_only_keys(v, keys, &bad)) {
			snprintf(why, whylen, "custom rule '%.64s': unknown key '%.64s'", name, bad ? bad : "?");
			return CU_ERR_INVALID;
		}
		if (c && (!json_is_number(c) || json_number_value(c) < 0 || json_number_value(c) > 1)) {
			snprintf(why, whylen, "custom rule '%.64s': confidence must be in [0,1]", name);
			return CU_ERR_INVALID;
		}
		if (c)
			conf = json_number_value(c);
		if (json_is_true(json_object_get(v, "caseless")))
			flags |= HS_FLAG_CASELESS;
	}
	if (!cu_name_valid(name) || !pattern || !*pattern) {
		snprintf(why, whylen, "custom rule '%.64s' needs a plain name and a pattern", name);
		return CU_ERR_INVALID;
	}
	if ((tid = add_type(d, "custom", name)) < 0)
		return CU_ERR_TOO_LARGE;
	pat_add(p, cu_strdup(pattern), flags);
	add_rule(d, (struct cu_dlp_rule){
		.type_id = tid, .kind = CU_RULE_CUSTOM, .confidence = conf,
	});
	return CU_OK;
}

static int load_json(struct cu_dlp *d, struct pat *p, json_t *root, const char *types,
		     char *why, size_t whylen)
{
	static const char *const keys[] = { "keywords", "custom", NULL };
	const char *bad, *k;
	json_t *sect, *v;
	int r;

	if (cu_json_only_keys(root, keys, &bad)) {
		snprintf(why, whylen, "rules: unknown key '%.64s' (expected keywords, custom)",
			 bad ? bad : "?");
		return CU_ERR_INVALID;
	}
	if ((sect = json_object_get(root, "keywords"))) {
		if (!json_is_object(sect)) {
			snprintf(why, whylen, "rules: \"keywords\" must be an object");
			return CU_ERR_INVALID;
		}
		json_object_foreach(sect, k, v) {
			char full[128];
			snprintf(full, sizeof(full), "keyword:%s", k);
			if (cu_dlp_type_listed(types, full) && (r = load_dict(d, p, k, v, why, whylen)))
				return r;
		}
	}
	if ((sect = json_object_get(root, "custom"))) {
		if (!json_is_object(sect)) {
			snprintf(why, whylen, "rules: \"custom\" must be an object");
			return CU_ERR_INVALID;
		}
		json_object_foreach(sect, k, v) {
			char full[128];
			snprintf(full, sizeof(full), "custom:%s", k);
			if (cu_dlp_type_listed(types, full) && (r = load_custom(d, p, k, v, why, whylen)))
				return r;
		}
	}
	if (p->n > CU_DLP_MAX_RULES) {
		snprintf(why, whylen, "rules: more than %d patterns", CU_DLP_MAX_RULES);
		return CU_ERR_TOO_LARGE;
	}
	return CU_OK;
}

static int compile(struct cu_dlp *d, struct pat *p, char *why, size_t whylen)
{
	hs_database_t *db = NULL;
	hs_scratch_t *scratch = NULL;
	hs_compile_error_t *cerr = NULL;

	if (hs_compile_multi((const char *const *)p->expr, p->flags, p->ids, (unsigned)p->n,
			     HS_MODE_BLOCK, NULL, &db, &cerr) != HS_SUCCESS) {
		int at = cerr ? cerr->expression : -1;
		const char *name = at >= 0 && (size_t)at < d->nrules ?
			d->names[d->rules[at].type_id] : "rules";
		snprintf(why, whylen, "%s: %s", name, cerr ? cerr->message : "cannot compile");
		hs_free_compile_error(cerr);
		return CU_ERR_INVALID;
	}
	if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
		hs_free_database(db);
		snprintf(why, whylen, "rules: cannot allocate Hyperscan scratch");
		return CU_ERR_NOMEM;
	}
	d->db = db;
	d->scratch = scratch;
	return CU_OK;
}

int cu_dlp_rules_load(struct cu_dlp *d, const char *text, size_t len, const char *types,
		      char *why, size_t whylen)
{
	struct pat p = { 0 };
	json_t *root = NULL;
	char dummy[8];
	int r;

	if (!why || !whylen) {
		why = dummy;
		whylen = sizeof(dummy);
	}
	if ((r = cu_json_parse(text, len, &root, why, whylen)))
		goto out;
	if ((r = load_json(d, &p, root, types, why, whylen)))
		goto out;
	if (p.n)
		r = compile(d, &p, why, whylen);
out:
	json_decref(root);
	pat_release(&p);
	return r;
}

void cu_dlp_rules_free(struct cu_dlp *d)
{
	hs_free_scratch(d->scratch);
	hs_free_database(d->db);
	d->scratch = d->db = NULL;
	cu_free(d->rules);
	d->rules = NULL;
	d->nrules = 0;
}

int cu_dlp_rules_scratch(const struct cu_dlp *d, void **out)
{
	hs_scratch_t *s = NULL;
	*out = NULL;
	if (!d->scratch)
		return CU_OK;
	if (hs_clone_scratch(d->scratch, &s) != HS_SUCCESS)
		return CU_ERR_NOMEM;
	*out = s;
	return CU_OK;
}

void cu_dlp_rules_scratch_free(void *scratch)
{
	hs_free_scratch(scratch);
}

static bool boundary_ok(const struct cu_dlp_win *w, const struct cu_dlp_rule *r, size_t s, size_t e)
{
	if (r->word_start && s > 0 && cu_dlp_is_alnum(w->buf[s - 1]))
		return false;
	if (r->word_end && e < w->len && cu_dlp_is_alnum(w->buf[e]))
		return false;
	return true;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to,
		    unsigned flags, void *ctx)
{
	struct cu_dlp_win *w = ctx;
	const struct cu_dlp_rule *r = &w->d->rules[id];
	size_t s = r->kind == CU_RULE_KEYWORD ? (size_t)to - r->len : (size_t)from, e = (size_t)to;

	(void)flags;
	if (s < w->from || s >= w->to || e - s > CU_DLP_MAX_MATCH || r->confidence < w->d->min_conf)
		return 0;
	if (r->kind == CU_RULE_KEYWORD) {
		if (boundary_ok(w, r, s, e))
			cu_dlp_push(w, r->type_id, s, e, r->confidence);
		return 0;
	}
	/* A regex reports every end offset: keep the longest per start. */
	size_t last = w->last[id];
	if (last) {
		struct cu_dlp_cand *c = &w->cands[last - 1];
		if (c->start == w->base + s || c->end >= w->base + e) {
			if (c->start == w->base + s && c->end < w->base + e)
				c->end = w->base + e;
			return 0;
		}
	}
	cu_dlp_push(w, r->type_id, s, e, r->confidence);
	w->last[id] = w->ncand;
	return 0;
}

void cu_dlp_rules_scan(struct cu_dlp_win *w)
{
	if (!w->d->db || w->len == 0)
		return;
	if (!w->last)
		w->last = cu_calloc(w->d->nrules, sizeof(*w->last));
	else
		memset(w->last, 0, w->d->nrules * sizeof(*w->last));
	if (hs_scan(w->d->db, (const char *)w->buf, (unsigned)w->len, 0, w->scratch,
		    on_match, w) != HS_SUCCESS)
		w->err = CU_ERR_INTERNAL;
}
