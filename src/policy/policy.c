#include "policy/policy.h"
#include "policy/roles.h"
#include "core/util.h"
#include "store/store.h"

static const char *const perm_names[] = { "read_masked", "read", "write", "delete", "export" };
static const char *const scope_names[] = { "none", "own", "department", "all" };

int cu_perm_parse(const char *name, enum cu_perm *out)
{
	*out = 0;
	for (size_t i = 0; i < CU_ARRAY_LEN(perm_names); i++)
		if (strcmp(name, perm_names[i]) == 0) {
			*out = (enum cu_perm)(1u << i);
			return CU_OK;
		}
	return CU_ERR_INVALID;
}

const char *cu_perm_name(enum cu_perm p)
{
	for (size_t i = 0; i < CU_ARRAY_LEN(perm_names); i++)
		if (p == (enum cu_perm)(1u << i))
			return perm_names[i];
	return "?";
}

const char *cu_scope_name(enum cu_scope s)
{
	return (size_t)s < CU_ARRAY_LEN(scope_names) ? scope_names[s] : "none";
}

void cu_grants_release(struct cu_grants *g)
{
	json_decref(g->purposes);
	json_decref(g->collections);
	json_decref(g->roles);
	memset(g, 0, sizeof(*g));
}

static void add_unique(json_t *arr, json_t *v)
{
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x)
		if (json_equal(x, v))
			return;
	json_array_append(arr, v);
}

/* Merge one role's definition into g (union of everything, widest scope). */
static void merge(struct cu_grants *g, const json_t *def)
{
	const char *scope = json_string_value(json_object_get(def, "scope"));
	json_t *v, *fields, *perms;
	const char *coll, *field;
	size_t i;
	unsigned bit;

	json_array_foreach(json_object_get(def, "modules"), i, v)
		if (json_is_string(v) && cu_module_parse(json_string_value(v), &bit) == CU_OK)
			g->modules |= bit;
	for (size_t s = 0; scope && s < CU_ARRAY_LEN(scope_names); s++)
		if (strcmp(scope, scope_names[s]) == 0 && (enum cu_scope)s > g->scope)
			g->scope = (enum cu_scope)s;
	if (json_is_true(json_object_get(def, "reveal_step_up")))
		g->step_up = true;
	json_array_foreach(json_object_get(def, "purposes"), i, v)
		if (json_is_string(v))
			add_unique(g->purposes, v);
	json_object_foreach(json_object_get(def, "collections"), coll, fields) {
		json_t *dst = json_object_get(g->collections, coll);
		if (!dst) {
			dst = json_object();
			json_object_set_new(g->collections, coll, dst);
		}
		json_object_foreach(fields, field, perms) {
			json_t *fd = json_object_get(dst, field);
			if (!fd) {
				fd = json_array();
				json_object_set_new(dst, field, fd);
			}
			json_array_foreach(perms, i, v)
				if (json_is_string(v))
					add_unique(fd, v);
		}
	}
}

static int merge_row(void *ctx, struct cu_row *row)
{
	const char *text = cu_row_text(row, 0);
	json_t *def = NULL;
	if (text && cu_json_parse(text, strlen(text), &def, NULL, 0) == CU_OK) {
		merge(ctx, def);
		json_decref(def);
	}
	return 0;
}

int cu_grants_load(struct cu_store *s, const json_t *role_names, struct cu_grants *g)
{
	struct cu_conn *c = NULL;
	size_t i;
	json_t *n;
	int r = CU_OK;

	memset(g, 0, sizeof(*g));
	g->purposes = json_array();
	g->collections = json_object();
	g->roles = json_array();
	if (!json_array_size(role_names))
		return CU_OK;
	if ((r = cu_store_acquire(s, &c)))
		return r;
	json_array_foreach(role_names, i, n) {
		if (!json_is_string(n))
			continue;
		json_array_append(g->roles, n);
		struct cu_val arg = CU_VTEXT(json_string_value(n));
		if ((r = cu_conn_query(c, "SELECT definition FROM roles WHERE name = ?1", &arg, 1,
				       merge_row, g)))
			break;
	}
	cu_store_release(s, c);
	if (r)
		cu_grants_release(g);
	return r;
}

