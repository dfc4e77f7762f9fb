/*
 * test_tamper.c - random tamper trials against a log written by a mixed,
 * concurrent workload.  Each trial copies the data directory, applies one
 * attack and runs cu_audit_verify, which must report exactly the first
 * sequence number the attack broke:
 *
 *   flip      XOR a random byte of a random record (newlines included)
 *   delete    remove one record from the middle
 *   swap      exchange two records
 *   truncate  cut the tail behind the last checkpoint (whole records or
 *             mid-record, removing emptied segments)
 *   sig       replace a checkpoint's signature (random or another one's)
 *   segment   remove a whole segment that was not legitimately purged
 *   rechain   rewrite a record and recompute every hash after it (no key
 *             needed): caught at the first checkpoint that covers it
 *
 * Also a generator for the end-to-end test (tests/e2e/test_audit_cli.sh):
 *   unit_audit_test_tamper gen DATA N [THREADS]
 * appends N mixed events to DATA/audit (creating DATA/test-keyring.json)
 * and prints "ack <seq> <request-id>" per acknowledged append; exit 3 if
 * the log failed closed (e.g. full disk), 1 if it could not be opened.
 */
#include "test.h"
#include "audit_test.h"
#include "core/json.h"

#define SEG_RECORDS 150
#define CP_EVERY 40
#define WORKLOAD_THREADS 8
#define WORKLOAD_PER_THREAD 150 /* 1200 records */
#define TRIALS_PER_KIND 40

/* An editable image of DATA/audit: segments as arrays of lines. */
struct img {
	char *adir;
	size_t nseg;
	struct {
		uint64_t first;
		char *path;
		char **lines; /* with their newline */
		size_t n;
	} seg[64];
	char **cps;
	size_t ncp;
};

static char **split(const char *s, size_t len, size_t *n)
{
	char **v = NULL;
	size_t cnt = 0, pos = 0;
	while (pos < len) {
		const char *nl = memchr(s + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - s) + 1 : len;
		v = cu_realloc(v, (cnt + 1) * sizeof(*v));
		v[cnt++] = cu_strndup(s + pos, end - pos);
		pos = end;
	}
	*n = cnt;
	return v;
}

static void img_load(struct img *m, const char *data)
{
	DIR *d;
	struct dirent *de;
	char *s = NULL, *cp;
	size_t len = 0;

	memset(m, 0, sizeof(*m));
	m->adir = at_path(data, "audit");
	d = opendir(m->adir);
	while ((de = readdir(d))) {
		unsigned long long first;
		if (sscanf(de->d_name, "seg-%16llu.log", &first) != 1 || m->nseg >= 64)
			continue;
		m->seg[m->nseg].first = first;
		m->seg[m->nseg].path = at_path(m->adir, de->d_name);
		m->nseg++;
	}
	closedir(d);
	/* sort by first */
	for (size_t i = 1; i < m->nseg; i++)
		for (size_t j = i; j > 0 && m->seg[j - 1].first > m->seg[j].first; j--) {
			__typeof__(m->seg[0]) t = m->seg[j];
			m->seg[j] = m->seg[j - 1];
			m->seg[j - 1] = t;
		}
	for (size_t i = 0; i < m->nseg; i++) {
		if (cu_file_read(m->seg[i].path, (size_t)1 << 28, &s, &len))
			abort();
		m->seg[i].lines = split(s, len, &m->seg[i].n);
		cu_free(s);
	}
	cp = at_path(m->adir, "checkpoints.log");
	if (cu_file_read(cp, (size_t)1 << 26, &s, &len) == CU_OK) {
		m->cps = split(s, len, &m->ncp);
		cu_free(s);
	}
	cu_free(cp);
}

