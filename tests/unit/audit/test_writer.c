/*
 * test_writer.c - the audit writer: retention floor, group commit under
 * concurrency, fail-closed on write/sync/checkpoint faults with no
 * acknowledged record lost, crash repair, truncation detection, locking,
 * purge of checkpointed segments only, no-op mode, queries and views.
 */
#include "test.h"
#include "audit_test.h"
#include "core/json.h"

static struct cu_keyring *kr;

static struct cu_audit *open_log(const char *dir, uint32_t cp_every, uint32_t seg, int *rc)
{
	struct cu_audit_opts o = { 0 };
	struct cu_audit *a = NULL;
	o.checkpoint_every = cp_every;
	o.segment_records = seg;
	o.checkpoint_secs = 3600;
	*rc = cu_audit_open(dir, kr, &o, &a);
	return a;
}

static uint64_t count_lines(const char *path)
{
	char *s = NULL;
	size_t n = 0;
	uint64_t c = 0;
	if (cu_file_read(path, (size_t)1 << 30, &s, &n))
		return 0;
	for (size_t i = 0; i < n; i++)
		c += s[i] == '\n';
	cu_free(s);
	return c;
}

static int verify(const char *dir, struct cu_audit_verify_result *vr)
{
	return cu_audit_verify(dir, NULL, NULL, vr);
}

CU_TEST(retention_floor)
{
	char *d = at_tmpdir();
	struct cu_audit_opts o = { 0 };
	struct cu_audit *a = NULL;

	o.retention_days = 179;
	CHECK_EQ_INT(cu_audit_open(d, kr, &o, &a), CU_ERR_INVALID);
	CHECK(a == NULL);
	o.retention_days = -5;
	CHECK_EQ_INT(cu_audit_open(d, kr, &o, &a), CU_ERR_INVALID);
	o.retention_days = 1;
	o.noop = true; /* even the benchmark baseline refuses it */
	CHECK_EQ_INT(cu_audit_open(d, kr, &o, &a), CU_ERR_INVALID);
	o.noop = false;
	o.retention_days = 180;
	CHECK_EQ_INT(cu_audit_open(d, kr, &o, &a), CU_OK);
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	o.retention_days = 0; /* default: 180 */
	CHECK_EQ_INT(cu_audit_open(d, kr, &o, &a), CU_OK);
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	/* Needs a keyring to sign with. */
	CHECK_EQ_INT(cu_audit_open(d, NULL, NULL, &a), CU_ERR_INVALID);
	at_rmtree(d);
	cu_free(d);
}

CU_TEST(append_reopen)
{
	char *d = at_tmpdir();
	struct cu_audit_verify_result vr;
	struct cu_audit_status st;
	struct at_event e;
	uint64_t seq = 0;
	int rc;
	struct cu_audit *a = open_log(d, 4, 3, &rc);

	CHECK_EQ_INT(rc, CU_OK);
	for (uint64_t i = 1; i <= 10; i++) {
		at_event_make(&e, 0, i);
		CHECK_EQ_INT(cu_audit_append(a, &e.ev, &seq), CU_OK);
		CHECK_EQ_INT(seq, i);
	}
	cu_audit_status(a, &st);
	CHECK_EQ_INT(st.last_seq, 10);
	CHECK_EQ_INT(st.checkpoint_seq, 8); /* every 4 records */
	/* A second writer is refused while this one holds the log. */
	{
		struct cu_audit *b = open_log(d, 4, 3, &rc);
		CHECK_EQ_INT(rc, CU_ERR_LOCKED);
		CHECK(b == NULL);
	}
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	a = open_log(d, 4, 3, &rc);
	CHECK_EQ_INT(rc, CU_OK);
	cu_audit_status(a, &st);
	CHECK_EQ_INT(st.checkpoint_seq, 10); /* the one written at close */
	for (uint64_t i = 11; i <= 15; i++) {
		at_event_make(&e, 0, i);
		CHECK_EQ_INT(cu_audit_append(a, &e.ev, &seq), CU_OK);
		CHECK_EQ_INT(seq, i);
	}
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	CHECK_EQ_INT(verify(d, &vr), CU_OK);
	CHECK_EQ_INT(vr.records, 15);
	CHECK_EQ_INT(vr.segments, 5);
	CHECK_EQ_INT(vr.checkpoint_seq, 15);
	CHECK_EQ_INT(vr.bad_seq, 0);
	/* No verify without a log. */
	{
		char *e2 = at_tmpdir();
		CHECK_EQ_INT(verify(e2, &vr), CU_ERR_NOT_FOUND);
		at_rmtree(e2);
		cu_free(e2);
	}
	at_rmtree(d);
	cu_free(d);
}

