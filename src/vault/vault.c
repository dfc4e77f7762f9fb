#include "vault/vault.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/keyring.h"
#include "store/store.h"

#include <pthread.h>

/* Version of per-subject data keys; bound into every field's AD. */
#define CU_DEK_VERSION 1u

struct cached {
	struct cu_schema *schema;
	struct cached *next;
};

struct cu_vault {
	struct cu_store *store;
	const struct cu_keyring *kr;
	pthread_rwlock_t lock;
	struct cached *schemas;
};

int cu_vault_new(struct cu_store *store, const struct cu_keyring *kr, struct cu_vault **out)
{
	struct cu_vault *v = cu_calloc(1, sizeof(*v));
	v->store = store;
	v->kr = kr;
	pthread_rwlock_init(&v->lock, NULL);
	*out = v;
	return CU_OK;
}

void cu_vault_free(struct cu_vault *v)
{
	if (!v)
		return;
	for (struct cached *c = v->schemas, *n; c; c = n) {
		n = c->next;
		cu_free(c->schema);
		cu_free(c);
	}
	pthread_rwlock_destroy(&v->lock);
	cu_free(v);
}

void cu_record_free(struct cu_record *r)
{
	if (!r)
		return;
	cu_free(r->owner);
	json_decref(r->related);
	json_decref(r->fields);
	cu_free(r);
}

/* ---- collections ---------------------------------------------------- */

static const struct cu_schema *cache_find(struct cu_vault *v, const char *name)
{
	for (struct cached *c = v->schemas; c; c = c->next)
		if (strcmp(c->schema->name, name) == 0)
			return c->schema;
	return NULL;
}

static void cache_add(struct cu_vault *v, struct cu_schema *s)
{
	struct cached *c = cu_calloc(1, sizeof(*c));
	c->schema = s;
	pthread_rwlock_wrlock(&v->lock);
	if (cache_find(v, s->name)) {
		pthread_rwlock_unlock(&v->lock);
		cu_free(s);
		cu_free(c);
		return;
	}
	c->next = v->schemas;
	v->schemas = c;
	pthread_rwlock_unlock(&v->lock);
}

int cu_vault_collection_create(struct cu_vault *v, const json_t *spec, const char *actor,
			       struct cu_errinfo *ei)
{
	struct cu_schema *s = cu_calloc(1, sizeof(*s));
	struct cu_conn *c = NULL;
	json_t *sj = NULL;
	char *text = NULL;
	int r;

	if ((r = cu_schema_from_json(spec, s, ei)))
		goto out;
	sj = cu_schema_to_json(s);
	text = cu_json_dump(sj);
	if ((r = cu_store_acquire(v->store, &c)))
		goto out;
	struct cu_val args[] = { CU_VTEXT(s->name), CU_VTEXT(text), CU_VINT(cu_time_now()),
				 CU_VTEXT(actor) };
	r = cu_conn_exec(c, "INSERT INTO collections(name, schema, created_at, created_by) "
			    "VALUES (?1, ?2, ?3, ?4)", args, 4, NULL);
	if (r == CU_ERR_EXISTS)
		cu_errinfo_set(ei, r, "name", "a collection with this name exists");
out:
	cu_store_release(v->store, c);
	json_decref(sj);
	cu_free(text);
	if (r)
		cu_free(s);
	else
		cache_add(v, s);
	return r;
}

static int load_schema(struct cu_vault *v, const char *name, struct cu_schema **out)
{
	struct cu_conn *c = NULL;
	char *text = NULL;
	json_t *j = NULL;
	struct cu_schema *s;
	struct cu_errinfo ei;
	struct cu_val arg = CU_VTEXT(name);
	int r;

	*out = NULL;
	if ((r = cu_store_acquire(v->store, &c)))
		return r;
	r = cu_conn_query_text(c, "SELECT schema FROM collections WHERE name = ?1", &arg, 1, &text);
	cu_store_release(v->store, c);
	if (r)
		return r;
	if ((r = cu_json_parse(text, strlen(text), &j, NULL, 0))) {
		cu_free(text);
		return CU_ERR_INTEGRITY;
	}
	cu_free(text);
	s = cu_calloc(1, sizeof(*s));
	if ((r = cu_schema_from_json(j, s, &ei))) {
		cu_error("vault: stored schema of a collection does not parse: %s", ei.msg);
		cu_free(s);
		json_decref(j);
		return CU_ERR_INTEGRITY;
	}
	json_decref(j);
	*out = s;
	return CU_OK;
}

