/*
 * fuzz_audit_line.c - libFuzzer target for reading the operation log.
 *
 * Audit files are exactly what an attacker who reached the disk would
 * tamper with, so verify and the readers must never crash on them.  The
 * input is up to three NUL-separated parts: segment lines, checkpoint
 * lines, anchor lines.  Each line of each part goes through
 * cu_audit_line_check, cu_audit_checkpoint_check (as a checkpoint and as
 * an anchor, under a fixed test key), cu_audit_ts_parse, and, when it is
 * JSON, the console view and the syslog form.  A copy of each record
 * line with its hash member recomputed must then fail only for its frame,
 * never for its hash: the hash covers exactly what the format says.
 * Finally the parts are written to a temporary data directory as
 * seg-0000000000000001.log, checkpoints.log and anchors.log and the whole
 * log goes through cu_audit_verify and cu_audit_query.
 *
 * Invariants: results agree with their out-params (a line that checks has
 * seq >= 1 and a time that formats back to what it parsed from; a
 * checkpoint that checks has a signature valid under the key), timestamps
 * round-trip, verify answers one of its documented codes.
 */
#include "core/common.h"
#include "core/json.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "audit/audit.h"
#include "audit/audit_int.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The test key: Ed25519 from the seed 00 01 02 .. 1f.  The seed corpus
 * was signed with it (docs/fuzzing.md). */
