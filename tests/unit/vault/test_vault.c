/*
 * test_vault.c - collections and encrypted records (vault/vault.h) on a
 * real keyring and SQLite store in a temporary directory: the record
 * life cycle, lookups, validation errors that name the field, that
 * sensitive values never reach the database file in the clear, and that
 * tampering with the file (through SQLite itself) is detected.
 */
#include "test.h"
#include "crypto/tutil.h"
#include "crypto/keyring.h"
#include "store/store.h"
#include "vault/vault.h"
#include "core/log.h"

#include <fcntl.h>

#include <sqlite3.h> /* the tampering tests edit the database behind the vault */

static char *dir, *db;
static struct cu_keyring *kr;
static struct cu_store *store;
static struct cu_vault *vault;

static const char customers_spec[] =
	"{\"name\":\"customers\",\"fields\":["
	"{\"name\":\"name\",\"type\":\"name\",\"class\":\"sensitive\",\"required\":true},"
	"{\"name\":\"phone\",\"type\":\"phone\",\"class\":\"sensitive\",\"required\":true},"
	"{\"name\":\"id_no\",\"type\":\"cn_id\",\"class\":\"highly_sensitive\"},"
	"{\"name\":\"card\",\"type\":\"bank_card\",\"class\":\"highly_sensitive\"},"
	"{\"name\":\"notes\",\"type\":\"text\",\"class\":\"highly_sensitive\",\"searchable\":false},"
	"{\"name\":\"email\",\"type\":\"email\",\"class\":\"internal\"},"
	"{\"name\":\"city\",\"type\":\"string\",\"class\":\"public\"},"
	"{\"name\":\"birthday\",\"type\":\"date\",\"class\":\"sensitive\"},"
	"{\"name\":\"age\",\"type\":\"int\"},"
	"{\"name\":\"vip\",\"type\":\"bool\",\"class\":\"public\"}]}";

static json_t *parse(const char *text)
{
	json_t *v = NULL;
	char why[160];
	if (cu_json_parse(text, strlen(text), &v, why, sizeof(why)) != CU_OK) {
		fprintf(stderr, "bad test JSON: %s: %s\n", why, text);
		exit(2);
	}
	return v;
}

/* Create a record from a JSON body; returns its id (cu_free) or NULL. */
static char *create(const char *body_json, const char *actor)
{
	json_t *body = parse(body_json);
	struct cu_errinfo ei;
	char *id = NULL;
	int r = cu_vault_record_create(vault, "customers", body, actor, &id, &ei);
	if (r)
		fprintf(stderr, "create failed: %s (%s: %s)\n", cu_strerror(r), ei.field, ei.msg);
	json_decref(body);
	return r ? NULL : id;
}

static const char *fstr(const struct cu_record *rec, const char *field)
{
	return json_string_value(json_object_get(rec->fields, field));
}

/* Run SQL directly on the database file, as an attacker with the file would,
 * with ?1 = a and ?2 = b (text); returns the number of rows changed. */
static int raw_sql2(const char *sql, const char *a, const char *b)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int changed = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(h, 5000) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
		if (b)
			sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_DONE)
			changed = sqlite3_changes(h);
		else
			fprintf(stderr, "raw_sql2: %s: %s\n", sql, sqlite3_errmsg(h));
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return changed;
}

/* One blob column of one row (cu_free); NULL if absent. */
static uint8_t *raw_blob(const char *sql, const char *a, const char *b, size_t *len)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	uint8_t *out = NULL;
	*len = 0;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
		if (b)
			sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
			*len = (size_t)sqlite3_column_bytes(st, 0);
			out = cu_memdup(sqlite3_column_blob(st, 0), *len);
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return out;
}

/* UPDATE <sql with ?1 = a, ?2 = the blob>; returns rows changed or -1. */
static int raw_set_blob(const char *sql, const char *a, const uint8_t *p, size_t n)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int changed = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(h, 5000) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, n ? (const void *)p : "", (int)n, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_DONE)
			changed = sqlite3_changes(h);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return changed;
}

static int get_status(const char *id)
{
	struct cu_record *rec = NULL;
	int r = cu_vault_record_get(vault, "customers", id, &rec);
	if (r == CU_OK && !rec)
		return 999;
	if (r != CU_OK && rec)
		return 998; /* *out must stay NULL on failure */
	cu_record_free(rec);
	return r;
}

static void setup(void)
{
	char *kpath = cu_t_path(dir, "keyring.json"), *keyf = cu_t_path(dir, "root.key");
	struct cu_key_source src = { NULL, 0, keyf };
	json_t *spec;
	struct cu_errinfo ei;

	db = cu_t_path(dir, "custos.db");
	if (!cu_t_write(keyf, "vault-test-root-key-32-bytes-ok!", 32) ||
	    cu_keyring_create(kpath, &src, CU_KDF_INTERACTIVE, &kr) != CU_OK ||
	    cu_store_open(db, 2, &store) != CU_OK || cu_vault_new(store, kr, &vault) != CU_OK) {
		fprintf(stderr, "cannot set up the vault\n");
		exit(2);
	}
	spec = parse(customers_spec);
	if (cu_vault_collection_create(vault, spec, "admin", &ei) != CU_OK) {
		fprintf(stderr, "cannot create customers: %s %s\n", ei.field, ei.msg);
		exit(2);
	}
	json_decref(spec);
	cu_free(kpath);
	cu_free(keyf);
}