/* Borrowed pointer to the cached schema (schemas are immutable once made). */
static int schema_for(struct cu_vault *v, const char *name, const struct cu_schema **out)
{
	struct cu_schema *s;
	int r;

	*out = NULL;
	if (!cu_name_valid(name))
		return CU_ERR_NOT_FOUND;
	pthread_rwlock_rdlock(&v->lock);
	*out = cache_find(v, name);
	pthread_rwlock_unlock(&v->lock);
	if (*out)
		return CU_OK;
	if ((r = load_schema(v, name, &s)))
		return r;
	cache_add(v, s);
	pthread_rwlock_rdlock(&v->lock);
	*out = cache_find(v, name);
	pthread_rwlock_unlock(&v->lock);
	return *out ? CU_OK : CU_ERR_NOT_FOUND;
}

int cu_vault_collection_get(struct cu_vault *v, const char *name, struct cu_schema **out)
{
	const struct cu_schema *s;
	int r = schema_for(v, name, &s);
	*out = r ? NULL : cu_memdup(s, sizeof(*s));
	return r;
}

/* Append column 0 (a name or an id) to the JSON array ctx. */
static int collect_name(void *ctx, struct cu_row *row)
{
	json_array_append_new(ctx, json_string(cu_row_text(row, 0)));
	return 0;
}

int cu_vault_collection_list(struct cu_vault *v, json_t **out)
{
	return cu_store_query_array(v->store, "SELECT name FROM collections ORDER BY name", NULL, 0,
				    collect_name, out);
}

/* ---- sealing ---------------------------------------------------------- */

static int field_ad(struct cu_buf *ad, const char *collection, const char *id, const char *field)
{
	static const char dom[] = "custos.field.v1";
	uint8_t ver[4] = { 0, 0, 0, CU_DEK_VERSION };
	int r;
	cu_buf_init(ad, 1024);
	if ((r = cu_ad_put(ad, dom, sizeof(dom) - 1)) ||
	    (r = cu_ad_put(ad, collection, strlen(collection))) ||
	    (r = cu_ad_put(ad, id, strlen(id))) || (r = cu_ad_put(ad, field, strlen(field))) ||
	    (r = cu_ad_put(ad, ver, sizeof(ver))))
		cu_buf_release(ad);
	return r;
}

/* Subject ids: a keyed hash of the caller's reference (never stored in
 * the clear), or random for anonymous subjects. */
static char *subject_id(const struct cu_keyring *kr, const char *ref)
{
	uint8_t h[CU_HASH_BYTES];
	char *b, *id;
	size_t n;

	if (!ref) {
		b = cu_random_id(18);
	} else {
		cu_keyring_mac(kr, "custos.subject", ref, strlen(ref), h);
		b = cu_b64(h, 18);
	}
	n = strlen(b) + 3;
	id = cu_malloc(n);
	snprintf(id, n, "s_%s", b);
	cu_free(b);
	return id;
}

char *cu_vault_subject_id(struct cu_vault *v, const char *ref)
{
	return subject_id(v->kr, ref);
}

struct dek_row {
	bool found, erased;
	uint8_t wrapped[CU_WRAPPED_DEK_BYTES];
	size_t len;
};

static int read_dek_row(void *ctx, struct cu_row *row)
{
	struct dek_row *d = ctx;
	size_t n;
	const void *p = cu_row_blob(row, 0, &n);
	d->found = true;
	d->erased = cu_row_is_null(row, 0);
	d->len = n <= sizeof(d->wrapped) ? n : 0;
	if (p && d->len)
		memcpy(d->wrapped, p, d->len);
	return 1;
}

