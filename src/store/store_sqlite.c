/*
 * store_sqlite.c - the embedded SQLite backend (WAL, one connection per
 * pool slot, prepared statements cached per connection).
 */
#include "store/store_int.h"
#include "core/log.h"

#include <sqlite3.h>


#define STMT_CACHE 64

struct sq_conn {
	struct cu_conn base;
	sqlite3 *db;
	struct {
		const char *sql; /* keyed by pointer: SQL is always a literal */
		sqlite3_stmt *st;
	} cache[STMT_CACHE];
};

struct sq_row {
	struct cu_row base;
	sqlite3_stmt *st;
};

static int map_rc(sqlite3 *db, int rc)
{
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return CU_OK;
	case SQLITE_CONSTRAINT:
		return CU_ERR_EXISTS;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return CU_ERR_CONFLICT;
	case SQLITE_NOMEM:
		return CU_ERR_NOMEM;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		cu_error("store: database file is corrupt: %s", sqlite3_errmsg(db));
		return CU_ERR_INTEGRITY;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
		cu_error("store: I/O error: %s", sqlite3_errmsg(db));
		return CU_ERR_IO;
	default:
		cu_error("store: sqlite error %d: %s", rc, sqlite3_errmsg(db));
		return CU_ERR_INTERNAL;
	}
}

static int sq_exec_script(struct cu_conn *c, const char *sql)
{
	struct sq_conn *sc = (struct sq_conn *)c;
	int rc = sqlite3_exec(sc->db, sql, NULL, NULL, NULL);
	return map_rc(sc->db, rc);
}

static int sq_connect(const char *target, struct cu_conn **out)
{
	struct sq_conn *c = cu_calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	c->base.ops = &cu_store_sqlite_ops;
	rc = sqlite3_open_v2(target, &c->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		cu_error("store: cannot open database: %s", sqlite3_errstr(rc));
		sqlite3_close(c->db);
		cu_free(c);
		return CU_ERR_IO;
	}
	sqlite3_busy_timeout(c->db, 10000);
	sqlite3_extended_result_codes(c->db, 0);
	/*
	 * WAL for concurrent readers; FULL sync so an acknowledged write
	 * survives power loss; secure_delete so freed pages are zeroed;
	 * temp_store in memory so no temporary file holds data.
	 */
	rc = sqlite3_exec(c->db,
			  "PRAGMA journal_mode=WAL;"
			  "PRAGMA synchronous=FULL;"
			  "PRAGMA secure_delete=ON;"
			  "PRAGMA temp_store=MEMORY;"
			  "PRAGMA foreign_keys=ON;",
			  NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int r = map_rc(c->db, rc);
		cu_error("store: cannot configure database: %s", sqlite3_errmsg(c->db));
		sqlite3_close(c->db);
		cu_free(c);
		return r ? r : CU_ERR_IO;
	}
	*out = &c->base;
	return CU_OK;
}

static void sq_disconnect(struct cu_conn *c)
{
	struct sq_conn *sc = (struct sq_conn *)c;
	for (size_t i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(sc->cache[i].st);
	sqlite3_close(sc->db);
	cu_free(sc);
}

static int prepare(struct sq_conn *c, const char *sql, sqlite3_stmt **out)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
	int rc;

	*out = NULL;
	for (size_t k = 0; k < STMT_CACHE; k++) {
		size_t i = (h + k) % STMT_CACHE;
		/* Same literal, and (cheaply) the same text: a heap-built SQL
		 * string reusing a freed address must not hit a stale entry. */
		if (c->cache[i].sql == sql && strcmp(sqlite3_sql(c->cache[i].st), sql) == 0) {
			*out = c->cache[i].st;
			return CU_OK;
		}
		if (!c->cache[i].sql) {
			rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
						&c->cache[i].st, NULL);
			if (rc != SQLITE_OK)
				return map_rc(c->db, rc);
			/* SQL with no statement in it (empty, only a comment)
			 * compiles to NULL: never cache that, or the next
			 * lookup would strcmp(sqlite3_sql(NULL), ...). */
			if (!c->cache[i].st)
				return CU_ERR_INVALID;
			c->cache[i].sql = sql;
			*out = c->cache[i].st;
			return CU_OK;
		}
	}
	/* Cache full: evict slot h. */
	sqlite3_finalize(c->cache[h].st);
	c->cache[h].sql = NULL;
	rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->cache[h].st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(c->db, rc);
	if (!c->cache[h].st)
		return CU_ERR_INVALID;
	c->cache[h].sql = sql;
	*out = c->cache[h].st;
	return CU_OK;
}

