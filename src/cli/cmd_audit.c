/*
 * cmd_audit.c - "custos audit": verify, read and export the operation log.
 *
 * Every subcommand reads DATA/audit directly and needs no passphrase: the
 * log holds no secrets and no personal-information values (see
 * audit/audit.h), and verification needs only the public key.
 */
#include "cli/cli.h"
#include "audit/audit.h"
#include "core/json.h"
#include "core/util.h"
#include "crypto/crypto.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

const char cu_usage_audit[] =
	"usage: custos audit <subcommand> --data DIR [options]\n"
	"\n"
	"Read, verify and export the tamper-evident operation log in DIR/audit.\n"
	"None of these needs the passphrase.  See docs/audit.md.\n"
	"\n"
	"  verify [--pubkey HEX|FILE] [--checkpoints FILE] [--format text|json]\n"
	"      Recompute the whole hash chain and check every signed checkpoint.\n"
	"      Exit 0 when intact; 1 with \"first bad sequence number: N\" and the\n"
	"      reason on stderr when a record was changed, removed, reordered or\n"
	"      the tail was cut behind a checkpoint.  --pubkey pins the published\n"
	"      key (otherwise DIR/audit/pubkey is trusted); --checkpoints also\n"
	"      checks checkpoints exported earlier to another host.\n"
	"  pubkey\n"
	"      Print the audit public key (hex Ed25519) to publish or pin.\n"
	"  tail [-n N] [--format text|json|jsonl]\n"
	"      The last N records (default 20), oldest first.\n"
	"  query [--actor NAME|ID] [--type EVENT|PREFIX.] [--module M] [--result R]\n"
	"        [--from T] [--to T] [--subject REF] [--collection C] [--record ID]\n"
	"        [--request ID] [--after SEQ] [--before SEQ] [--limit N]\n"
	"        [--newest-first] [--format text|json|jsonl]\n"
	"      Filtered records.  T is YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or epoch\n"
	"      seconds (UTC).  The text view has the operation-log columns\n"
	"      操作描述 (description), 操作人 (actor), 操作时间 (time, UTC),\n"
	"      操作结果 (result), 模块 (module).\n"
	"  report subject REF [--from T] [--to T] [--format text|json]\n"
	"      Who accessed this customer's data (REF is the subject reference\n"
	"      recorded by the service), for a PIPL access request.\n"
	"  report actor NAME [--from T] [--to T] [--format text|json]\n"
	"      What this employee did and accessed, for an investigation.\n"
	"  export --format jsonl|syslog [--since SEQ | --after SEQ]\n"
	"         [--to -|udp://HOST:PORT|tcp://HOST:PORT|unix:PATH]\n"
	"      Records for a SIEM: JSON lines, or RFC 5424 syslog messages\n"
	"      (facility 13 \"log audit\", the record as MSG) to stdout, a UDP or\n"
	"      TCP (octet-counted) collector, or a local socket (unix:/dev/log).\n"
	"  checkpoint export FILE|-\n"
	"      Copy the signed checkpoints out, to keep on another host; verify\n"
	"      them later with 'verify --checkpoints FILE'.\n"
	"\n"
	"Exit status: 0 success, 1 failure (or a log that does not verify), 2 usage.\n";

/* ---- options ------------------------------------------------------------ */

struct opts {
	const char *data, *pubkey, *checkpoints, *format, *n, *actor, *type, *module, *result;
	const char *from, *to, *subject, *collection, *record, *request, *after, *before;
	const char *limit, *since;
	bool newest;
	const char *pos[4];
	size_t npos;
};

static int parse_opts(const char *cmd, int argc, char **argv, struct opts *o)
{
	static const struct { const char *name; size_t off; } tab[] = {
#define O(n, f) { n, offsetof(struct opts, f) }
		O("--data", data), O("--pubkey", pubkey), O("--checkpoints", checkpoints),
		O("--format", format), O("-n", n), O("--actor", actor), O("--type", type),
		O("--module", module), O("--result", result), O("--from", from), O("--to", to),
		O("--subject", subject), O("--collection", collection), O("--record", record),
		O("--request", request), O("--after", after), O("--before", before),
		O("--limit", limit), O("--since", since),
#undef O
	};
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eqs = NULL;
		size_t alen = strlen(a);
		bool found = false;

		if (strcmp(a, "--newest-first") == 0) {
			o->newest = true;
			continue;
		}
		if (a[0] != '-' || strcmp(a, "-") == 0) {
			if (o->npos == CU_ARRAY_LEN(o->pos))
				return cu_cli_usage_error(cmd, "too many arguments");
			o->pos[o->npos++] = a;
			continue;
		}
		if (strncmp(a, "--", 2) == 0 && (eqs = strchr(a, '=')))
			alen = (size_t)(eqs - a);
		for (size_t k = 0; k < CU_ARRAY_LEN(tab); k++) {
			if (strlen(tab[k].name) != alen || strncmp(tab[k].name, a, alen) != 0)
				continue;
			const char **slot = (const char **)((char *)o + tab[k].off);
			if (eqs) {
				*slot = eqs + 1;
			} else {
				if (i + 1 >= argc)
					return cu_cli_usage_error(cmd, "%s needs a value", a);
				*slot = argv[++i];
			}
			found = true;
			break;
		}
		if (!found)
			return cu_cli_usage_error(cmd, "unknown option '%s'", a);
	}
	return CU_EXIT_OK;
}