static bool has_perm(const json_t *perms, enum cu_perm perm)
{
	size_t i;
	json_t *v;
	json_array_foreach(perms, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), cu_perm_name(perm)) == 0)
			return true;
	return false;
}

bool cu_grants_allow(const struct cu_grants *g, const char *collection, const char *field,
		     enum cu_perm perm, char *rule, size_t n)
{
	static const char *const any = "*";
	const char *colls[2] = { collection, any }, *fields[2] = { field, any };
	char roles[256];
	char *rj = cu_json_dump(g->roles);

	snprintf(roles, sizeof(roles), "%s", rj);
	cu_free(rj);
	for (int ci = 0; ci < 2; ci++) {
		json_t *fo = json_object_get(g->collections, colls[ci]);
		if (!fo)
			continue;
		for (int fi = 0; fi < 2; fi++) {
			if (has_perm(json_object_get(fo, fields[fi]), perm)) {
				if (rule)
					snprintf(rule, n, "roles %s grant %s on %s.%s", roles,
						 cu_perm_name(perm), colls[ci], fields[fi]);
				return true;
			}
			/* read (clear) implies read_masked. */
			if (perm == CU_PERM_READ_MASKED &&
			    has_perm(json_object_get(fo, fields[fi]), CU_PERM_READ)) {
				if (rule)
					snprintf(rule, n, "roles %s grant read (which includes "
							  "read_masked) on %s.%s", roles, colls[ci],
						 fields[fi]);
				return true;
			}
		}
	}
	if (rule)
		snprintf(rule, n, "default deny: no role of %s grants %s on %s.%s", roles,
			 cu_perm_name(perm), collection, field);
	return false;
}

bool cu_grants_any(const struct cu_grants *g, const char *collection)
{
	return json_object_get(g->collections, collection) || json_object_get(g->collections, "*");
}

bool cu_grants_purpose(const struct cu_grants *g, const char *purpose)
{
	size_t i;
	json_t *v;
	if (!purpose)
		return false;
	json_array_foreach(g->purposes, i, v) {
		const char *s = json_string_value(v);
		if (s && (strcmp(s, "*") == 0 || strcmp(s, purpose) == 0))
			return true;
	}
	return false;
}

int cu_policy_row_visible(struct cu_store *s, const struct cu_grants *g,
			  const struct cu_principal *p, const char *owner, const json_t *related,
			  bool *visible)
{
	size_t i;
	json_t *u;
	struct cu_conn *c = NULL;
	char *dept = NULL;
	int r;

	*visible = false;
	if (g->scope == CU_SCOPE_ALL) {
		*visible = true;
		return CU_OK;
	}
	if (g->scope == CU_SCOPE_NONE)
		return CU_OK;
	if (owner && strcmp(owner, p->username) == 0) {
		*visible = true;
		return CU_OK;
	}
	json_array_foreach(related, i, u)
		if (json_is_string(u) && strcmp(json_string_value(u), p->username) == 0) {
			*visible = true;
			return CU_OK;
		}
	if (g->scope != CU_SCOPE_DEPARTMENT || !p->department[0] || !owner)
		return CU_OK;
	if ((r = cu_store_acquire(s, &c)))
		return r;
	struct cu_val arg = CU_VTEXT(owner);
	r = cu_conn_query_text(c, "SELECT department FROM users WHERE username = ?1", &arg, 1, &dept);
	cu_store_release(s, c);
	if (r == CU_ERR_NOT_FOUND)
		return CU_OK;
	if (r)
		return r;
	*visible = dept && strcmp(dept, p->department) == 0;
	cu_free(dept);
	return CU_OK;
}

int cu_purpose_exists(struct cu_store *s, const char *name)
{
	struct cu_conn *c = NULL;
	int64_t n = 0;
	int r;
	if ((r = cu_store_acquire(s, &c)))
		return r;
	struct cu_val arg = CU_VTEXT(name);
	r = cu_conn_query_int(c, "SELECT COUNT(*) FROM purposes WHERE name = ?1", &arg, 1, &n);
	cu_store_release(s, c);
	return r ? r : (n ? CU_OK : CU_ERR_NOT_FOUND);
}

