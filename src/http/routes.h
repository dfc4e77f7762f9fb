/*
 * routes.h - the route table: method, path pattern, handler, and what
 * the dispatcher must check before calling it.
 */
#ifndef CU_HTTP_ROUTES_H
#define CU_HTTP_ROUTES_H

#include "http/req.h"

enum {
	CU_R_PUBLIC = 1 << 0, /* no authentication */
	CU_R_JSON = 1 << 1,   /* body must be a JSON object */
	CU_R_ENROL = 1 << 2,  /* allowed before enrolment is finished */
};

struct cu_route {
	const char *method;
	const char *pattern;  /* "/v1/collections/{}/records/{}" */
	int (*fn)(struct cu_req *r);
	unsigned flags;
	unsigned need;        /* administrative modules, any of which is required (policy/roles.h), 0: none */
	const char *event;    /* audit event type */
	const char *audit_module; /* audit module */
};

extern const struct cu_route cu_routes[];

int cu_h_healthz(struct cu_req *r);
int cu_h_metrics(struct cu_req *r);
int cu_h_login(struct cu_req *r);
int cu_h_logout(struct cu_req *r);
int cu_h_me(struct cu_req *r);
int cu_h_collection_create(struct cu_req *r);
int cu_h_collection_list(struct cu_req *r);
int cu_h_collection_get(struct cu_req *r);
int cu_h_record_create(struct cu_req *r);
int cu_h_record_get(struct cu_req *r);
int cu_h_record_update(struct cu_req *r);
int cu_h_record_delete(struct cu_req *r);
int cu_h_record_search(struct cu_req *r);
int cu_h_token_create(struct cu_req *r);
int cu_h_token_list(struct cu_req *r);
int cu_h_token_revoke(struct cu_req *r);
int cu_h_scan(struct cu_req *r);
int cu_h_me_password(struct cu_req *r);
int cu_h_me_totp_begin(struct cu_req *r);
int cu_h_me_totp_confirm(struct cu_req *r);
int cu_h_me_sessions(struct cu_req *r);
int cu_h_me_session_end(struct cu_req *r);
int cu_h_me_notifications(struct cu_req *r);
int cu_h_user_create(struct cu_req *r);
int cu_h_user_list(struct cu_req *r);
int cu_h_user_get(struct cu_req *r);
int cu_h_user_disable(struct cu_req *r);
int cu_h_user_enable(struct cu_req *r);
int cu_h_user_roles(struct cu_req *r);
int cu_h_user_reset_password(struct cu_req *r);
int cu_h_user_reset_totp(struct cu_req *r);
int cu_h_user_delete(struct cu_req *r);
int cu_h_approval_list(struct cu_req *r);
int cu_h_approval_approve(struct cu_req *r);
int cu_h_approval_deny(struct cu_req *r);
int cu_h_settings_get(struct cu_req *r);
int cu_h_settings_put(struct cu_req *r);
int cu_h_role_list(struct cu_req *r);
int cu_h_role_get(struct cu_req *r);
int cu_h_role_put(struct cu_req *r);
int cu_h_role_delete(struct cu_req *r);

/* The operation log (audit_glue.c): is it writable, and record r. */
CU_WUR int cu_http_audit_ready(struct cu_req *r);
CU_WUR int cu_http_audit(struct cu_req *r, int rc, int status);

int cu_h_policy_explain(struct cu_req *r);
int cu_h_purpose_list(struct cu_req *r);
int cu_h_purpose_create(struct cu_req *r);
int cu_h_consent_set(struct cu_req *r);
int cu_h_consent_list(struct cu_req *r);
int cu_h_collection_delete(struct cu_req *r);
int cu_h_export_request(struct cu_req *r);
int cu_h_bulk_delete_request(struct cu_req *r);
int cu_h_export_download(struct cu_req *r);
int cu_h_audit_query(struct cu_req *r);
int cu_h_audit_report_subject(struct cu_req *r);
int cu_h_audit_report_actor(struct cu_req *r);
int cu_h_audit_verify(struct cu_req *r);

/* May r act on username (whose administrative modules must all be r's)?
 * CU_OK, or an error already explained in r. */
CU_WUR int cu_h_may_act_on(struct cu_req *r, const char *username);

/* Replace the session cookie with a new session id (privilege change). */
void cu_req_set_session_cookie(struct cu_req *r, const char *sid);

/* Prometheus text of the server's counters (appended to b). */
CU_WUR int cu_http_metrics_text(struct cu_buf *b);

#endif