CU_TEST(group_commit)
{
	char *d = at_tmpdir();
	struct cu_audit_verify_result vr;
	struct cu_audit_status st;
	uint64_t acks[4800];
	uint64_t ok, holes = 0;
	int rc;
	struct cu_audit *a = open_log(d, 500, 1000, &rc);

	memset(acks, 0, sizeof(acks));
	ok = at_workload(a, 16, 300, acks, 4800, 0);
	CHECK_EQ_INT(ok, 4800);
	for (size_t i = 0; i < 4800; i++)
		holes += acks[i] == 0;
	CHECK_EQ_INT(holes, 0); /* seqs 1..4800, each handed out once */
	cu_audit_status(a, &st);
	printf("group commit: %llu records in %llu write+fdatasync batches (%.1f per batch)\n",
	       (unsigned long long)st.appended, (unsigned long long)st.batches,
	       st.batches ? (double)st.appended / (double)st.batches : 0.0);
	CHECK(st.batches < st.appended);
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	CHECK_EQ_INT(verify(d, &vr), CU_OK);
	CHECK_EQ_INT(vr.records, 4800);
	at_rmtree(d);
	cu_free(d);
}

static int failures_seen;
static void on_fail(void *ctx, int err)
{
	(void)ctx;
	CHECK_EQ_INT(err, CU_ERR_UNAVAILABLE);
	failures_seen++;
}

/* Under load, inject fault op; every acknowledged record must survive
 * the failure, the restart and the repair, with its own contents. */
static void fault_under_load(char op, int err)
{
	char *d = at_tmpdir();
	struct cu_audit_opts o = { 0 };
	struct cu_audit_verify_result vr;
	struct cu_audit *a = NULL;
	struct at_event e;
	uint64_t acks[2000], seq = 0, ok, lost = 0, present = 0;

	memset(acks, 0, sizeof(acks));
	o.checkpoint_every = op == 'c' ? 40 : 1000;
	o.checkpoint_secs = 3600;
	o.segment_records = 64;
	o.on_failure = on_fail;
	failures_seen = 0;
	CHECK_EQ_INT(cu_audit_open(d, kr, &o, &a), CU_OK);
	ok = at_workload(a, 8, 25, acks, 2000, 0); /* 200 good ones first */
	CHECK_EQ_INT(ok, 200);
	cu_audit_fault_inject(a, op, err);
	ok += at_workload(a, 8, 100, acks, 2000, 0);
	CHECK(ok < 1000); /* the fault stopped them */
	/* Failed state: refuses at once, and keeps refusing. */
	at_event_make(&e, 99, 1);
	CHECK_EQ_INT(cu_audit_append(a, &e.ev, &seq), CU_ERR_UNAVAILABLE);
	CHECK_EQ_INT(seq, 0);
	CHECK_EQ_INT(cu_audit_append(a, &e.ev, &seq), CU_ERR_UNAVAILABLE);
	CHECK_EQ_INT(cu_audit_checkpoint(a), CU_ERR_UNAVAILABLE);
	{
		struct cu_audit_status st;
		cu_audit_status(a, &st);
		CHECK_EQ_INT(st.failed, CU_ERR_UNAVAILABLE);
	}
	CHECK_EQ_INT(cu_audit_close(a), CU_ERR_UNAVAILABLE);
	CHECK_EQ_INT(failures_seen, 1);
	/* Restart: repairs a torn tail, goes on. */
	CHECK_EQ_INT(cu_audit_open(d, kr, &o, &a), CU_OK);
	at_event_make(&e, 99, 2);
	CHECK_EQ_INT(cu_audit_append(a, &e.ev, &seq), CU_OK);
	CHECK(seq > ok);
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	CHECK_EQ_INT(verify(d, &vr), CU_OK);
	CHECK_EQ_INT(vr.bad_seq, 0);
	/* Every acknowledged seq is there with the request that got it. */
	for (uint64_t s = 1; s <= 2000; s++) {
		struct cu_audit_filter f = { 0 };
		uint64_t m = 0;
		char req[48];
		if (!acks[s - 1])
			continue;
		present++;
		snprintf(req, sizeof(req), "req-%llu-%llu",
			 (unsigned long long)((acks[s - 1] - 1) / 1000003ull),
			 (unsigned long long)(acks[s - 1] - 1));
		f.after_seq = s - 1;
		f.before_seq = s + 1;
		f.request_id = req;
		CHECK_EQ_INT(cu_audit_query(d, &f, NULL, NULL, &m), CU_OK);
		lost += m != 1;
	}
	CHECK_EQ_INT(present, ok);
	CHECK_EQ_INT(lost, 0);
	printf("fault '%c' (%s): %llu acknowledged before the log failed closed, %llu lost\n", op,
	       strerror(err), (unsigned long long)ok, (unsigned long long)lost);
	at_rmtree(d);
	cu_free(d);
}

