/*
 * test_store.c - the storage interface (store/store.h) on the SQLite
 * backend: migrations, value types and NULLs, single-value queries,
 * constraint errors, transactions, the connection pool under threads
 * and the per-connection statement cache.
 */
#include "test.h"
#include "crypto/tutil.h"
#include "store/store.h"
#include "store/store_int.h" /* cu_sqlite_migrations: how many versions exist */

#include <pthread.h>

static char *dir;

static char *db_path(void)
{
	return cu_t_path(dir, "custos.db");
}

static size_t migration_count(void)
{
	size_t n = 0;
	while (cu_sqlite_migrations[n])
		n++;
	return n;
}

static int count_rows(struct cu_conn *c, const char *sql)
{
	int64_t n = -1;
	if (cu_conn_query_int(c, sql, NULL, 0, &n) != CU_OK)
		return -1;
	return (int)n;
}

CU_TEST(open_migrates)
{
	char *path = db_path();
	struct cu_store *s = NULL;
	struct cu_conn *c = NULL;
	int64_t v = -1;
	size_t nmig = migration_count();

	CHECK(nmig >= 1);
	CHECK_EQ_INT(cu_store_open(path, 2, &s), CU_OK);
	if (!s)
		goto out;
	CHECK_STR(cu_store_backend(s), "sqlite");
	CHECK_EQ_INT(cu_store_acquire(s, &c), CU_OK);
	CHECK_EQ_INT(cu_conn_query_int(c, "SELECT MAX(version) FROM schema_version", NULL, 0, &v),
		     CU_OK);
	CHECK_EQ_INT(v, nmig);
	/* Every version once, version 1 being the base schema. */
	CHECK_EQ_INT(count_rows(c, "SELECT COUNT(*) FROM schema_version"), nmig);
	CHECK_EQ_INT(count_rows(c, "SELECT COUNT(DISTINCT version) FROM schema_version"), nmig);
	CHECK_EQ_INT(count_rows(c, "SELECT MIN(version) FROM schema_version"), 1);
	static const char *const tables[] = { "meta", "subjects", "collections", "records",
					      "record_fields", "users", "sessions", "tokens" };
	for (size_t i = 0; i < CU_ARRAY_LEN(tables); i++) {
		struct cu_val a = CU_VTEXT(tables[i]);
		int64_t n = 0;
		CHECK_EQ_INT(cu_conn_query_int(c, "SELECT COUNT(*) FROM sqlite_master WHERE "
						  "type = 'table' AND name = ?1", &a, 1, &n), CU_OK);
		if (n != 1)
			fprintf(stderr, "table %s missing\n", tables[i]);
		CHECK_EQ_INT(n, 1);
	}
	/* The pragmas the backend promises. */
	{
		char *mode = NULL;
		CHECK_EQ_INT(cu_conn_query_text(c, "PRAGMA journal_mode", NULL, 0, &mode), CU_OK);
		CHECK_STR(mode, "wal");
		cu_free(mode);
		CHECK_EQ_INT(count_rows(c, "PRAGMA secure_delete"), 1);
		CHECK_EQ_INT(count_rows(c, "PRAGMA foreign_keys"), 1);
		CHECK_EQ_INT(count_rows(c, "PRAGMA synchronous"), 2); /* FULL */
	}
	cu_store_release(s, c);
	cu_store_close(s);
	s = NULL;

	/* Reopening runs nothing twice. */
	CHECK_EQ_INT(cu_store_open(path, 1, &s), CU_OK);
	if (!s)
		goto out;
	CHECK_EQ_INT(cu_store_acquire(s, &c), CU_OK);
	CHECK_EQ_INT(count_rows(c, "SELECT COUNT(*) FROM schema_version"), nmig);
	cu_store_release(s, c);
out:
	cu_store_close(s);
	cu_free(path);
}