static int need_data(const char *cmd, const struct opts *o)
{
	if (!o->data || !*o->data)
		return cu_cli_usage_error(cmd, "--data DIR is required");
	return CU_EXIT_OK;
}

static int parse_seq(const char *cmd, const char *name, const char *s, uint64_t *out)
{
	int64_t v = 0;
	*out = 0;
	if (!s)
		return CU_EXIT_OK;
	if (cu_parse_int64(s, 0, INT64_MAX, &v))
		return cu_cli_usage_error(cmd, "%s wants a number, not '%s'", name, s);
	*out = (uint64_t)v;
	return CU_EXIT_OK;
}

static int parse_when(const char *cmd, const char *name, const char *s, int64_t *ms)
{
	int64_t t = 0;
	*ms = 0;
	if (!s)
		return CU_EXIT_OK;
	if (cu_time_parse(s, &t) || t <= 0)
		return cu_cli_usage_error(cmd, "%s wants YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or epoch "
					  "seconds, not '%s'", name, s);
	*ms = t * 1000;
	return CU_EXIT_OK;
}

static int parse_fmt(const char *cmd, const char *s, enum cu_format dflt, bool jsonl_ok,
		     enum cu_format *f)
{
	*f = dflt;
	if (!s)
		return CU_EXIT_OK;
	if (cu_cli_parse_format(s, f) || *f == CU_FMT_MASKED || (!jsonl_ok && *f == CU_FMT_JSONL))
		return cu_cli_usage_error(cmd, "unsupported --format '%s'", s);
	return CU_EXIT_OK;
}

static int read_fail(const char *data, int r)
{
	if (r == CU_ERR_NOT_FOUND)
		return cu_cli_fail("no audit log in %s/audit", data);
	return cu_cli_fail("cannot read the audit log: %s", cu_strerror(r));
}

/* ---- verify / pubkey ------------------------------------------------------ */

static int load_pubkey(const char *arg, uint8_t pk[CU_SIGN_PK_BYTES])
{
	char *txt = NULL;
	size_t n = 0;
	int r;

	if (strlen(arg) == 2 * CU_SIGN_PK_BYTES && cu_unhex(arg, pk, CU_SIGN_PK_BYTES) == CU_OK)
		return CU_OK;
	if ((r = cu_file_read(arg, 4096, &txt, &n)))
		return r;
	while (n && (txt[n - 1] == '\n' || txt[n - 1] == '\r' || txt[n - 1] == ' '))
		txt[--n] = '\0';
	r = cu_unhex(txt, pk, CU_SIGN_PK_BYTES);
	cu_free(txt);
	return r;
}