CU_TEST(collections)
{
	struct cu_errinfo ei;
	struct cu_schema *s = NULL;
	json_t *spec, *list = NULL;

	/* The same name again. */
	spec = parse(customers_spec);
	memset(&ei, 0, sizeof(ei));
	CHECK_EQ_INT(cu_vault_collection_create(vault, spec, "admin", &ei), CU_ERR_EXISTS);
	CHECK_STR(ei.field, "name");
	json_decref(spec);
	/* An invalid spec names the problem and creates nothing. */
	spec = parse("{\"name\":\"bad\",\"fields\":[{\"name\":\"x\",\"type\":\"blob\"}]}");
	CHECK_EQ_INT(cu_vault_collection_create(vault, spec, "admin", &ei), CU_ERR_INVALID);
	CHECK_STR(ei.field, "x");
	json_decref(spec);
	CHECK_EQ_INT(cu_vault_collection_get(vault, "bad", &s), CU_ERR_NOT_FOUND);
	CHECK(s == NULL);

	spec = parse("{\"name\":\"members\",\"require_consent\":true,\"fields\":["
		     "{\"name\":\"name\",\"type\":\"name\",\"class\":\"sensitive\"},"
		     "{\"name\":\"phone\",\"type\":\"phone\",\"class\":\"sensitive\"}]}");
	CHECK_EQ_INT(cu_vault_collection_create(vault, spec, "admin", &ei), CU_OK);
	json_decref(spec);

	CHECK_EQ_INT(cu_vault_collection_get(vault, "customers", &s), CU_OK);
	if (s) {
		CHECK_STR(s->name, "customers");
		CHECK_EQ_INT(s->nfields, 10);
		CHECK(cu_schema_field(s, "id_no") && cu_schema_field(s, "id_no")->cls ==
							       CU_CLASS_HIGHLY_SENSITIVE);
		cu_free(s);
		s = NULL;
	}
	CHECK_EQ_INT(cu_vault_collection_get(vault, "nope", &s), CU_ERR_NOT_FOUND);
	CHECK_EQ_INT(cu_vault_collection_get(vault, "../customers", &s), CU_ERR_NOT_FOUND);
	CHECK_EQ_INT(cu_vault_collection_get(vault, "Customers", &s), CU_ERR_NOT_FOUND);
	CHECK(s == NULL);

	CHECK_EQ_INT(cu_vault_collection_list(vault, &list), CU_OK);
	CHECK(list && json_array_size(list) == 2);
	CHECK_STR(json_string_value(json_array_get(list, 0)), "customers");
	CHECK_STR(json_string_value(json_array_get(list, 1)), "members");
	json_decref(list);

	/* A second vault on the same store loads schemas from the database. */
	{
		struct cu_vault *v2 = NULL;
		CHECK_EQ_INT(cu_vault_new(store, kr, &v2), CU_OK);
		CHECK_EQ_INT(cu_vault_collection_get(v2, "members", &s), CU_OK);
		if (s) {
			CHECK(s->require_consent);
			CHECK_EQ_INT(s->nfields, 2);
			CHECK_EQ_INT(cu_schema_field(s, "phone")->mask, CU_MASK_MOBILE);
			cu_free(s);
			s = NULL;
		}
		cu_vault_free(v2);
	}
}