/* Get (or, if create, make) the DEK of subject into dek (secret memory). */
static int subject_dek(struct cu_vault *v, struct cu_conn *c, const char *subject, bool create,
		       uint8_t *dek)
{
	struct dek_row d = { 0 };
	struct cu_val arg = CU_VTEXT(subject);
	int r;

	r = cu_conn_query(c, "SELECT wrapped_dek FROM subjects WHERE id = ?1", &arg, 1,
			  read_dek_row, &d);
	if (r)
		return r;
	if (d.found && d.erased)
		return CU_ERR_FORBIDDEN; /* crypto-shredded: nothing can be stored or read */
	if (d.found)
		return cu_keyring_dek_unwrap(v->kr, subject, d.wrapped, d.len, dek);
	if (!create)
		return CU_ERR_INTEGRITY; /* a record without its subject */
	if ((r = cu_keyring_dek_new(v->kr, subject, d.wrapped, dek)))
		return r;
	struct cu_val args[] = { CU_VTEXT(subject), CU_VBLOB(d.wrapped, CU_WRAPPED_DEK_BYTES),
				 CU_VINT(cu_keyring_current(v->kr)), CU_VINT(cu_time_now()) };
	return cu_conn_exec(c, "INSERT INTO subjects(id, wrapped_dek, kek_version, created_at) "
			       "VALUES (?1, ?2, ?3, ?4)", args, 4, NULL);
}

/* Write one field row: sealed or not according to its class. */
static int put_field(struct cu_vault *v, struct cu_conn *c, const struct cu_schema *s,
		     const struct cu_field *f, const char *id, const json_t *val,
		     const uint8_t *dek)
{
	char *text = cu_json_dump(val);
	size_t n = strlen(text);
	uint8_t token[CU_HASH_BYTES];
	uint8_t *ct = NULL;
	struct cu_buf ad;
	int r;

	/* Only searchable fields get a blind-index token: a deterministic
	 * token is an equality oracle over the database file, which is what
	 * "searchable": false is there to avoid.  Others store an empty one. */
	if (f->searchable)
		cu_keyring_blind_index(v->kr, s->name, f->name, text, n, token);
	struct cu_val args[] = { CU_VTEXT(s->name), CU_VTEXT(id), CU_VTEXT(f->name),
				 CU_VBLOB(text, n), CU_VINT(0),
				 CU_VBLOB(token, f->searchable ? sizeof(token) : 0) };
	if (cu_fclass_sealed(f->cls)) {
		if ((r = field_ad(&ad, s->name, id, f->name)))
			goto out;
		ct = cu_malloc(n + CU_SEAL_OVERHEAD);
		cu_seal(dek, CU_DEK_VERSION, ad.data, ad.len, text, n, ct);
		cu_buf_release(&ad);
		args[3] = CU_VBLOB(ct, n + CU_SEAL_OVERHEAD);
		args[4] = CU_VINT(1);
	}
	r = cu_conn_exec(c, "INSERT OR REPLACE INTO record_fields"
			    "(collection, record_id, field, value, sealed, lookup) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", args, 6, NULL);
out:
	cu_memzero(text, n);
	cu_free(text);
	cu_free(ct);
	return r;
}

/* ---- records ------------------------------------------------------------ */

static int check_related(const json_t *rel, struct cu_errinfo *ei)
{
	size_t i;
	json_t *u;
	if (!json_is_array(rel) || json_array_size(rel) > CU_MAX_RELATED)
		return cu_errinfo_set(ei, CU_ERR_INVALID, "related",
				      "related must be an array of at most %d user names", CU_MAX_RELATED);
	json_array_foreach(rel, i, u)
		if (!json_is_string(u) || !cu_name_valid(json_string_value(u)))
			return cu_errinfo_set(ei, CU_ERR_INVALID, "related",
					      "related must contain user names");
	return CU_OK;
}

/* Validate body.fields against s into a new object of canonical values.
 * partial: missing required fields are fine and null means "remove". */
