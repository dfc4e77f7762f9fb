/*
 * test_chain.c - known-answer tests of the audit record format, the chain
 * hash and signed checkpoints, against tests/vectors/audit/ (whose hashes
 * and signatures were cross-checked with an independent implementation:
 * tests/vectors/audit/verify_audit.py on Python's hashlib + cryptography).
 */
#include "test.h"
#include "audit/audit.h"
#include "core/json.h"
#include "core/util.h"

#define VEC CU_SOURCE_DIR "/tests/vectors/audit/"

static const char *const roles1[] = { "clerk" };
static const char *const fields2[] = { "name", "cn_id" };
static const char *const roles3[] = { "intern", "", "sales" };

/* The three events of tests/vectors/audit/records.log. */
static void vector_event(int i, struct cu_audit_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	switch (i) {
	case 0:
		ev->type = CU_AUDIT_AUTH_LOGIN_SUCCESS;
		ev->actor = (struct cu_audit_actor){ "u1", "alice", roles1, 1, CU_AUDIT_AUTH_TOTP,
						     "3f1c9a0e5b7d2c4a" };
		ev->source = "192.0.2.10";
		ev->client = "curl/8.5.0";
		ev->reason_code = "ok";
		ev->request_id = "req-1";
		break;
	case 1:
		ev->type = CU_AUDIT_RECORD_REVEAL;
		ev->actor = (struct cu_audit_actor){ "u1", "alice", roles1, 1, CU_AUDIT_AUTH_TOTP,
						     "3f1c9a0e5b7d2c4a" };
		ev->source = "192.0.2.10";
		ev->object = (struct cu_audit_object){ "customers", "r-42", "subj-9d2e", fields2, 2 };
		ev->purpose = "customer_service";
		ev->reason = "客户来电核实身份";
		ev->approval_id = "ap-7";
		ev->reason_code = "ok";
		ev->request_id = "req-2";
		break;
	default:
		ev->type = CU_AUDIT_RECORD_READ;
		ev->module = CU_AUDIT_MOD_RECORDS;
		ev->actor = (struct cu_audit_actor){ "u2", "bob", roles3, 3, CU_AUDIT_AUTH_PASSWORD,
						     NULL };
		ev->source = "198.51.100.7";
		/* Control characters, a quote and invalid UTF-8 from a client. */
		ev->client = "evil\x01" "agent\"q\n\xff\xfe\xe5\xbc\xa0";
		ev->object = (struct cu_audit_object){ "customers", "r-43", NULL, NULL, 0 };
		ev->result = CU_AUDIT_DENIED;
		ev->reason_code = "forbidden";
		break;
	}
}

static const int64_t vector_ts[3] = { 1767312000123, 1767312001000, 1767312001000 };

static char *slurp(const char *path, size_t *len)
{
	char *s = NULL;
	if (cu_file_read(path, 1 << 20, &s, len))
		return NULL;
	return s;
}

CU_TEST(record_vectors)
{
	uint8_t prev[CU_HASH_BYTES] = { 0 }, hash[CU_HASH_BYTES];
	struct cu_buf all;
	struct cu_audit_event ev;
	size_t len = 0;
	char *want = slurp(VEC "records.log", &len);

	CHECK(want != NULL);
	cu_buf_init(&all, 1 << 20);
	for (int i = 0; i < 3; i++) {
		struct cu_buf one;
		struct cu_audit_line ln;
		char why[128];
		cu_buf_init(&one, CU_AUDIT_MAX_LINE);
		vector_event(i, &ev);
		CHECK_EQ_INT(cu_audit_record_encode(&ev, (uint64_t)i + 1, vector_ts[i], prev, &one, hash), CU_OK);
		/* The encoder's hash is what the checker recomputes. */
		CHECK_EQ_INT(cu_audit_line_check(one.data, one.len - 1, &ln, why, sizeof(why)), CU_OK);
		CHECK_EQ_INT(ln.seq, i + 1);
		CHECK_EQ_INT(ln.ts_ms, vector_ts[i]);
		CHECK(memcmp(ln.hash, hash, CU_HASH_BYTES) == 0);
		CHECK(memcmp(ln.prev, prev, CU_HASH_BYTES) == 0);
		/* The hash is H(domain, prev || body-without-hash "}") by hand. */
		{
			struct cu_buf in;
			uint8_t h2[CU_HASH_BYTES];
			const char *cut = strstr(one.data, ",\"hash\":\"");
			cu_buf_init(&in, CU_AUDIT_MAX_LINE + 64);
			CHECK(cut != NULL);
			CHECK_EQ_INT(cu_buf_append(&in, prev, CU_HASH_BYTES), CU_OK);
			CHECK_EQ_INT(cu_buf_append(&in, one.data, (size_t)(cut - one.data)), CU_OK);
			CHECK_EQ_INT(cu_buf_putc(&in, '}'), CU_OK);
			cu_hash(h2, "custos.audit.v1", in.data, in.len);
			CHECK(memcmp(h2, hash, CU_HASH_BYTES) == 0);
			cu_buf_release(&in);
		}
		CHECK_EQ_INT(cu_buf_append(&all, one.data, one.len), CU_OK);
		memcpy(prev, hash, CU_HASH_BYTES);
		cu_buf_release(&one);
	}
	if (getenv("CU_AUDIT_WRITE_VECTORS"))
		fwrite(all.data, 1, all.len, stdout);
	CHECK(want && all.len == len && memcmp(all.data, want, len) == 0);
	/* Sanitised: no raw control characters, invalid bytes as '?'. */
	CHECK(strstr(all.data, "\"client\":\"evil\\u0001agent\\\"q\\n??张\"") != NULL);
	/* Empty role names are left out; the JSON parses. */
	CHECK(strstr(all.data, "\"roles\":[\"intern\",\"sales\"]") != NULL);
	{
		json_t *doc = NULL;
		const char *nl = strchr(all.data, '\n');
		CHECK_EQ_INT(cu_json_parse(all.data, (size_t)(nl - all.data), &doc, NULL, 0), CU_OK);
		CHECK_STR(json_string_value(json_object_get(doc, "event")), "auth.login.success");
		CHECK_STR(json_string_value(json_object_get(doc, "ts")), "2026-01-02T00:00:00.123Z");
		json_decref(doc);
	}
	cu_free(want);
	cu_buf_release(&all);
}

