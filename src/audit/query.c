/*
 * query.c - reading the audit log: filtered queries in either direction,
 * the console view (columns of the operation-log table in seeds/003) and
 * RFC 5424 syslog formatting for SIEM export.
 */
#include "audit/audit_int.h"

#include <unistd.h>

struct qctx {
	const struct cu_audit_filter *f;
	char from[32], to[32];
	cu_audit_record_fn fn;
	void *ctx;
	uint64_t matched;
	bool stop;
};

static bool event_prefix_valid(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || p[n - 1] != '.')
		return false;
	for (unsigned i = 0; i < CU_AUDIT_TYPE__COUNT; i++)
		if (strncmp(cu_audit_type_info((enum cu_audit_type)i)->name, p, n) == 0)
			return true;
	return false;
}

static const char *jstr(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static bool matches(const struct qctx *q, const json_t *rec)
{
	const struct cu_audit_filter *f = q->f;
	const json_t *actor = json_object_get(rec, "actor");
	const json_t *obj = json_object_get(rec, "object");

	if (f->actor && !eq(jstr(actor, "id"), f->actor) && !eq(jstr(actor, "name"), f->actor))
		return false;
	if (f->event) {
		const char *e = jstr(rec, "event");
		size_t n = strlen(f->event);
		if (!e || (f->event[n - 1] == '.' ? strncmp(e, f->event, n) != 0 : strcmp(e, f->event) != 0))
			return false;
	}
	if (f->module && !eq(jstr(rec, "module"), f->module))
		return false;
	if (f->result && !eq(jstr(rec, "result"), f->result))
		return false;
	if (f->subject && !eq(jstr(obj, "subject"), f->subject))
		return false;
	if (f->collection && !eq(jstr(obj, "collection"), f->collection))
		return false;
	if (f->record_id && !eq(jstr(obj, "record"), f->record_id))
		return false;
	if (f->request_id && !eq(jstr(rec, "request"), f->request_id))
		return false;
	return true;
}

/* Cheap checks on the fixed frame before parsing JSON. */
static bool frame(const char *line, size_t n, uint64_t *seq, const char **ts)
{
	static const char pre[] = "{\"v\":1,\"seq\":";
	size_t i = sizeof(pre) - 1;
	uint64_t v = 0;

	if (n < i + 40 || memcmp(line, pre, i) != 0)
		return false;
	for (; i < n && line[i] >= '0' && line[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(line[i] - '0');
	if (n - i < 7 + 24 || memcmp(line + i, ",\"ts\":\"", 7) != 0)
		return false;
	*seq = v;
	*ts = line + i + 7;
	return true;
}

/* 1: in range, 0: skip, -1: past the end in this direction. */
static int in_range(const struct qctx *q, uint64_t seq, const char *ts)
{
	const struct cu_audit_filter *f = q->f;
	bool newest = f->newest_first;

	if (seq <= f->after_seq)
		return newest ? -1 : 0;
	if (f->before_seq && seq >= f->before_seq)
		return newest ? 0 : -1;
	if (q->from[0] && memcmp(ts, q->from, 24) < 0)
		return newest ? -1 : 0; /* time is monotonic in the log */
	if (q->to[0] && memcmp(ts, q->to, 24) >= 0)
		return newest ? 0 : -1;
	return 1;
}

static int one(struct qctx *q, const char *line, size_t n)
{
	uint64_t seq;
	const char *ts;
	json_t *rec = NULL;
	int k, r;

	if (!frame(line, n, &seq, &ts))
		return CU_OK; /* damaged: verify reports it; queries skip it */
	k = in_range(q, seq, ts);
	if (k < 0) {
		q->stop = true;
		return CU_OK;
	}
	if (k == 0)
		return CU_OK;
	if (cu_json_parse(line, n, &rec, NULL, 0))
		return CU_OK;
	if (!matches(q, rec)) {
		json_decref(rec);
		return CU_OK;
	}
	q->matched++;
	r = q->fn ? q->fn(q->ctx, seq, rec, line, n) : 0;
	json_decref(rec);
	if (r > 0 || (q->f->limit && q->matched >= q->f->limit))
		q->stop = true;
	return r < 0 ? r : CU_OK;
}

static int scan_seg(struct qctx *q, const char *path)
{
	char *txt = NULL;
	const char *line;
	size_t len = 0, pos = 0, n;
	bool complete;
	int r;

	if ((r = cu_audit_file_read(path, CU_AUDIT_MAX_SEGMENT_BYTES, &txt, &len))) {
		cu_free(txt);
		return r == CU_ERR_NOT_FOUND ? CU_OK : r; /* purged meanwhile */
	}
	if (!q->f->newest_first) {
		while (!q->stop && cu_audit_next_line(txt, len, &pos, &line, &n, &complete))
			if (complete && (r = one(q, line, n)))
				break;
	} else {
		/* Backwards: the last complete line first. */
		size_t end = len;
		while (end > 0 && txt[end - 1] != '\n')
			end--;
		while (!q->stop && end > 0) {
			size_t start = end - 1;
			while (start > 0 && txt[start - 1] != '\n')
				start--;
			if ((r = one(q, txt + start, end - 1 - start)))
				break;
			end = start;
		}
	}
	cu_free(txt);
	return r;
}

int cu_audit_query(const char *data, const struct cu_audit_filter *f, cu_audit_record_fn fn,
		   void *ctx, uint64_t *matched)
{
	static const struct cu_audit_filter all;
	struct qctx q;
	struct cu_audit_seg *segs = NULL;
	size_t nseg = 0;
	char *adir = NULL;
	enum cu_audit_module m;
	enum cu_audit_result res;
	int r = CU_OK;

	if (matched)
		*matched = 0;
	memset(&q, 0, sizeof(q));
	q.f = f ? f : &all;
	q.fn = fn;
	q.ctx = ctx;
	f = q.f;
	if ((f->event && !cu_audit_event_valid(f->event) && !event_prefix_valid(f->event)) ||
	    (f->module && cu_audit_module_parse(f->module, &m)) ||
	    (f->result && cu_audit_result_parse(f->result, &res)) || f->from_ms < 0 ||
	    f->to_ms < 0)
		return CU_ERR_INVALID;
	if (f->from_ms)
		cu_audit_ts_format(f->from_ms, q.from);
	if (f->to_ms)
		cu_audit_ts_format(f->to_ms, q.to);
	adir = cu_audit_dir_path(data);
	if ((r = cu_audit_seg_list(adir, &segs, &nseg)))
		goto out;
	for (size_t k = 0; k < nseg && !q.stop; k++) {
		size_t i = f->newest_first ? nseg - 1 - k : k;
		/* Skip segments wholly outside the seq window. */
		if (i + 1 < nseg && segs[i + 1].first - 1 <= f->after_seq)
			continue;
		if (f->before_seq && segs[i].first >= f->before_seq)
			continue;
		if ((r = scan_seg(&q, segs[i].path)))
			break;
	}
out:
	if (matched)
		*matched = q.matched;
	cu_audit_seg_list_free(segs, nseg);
	cu_free(adir);
	return r;
}

/* ---- console view -------------------------------------------------------- */

static int describe(const json_t *rec, const char *label, struct cu_buf *b)
{
	const json_t *obj = json_object_get(rec, "object");
	const json_t *fields = json_object_get(obj, "fields");
	const char *coll = jstr(obj, "collection"), *id = jstr(obj, "record");
	const char *subj = jstr(obj, "subject"), *reason = jstr(rec, "reason");
	int r = cu_buf_puts(b, label);

	if (!r && (coll || id))
		r = cu_buf_printf(b, ": %s%s%s", coll ? coll : "", coll && id ? "/" : "",
				  id ? id : "");
	else if (!r && subj)
		r = cu_buf_printf(b, ": subject %s", subj);
	if (!r && json_array_size(fields)) {
		size_t i;
		json_t *v;
		r = cu_buf_puts(b, " [");
		json_array_foreach(fields, i, v) {
			if (!r && json_is_string(v))
				r = cu_buf_printf(b, "%s%s", i ? "," : "", json_string_value(v));
		}
		if (!r)
			r = cu_buf_putc(b, ']');
	}
	if (!r && reason && !coll && !id)
		r = cu_buf_printf(b, " (%s)", reason);
	return r;
}

int cu_audit_record_view(const json_t *rec, json_t **out)
{
	const json_t *actor = json_object_get(rec, "actor");
	enum cu_audit_type t;
	enum cu_audit_module m;
	enum cu_audit_result res;
	const struct cu_audit_type_info *ti;
	const char *ts = jstr(rec, "ts"), *who, *code = jstr(rec, "code");
	struct cu_buf zh, en;
	char when[32];
	json_t *v;
	int r;

	*out = NULL;
	if (cu_audit_type_parse(jstr(rec, "event"), &t) ||
	    cu_audit_module_parse(jstr(rec, "module"), &m) ||
	    cu_audit_result_parse(jstr(rec, "result"), &res) || !ts || strlen(ts) < 19)
		return CU_ERR_INVALID;
	ti = cu_audit_type_info(t);
	who = jstr(actor, "name");
	if (!who)
		who = jstr(actor, "id");
	if (!who)
		who = "-";
	snprintf(when, sizeof(when), "%.10s %.8s", ts, ts + 11);
	/* The description quotes strings of the record, so it can be as long
	 * as a record line plus the label: 4096 refused real records (64
	 * field names of 64 bytes) and the console then showed the whole
	 * page as an integrity error. */
	cu_buf_init(&zh, CU_AUDIT_MAX_LINE + 1024);
	cu_buf_init(&en, CU_AUDIT_MAX_LINE + 1024);
	if ((r = describe(rec, ti->zh, &zh)) || (r = describe(rec, ti->en, &en)))
		goto out;
	v = json_object();
	json_object_set_new(v, "seq", json_incref(json_object_get(rec, "seq")));
	json_object_set_new(v, "event", json_string(ti->name));
	json_object_set_new(v, "description", json_string(zh.data));
	json_object_set_new(v, "description_en", json_string(en.data));
	json_object_set_new(v, "actor", json_string(who));
	json_object_set_new(v, "time", json_string(when));
	json_object_set_new(v, "result", json_string(cu_audit_result_zh(res)));
	json_object_set_new(v, "result_en", json_string(cu_audit_result_name(res)));
	json_object_set_new(v, "code", code ? json_string(code) : json_null());
	json_object_set_new(v, "module", json_string(cu_audit_module_zh(m)));
	json_object_set_new(v, "module_en", json_string(cu_audit_module_name(m)));
	*out = v;
out:
	cu_buf_release(&zh);
	cu_buf_release(&en);
	return r;
}

/* ---- syslog ---------------------------------------------------------------- */

/* RFC 5424 PARAM-VALUE: escape '"', '\' and ']'. */
static int sd_value(struct cu_buf *b, const char *s)
{
	int r = CU_OK;
	for (; *s && !r; s++) {
		if (*s == '"' || *s == '\\' || *s == ']')
			r = cu_buf_putc(b, '\\');
		if (!r)
			r = cu_buf_putc(b, *s);
	}
	return r;
}

/* HOSTNAME: 1..255 printable US-ASCII, else "-". */
static int put_host(struct cu_buf *b, const char *h)
{
	size_t n = h ? strlen(h) : 0;
	if (n == 0 || n > 255)
		return cu_buf_putc(b, '-');
	for (size_t i = 0; i < n; i++)
		if (h[i] < 33 || h[i] > 126)
			return cu_buf_putc(b, '-');
	return cu_buf_puts(b, h);
}

int cu_audit_record_syslog(const json_t *rec, const char *line, size_t len,
			   const char *hostname, struct cu_buf *out)
{
	/* Facility 13 = "log audit" (RFC 5424 table 1). */
	static const int sev[CU_AUDIT_RESULT__COUNT] = {
		[CU_AUDIT_SUCCESS] = 6, [CU_AUDIT_FAILURE] = 5,
		[CU_AUDIT_DENIED] = 4, [CU_AUDIT_ERROR] = 3,
	};
	enum cu_audit_type t;
	enum cu_audit_result res;
	enum cu_audit_module m;
	const char *ts = jstr(rec, "ts");
	json_int_t seq = json_integer_value(json_object_get(rec, "seq"));
	const char *hash = jstr(rec, "hash");
	int r;

	if (cu_audit_type_parse(jstr(rec, "event"), &t) ||
	    cu_audit_result_parse(jstr(rec, "result"), &res) ||
	    cu_audit_module_parse(jstr(rec, "module"), &m) || !ts || !hash || seq < 1)
		return CU_ERR_INVALID;
	if ((r = cu_buf_printf(out, "<%d>1 %s ", 13 * 8 + sev[res], ts)) ||
	    (r = put_host(out, hostname)) ||
	    (r = cu_buf_printf(out, " custos - %s [custos@32473 seq=\"%lld\" module=\"%s\" "
			       "result=\"%s\" hash=\"", cu_audit_type_info(t)->name,
			       (long long)seq, cu_audit_module_name(m), cu_audit_result_name(res))) ||
	    (r = sd_value(out, hash)) ||
	    (r = cu_buf_puts(out, "\"] \xef\xbb\xbf")) ||
	    (r = cu_buf_append(out, line, len)))
		return r;
	return CU_OK;
}