CU_TEST(open_errors)
{
	struct cu_store *s = (struct cu_store *)1;
	char *nodir = cu_t_path(dir, "no/such/dir/x.db");
	char *notdb = cu_t_path(dir, "not-a-db");

	CHECK(cu_store_open(nodir, 1, &s) != CU_OK);
	CHECK(s == NULL);
	s = (struct cu_store *)1;
	CHECK_EQ_INT(cu_store_open("postgres://localhost/custos", 1, &s), CU_ERR_UNSUPPORTED);
	CHECK(s == NULL);
	/* A file that is not a database: an error, not a crash. */
	CHECK(cu_t_write(notdb, "this is not an SQLite database, just some text.....\n"
				"................................................\n", 102));
	s = (struct cu_store *)1;
	CHECK(cu_store_open(notdb, 1, &s) != CU_OK);
	CHECK(s == NULL);
	cu_free(nodir);
	cu_free(notdb);
}

struct row_seen {
	int rows;
	int64_t i;
	bool i_null, s_null, b_null, x_null;
	char s[128];
	uint8_t b[64];
	size_t blen;
	bool blob_ptr_null;
};

static int read_row(void *ctx, struct cu_row *row)
{
	struct row_seen *rs = ctx;
	const char *t = cu_row_text(row, 1);
	size_t n = 0;
	const void *p = cu_row_blob(row, 2, &n);

	rs->rows++;
	rs->i_null = cu_row_is_null(row, 0);
	rs->i = cu_row_int(row, 0);
	rs->s_null = cu_row_is_null(row, 1) && t == NULL;
	snprintf(rs->s, sizeof(rs->s), "%s", t ? t : "(null)");
	rs->b_null = cu_row_is_null(row, 2);
	rs->blen = n;
	rs->blob_ptr_null = p == NULL;
	if (p && n <= sizeof(rs->b))
		memcpy(rs->b, p, n);
	rs->x_null = cu_row_is_null(row, 3) && cu_row_text(row, 3) == NULL;
	return 0;
}

static struct row_seen get_row(struct cu_conn *c, int64_t id)
{
	struct row_seen rs;
	struct cu_val a = CU_VINT(id);
	memset(&rs, 0, sizeof(rs));
	if (cu_conn_query(c, "SELECT i, s, b, x FROM vals WHERE id = ?1", &a, 1, read_row, &rs))
		rs.rows = -1;
	return rs;
}

