/*
 * GET /v1/audit: the operation log, filtered and paged, as records or in
 * the console view (操作描述, 操作人, 操作时间, 操作结果, 模块); the two
 * reports "who accessed this customer's data" and "what did this
 * employee access"; and an online verify.
 */
#include "http/routes.h"
#include "audit/audit.h"
#include "core/util.h"
#include "vault/vault.h"

#define DEFAULT_LIMIT 100

struct collect {
	json_t *out;
	bool console;
	uint64_t last;
};

static int collect(void *ctx, uint64_t seq, const json_t *rec, const char *line, size_t len)
{
	struct collect *c = ctx;
	json_t *v = NULL;
	(void)line;
	(void)len;
	c->last = seq;
	if (c->console) {
		if (cu_audit_record_view(rec, &v))
			return CU_ERR_INTEGRITY;
		json_array_append_new(c->out, v);
	} else {
		json_array_append(c->out, (json_t *)rec);
	}
	return 0;
}

static int time_arg(struct cu_req *r, const char *key, int64_t *ms)
{
	const char *v = cu_req_query(r, key);
	int64_t t;
	*ms = 0;
	if (!v)
		return CU_OK;
	if (cu_time_parse(v, &t))
		return cu_req_error(r, CU_ERR_INVALID, key, "%s must be YYYY-MM-DD, "
							"YYYY-MM-DDTHH:MM:SSZ or epoch seconds", key);
	*ms = t * 1000;
	return CU_OK;
}

static int run_query(struct cu_req *r, struct cu_audit_filter *f)
{
	const char *view = cu_req_query(r, "view"), *lim = cu_req_query(r, "limit"),
		   *after = cu_req_query(r, "after"), *order = cu_req_query(r, "order");
	struct collect c = { NULL, false, 0 };
	int64_t limit = DEFAULT_LIMIT, a = 0;
	uint64_t matched = 0;
	json_t *o;
	int rc;

	if (lim && cu_parse_int64(lim, 1, CU_MAX_PAGE, &limit))
		return cu_req_error(r, CU_ERR_INVALID, "limit", "limit must be 1..%d", CU_MAX_PAGE);
	if (after && cu_parse_int64(after, 0, INT64_MAX, &a))
		return cu_req_error(r, CU_ERR_INVALID, "after", "after must be a sequence number");
	if (view && strcmp(view, "console") && strcmp(view, "records"))
		return cu_req_error(r, CU_ERR_INVALID, "view", "view must be records or console");
	if (order && strcmp(order, "asc") && strcmp(order, "desc"))
		return cu_req_error(r, CU_ERR_INVALID, "order", "order must be asc or desc");
	f->limit = (uint64_t)limit;
	if (order && strcmp(order, "desc") == 0) {
		f->newest_first = true;
		f->before_seq = (uint64_t)a;
	} else {
		f->after_seq = (uint64_t)a;
	}
	c.console = view && strcmp(view, "console") == 0;
	c.out = json_array();
	rc = cu_audit_query(r->app->data_dir, f, collect, &c, &matched);
	if (rc == CU_ERR_NOT_FOUND)
		rc = CU_OK; /* no log yet: nothing to show */
	if (rc) {
		json_decref(c.out);
		return rc == CU_ERR_INVALID
			       ? cu_req_error(r, rc, NULL, "unknown event type, module or result name")
			       : rc;
	}
	o = json_pack("{s:o}", "records", c.out);
	if (matched == (uint64_t)limit)
		json_object_set_new(o, "next", json_integer((json_int_t)c.last));
	return cu_req_reply(r, 200, o);
}

static int reject_unknown(void *ctx, const char *k, const char *v)
{
	static const char *const known[] = { "actor", "action", "event", "module", "result",
					     "subject", "collection", "record", "request", "from",
					     "to", "after", "limit", "view", "order", NULL };
	struct cu_req *r = ctx;
	(void)v;
	for (size_t i = 0; known[i]; i++)
		if (strcmp(k, known[i]) == 0)
			return 0;
	return cu_req_error(r, CU_ERR_INVALID, k, "unknown filter '%s'", k);
}

int cu_h_audit_query(struct cu_req *r)
{
	struct cu_audit_filter f;
	const char *ev;
	int rc;

	memset(&f, 0, sizeof(f));
	if ((rc = cu_req_query_each(r, reject_unknown, r)))
		return rc;
	f.actor = cu_req_query(r, "actor");
	ev = cu_req_query(r, "action");
	f.event = ev ? ev : cu_req_query(r, "event");
	f.module = cu_req_query(r, "module");
	f.result = cu_req_query(r, "result");
	f.subject = cu_req_query(r, "subject");
	f.collection = cu_req_query(r, "collection");
	f.record_id = cu_req_query(r, "record");
	f.request_id = cu_req_query(r, "request");
	if ((rc = time_arg(r, "from", &f.from_ms)) || (rc = time_arg(r, "to", &f.to_ms)))
		return rc;
	return run_query(r, &f);
}

/* Who accessed this customer's data (a PIPL access request). */
int cu_h_audit_report_subject(struct cu_req *r)
{
	struct cu_audit_filter f;
	char *sid;
	int rc;
	memset(&f, 0, sizeof(f));
	/* Either a stored subject id, or the application's own reference. */
	sid = strncmp(r->params[0], "s_", 2) == 0 ? cu_strdup(r->params[0])
						   : cu_vault_subject_id(r->app->vault, r->params[0]);
	f.subject = sid;
	f.event = "record.";
	snprintf(r->audit_subject, sizeof(r->audit_subject), "%s", sid);
	rc = run_query(r, &f);
	cu_free(sid);
	return rc;
}

/* What did this employee access (an investigation or a departure). */
int cu_h_audit_report_actor(struct cu_req *r)
{
	struct cu_audit_filter f;
	memset(&f, 0, sizeof(f));
	f.actor = r->params[0];
	f.event = "record.";
	return run_query(r, &f);
}

int cu_h_audit_verify(struct cu_req *r)
{
	struct cu_audit_verify_result res;
	int rc;
	memset(&res, 0, sizeof(res));
	rc = cu_audit_verify(r->app->data_dir, NULL, NULL, &res);
	if (rc && rc != CU_ERR_INTEGRITY)
		return rc;
	return cu_req_reply(r, 200, json_pack("{s:b,s:I,s:I,s:I,s:I,s:s}", "intact", rc == CU_OK,
					       "records", (json_int_t)res.records, "last_seq",
					       (json_int_t)res.last_seq, "checkpoint_seq",
					       (json_int_t)res.checkpoint_seq, "bad_seq",
					       (json_int_t)res.bad_seq, "reason", res.reason));
}