CU_TEST(record_life_cycle)
{
	struct cu_record *rec = NULL;
	struct cu_errinfo ei;
	json_t *body;
	char *id = create("{\"fields\":{\"name\":\"张三\",\"phone\":\"138 1234-5678\","
			  "\"id_no\":\"11010519491231002x\",\"card\":\"6222 0212 3456 7894\","
			  "\"notes\":\"多行\\n备注\",\"email\":\"zhang@example.com\",\"city\":\"北京\","
			  "\"birthday\":\"1949-12-31\",\"age\":76,\"vip\":true},"
			  "\"related\":[\"li.si\",\"wang5\"]}", "alice");

	CHECK(id != NULL);
	if (!id)
		return;
	CHECK(strncmp(id, "r_", 2) == 0);
	CHECK_EQ_INT(cu_vault_record_get(vault, "customers", id, &rec), CU_OK);
	if (!rec)
		goto out;
	CHECK_STR(rec->id, id);
	CHECK(strncmp(rec->subject, "s_", 2) == 0);
	CHECK_STR(rec->owner, "alice");
	CHECK_EQ_INT(json_array_size(rec->related), 2);
	CHECK_STR(json_string_value(json_array_get(rec->related, 1)), "wang5");
	CHECK_EQ_INT(rec->version, 1);
	CHECK(rec->created_at > 0 && rec->updated_at == rec->created_at);
	/* Canonical values come back. */
	CHECK_STR(fstr(rec, "name"), "张三");
	CHECK_STR(fstr(rec, "phone"), "13812345678");
	CHECK_STR(fstr(rec, "id_no"), "11010519491231002X");
	CHECK_STR(fstr(rec, "card"), "6222021234567894");
	CHECK_STR(fstr(rec, "notes"), "多行\n备注");
	CHECK_STR(fstr(rec, "email"), "zhang@example.com");
	CHECK_STR(fstr(rec, "city"), "北京");
	CHECK_STR(fstr(rec, "birthday"), "1949-12-31");
	CHECK_EQ_INT(json_integer_value(json_object_get(rec->fields, "age")), 76);
	CHECK(json_is_true(json_object_get(rec->fields, "vip")));
	CHECK_EQ_INT(json_object_size(rec->fields), 10);
	cu_record_free(rec);
	rec = NULL;

	/* Update: change, remove (null), owner, related; version goes up. */
	body = parse("{\"fields\":{\"phone\":\"+86 139-0000-1111\",\"notes\":null,\"age\":77},"
		     "\"owner\":\"bob\",\"related\":[]}");
	CHECK_EQ_INT(cu_vault_record_update(vault, "customers", id, body, &ei), CU_OK);
	json_decref(body);
	CHECK_EQ_INT(cu_vault_record_get(vault, "customers", id, &rec), CU_OK);
	if (!rec)
		goto out;
	CHECK_STR(fstr(rec, "phone"), "+8613900001111");
	CHECK(json_object_get(rec->fields, "notes") == NULL);
	CHECK_EQ_INT(json_integer_value(json_object_get(rec->fields, "age")), 77);
	CHECK_STR(fstr(rec, "name"), "张三"); /* untouched */
	CHECK_STR(rec->owner, "bob");
	CHECK_EQ_INT(json_array_size(rec->related), 0);
	CHECK_EQ_INT(rec->version, 2);
	cu_record_free(rec);
	rec = NULL;
	/* An update without owner/related keeps them. */
	body = parse("{\"fields\":{\"city\":\"上海\"}}");
	CHECK_EQ_INT(cu_vault_record_update(vault, "customers", id, body, &ei), CU_OK);
	json_decref(body);
	CHECK_EQ_INT(cu_vault_record_get(vault, "customers", id, &rec), CU_OK);
	if (rec) {
		CHECK_STR(rec->owner, "bob");
		CHECK_STR(fstr(rec, "city"), "上海");
		CHECK_EQ_INT(rec->version, 3);
	}
	cu_record_free(rec);
	rec = NULL;

	/* Update errors name the field and change nothing. */
	body = parse("{\"fields\":{\"phone\":null}}");
	CHECK_EQ_INT(cu_vault_record_update(vault, "customers", id, body, &ei), CU_ERR_INVALID);
	CHECK_STR(ei.field, "phone");
	json_decref(body);
	body = parse("{\"fields\":{\"city\":\"广州\",\"id_no\":\"110105194912310021\"}}");
	CHECK_EQ_INT(cu_vault_record_update(vault, "customers", id, body, &ei), CU_ERR_INVALID);
	CHECK_STR(ei.field, "id_no");
	json_decref(body);
	body = parse("{\"fields\":{\"shoe_size\":42}}");
	CHECK_EQ_INT(cu_vault_record_update(vault, "customers", id, body, &ei), CU_ERR_INVALID);
	CHECK_STR(ei.field, "shoe_size");
	json_decref(body);
	body = parse("{\"subject\":\"someone-else\"}");
	CHECK_EQ_INT(cu_vault_record_update(vault, "customers", id, body, &ei), CU_ERR_INVALID);
	CHECK_STR(ei.field, "subject");
	json_decref(body);
	body = parse("{\"owner\":\"Not A User\"}");
	CHECK_EQ_INT(cu_vault_record_update(vault, "customers", id, body, &ei), CU_ERR_INVALID);
	CHECK_STR(ei.field, "owner");
	json_decref(body);
	body = parse("{\"fields\":{\"city\":\"深圳\"}}");
	CHECK_EQ_INT(cu_vault_record_update(vault, "customers", "r_nope", body, &ei),
		     CU_ERR_NOT_FOUND);
	json_decref(body);
	CHECK_EQ_INT(cu_vault_record_get(vault, "customers", id, &rec), CU_OK);
	if (rec) {
		CHECK_STR(fstr(rec, "city"), "上海");
		CHECK_STR(fstr(rec, "phone"), "+8613900001111");
		CHECK_EQ_INT(rec->version, 3);
	}
	cu_record_free(rec);
	rec = NULL;

	/* Not in another collection, not under another id. */
	CHECK_EQ_INT(cu_vault_record_get(vault, "members", id, &rec), CU_ERR_NOT_FOUND);
	CHECK_EQ_INT(cu_vault_record_get(vault, "nope", id, &rec), CU_ERR_NOT_FOUND);
	CHECK_EQ_INT(get_status("r_doesnotexist"), CU_ERR_NOT_FOUND);
	CHECK_EQ_INT(get_status("r_0123456789012345678901234567890123456789012345678901234567890"),
		     CU_ERR_NOT_FOUND);
	CHECK_EQ_INT(get_status(""), CU_ERR_NOT_FOUND);

	/* Delete: gone, and its field rows with it. */
	CHECK_EQ_INT(cu_vault_record_delete(vault, "customers", id), CU_OK);
	CHECK_EQ_INT(get_status(id), CU_ERR_NOT_FOUND);
	CHECK_EQ_INT(cu_vault_record_delete(vault, "customers", id), CU_ERR_NOT_FOUND);
	CHECK_EQ_INT(raw_sql2("DELETE FROM record_fields WHERE record_id = ?1", id, NULL), 0);
out:
	cu_free(id);
}

static bool ids_contain(const json_t *ids, const char *id)
{
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
		if (strcmp(json_string_value(v), id) == 0)
			return true;
	return false;
}