CU_TEST(values)
{
	char *path = db_path();
	struct cu_store *s = NULL;
	struct cu_conn *c = NULL;
	struct row_seen rs;
	int64_t changes = -1;
	static const uint8_t blob[] = { 0, 1, 2, 0, 0xff, 'x', 0 };

	CHECK_EQ_INT(cu_store_open(path, 1, &s), CU_OK);
	if (!s)
		goto out;
	CHECK_EQ_INT(cu_store_acquire(s, &c), CU_OK);
	CHECK_EQ_INT(cu_conn_exec(c, "CREATE TABLE vals(id INTEGER PRIMARY KEY, i INTEGER, s TEXT, "
				     "b BLOB, x)", NULL, 0, NULL), CU_OK);
	{
		struct cu_val a[] = { CU_VINT(1), CU_VINT(INT64_MIN), CU_VTEXT("张三 <zhang@example.com>"),
				      CU_VBLOB(blob, sizeof(blob)), CU_VNULL };
		CHECK_EQ_INT(cu_conn_exec(c, "INSERT INTO vals(id, i, s, b, x) VALUES (?1, ?2, ?3, ?4, ?5)",
					  a, 5, &changes), CU_OK);
		CHECK_EQ_INT(changes, 1);
	}
	{
		struct cu_val a[] = { CU_VINT(2), CU_VINT(INT64_MAX), CU_VTEXT(""), CU_VBLOB(NULL, 0),
				      CU_VTEXT(NULL) };
		CHECK_EQ_INT(cu_conn_exec(c, "INSERT INTO vals(id, i, s, b, x) VALUES (?1, ?2, ?3, ?4, ?5)",
					  a, 5, NULL), CU_OK);
	}
	{
		struct cu_val a[] = { CU_VINT(3), CU_VNULL, CU_VNULL, CU_VNULL, CU_VINT(0) };
		CHECK_EQ_INT(cu_conn_exec(c, "INSERT INTO vals(id, i, s, b, x) VALUES (?1, ?2, ?3, ?4, ?5)",
					  a, 5, NULL), CU_OK);
	}
	rs = get_row(c, 1);
	CHECK_EQ_INT(rs.rows, 1);
	CHECK(!rs.i_null);
	CHECK_EQ_INT(rs.i, INT64_MIN);
	CHECK_STR(rs.s, "张三 <zhang@example.com>");
	CHECK_EQ_INT(rs.blen, sizeof(blob));
	CHECK(memcmp(rs.b, blob, sizeof(blob)) == 0);
	CHECK(rs.x_null);

	rs = get_row(c, 2);
	CHECK_EQ_INT(rs.i, INT64_MAX);
	CHECK_STR(rs.s, "");
	CHECK(!rs.s_null);
	/* A zero-length blob is a value, not NULL. */
	CHECK(!rs.b_null);
	CHECK_EQ_INT(rs.blen, 0);
	CHECK(rs.x_null); /* CU_VTEXT(NULL) binds NULL */

	rs = get_row(c, 3);
	CHECK(rs.i_null);
	CHECK_EQ_INT(rs.i, 0);
	CHECK(rs.s_null);
	CHECK(rs.b_null);
	CHECK_EQ_INT(rs.blen, 0);
	CHECK(!rs.x_null);

	rs = get_row(c, 99);
	CHECK_EQ_INT(rs.rows, 0);

	/* Text with an embedded NUL as a blob round-trips in full. */
	{
		struct cu_val a[] = { CU_VINT(4), CU_VBLOB("a\0b", 3) };
		CHECK_EQ_INT(cu_conn_exec(c, "INSERT INTO vals(id, b) VALUES (?1, ?2)", a, 2, NULL),
			     CU_OK);
		rs = get_row(c, 4);
		CHECK_EQ_INT(rs.blen, 3);
		CHECK(memcmp(rs.b, "a\0b", 3) == 0);
	}
	/* Parameters are data, never SQL. */
	{
		struct cu_val a[] = { CU_VINT(5), CU_VTEXT("x'); DROP TABLE vals; --") };
		CHECK_EQ_INT(cu_conn_exec(c, "INSERT INTO vals(id, s) VALUES (?1, ?2)", a, 2, NULL),
			     CU_OK);
		rs = get_row(c, 5);
		CHECK_STR(rs.s, "x'); DROP TABLE vals; --");
		CHECK_EQ_INT(count_rows(c, "SELECT COUNT(*) FROM vals"), 5);
	}
	/* changes counts rows touched; a no-op update reports 0. */
	CHECK_EQ_INT(cu_conn_exec(c, "UPDATE vals SET x = 1 WHERE id <= 2", NULL, 0, &changes), CU_OK);
	CHECK_EQ_INT(changes, 2);
	CHECK_EQ_INT(cu_conn_exec(c, "UPDATE vals SET x = 1 WHERE id > 100", NULL, 0, &changes), CU_OK);
	CHECK_EQ_INT(changes, 0);
	cu_store_release(s, c);
out:
	cu_store_close(s);
	cu_free(path);
}

static int count_cb(void *ctx, struct cu_row *row)
{
	(void)row;
	return ++*(int *)ctx >= 3 ? 1 : 0;
}

static int fail_cb(void *ctx, struct cu_row *row)
{
	(void)row;
	++*(int *)ctx;
	return CU_ERR_CONFLICT;
}