static int count_cb(void *ctx, uint64_t seq, const json_t *rec, const char *line, size_t len)
{
	(void)seq;
	(void)rec;
	(void)line;
	(void)len;
	(*(uint64_t *)ctx)++;
	return 0;
}

CU_TEST(fail_closed)
{
	fault_under_load('s', EIO);
	fault_under_load('w', ENOSPC);
	fault_under_load('w', EROFS);
	fault_under_load('c', ENOSPC);
}

CU_TEST(torn_tail_and_truncation)
{
	char *d = at_tmpdir();
	char *seg;
	struct cu_audit_verify_result vr;
	struct at_event e;
	uint64_t seq;
	int rc, fd;
	struct cu_audit *a = open_log(d, 10, 1000, &rc);

	for (uint64_t i = 1; i <= 30; i++) {
		at_event_make(&e, 0, i);
		CHECK_EQ_INT(cu_audit_append(a, &e.ev, &seq), CU_OK);
	}
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	seg = at_path(d, "audit/seg-0000000000000001.log");
	/* A crash mid-write leaves half a line: verify names it, open cuts it. */
	fd = open(seg, O_WRONLY | O_APPEND);
	CHECK(write(fd, "{\"v\":1,\"seq\":31,\"ts\":\"20", 24) == 24);
	close(fd);
	CHECK_EQ_INT(verify(d, &vr), CU_ERR_INTEGRITY);
	CHECK_EQ_INT(vr.bad_seq, 31);
	a = open_log(d, 10, 1000, &rc);
	CHECK_EQ_INT(rc, CU_OK);
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	CHECK_EQ_INT(verify(d, &vr), CU_OK);
	CHECK_EQ_INT(count_lines(seg), 30);
	/* Cutting whole records behind the last checkpoint (30): refused. */
	{
		char *s = NULL;
		size_t n = 0, keep = 0, lines = 0;
		CHECK_EQ_INT(cu_file_read(seg, 1 << 24, &s, &n), CU_OK);
		for (size_t i = 0; i < n && lines < 25; i++)
			if (s[i] == '\n') {
				lines++;
				keep = i + 1;
			}
		CHECK_EQ_INT(truncate(seg, (off_t)keep), 0);
		cu_free(s);
	}
	CHECK_EQ_INT(verify(d, &vr), CU_ERR_INTEGRITY);
	CHECK_EQ_INT(vr.bad_seq, 26);
	a = open_log(d, 10, 1000, &rc);
	CHECK_EQ_INT(rc, CU_ERR_INTEGRITY);
	CHECK(a == NULL);
	cu_free(seg);
	at_rmtree(d);
	cu_free(d);
}