static uint8_t pk[CU_SIGN_PK_BYTES];
static char datadir[512], adir[600];
static bool ready;

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void cleanup(void)
{
	static const char *const names[] = { "seg-0000000000000001.log", CU_AUDIT_CP_FILE,
					     CU_AUDIT_ANCHOR_FILE, CU_AUDIT_PUBKEY_FILE, NULL };
	char p[700];
	for (size_t i = 0; names[i]; i++) {
		snprintf(p, sizeof(p), "%s/%s", adir, names[i]);
		unlink(p);
	}
	rmdir(adir);
	rmdir(datadir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t seed[32], *sk;
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	if (ready)
		return 0;
	if (cu_crypto_init())
		abort();
	cu_json_init();
	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)i;
	sk = cu_secret_alloc(CU_SIGN_SK_BYTES);
	cu_sign_keypair_from_seed(pk, sk, seed);
	cu_secret_free(sk);
	snprintf(datadir, sizeof(datadir), "%s/fuzz_audit.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(datadir))
		abort();
	snprintf(adir, sizeof(adir), "%s/%s", datadir, CU_AUDIT_SUBDIR);
	if (mkdir(adir, 0700))
		abort();
	atexit(cleanup);
	ready = true;
	return 0;
}

static void ts_checks(const char *s, size_t n)
{
	int64_t ms = -1, back = -1;
	char out[32];

	if (cu_audit_ts_parse(s, n, &ms)) {
		check(ms == 0);
		return;
	}
	check(n == 24 && ms >= 0);
	/* What parsed formats to a canonical string that parses to the same. */
	cu_audit_ts_format(ms, out);
	check(strlen(out) == 24 && cu_audit_ts_parse(out, 24, &back) == CU_OK && back == ms);
}

/* 64 lowercase hex digits (the only form the encoder writes). */
static bool unhex32(const char *p, uint8_t out[CU_HASH_BYTES])
{
	for (size_t i = 0; i < 2 * CU_HASH_BYTES; i++) {
		char c = p[i];
		unsigned v;
		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (unsigned)(c - 'a' + 10);
		else
			return false;
		out[i / 2] = (uint8_t)(i % 2 ? out[i / 2] | v : v << 4);
	}
	return true;
}

/* Put the right hash into a copy of a line that has the record frame. */
static void rehash_check(const char *line, size_t n)
{
	static const size_t hash_suffix = 9 + 64 + 2, prev_member = 9 + 64 + 1;
	uint8_t *scratch, h[CU_HASH_BYTES];
	struct cu_audit_line ln;
	char why[128], *copy, *hex;
	size_t body;

	if (n < hash_suffix + prev_member || n >= CU_AUDIT_MAX_LINE)
		return;
	body = n - hash_suffix;
	if (memcmp(line + body, ",\"hash\":\"", 9) || memcmp(line + n - 2, "\"}", 2) ||
	    memcmp(line + body - prev_member, ",\"prev\":\"", 9))
		return;
	scratch = cu_malloc(CU_HASH_BYTES + body + 1);
	if (!unhex32(line + body - prev_member + 9, scratch)) {
		cu_free(scratch);
		return;
	}
	memcpy(scratch + CU_HASH_BYTES, line, body);
	scratch[CU_HASH_BYTES + body] = '}';
	cu_hash(h, CU_AUDIT_HASH_DOMAIN, scratch, CU_HASH_BYTES + body + 1);
	cu_free(scratch);
	copy = cu_malloc(n);
	memcpy(copy, line, n);
	hex = cu_hex(h, CU_HASH_BYTES);
	memcpy(copy + body + 9, hex, 64);
	cu_free(hex);
	if (cu_audit_line_check(copy, n, &ln, why, sizeof(why)) == CU_OK)
		check(ln.seq >= 1 && memcmp(ln.hash, h, CU_HASH_BYTES) == 0);
	else
		check(strcmp(why, "record hash does not match its contents") != 0);
	cu_free(copy);
}

static void one_line(const char *line, size_t n)
{
	struct cu_audit_line ln;
	struct cu_audit_checkpoint cp;
	char why[128];
	json_t *rec = NULL, *view = NULL;
	int r;

	why[0] = 'x';
	r = cu_audit_line_check(line, n, &ln, why, sizeof(why));
	if (r == CU_OK) {
		char ts[32];
		check(ln.seq >= 1 && ln.ts_ms >= 0 && why[0] == '\0');
		cu_audit_ts_format(ln.ts_ms, ts);
		ts_checks(ts, strlen(ts));
	} else {
		check(r == CU_ERR_INTEGRITY && why[0] != '\0');
	}
	rehash_check(line, n);
	for (int anchor = 0; anchor < 2; anchor++) {
		r = cu_audit_checkpoint_check(anchor, line, n, pk, &cp);
		check(r == CU_OK || r == CU_ERR_INVALID || r == CU_ERR_INTEGRITY);
		if (r == CU_OK) {
			uint8_t msg[CU_AUDIT_SIGMSG_MAX];
			size_t mlen = cu_audit_sigmsg(anchor, cp.seq, cp.hash, cp.ts_ms, msg);
			check(cp.seq >= 1 && cp.ts_ms >= 0 &&
			      cu_sign_verify(cp.sig, msg, mlen, pk) == CU_OK);
		}
	}
	ts_checks(line, n);
	if (n >= 24)
		ts_checks(line + n - 24, 24);
	if (cu_json_parse(line, n, &rec, NULL, 0) == CU_OK) {
		struct cu_buf b;
		if (cu_audit_record_view(rec, &view) == CU_OK) {
			char *s = cu_json_dump(view);
			check(cu_utf8_valid(s, strlen(s)));
			cu_free(s);
			json_decref(view);
		}
		cu_buf_init(&b, 2 * CU_AUDIT_MAX_LINE);
		if (cu_audit_record_syslog(rec, line, n, "host.example", &b) == CU_OK)
			check(b.len > n && memcmp(b.data + b.len - n, line, n) == 0);
		cu_buf_release(&b);
		json_decref(rec);
	}
}

/*
 * Writer to reader: an event whose strings are lines of the input (cycled
 * to fill up to CU_AUDIT_MAX_ROLES roles and CU_AUDIT_MAX_FIELDS fields,
 * so short inputs reach the caps) must encode, check, parse as JSON and
 * show in the console and syslog views.  Whatever a client sends, the
 * record it causes can be read back.
 */
static void encode_roundtrip(const uint8_t *data, size_t size)
{
	enum { NSTR = 12 };
	char *str[NSTR + CU_AUDIT_MAX_FIELDS];
	const char *roles[CU_AUDIT_MAX_ROLES + 1], *fields[CU_AUDIT_MAX_FIELDS + 1];
	size_t nlines = 0, pos = 0;
	struct cu_audit_event ev;
	struct cu_audit_line ln;
	struct cu_buf b, sys;
	uint8_t prev[CU_HASH_BYTES], hash[CU_HASH_BYTES];
	json_t *rec = NULL, *view = NULL;
	char why[128];

	if (size < 4)
		return;
	while (pos <= size && nlines < CU_ARRAY_LEN(str)) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - data) - pos : size - pos;
		str[nlines++] = cu_strndup((const char *)data + pos, len);
		pos += len + 1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = (enum cu_audit_type)(data[0] % CU_AUDIT_TYPE__COUNT);
	ev.module = (enum cu_audit_module)(data[1] % CU_AUDIT_MOD__COUNT);
	ev.result = (enum cu_audit_result)(data[2] % CU_AUDIT_RESULT__COUNT);
	ev.actor.auth = (enum cu_audit_auth)(data[3] % CU_AUDIT_AUTH__COUNT);
#define S(i) (str[(i) % nlines])
	ev.actor.id = S(0);
	ev.actor.name = S(1);
	ev.actor.session_ref = S(2);
	ev.source = S(3);
	ev.client = S(4);
	ev.object.collection = S(5);
	ev.object.record_id = S(6);
	ev.object.subject_ref = S(7);
	ev.purpose = S(8);
	ev.reason = S(9);
	ev.approval_id = S(10);
	ev.reason_code = S(11);
	ev.request_id = S(12);
	for (size_t i = 0; i <= CU_AUDIT_MAX_ROLES; i++)
		roles[i] = S(13 + i);
	for (size_t i = 0; i <= CU_AUDIT_MAX_FIELDS; i++)
		fields[i] = S(i);
#undef S
	/* One over each cap: the encoder must drop the extra. */
	ev.actor.roles = roles;
	ev.actor.nroles = (size_t)data[1] % (CU_AUDIT_MAX_ROLES + 2);
	ev.object.fields = fields;
	ev.object.nfields = (size_t)data[2] % (CU_AUDIT_MAX_FIELDS + 2);
	memset(prev, 0xab, sizeof(prev));
	cu_buf_init(&b, 4 * CU_AUDIT_MAX_LINE);
	check(cu_audit_record_encode(&ev, 7, 1700000000000, prev, &b, hash) == CU_OK);
	check(b.len >= 2 && b.len <= CU_AUDIT_MAX_LINE && b.data[b.len - 1] == '\n' &&
	      !memchr(b.data, '\n', b.len - 1));
	check(cu_audit_line_check(b.data, b.len - 1, &ln, why, sizeof(why)) == CU_OK);
	check(ln.seq == 7 && ln.ts_ms == 1700000000000 && !memcmp(ln.hash, hash, CU_HASH_BYTES) &&
	      !memcmp(ln.prev, prev, CU_HASH_BYTES));
	check(cu_json_parse(b.data, b.len - 1, &rec, NULL, 0) == CU_OK);
	check(json_integer_value(json_object_get(rec, "seq")) == 7);
	check(cu_audit_record_view(rec, &view) == CU_OK);
	json_decref(view);
	cu_buf_init(&sys, 4 * CU_AUDIT_MAX_LINE);
	check(cu_audit_record_syslog(rec, b.data, b.len - 1, "host", &sys) == CU_OK);
	cu_buf_release(&sys);
	json_decref(rec);
	cu_buf_release(&b);
	for (size_t i = 0; i < nlines; i++)
		cu_free(str[i]);
}