CU_TEST(queries)
{
	char *path = db_path();
	struct cu_store *s = NULL;
	struct cu_conn *c = NULL;
	int64_t v = 42;
	char *t = (char *)"x";
	int n = 0;

	CHECK_EQ_INT(cu_store_open(path, 1, &s), CU_OK);
	if (!s)
		goto out;
	CHECK_EQ_INT(cu_store_acquire(s, &c), CU_OK);
	CHECK_EQ_INT(cu_conn_exec(c, "CREATE TABLE q(id INTEGER PRIMARY KEY, name TEXT UNIQUE, "
				     "n INTEGER NOT NULL)", NULL, 0, NULL), CU_OK);
	for (int i = 1; i <= 10; i++) {
		char name[16];
		snprintf(name, sizeof(name), "n%02d", i);
		struct cu_val a[] = { CU_VINT(i), CU_VTEXT(name), CU_VINT(i * 10) };
		CHECK_EQ_INT(cu_conn_exec(c, "INSERT INTO q(id, name, n) VALUES (?1, ?2, ?3)", a, 3, NULL),
			     CU_OK);
	}
	/* query_int / query_text: found, absent row, NULL value. */
	{
		struct cu_val a = CU_VTEXT("n03");
		CHECK_EQ_INT(cu_conn_query_int(c, "SELECT n FROM q WHERE name = ?1", &a, 1, &v), CU_OK);
		CHECK_EQ_INT(v, 30);
		CHECK_EQ_INT(cu_conn_query_text(c, "SELECT name FROM q WHERE n = 70", NULL, 0, &t), CU_OK);
		CHECK_STR(t, "n07");
		cu_free(t);
		a = CU_VTEXT("nope");
		CHECK_EQ_INT(cu_conn_query_int(c, "SELECT n FROM q WHERE name = ?1", &a, 1, &v),
			     CU_ERR_NOT_FOUND);
		CHECK_EQ_INT(v, 0);
		t = (char *)"x";
		CHECK_EQ_INT(cu_conn_query_text(c, "SELECT name FROM q WHERE name = ?1", &a, 1, &t),
			     CU_ERR_NOT_FOUND);
		CHECK(t == NULL);
		CHECK_EQ_INT(cu_conn_query_int(c, "SELECT NULL", NULL, 0, &v), CU_ERR_NOT_FOUND);
		CHECK_EQ_INT(cu_conn_query_text(c, "SELECT NULL", NULL, 0, &t), CU_ERR_NOT_FOUND);
		CHECK(t == NULL);
		CHECK_EQ_INT(cu_conn_query_int(c, "SELECT MAX(n) FROM q WHERE n > 1000", NULL, 0, &v),
			     CU_ERR_NOT_FOUND);
	}
	/* Callbacks may stop early (1) or fail the query (negative). */
	CHECK_EQ_INT(cu_conn_query(c, "SELECT id FROM q ORDER BY id", NULL, 0, count_cb, &n), CU_OK);
	CHECK_EQ_INT(n, 3);
	n = 0;
	CHECK_EQ_INT(cu_conn_query(c, "SELECT id FROM q ORDER BY id", NULL, 0, fail_cb, &n),
		     CU_ERR_CONFLICT);
	CHECK_EQ_INT(n, 1);
	/* ...and the statement is reusable afterwards. */
	n = 0;
	CHECK_EQ_INT(cu_conn_query(c, "SELECT id FROM q ORDER BY id", NULL, 0, count_cb, &n), CU_OK);
	CHECK_EQ_INT(n, 3);

	/* Constraint violations: CU_ERR_EXISTS, and nothing written. */
	{
		struct cu_val dup_id[] = { CU_VINT(1), CU_VTEXT("other"), CU_VINT(1) };
		struct cu_val dup_name[] = { CU_VINT(100), CU_VTEXT("n01"), CU_VINT(1) };
		CHECK_EQ_INT(cu_conn_exec(c, "INSERT INTO q(id, name, n) VALUES (?1, ?2, ?3)", dup_id, 3,
					  NULL), CU_ERR_EXISTS);
		CHECK_EQ_INT(cu_conn_exec(c, "INSERT INTO q(id, name, n) VALUES (?1, ?2, ?3)", dup_name,
					  3, NULL), CU_ERR_EXISTS);
		CHECK_EQ_INT(count_rows(c, "SELECT COUNT(*) FROM q"), 10);
	}
	/* Bad SQL: an error, and the connection still works. */
	CHECK(cu_conn_exec(c, "INSERT INTO no_such_table VALUES (1)", NULL, 0, NULL) < 0);
	CHECK(cu_conn_exec(c, "SELEKT 1", NULL, 0, NULL) < 0);
	CHECK(cu_conn_exec(c, "SELEKT 1", NULL, 0, NULL) < 0);
	CHECK_EQ_INT(count_rows(c, "SELECT COUNT(*) FROM q"), 10);
	cu_store_release(s, c);
out:
	cu_store_close(s);
	cu_free(path);
}