static int canonical_fields(const struct cu_schema *s, const json_t *fields, bool partial,
			    json_t **out, struct cu_errinfo *ei)
{
	const char *k;
	json_t *val, *canon = json_object();
	int r;

	*out = NULL;
	if (!json_is_object(fields)) {
		json_decref(canon);
		return cu_errinfo_set(ei, CU_ERR_INVALID, "fields", "fields must be an object");
	}
	json_object_foreach((json_t *)fields, k, val) {
		const struct cu_field *f = cu_schema_field(s, k);
		json_t *cv;
		if (!f) {
			r = cu_errinfo_set(ei, CU_ERR_INVALID, k, "unknown field '%s' in collection '%s'",
					   k, s->name);
			goto fail;
		}
		if (json_is_null(val)) {
			if (!partial || f->required) {
				r = cu_errinfo_set(ei, CU_ERR_INVALID, k, "field '%s' is required", k);
				goto fail;
			}
			json_object_set(canon, k, json_null());
			continue;
		}
		if ((r = cu_field_canonical(f, val, &cv, ei)))
			goto fail;
		if (f->required && json_is_string(cv) && json_string_length(cv) == 0) {
			json_decref(cv);
			r = cu_errinfo_set(ei, CU_ERR_INVALID, k, "field '%s' is required and cannot be "
								  "empty", k);
			goto fail;
		}
		json_object_set_new(canon, k, cv);
	}
	for (size_t i = 0; !partial && i < s->nfields; i++)
		if (s->fields[i].required && !json_object_get(canon, s->fields[i].name)) {
			r = cu_errinfo_set(ei, CU_ERR_INVALID, s->fields[i].name,
					   "field '%s' is required", s->fields[i].name);
			goto fail;
		}
	*out = canon;
	return CU_OK;
fail:
	json_decref(canon);
	return r;
}

int cu_vault_record_create(struct cu_vault *v, const char *collection, const json_t *body,
			   const char *actor, char **idp, struct cu_errinfo *ei)
{
	static const char *const keys[] = { "fields", "subject", "owner", "related", NULL };
	const struct cu_schema *s;
	const char *bad, *ref = NULL, *owner = actor;
	json_t *canon = NULL, *related;
	struct cu_conn *c = NULL;
	char *subject = NULL, *relj = NULL, *rid = NULL, *b = NULL;
	uint8_t *dek = NULL;
	const char *k;
	json_t *val;
	int r;

	*idp = NULL;
	if ((r = schema_for(v, collection, &s)))
		return r;
	if (!json_is_object(body))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "", "body must be a JSON object");
	if (cu_json_only_keys(body, keys, &bad))
		return cu_errinfo_set(ei, CU_ERR_INVALID, bad,
				      "unknown key '%s' (expected fields, subject, owner, related)", bad);
	r = cu_json_get_str(body, "subject", &ref);
	if (r == CU_ERR_INVALID || (ref && (!*ref || strlen(ref) > 128)))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "subject", "subject must be a string of 1-128 bytes");
	r = cu_json_get_str(body, "owner", &owner);
	if (r == CU_ERR_NOT_FOUND)
		owner = actor;
	else if (r || !cu_name_valid(owner))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "owner", "owner must be a user name");
	related = json_object_get(body, "related");
	if (related && (r = check_related(related, ei)))
		return r;
	if ((r = canonical_fields(s, json_object_get(body, "fields"), false, &canon, ei)))
		return r;

	subject = subject_id(v->kr, ref);
	b = cu_random_id(16);
	rid = cu_malloc(strlen(b) + 3);
	snprintf(rid, strlen(b) + 3, "r_%s", b);
	relj = related ? cu_json_dump(related) : cu_strdup("[]");
	dek = cu_secret_key_scratch();
	if ((r = cu_store_acquire(v->store, &c)) || (r = cu_conn_begin(c)))
		goto out;
	if ((r = subject_dek(v, c, subject, true, dek)))
		goto out;
	int64_t now = cu_time_now();
	struct cu_val args[] = { CU_VTEXT(s->name), CU_VTEXT(rid), CU_VTEXT(subject),
				 CU_VTEXT(owner), CU_VTEXT(relj), CU_VINT(now) };
	if ((r = cu_conn_exec(c, "INSERT INTO records(collection, id, subject, owner, related, "
				 "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
			      args, 6, NULL)))
		goto out;
	json_object_foreach(canon, k, val)
		if ((r = put_field(v, c, s, cu_schema_field(s, k), rid, val, dek)))
			goto out;
	r = cu_conn_commit(c);