static void img_save(struct img *m)
{
	struct cu_buf b;
	char *cp;
	for (size_t i = 0; i < m->nseg; i++) {
		if (!m->seg[i].path)
			continue;
		cu_buf_init(&b, (size_t)1 << 28);
		for (size_t k = 0; k < m->seg[i].n; k++)
			if (cu_buf_puts(&b, m->seg[i].lines[k]))
				abort();
		if (cu_file_write_atomic(m->seg[i].path, b.data ? b.data : "", b.len, 0600))
			abort();
		cu_buf_release(&b);
	}
	cu_buf_init(&b, (size_t)1 << 26);
	for (size_t k = 0; k < m->ncp; k++)
		if (cu_buf_puts(&b, m->cps[k]))
			abort();
	cp = at_path(m->adir, "checkpoints.log");
	if (cu_file_write_atomic(cp, b.data ? b.data : "", b.len, 0600))
		abort();
	cu_free(cp);
	cu_buf_release(&b);
}

static void img_free(struct img *m)
{
	for (size_t i = 0; i < m->nseg; i++) {
		for (size_t k = 0; k < m->seg[i].n; k++)
			cu_free(m->seg[i].lines[k]);
		cu_free(m->seg[i].lines);
		cu_free(m->seg[i].path);
	}
	for (size_t k = 0; k < m->ncp; k++)
		cu_free(m->cps[k]);
	cu_free(m->cps);
	cu_free(m->adir);
}

/* The line holding record seq: segment index and line index. */
static char **img_rec(struct img *m, uint64_t seq)
{
	for (size_t i = 0; i < m->nseg; i++)
		if (seq >= m->seg[i].first && seq < m->seg[i].first + m->seg[i].n)
			return &m->seg[i].lines[seq - m->seg[i].first];
	abort();
}

static uint64_t cp_seq(const char *line)
{
	unsigned long long s = 0;
	if (sscanf(line, "{\"seq\":%llu,", &s) != 1)
		abort();
	return s;
}

/* Rewrite the record body from k on and recompute prev/hash like an
 * attacker without the signing key could. */
static void rechain(struct img *m, uint64_t k, uint64_t last)
{
	uint8_t prev[CU_HASH_BYTES] = { 0 };
	if (k > 1) {
		const char *l = *img_rec(m, k - 1);
		const char *h = strstr(l, ",\"hash\":\"") + 9;
		char hex[65];
		memcpy(hex, h, 64);
		hex[64] = 0;
		if (cu_unhex(hex, prev, CU_HASH_BYTES))
			abort();
	}
	for (uint64_t s = k; s <= last; s++) {
		char **lp = img_rec(m, s);
		char *cut = strstr(*lp, ",\"prev\":\"");
		struct cu_buf in, out;
		uint8_t h[CU_HASH_BYTES];
		char *hex = cu_hex(prev, CU_HASH_BYTES), *hh;
		cu_buf_init(&in, CU_AUDIT_MAX_LINE * 2);
		cu_buf_init(&out, CU_AUDIT_MAX_LINE * 2);
		if (s == k) {
			/* The forgery: alice becomes mallory in this record. */
			char *a = strstr(*lp, "\"name\":\"");
			if (a && a < cut)
				a[8] = 'M';
		}
		if (cu_buf_append(&in, prev, CU_HASH_BYTES) ||
		    cu_buf_append(&in, *lp, (size_t)(cut - *lp)) ||
		    cu_buf_printf(&in, ",\"prev\":\"%s\"}", hex))
			abort();
		cu_hash(h, CU_AUDIT_HASH_DOMAIN, in.data, in.len);
		hh = cu_hex(h, CU_HASH_BYTES);
		if (cu_buf_append(&out, in.data + CU_HASH_BYTES, in.len - CU_HASH_BYTES - 1) ||
		    cu_buf_printf(&out, ",\"hash\":\"%s\"}\n", hh))
			abort();
		cu_free(*lp);
		*lp = cu_buf_detach(&out, NULL);
		memcpy(prev, h, CU_HASH_BYTES);
		cu_free(hex);
		cu_free(hh);
		cu_buf_release(&in);
	}
}