CU_TEST(pubkey_pinned)
{
	char *d = at_tmpdir(), *d2 = at_tmpdir();
	struct cu_keyring *other = at_keyring(d2);
	struct cu_audit_verify_result vr;
	struct cu_audit *a = NULL;
	struct at_event e;
	uint64_t seq;
	int rc;

	a = open_log(d, 10, 100, &rc);
	at_event_make(&e, 0, 1);
	CHECK_EQ_INT(cu_audit_append(a, &e.ev, &seq), CU_OK);
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	CHECK(other != NULL);
	/* Another keyring may not continue this log. */
	CHECK_EQ_INT(cu_audit_open(d, other, NULL, &a), CU_ERR_INTEGRITY);
	/* Verify under the wrong (pinned) key fails on the checkpoint. */
	CHECK_EQ_INT(cu_audit_verify(d, cu_keyring_audit_pk(other), NULL, &vr), CU_ERR_INTEGRITY);
	CHECK_EQ_INT(vr.bad_seq, 1);
	CHECK_EQ_INT(cu_audit_verify(d, cu_keyring_audit_pk(kr), NULL, &vr), CU_OK);
	cu_keyring_free(other);
	at_rmtree(d);
	at_rmtree(d2);
	cu_free(d);
	cu_free(d2);
}

CU_TEST(checkpoint_timer)
{
	char *d = at_tmpdir();
	struct cu_audit_opts o = { 0 };
	struct cu_audit_status st;
	struct cu_audit *a = NULL;
	struct at_event e;
	uint64_t seq;

	o.checkpoint_secs = 1;
	o.checkpoint_every = 1000000;
	CHECK_EQ_INT(cu_audit_open(d, kr, &o, &a), CU_OK);
	usleep(1100 * 1000); /* the first batch after a quiet second is signed at once */
	for (uint64_t i = 1; i <= 3; i++) {
		at_event_make(&e, 0, i);
		CHECK_EQ_INT(cu_audit_append(a, &e.ev, &seq), CU_OK);
	}
	usleep(2500 * 1000);
	cu_audit_status(a, &st);
	CHECK_EQ_INT(st.checkpoint_seq, 3); /* signed by the timer, not by close */
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	at_rmtree(d);
	cu_free(d);
}

static struct cu_audit *open_purge(const char *d, int64_t days, uint32_t cp_every)
{
	struct cu_audit_opts o = { 0 };
	struct cu_audit *a = NULL;
	o.checkpoint_every = cp_every;
	o.checkpoint_secs = 3600;
	o.segment_records = 100;
	o.retention_days = days;
	return cu_audit_open(d, kr, &o, &a) ? NULL : a;
}