static int cmd_verify(const struct opts *o)
{
	struct cu_audit_verify_result res;
	uint8_t pk[CU_SIGN_PK_BYTES];
	enum cu_format fmt;
	char *hex;
	int r, ex;

	if ((ex = need_data("audit verify", o)) ||
	    (ex = parse_fmt("audit verify", o->format, CU_FMT_TEXT, false, &fmt)))
		return ex;
	if (o->pubkey && load_pubkey(o->pubkey, pk))
		return cu_cli_usage_error("audit verify", "--pubkey wants 64 hex digits or a file "
					  "holding them");
	r = cu_audit_verify(o->data, o->pubkey ? pk : NULL, o->checkpoints, &res);
	if (r != CU_OK && r != CU_ERR_INTEGRITY) {
		if (r == CU_ERR_NOT_FOUND && o->checkpoints && access(o->checkpoints, R_OK))
			return cu_cli_fail("cannot read %s", o->checkpoints);
		if (r == CU_ERR_NOT_FOUND)
			return cu_cli_fail("audit verify: no audit log in %s/audit%s%s", o->data,
					   res.reason[0] ? ": " : "", res.reason);
		return cu_cli_fail("audit verify: %s%s%s", cu_strerror(r), res.reason[0] ? ": " : "",
				   res.reason);
	}
	hex = cu_hex(res.pubkey, CU_SIGN_PK_BYTES);
	if (fmt == CU_FMT_JSON) {
		json_t *j = json_object();
		char *s;
		json_object_set_new(j, "intact", json_boolean(r == CU_OK));
		json_object_set_new(j, "bad_seq", r ? json_integer((json_int_t)res.bad_seq) : json_null());
		json_object_set_new(j, "reason", r ? json_string(res.reason) : json_null());
		json_object_set_new(j, "records", json_integer((json_int_t)res.records));
		json_object_set_new(j, "first_seq", json_integer((json_int_t)res.first_seq));
		json_object_set_new(j, "last_seq", json_integer((json_int_t)res.last_seq));
		json_object_set_new(j, "segments", json_integer((json_int_t)res.segments));
		json_object_set_new(j, "checkpoints", json_integer((json_int_t)res.checkpoints));
		json_object_set_new(j, "checkpoint_seq", json_integer((json_int_t)res.checkpoint_seq));
		json_object_set_new(j, "anchors", json_integer((json_int_t)res.anchors));
		json_object_set_new(j, "pubkey", json_string(hex));
		json_object_set_new(j, "pubkey_pinned", json_boolean(o->pubkey != NULL));
		s = cu_json_dump(j);
		puts(s);
		cu_free(s);
		json_decref(j);
	} else if (r == CU_OK) {
		printf("audit log intact: records %llu..%llu (%llu records in %llu segments), "
		       "%llu signed checkpoints (newest at %llu), %llu purge anchors\n",
		       (unsigned long long)res.first_seq, (unsigned long long)res.last_seq,
		       (unsigned long long)res.records, (unsigned long long)res.segments,
		       (unsigned long long)res.checkpoints, (unsigned long long)res.checkpoint_seq,
		       (unsigned long long)res.anchors);
		printf("public key %s (%s)\n", hex,
		       o->pubkey ? "pinned with --pubkey"
				 : "read from the data directory; pin the published key with --pubkey");
		if (res.last_seq > res.checkpoint_seq)
			printf("note: records %llu..%llu are not yet covered by a signed checkpoint\n",
			       (unsigned long long)(res.checkpoint_seq + 1),
			       (unsigned long long)res.last_seq);
	}
	if (r == CU_ERR_INTEGRITY) {
		fprintf(stderr, "custos: audit verify: first bad sequence number: %llu\n",
			(unsigned long long)res.bad_seq);
		fprintf(stderr, "custos: audit verify: %s\n", res.reason);
	}
	cu_free(hex);
	return r == CU_OK ? CU_EXIT_OK : CU_EXIT_FAIL;
}

static int cmd_pubkey(const struct opts *o)
{
	struct cu_buf p;
	char *txt = NULL;
	size_t n = 0;
	uint8_t pk[CU_SIGN_PK_BYTES];
	int ex, r;

	if ((ex = need_data("audit pubkey", o)))
		return ex;
	cu_buf_init(&p, 8192);
	if (cu_buf_printf(&p, "%s/audit/pubkey", o->data)) {
		cu_buf_release(&p);
		return cu_cli_usage_error("audit pubkey", "--data is too long");
	}
	r = cu_file_read(p.data, 4096, &txt, &n);
	cu_buf_release(&p);
	if (r)
		return read_fail(o->data, r);
	while (n && (txt[n - 1] == '\n' || txt[n - 1] == ' '))
		txt[--n] = '\0';
	r = cu_unhex(txt, pk, sizeof(pk));
	if (!r)
		printf("%s\n", txt);
	cu_free(txt);
	return r ? cu_cli_fail("%s/audit/pubkey is malformed", o->data) : CU_EXIT_OK;
}

/* ---- printing records ------------------------------------------------------ */

