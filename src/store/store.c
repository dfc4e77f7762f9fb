#include "store/store_int.h"
#include "core/log.h"
#include "core/json.h"

struct cu_store {
	const struct cu_store_ops *ops;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct cu_conn *free_list;
	size_t nconns;
	struct cu_conn **all;
};

static const struct cu_store_ops *backend_for(const char *target)
{
	if (strncmp(target, "postgres://", 11) == 0 || strncmp(target, "postgresql://", 13) == 0)
		return NULL; /* PostgreSQL backend: not built in this version */
	return &cu_store_sqlite_ops;
}

static int migrate(struct cu_conn *c)
{
	const char *const *m = c->ops->migrations;
	int64_t have = 0;
	int r;

	r = c->ops->exec_script(c, "CREATE TABLE IF NOT EXISTS schema_version("
				   "version INTEGER NOT NULL)");
	if (r)
		return r;
	r = cu_conn_query_int(c, "SELECT MAX(version) FROM schema_version", NULL, 0, &have);
	if (r && r != CU_ERR_NOT_FOUND)
		return r;
	for (int64_t v = have; m[v]; v++) {
		struct cu_val arg = CU_VINT(v + 1);
		if ((r = cu_conn_begin(c)))
			return r;
		if ((r = c->ops->exec_script(c, m[v])) ||
		    (r = cu_conn_exec(c, "INSERT INTO schema_version(version) VALUES (?1)", &arg, 1,
				      NULL)) ||
		    (r = cu_conn_commit(c))) {
			cu_conn_rollback(c);
			cu_error("store: migration %ld failed", (long)(v + 1));
			return r;
		}
	}
	return CU_OK;
}

int cu_store_open(const char *target, size_t pool, struct cu_store **out)
{
	struct cu_store *s;
	int r = CU_OK;

	*out = NULL;
	if (!pool)
		pool = 1;
	const struct cu_store_ops *ops = backend_for(target);
	if (!ops)
		return CU_ERR_UNSUPPORTED;
	s = cu_calloc(1, sizeof(*s));
	s->ops = ops;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->all = cu_calloc(pool, sizeof(*s->all));
	for (size_t i = 0; i < pool; i++) {
		struct cu_conn *c;
		if ((r = ops->connect(target, &c)))
			break;
		s->all[s->nconns++] = c;
		if (i == 0 && (r = migrate(c)))
			break;
		c->next_free = s->free_list;
		s->free_list = c;
	}
	if (r) {
		cu_store_close(s);
		return r;
	}
	*out = s;
	return CU_OK;
}

void cu_store_close(struct cu_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nconns; i++)
		s->ops->disconnect(s->all[i]);
	cu_free(s->all);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	cu_free(s);
}

const char *cu_store_backend(const struct cu_store *s)
{
	return s->ops->name;
}

int cu_store_acquire(struct cu_store *s, struct cu_conn **out)
{
	pthread_mutex_lock(&s->lock);
	while (!s->free_list)
		pthread_cond_wait(&s->cond, &s->lock);
	*out = s->free_list;
	s->free_list = (*out)->next_free;
	pthread_mutex_unlock(&s->lock);
	return CU_OK;
}

void cu_store_release(struct cu_store *s, struct cu_conn *c)
{
	if (!c)
		return;
	if (c->in_tx)
		cu_conn_rollback(c);
	pthread_mutex_lock(&s->lock);
	c->next_free = s->free_list;
	s->free_list = c;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

int cu_conn_exec(struct cu_conn *c, const char *sql, const struct cu_val *args, size_t nargs,
		 int64_t *changes)
{
	return c->ops->exec(c, sql, args, nargs, changes);
}

int cu_conn_query(struct cu_conn *c, const char *sql, const struct cu_val *args, size_t nargs,
		  cu_row_fn fn, void *ctx)
{
	return c->ops->query(c, sql, args, nargs, fn, ctx);
}

int cu_conn_begin(struct cu_conn *c)
{
	int r = c->ops->exec_script(c, "BEGIN IMMEDIATE");
	if (!r)
		c->in_tx = true;
	return r;
}

int cu_conn_commit(struct cu_conn *c)
{
	int r = c->ops->exec_script(c, "COMMIT");
	if (!r)
		c->in_tx = false;
	return r;
}

void cu_conn_rollback(struct cu_conn *c)
{
	if (c->ops->exec_script(c, "ROLLBACK"))
		cu_debug("store: rollback without a transaction");
	c->in_tx = false;
}

bool cu_row_is_null(struct cu_row *r, int col)
{
	return r->ops->row_is_null(r, col);
}

int64_t cu_row_int(struct cu_row *r, int col)
{
	return r->ops->row_int(r, col);
}

const char *cu_row_text(struct cu_row *r, int col)
{
	return r->ops->row_text(r, col);
}

const void *cu_row_blob(struct cu_row *r, int col, size_t *len)
{
	return r->ops->row_blob(r, col, len);
}

struct one {
	bool found;
	int64_t i;
	char *s;
};

static int one_int(void *ctx, struct cu_row *row)
{
	struct one *o = ctx;
	o->found = !cu_row_is_null(row, 0);
	o->i = cu_row_int(row, 0);
	return 1;
}

static int one_text(void *ctx, struct cu_row *row)
{
	struct one *o = ctx;
	const char *t = cu_row_text(row, 0);
	o->found = t != NULL;
	o->s = t ? cu_strdup(t) : NULL;
	return 1;
}

int cu_conn_query_int(struct cu_conn *c, const char *sql, const struct cu_val *args,
		      size_t nargs, int64_t *out)
{
	struct one o = { 0 };
	int r = cu_conn_query(c, sql, args, nargs, one_int, &o);
	*out = o.i;
	if (r)
		return r;
	return o.found ? CU_OK : CU_ERR_NOT_FOUND;
}

int cu_conn_query_text(struct cu_conn *c, const char *sql, const struct cu_val *args,
		       size_t nargs, char **out)
{
	struct one o = { 0 };
	int r = cu_conn_query(c, sql, args, nargs, one_text, &o);
	*out = o.s;
	if (r) {
		cu_free(o.s);
		*out = NULL;
		return r;
	}
	return o.found ? CU_OK : CU_ERR_NOT_FOUND;
}

int cu_store_query_array(struct cu_store *s, const char *sql, const struct cu_val *args,
			 size_t nargs, cu_row_fn fn, json_t **out)
{
	struct cu_conn *c = NULL;
	json_t *a = json_array();
	int r;

	*out = NULL;
	if ((r = cu_store_acquire(s, &c)) == CU_OK) {
		r = cu_conn_query(c, sql, args, nargs, fn, a);
		cu_store_release(s, c);
	}
	if (r)
		json_decref(a);
	else
		*out = a;
	return r;
}
