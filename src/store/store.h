/*
 * store.h - the one storage interface of custos.
 *
 * A struct cu_store is a pool of connections to one database, reached
 * through a backend's table of function pointers (struct cu_store_ops in
 * store_int.h): SQLite (store_sqlite.c, the embedded default) and, for
 * scale-out, PostgreSQL.  Callers write portable SQL with numbered
 * parameters ?1, ?2, ... and bind struct cu_val arrays; the backend
 * translates what it must.  Only the store includes sqlite3.h / libpq.
 *
 * Ownership: values bound are borrowed for the call; row accessors return
 * pointers valid only inside the row callback.
 */
#ifndef CU_STORE_STORE_H
#define CU_STORE_STORE_H

#include "core/common.h"

struct cu_store;
struct cu_conn;
struct cu_row;

enum cu_val_type { CU_V_NULL, CU_V_INT, CU_V_TEXT, CU_V_BLOB };

struct cu_val {
	enum cu_val_type t;
	int64_t i;
	const void *p;
	size_t n;
};

#define CU_VNULL ((struct cu_val){ .t = CU_V_NULL })
#define CU_VINT(x) ((struct cu_val){ .t = CU_V_INT, .i = (int64_t)(x) })
#define CU_VBLOB(ptr, len) ((struct cu_val){ .t = CU_V_BLOB, .p = (ptr), .n = (len) })
static inline struct cu_val cu_vtext(const char *s)
{
	struct cu_val v = { .t = s ? CU_V_TEXT : CU_V_NULL, .p = s, .n = s ? strlen(s) : 0 };
	return v;
}
#define CU_VTEXT(s) cu_vtext(s)

/* Called once per result row; return 0 to continue, 1 to stop early,
 * a negative cu_err to stop and fail the query with it. */
typedef int (*cu_row_fn)(void *ctx, struct cu_row *row);

/*
 * Open a store.  target is a path to an SQLite file, or a
 * "postgres://" / "postgresql://" URL.  pool is the number of
 * connections (>= 1).  Runs migrations to the latest version.
 */
CU_WUR int cu_store_open(const char *target, size_t pool, struct cu_store **out);
void cu_store_close(struct cu_store *s);
const char *cu_store_backend(const struct cu_store *s);

/* Borrow a connection (blocks while all are busy) and give it back. */
CU_WUR int cu_store_acquire(struct cu_store *s, struct cu_conn **out);
void cu_store_release(struct cu_store *s, struct cu_conn *c);

CU_WUR int cu_conn_exec(struct cu_conn *c, const char *sql, const struct cu_val *args,
			size_t nargs, int64_t *changes);
CU_WUR int cu_conn_query(struct cu_conn *c, const char *sql, const struct cu_val *args,
			 size_t nargs, cu_row_fn fn, void *ctx);
CU_WUR int cu_conn_begin(struct cu_conn *c);
CU_WUR int cu_conn_commit(struct cu_conn *c);
/* Roll back the open transaction, if any; never fails visibly. */
void cu_conn_rollback(struct cu_conn *c);

bool cu_row_is_null(struct cu_row *r, int col);
int64_t cu_row_int(struct cu_row *r, int col);
/* NUL-terminated; NULL for SQL NULL.  Valid until the callback returns. */
const char *cu_row_text(struct cu_row *r, int col);
const void *cu_row_blob(struct cu_row *r, int col, size_t *len);

/* Convenience: borrow a connection, run a query whose rows fn appends to
 * a new JSON array (ctx is that json_t *), give the connection back.
 * *out is owned by the caller (json_decref). */
struct json_t;
CU_WUR int cu_store_query_array(struct cu_store *s, const char *sql, const struct cu_val *args,
				size_t nargs, cu_row_fn fn, struct json_t **out);

/* Convenience: run a query expecting at most one row with one integer or
 * text column.  CU_ERR_NOT_FOUND when there is no row. */
CU_WUR int cu_conn_query_int(struct cu_conn *c, const char *sql, const struct cu_val *args,
			     size_t nargs, int64_t *out);
/* *out is cu_strdup'ed (caller frees). */
CU_WUR int cu_conn_query_text(struct cu_conn *c, const char *sql, const struct cu_val *args,
			      size_t nargs, char **out);

#endif