/* Terminal columns of s (East Asian wide characters count 2). */
static size_t disp_width(const char *str, size_t maxbytes, size_t *cut_bytes, size_t maxw)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t w = 0, i = 0;
	while (i < maxbytes && s[i]) {
		uint32_t cp;
		size_t k;
		if (s[i] < 0x80) {
			cp = s[i];
			k = 1;
		} else if ((s[i] & 0xe0) == 0xc0) {
			cp = s[i] & 0x1f;
			k = 2;
		} else if ((s[i] & 0xf0) == 0xe0) {
			cp = s[i] & 0x0f;
			k = 3;
		} else {
			cp = s[i] & 0x07;
			k = 4;
		}
		for (size_t j = 1; j < k && s[i + j]; j++)
			cp = (cp << 6) | (s[i + j] & 0x3f);
		size_t cw = (cp >= 0x1100 && (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0xa4cf) ||
					      (cp >= 0xac00 && cp <= 0xd7a3) ||
					      (cp >= 0xf900 && cp <= 0xfaff) ||
					      (cp >= 0xfe30 && cp <= 0xfe4f) ||
					      (cp >= 0xff00 && cp <= 0xff60) ||
					      (cp >= 0xffe0 && cp <= 0xffe6) || cp >= 0x20000))
				    ? 2 : 1;
		if (w + cw > maxw)
			break;
		w += cw;
		i += k;
	}
	if (cut_bytes)
		*cut_bytes = i;
	return w;
}

/* Print s in a column of width w (cut with "…" if longer). */
static void cell(const char *s, size_t w, bool last)
{
	size_t cut, full = disp_width(s, SIZE_MAX, NULL, SIZE_MAX);
	size_t used;
	if (full > w) {
		used = disp_width(s, SIZE_MAX, &cut, w - 1);
		fwrite(s, 1, cut, stdout);
		fputs("…", stdout);
		used++;
	} else {
		fputs(s, stdout);
		used = full;
	}
	if (!last)
		for (; used < w + 2; used++)
			putchar(' ');
}

#define W_DESC 52
#define W_ACTOR 14
#define W_TIME 19
#define W_RESULT 15

static void table_header(void)
{
	cell("操作描述 description", W_DESC, false);
	cell("操作人 actor", W_ACTOR, false);
	cell("操作时间 (UTC)", W_TIME, false);
	cell("操作结果 result", W_RESULT, false);
	cell("模块 module", 12, true);
	putchar('\n');
}

static void table_row(const json_t *view)
{
	cell(json_string_value(json_object_get(view, "description")), W_DESC, false);
	cell(json_string_value(json_object_get(view, "actor")), W_ACTOR, false);
	cell(json_string_value(json_object_get(view, "time")), W_TIME, false);
	cell(json_string_value(json_object_get(view, "result")), W_RESULT, false);
	cell(json_string_value(json_object_get(view, "module")), 12, true);
	putchar('\n');
}

struct printer {
	enum cu_format fmt;
	json_t *arr;       /* CU_FMT_JSON, and tail (reversed) */
	json_t *lines;     /* tail: stored lines, printed in reverse */
	bool header_done;
	bool reverse;
};

static int print_one(struct printer *p, const json_t *rec, const char *line, size_t len)
{
	json_t *view = NULL;
	if (p->fmt == CU_FMT_JSONL) {
		fwrite(line, 1, len, stdout);
		putchar('\n');
		return 0;
	}
	if (p->fmt == CU_FMT_JSON) {
		json_array_append(p->arr, (json_t *)rec);
		return 0;
	}
	if (cu_audit_record_view(rec, &view))
		return 0;
	if (!p->header_done) {
		table_header();
		p->header_done = true;
	}
	table_row(view);
	json_decref(view);
	return 0;
}

static int print_cb(void *ctx, uint64_t seq, const json_t *rec, const char *line, size_t len)
{
	struct printer *p = ctx;
	(void)seq;
	if (p->reverse) {
		json_array_append_new(p->lines, json_stringn(line, len));
		json_array_append(p->arr, (json_t *)rec);
		return 0;
	}
	return print_one(p, rec, line, len);
}

static void print_finish(struct printer *p)
{
	if (p->reverse) {
		bool json = p->fmt == CU_FMT_JSON;
		json_t *recs = p->arr;
		if (json)
			p->arr = json_array();
		for (size_t i = json_array_size(recs); i-- > 0;) {
			json_t *l = json_array_get(p->lines, i);
			print_one(p, json_array_get(recs, i), json_string_value(l), json_string_length(l));
		}
		json_decref(recs);
		if (!json)
			p->arr = NULL;
	}
	if (p->fmt == CU_FMT_JSON && p->arr) {
		char *s = json_dumps(p->arr, JSON_INDENT(2));
		puts(s ? s : "[]");
		cu_free(s);
	}
	if (p->fmt == CU_FMT_TEXT && !p->header_done)
		table_header();
	json_decref(p->arr);
	json_decref(p->lines);
}

