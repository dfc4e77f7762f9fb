#include "policy/roles.h"
#include "core/util.h"
#include "store/store.h"
#include "vault/schema.h"

static const char *const module_names[] = {
	"users", "roles", "collections", "audit", "dlp", "mail", "alerts", "backup", "keys",
};

int cu_module_parse(const char *name, unsigned *bit)
{
	*bit = 0;
	if (strcmp(name, "*") == 0) {
		*bit = CU_MOD_ALL;
		return CU_OK;
	}
	for (size_t i = 0; i < CU_ARRAY_LEN(module_names); i++)
		if (strcmp(name, module_names[i]) == 0) {
			*bit = 1u << i;
			return CU_OK;
		}
	return CU_ERR_INVALID;
}

const char *cu_module_name(unsigned bit)
{
	for (size_t i = 0; i < CU_ARRAY_LEN(module_names); i++)
		if (bit == 1u << i)
			return module_names[i];
	return "*";
}

static unsigned modules_of(const json_t *def)
{
	unsigned mods = 0, bit;
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(def, "modules"), i, m)
		if (json_is_string(m) && cu_module_parse(json_string_value(m), &bit) == CU_OK)
			mods |= bit;
	return mods;
}

struct mods_ctx {
	unsigned mods;
};

static int add_modules(void *ctx, struct cu_row *row)
{
	struct mods_ctx *m = ctx;
	const char *text = cu_row_text(row, 0);
	json_t *def = NULL;
	if (text && cu_json_parse(text, strlen(text), &def, NULL, 0) == CU_OK) {
		m->mods |= modules_of(def);
		json_decref(def);
	}
	return 0;
}

int cu_roles_modules(struct cu_store *s, const json_t *role_names, unsigned *mods)
{
	struct cu_conn *c = NULL;
	struct mods_ctx m = { 0 };
	size_t i;
	json_t *n;
	int r = CU_OK;

	*mods = 0;
	if (!json_array_size(role_names))
		return CU_OK;
	if ((r = cu_store_acquire(s, &c)))
		return r;
	json_array_foreach(role_names, i, n) {
		if (!json_is_string(n))
			continue;
		struct cu_val arg = CU_VTEXT(json_string_value(n));
		if ((r = cu_conn_query(c, "SELECT definition FROM roles WHERE name = ?1", &arg, 1,
				       add_modules, &m)))
			break;
	}
	cu_store_release(s, c);
	*mods = r ? 0 : m.mods;
	return r;
}

bool cu_roles_privileged(void *ctx, const json_t *role_names)
{
	unsigned mods = 0;
	/* On a lookup failure, err on the side of requiring two-factor. */
	if (cu_roles_modules(ctx, role_names, &mods))
		return true;
	return mods != 0;
}

/* scope, purposes, collections grants and reveal_step_up. */
static int validate_data(const json_t *def, struct cu_errinfo *ei)
{
	static const char *const scopes[] = { "own", "department", "all" };
	const char *scope = NULL, *coll, *field;
	json_t *v, *fields, *perms;
	size_t i;
	bool b, ok = false;
	int r;

	r = cu_json_get_str(def, "scope", &scope);
	if (r == CU_ERR_INVALID)
		return cu_errinfo_set(ei, r, "scope", "scope must be own, department or all");
	for (size_t k = 0; scope && k < CU_ARRAY_LEN(scopes); k++)
		ok |= strcmp(scope, scopes[k]) == 0;
	if (scope && !ok)
		return cu_errinfo_set(ei, CU_ERR_INVALID, "scope", "scope must be own, department or all");
	v = json_object_get(def, "purposes");
	if (v && !json_is_array(v))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "purposes", "purposes must be an array");
	json_array_foreach(v, i, perms)
		if (!json_is_string(perms) || (strcmp(json_string_value(perms), "*") &&
					       !cu_name_valid(json_string_value(perms))))
			return cu_errinfo_set(ei, CU_ERR_INVALID, "purposes", "purposes must be names");
	if (cu_json_get_bool(def, "reveal_step_up", &b) == CU_ERR_INVALID)
		return cu_errinfo_set(ei, CU_ERR_INVALID, "reveal_step_up", "must be true or false");
	v = json_object_get(def, "collections");
	if (v && !json_is_object(v))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "collections",
				      "collections must map collection -> field -> permissions");
	json_object_foreach(v, coll, fields) {
		if ((strcmp(coll, "*") && !cu_name_valid(coll)) || !json_is_object(fields))
			return cu_errinfo_set(ei, CU_ERR_INVALID, "collections",
					      "'%s' must be a collection name (or *) mapping to an object",
					      coll);
		json_object_foreach(fields, field, perms) {
			json_t *p;
			size_t k;
			if ((strcmp(field, "*") && !cu_name_valid(field)) || !json_is_array(perms))
				return cu_errinfo_set(ei, CU_ERR_INVALID, "collections",
						      "'%s.%s' must map to an array of permissions",
						      coll, field);
			json_array_foreach(perms, k, p) {
				const char *pn = json_string_value(p);
				if (!pn || (strcmp(pn, "read_masked") && strcmp(pn, "read") &&
					    strcmp(pn, "write") && strcmp(pn, "delete") &&
					    strcmp(pn, "export")))
					return cu_errinfo_set(ei, CU_ERR_INVALID, "collections",
							      "permissions are read_masked, read, write, "
							      "delete and export");
			}
		}
	}
	return CU_OK;
}

