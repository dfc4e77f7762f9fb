#include "policy/approvals.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "store/store.h"

void cu_approval_release(struct cu_approval *a)
{
	json_decref(a->params);
	memset(a, 0, sizeof(*a));
}

json_t *cu_approval_json(const struct cu_approval *a)
{
	char ts[32];
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(a->id));
	json_object_set_new(o, "action", json_string(a->action));
	json_object_set_new(o, "target", json_string(a->target));
	json_object_set(o, "params", a->params ? a->params : json_object());
	json_object_set_new(o, "requested_by", json_string(a->requested_by));
	cu_time_iso8601(a->requested_at, ts, sizeof(ts));
	json_object_set_new(o, "requested_at", json_string(ts));
	cu_time_iso8601(a->expires_at, ts, sizeof(ts));
	json_object_set_new(o, "expires_at", json_string(ts));
	json_object_set_new(o, "status", json_string(a->status));
	if (a->decided_by[0])
		json_object_set_new(o, "decided_by", json_string(a->decided_by));
	return o;
}

int cu_approval_request(struct cu_store *s, const char *action, const char *target,
			const json_t *params, const char *reason, const char *requested_by,
			int64_t ttl_s, char **idp)
{
	struct cu_conn *c = NULL;
	char *b = cu_random_id(12), *id, *pj = cu_json_dump(params ? params : json_object());
	int64_t now = cu_time_now();
	int r;

	*idp = NULL;
	id = cu_malloc(strlen(b) + 3);
	snprintf(id, strlen(b) + 3, "a_%s", b);
	cu_free(b);
	if ((r = cu_store_acquire(s, &c)) == CU_OK) {
		struct cu_val args[] = { CU_VTEXT(id), CU_VTEXT(action), CU_VTEXT(target), CU_VTEXT(pj),
					 CU_VTEXT(reason), CU_VTEXT(requested_by), CU_VINT(now),
					 CU_VINT(now + ttl_s) };
		r = cu_conn_exec(c, "INSERT INTO approvals(id, action, target, params, reason, "
				    "requested_by, requested_at, expires_at, status) VALUES "
				    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending')", args, 8, NULL);
		cu_store_release(s, c);
	}
	cu_free(pj);
	if (r)
		cu_free(id);
	else
		*idp = id;
	return r;
}

static int read_approval(void *ctx, struct cu_row *row)
{
	struct cu_approval *a = ctx;
	const char *p = cu_row_text(row, 3);
	snprintf(a->id, sizeof(a->id), "%s", cu_row_text(row, 0) ?: "");
	snprintf(a->action, sizeof(a->action), "%s", cu_row_text(row, 1) ?: "");
	snprintf(a->target, sizeof(a->target), "%s", cu_row_text(row, 2) ?: "");
	if (!p || cu_json_parse(p, strlen(p), &a->params, NULL, 0))
		a->params = json_object();
	snprintf(a->requested_by, sizeof(a->requested_by), "%s", cu_row_text(row, 4) ?: "");
	a->requested_at = cu_row_int(row, 5);
	a->expires_at = cu_row_int(row, 6);
	snprintf(a->status, sizeof(a->status), "%s", cu_row_text(row, 7) ?: "");
	snprintf(a->decided_by, sizeof(a->decided_by), "%s", cu_row_text(row, 8) ?: "");
	a->decided_at = cu_row_int(row, 9);
	return 1;
}

#define APPROVAL_COLS "id, action, target, params, requested_by, requested_at, expires_at, " \
		      "status, decided_by, decided_at"

int cu_approval_get(struct cu_store *s, const char *id, struct cu_approval *out)
{
	struct cu_conn *c = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = cu_store_acquire(s, &c)))
		return r;
	struct cu_val arg = CU_VTEXT(id);
	r = cu_conn_query(c, "SELECT " APPROVAL_COLS " FROM approvals WHERE id = ?1", &arg, 1,
			  read_approval, out);
	cu_store_release(s, c);
	if (!r && !out->id[0])
		r = CU_ERR_NOT_FOUND;
	return r;
}

int cu_approval_decide(struct cu_store *s, const char *id, const char *approver, bool approve,
		       struct cu_approval *out)
{
	struct cu_conn *c = NULL;
	int64_t now = cu_time_now(), n = 0;
	int r;

	if ((r = cu_approval_get(s, id, out)))
		return r;
	if (strcmp(out->requested_by, approver) == 0)
		return CU_ERR_FORBIDDEN;
	if ((r = cu_store_acquire(s, &c)))
		return r;
	if (strcmp(out->status, "pending") == 0 && now >= out->expires_at) {
		struct cu_val a1 = CU_VTEXT(id);
		if (cu_conn_exec(c, "UPDATE approvals SET status = 'expired' WHERE id = ?1 AND "
				    "status = 'pending'", &a1, 1, NULL) == CU_OK)
			snprintf(out->status, sizeof(out->status), "expired");
	}
	if (strcmp(out->status, "pending") != 0) {
		cu_store_release(s, c);
		return CU_ERR_CONFLICT;
	}
	/* Only one decision wins, even with two approvers at once. */
	struct cu_val args[] = { CU_VTEXT(id), CU_VTEXT(approve ? "approved" : "denied"),
				 CU_VTEXT(approver), CU_VINT(now) };
	r = cu_conn_exec(c, "UPDATE approvals SET status = ?2, decided_by = ?3, decided_at = ?4 "
			    "WHERE id = ?1 AND status = 'pending' AND expires_at > ?4", args, 4, &n);
	cu_store_release(s, c);
	if (r)
		return r;
	if (n != 1)
		return CU_ERR_CONFLICT;
	snprintf(out->status, sizeof(out->status), "%s", approve ? "approved" : "denied");
	snprintf(out->decided_by, sizeof(out->decided_by), "%s", approver);
	out->decided_at = now;
	return CU_OK;
}

int cu_approval_finish(struct cu_store *s, const char *id, bool ok)
{
	struct cu_conn *c = NULL;
	int r;
	if ((r = cu_store_acquire(s, &c)))
		return r;
	struct cu_val args[] = { CU_VTEXT(id), CU_VTEXT(ok ? "executed" : "failed") };
	r = cu_conn_exec(c, "UPDATE approvals SET status = ?2 WHERE id = ?1 AND status = 'approved'",
			 args, 2, NULL);
	cu_store_release(s, c);
	return r;
}

static int collect_approval(void *ctx, struct cu_row *row)
{
	struct cu_approval a = { 0 };
	read_approval(&a, row);
	json_array_append_new(ctx, cu_approval_json(&a));
	cu_approval_release(&a);
	return 0;
}

int cu_approval_list(struct cu_store *s, const char *status, json_t **out)
{
	struct cu_conn *c = NULL;
	json_t *a = json_array();
	int r;

	*out = NULL;
	if ((r = cu_store_acquire(s, &c)) == CU_OK) {
		struct cu_val args[] = { CU_VTEXT(status), CU_VINT(cu_time_now()) };
		/* Expire stale requests as they are listed. */
		r = cu_conn_exec(c, "UPDATE approvals SET status = 'expired' WHERE status = 'pending' "
				    "AND expires_at <= ?2", args, 2, NULL);
		if (!r)
			r = cu_conn_query(c, "SELECT " APPROVAL_COLS " FROM approvals WHERE "
					     "(?1 IS NULL OR status = ?1) ORDER BY requested_at DESC "
					     "LIMIT 500", args, 1, collect_approval, a);
		cu_store_release(s, c);
	}
	if (r)
		json_decref(a);
	else
		*out = a;
	return r;
}
