/*
 * audit_test.h - helpers shared by the audit unit tests: temporary data
 * directories, a test keyring, a mixed workload and a reproducible PRNG.
 */
#ifndef CU_AUDIT_TEST_H
#define CU_AUDIT_TEST_H

#include "audit/audit.h"
#include "crypto/keyring.h"
#include "core/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

/* xorshift64*: reproducible trials (the seed is printed). */
static uint64_t at_rng_state = 88172645463325252ull;

static inline uint64_t at_rand(void)
{
	at_rng_state ^= at_rng_state >> 12;
	at_rng_state ^= at_rng_state << 25;
	at_rng_state ^= at_rng_state >> 27;
	return at_rng_state * 2685821657736338717ull;
}

/* Uniform in [lo, hi]. */
static inline uint64_t at_range(uint64_t lo, uint64_t hi)
{
	return lo + at_rand() % (hi - lo + 1);
}

static inline char *at_tmpdir(void)
{
	char tmpl[] = "/tmp/cu-audit-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	return d ? cu_strdup(d) : NULL;
}

static inline char *at_path(const char *a, const char *b)
{
	struct cu_buf buf;
	cu_buf_init(&buf, 8192);
	if (cu_buf_printf(&buf, "%s/%s", a, b))
		abort();
	return cu_buf_detach(&buf, NULL);
}

/* rm -rf of a directory tree we created (no symlinks followed). */
static inline void at_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d) {
		unlink(dir);
		return;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *p = at_path(dir, de->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			at_rmtree(p);
		else
			unlink(p);
		cu_free(p);
	}
	closedir(d);
	rmdir(dir);
}

static inline int at_copy_file(const char *from, const char *to)
{
	char *data = NULL;
	size_t len = 0;
	int r = cu_file_read(from, (size_t)1 << 30, &data, &len);
	if (!r)
		r = cu_file_write_atomic(to, data, len, 0600);
	cu_free(data);
	return r;
}

/* Copy DATA/audit of src into a new DATA dir at dst. */
static inline int at_copy_audit(const char *src, const char *dst)
{
	char *sa = at_path(src, "audit"), *da;
	DIR *d;
	struct dirent *de;
	int r = CU_OK;

	mkdir(dst, 0700);
	da = at_path(dst, "audit");
	mkdir(da, 0700);
	d = opendir(sa);
	while (d && (de = readdir(d)) && !r) {
		if (de->d_name[0] == '.')
			continue;
		char *f = at_path(sa, de->d_name), *t = at_path(da, de->d_name);
		r = at_copy_file(f, t);
		cu_free(f);
		cu_free(t);
	}
	if (d)
		closedir(d);
	cu_free(sa);
	cu_free(da);
	return d ? r : CU_ERR_IO;
}

static inline struct cu_keyring *at_keyring(const char *dir)
{
	struct cu_key_source src = { "correct horse battery staple", 28, NULL };
	struct cu_keyring *kr = NULL;
	char *p = at_path(dir, "test-keyring.json");
	struct stat st;
	int r = stat(p, &st) == 0 ? cu_keyring_open(p, &src, &kr)
				  : cu_keyring_create(p, &src, CU_KDF_INTERACTIVE, &kr);
	cu_free(p);
	return r ? NULL : kr;
}

/* A plausible mixed workload; request ids make every record unique. */
static const char *const at_actors[] = { "alice", "bob", "carol", "dave" };
static const char *const at_roles[] = { "clerk", "sales", "admin" };
static const char *const at_fields[] = { "name", "phone", "cn_id", "email", "address" };

struct at_event {
	struct cu_audit_event ev;
	char rec[32], subj[32], req[48], sess[24];
};

