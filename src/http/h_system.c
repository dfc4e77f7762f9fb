/* GET /healthz, GET /metrics. */
#include "http/routes.h"

#include <microhttpd.h>

int cu_h_healthz(struct cu_req *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string("ok"));
	return cu_req_reply(r, 200, o);
}

int cu_h_metrics(struct cu_req *r)
{
	struct cu_buf b;
	int rc;
	cu_buf_init(&b, 1 << 16);
	if ((rc = cu_http_metrics_text(&b))) {
		cu_buf_release(&b);
		return rc;
	}
	/* Prometheus wants text, not JSON: hand the server a raw body. */
	r->raw_body = cu_buf_detach(&b, &r->raw_len);
	r->raw_type = "text/plain; version=0.0.4; charset=utf-8";
	r->status = 200;
	return CU_OK;
}
