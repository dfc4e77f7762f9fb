/*
 * record.c - the byte format of audit records, checkpoints and anchors.
 *
 * A record line is compact JSON with keys in a fixed order, written by
 * our own encoder (not jansson) so that the bytes are deterministic and
 * documented.  Its frame is fixed so a verifier needs no JSON parser to
 * check the chain:
 *
 *   {"v":1,"seq":<n>,"ts":"<24 chars>","event":"<type>", ... ,
 *    "prev":"<64 hex>","hash":"<64 hex>"}\n
 *
 *   hash = BLAKE2b-256( 15 || "custos.audit.v1" || prev[32] || body )
 *
 * where body is the line without its newline and without the final
 * ,"hash":"..." member, i.e. ending in "prev":"<hex>"}  (docs/audit.md).
 */
#include "audit/audit.h"
#include "core/util.h"

#define HASH_SUFFIX_LEN (9u + 64u + 2u)   /* ,"hash":"<64>"}  */
#define PREV_MEMBER_LEN (9u + 64u + 1u)   /* ,"prev":"<64>"   */
#define TS_LEN 24u

/* ---- time ------------------------------------------------------------ */

void cu_audit_ts_format(int64_t ms, char out[32])
{
	struct tm tm;
	time_t t;
	int64_t frac;
	char base[24];

	if (ms < 0)
		ms = 0;
	t = (time_t)(ms / 1000);
	frac = ms % 1000;
	gmtime_r(&t, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%s.%03dZ", base, (int)frac);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, size_t n, unsigned *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return true;
}

int cu_audit_ts_parse(const char *s, size_t n, int64_t *ms)
{
	unsigned y, mo, d, h, mi, se, f;

	*ms = 0;
	if (n != TS_LEN || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != '.' || s[23] != 'Z')
		return CU_ERR_INVALID;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
	    !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se) ||
	    !digits(s + 20, 3, &f))
		return CU_ERR_INVALID;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return CU_ERR_INVALID;
	*ms = ((days_from_civil(y, mo, d) * 86400) + h * 3600 + mi * 60 + se) * 1000 + f;
	return CU_OK;
}

/* ---- encoding ---------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t need;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (need > n || !cu_utf8_valid((const char *)s, need))
		return 0;
	return need;
}

/*
 * Append s as a JSON string of at most cap bytes of content (after
 * escaping), cut on a character boundary; invalid UTF-8 bytes become '?'.
 */
static int put_str(struct cu_buf *b, const char *str, size_t cap)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), used = 0;
	int r;

	if ((r = cu_buf_putc(b, '"')))
		return r;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq(s + i, n - i);
		if (k == 0) {
			if (used + 1 > cap)
				break;
			r = cu_buf_putc(b, '?');
			used++;
			i++;
		} else if (k > 1) {
			if (used + k > cap)
				break;
			r = cu_buf_append(b, s + i, k);
			used += k;
			i += k;
		} else {
			unsigned char c = s[i];
			/* The cap counts escaped bytes: counted before escaping, 64
			 * field names of control characters took six times their
			 * cap and the record outgrew CU_AUDIT_MAX_LINE, failing the
			 * append. */
			size_t esc = c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' ? 2
				     : c < 0x20 || c == 0x7f ? 6 : 1;
			if (used + esc > cap)
				break;
			if (c == '"')
				r = cu_buf_puts(b, "\\\"");
			else if (c == '\\')
				r = cu_buf_puts(b, "\\\\");
			else if (c == '\n')
				r = cu_buf_puts(b, "\\n");
			else if (c == '\r')
				r = cu_buf_puts(b, "\\r");
			else if (c == '\t')
				r = cu_buf_puts(b, "\\t");
			else if (c < 0x20 || c == 0x7f)
				r = cu_buf_printf(b, "\\u%04x", c);
			else
				r = cu_buf_putc(b, (char)c);
			used += esc;
			i++;
		}
		if (r)
			return r;
	}
	return cu_buf_putc(b, '"');
}

static bool present(const char *s)
{
	return s && *s;
}

/* ,"key":"value" when value is present. */
static int put_member(struct cu_buf *b, bool *first, const char *key, const char *val,
		      size_t cap)
{
	int r;
	if (!present(val))
		return CU_OK;
	if ((r = cu_buf_printf(b, "%s\"%s\":", *first ? "" : ",", key)))
		return r;
	*first = false;
	return put_str(b, val, cap);
}