CU_TEST(line_check_rejects)
{
	uint8_t prev[CU_HASH_BYTES] = { 0 }, hash[CU_HASH_BYTES];
	struct cu_audit_event ev;
	struct cu_audit_line ln;
	struct cu_buf b;
	char why[128];
	size_t n;

	cu_buf_init(&b, CU_AUDIT_MAX_LINE);
	vector_event(1, &ev);
	CHECK_EQ_INT(cu_audit_record_encode(&ev, 7, vector_ts[1], prev, &b, hash), CU_OK);
	n = b.len - 1;
	/* Every single-byte change anywhere in the line is caught. */
	for (size_t i = 0; i < n; i++) {
		char saved = b.data[i];
		int caught = 0;
		for (int bit = 0; bit < 8; bit++) {
			b.data[i] = (char)(saved ^ (1 << bit));
			caught += cu_audit_line_check(b.data, n, &ln, why, sizeof(why)) == CU_ERR_INTEGRITY;
		}
		b.data[i] = saved;
		if (caught != 8)
			fprintf(stderr, "byte %zu: only %d of 8 flips caught\n", i, caught);
		CHECK_EQ_INT(caught, 8);
	}
	CHECK_EQ_INT(cu_audit_line_check(b.data, n, &ln, why, sizeof(why)), CU_OK);
	CHECK_EQ_INT(cu_audit_line_check(b.data, n - 1, &ln, why, sizeof(why)), CU_ERR_INTEGRITY);
	CHECK_EQ_INT(cu_audit_line_check(b.data + 1, n - 1, &ln, why, sizeof(why)), CU_ERR_INTEGRITY);
	CHECK_EQ_INT(cu_audit_line_check("", 0, &ln, why, sizeof(why)), CU_ERR_INTEGRITY);
	/* Bad enums are refused by the encoder. */
	ev.type = CU_AUDIT_TYPE__COUNT;
	CHECK_EQ_INT(cu_audit_record_encode(&ev, 8, 1, prev, &b, hash), CU_ERR_INVALID);
	vector_event(1, &ev);
	ev.result = (enum cu_audit_result)9;
	CHECK_EQ_INT(cu_audit_record_encode(&ev, 8, 1, prev, &b, hash), CU_ERR_INVALID);
	cu_buf_release(&b);
}