CU_TEST(find_and_list)
{
	char *a = create("{\"fields\":{\"name\":\"李雷\",\"phone\":\"13700000001\","
			 "\"id_no\":\"440304198512010019\",\"email\":\"li@example.com\","
			 "\"city\":\"findcity\",\"notes\":\"same note\",\"age\":30}}", "alice");
	char *b = create("{\"fields\":{\"name\":\"韩梅梅\",\"phone\":\"13700000002\","
			 "\"city\":\"findcity\",\"notes\":\"same note\",\"vip\":false}}", "alice");
	char *c = create("{\"fields\":{\"name\":\"李雷\",\"phone\":\"137-0000-0001\"}}", "bob");
	json_t *ids = NULL;
	struct cu_errinfo ei;

	CHECK(a && b && c);
	if (!a || !b || !c)
		goto out;
	/* Sealed field, looked up through the blind index in any input format. */
	CHECK_EQ_INT(cu_vault_record_find(vault, "customers", "phone", "137 0000 0001", 10, &ids, &ei),
		     CU_OK);
	CHECK(ids && json_array_size(ids) == 2 && ids_contain(ids, a) && ids_contain(ids, c));
	json_decref(ids);
	CHECK_EQ_INT(cu_vault_record_find(vault, "customers", "name", "李雷", 10, &ids, &ei), CU_OK);
	CHECK(ids && json_array_size(ids) == 2);
	json_decref(ids);
	CHECK_EQ_INT(cu_vault_record_find(vault, "customers", "name", "李", 10, &ids, &ei), CU_OK);
	CHECK(ids && json_array_size(ids) == 0); /* exact match only */
	json_decref(ids);
	CHECK_EQ_INT(cu_vault_record_find(vault, "customers", "id_no", "440304198512010019", 10, &ids,
					  &ei), CU_OK);
	CHECK(ids && json_array_size(ids) == 1 && ids_contain(ids, a));
	json_decref(ids);
	/* Clear fields, ints and bools too. */
	CHECK_EQ_INT(cu_vault_record_find(vault, "customers", "city", "findcity", 10, &ids, &ei), CU_OK);
	CHECK(ids && json_array_size(ids) == 2);
	json_decref(ids);
	CHECK_EQ_INT(cu_vault_record_find(vault, "customers", "city", "findcity", 1, &ids, &ei), CU_OK);
	CHECK(ids && json_array_size(ids) == 1); /* limit */
	json_decref(ids);
	CHECK_EQ_INT(cu_vault_record_find(vault, "customers", "age", "30", 10, &ids, &ei), CU_OK);
	CHECK(ids && json_array_size(ids) == 1 && ids_contain(ids, a));
	json_decref(ids);
	CHECK_EQ_INT(cu_vault_record_find(vault, "customers", "vip", "false", 10, &ids, &ei), CU_OK);
	CHECK(ids && ids_contain(ids, b));
	json_decref(ids);
	/* Same value in another field is another token. */
	CHECK_EQ_INT(cu_vault_record_find(vault, "customers", "email", "findcity", 10, &ids, &ei),
		     CU_ERR_INVALID); /* not an email */
	CHECK_STR(ei.field, "email");
	/* Refusals name the field. */
	ids = (json_t *)1;
	CHECK_EQ_INT(cu_vault_record_find(vault, "customers", "notes", "same note", 10, &ids, &ei),
		     CU_ERR_INVALID);
	CHECK_STR(ei.field, "notes");
	CHECK(ids == NULL);
	CHECK_EQ_INT(cu_vault_record_find(vault, "customers", "shoe", "42", 10, &ids, &ei),
		     CU_ERR_INVALID);
	CHECK_STR(ei.field, "shoe");
	CHECK_EQ_INT(cu_vault_record_find(vault, "customers", "phone", "not a phone", 10, &ids, &ei),
		     CU_ERR_INVALID);
	CHECK_STR(ei.field, "phone");
	CHECK_EQ_INT(cu_vault_record_find(vault, "customers", "age", "thirty", 10, &ids, &ei),
		     CU_ERR_INVALID);
	CHECK_STR(ei.field, "age");
	CHECK_EQ_INT(cu_vault_record_find(vault, "nope", "phone", "13700000001", 10, &ids, &ei),
		     CU_ERR_NOT_FOUND);

	/* A field that is not searchable leaves no equality token behind:
	 * the same note in two records must not be linkable in the file. */
	{
		size_t la = 0, lb = 0;
		uint8_t *ta = raw_blob("SELECT lookup FROM record_fields WHERE record_id = ?1 AND "
				       "field = ?2", a, "notes", &la);
		uint8_t *tb = raw_blob("SELECT lookup FROM record_fields WHERE record_id = ?1 AND "
				       "field = ?2", b, "notes", &lb);
		CHECK(ta != NULL && tb != NULL);
		CHECK(la == 0 || la != lb || memcmp(ta, tb, la) != 0);
		cu_free(ta);
		cu_free(tb);
		/* ...while searchable fields do have one (that is how find works). */
		ta = raw_blob("SELECT lookup FROM record_fields WHERE record_id = ?1 AND field = ?2",
			      a, "city", &la);
		tb = raw_blob("SELECT lookup FROM record_fields WHERE record_id = ?1 AND field = ?2",
			      b, "city", &lb);
		CHECK(la == CU_HASH_BYTES && lb == la && ta && tb && memcmp(ta, tb, la) == 0);
		cu_free(ta);
		cu_free(tb);
	}

	/* List pages through ids in order. */
	{
		json_t *all = NULL, *page = NULL;
		CHECK_EQ_INT(cu_vault_record_list(vault, "customers", NULL, 1000, &all), CU_OK);
		CHECK(all && json_array_size(all) >= 3);
		CHECK(ids_contain(all, a) && ids_contain(all, b) && ids_contain(all, c));
		for (size_t i = 1; all && i < json_array_size(all); i++)
			CHECK(strcmp(json_string_value(json_array_get(all, i - 1)),
				     json_string_value(json_array_get(all, i))) < 0);
		CHECK_EQ_INT(cu_vault_record_list(vault, "customers", NULL, 2, &page), CU_OK);
		CHECK(page && json_array_size(page) == 2);
		if (page && all) {
			json_t *next = NULL;
			CHECK_EQ_INT(cu_vault_record_list(vault, "customers",
							  json_string_value(json_array_get(page, 1)),
							  1000, &next), CU_OK);
			CHECK(next && json_array_size(next) == json_array_size(all) - 2);
			CHECK_STR(json_string_value(json_array_get(next, 0)),
				  json_string_value(json_array_get(all, 2)));
			json_decref(next);
		}
		json_decref(page);
		json_decref(all);
		CHECK_EQ_INT(cu_vault_record_list(vault, "members", NULL, 10, &page), CU_OK);
		CHECK(page && json_array_size(page) == 0);
		json_decref(page);
		CHECK_EQ_INT(cu_vault_record_list(vault, "nope", NULL, 10, &page), CU_ERR_NOT_FOUND);
	}
out:
	cu_free(a);
	cu_free(b);
	cu_free(c);
}