static int put_list(struct cu_buf *b, bool *first, const char *key,
		    const char *const *v, size_t n, size_t maxn, size_t cap)
{
	bool any = false;
	int r;

	for (size_t i = 0; i < n && i < maxn; i++) {
		if (!present(v[i]))
			continue;
		if ((r = cu_buf_printf(b, any ? "," : "%s\"%s\":[", *first ? "" : ",", key)))
			return r;
		any = true;
		if ((r = put_str(b, v[i], cap)))
			return r;
	}
	if (!any)
		return CU_OK;
	*first = false;
	return cu_buf_putc(b, ']');
}

static int encode_body(struct cu_buf *b, const struct cu_audit_event *ev, uint64_t seq,
		       int64_t ts_ms, const uint8_t prev[CU_HASH_BYTES])
{
	const struct cu_audit_type_info *ti = cu_audit_type_info(ev->type);
	const struct cu_audit_actor *ac = &ev->actor;
	const struct cu_audit_object *ob = &ev->object;
	enum cu_audit_module mod = ev->module ? ev->module : ti->module;
	char ts[32];
	char *hex = NULL;
	bool first;
	int r;

	cu_audit_ts_format(ts_ms, ts);
	if ((r = cu_buf_printf(b, "{\"v\":1,\"seq\":%llu,\"ts\":\"%s\",\"event\":\"%s\","
			       "\"module\":\"%s\",\"actor\":{",
			       (unsigned long long)seq, ts, ti->name, cu_audit_module_name(mod))))
		return r;
	first = true;
	if ((r = put_member(b, &first, "id", ac->id, CU_AUDIT_MAX_ID)) ||
	    (r = put_member(b, &first, "name", ac->name, CU_AUDIT_MAX_NAME)) ||
	    (r = put_list(b, &first, "roles", ac->roles, ac->roles ? ac->nroles : 0,
			  CU_AUDIT_MAX_ROLES, CU_AUDIT_MAX_NAME)) ||
	    (r = put_member(b, &first, "auth", cu_audit_auth_name(ac->auth), 16)) ||
	    (r = put_member(b, &first, "session", ac->session_ref, CU_AUDIT_MAX_ID)) ||
	    (r = cu_buf_putc(b, '}')))
		return r;
	first = false;
	if ((r = put_member(b, &first, "source", ev->source, CU_AUDIT_MAX_SOURCE)) ||
	    (r = put_member(b, &first, "client", ev->client, CU_AUDIT_MAX_CLIENT)))
		return r;
	if (present(ob->collection) || present(ob->record_id) || present(ob->subject_ref) ||
	    (ob->fields && ob->nfields)) {
		bool ofirst = true;
		if ((r = cu_buf_puts(b, ",\"object\":{")) ||
		    (r = put_member(b, &ofirst, "collection", ob->collection, CU_AUDIT_MAX_NAME)) ||
		    (r = put_member(b, &ofirst, "record", ob->record_id, CU_AUDIT_MAX_ID)) ||
		    (r = put_member(b, &ofirst, "subject", ob->subject_ref, CU_AUDIT_MAX_ID)) ||
		    (r = put_list(b, &ofirst, "fields", ob->fields, ob->fields ? ob->nfields : 0,
				  CU_AUDIT_MAX_FIELDS, CU_AUDIT_MAX_FIELD_NAME)) ||
		    (r = cu_buf_putc(b, '}')))
			return r;
	}
	if ((r = put_member(b, &first, "purpose", ev->purpose, CU_AUDIT_MAX_NAME)) ||
	    (r = put_member(b, &first, "reason", ev->reason, CU_AUDIT_MAX_REASON)) ||
	    (r = put_member(b, &first, "approval", ev->approval_id, CU_AUDIT_MAX_ID)) ||
	    (r = put_member(b, &first, "result", cu_audit_result_name(ev->result), 16)) ||
	    (r = put_member(b, &first, "code", ev->reason_code, CU_AUDIT_MAX_NAME)) ||
	    (r = put_member(b, &first, "request", ev->request_id, CU_AUDIT_MAX_ID)))
		return r;
	hex = cu_hex(prev, CU_HASH_BYTES);
	r = cu_buf_printf(b, ",\"prev\":\"%s\"", hex);
	cu_free(hex);
	return r;
}

static bool event_ok(const struct cu_audit_event *ev)
{
	return ev && (unsigned)ev->type < CU_AUDIT_TYPE__COUNT &&
	       (unsigned)ev->module < CU_AUDIT_MOD__COUNT &&
	       (unsigned)ev->result < CU_AUDIT_RESULT__COUNT &&
	       (unsigned)ev->actor.auth < CU_AUDIT_AUTH__COUNT;
}