static int bind(struct sq_conn *c, sqlite3_stmt *st, const struct cu_val *args, size_t nargs)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; i < nargs && rc == SQLITE_OK; i++) {
		int idx = (int)i + 1;
		switch (args[i].t) {
		case CU_V_NULL: rc = sqlite3_bind_null(st, idx); break;
		case CU_V_INT: rc = sqlite3_bind_int64(st, idx, args[i].i); break;
		case CU_V_TEXT:
			rc = sqlite3_bind_text64(st, idx, args[i].p, args[i].n, SQLITE_STATIC,
						 SQLITE_UTF8);
			break;
		case CU_V_BLOB:
			rc = sqlite3_bind_blob64(st, idx, args[i].p ? args[i].p : "", args[i].n,
						 SQLITE_STATIC);
			break;
		}
	}
	return map_rc(c->db, rc);
}

static int run(struct cu_conn *cc, const char *sql, const struct cu_val *args, size_t nargs,
	       cu_row_fn fn, void *ctx, int64_t *changes)
{
	struct sq_conn *c = (struct sq_conn *)cc;
	sqlite3_stmt *st;
	struct sq_row row = { { &cu_store_sqlite_ops }, NULL };
	int r, rc;

	if (changes)
		*changes = 0;
	if ((r = prepare(c, sql, &st)))
		return r;
	if ((r = bind(c, st, args, nargs)))
		goto out;
	row.st = st;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn)
			continue;
		int k = fn(ctx, &row.base);
		if (k < 0) {
			r = k;
			goto out;
		}
		if (k > 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = map_rc(c->db, rc);
	else if (changes)
		*changes = sqlite3_changes64(c->db);
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r;
}

static int sq_exec(struct cu_conn *c, const char *sql, const struct cu_val *args, size_t nargs,
		   int64_t *changes)
{
	return run(c, sql, args, nargs, NULL, NULL, changes);
}

static int sq_query(struct cu_conn *c, const char *sql, const struct cu_val *args, size_t nargs,
		    cu_row_fn fn, void *ctx)
{
	return run(c, sql, args, nargs, fn, ctx, NULL);
}

static bool sq_row_is_null(struct cu_row *r, int col)
{
	return sqlite3_column_type(((struct sq_row *)r)->st, col) == SQLITE_NULL;
}

static int64_t sq_row_int(struct cu_row *r, int col)
{
	return sqlite3_column_int64(((struct sq_row *)r)->st, col);
}

static const char *sq_row_text(struct cu_row *r, int col)
{
	sqlite3_stmt *st = ((struct sq_row *)r)->st;
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	return (const char *)sqlite3_column_text(st, col);
}

static const void *sq_row_blob(struct cu_row *r, int col, size_t *len)
{
	sqlite3_stmt *st = ((struct sq_row *)r)->st;
	const void *p = sqlite3_column_blob(st, col);
	*len = (size_t)sqlite3_column_bytes(st, col);
	return p;
}

const struct cu_store_ops cu_store_sqlite_ops = {
	.name = "sqlite",
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.exec = sq_exec,
	.query = sq_query,
	.exec_script = sq_exec_script,
	.row_is_null = sq_row_is_null,
	.row_int = sq_row_int,
	.row_text = sq_row_text,
	.row_blob = sq_row_blob,
	.migrations = cu_sqlite_migrations,
};
