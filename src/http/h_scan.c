/*
 * POST /v1/scan {"text": "...", "types": ["cn_id", ...], "min_confidence": 0.9}
 * -> {"findings": [{"type","start","end","confidence"}], "masked": "..."}
 * Offsets are bytes into the UTF-8 text as sent.
 */
#include "http/routes.h"
#include "dlp/dlp.h"

struct scan_ctx {
	json_t *types; /* array of names to keep, or NULL for all */
	double min_conf;
	json_t *findings;
	struct cu_buf masked;
	const char *text;
	size_t done; /* bytes of text already copied into masked */
	int err;
};

static bool wanted(const struct scan_ctx *c, const char *type)
{
	size_t i;
	json_t *t;
	if (!c->types)
		return true;
	json_array_foreach(c->types, i, t) {
		const char *n = json_string_value(t);
		size_t l = strlen(n);
		/* "keyword" matches every "keyword:<dict>", likewise "custom". */
		if (strcmp(n, type) == 0 || (strncmp(type, n, l) == 0 && type[l] == ':'))
			return true;
	}
	return false;
}

static int found(void *ctx, const struct cu_dlp_finding *f)
{
	struct scan_ctx *c = ctx;
	int r;
	if (f->confidence < c->min_conf || !wanted(c, f->type) || f->start < c->done)
		return 0;
	json_array_append_new(c->findings,
			      json_pack("{s:s,s:I,s:I,s:f}", "type", f->type, "start",
					(json_int_t)f->start, "end", (json_int_t)f->end, "confidence",
					f->confidence));
	if ((r = cu_buf_append(&c->masked, c->text + c->done, f->start - c->done)) ||
	    (r = cu_dlp_mask_value(f->type_id, f->bytes, f->end - f->start, &c->masked)))
		return r;
	c->done = f->end;
	return 0;
}

int cu_h_scan(struct cu_req *r)
{
	static const char *const keys[] = { "text", "types", "min_confidence", NULL };
	struct scan_ctx c = { NULL, 0.0, NULL, { 0 }, NULL, 0, 0 };
	const char *text, *bad;
	json_t *types, *mc, *t, *o;
	size_t i, n;
	int rc;

	/* Scanning text the caller sent reads no stored data: any user who
	 * finished enrolment (the dispatcher checked) may do it. */
	if (!r->app->dlp)
		return cu_req_error(r, CU_ERR_UNAVAILABLE, NULL, "the scanner is not available");
	if (cu_json_only_keys(r->json, keys, &bad))
		return cu_req_error(r, CU_ERR_INVALID, bad, "unknown field '%s'", bad);
	if (cu_json_get_str(r->json, "text", &text))
		return cu_req_error(r, CU_ERR_INVALID, "text", "text must be a string");
	n = json_string_length(json_object_get(r->json, "text"));
	types = json_object_get(r->json, "types");
	if (types) {
		if (!json_is_array(types) || json_array_size(types) > 64)
			return cu_req_error(r, CU_ERR_INVALID, "types", "types must be an array of names");
		json_array_foreach(types, i, t) {
			const char *name = json_string_value(t);
			if (!name || (cu_dlp_type_from_name(name) < 0 && strcmp(name, "keyword") &&
				      strcmp(name, "custom") && strncmp(name, "keyword:", 8) &&
				      strncmp(name, "custom:", 7)))
				return cu_req_error(r, CU_ERR_INVALID, "types", "unknown type '%s'",
						    name ? name : "");
		}
		c.types = types;
	}
	mc = json_object_get(r->json, "min_confidence");
	if (mc) {
		if (!json_is_number(mc) || json_number_value(mc) < 0 || json_number_value(mc) > 1)
			return cu_req_error(r, CU_ERR_INVALID, "min_confidence",
					    "min_confidence must be a number in [0, 1]");
		c.min_conf = json_number_value(mc);
	}
	c.findings = json_array();
	c.text = text;
	cu_buf_init(&c.masked, CU_MAX_BODY_BYTES * 2);
	rc = cu_dlp_scan_buf(r->app->dlp, text, n, found, &c);
	if (!rc)
		rc = cu_buf_append(&c.masked, text + c.done, n - c.done);
	if (rc) {
		json_decref(c.findings);
		cu_buf_release(&c.masked);
		return rc;
	}
	o = json_object();
	json_object_set_new(o, "findings", c.findings);
	json_object_set_new(o, "masked", json_stringn(c.masked.data ? c.masked.data : "", c.masked.len));
	cu_buf_release(&c.masked);
	return cu_req_reply(r, 200, o);
}