CU_TEST(truncation_caps)
{
	uint8_t prev[CU_HASH_BYTES] = { 0 }, hash[CU_HASH_BYTES];
	struct cu_audit_event ev;
	struct cu_buf b, big;
	const char *many[200];
	json_t *doc = NULL;

	cu_buf_init(&big, 1 << 20);
	for (int i = 0; i < 3000; i++)
		CHECK_EQ_INT(cu_buf_puts(&big, "张"), CU_OK); /* 3 bytes each */
	for (int i = 0; i < 200; i++)
		many[i] = big.data;
	memset(&ev, 0, sizeof(ev));
	ev.type = CU_AUDIT_RECORD_EXPORT;
	ev.client = big.data;
	ev.reason = big.data;
	ev.actor.name = big.data;
	ev.actor.roles = many;
	ev.actor.nroles = 200;
	ev.object.fields = many;
	ev.object.nfields = 200;
	cu_buf_init(&b, CU_AUDIT_MAX_LINE);
	/* Every string and list is cut to its cap: the line still fits. */
	CHECK_EQ_INT(cu_audit_record_encode(&ev, 1, 5, prev, &b, hash), CU_OK);
	CHECK(b.len < CU_AUDIT_MAX_LINE);
	CHECK_EQ_INT(cu_json_parse(b.data, b.len - 1, &doc, NULL, 0), CU_OK);
	CHECK_EQ_INT(strlen(json_string_value(json_object_get(doc, "client"))), 255); /* 85 whole chars */
	CHECK_EQ_INT(json_array_size(json_object_get(json_object_get(doc, "object"), "fields")),
		     CU_AUDIT_MAX_FIELDS);
	CHECK_EQ_INT(json_array_size(json_object_get(json_object_get(doc, "actor"), "roles")),
		     CU_AUDIT_MAX_ROLES);
	json_decref(doc);
	cu_buf_release(&b);
	cu_buf_release(&big);
}

CU_TEST(checkpoint_vectors)
{
	uint8_t seed[CU_KEY_BYTES], pk[CU_SIGN_PK_BYTES], sk[CU_SIGN_SK_BYTES];
	uint8_t msg[CU_AUDIT_SIGMSG_MAX], other[CU_SIGN_PK_BYTES], osk[CU_SIGN_SK_BYTES];
	struct cu_audit_checkpoint cp, got;
	struct cu_buf b;
	size_t n, len = 0;
	char *want = slurp(VEC "checkpoint.log", &len);
	char *hex;

	for (unsigned i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)i;
	cu_sign_keypair_from_seed(pk, sk, seed);
	hex = cu_hex(pk, sizeof(pk));
	/* RFC 8032 Ed25519 public key of the seed 00 01 02 ... 1f. */
	CHECK_STR(hex, "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8");
	cu_free(hex);
	memset(&cp, 0, sizeof(cp));
	cp.seq = 3;
	cp.ts_ms = 1767312002000;
	CHECK_EQ_INT(cu_unhex("b9e0f3a4d2e9e7d0c3b6a9a8f1e2d3c4b5a69788796a5b4c3d2e1f0011223344",
			      cp.hash, CU_HASH_BYTES), CU_OK);
	n = cu_audit_sigmsg(false, cp.seq, cp.hash, cp.ts_ms, msg);
	CHECK_EQ_INT(n, strlen(CU_AUDIT_CP_DOMAIN) + 1 + 8 + 32 + 8);
	CHECK(memcmp(msg, "custos.audit.checkpoint.v1\0\0\0\0\0\0\0\0\3", 35) == 0);
	cu_sign(cp.sig, msg, n, sk);
	cu_buf_init(&b, 1024);
	CHECK_EQ_INT(cu_audit_checkpoint_encode(&cp, &b), CU_OK);
	if (getenv("CU_AUDIT_WRITE_VECTORS"))
		fputs(b.data, stdout);
	CHECK(want && b.len == len && memcmp(b.data, want, len) == 0);
	CHECK_EQ_INT(cu_audit_checkpoint_check(false, b.data, b.len - 1, pk, &got), CU_OK);
	CHECK_EQ_INT(got.seq, 3);
	CHECK_EQ_INT(got.ts_ms, cp.ts_ms);
	/* The same signature is not valid as a purge anchor (domain). */
	CHECK_EQ_INT(cu_audit_checkpoint_check(true, b.data, b.len - 1, pk, &got), CU_ERR_INTEGRITY);
	/* Nor under another key. */
	seed[0] ^= 1;
	cu_sign_keypair_from_seed(other, osk, seed);
	CHECK_EQ_INT(cu_audit_checkpoint_check(false, b.data, b.len - 1, other, &got), CU_ERR_INTEGRITY);
	/* Changing seq, hash or ts breaks it. */
	{
		char *s = cu_strdup(b.data);
		char *p = strstr(s, "\"seq\":3");
		p[6] = '4';
		CHECK_EQ_INT(cu_audit_checkpoint_check(false, s, b.len - 1, pk, &got), CU_ERR_INTEGRITY);
		p[6] = '3';
		p = strstr(s, "\"ts\":1767312002000");
		p[17] = '1';
		CHECK_EQ_INT(cu_audit_checkpoint_check(false, s, b.len - 1, pk, &got), CU_ERR_INTEGRITY);
		p[17] = '0';
		p = strstr(s, "\"hash\":\"b9");
		p[8] = 'c';
		CHECK_EQ_INT(cu_audit_checkpoint_check(false, s, b.len - 1, pk, &got), CU_ERR_INTEGRITY);
		p[8] = 'b';
		CHECK_EQ_INT(cu_audit_checkpoint_check(false, s, b.len - 1, pk, &got), CU_OK);
		CHECK_EQ_INT(cu_audit_checkpoint_check(false, "{\"seq\":1}", 9, pk, &got), CU_ERR_INVALID);
		cu_free(s);
	}
	cu_memzero(sk, sizeof(sk));
	cu_memzero(osk, sizeof(osk));
	cu_free(want);
	cu_buf_release(&b);
}