int cu_audit_record_encode(const struct cu_audit_event *ev, uint64_t seq, int64_t ts_ms,
			   const uint8_t prev[CU_HASH_BYTES], struct cu_buf *out,
			   uint8_t hash[CU_HASH_BYTES])
{
	uint8_t p[CU_HASH_BYTES];
	struct cu_buf s;
	char *hex = NULL;
	size_t body;
	int r;

	memcpy(p, prev, CU_HASH_BYTES); /* prev may be hash itself */
	prev = p;
	memset(hash, 0, CU_HASH_BYTES);
	if (!event_ok(ev) || seq == 0 || ts_ms < 0)
		return CU_ERR_INVALID;
	/* scratch = prev || body "}" : exactly the hash input. */
	cu_buf_init(&s, CU_AUDIT_MAX_LINE + CU_HASH_BYTES);
	if ((r = cu_buf_append(&s, prev, CU_HASH_BYTES)) ||
	    (r = encode_body(&s, ev, seq, ts_ms, prev)) ||
	    (r = cu_buf_putc(&s, '}')))
		goto out;
	body = s.len - CU_HASH_BYTES - 1;
	if (body + HASH_SUFFIX_LEN + 1 > CU_AUDIT_MAX_LINE) {
		r = CU_ERR_TOO_LARGE; /* cannot happen with the caps in audit.h */
		goto out;
	}
	cu_hash(hash, CU_AUDIT_HASH_DOMAIN, s.data, s.len);
	hex = cu_hex(hash, CU_HASH_BYTES);
	if ((r = cu_buf_append(out, s.data + CU_HASH_BYTES, body)) ||
	    (r = cu_buf_printf(out, ",\"hash\":\"%s\"}\n", hex)))
		goto out;
out:
	if (r)
		memset(hash, 0, CU_HASH_BYTES);
	cu_free(hex);
	cu_buf_release(&s);
	return r;
}

/* ---- checking ---------------------------------------------------------- */

static int bad(char *why, size_t whylen, const char *msg)
{
	if (why && whylen)
		snprintf(why, whylen, "%s", msg);
	return CU_ERR_INTEGRITY;
}

/* Lowercase hex digit value + 1; 0 for anything else (one table lookup
 * per character: verify decodes two hashes per record). */
static const uint8_t hexval1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
	['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14,
	['e'] = 15, ['f'] = 16,
};

static bool unhex_n(const char *p, uint8_t *out, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		uint8_t hi = hexval1[s[2 * i]], lo = hexval1[s[2 * i + 1]];
		ok &= hi && lo;
		out[i] = (uint8_t)((unsigned)((hi - 1) & 0x0f) << 4 | ((lo - 1) & 0x0f));
	}
	return ok;
}

int cu_audit_line_check(const char *line, size_t len, struct cu_audit_line *out,
			char *why, size_t whylen)
{
	static const char pre[] = "{\"v\":1,\"seq\":";
	uint8_t scratch[CU_HASH_BYTES + CU_AUDIT_MAX_LINE];
	uint8_t h[CU_HASH_BYTES];
	const char *p, *end, *q;
	size_t body;
	uint64_t seq = 0;
	enum cu_audit_type t;
	char ev[40];

	memset(out, 0, sizeof(*out));
	if (why && whylen)
		why[0] = '\0';
	if (len >= CU_AUDIT_MAX_LINE || len < sizeof(pre) + HASH_SUFFIX_LEN + PREV_MEMBER_LEN)
		return bad(why, whylen, "record has an impossible length");
	/* A raw newline or any other change inside the line fails the hash:
	 * the encoder escapes every control character. */
	/* Frame: prefix and seq. */
	if (memcmp(line, pre, sizeof(pre) - 1) != 0)
		return bad(why, whylen, "record does not start with the v1 frame");
	p = line + sizeof(pre) - 1;
	end = line + len;
	if (*p < '1' || *p > '9')
		return bad(why, whylen, "malformed sequence number");
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (seq > (UINT64_MAX - 9) / 10)
			return bad(why, whylen, "sequence number out of range");
		seq = seq * 10 + (uint64_t)(*p - '0');
	}
	out->seq = seq;
	if ((size_t)(end - p) < 7 + TS_LEN + 1 || memcmp(p, ",\"ts\":\"", 7) != 0)
		return bad(why, whylen, "malformed timestamp");
	p += 7;
	if (cu_audit_ts_parse(p, TS_LEN, &out->ts_ms) || p[TS_LEN] != '"')
		return bad(why, whylen, "malformed timestamp");
	p += TS_LEN + 1;
	if ((size_t)(end - p) < 10 || memcmp(p, ",\"event\":\"", 10) != 0)
		return bad(why, whylen, "malformed event type");
	p += 10;
	q = memchr(p, '"', (size_t)(end - p));
	if (!q || (size_t)(q - p) >= sizeof(ev))
		return bad(why, whylen, "malformed event type");
	memcpy(ev, p, (size_t)(q - p));
	ev[q - p] = '\0';
	if (cu_audit_type_parse(ev, &t))
		return bad(why, whylen, "event type not in the vocabulary");
	/* Frame: ,"prev":"<hex>","hash":"<hex>"} at the end. */
	q = end - HASH_SUFFIX_LEN;
	if (memcmp(q, ",\"hash\":\"", 9) != 0 || memcmp(end - 2, "\"}", 2) != 0 ||
	    !unhex_n(q + 9, out->hash, CU_HASH_BYTES))
		return bad(why, whylen, "malformed hash member");
	q -= PREV_MEMBER_LEN;
	if (q <= p || memcmp(q, ",\"prev\":\"", 9) != 0 || q[9 + 64] != '"' ||
	    !unhex_n(q + 9, out->prev, CU_HASH_BYTES))
		return bad(why, whylen, "malformed prev member");
	/* Recompute. */
	body = len - HASH_SUFFIX_LEN;
	memcpy(scratch, out->prev, CU_HASH_BYTES);
	memcpy(scratch + CU_HASH_BYTES, line, body);
	scratch[CU_HASH_BYTES + body] = '}';
	cu_hash(h, CU_AUDIT_HASH_DOMAIN, scratch, CU_HASH_BYTES + body + 1);
	if (memcmp(h, out->hash, CU_HASH_BYTES) != 0)
		return bad(why, whylen, "record hash does not match its contents");
	return CU_OK;
}