CU_TEST(subjects)
{
	char *a = create("{\"subject\":\"crm-customer-4711\",\"fields\":{\"name\":\"王五\","
			 "\"phone\":\"13600000001\"}}", "alice");
	char *b = create("{\"subject\":\"crm-customer-4711\",\"fields\":{\"name\":\"王五\","
			 "\"phone\":\"13600000002\"}}", "bob");
	char *c = create("{\"subject\":\"crm-customer-4712\",\"fields\":{\"name\":\"赵六\","
			 "\"phone\":\"13600000003\"}}", "alice");
	char *d = create("{\"fields\":{\"name\":\"匿名\",\"phone\":\"13600000004\"}}", "alice");
	char *e = create("{\"fields\":{\"name\":\"匿名\",\"phone\":\"13600000004\"}}", "alice");
	struct cu_record *ra = NULL, *rb = NULL, *rc = NULL, *rd = NULL, *re = NULL;

	CHECK(a && b && c && d && e);
	if (!a || !b || !c || !d || !e)
		goto out;
	CHECK_EQ_INT(cu_vault_record_get(vault, "customers", a, &ra), CU_OK);
	CHECK_EQ_INT(cu_vault_record_get(vault, "customers", b, &rb), CU_OK);
	CHECK_EQ_INT(cu_vault_record_get(vault, "customers", c, &rc), CU_OK);
	CHECK_EQ_INT(cu_vault_record_get(vault, "customers", d, &rd), CU_OK);
	CHECK_EQ_INT(cu_vault_record_get(vault, "customers", e, &re), CU_OK);
	if (!ra || !rb || !rc || !rd || !re)
		goto out;
	/* The same reference is the same subject (one DEK); another is not. */
	CHECK_STR(ra->subject, rb->subject);
	CHECK(strcmp(ra->subject, rc->subject) != 0);
	CHECK(strcmp(rd->subject, re->subject) != 0);
	CHECK(strcmp(rd->subject, ra->subject) != 0);
	/* The reference itself is not the id. */
	CHECK(!strstr(ra->subject, "4711"));
	CHECK_EQ_INT(raw_sql2("UPDATE subjects SET created_at = created_at WHERE id = ?1", ra->subject,
			      NULL), 1);
	CHECK_STR(fstr(rb, "phone"), "13600000002");

	/* Subject reference errors. */
	{
		json_t *body = parse("{\"subject\":\"\",\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\"}}");
		struct cu_errinfo ei;
		char *id = NULL;
		CHECK_EQ_INT(cu_vault_record_create(vault, "customers", body, "alice", &id, &ei),
			     CU_ERR_INVALID);
		CHECK_STR(ei.field, "subject");
		CHECK(id == NULL);
		json_decref(body);
		body = parse("{\"subject\":42,\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\"}}");
		CHECK_EQ_INT(cu_vault_record_create(vault, "customers", body, "alice", &id, &ei),
			     CU_ERR_INVALID);
		CHECK_STR(ei.field, "subject");
		json_decref(body);
	}

	/* Crypto-shredding a subject makes all its records unreadable, and
	 * nothing new can be stored for it. */
	CHECK_EQ_INT(raw_sql2("UPDATE subjects SET wrapped_dek = NULL, erased_at = 1 WHERE id = ?1",
			      rc->subject, NULL), 1);
	CHECK_EQ_INT(get_status(c), CU_ERR_NOT_FOUND);
	{
		json_t *body = parse("{\"subject\":\"crm-customer-4712\",\"fields\":{\"name\":\"赵六\","
				     "\"phone\":\"13600000005\"}}");
		struct cu_errinfo ei;
		char *id = NULL;
		CHECK_EQ_INT(cu_vault_record_create(vault, "customers", body, "alice", &id, &ei),
			     CU_ERR_FORBIDDEN);
		CHECK_STR(ei.field, "subject");
		CHECK(id == NULL);
		json_decref(body);
	}
	CHECK_EQ_INT(get_status(a), CU_OK); /* other subjects unaffected */
out:
	cu_record_free(ra);
	cu_record_free(rb);
	cu_record_free(rc);
	cu_record_free(rd);
	cu_record_free(re);
	cu_free(a);
	cu_free(b);
	cu_free(c);
	cu_free(d);
	cu_free(e);
}

CU_TEST(validation)
{
	static const struct {
		const char *body;
		int err;
		const char *field;
	} cases[] = {
		{ "{\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\",\"shoe\":42}}", CU_ERR_INVALID, "shoe" },
		{ "{\"fields\":{\"name\":\"x\"}}", CU_ERR_INVALID, "phone" },
		{ "{\"fields\":{\"phone\":\"13600000009\"}}", CU_ERR_INVALID, "name" },
		{ "{\"fields\":{\"name\":null,\"phone\":\"13600000009\"}}", CU_ERR_INVALID, "name" },
		{ "{\"fields\":{\"name\":\"x\",\"phone\":\"1360000000a\"}}", CU_ERR_INVALID, "phone" },
		{ "{\"fields\":{\"name\":\"x\",\"phone\":13600000009}}", CU_ERR_INVALID, "phone" },
		{ "{\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\",\"id_no\":\"110105194912310020\"}}",
		  CU_ERR_INVALID, "id_no" },
		{ "{\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\",\"card\":\"6222021234567890\"}}",
		  CU_ERR_INVALID, "card" },
		{ "{\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\",\"email\":\"no-at-sign\"}}",
		  CU_ERR_INVALID, "email" },
		{ "{\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\",\"birthday\":\"2023-02-30\"}}",
		  CU_ERR_INVALID, "birthday" },
		{ "{\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\",\"age\":\"30\"}}", CU_ERR_INVALID, "age" },
		{ "{\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\",\"vip\":1}}", CU_ERR_INVALID, "vip" },
		{ "{\"fields\":[]}", CU_ERR_INVALID, "fields" },
		{ "{}", CU_ERR_INVALID, "fields" },
		{ "{\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\"},\"colour\":\"red\"}", CU_ERR_INVALID, "colour" },
		{ "{\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\"},\"owner\":\"A B\"}", CU_ERR_INVALID, "owner" },
		{ "{\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\"},\"owner\":7}", CU_ERR_INVALID, "owner" },
		{ "{\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\"},\"related\":\"bob\"}", CU_ERR_INVALID, "related" },
		{ "{\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\"},\"related\":[\"Bob!\"]}", CU_ERR_INVALID, "related" },
		{ "[]", CU_ERR_INVALID, "" },
	};
	json_t *list = NULL;
	size_t before, after;

	CHECK_EQ_INT(cu_vault_record_list(vault, "customers", NULL, 1000, &list), CU_OK);
	before = json_array_size(list);
	json_decref(list);
	for (size_t i = 0; i < CU_ARRAY_LEN(cases); i++) {
		json_t *body = parse(cases[i].body);
		struct cu_errinfo ei;
		char *id = (char *)1;
		memset(&ei, 0, sizeof(ei));
		int r = cu_vault_record_create(vault, "customers", body, "alice", &id, &ei);
		if (r != cases[i].err || strcmp(ei.field, cases[i].field) != 0)
			fprintf(stderr, "case %zu %s: %d field '%s' (%s)\n", i, cases[i].body, r, ei.field,
				ei.msg);
		CHECK_EQ_INT(r, cases[i].err);
		CHECK_STR(ei.field, cases[i].field);
		CHECK(ei.msg[0] != '\0');
		CHECK(id == NULL);
		json_decref(body);
	}
	/* More related users than allowed. */
	{
		json_t *body = parse("{\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\"}}");
		json_t *rel = json_array();
		struct cu_errinfo ei;
		char *id = NULL;
		for (int i = 0; i <= CU_MAX_RELATED; i++)
			json_array_append_new(rel, json_string("u"));
		json_object_set_new(body, "related", rel);
		CHECK_EQ_INT(cu_vault_record_create(vault, "customers", body, "alice", &id, &ei),
			     CU_ERR_INVALID);
		CHECK_STR(ei.field, "related");
		json_decref(body);
	}
	/* Nothing was stored by any of them. */
	CHECK_EQ_INT(cu_vault_record_list(vault, "customers", NULL, 1000, &list), CU_OK);
	after = json_array_size(list);
	json_decref(list);
	CHECK_EQ_INT(after, before);
	{
		json_t *body = parse("{\"fields\":{\"name\":\"x\",\"phone\":\"13600000009\"}}");
		struct cu_errinfo ei;
		char *id = NULL;
		CHECK_EQ_INT(cu_vault_record_create(vault, "nope", body, "alice", &id, &ei),
			     CU_ERR_NOT_FOUND);
		json_decref(body);
	}
}