out:
	if (r == CU_ERR_FORBIDDEN)
		cu_errinfo_set(ei, r, "subject", "this data subject has been erased");
	cu_store_release(v->store, c);
	if (dek)
		cu_memzero(dek, CU_KEY_BYTES);
	json_decref(canon);
	cu_free(subject);
	cu_free(relj);
	cu_free(b);
	if (r)
		cu_free(rid);
	else
		*idp = rid;
	return r;
}

struct rec_ctx {
	struct cu_record *rec;
	struct cu_dek_row_tmp {
		uint8_t wrapped[CU_WRAPPED_DEK_BYTES];
		size_t len;
		bool erased;
	} dek;
	bool found;
};

static int read_record_row(void *ctx, struct cu_row *row)
{
	struct rec_ctx *rc = ctx;
	struct cu_record *rec = rc->rec;
	const char *related = cu_row_text(row, 2);
	size_t n;
	const void *p;

	rc->found = true;
	snprintf(rec->subject, sizeof(rec->subject), "%s", cu_row_text(row, 0) ?: "");
	rec->owner = cu_strdup(cu_row_text(row, 1) ?: "");
	if (!related || cu_json_parse(related, strlen(related), &rec->related, NULL, 0))
		rec->related = json_array();
	rec->created_at = cu_row_int(row, 3);
	rec->updated_at = cu_row_int(row, 4);
	rec->version = cu_row_int(row, 5);
	rc->dek.erased = cu_row_is_null(row, 6);
	p = cu_row_blob(row, 6, &n);
	rc->dek.len = n <= sizeof(rc->dek.wrapped) ? n : 0;
	if (p && rc->dek.len)
		memcpy(rc->dek.wrapped, p, rc->dek.len);
	return 1;
}

struct fields_ctx {
	struct cu_vault *v;
	const struct cu_schema *s;
	const char *id;
	const uint8_t *dek;
	json_t *out;
	int err;
};

static int read_field_row(void *ctx, struct cu_row *row)
{
	struct fields_ctx *fc = ctx;
	const char *name = cu_row_text(row, 0);
	const struct cu_field *f = name ? cu_schema_field(fc->s, name) : NULL;
	size_t n;
	const uint8_t *p = cu_row_blob(row, 1, &n);
	bool sealed = cu_row_int(row, 2) != 0;
	uint8_t *pt = NULL;
	size_t ptlen = n;
	struct cu_buf ad;
	json_t *val = NULL;

	if (!f)
		return 0; /* a field no longer in the schema: not returned */
	/* The schema, not the row, says what must be sealed: a sensitive
	 * value stored in the clear is tampering. */
	if (sealed != cu_fclass_sealed(f->cls))
		return CU_ERR_INTEGRITY;
	if (sealed) {
		if (n < CU_SEAL_OVERHEAD || field_ad(&ad, fc->s->name, fc->id, name))
			return CU_ERR_INTEGRITY;
		ptlen = n - CU_SEAL_OVERHEAD;
		pt = cu_malloc(ptlen + 1);
		int r = cu_open(fc->dek, ad.data, ad.len, p, n, pt);
		cu_buf_release(&ad);
		if (r) {
			cu_free(pt);
			return CU_ERR_INTEGRITY;
		}
		p = pt;
	}
	if (cu_json_parse((const char *)p, ptlen, &val, NULL, 0))
		val = NULL;
	if (pt) {
		cu_memzero(pt, ptlen);
		cu_free(pt);
	}
	if (!val)
		return CU_ERR_INTEGRITY;
	json_object_set_new(fc->out, name, val);
	return 0;
}