/* ---- checkpoints and anchors ------------------------------------------ */

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

size_t cu_audit_sigmsg(bool anchor, uint64_t seq, const uint8_t hash[CU_HASH_BYTES],
		       int64_t ts_ms, uint8_t msg[CU_AUDIT_SIGMSG_MAX])
{
	const char *dom = anchor ? CU_AUDIT_ANCHOR_DOMAIN : CU_AUDIT_CP_DOMAIN;
	size_t n = strlen(dom);

	memcpy(msg, dom, n);
	msg[n++] = 0;
	put_be64(msg + n, seq);
	n += 8;
	memcpy(msg + n, hash, CU_HASH_BYTES);
	n += CU_HASH_BYTES;
	put_be64(msg + n, (uint64_t)ts_ms);
	return n + 8;
}

int cu_audit_checkpoint_encode(const struct cu_audit_checkpoint *cp, struct cu_buf *out)
{
	char *h = cu_hex(cp->hash, CU_HASH_BYTES);
	char *s = cu_hex(cp->sig, CU_SIG_BYTES);
	int r = cu_buf_printf(out, "{\"seq\":%llu,\"hash\":\"%s\",\"ts\":%lld,\"sig\":\"%s\"}\n",
			      (unsigned long long)cp->seq, h, (long long)cp->ts_ms, s);
	cu_free(h);
	cu_free(s);
	return r;
}

int cu_audit_checkpoint_check(bool anchor, const char *line, size_t len,
			      const uint8_t pk[CU_SIGN_PK_BYTES], struct cu_audit_checkpoint *cp)
{
	static const char *const keys[] = { "seq", "hash", "ts", "sig", NULL };
	uint8_t msg[CU_AUDIT_SIGMSG_MAX];
	json_t *doc = NULL;
	const char *h, *s, *badkey;
	int64_t seq, ts;
	size_t n;
	int r = CU_ERR_INVALID;

	memset(cp, 0, sizeof(*cp));
	if (len > 1024 || memchr(line, '\n', len))
		return CU_ERR_INVALID;
	if (cu_json_parse(line, len, &doc, NULL, 0))
		return CU_ERR_INVALID;
	if (cu_json_only_keys(doc, keys, &badkey) ||
	    cu_json_get_int(doc, "seq", &seq) || seq < 1 ||
	    cu_json_get_int(doc, "ts", &ts) || ts < 0 ||
	    cu_json_get_str(doc, "hash", &h) || cu_json_get_str(doc, "sig", &s) ||
	    cu_unhex(h, cp->hash, CU_HASH_BYTES) || cu_unhex(s, cp->sig, CU_SIG_BYTES))
		goto out;
	cp->seq = (uint64_t)seq;
	cp->ts_ms = ts;
	n = cu_audit_sigmsg(anchor, cp->seq, cp->hash, cp->ts_ms, msg);
	r = cu_sign_verify(cp->sig, msg, n, pk) ? CU_ERR_INTEGRITY : CU_OK;
out:
	json_decref(doc);
	return r;
}