/* ---- what the database file holds ------------------------------------- */

#define C_NAME "CanaryNameQx7"
#define C_NAME_ZH "司马金丝雀测试"
#define C_PHONE "13987654321"
#define C_ID "32010219800101123" "8"
#define C_CARD "6212261001000000007"
#define C_NOTES "canary-notes-highly-sensitive-Zk3"
#define C_BDAY "1987-06-05"
#define C_EMAIL "canary.internal.Vw2@example.com"
#define C_CITY "CanaryPublicCity-Hn5"
#define C_SUBJECT "canary-subject-ref-Pp9"

static void scan_files(const char *const *secret, size_t nsecret, const char *const *visible,
		       size_t nvisible, bool expect_wal)
{
	char *wal = cu_t_path(dir, "custos.db-wal");
	size_t dlen = 0, wlen = 0;
	char *d = cu_t_slurp(db, &dlen), *w = cu_t_slurp(wal, &wlen);

	CHECK(dlen > 0);
	if (expect_wal)
		CHECK(wlen > 0);
	for (size_t i = 0; i < nsecret; i++) {
		bool found = cu_t_contains(d, dlen, secret[i], strlen(secret[i])) ||
			     cu_t_contains(w, wlen, secret[i], strlen(secret[i]));
		if (found)
			fprintf(stderr, "sensitive value in the clear on disk: %s\n", secret[i]);
		CHECK(!found);
	}
	/* The search itself works: clear (public/internal) values are there. */
	for (size_t i = 0; i < nvisible; i++) {
		bool found = cu_t_contains(d, dlen, visible[i], strlen(visible[i])) ||
			     cu_t_contains(w, wlen, visible[i], strlen(visible[i]));
		if (!found)
			fprintf(stderr, "clear value not found on disk: %s\n", visible[i]);
		CHECK(found);
	}
	cu_free(d);
	cu_free(w);
	cu_free(wal);
}

CU_TEST(no_sensitive_values_on_disk)
{
	static const char *const secret[] = { C_NAME, C_NAME_ZH, C_PHONE, C_ID, C_CARD, C_NOTES,
					      C_BDAY, C_SUBJECT, "canary-notes", "canary-subject" };
	static const char *const visible[] = { C_EMAIL, C_CITY };
	char *ids[3] = { NULL, NULL, NULL };

	ids[0] = create("{\"subject\":\"" C_SUBJECT "\",\"fields\":{\"name\":\"" C_NAME "\","
			"\"phone\":\"139 8765 4321\",\"id_no\":\"" C_ID "\",\"card\":\"" C_CARD "\","
			"\"notes\":\"" C_NOTES "\",\"birthday\":\"" C_BDAY "\","
			"\"email\":\"" C_EMAIL "\",\"city\":\"" C_CITY "\"}}", "alice");
	ids[1] = create("{\"subject\":\"" C_SUBJECT "\",\"fields\":{\"name\":\"" C_NAME_ZH "\","
			"\"phone\":\"" C_PHONE "\",\"notes\":\"" C_NOTES " " C_NOTES "\"}}", "alice");
	CHECK(ids[0] && ids[1]);
	/* Updated values too (old and new). */
	if (ids[1]) {
		json_t *body = parse("{\"fields\":{\"notes\":\"" C_NOTES "-updated\"}}");
		struct cu_errinfo ei;
		CHECK_EQ_INT(cu_vault_record_update(vault, "customers", ids[1], body, &ei), CU_OK);
		json_decref(body);
	}
	/* And they still read back. */
	if (ids[0]) {
		struct cu_record *rec = NULL;
		CHECK_EQ_INT(cu_vault_record_get(vault, "customers", ids[0], &rec), CU_OK);
		if (rec) {
			CHECK_STR(fstr(rec, "notes"), C_NOTES);
			CHECK_STR(fstr(rec, "phone"), C_PHONE);
		}
		cu_record_free(rec);
	}
	/* While the store is open (most of it still in the WAL)... */
	scan_files(secret, CU_ARRAY_LEN(secret), visible, CU_ARRAY_LEN(visible), true);
	/* ...and after closing, when SQLite checkpoints into custos.db. */
	cu_vault_free(vault);
	cu_store_close(store);
	vault = NULL;
	store = NULL;
	scan_files(secret, CU_ARRAY_LEN(secret), visible, CU_ARRAY_LEN(visible), false);
	CHECK_EQ_INT(cu_store_open(db, 2, &store), CU_OK);
	CHECK_EQ_INT(cu_vault_new(store, kr, &vault), CU_OK);
	if (ids[1]) {
		struct cu_record *rec = NULL;
		CHECK_EQ_INT(cu_vault_record_get(vault, "customers", ids[1], &rec), CU_OK);
		if (rec)
			CHECK_STR(fstr(rec, "notes"), C_NOTES "-updated");
		cu_record_free(rec);
	}
	for (size_t i = 0; i < 3; i++)
		cu_free(ids[i]);
}