/* SQL that compiles to no statement at all (empty, only a comment) must
 * fail cleanly every time it is run, not crash on the second run. */
CU_TEST(empty_sql)
{
	char *path = db_path();
	struct cu_store *s = NULL;
	struct cu_conn *c = NULL;
	static const char empty[] = "";
	static const char comment[] = "  -- nothing here";
	int64_t v;

	CHECK_EQ_INT(cu_store_open(path, 1, &s), CU_OK);
	if (!s)
		goto out;
	CHECK_EQ_INT(cu_store_acquire(s, &c), CU_OK);
	for (int i = 0; i < 3; i++) {
		CHECK(cu_conn_exec(c, empty, NULL, 0, NULL) < 0);
		CHECK(cu_conn_exec(c, comment, NULL, 0, NULL) < 0);
		CHECK(cu_conn_query_int(c, comment, NULL, 0, &v) < 0);
	}
	CHECK_EQ_INT(count_rows(c, "SELECT 7"), 7);
	cu_store_release(s, c);
out:
	cu_store_close(s);
	cu_free(path);
}

CU_TEST(transactions)
{
	char *path = db_path();
	struct cu_store *s = NULL;
	struct cu_conn *c = NULL, *c2 = NULL;
	struct cu_val a = CU_VTEXT("row");

	CHECK_EQ_INT(cu_store_open(path, 2, &s), CU_OK);
	if (!s)
		goto out;
	CHECK_EQ_INT(cu_store_acquire(s, &c), CU_OK);
	CHECK_EQ_INT(cu_store_acquire(s, &c2), CU_OK);
	CHECK(c != c2);
	CHECK_EQ_INT(cu_conn_exec(c, "CREATE TABLE tx(v TEXT)", NULL, 0, NULL), CU_OK);

	/* Rollback leaves nothing. */
	CHECK_EQ_INT(cu_conn_begin(c), CU_OK);
	for (int i = 0; i < 5; i++)
		CHECK_EQ_INT(cu_conn_exec(c, "INSERT INTO tx(v) VALUES (?1)", &a, 1, NULL), CU_OK);
	CHECK_EQ_INT(count_rows(c, "SELECT COUNT(*) FROM tx"), 5);
	/* Not visible to another connection before commit. */
	CHECK_EQ_INT(count_rows(c2, "SELECT COUNT(*) FROM tx"), 0);
	cu_conn_rollback(c);
	CHECK_EQ_INT(count_rows(c, "SELECT COUNT(*) FROM tx"), 0);
	/* Rollback without a transaction is harmless. */
	cu_conn_rollback(c);

	/* A second writer waits for (or is refused by) the first. */
	CHECK_EQ_INT(cu_conn_begin(c), CU_OK);
	CHECK_EQ_INT(cu_conn_exec(c, "INSERT INTO tx(v) VALUES ('committed')", NULL, 0, NULL), CU_OK);
	CHECK_EQ_INT(cu_conn_commit(c), CU_OK);
	CHECK_EQ_INT(count_rows(c2, "SELECT COUNT(*) FROM tx"), 1);

	/* Releasing a connection mid-transaction rolls it back. */
	CHECK_EQ_INT(cu_conn_begin(c), CU_OK);
	CHECK_EQ_INT(cu_conn_exec(c, "INSERT INTO tx(v) VALUES ('abandoned')", NULL, 0, NULL), CU_OK);
	cu_store_release(s, c);
	c = NULL;
	CHECK_EQ_INT(count_rows(c2, "SELECT COUNT(*) FROM tx"), 1);
	CHECK_EQ_INT(cu_store_acquire(s, &c), CU_OK);
	CHECK_EQ_INT(count_rows(c, "SELECT COUNT(*) FROM tx"), 1);
	/* ...so the connection can start a new one. */
	CHECK_EQ_INT(cu_conn_begin(c), CU_OK);
	CHECK_EQ_INT(cu_conn_exec(c, "INSERT INTO tx(v) VALUES ('second')", NULL, 0, NULL), CU_OK);
	CHECK_EQ_INT(cu_conn_commit(c), CU_OK);
	cu_store_release(s, c);
	cu_store_release(s, c2);
	cu_store_close(s);
	s = NULL;

	/* Commit persists across close and reopen. */
	CHECK_EQ_INT(cu_store_open(path, 1, &s), CU_OK);
	if (!s)
		goto out;
	CHECK_EQ_INT(cu_store_acquire(s, &c), CU_OK);
	CHECK_EQ_INT(count_rows(c, "SELECT COUNT(*) FROM tx"), 2);
	{
		char *v = NULL;
		CHECK_EQ_INT(cu_conn_query_text(c, "SELECT group_concat(v, ',') FROM "
						   "(SELECT v FROM tx ORDER BY v)", NULL, 0, &v), CU_OK);
		CHECK_STR(v, "committed,second");
		cu_free(v);
	}
	cu_store_release(s, c);
out:
	cu_store_close(s);
	cu_free(path);
}