static void lines(const char *p, size_t n)
{
	size_t pos = 0, len;
	const char *line;
	bool complete;

	while (cu_audit_next_line(p, n, &pos, &line, &len, &complete)) {
		check(line >= p && len <= n && line + len <= p + n);
		one_line(line, len);
	}
}

static void put(const char *name, const char *p, size_t n)
{
	char path[700];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", adir, name);
	if (!p) {
		unlink(path);
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	check(fd >= 0);
	check(cu_audit_write_all(fd, p, n) == CU_OK);
	close(fd);
}

static int on_record(void *ctx, uint64_t seq, const json_t *rec, const char *line, size_t len)
{
	json_t *view = NULL;
	(void)ctx;
	check(seq >= 1 && rec && line);
	if (cu_audit_record_view(rec, &view) == CU_OK)
		json_decref(view);
	(void)len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *part[3] = { NULL, NULL, NULL };
	size_t plen[3] = { 0, 0, 0 }, k = 0;
	const char *p = (const char *)data, *end = p + size;
	struct cu_audit_verify_result res;
	struct cu_audit_filter f;
	uint64_t matched = 0;
	int r;

	if (!ready)
		LLVMFuzzerInitialize(NULL, NULL);
	ts_checks(p, size);
	encode_roundtrip(data, size);
	while (k < 3) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		part[k] = p;
		plen[k] = nul && k < 2 ? (size_t)(nul - p) : (size_t)(end - p);
		lines(part[k], plen[k]);
		k++;
		if (!nul || k == 3)
			break;
		p = nul + 1;
	}

	put("seg-0000000000000001.log", part[0], plen[0]);
	put(CU_AUDIT_CP_FILE, part[1], plen[1]);
	put(CU_AUDIT_ANCHOR_FILE, part[2], plen[2]);
	r = cu_audit_verify(datadir, pk, NULL, &res);
	check(r == CU_OK || r == CU_ERR_INTEGRITY || r == CU_ERR_NOT_FOUND);
	check(r != CU_ERR_INTEGRITY || (res.bad_seq && res.reason[0]));
	check(r != CU_OK || (res.bad_seq == 0 && res.records == res.last_seq));
	/* Without a pinned key, audit/pubkey is missing. */
	put(CU_AUDIT_PUBKEY_FILE, NULL, 0);
	check(cu_audit_verify(datadir, NULL, NULL, &res) == CU_ERR_NOT_FOUND);

	r = cu_audit_query(datadir, NULL, on_record, NULL, &matched);
	check(r == CU_OK || r == CU_ERR_INVALID || r == CU_ERR_INTEGRITY || r == CU_ERR_NOT_FOUND);
	memset(&f, 0, sizeof(f));
	f.event = "record.";
	f.newest_first = true;
	f.limit = 3;
	r = cu_audit_query(datadir, &f, on_record, NULL, &matched);
	check(r == CU_OK || r == CU_ERR_INVALID || r == CU_ERR_INTEGRITY || r == CU_ERR_NOT_FOUND);
	check(matched <= 3);
	return 0;
}