enum kind { K_FLIP, K_DELETE, K_SWAP, K_TRUNCATE, K_SIG, K_SEGMENT, K_RECHAIN, K__COUNT };
static const char *const kind_names[K__COUNT] = {
	"flip", "delete", "swap", "truncate", "sig", "segment", "rechain",
};

/* Apply one attack to the copy at data; return the seq verify must name. */
static uint64_t attack(enum kind k, const char *data, uint64_t last, char *what, size_t wl)
{
	struct img m;
	uint64_t want = 0;

	img_load(&m, data);
	switch (k) {
	case K_FLIP: {
		uint64_t s = at_range(1, last);
		char **lp = img_rec(&m, s);
		size_t n = strlen(*lp), pos = (size_t)at_range(0, n - 1);
		unsigned char x = (unsigned char)at_range(1, 255);
		(*lp)[pos] = (char)((unsigned char)(*lp)[pos] ^ x);
		if ((*lp)[pos] == '\0') /* keep it a C string: NUL becomes 0x01 */
			(*lp)[pos] = 1;
		snprintf(what, wl, "record %llu byte %zu ^ 0x%02x", (unsigned long long)s, pos, x);
		want = s;
		break;
	}
	case K_DELETE: {
		uint64_t s = at_range(2, last - 1);
		char **lp = img_rec(&m, s);
		for (size_t i = 0; i < m.nseg; i++)
			if (lp >= m.seg[i].lines && lp < m.seg[i].lines + m.seg[i].n) {
				cu_free(*lp);
				memmove(lp, lp + 1, (size_t)(m.seg[i].lines + m.seg[i].n - lp - 1) * sizeof(*lp));
				m.seg[i].n--;
			}
		snprintf(what, wl, "deleted record %llu", (unsigned long long)s);
		want = s;
		break;
	}
	case K_SWAP: {
		uint64_t a = at_range(1, last - 1), b = at_range(a + 1, last);
		char **pa = img_rec(&m, a), **pb = img_rec(&m, b), *t = *pa;
		*pa = *pb;
		*pb = t;
		snprintf(what, wl, "swapped records %llu and %llu", (unsigned long long)a,
			 (unsigned long long)b);
		want = a;
		break;
	}
	case K_TRUNCATE: {
		/* Keep records 1..keep, maybe plus part of keep+1. */
		uint64_t keep = at_range(1, last - 1);
		bool partial = at_rand() % 2;
		for (size_t i = 0; i < m.nseg; i++) {
			uint64_t f = m.seg[i].first;
			if (f > keep + 1 || (f == keep + 1 && !partial)) {
				unlink(m.seg[i].path); /* emptied: removed */
				cu_free(m.seg[i].path);
				m.seg[i].path = NULL;
				continue;
			}
			while (m.seg[i].n && f + m.seg[i].n - 1 > keep + (partial ? 1 : 0)) {
				m.seg[i].n--;
				cu_free(m.seg[i].lines[m.seg[i].n]);
			}
			if (partial && m.seg[i].n && f + m.seg[i].n - 1 == keep + 1) {
				char *l = m.seg[i].lines[m.seg[i].n - 1];
				l[at_range(0, strlen(l) - 1)] = '\0';
			}
		}
		snprintf(what, wl, "truncated after record %llu%s", (unsigned long long)keep,
			 partial ? " (mid-record)" : "");
		want = keep + 1;
		break;
	}
	case K_SIG: {
		size_t i = (size_t)at_range(0, m.ncp - 1), j = (size_t)at_range(0, m.ncp - 1);
		char *sig = strstr(m.cps[i], "\"sig\":\"") + 7;
		if (i != j && at_rand() % 2) {
			memcpy(sig, strstr(m.cps[j], "\"sig\":\"") + 7, 128);
		} else {
			uint8_t rnd[CU_SIG_BYTES];
			char *hex;
			for (size_t b = 0; b < sizeof(rnd); b++)
				rnd[b] = (uint8_t)at_rand();
			hex = cu_hex(rnd, sizeof(rnd));
			memcpy(sig, hex, 128);
			cu_free(hex);
		}
		want = cp_seq(m.cps[i]);
		snprintf(what, wl, "replaced the signature of the checkpoint at %llu",
			 (unsigned long long)want);
		break;
	}
	case K_SEGMENT: {
		size_t i = (size_t)at_range(0, m.nseg - 2); /* removing the last is truncation */
		unlink(m.seg[i].path);
		cu_free(m.seg[i].path);
		m.seg[i].path = NULL;
		want = m.seg[i].first;
		if (i == 0)
			want = 1;
		snprintf(what, wl, "removed segment %llu", (unsigned long long)m.seg[i].first);
		break;
	}
	default: {
		/* Rewrite a record before the last checkpoint and rechain. */
		uint64_t top = cp_seq(m.cps[m.ncp - 1]);
		uint64_t s = at_range(1, top);
		rechain(&m, s, last);
		want = top;
		for (size_t i = 0; i < m.ncp; i++)
			if (cp_seq(m.cps[i]) >= s && cp_seq(m.cps[i]) < want)
				want = cp_seq(m.cps[i]);
		snprintf(what, wl, "forged record %llu and recomputed the chain",
			 (unsigned long long)s);
		break;
	}
	}
	img_save(&m);
	img_free(&m);
	return want;
}