static int build_filter(const char *cmd, const struct opts *o, struct cu_audit_filter *f)
{
	int ex;
	memset(f, 0, sizeof(*f));
	f->actor = o->actor;
	f->event = o->type;
	f->module = o->module;
	f->result = o->result;
	f->subject = o->subject;
	f->collection = o->collection;
	f->record_id = o->record;
	f->request_id = o->request;
	f->newest_first = o->newest;
	if ((ex = parse_when(cmd, "--from", o->from, &f->from_ms)) ||
	    (ex = parse_when(cmd, "--to", o->to, &f->to_ms)) ||
	    (ex = parse_seq(cmd, "--after", o->after, &f->after_seq)) ||
	    (ex = parse_seq(cmd, "--before", o->before, &f->before_seq)) ||
	    (ex = parse_seq(cmd, "--limit", o->limit, &f->limit)))
		return ex;
	if (f->event && !cu_audit_event_valid(f->event) && f->event[strlen(f->event) - 1] != '.')
		return cu_cli_usage_error(cmd, "unknown event type '%s' (see docs/audit.md)", f->event);
	return CU_EXIT_OK;
}

static int run_query(const char *cmd, const struct opts *o, struct cu_audit_filter *f,
		     enum cu_format fmt, bool reverse)
{
	struct printer p = { fmt, NULL, NULL, false, reverse };
	int r;

	if (fmt == CU_FMT_JSON || reverse)
		p.arr = json_array();
	if (reverse)
		p.lines = json_array();
	r = cu_audit_query(o->data, f, print_cb, &p, NULL);
	if (r == CU_ERR_INVALID) {
		json_decref(p.arr);
		json_decref(p.lines);
		return cu_cli_usage_error(cmd, "unknown --type, --module or --result value");
	}
	if (r) {
		json_decref(p.arr);
		json_decref(p.lines);
		return read_fail(o->data, r);
	}
	print_finish(&p);
	return CU_EXIT_OK;
}

static int cmd_tail(const struct opts *o)
{
	struct cu_audit_filter f;
	enum cu_format fmt;
	uint64_t n = 20;
	int ex;

	if ((ex = need_data("audit tail", o)) ||
	    (ex = parse_fmt("audit tail", o->format, CU_FMT_TEXT, true, &fmt)) ||
	    (ex = build_filter("audit tail", o, &f)) ||
	    (o->n && (ex = parse_seq("audit tail", "-n", o->n, &n))))
		return ex;
	f.newest_first = true;
	f.limit = n ? n : 1;
	return run_query("audit tail", o, &f, fmt, true);
}

static int cmd_query(const struct opts *o)
{
	struct cu_audit_filter f;
	enum cu_format fmt;
	int ex;

	if ((ex = need_data("audit query", o)) ||
	    (ex = parse_fmt("audit query", o->format, CU_FMT_TEXT, true, &fmt)) ||
	    (ex = build_filter("audit query", o, &f)))
		return ex;
	return run_query("audit query", o, &f, fmt, false);
}

/* ---- reports ------------------------------------------------------------------ */

struct report {
	bool by_subject;
	json_t *rows;    /* views + details */
	json_t *groups;  /* key -> {count, first, last, events{}} */
	json_t *subjects, *records; /* actor report: distinct sets */
};