CU_TEST(purge)
{
	char *d = at_tmpdir(), *anchors = NULL;
	int64_t now = cu_time_now(), old_ms = (now - 200 * 86400) * 1000;
	struct cu_audit_verify_result vr;
	struct cu_audit_filter f = { 0 };
	struct cu_audit *a = open_purge(d, 180, 100000);
	uint64_t purged = 9, m = 0;

	CHECK(a != NULL);
	CHECK_EQ_INT(at_workload(a, 1, 450, NULL, 0, old_ms), 450);
	CHECK_EQ_INT(at_workload(a, 1, 60, NULL, 0, 0), 60);
	/* Nothing is signed yet: nothing may go. */
	CHECK_EQ_INT(cu_audit_purge(a, now, &purged), CU_OK);
	CHECK_EQ_INT(purged, 0);
	CHECK_EQ_INT(cu_audit_checkpoint(a), CU_OK);
	/* A longer retention keeps 200-day-old records. */
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	a = open_purge(d, 365, 100000);
	CHECK_EQ_INT(cu_audit_purge(a, now, &purged), CU_OK);
	CHECK_EQ_INT(purged, 0);
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	/* 180 days: segments 1-100 .. 301-400 go; 401-500 holds newer ones. */
	a = open_purge(d, 180, 100000);
	CHECK_EQ_INT(cu_audit_purge(a, now, &purged), CU_OK);
	CHECK_EQ_INT(purged, 400);
	CHECK_EQ_INT(cu_audit_purge(a, now, &purged), CU_OK);
	CHECK_EQ_INT(purged, 0);
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	CHECK_EQ_INT(verify(d, &vr), CU_OK);
	CHECK_EQ_INT(vr.first_seq, 401);
	CHECK_EQ_INT(vr.anchors, 4);
	CHECK_EQ_INT(vr.last_seq, 511);
	/* The purge is itself in the log. */
	f.event = "audit.purge";
	CHECK_EQ_INT(cu_audit_query(d, &f, count_cb, &m, NULL), CU_OK);
	CHECK_EQ_INT(m, 1);
	/* Reopen after a purge continues the chain. */
	a = open_purge(d, 180, 100000);
	CHECK(a != NULL);
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	CHECK_EQ_INT(verify(d, &vr), CU_OK);
	/* Without its anchors the gap is an unexplained removal. */
	anchors = at_path(d, "audit/anchors.log");
	{
		char *s = NULL;
		size_t n = 0;
		CHECK_EQ_INT(cu_file_read(anchors, 1 << 20, &s, &n), CU_OK);
		/* Drop the last anchor: records 301..400 are unexplained. */
		size_t cut = n - 1;
		while (cut > 0 && s[cut - 1] != '\n')
			cut--;
		CHECK_EQ_INT(truncate(anchors, (off_t)cut), 0);
		CHECK_EQ_INT(verify(d, &vr), CU_ERR_INTEGRITY);
		CHECK_EQ_INT(vr.bad_seq, 301);
		CHECK_EQ_INT(unlink(anchors), 0);
		CHECK_EQ_INT(verify(d, &vr), CU_ERR_INTEGRITY);
		CHECK_EQ_INT(vr.bad_seq, 1);
		CHECK_EQ_INT(cu_file_write_atomic(anchors, s, n, 0600), CU_OK);
		CHECK_EQ_INT(verify(d, &vr), CU_OK);
		cu_free(s);
	}
	/* A damaged log is never purged (that would erase the evidence). */
	{
		char *seg = at_path(d, "audit/seg-0000000000000401.log");
		char *s = NULL;
		size_t n = 0;
		CHECK_EQ_INT(cu_file_read(seg, 1 << 24, &s, &n), CU_OK);
		s[40] ^= 1;
		CHECK_EQ_INT(cu_file_write_atomic(seg, s, n, 0600), CU_OK);
		a = open_purge(d, 180, 100000);
		CHECK(a != NULL);
		CHECK_EQ_INT(cu_audit_purge(a, now + 400 * 86400, &purged), CU_ERR_INTEGRITY);
		CHECK_EQ_INT(purged, 0);
		CHECK_EQ_INT(cu_audit_close(a), CU_OK);
		cu_free(seg);
		cu_free(s);
	}
	cu_free(anchors);
	at_rmtree(d);
	cu_free(d);
}

CU_TEST(noop)
{
	char *d = at_tmpdir(), *adir = at_path(d, "audit");
	struct cu_audit_opts o = { 0 };
	struct cu_audit_status st;
	struct cu_audit *a = NULL;
	struct stat sb;

	o.noop = true;
	CHECK_EQ_INT(cu_audit_open(d, NULL, &o, &a), CU_OK);
	CHECK_EQ_INT(at_workload(a, 4, 1000, NULL, 0, 0), 4000);
	cu_audit_status(a, &st);
	CHECK(st.noop);
	CHECK_EQ_INT(st.last_seq, 4000);
	CHECK_EQ_INT(cu_audit_checkpoint(a), CU_OK);
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	CHECK(stat(adir, &sb) != 0); /* wrote nothing */
	cu_free(adir);
	at_rmtree(d);
	cu_free(d);
}

struct collect {
	uint64_t seqs[64];
	size_t n;
};

static int collect_cb(void *ctx, uint64_t seq, const json_t *rec, const char *line, size_t len)
{
	struct collect *c = ctx;
	(void)rec;
	(void)line;
	(void)len;
	if (c->n < 64)
		c->seqs[c->n++] = seq;
	return 0;
}