static struct cu_keyring *kr;

CU_TEST(random_trials)
{
	char *base = at_tmpdir(), *work = at_tmpdir();
	struct cu_audit_opts o = { 0 };
	struct cu_audit_verify_result vr;
	struct cu_audit *a = NULL;
	uint64_t last, run = 0, caught = 0, exact = 0, per[K__COUNT] = { 0 };
	uint64_t seed = (uint64_t)cu_time_mono_ms() ^ ((uint64_t)getpid() << 32);
	const char *env = getenv("CU_AUDIT_SEED");
	int64_t sv;

	if (env && cu_parse_int64(env, 0, INT64_MAX, &sv) == CU_OK)
		seed = (uint64_t)sv;
	at_rng_state = seed ? seed : 1;
	printf("tamper trials: seed %llu (set CU_AUDIT_SEED to replay)\n", (unsigned long long)seed);
	o.segment_records = SEG_RECORDS;
	o.checkpoint_every = CP_EVERY;
	o.checkpoint_secs = 3600;
	CHECK_EQ_INT(cu_audit_open(base, kr, &o, &a), CU_OK);
	last = at_workload(a, WORKLOAD_THREADS, WORKLOAD_PER_THREAD, NULL, 0, 0);
	CHECK_EQ_INT(last, WORKLOAD_THREADS * WORKLOAD_PER_THREAD);
	CHECK_EQ_INT(cu_audit_close(a), CU_OK);
	CHECK_EQ_INT(cu_audit_verify(base, NULL, NULL, &vr), CU_OK);
	CHECK_EQ_INT(vr.records, last);
	CHECK_EQ_INT(vr.checkpoint_seq, last);

	for (int t = 0; t < TRIALS_PER_KIND * K__COUNT; t++) {
		enum kind k = (enum kind)(t % K__COUNT);
		char what[160], *copy;
		char name[32];
		uint64_t want;
		int r;

		snprintf(name, sizeof(name), "t%d", t);
		copy = at_path(work, name);
		CHECK_EQ_INT(at_copy_audit(base, copy), CU_OK);
		want = attack(k, copy, last, what, sizeof(what));
		r = cu_audit_verify(copy, NULL, NULL, &vr);
		run++;
		if (r == CU_ERR_INTEGRITY) {
			caught++;
			per[k]++;
		}
		if (r == CU_ERR_INTEGRITY && vr.bad_seq == want)
			exact++;
		else
			fprintf(stderr, "trial %d (%s: %s): verify %d, first bad %llu (%s), expected %llu\n",
				t, kind_names[k], what, r, (unsigned long long)vr.bad_seq, vr.reason,
				(unsigned long long)want);
		CHECK_EQ_INT(r, CU_ERR_INTEGRITY);
		CHECK_EQ_INT(vr.bad_seq, want);
		/* The writer refuses to continue a log that is not intact at
		 * its tail (the other attacks are found by verify). */
		if (k == K_TRUNCATE) {
			struct cu_audit *b = NULL;
			CHECK(cu_audit_open(copy, kr, &o, &b) == CU_ERR_INTEGRITY ||
			      (want > last - 1 && b != NULL));
			if (b)
				CHECK_EQ_INT(cu_audit_close(b), CU_OK);
		}
		at_rmtree(copy);
		cu_free(copy);
	}
	printf("tamper trials: %llu run, %llu detected, %llu with the exact first bad sequence "
	       "number (", (unsigned long long)run, (unsigned long long)caught,
	       (unsigned long long)exact);
	for (int k = 0; k < K__COUNT; k++)
		printf("%s%s %llu", k ? ", " : "", kind_names[k], (unsigned long long)per[k]);
	printf(")\n");
	CHECK_EQ_INT(caught, run);
	CHECK_EQ_INT(exact, run);
	at_rmtree(base);
	at_rmtree(work);
	cu_free(base);
	cu_free(work);
}