CU_TEST(timestamps)
{
	char ts[32];
	int64_t ms;
	cu_audit_ts_format(1767312000123, ts);
	CHECK_STR(ts, "2026-01-02T00:00:00.123Z");
	CHECK_EQ_INT(cu_audit_ts_parse(ts, strlen(ts), &ms), CU_OK);
	CHECK_EQ_INT(ms, 1767312000123);
	cu_audit_ts_format(951782400005, ts); /* 2000-02-29 */
	CHECK_STR(ts, "2000-02-29T00:00:00.005Z");
	CHECK_EQ_INT(cu_audit_ts_parse(ts, strlen(ts), &ms), CU_OK);
	CHECK_EQ_INT(ms, 951782400005);
	CHECK_EQ_INT(cu_audit_ts_parse("2026-01-02T00:00:00Z", 20, &ms), CU_ERR_INVALID);
	CHECK_EQ_INT(cu_audit_ts_parse("2026-13-02T00:00:00.000Z", 24, &ms), CU_ERR_INVALID);
	CHECK_EQ_INT(cu_audit_ts_parse("2026-01-02T00:00:00.0a0Z", 24, &ms), CU_ERR_INVALID);
}

CU_TEST(vocabulary)
{
	static const char *const names[] = {
		"auth.login.success", "auth.login.failure", "auth.logout", "auth.totp.enrol",
		"record.create", "record.read", "record.reveal", "record.update", "record.delete",
		"record.lookup", "record.export", "collection.create", "collection.read",
		"collection.delete", "user.create", "user.disable", "user.enable", "user.delete",
		"user.passwd", "user.reset_totp", "role.change", "token.create", "token.revoke",
		"scan.run", "audit.read", "audit.purge", "key.rotate", "backup.create",
		"approval.request", "approval.decide", "settings.change", "role.read",
		"consent.change", "consent.read", "system.start",
		"system.stop",
	};
	enum cu_audit_type t;
	enum cu_audit_module m;
	enum cu_audit_result res;

	CHECK_EQ_INT(CU_ARRAY_LEN(names), CU_AUDIT_TYPE__COUNT);
	for (size_t i = 0; i < CU_ARRAY_LEN(names); i++) {
		const struct cu_audit_type_info *ti = cu_audit_type_info((enum cu_audit_type)i);
		CHECK(cu_audit_event_valid(names[i]));
		CHECK_STR(ti->name, names[i]);
		CHECK(ti->zh && strlen(ti->zh) >= 6 && ti->en && *ti->en);
		CHECK(cu_audit_module_name(ti->module) != NULL);
	}
	CHECK(!cu_audit_event_valid("record.steal"));
	CHECK(!cu_audit_event_valid(""));
	CHECK(!cu_audit_event_valid(NULL));
	CHECK(!cu_audit_event_valid("record."));
	CHECK(cu_audit_type_info(CU_AUDIT_TYPE__COUNT) == NULL);
	CHECK_EQ_INT(cu_audit_type_parse("user.passwd", &t), CU_OK);
	CHECK_EQ_INT(t, CU_AUDIT_USER_PASSWD);
	CHECK_EQ_INT(cu_audit_module_parse("dlp", &m), CU_OK);
	CHECK_STR(cu_audit_module_zh(m), "防泄漏扫描");
	CHECK_EQ_INT(cu_audit_module_parse("vault", &m), CU_ERR_INVALID);
	CHECK_EQ_INT(cu_audit_result_parse("denied", &res), CU_OK);
	CHECK_STR(cu_audit_result_zh(res), "拒绝访问");
	CHECK_EQ_INT(cu_audit_result_parse("ok", &res), CU_ERR_INVALID);
	CHECK_STR(cu_audit_auth_name(CU_AUDIT_AUTH_CLI), "cli");
}

int main(void)
{
	cu_json_init();
	if (cu_crypto_init())
		return 1;
	RUN(record_vectors);
	RUN(line_check_rejects);
	RUN(truncation_caps);
	RUN(checkpoint_vectors);
	RUN(timestamps);
	RUN(vocabulary);
	return cu_test_done();
}