CU_TEST(query_and_views)
{
	char *d = at_tmpdir();
	struct cu_audit_filter f;
	struct collect c;
	struct cu_audit_event ev;
	uint64_t seq, m;
	int64_t t0 = 1767312000000; /* 2026-01-02 */
	int rc;
	struct cu_audit *a = open_log(d, 10, 7, &rc);
	const char *fields[] = { "phone" };

	for (int i = 0; i < 40; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = i % 4 == 0 ? CU_AUDIT_RECORD_REVEAL : i % 4 == 1 ? CU_AUDIT_RECORD_READ
			: i % 4 == 2 ? CU_AUDIT_USER_DISABLE : CU_AUDIT_AUTH_LOGIN_FAILURE;
		ev.actor.name = i % 2 ? "bob" : "alice";
		ev.actor.id = i % 2 ? "u2" : "u1";
		ev.object.collection = "customers";
		ev.object.record_id = i % 5 == 0 ? "r-5" : "r-x";
		ev.object.subject_ref = i % 3 == 0 ? "subj-A" : "subj-B";
		ev.object.fields = fields;
		ev.object.nfields = 1;
		ev.result = i % 4 == 3 ? CU_AUDIT_FAILURE : CU_AUDIT_SUCCESS;
		ev.ts_ms = t0 + (int64_t)i * 3600 * 1000;
		CHECK_EQ_INT(cu_audit_append(a, &ev, &seq), CU_OK);
	}
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
#define Q(field_set, expect)                                                         \
	do {                                                                         \
		memset(&f, 0, sizeof(f));                                            \
		memset(&c, 0, sizeof(c));                                            \
		field_set;                                                           \
		CHECK_EQ_INT(cu_audit_query(d, &f, collect_cb, &c, &m), CU_OK);      \
		CHECK_EQ_INT(m, expect);                                             \
	} while (0)
	Q((void)0, 40);
	Q(f.actor = "bob", 20);
	Q(f.actor = "u1", 20);
	Q(f.event = "record.reveal", 10);
	Q(f.event = "record.", 20);
	Q(f.module = "users", 10);
	Q(f.result = "failure", 10);
	Q(f.subject = "subj-A", 14);
	Q(f.record_id = "r-5", 8);
	Q((f.actor = "alice", f.event = "record.reveal", f.subject = "subj-A"), 4);
	Q((f.from_ms = t0 + 10 * 3600 * 1000, f.to_ms = t0 + 20 * 3600 * 1000), 10);
	CHECK_EQ_INT(c.seqs[0], 11);
	/* Paging forward and back. */
	Q((f.after_seq = 5, f.limit = 3), 3);
	CHECK_EQ_INT(c.seqs[0], 6);
	CHECK_EQ_INT(c.seqs[2], 8);
	Q((f.newest_first = true, f.limit = 4), 4);
	CHECK_EQ_INT(c.seqs[0], 40);
	CHECK_EQ_INT(c.seqs[3], 37);
	Q((f.newest_first = true, f.before_seq = 37, f.limit = 2), 2);
	CHECK_EQ_INT(c.seqs[0], 36);
	CHECK_EQ_INT(c.seqs[1], 35);
	Q((f.newest_first = true, f.actor = "bob", f.after_seq = 30), 5);
	CHECK_EQ_INT(c.seqs[0], 40);
	CHECK_EQ_INT(c.seqs[4], 32);
	/* Unknown names are refused, not silently empty. */
	memset(&f, 0, sizeof(f));
	f.event = "record.steal";
	CHECK_EQ_INT(cu_audit_query(d, &f, collect_cb, &c, &m), CU_ERR_INVALID);
	f.event = "nope.";
	CHECK_EQ_INT(cu_audit_query(d, &f, collect_cb, &c, &m), CU_ERR_INVALID);
	f.event = NULL;
	f.module = "vault";
	CHECK_EQ_INT(cu_audit_query(d, &f, collect_cb, &c, &m), CU_ERR_INVALID);
	f.module = NULL;
	f.result = "ok";
	CHECK_EQ_INT(cu_audit_query(d, &f, collect_cb, &c, &m), CU_ERR_INVALID);
#undef Q
	/* Console view and syslog of record 1. */
	{
		char *seg = at_path(d, "audit/seg-0000000000000001.log");
		char *s = NULL, *nl;
		size_t n = 0;
		json_t *rec = NULL, *view = NULL;
		struct cu_buf b;
		CHECK_EQ_INT(cu_file_read(seg, 1 << 20, &s, &n), CU_OK);
		nl = strchr(s, '\n');
		CHECK_EQ_INT(cu_json_parse(s, (size_t)(nl - s), &rec, NULL, 0), CU_OK);
		CHECK_EQ_INT(cu_audit_record_view(rec, &view), CU_OK);
		CHECK_STR(json_string_value(json_object_get(view, "description")),
			  "查看明文字段: customers/r-5 [phone]");
		CHECK_STR(json_string_value(json_object_get(view, "actor")), "alice");
		CHECK_STR(json_string_value(json_object_get(view, "time")), "2026-01-02 00:00:00");
		CHECK_STR(json_string_value(json_object_get(view, "result")), "操作成功");
		CHECK_STR(json_string_value(json_object_get(view, "module")), "客户记录");
		cu_buf_init(&b, 1 << 16);
		CHECK_EQ_INT(cu_audit_record_syslog(rec, s, (size_t)(nl - s), "host-1", &b), CU_OK);
		CHECK(strncmp(b.data, "<110>1 2026-01-02T00:00:00.000Z host-1 custos - record.reveal "
			      "[custos@32473 seq=\"1\" module=\"records\" result=\"success\" hash=\"", 124) == 0);
		CHECK(strstr(b.data, "\"] \xef\xbb\xbf{\"v\":1,\"seq\":1,") != NULL);
		cu_buf_reset(&b);
		CHECK_EQ_INT(cu_audit_record_syslog(rec, s, (size_t)(nl - s), "bad host", &b), CU_OK);
		CHECK(strstr(b.data, " - custos - ") != NULL);
		cu_buf_release(&b);
		json_decref(rec);
		json_decref(view);
		cu_free(s);
		cu_free(seg);
	}
	at_rmtree(d);
	cu_free(d);
}