/* "gen DATA N [THREADS]": see the top of the file. */
static int gen(int argc, char **argv)
{
	struct cu_audit_opts o = { 0 };
	struct cu_audit *a = NULL;
	struct cu_keyring *k;
	int64_t n, threads = 4;
	uint64_t *acks, ok;
	int r;

	if (argc < 4 || cu_parse_int64(argv[3], 1, 10000000, &n) ||
	    (argc > 4 && cu_parse_int64(argv[4], 1, 64, &threads))) {
		fprintf(stderr, "usage: %s gen DATA N [THREADS]\n", argv[0]);
		return 2;
	}
	mkdir(argv[2], 0700);
	k = at_keyring(argv[2]);
	if (!k) {
		fprintf(stderr, "gen: cannot create or open %s/test-keyring.json\n", argv[2]);
		return 1;
	}
	o.segment_records = 500;
	o.checkpoint_every = 100;
	if ((r = cu_audit_open(argv[2], k, &o, &a))) {
		fprintf(stderr, "gen: cannot open the audit log: %s\n", cu_strerror(r));
		cu_keyring_free(k);
		return 1;
	}
	{
		struct cu_audit_status st;
		cu_audit_status(a, &st);
		acks = cu_calloc((size_t)n + st.last_seq + 1, sizeof(*acks));
		ok = at_workload(a, (unsigned)threads, ((uint64_t)n + (uint64_t)threads - 1) / (uint64_t)threads,
				 acks, (uint64_t)n + st.last_seq + 1, 0);
		for (uint64_t s = 1; s <= (uint64_t)n + st.last_seq; s++)
			if (acks[s - 1])
				printf("ack %llu req-%llu-%llu\n", (unsigned long long)s,
				       (unsigned long long)((acks[s - 1] - 1) / 1000003ull),
				       (unsigned long long)(acks[s - 1] - 1));
	}
	r = cu_audit_close(a);
	fprintf(stderr, "gen: %llu acknowledged%s\n", (unsigned long long)ok,
		r ? " (the log failed closed)" : "");
	cu_free(acks);
	cu_keyring_free(k);
	return r ? 3 : 0;
}

int main(int argc, char **argv)
{
	char *kd;

	cu_json_init();
	if (cu_crypto_init())
		return 1;
	if (argc >= 2 && strcmp(argv[1], "gen") == 0)
		return gen(argc, argv);
	kd = at_tmpdir();
	kr = at_keyring(kd);
	CHECK(kr != NULL);
	if (kr)
		RUN(random_trials);
	cu_keyring_free(kr);
	at_rmtree(kd);
	cu_free(kd);
	return cu_test_done();
}