/* ---- tampering ---------------------------------------------------------- */

static char *tamper_record(const char *phone)
{
	char body[512];
	snprintf(body, sizeof(body),
		 "{\"fields\":{\"name\":\"篡改测试\",\"phone\":\"%s\",\"id_no\":\"11010519491231002X\","
		 "\"city\":\"tamper\",\"notes\":\"n\"}}", phone);
	return create(body, "alice");
}

CU_TEST(tamper_swap_between_records)
{
	char *a = tamper_record("13500000001"), *b = tamper_record("13500000002");
	CHECK(a && b);
	if (!a || !b)
		goto out;
	CHECK_EQ_INT(get_status(a), CU_OK);
	/* Swap the sealed phone values of two records (different subjects). */
	{
		static const char get[] = "SELECT value FROM record_fields WHERE record_id = ?1 AND "
					  "field = ?2";
		static const char set[] = "UPDATE record_fields SET value = ?2 WHERE record_id = ?1 "
					  "AND field = 'phone'";
		size_t la = 0, lb = 0;
		uint8_t *va = raw_blob(get, a, "phone", &la), *vb = raw_blob(get, b, "phone", &lb);
		CHECK(va && vb && la == lb);
		CHECK_EQ_INT(raw_set_blob(set, a, vb, lb), 1);
		CHECK_EQ_INT(raw_set_blob(set, b, va, la), 1);
		CHECK_EQ_INT(get_status(a), CU_ERR_INTEGRITY);
		CHECK_EQ_INT(get_status(b), CU_ERR_INTEGRITY);
		/* Swapping back restores both: nothing else was harmed. */
		CHECK_EQ_INT(raw_set_blob(set, a, va, la), 1);
		CHECK_EQ_INT(raw_set_blob(set, b, vb, lb), 1);
		CHECK_EQ_INT(get_status(a), CU_OK);
		CHECK_EQ_INT(get_status(b), CU_OK);
		cu_free(va);
		cu_free(vb);
	}
out:
	cu_free(a);
	cu_free(b);
}

CU_TEST(tamper_swap_same_subject)
{
	/* Same subject, hence same DEK: only the AD (record id) tells them apart. */
	char *a = create("{\"subject\":\"tamper-same\",\"fields\":{\"name\":\"甲\",\"phone\":\"13500000011\"}}",
			 "alice");
	char *b = create("{\"subject\":\"tamper-same\",\"fields\":{\"name\":\"乙\",\"phone\":\"13500000012\"}}",
			 "alice");
	CHECK(a && b);
	if (!a || !b)
		goto out;
	CHECK_EQ_INT(raw_sql2("UPDATE record_fields SET value = (SELECT value FROM record_fields "
			      "WHERE record_id = ?2 AND field = 'phone') "
			      "WHERE record_id = ?1 AND field = 'phone'", a, b), 1);
	CHECK_EQ_INT(get_status(a), CU_ERR_INTEGRITY);
	CHECK_EQ_INT(get_status(b), CU_OK);
	/* Moving a whole field row to the other record is the same thing. */
	CHECK_EQ_INT(raw_sql2("DELETE FROM record_fields WHERE record_id = ?2 AND field = 'name'", a, b),
		     1);
	CHECK_EQ_INT(raw_sql2("UPDATE record_fields SET record_id = ?2 WHERE record_id = ?1 AND "
			      "field = 'name'", a, b), 1);
	CHECK_EQ_INT(get_status(b), CU_ERR_INTEGRITY);
out:
	cu_free(a);
	cu_free(b);
}

CU_TEST(tamper_move_between_fields)
{
	char *a = tamper_record("13500000021");
	CHECK(a != NULL);
	if (!a)
		return;
	/* Copy the phone ciphertext over the name (both sealed, same DEK). */
	CHECK_EQ_INT(raw_sql2("UPDATE record_fields SET value = (SELECT value FROM record_fields "
			      "WHERE record_id = ?1 AND field = 'phone') "
			      "WHERE record_id = ?1 AND field = 'name'", a, NULL), 1);
	CHECK_EQ_INT(get_status(a), CU_ERR_INTEGRITY);
	cu_free(a);

	/* Rename a sealed field row to another sealed field. */
	a = tamper_record("13500000022");
	CHECK(a != NULL);
	if (!a)
		return;
	CHECK_EQ_INT(raw_sql2("DELETE FROM record_fields WHERE record_id = ?1 AND field = 'id_no'", a,
			      NULL), 1);
	CHECK_EQ_INT(raw_sql2("UPDATE record_fields SET field = 'id_no' WHERE record_id = ?1 AND "
			      "field = 'phone'", a, NULL), 1);
	CHECK_EQ_INT(get_status(a), CU_ERR_INTEGRITY);
	cu_free(a);
}