static inline void at_event_make(struct at_event *e, uint64_t n, uint64_t r)
{
	static const enum cu_audit_type mix[] = {
		CU_AUDIT_RECORD_READ, CU_AUDIT_RECORD_READ, CU_AUDIT_RECORD_READ,
		CU_AUDIT_RECORD_REVEAL, CU_AUDIT_RECORD_UPDATE, CU_AUDIT_RECORD_CREATE,
		CU_AUDIT_RECORD_LOOKUP, CU_AUDIT_RECORD_EXPORT, CU_AUDIT_RECORD_DELETE,
		CU_AUDIT_AUTH_LOGIN_SUCCESS, CU_AUDIT_AUTH_LOGIN_FAILURE, CU_AUDIT_USER_DISABLE,
		CU_AUDIT_ROLE_CHANGE, CU_AUDIT_SCAN_RUN, CU_AUDIT_AUDIT_READ,
	};
	enum cu_audit_type t = mix[r % CU_ARRAY_LEN(mix)];

	memset(e, 0, sizeof(*e));
	snprintf(e->rec, sizeof(e->rec), "r-%llu", (unsigned long long)(r % 97));
	snprintf(e->subj, sizeof(e->subj), "subj-%llu", (unsigned long long)(r % 31));
	snprintf(e->req, sizeof(e->req), "req-%llu-%llu", (unsigned long long)n,
		 (unsigned long long)r);
	snprintf(e->sess, sizeof(e->sess), "s%llu", (unsigned long long)(r % 13));
	e->ev.type = t;
	e->ev.actor.id = at_actors[r % 4];
	e->ev.actor.name = at_actors[r % 4];
	e->ev.actor.roles = &at_roles[r % 3];
	e->ev.actor.nroles = 1;
	e->ev.actor.auth = t == CU_AUDIT_AUTH_LOGIN_FAILURE ? CU_AUDIT_AUTH_NONE : CU_AUDIT_AUTH_TOTP;
	e->ev.actor.session_ref = e->sess;
	e->ev.source = "192.0.2.44";
	e->ev.client = "Mozilla/5.0 (X11; Linux x86_64)";
	e->ev.request_id = e->req;
	e->ev.reason_code = "ok";
	if (t >= CU_AUDIT_RECORD_CREATE && t <= CU_AUDIT_RECORD_EXPORT) {
		e->ev.object.collection = "customers";
		e->ev.object.record_id = e->rec;
		e->ev.object.subject_ref = e->subj;
		e->ev.object.fields = &at_fields[r % 3];
		e->ev.object.nfields = 2;
		e->ev.purpose = "customer_service";
	}
	if (t == CU_AUDIT_AUTH_LOGIN_FAILURE) {
		e->ev.result = CU_AUDIT_FAILURE;
		e->ev.reason_code = "bad_totp";
	} else if (r % 11 == 0) {
		e->ev.result = CU_AUDIT_DENIED;
		e->ev.reason_code = "forbidden";
	}
}

/* Run nthreads appenders of per_thread events each; acks[seq-1] gets
 * the appender's request number (if acks is not NULL). */
struct at_worker {
	struct cu_audit *a;
	uint64_t id, count, ok, failed;
	uint64_t *acks;
	uint64_t acks_len;
	int64_t ts_ms;
};

static inline void *at_worker_main(void *arg)
{
	struct at_worker *w = arg;
	for (uint64_t i = 0; i < w->count; i++) {
		struct at_event e;
		uint64_t seq = 0, r = w->id * 1000003ull + i;
		at_event_make(&e, w->id, r);
		e.ev.ts_ms = w->ts_ms;
		int rc = cu_audit_append(w->a, &e.ev, &seq);
		if (rc == CU_OK) {
			w->ok++;
			if (w->acks && seq && seq <= w->acks_len)
				w->acks[seq - 1] = r + 1;
		} else {
			w->failed++;
			if (rc == CU_ERR_UNAVAILABLE)
				break;
		}
	}
	return NULL;
}

/* Returns the number of acknowledged appends. */
static inline uint64_t at_workload(struct cu_audit *a, unsigned nthreads, uint64_t per_thread,
				   uint64_t *acks, uint64_t acks_len, int64_t ts_ms)
{
	pthread_t th[64];
	struct at_worker w[64];
	uint64_t ok = 0;
	if (nthreads > 64)
		nthreads = 64;
	for (unsigned i = 0; i < nthreads; i++) {
		w[i] = (struct at_worker){ a, i + 1, per_thread, 0, 0, acks, acks_len, ts_ms };
		pthread_create(&th[i], NULL, at_worker_main, &w[i]);
	}
	for (unsigned i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		ok += w[i].ok;
	}
	return ok;
}

#endif