int cu_vault_record_get(struct cu_vault *v, const char *collection, const char *id,
			struct cu_record **out)
{
	const struct cu_schema *s;
	struct cu_record *rec;
	struct rec_ctx rc = { 0 };
	struct cu_conn *c = NULL;
	uint8_t *dek = NULL;
	int r;

	*out = NULL;
	if ((r = schema_for(v, collection, &s)))
		return r;
	if (strlen(id) >= sizeof(rec->id))
		return CU_ERR_NOT_FOUND;
	rec = cu_calloc(1, sizeof(*rec));
	snprintf(rec->id, sizeof(rec->id), "%s", id);
	rec->fields = json_object();
	rc.rec = rec;
	if ((r = cu_store_acquire(v->store, &c)))
		goto out;
	struct cu_val args[] = { CU_VTEXT(s->name), CU_VTEXT(id) };
	r = cu_conn_query(c, "SELECT r.subject, r.owner, r.related, r.created_at, r.updated_at, "
			     "r.version, s.wrapped_dek FROM records r LEFT JOIN subjects s "
			     "ON s.id = r.subject WHERE r.collection = ?1 AND r.id = ?2",
			  args, 2, read_record_row, &rc);
	if (r)
		goto out;
	if (!rc.found) {
		r = CU_ERR_NOT_FOUND;
		goto out;
	}
	if (rc.dek.erased) {
		r = CU_ERR_NOT_FOUND; /* crypto-shredded subject: gone */
		goto out;
	}
	dek = cu_secret_key_scratch();
	if ((r = cu_keyring_dek_unwrap(v->kr, rec->subject, rc.dek.wrapped, rc.dek.len, dek))) {
		r = CU_ERR_INTEGRITY;
		goto out;
	}
	struct fields_ctx fc = { v, s, rec->id, dek, rec->fields, 0 };
	r = cu_conn_query(c, "SELECT field, value, sealed FROM record_fields "
			     "WHERE collection = ?1 AND record_id = ?2",
			  args, 2, read_field_row, &fc);
out:
	if (r == CU_ERR_INTEGRITY)
		cu_error("vault: record failed its integrity check (collection %s)", s->name);
	cu_store_release(v->store, c);
	if (dek)
		cu_memzero(dek, CU_KEY_BYTES);
	if (r)
		cu_record_free(rec);
	else
		*out = rec;
	return r;
}

int cu_vault_record_update(struct cu_vault *v, const char *collection, const char *id,
			   const json_t *body, struct cu_errinfo *ei)
{
	static const char *const keys[] = { "fields", "owner", "related", NULL };
	const struct cu_schema *s;
	char subject[64], *cur_owner = NULL;
	json_t *canon = NULL, *fields, *related, *val, *cur_related = NULL;
	struct cu_conn *c = NULL;
	uint8_t *dek = NULL;
	const char *bad, *owner = NULL, *k;
	char *relj = NULL;
	int r;

	if ((r = schema_for(v, collection, &s)))
		return r;
	if (!json_is_object(body))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "", "body must be a JSON object");
	if (cu_json_only_keys(body, keys, &bad))
		return cu_errinfo_set(ei, CU_ERR_INVALID, bad,
				      "unknown key '%s' (expected fields, owner, related)", bad);
	r = cu_json_get_str(body, "owner", &owner);
	if (r == CU_ERR_INVALID || (owner && !cu_name_valid(owner)))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "owner", "owner must be a user name");
	related = json_object_get(body, "related");
	if (related && (r = check_related(related, ei)))
		return r;
	fields = json_object_get(body, "fields");
	if (fields && (r = canonical_fields(s, fields, true, &canon, ei)))
		return r;
	/* Only the subject is needed (for its DEK): no need to decrypt. */
	if ((r = cu_vault_record_meta(v, s->name, id, &cur_owner, &cur_related, subject,
				      sizeof(subject))))
		goto out;
	relj = related ? cu_json_dump(related) : NULL;
	dek = cu_secret_key_scratch();
	if ((r = cu_store_acquire(v->store, &c)) || (r = cu_conn_begin(c)))
		goto out;
	if ((r = subject_dek(v, c, subject, false, dek)))
		goto out;
	json_object_foreach(canon, k, val) {
		if (json_is_null(val)) {
			struct cu_val a[] = { CU_VTEXT(s->name), CU_VTEXT(id), CU_VTEXT(k) };
			r = cu_conn_exec(c, "DELETE FROM record_fields WHERE collection = ?1 AND "
					    "record_id = ?2 AND field = ?3", a, 3, NULL);
		} else {
			r = put_field(v, c, s, cu_schema_field(s, k), id, val, dek);
		}
		if (r)
			goto out;
	}
	struct cu_val args[] = { CU_VTEXT(s->name), CU_VTEXT(id), CU_VINT(cu_time_now()),
				 CU_VTEXT(owner), CU_VTEXT(relj) };
	if ((r = cu_conn_exec(c, "UPDATE records SET updated_at = ?3, version = version + 1, "
				 "owner = COALESCE(?4, owner), related = COALESCE(?5, related) "
				 "WHERE collection = ?1 AND id = ?2", args, 5, NULL)))
		goto out;
	r = cu_conn_commit(c);
