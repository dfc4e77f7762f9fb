/*
 * req.h - one HTTP request as handlers see it.
 *
 * A handler reads the request (path parameters, query, JSON body, the
 * authenticated principal), then either fills in status + body and
 * returns CU_OK, or returns a cu_err after cu_req_error() (or not: the
 * dispatcher then answers with the code's standard message).  Bodies and
 * everything hung on the request are freed when the request completes.
 */
#ifndef CU_HTTP_REQ_H
#define CU_HTTP_REQ_H

#include "core/buf.h"
#include "core/json.h"
#include "accounts/accounts.h"
#include "http/http.h"
#include "policy/policy.h"

#define CU_MAX_PATH_PARAMS 4
/* The session cookie (__Host-: Secure, no Domain, Path=/). */
#define CU_SESSION_COOKIE "__Host-custos_session"

struct MHD_Connection;
struct cu_route;

struct cu_req {
	struct cu_app *app;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	const char *params[CU_MAX_PATH_PARAMS]; /* captured {segments}, borrowed */
	size_t nparams;
	struct cu_buf body;
	bool body_too_large;
	json_t *json;                 /* parsed body, when the route takes one */
	bool authed;
	struct cu_principal who;
	struct cu_grants grants;      /* merged from who.roles for this request */
	char request_id[24];
	char source[64];              /* client address */
	char user_agent[128];
	/* response */
	int status;
	json_t *resp;                 /* owned */
	char *set_cookie;             /* owned; one Set-Cookie header */
	char *raw_body;               /* owned; a non-JSON body (metrics) */
	size_t raw_len;
	const char *raw_type;         /* its Content-Type */
	char err_field[CU_MAX_NAME_BYTES + 16];
	char err_msg[256];
	/* audit details a handler adds (names only, never values) */
	const char *audit_collection;
	char audit_collection_buf[CU_MAX_NAME_BYTES + 1];
	char audit_record[48];
	char audit_subject[64];
	char audit_fields[512];
	const char *audit_purpose;
	const char *audit_event;      /* overrides the route's event (e.g. record.reveal) */
	const char *audit_reason;     /* justification given (?reason=) */
	char audit_approval[40];
	char audit_actor_name[CU_MAX_NAME_BYTES + 1]; /* who tried, before authentication */
	const struct cu_route *route; /* the matched route, if any */
};

/* A query-string argument, or NULL. */
const char *cu_req_query(struct cu_req *r, const char *key);
/* Call fn for each query argument; stops at the first non-zero return. */
int cu_req_query_each(struct cu_req *r, int (*fn)(void *ctx, const char *k, const char *v),
		      void *ctx);
/* A request header, or NULL. */
const char *cu_req_header(struct cu_req *r, const char *name);
/* A cookie value, or NULL. */
const char *cu_req_cookie(struct cu_req *r, const char *name);

/* Answer status with body (consumed). Always returns CU_OK. */
int cu_req_reply(struct cu_req *r, int status, json_t *body);
/* Record an error message (and the field it concerns) and return err. */
int cu_req_error(struct cu_req *r, int err, const char *field, const char *fmt, ...)
	CU_PRINTF(4, 5);

#endif