#define NTHREADS 8
#define PER_THREAD 40

struct worker {
	struct cu_store *s;
	int id;
	int errors;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < PER_THREAD; i++) {
		struct cu_conn *c = NULL;
		struct cu_val a[] = { CU_VINT(w->id), CU_VINT(i) };
		int r;
		if (cu_store_acquire(w->s, &c)) {
			w->errors++;
			continue;
		}
		if (i % 4 == 0) {
			/* Some inserts in explicit transactions, with a read in between. */
			int64_t n;
			r = cu_conn_begin(c);
			if (!r)
				r = cu_conn_exec(c, "INSERT INTO pool(t, i) VALUES (?1, ?2)", a, 2, NULL);
			if (!r)
				r = cu_conn_query_int(c, "SELECT COUNT(*) FROM pool WHERE t = ?1", a, 1, &n);
			if (!r)
				r = cu_conn_commit(c);
			if (r)
				cu_conn_rollback(c);
		} else {
			r = cu_conn_exec(c, "INSERT INTO pool(t, i) VALUES (?1, ?2)", a, 2, NULL);
		}
		if (r) {
			fprintf(stderr, "thread %d insert %d: %s\n", w->id, i, cu_strerror(r));
			w->errors++;
		}
		cu_store_release(w->s, c);
	}
	return NULL;
}

CU_TEST(pool_threads)
{
	char *path = db_path();
	struct cu_store *s = NULL;
	struct cu_conn *c = NULL;
	pthread_t th[NTHREADS];
	struct worker w[NTHREADS];
	int errors = 0;

	CHECK_EQ_INT(cu_store_open(path, 3, &s), CU_OK);
	if (!s)
		goto out;
	CHECK_EQ_INT(cu_store_acquire(s, &c), CU_OK);
	CHECK_EQ_INT(cu_conn_exec(c, "CREATE TABLE pool(t INTEGER, i INTEGER, PRIMARY KEY(t, i))",
				  NULL, 0, NULL), CU_OK);
	cu_store_release(s, c);
	for (int i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){ s, i, 0 };
		CHECK_EQ_INT(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		errors += w[i].errors;
	}
	CHECK_EQ_INT(errors, 0);
	CHECK_EQ_INT(cu_store_acquire(s, &c), CU_OK);
	CHECK_EQ_INT(count_rows(c, "SELECT COUNT(*) FROM pool"), NTHREADS * PER_THREAD);
	CHECK_EQ_INT(count_rows(c, "SELECT COUNT(DISTINCT t) FROM pool"), NTHREADS);
	cu_store_release(s, c);
out:
	cu_store_close(s);
	cu_free(path);
}

struct blocker {
	struct cu_store *s;
	volatile int got;
};

static void *acquire_one(void *arg)
{
	struct blocker *b = arg;
	struct cu_conn *c = NULL;
	if (cu_store_acquire(b->s, &c) == CU_OK) {
		b->got = 1;
		cu_store_release(b->s, c);
	}
	return NULL;
}