static const char *jget(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int report_cb(void *ctx, uint64_t seq, const json_t *rec, const char *line, size_t len)
{
	struct report *rp = ctx;
	const json_t *actor = json_object_get(rec, "actor");
	const json_t *obj = json_object_get(rec, "object");
	const char *key, *event = jget(rec, "event"), *ts = jget(rec, "ts");
	json_t *view = NULL, *g, *ev;
	(void)line;
	(void)len;

	if (cu_audit_record_view(rec, &view))
		return 0;
	json_object_set_new(view, "seq", json_integer((json_int_t)seq));
	json_object_set_new(view, "fields", json_object_get(obj, "fields")
					? json_incref(json_object_get(obj, "fields"))
					: json_array());
	json_object_set_new(view, "purpose", jget(rec, "purpose") ? json_string(jget(rec, "purpose")) : json_null());
	json_object_set_new(view, "reason", jget(rec, "reason") ? json_string(jget(rec, "reason")) : json_null());
	json_object_set_new(view, "source", jget(rec, "source") ? json_string(jget(rec, "source")) : json_null());
	json_object_set_new(view, "ts", json_string(ts ? ts : ""));
	json_array_append_new(rp->rows, view);
	if (rp->by_subject)
		key = jget(actor, "name") ? jget(actor, "name") : jget(actor, "id");
	else
		key = jget(obj, "collection") ? jget(obj, "collection") : "-";
	if (!key)
		key = "-";
	g = json_object_get(rp->groups, key);
	if (!g) {
		g = json_object();
		json_object_set_new(g, "count", json_integer(0));
		json_object_set_new(g, "first", json_string(ts ? ts : ""));
		json_object_set_new(g, "events", json_object());
		json_object_set_new(rp->groups, key, g);
	}
	json_object_set_new(g, "count", json_integer(json_integer_value(json_object_get(g, "count")) + 1));
	json_object_set_new(g, "last", json_string(ts ? ts : ""));
	ev = json_object_get(g, "events");
	json_object_set_new(ev, event, json_integer(json_integer_value(json_object_get(ev, event)) + 1));
	if (!rp->by_subject) {
		if (jget(obj, "subject"))
			json_object_set_new(rp->subjects, jget(obj, "subject"), json_true());
		if (jget(obj, "record"))
			json_object_set_new(rp->records, jget(obj, "record"), json_true());
	}
	return 0;
}

static int cmd_report(const struct opts *o)
{
	static const char cmd[] = "audit report";
	struct cu_audit_filter f;
	struct report rp;
	enum cu_format fmt;
	const char *what, *who;
	int ex, r;

	if ((ex = need_data(cmd, o)) || (ex = parse_fmt(cmd, o->format, CU_FMT_TEXT, false, &fmt)))
		return ex;
	if (o->npos != 3)
		return cu_cli_usage_error(cmd, "usage: custos audit report subject REF | actor NAME");
	what = o->pos[1];
	who = o->pos[2];
	memset(&f, 0, sizeof(f));
	if (strcmp(what, "subject") == 0)
		f.subject = who;
	else if (strcmp(what, "actor") == 0)
		f.actor = who;
	else
		return cu_cli_usage_error(cmd, "report 'subject' or 'actor', not '%s'", what);
	if ((ex = parse_when(cmd, "--from", o->from, &f.from_ms)) ||
	    (ex = parse_when(cmd, "--to", o->to, &f.to_ms)))
		return ex;
	memset(&rp, 0, sizeof(rp));
	rp.by_subject = f.subject != NULL;
	rp.rows = json_array();
	rp.groups = json_object();
	rp.subjects = json_object();
	rp.records = json_object();
	r = cu_audit_query(o->data, &f, report_cb, &rp, NULL);
	if (r) {
		ex = read_fail(o->data, r);
		goto out;
	}
	if (fmt == CU_FMT_JSON) {
		json_t *j = json_object();
		char *s;
		json_object_set_new(j, rp.by_subject ? "subject" : "actor", json_string(who));
		json_object_set_new(j, "from", o->from ? json_string(o->from) : json_null());
		json_object_set_new(j, "to", o->to ? json_string(o->to) : json_null());
		json_object_set(j, "events", rp.rows);
		json_object_set(j, rp.by_subject ? "by_actor" : "by_collection", rp.groups);
		if (!rp.by_subject) {
			json_object_set_new(j, "distinct_subjects", json_integer((json_int_t)json_object_size(rp.subjects)));
			json_object_set_new(j, "distinct_records", json_integer((json_int_t)json_object_size(rp.records)));
		}
		s = json_dumps(j, JSON_INDENT(2));
		puts(s ? s : "{}");
		cu_free(s);
		json_decref(j);
	} else {
		const char *k;
		json_t *g;
		size_t i;
		json_t *row;
		if (rp.by_subject)
			printf("谁访问了该客户的数据 / who accessed the data of subject %s\n\n", who);
		else
			printf("员工操作记录 / what %s did and accessed\n\n", who);
		table_header();
		json_array_foreach(rp.rows, i, row)
			table_row(row);
		printf("\n%zu events", json_array_size(rp.rows));
		if (!rp.by_subject)
			printf(", %zu distinct data subjects, %zu distinct records",
			       json_object_size(rp.subjects), json_object_size(rp.records));
		printf("\n%s\n", rp.by_subject ? "by actor:" : "by collection:");
		json_object_foreach(rp.groups, k, g) {
			const char *ek;
			json_t *ec;
			printf("  %-20s %5lld  %s .. %s  ", k,
			       (long long)json_integer_value(json_object_get(g, "count")),
			       jget(g, "first"), jget(g, "last"));
			json_object_foreach(json_object_get(g, "events"), ek, ec)
				printf(" %s=%lld", ek, (long long)json_integer_value(ec));
			putchar('\n');
		}
	}
	ex = CU_EXIT_OK;
out:
	json_decref(rp.rows);
	json_decref(rp.groups);
	json_decref(rp.subjects);
	json_decref(rp.records);
	return ex;
}

/* ---- export ------------------------------------------------------------------- */

enum dest_kind { DEST_STDOUT, DEST_UDP, DEST_TCP, DEST_UNIX };

struct exporter {
	bool syslog;
	enum dest_kind kind;
	int fd;
	char host[256];
	struct cu_buf msg;
	uint64_t sent;
	int err;
};

static int connect_dest(const char *dest, struct exporter *x)
{
	struct addrinfo hints, *res = NULL;
	char host[256], *port;
	const char *hp;
	int r;

	x->fd = -1;
	if (!dest || strcmp(dest, "-") == 0) {
		x->kind = DEST_STDOUT;
		return CU_OK;
	}
	if (strncmp(dest, "unix:", 5) == 0) {
		struct sockaddr_un sun;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(dest + 5) == 0 || strlen(dest + 5) >= sizeof(sun.sun_path))
			return CU_ERR_USAGE;
		memcpy(sun.sun_path, dest + 5, strlen(dest + 5));
		x->kind = DEST_UNIX;
		x->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (x->fd >= 0 && connect(x->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			return CU_OK;
		if (x->fd >= 0)
			close(x->fd);
		/* Some collectors listen on a stream socket. */
		x->kind = DEST_TCP;
		x->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (x->fd >= 0 && connect(x->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			return CU_OK;
		return CU_ERR_IO;
	}
	if (strncmp(dest, "udp://", 6) == 0)
		x->kind = DEST_UDP;
	else if (strncmp(dest, "tcp://", 6) == 0)
		x->kind = DEST_TCP;
	else
		return CU_ERR_USAGE;
	hp = dest + 6;
	if (strlen(hp) >= sizeof(host))
		return CU_ERR_USAGE;
	memcpy(host, hp, strlen(hp) + 1);
	port = strrchr(host, ':');
	if (!port || port == host || !port[1])
		return CU_ERR_USAGE;
	*port++ = '\0';
	if (host[0] == '[' && port[-2] == ']') { /* [::1]:514 */
		port[-2] = '\0';
		memmove(host, host + 1, strlen(host));
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = x->kind == DEST_UDP ? SOCK_DGRAM : SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0 || !res)
		return CU_ERR_IO;
	r = CU_ERR_IO;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		x->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (x->fd < 0)
			continue;
		if (connect(x->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			r = CU_OK;
			break;
		}
		close(x->fd);
		x->fd = -1;
	}
	freeaddrinfo(res);
	return r;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return CU_ERR_IO;
		p += k;
		n -= (size_t)k;
	}
	return CU_OK;
}

static int export_cb(void *ctx, uint64_t seq, const json_t *rec, const char *line, size_t len)
{
	struct exporter *x = ctx;
	int r;
	(void)seq;

	cu_buf_reset(&x->msg);
	if (x->syslog)
		r = cu_audit_record_syslog(rec, line, len, x->host, &x->msg);
	else
		r = cu_buf_append(&x->msg, line, len);
	if (r)
		return r;
	switch (x->kind) {
	case DEST_STDOUT:
		fwrite(x->msg.data, 1, x->msg.len, stdout);
		putchar('\n');
		r = ferror(stdout) ? CU_ERR_IO : CU_OK;
		break;
	case DEST_UDP:
	case DEST_UNIX:
		r = send(x->fd, x->msg.data, x->msg.len, MSG_NOSIGNAL) == (ssize_t)x->msg.len
			    ? CU_OK : CU_ERR_IO;
		break;
	case DEST_TCP: {
		/* RFC 6587 octet counting: "LEN SP MSG". */
		char pre[32];
		int n = snprintf(pre, sizeof(pre), "%zu ", x->msg.len);
		r = send_all(x->fd, pre, (size_t)n);
		if (!r)
			r = send_all(x->fd, x->msg.data, x->msg.len);
		break;
	}
	}
	if (r) {
		x->err = errno;
		return r;
	}
	x->sent++;
	return 0;
}

static int cmd_export(const struct opts *o)
{
	static const char cmd[] = "audit export";
	struct cu_audit_filter f;
	struct exporter x;
	uint64_t since = 0, after = 0;
	int ex, r;

	memset(&x, 0, sizeof(x));
	if ((ex = need_data(cmd, o)))
		return ex;
	if (!o->format || strcmp(o->format, "jsonl") == 0)
		x.syslog = false;
	else if (strcmp(o->format, "syslog") == 0)
		x.syslog = true;
	else
		return cu_cli_usage_error(cmd, "--format jsonl or syslog, not '%s'", o->format);
	if ((ex = parse_seq(cmd, "--since", o->since, &since)) ||
	    (ex = parse_seq(cmd, "--after", o->after, &after)))
		return ex;
	if (o->since && o->after)
		return cu_cli_usage_error(cmd, "give --since or --after, not both");
	memset(&f, 0, sizeof(f));
	f.after_seq = o->since ? (since ? since - 1 : 0) : after;
	if (gethostname(x.host, sizeof(x.host) - 1) != 0)
		x.host[0] = '\0';
	r = connect_dest(o->to, &x);
	if (r == CU_ERR_USAGE)
		return cu_cli_usage_error(cmd, "--to wants -, udp://HOST:PORT, tcp://HOST:PORT or "
					  "unix:PATH");
	if (r)
		return cu_cli_fail("audit export: cannot reach %s: %s", o->to, strerror(errno));
	cu_buf_init(&x.msg, CU_AUDIT_MAX_LINE + 1024);
	r = cu_audit_query(o->data, &f, export_cb, &x, NULL);
	cu_buf_release(&x.msg);
	if (x.fd >= 0)
		close(x.fd);
	if (fflush(stdout) != 0 && !r)
		r = CU_ERR_IO;
	if (r && x.err)
		return cu_cli_fail("audit export: sending failed after %llu records: %s",
				   (unsigned long long)x.sent, strerror(x.err));
	if (r)
		return read_fail(o->data, r);
	if (x.kind != DEST_STDOUT)
		fprintf(stderr, "custos: audit export: %llu records sent to %s\n",
			(unsigned long long)x.sent, o->to);
	return CU_EXIT_OK;
}

static int cmd_checkpoint(const struct opts *o)
{
	static const char cmd[] = "audit checkpoint";
	struct cu_buf p;
	char *txt = NULL;
	size_t n = 0, keep;
	int ex, r;

	if ((ex = need_data(cmd, o)))
		return ex;
	if (o->npos != 3 || strcmp(o->pos[1], "export") != 0)
		return cu_cli_usage_error(cmd, "usage: custos audit checkpoint export --data DIR FILE|-");
	cu_buf_init(&p, 8192);
	if (cu_buf_printf(&p, "%s/audit/checkpoints.log", o->data)) {
		cu_buf_release(&p);
		return cu_cli_usage_error(cmd, "--data is too long");
	}
	r = cu_file_read(p.data, (size_t)1 << 30, &txt, &n);
	cu_buf_release(&p);
	if (r)
		return read_fail(o->data, r);
	keep = n;
	while (keep && txt[keep - 1] != '\n') /* only whole lines */
		keep--;
	if (strcmp(o->pos[2], "-") == 0) {
		fwrite(txt, 1, keep, stdout);
		r = fflush(stdout) ? CU_ERR_IO : CU_OK;
	} else {
		r = cu_file_write_atomic(o->pos[2], txt, keep, 0644);
	}
	cu_free(txt);
	if (r)
		return cu_cli_fail("audit checkpoint export: cannot write %s: %s", o->pos[2],
				   strerror(errno));
	if (strcmp(o->pos[2], "-") != 0)
		fprintf(stderr, "custos: audit checkpoint export: wrote %s\n", o->pos[2]);
	return CU_EXIT_OK;
}

int cu_cmd_audit(int argc, char **argv)
{
	struct opts o;
	const char *sub;
	int ex;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(cu_usage_audit, argc < 2 ? stderr : stdout);
		return argc < 2 ? CU_EXIT_USAGE : CU_EXIT_OK;
	}
	if (cu_crypto_init())
		return cu_cli_fail("cannot initialise the crypto library");
	cu_json_init();
	sub = argv[1];
	if ((ex = parse_opts("audit", argc - 1, argv + 1, &o)))
		return ex;
	/* parse_opts saw argv[1..]: pos[0] is the subcommand itself. */
	if (strcmp(sub, "verify") == 0)
		return o.npos == 1 ? cmd_verify(&o) : cu_cli_usage_error("audit verify", "unexpected argument");
	if (strcmp(sub, "pubkey") == 0)
		return cmd_pubkey(&o);
	if (strcmp(sub, "tail") == 0)
		return cmd_tail(&o);
	if (strcmp(sub, "query") == 0)
		return cmd_query(&o);
	if (strcmp(sub, "report") == 0)
		return cmd_report(&o);
	if (strcmp(sub, "export") == 0)
		return cmd_export(&o); /* --to is the destination here */
	if (strcmp(sub, "checkpoint") == 0)
		return cmd_checkpoint(&o);
	return cu_cli_usage_error("audit", "unknown subcommand '%s'; try 'custos help audit'", sub);
}
