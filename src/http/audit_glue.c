/*
 * audit_glue.c - one operation-log record per API request, success and
 * failure alike, written before the response leaves.  If the record
 * cannot be made durable the client gets 503 instead of the data (fail
 * closed), and every later request is refused until the log is fixed.
 */
#include "http/routes.h"
#include "audit/audit.h"
#include "core/log.h"

#include <microhttpd.h>

static enum cu_audit_result result_of(int rc, int status)
{
	if (!rc && status < 400)
		return CU_AUDIT_SUCCESS;
	if (rc == CU_ERR_FORBIDDEN || rc == CU_ERR_AUTH || status == 401 || status == 403)
		return CU_AUDIT_DENIED;
	if (status >= 500)
		return CU_AUDIT_ERROR;
	return CU_AUDIT_FAILURE;
}

static enum cu_audit_auth auth_of(const struct cu_req *r)
{
	if (!r->authed || !r->who.method)
		return CU_AUDIT_AUTH_NONE;
	if (strcmp(r->who.method, "token") == 0)
		return CU_AUDIT_AUTH_TOKEN;
	return strcmp(r->who.stage, "full") == 0 ? CU_AUDIT_AUTH_TOTP : CU_AUDIT_AUTH_PASSWORD;
}

int cu_http_audit_ready(struct cu_req *r)
{
	struct cu_audit_status st;
	if (!r->app->audit)
		return CU_OK;
	cu_audit_status(r->app->audit, &st);
	return st.failed ? CU_ERR_UNAVAILABLE : CU_OK;
}

int cu_http_audit(struct cu_req *r, int rc, int status)
{
	const char *names[CU_AUDIT_MAX_FIELDS], *roles[CU_AUDIT_MAX_ROLES];
	char fields[sizeof(r->audit_fields)];
	struct cu_audit_event ev;
	const char *event;
	size_t nf = 0, nr = 0, i;
	json_t *role;
	int err;

	if (!r->app->audit || !r->route || !r->route->event)
		return CU_OK;
	memset(&ev, 0, sizeof(ev));
	event = r->audit_event ? r->audit_event : r->route->event;
	if (strcmp(event, "auth.login") == 0)
		event = result_of(rc, status) == CU_AUDIT_SUCCESS ? "auth.login.success"
								  : "auth.login.failure";
	if (cu_audit_type_parse(event, &ev.type)) {
		cu_error("audit: route event '%s' is not in the vocabulary", event);
		return CU_ERR_INTERNAL;
	}
	snprintf(fields, sizeof(fields), "%s", r->audit_fields);
	for (char *p = fields, *e; *p && nf < CU_AUDIT_MAX_FIELDS; p = e + 1) {
		names[nf++] = p;
		if (!(e = strchr(p, ',')))
			break;
		*e = '\0';
	}
	json_array_foreach(r->who.roles, i, role)
		if (json_is_string(role) && nr < CU_AUDIT_MAX_ROLES)
			roles[nr++] = json_string_value(role);
	ev.actor.id = r->authed ? r->who.user_id : NULL;
	ev.actor.name = r->authed ? r->who.username
				  : (r->audit_actor_name[0] ? r->audit_actor_name : NULL);
	ev.actor.roles = roles;
	ev.actor.nroles = nr;
	ev.actor.auth = auth_of(r);
	ev.actor.session_ref = r->authed && r->who.session_ref[0] ? r->who.session_ref : NULL;
	ev.source = r->source;
	ev.client = r->user_agent[0] ? r->user_agent : NULL;
	ev.object.collection = r->audit_collection;
	ev.object.record_id = r->audit_record[0] ? r->audit_record : NULL;
	ev.object.subject_ref = r->audit_subject[0] ? r->audit_subject : NULL;
	ev.object.fields = names;
	ev.object.nfields = nf;
	ev.purpose = r->audit_purpose;
	ev.reason = r->audit_reason;
	ev.approval_id = r->audit_approval[0] ? r->audit_approval : NULL;
	ev.result = result_of(rc, status);
	ev.reason_code = rc ? cu_err_code(rc) : "ok";
	ev.request_id = r->request_id;
	err = cu_audit_append(r->app->audit, &ev, NULL);
	if (err)
		cu_error("audit: could not record request %s (%s); refusing to answer it",
			 r->request_id, cu_strerror(err));
	return err ? CU_ERR_UNAVAILABLE : CU_OK;
}