CU_TEST(tamper_byte_flips)
{
	char *a = tamper_record("13500000031");
	size_t len = 0;
	uint8_t *orig;
	int accepted = 0, tries = 0;

	CHECK(a != NULL);
	if (!a)
		return;
	orig = raw_blob("SELECT value FROM record_fields WHERE record_id = ?1 AND field = ?2", a,
			"phone", &len);
	CHECK(orig && len == strlen("\"13500000031\"") + CU_SEAL_OVERHEAD);
	for (size_t i = 0; orig && i < len; i++) {
		static const char set[] = "UPDATE record_fields SET value = ?2 WHERE record_id = ?1 "
					  "AND field = 'phone'";
		uint8_t *bad = cu_memdup(orig, len);
		/* header, nonce, ciphertext and tag bytes alike */
		bad[i] ^= 0x04;
		CHECK_EQ_INT(raw_set_blob(set, a, bad, len), 1);
		tries++;
		if (get_status(a) != CU_ERR_INTEGRITY) {
			fprintf(stderr, "flipped byte %zu accepted\n", i);
			accepted++;
		}
		CHECK_EQ_INT(raw_set_blob(set, a, orig, len), 1);
		cu_free(bad);
	}
	CHECK_EQ_INT(accepted, 0);
	CHECK(tries > 50);
	CHECK_EQ_INT(get_status(a), CU_OK); /* restored */
	/* Truncated and empty values. */
	CHECK_EQ_INT(raw_sql2("UPDATE record_fields SET value = substr(value, 1, 20) WHERE "
			      "record_id = ?1 AND field = 'phone'", a, NULL), 1);
	CHECK_EQ_INT(get_status(a), CU_ERR_INTEGRITY);
	CHECK_EQ_INT(raw_sql2("UPDATE record_fields SET value = x'' WHERE record_id = ?1 AND "
			      "field = 'phone'", a, NULL), 1);
	CHECK_EQ_INT(get_status(a), CU_ERR_INTEGRITY);
	cu_free(orig);
	cu_free(a);
}

CU_TEST(tamper_sealed_flag)
{
	char *a = tamper_record("13500000041");
	CHECK(a != NULL);
	if (!a)
		return;
	/* A sensitive field stored "in the clear" is tampering, not data. */
	CHECK_EQ_INT(raw_sql2("UPDATE record_fields SET sealed = 0, value = CAST('\"13500000099\"' "
			      "AS BLOB) WHERE record_id = ?1 AND field = 'phone'", a, NULL), 1);
	CHECK_EQ_INT(get_status(a), CU_ERR_INTEGRITY);
	cu_free(a);

	/* The other way: a public field claiming to be sealed. */
	a = tamper_record("13500000042");
	CHECK(a != NULL);
	if (!a)
		return;
	CHECK_EQ_INT(raw_sql2("UPDATE record_fields SET sealed = 1 WHERE record_id = ?1 AND "
			      "field = 'city'", a, NULL), 1);
	CHECK_EQ_INT(get_status(a), CU_ERR_INTEGRITY);
	cu_free(a);
}

CU_TEST(tamper_keys_and_subjects)
{
	char *a = tamper_record("13500000051"), *b = tamper_record("13500000052");
	size_t len = 0;
	uint8_t *w;

	CHECK(a && b);
	if (!a || !b)
		goto out;
	/* Point a record at another subject: that subject's DEK does not open it. */
	CHECK_EQ_INT(raw_sql2("UPDATE records SET subject = (SELECT subject FROM records WHERE id = ?2) "
			      "WHERE id = ?1", a, b), 1);
	CHECK_EQ_INT(get_status(a), CU_ERR_INTEGRITY);
	CHECK_EQ_INT(get_status(b), CU_OK);
	/* Damage a wrapped DEK. */
	w = raw_blob("SELECT s.wrapped_dek FROM subjects s JOIN records r ON r.subject = s.id "
		     "WHERE r.id = ?1", b, NULL, &len);
	CHECK(w && len == CU_WRAPPED_DEK_BYTES);
	if (w && len == CU_WRAPPED_DEK_BYTES) {
		w[40] ^= 0x01;
		CHECK_EQ_INT(raw_set_blob("UPDATE subjects SET wrapped_dek = ?2 WHERE id = "
					  "(SELECT subject FROM records WHERE id = ?1)", b, w, len), 1);
	}
	CHECK_EQ_INT(get_status(b), CU_ERR_INTEGRITY);
	cu_free(w);
	/* Move a record (with its fields) into another collection with the
	 * same field names: the collection is bound into every ciphertext. */
	{
		char *m = NULL;
		json_t *body = parse("{\"fields\":{\"name\":\"迁移\",\"phone\":\"13500000053\"}}");
		struct cu_errinfo ei;
		struct cu_record *rec = NULL;
		CHECK_EQ_INT(cu_vault_record_create(vault, "customers", body, "alice", &m, &ei), CU_OK);
		json_decref(body);
		if (m) {
			CHECK_EQ_INT(raw_sql2("UPDATE records SET collection = 'members' WHERE id = ?1", m,
					      NULL), 1);
			CHECK_EQ_INT(raw_sql2("UPDATE record_fields SET collection = 'members' WHERE "
					      "record_id = ?1", m, NULL), 2);
			CHECK_EQ_INT(cu_vault_record_get(vault, "members", m, &rec), CU_ERR_INTEGRITY);
			CHECK(rec == NULL);
			CHECK_EQ_INT(get_status(m), CU_ERR_NOT_FOUND);
		}
		cu_free(m);
	}
out:
	cu_free(a);
	cu_free(b);
}

int main(void)
{
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

	cu_json_init();
	if (cu_crypto_init() != CU_OK)
		return 1;
	/* Integrity failures are logged by design; keep the output readable. */
	if (devnull >= 0)
		cu_log_set_fd(devnull);
	dir = cu_t_tmpdir();
	setup();
	RUN(collections);
	RUN(record_life_cycle);
	RUN(find_and_list);
	RUN(subjects);
	RUN(validation);
	RUN(no_sensitive_values_on_disk);
	RUN(tamper_swap_between_records);
	RUN(tamper_swap_same_subject);
	RUN(tamper_move_between_fields);
	RUN(tamper_byte_flips);
	RUN(tamper_sealed_flag);
	RUN(tamper_keys_and_subjects);
	cu_vault_free(vault);
	cu_store_close(store);
	cu_keyring_free(kr);
	cu_free(db);
	cu_t_rmtree(dir);
	if (devnull >= 0)
		close(devnull);
	return cu_test_done();
}