out:
	cu_store_release(v->store, c);
	if (dek)
		cu_memzero(dek, CU_KEY_BYTES);
	cu_free(cur_owner);
	json_decref(cur_related);
	json_decref(canon);
	cu_free(relj);
	return r;
}

int cu_vault_record_delete(struct cu_vault *v, const char *collection, const char *id)
{
	const struct cu_schema *s;
	struct cu_conn *c = NULL;
	int64_t n = 0;
	int r;

	if ((r = schema_for(v, collection, &s)))
		return r;
	struct cu_val args[] = { CU_VTEXT(s->name), CU_VTEXT(id) };
	if ((r = cu_store_acquire(v->store, &c)) || (r = cu_conn_begin(c)))
		goto out;
	if ((r = cu_conn_exec(c, "DELETE FROM records WHERE collection = ?1 AND id = ?2", args, 2,
			      &n)))
		goto out;
	if (n == 0) {
		r = CU_ERR_NOT_FOUND;
		goto out;
	}
	if ((r = cu_conn_exec(c, "DELETE FROM record_fields WHERE collection = ?1 AND "
				 "record_id = ?2", args, 2, NULL)))
		goto out;
	r = cu_conn_commit(c);
out:
	cu_store_release(v->store, c);
	return r;
}

int cu_vault_record_find(struct cu_vault *v, const char *collection, const char *field,
			 const char *text, size_t limit, json_t **ids, struct cu_errinfo *ei)
{
	const struct cu_schema *s;
	const struct cu_field *f;
	struct cu_conn *c = NULL;
	json_t *val = NULL, *a;
	uint8_t token[CU_HASH_BYTES];
	char *canon;
	int r;

	*ids = NULL;
	if ((r = schema_for(v, collection, &s)))
		return r;
	if (!(f = cu_schema_field(s, field)))
		return cu_errinfo_set(ei, CU_ERR_INVALID, field, "unknown field '%s'", field);
	if (!f->searchable)
		return cu_errinfo_set(ei, CU_ERR_INVALID, field, "field '%s' is not searchable", field);
	if ((r = cu_field_from_text(f, text, &val, ei)))
		return r;
	canon = cu_json_dump(val);
	json_decref(val);
	cu_keyring_blind_index(v->kr, s->name, f->name, canon, strlen(canon), token);
	cu_memzero(canon, strlen(canon));
	cu_free(canon);
	a = json_array();
	struct cu_val args[] = { CU_VTEXT(s->name), CU_VTEXT(f->name), CU_VBLOB(token, sizeof(token)),
				 CU_VINT(limit) };
	if ((r = cu_store_acquire(v->store, &c)))
		goto out;
	r = cu_conn_query(c, "SELECT record_id FROM record_fields WHERE collection = ?1 AND "
			     "field = ?2 AND lookup = ?3 ORDER BY record_id LIMIT ?4",
			  args, 4, collect_name, a);
out:
	cu_store_release(v->store, c);
	if (r)
		json_decref(a);
	else
		*ids = a;
	return r;
}