CU_TEST(empty_trailing_segment)
{
	char *d = at_tmpdir(), *p;
	struct cu_audit_verify_result vr;
	struct at_event e;
	uint64_t seq;
	int rc, fd;
	struct cu_audit *a = open_log(d, 10, 5, &rc);

	for (uint64_t i = 1; i <= 5; i++) {
		at_event_make(&e, 0, i);
		CHECK_EQ_INT(cu_audit_append(a, &e.ev, &seq), CU_OK);
	}
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	/* A crash right after rolling leaves an empty next segment. */
	p = at_path(d, "audit/seg-0000000000000006.log");
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ_INT(verify(d, &vr), CU_OK);
	a = open_log(d, 10, 5, &rc);
	CHECK_EQ_INT(rc, CU_OK);
	at_event_make(&e, 0, 6);
	CHECK_EQ_INT(cu_audit_append(a, &e.ev, &seq), CU_OK);
	CHECK_EQ_INT(seq, 6);
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	CHECK_EQ_INT(verify(d, &vr), CU_OK);
	CHECK_EQ_INT(vr.records, 6);
	CHECK_EQ_INT(count_lines(p), 1);
	cu_free(p);
	at_rmtree(d);
	cu_free(d);
}

int main(void)
{
	char *kd;

	cu_json_init();
	if (cu_crypto_init())
		return 1;
	kd = at_tmpdir();
	kr = at_keyring(kd);
	CHECK(kr != NULL);
	if (!kr)
		return cu_test_done();
	RUN(retention_floor);
	RUN(append_reopen);
	RUN(group_commit);
	RUN(fail_closed);
	RUN(torn_tail_and_truncation);
	RUN(pubkey_pinned);
	RUN(checkpoint_timer);
	RUN(purge);
	RUN(noop);
	RUN(query_and_views);
	RUN(empty_trailing_segment);
	cu_keyring_free(kr);
	at_rmtree(kd);
	cu_free(kd);
	return cu_test_done();
}
