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
	CU_R_ADMIN = 1 << 2,  /* administrators only */
};

struct cu_route {
	const char *method;
	const char *pattern;  /* "/v1/collections/{}/records/{}" */
	int (*fn)(struct cu_req *r);
	unsigned flags;
	const char *event;    /* audit event type */
	const char *module;   /* audit module */
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

/* Prometheus text of the server's counters (appended to b). */
CU_WUR int cu_http_metrics_text(struct cu_buf *b);

#endif