CU_TEST(pool_blocks_when_exhausted)
{
	char *path = db_path();
	struct cu_store *s = NULL;
	struct cu_conn *c1 = NULL, *c2 = NULL;
	struct blocker b;
	pthread_t th;

	CHECK_EQ_INT(cu_store_open(path, 2, &s), CU_OK);
	if (!s)
		goto out;
	CHECK_EQ_INT(cu_store_acquire(s, &c1), CU_OK);
	CHECK_EQ_INT(cu_store_acquire(s, &c2), CU_OK);
	b.s = s;
	b.got = 0;
	CHECK_EQ_INT(pthread_create(&th, NULL, acquire_one, &b), 0);
	usleep(100 * 1000);
	CHECK_EQ_INT(b.got, 0); /* still waiting: both connections are out */
	cu_store_release(s, c1);
	pthread_join(th, NULL);
	CHECK_EQ_INT(b.got, 1);
	cu_store_release(s, c2);
	cu_store_release(s, NULL); /* harmless */
out:
	cu_store_close(s);
	cu_free(path);
}

/*
 * The statement cache keys on the SQL pointer and holds 64 statements:
 * more distinct strings than that, heap strings freed and reallocated at
 * the same address with other text, and one buffer rewritten in place
 * must all still run the SQL actually passed.
 */
CU_TEST(statement_cache)
{
	char *path = db_path();
	struct cu_store *s = NULL;
	struct cu_conn *c = NULL;
	enum { NSQL = 150 };
	char *sql[NSQL];
	char buf[128];
	int wrong = 0;

	CHECK_EQ_INT(cu_store_open(path, 1, &s), CU_OK);
	if (!s)
		goto out;
	CHECK_EQ_INT(cu_store_acquire(s, &c), CU_OK);
	for (int i = 0; i < NSQL; i++) {
		size_t n = 64;
		sql[i] = cu_malloc(n);
		snprintf(sql[i], n, "SELECT ?1 + %d", i * 1000);
	}
	/* Several passes in different orders: every answer must match its SQL. */
	for (int pass = 0; pass < 4; pass++)
		for (int k = 0; k < NSQL; k++) {
			int i = pass % 2 ? NSQL - 1 - k : (k * 7 + pass) % NSQL;
			struct cu_val a = CU_VINT(pass);
			int64_t v = -1;
			if (cu_conn_query_int(c, sql[i], &a, 1, &v) != CU_OK || v != i * 1000 + pass)
				wrong++;
		}
	CHECK_EQ_INT(wrong, 0);
	/* Free and reallocate: addresses get reused with new text. */
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < NSQL; i++) {
			cu_free(sql[i]);
			sql[i] = cu_malloc(64);
			snprintf(sql[i], 64, "SELECT ?1 * %d", i + round * 1000);
		}
		for (int i = 0; i < NSQL; i++) {
			struct cu_val a = CU_VINT(2);
			int64_t v = -1;
			if (cu_conn_query_int(c, sql[i], &a, 1, &v) != CU_OK ||
			    v != 2 * (i + round * 1000))
				wrong++;
		}
	}
	CHECK_EQ_INT(wrong, 0);
	/* One buffer, rewritten in place between calls. */
	for (int i = 0; i < 200; i++) {
		int64_t v = -1;
		snprintf(buf, sizeof(buf), "SELECT %d", i);
		if (cu_conn_query_int(c, buf, NULL, 0, &v) != CU_OK || v != i)
			wrong++;
	}
	CHECK_EQ_INT(wrong, 0);
	/* Literal SQL keeps working after all that churn. */
	CHECK_EQ_INT(count_rows(c, "SELECT 41 + 1"), 42);
	for (int i = 0; i < NSQL; i++)
		cu_free(sql[i]);
	cu_store_release(s, c);
out:
	cu_store_close(s);
	cu_free(path);
}

int main(void)
{
	dir = cu_t_tmpdir();
	RUN(open_migrates);
	RUN(open_errors);
	RUN(values);
	RUN(queries);
	RUN(empty_sql);
	RUN(transactions);
	RUN(pool_threads);
	RUN(pool_blocks_when_exhausted);
	RUN(statement_cache);
	cu_t_rmtree(dir);
	return cu_test_done();
}
