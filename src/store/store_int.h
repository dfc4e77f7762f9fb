/*
 * store_int.h - what a storage backend implements.  Private to store/.
 */
#ifndef CU_STORE_INT_H
#define CU_STORE_INT_H

#include "store/store.h"
#include <pthread.h>

struct cu_store_ops {
	const char *name;
	int (*connect)(const char *target, struct cu_conn **out);
	void (*disconnect)(struct cu_conn *c);
	int (*exec)(struct cu_conn *c, const char *sql, const struct cu_val *args,
		    size_t nargs, int64_t *changes);
	int (*query)(struct cu_conn *c, const char *sql, const struct cu_val *args,
		     size_t nargs, cu_row_fn fn, void *ctx);
	/* Multiple statements, no parameters: used by migrations. */
	int (*exec_script)(struct cu_conn *c, const char *sql);
	bool (*row_is_null)(struct cu_row *r, int col);
	int64_t (*row_int)(struct cu_row *r, int col);
	const char *(*row_text)(struct cu_row *r, int col);
	const void *(*row_blob)(struct cu_row *r, int col, size_t *len);
	/* The migration scripts for this backend, NULL-terminated, in order. */
	const char *const *migrations;
};

/* Every connection starts with this header. */
struct cu_conn {
	const struct cu_store_ops *ops;
	struct cu_conn *next_free;
	bool in_tx;
};

/* Every row starts with this header. */
struct cu_row {
	const struct cu_store_ops *ops;
};

extern const struct cu_store_ops cu_store_sqlite_ops;
extern const char *const cu_sqlite_migrations[];

#endif