static int validate(const json_t *def, struct cu_errinfo *ei)
{
	static const char *const keys[] = { "name", "description", "modules", "scope", "purposes",
					    "collections", "reveal_step_up", NULL };
	const char *name, *bad, *desc;
	json_t *mods, *m;
	size_t i;
	unsigned bit;

	if (!json_is_object(def))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "", "a role must be a JSON object");
	if (cu_json_only_keys(def, keys, &bad))
		return cu_errinfo_set(ei, CU_ERR_INVALID, bad, "unknown key '%s' in role", bad);
	if (cu_json_get_str(def, "name", &name) || !cu_name_valid(name))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "name", "name must be 1-64 of [a-z0-9_.-]");
	if (cu_json_get_str(def, "description", &desc) == CU_ERR_INVALID ||
	    (desc && strlen(desc) > 256))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "description", "description must be a string");
	mods = json_object_get(def, "modules");
	if (mods && !json_is_array(mods))
		return cu_errinfo_set(ei, CU_ERR_INVALID, "modules", "modules must be an array");
	json_array_foreach(mods, i, m)
		if (!json_is_string(m) || cu_module_parse(json_string_value(m), &bit))
			return cu_errinfo_set(ei, CU_ERR_INVALID, "modules",
					      "modules are users, roles, collections, audit, dlp, mail, "
					      "alerts, backup, keys or *");
	return validate_data(def, ei);
}

int cu_role_validate(const json_t *def, struct cu_errinfo *ei)
{
	return validate(def, ei);
}

int cu_role_put(struct cu_store *s, const json_t *def, const char *actor, struct cu_errinfo *ei,
		int64_t *version)
{
	struct cu_conn *c = NULL;
	const char *name = NULL;
	char *text = NULL;
	int64_t v = 0;
	int r;

	*version = 0;
	if ((r = validate(def, ei)))
		return r;
	r = cu_json_get_str(def, "name", &name);
	(void)r;
	text = cu_json_dump(def);
	if ((r = cu_store_acquire(s, &c)) || (r = cu_conn_begin(c)))
		goto out;
	struct cu_val arg = CU_VTEXT(name);
	r = cu_conn_query_int(c, "SELECT version FROM roles WHERE name = ?1", &arg, 1, &v);
	if (r && r != CU_ERR_NOT_FOUND)
		goto out;
	v++;
	struct cu_val args[] = { CU_VTEXT(name), CU_VTEXT(text), CU_VINT(v), CU_VINT(cu_time_now()),
				 CU_VTEXT(actor) };
	if ((r = cu_conn_exec(c, "INSERT OR REPLACE INTO roles(name, definition, version, updated_at, "
				 "updated_by) VALUES (?1, ?2, ?3, ?4, ?5)", args, 5, NULL)) ||
	    (r = cu_conn_exec(c, "INSERT INTO role_history(name, version, definition, changed_at, "
				 "changed_by) VALUES (?1, ?3, ?2, ?4, ?5)", args, 5, NULL)))
		goto out;
	r = cu_conn_commit(c);
	if (!r)
		*version = v;
out:
	cu_store_release(s, c);
	cu_free(text);
	return r;
}

static int collect_role(void *ctx, struct cu_row *row)
{
	const char *text = cu_row_text(row, 0);
	json_t *def = NULL;
	if (!text || cu_json_parse(text, strlen(text), &def, NULL, 0))
		return CU_ERR_INTEGRITY;
	json_object_set_new(def, "version", json_integer(cu_row_int(row, 1)));
	json_array_append_new(ctx, def);
	return 0;
}

int cu_role_get(struct cu_store *s, const char *name, json_t **out)
{
	struct cu_val arg = CU_VTEXT(name);
	json_t *a = NULL;
	int r;

	*out = NULL;
	r = cu_store_query_array(s, "SELECT definition, version FROM roles WHERE name = ?1", &arg, 1,
				 collect_role, &a);
	if (!r && json_array_size(a) == 0)
		r = CU_ERR_NOT_FOUND;
	if (!r)
		*out = json_incref(json_array_get(a, 0));
	json_decref(a);
	return r;
}

int cu_role_list(struct cu_store *s, json_t **out)
{
	return cu_store_query_array(s, "SELECT definition, version FROM roles ORDER BY name", NULL,
				    0, collect_role, out);
}

int cu_role_in_use(struct cu_store *s, const char *name, bool *used)
{
	struct cu_conn *c = NULL;
	int64_t n = 0;
	int r;

	*used = false;
	if ((r = cu_store_acquire(s, &c)))
		return r;
	struct cu_val arg = CU_VTEXT(name);
	r = cu_conn_query_int(c, "SELECT COUNT(*) FROM users, json_each(users.roles) j "
				 "WHERE users.status != 'deleted' AND j.value = ?1", &arg, 1, &n);
	cu_store_release(s, c);
	*used = n > 0;
	return r;
}

int cu_role_delete(struct cu_store *s, const char *name, const char *actor)
{
	struct cu_conn *c = NULL;
	int64_t n = 0;
	int r;

	if ((r = cu_store_acquire(s, &c)) || (r = cu_conn_begin(c)))
		goto out;
	struct cu_val args[] = { CU_VTEXT(name), CU_VINT(cu_time_now()), CU_VTEXT(actor) };
	if ((r = cu_conn_exec(c, "INSERT INTO role_history(name, version, definition, changed_at, "
				 "changed_by) SELECT name, version + 1, NULL, ?2, ?3 FROM roles "
				 "WHERE name = ?1", args, 3, NULL)) ||
	    (r = cu_conn_exec(c, "DELETE FROM roles WHERE name = ?1", args, 1, &n)))
		goto out;
	if (!n) {
		r = CU_ERR_NOT_FOUND;
		goto out;
	}
	r = cu_conn_commit(c);
out:
	cu_store_release(s, c);
	return r;
}