int cu_purpose_put(struct cu_store *s, const char *name, const char *description)
{
	struct cu_conn *c = NULL;
	int r;
	if (!cu_name_valid(name))
		return CU_ERR_INVALID;
	if ((r = cu_store_acquire(s, &c)))
		return r;
	struct cu_val args[] = { CU_VTEXT(name), CU_VTEXT(description ? description : ""),
				 CU_VINT(cu_time_now()) };
	r = cu_conn_exec(c, "INSERT OR REPLACE INTO purposes(name, description, created_at) "
			    "VALUES (?1, ?2, ?3)", args, 3, NULL);
	cu_store_release(s, c);
	return r;
}

static int collect_purpose(void *ctx, struct cu_row *row)
{
	json_array_append_new(ctx, json_pack("{s:s,s:s}", "name", cu_row_text(row, 0) ?: "",
					     "description", cu_row_text(row, 1) ?: ""));
	return 0;
}

int cu_purpose_list(struct cu_store *s, json_t **out)
{
	return cu_store_query_array(s, "SELECT name, description FROM purposes ORDER BY name", NULL,
				    0, collect_purpose, out);
}

int cu_consent_set(struct cu_store *s, const char *subject, const char *purpose, bool granted,
		   const char *source)
{
	struct cu_conn *c = NULL;
	int r;
	if ((r = cu_store_acquire(s, &c)))
		return r;
	struct cu_val args[] = { CU_VTEXT(subject), CU_VTEXT(purpose), CU_VINT(cu_time_now()),
				 CU_VTEXT(source), CU_VINT(granted) };
	if (granted)
		r = cu_conn_exec(c, "INSERT OR REPLACE INTO consents(subject, purpose, granted_at, "
				    "withdrawn_at, source) VALUES (?1, ?2, ?3, NULL, ?4)", args, 4, NULL);
	else
		r = cu_conn_exec(c, "UPDATE consents SET withdrawn_at = ?3 WHERE subject = ?1 AND "
				    "purpose = ?2 AND withdrawn_at IS NULL", args, 3, NULL);
	cu_store_release(s, c);
	return r;
}

int cu_consent_has(struct cu_store *s, const char *subject, const char *purpose, bool *yes)
{
	struct cu_conn *c = NULL;
	int64_t n = 0;
	int r;
	*yes = false;
	if ((r = cu_store_acquire(s, &c)))
		return r;
	struct cu_val args[] = { CU_VTEXT(subject), CU_VTEXT(purpose) };
	r = cu_conn_query_int(c, "SELECT COUNT(*) FROM consents WHERE subject = ?1 AND purpose = ?2 "
				 "AND withdrawn_at IS NULL", args, 2, &n);
	cu_store_release(s, c);
	*yes = n > 0;
	return r;
}

static int collect_consent(void *ctx, struct cu_row *row)
{
	char ts[32];
	json_t *o = json_object();
	json_object_set_new(o, "purpose", json_string(cu_row_text(row, 0) ?: ""));
	cu_time_iso8601(cu_row_int(row, 1), ts, sizeof(ts));
	json_object_set_new(o, "granted_at", json_string(ts));
	if (cu_row_is_null(row, 2)) {
		json_object_set_new(o, "withdrawn_at", json_null());
	} else {
		cu_time_iso8601(cu_row_int(row, 2), ts, sizeof(ts));
		json_object_set_new(o, "withdrawn_at", json_string(ts));
	}
	json_array_append_new(ctx, o);
	return 0;
}

int cu_consent_list(struct cu_store *s, const char *subject, json_t **out)
{
	struct cu_val arg = CU_VTEXT(subject);
	return cu_store_query_array(s, "SELECT purpose, granted_at, withdrawn_at FROM consents "
				       "WHERE subject = ?1 ORDER BY purpose", &arg, 1,
				    collect_consent, out);
}