int cu_vault_record_list(struct cu_vault *v, const char *collection, const char *after,
			 size_t limit, json_t **ids)
{
	const struct cu_schema *s;
	struct cu_conn *c = NULL;
	json_t *a;
	int r;

	*ids = NULL;
	if ((r = schema_for(v, collection, &s)))
		return r;
	a = json_array();
	struct cu_val args[] = { CU_VTEXT(s->name), CU_VTEXT(after ? after : ""), CU_VINT(limit) };
	if ((r = cu_store_acquire(v->store, &c)))
		goto out;
	r = cu_conn_query(c, "SELECT id FROM records WHERE collection = ?1 AND id > ?2 "
			     "ORDER BY id LIMIT ?3", args, 3, collect_name, a);
out:
	cu_store_release(v->store, c);
	if (r)
		json_decref(a);
	else
		*ids = a;
	return r;
}

struct meta_ctx {
	bool found;
	char *owner;
	json_t *related;
	char subject[64];
};

static int read_meta(void *ctx, struct cu_row *row)
{
	struct meta_ctx *m = ctx;
	const char *rel = cu_row_text(row, 1);
	m->found = true;
	m->owner = cu_strdup(cu_row_text(row, 0) ?: "");
	if (!rel || cu_json_parse(rel, strlen(rel), &m->related, NULL, 0))
		m->related = json_array();
	snprintf(m->subject, sizeof(m->subject), "%s", cu_row_text(row, 2) ?: "");
	return 1;
}

int cu_vault_record_meta(struct cu_vault *v, const char *collection, const char *id, char **owner,
			 json_t **related, char *subject, size_t subjlen)
{
	struct meta_ctx m = { false, NULL, NULL, "" };
	struct cu_conn *c = NULL;
	int r;

	*owner = NULL;
	*related = NULL;
	if ((r = cu_store_acquire(v->store, &c)))
		return r;
	struct cu_val args[] = { CU_VTEXT(collection), CU_VTEXT(id) };
	r = cu_conn_query(c, "SELECT owner, related, subject FROM records WHERE collection = ?1 AND "
			     "id = ?2", args, 2, read_meta, &m);
	cu_store_release(v->store, c);
	if (!r && !m.found)
		r = CU_ERR_NOT_FOUND;
	if (r) {
		cu_free(m.owner);
		json_decref(m.related);
		return r;
	}
	*owner = m.owner;
	*related = m.related;
	if (subject)
		snprintf(subject, subjlen, "%s", m.subject);
	return CU_OK;
}

int cu_vault_collection_delete(struct cu_vault *v, const char *name, int64_t *records)
{
	const struct cu_schema *s;
	struct cu_conn *c = NULL;
	int r;

	*records = 0;
	if ((r = schema_for(v, name, &s)))
		return r;
	struct cu_val arg = CU_VTEXT(name);
	if ((r = cu_store_acquire(v->store, &c)) || (r = cu_conn_begin(c)))
		goto out;
	if ((r = cu_conn_exec(c, "DELETE FROM record_fields WHERE collection = ?1", &arg, 1, NULL)) ||
	    (r = cu_conn_exec(c, "DELETE FROM records WHERE collection = ?1", &arg, 1, records)) ||
	    (r = cu_conn_exec(c, "DELETE FROM collections WHERE name = ?1", &arg, 1, NULL)) ||
	    (r = cu_conn_commit(c)))
		goto out;
	/* Forget the cached schema. */
	pthread_rwlock_wrlock(&v->lock);
	for (struct cached **pp = &v->schemas; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->schema->name, name) == 0) {
			struct cached *dead = *pp;
			*pp = dead->next;
			cu_free(dead->schema);
			cu_free(dead);
			break;
		}
	pthread_rwlock_unlock(&v->lock);
out:
	cu_store_release(v->store, c);
	return r;
}
