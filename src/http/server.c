/*
 * server.c - libmicrohttpd glue: connection setup, body collection with
 * a hard cap, dispatch through the route table, authentication, CSRF,
 * and one place that turns errors into JSON.
 */
#include "http/routes.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "policy/roles.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>


struct cu_http {
	struct MHD_Daemon *d;
	struct cu_app *app;
	bool tls;
	uint16_t port;
};

static atomic_long inflight;
static atomic_long m_requests, m_2xx, m_4xx, m_5xx, m_auth_fail, m_too_large;
static atomic_long m_latency_us;

/* ---- request accessors ------------------------------------------------ */

const char *cu_req_query(struct cu_req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

struct each_ctx {
	int (*fn)(void *ctx, const char *k, const char *v);
	void *ctx;
	int rc;
};

static enum MHD_Result each_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	struct each_ctx *e = cls;
	(void)kind;
	e->rc = e->fn(e->ctx, k, v ? v : "");
	return e->rc ? MHD_NO : MHD_YES;
}

int cu_req_query_each(struct cu_req *r, int (*fn)(void *ctx, const char *k, const char *v),
		      void *ctx)
{
	struct each_ctx e = { fn, ctx, 0 };
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, each_arg, &e);
	return e.rc;
}

const char *cu_req_header(struct cu_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *cu_req_cookie(struct cu_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

int cu_req_reply(struct cu_req *r, int status, json_t *body)
{
	json_decref(r->resp);
	r->status = status;
	r->resp = body;
	return CU_OK;
}

int cu_req_error(struct cu_req *r, int err, const char *field, const char *fmt, ...)
{
	va_list ap;
	snprintf(r->err_field, sizeof(r->err_field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(r->err_msg, sizeof(r->err_msg), fmt, ap);
	va_end(ap);
	return err;
}

void cu_req_set_session_cookie(struct cu_req *r, const char *sid)
{
	struct cu_buf cookie;
	if (r->set_cookie) {
		cu_memzero(r->set_cookie, strlen(r->set_cookie));
		cu_free(r->set_cookie);
	}
	cu_buf_init(&cookie, 512);
	if (sid) {
		if (cu_buf_printf(&cookie, "%s=%s; Path=/; Secure; HttpOnly; SameSite=Strict",
				  CU_SESSION_COOKIE, sid))
			abort();
	} else if (cu_buf_printf(&cookie, "%s=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0",
				 CU_SESSION_COOKIE)) {
		abort();
	}
	r->set_cookie = cu_buf_detach(&cookie, NULL);
}

/* ---- responses ---------------------------------------------------------- */

static json_t *error_body(int err, const char *field, const char *msg)
{
	json_t *e = json_object(), *o = json_object();
	json_object_set_new(e, "code", json_string(cu_err_code(err)));
	json_object_set_new(e, "message", json_string(msg && *msg ? msg : cu_strerror(err)));
	if (field && *field)
		json_object_set_new(e, "field", json_string(field));
	json_object_set_new(o, "error", e);
	return o;
}

static enum MHD_Result send_json(struct cu_http *h, struct cu_req *r, int status, json_t *body)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char *text = NULL;
	size_t len = 0;

	if (r->raw_body) {
		text = r->raw_body;
		len = r->raw_len;
		r->raw_body = NULL;
	} else if (body) {
		struct cu_buf b;
		cu_buf_init(&b, SIZE_MAX / 2);
		if (cu_json_dump_buf(body, &b) || cu_buf_putc(&b, '\n'))
			abort();
		text = cu_buf_detach(&b, &len);
	}
	resp = MHD_create_response_from_buffer_with_free_callback(len, text ? text : cu_strdup(""),
								  cu_free);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type",
				r->raw_type ? r->raw_type : "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'");
	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	if (h->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (r->set_cookie)
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"custos\"");
	ret = MHD_queue_response(r->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	if (status < 300)
		m_2xx++;
	else if (status < 500)
		m_4xx++;
	else
		m_5xx++;
	return ret;
}

/* ---- routing and authentication -------------------------------------- */

/* Match path against pattern, capturing {} segments into r->params
 * (pointers into pathbuf, which the caller keeps alive). */
static bool match(const char *pattern, char *pathbuf, struct cu_req *r)
{
	const char *p = pattern;
	char *s = pathbuf;

	r->nparams = 0;
	while (*p && *s) {
		if (p[0] == '{' && p[1] == '}') {
			char *end = strchr(s, '/');
			if (end == s || r->nparams >= CU_MAX_PATH_PARAMS)
				return false;
			r->params[r->nparams++] = s;
			p += 2;
			if (!end) {
				s += strlen(s);
				break;
			}
			if (*p != '/')
				return false;
			*end = '\0';
			s = end + 1;
			p++;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

static int authenticate(struct cu_req *r, bool *csrf_ok)
{
	struct cu_app *app = r->app;
	const char *auth = cu_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *sid;
	int rc;

	*csrf_ok = true;
	if (auth) {
		if (strncasecmp(auth, "Bearer ", 7) != 0)
			return cu_req_error(r, CU_ERR_AUTH, NULL, "unsupported Authorization scheme; use Bearer");
		rc = cu_accounts_token_auth(app->accounts, auth + 7, &r->who);
		if (rc)
			return cu_req_error(r, rc == CU_ERR_AUTH ? CU_ERR_AUTH : rc, NULL,
					    "invalid, expired or revoked token");
		r->authed = true;
		return CU_OK;
	}
	sid = cu_req_cookie(r, CU_SESSION_COOKIE);
	if (!sid)
		return cu_req_error(r, CU_ERR_AUTH, NULL,
				    "log in first (POST /v1/login) or send a Bearer token");
	rc = cu_accounts_session_auth(app->accounts, sid, &r->who);
	if (rc)
		return cu_req_error(r, rc == CU_ERR_AUTH ? CU_ERR_AUTH : rc, NULL,
				    "session expired or ended; log in again");
	r->authed = true;
	/* Cookie-authenticated state changes need the session's CSRF token. */
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
		const char *tok = cu_req_header(r, "X-CSRF-Token");
		*csrf_ok = tok && cu_streq_ct(tok, r->who.csrf);
	}
	return CU_OK;
}

static int parse_body(struct cu_req *r)
{
	const char *ct = cu_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	char why[192];
	int rc;

	if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';'))
		return cu_req_error(r, CU_ERR_UNSUPPORTED, NULL,
				    "send the body as Content-Type: application/json");
	rc = cu_json_parse(r->body.data ? r->body.data : "", r->body.len, &r->json, why, sizeof(why));
	if (rc)
		return cu_req_error(r, rc, NULL, "%s", why);
	if (!json_is_object(r->json))
		return cu_req_error(r, CU_ERR_INVALID, NULL, "the body must be a JSON object");
	return CU_OK;
}

static int dispatch(struct cu_req *r)
{
	char pathbuf[CU_MAX_URL_BYTES + 1];
	const struct cu_route *rt, *found = NULL;
	bool path_seen = false, csrf_ok = true;
	int rc;

	if (strlen(r->path) > CU_MAX_URL_BYTES)
		return cu_req_error(r, CU_ERR_TOO_LARGE, NULL, "URL too long");
	for (rt = cu_routes; rt->method; rt++) {
		snprintf(pathbuf, sizeof(pathbuf), "%s", r->path);
		if (!match(rt->pattern, pathbuf, r))
			continue;
		path_seen = true;
		/* HEAD is GET without the body (libmicrohttpd drops it). */
		if (strcmp(rt->method, r->method) == 0 ||
		    (strcmp(r->method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0)) {
			found = rt;
			break;
		}
	}
	if (!found)
		return path_seen ? cu_req_error(r, CU_ERR_METHOD, NULL, "method not allowed here")
				 : cu_req_error(r, CU_ERR_NOT_FOUND, NULL, "no such endpoint");
	r->route = found;
	/* Fail closed: no log, no service. */
	if (found->event && cu_http_audit_ready(r))
		return cu_req_error(r, CU_ERR_UNAVAILABLE, NULL,
				    "the operation log cannot be written; the service refuses "
				    "requests until it is fixed");
	if (r->body_too_large)
		return cu_req_error(r, CU_ERR_TOO_LARGE, NULL, "request body larger than %u bytes",
				    CU_MAX_BODY_BYTES);
	if (!(found->flags & CU_R_PUBLIC)) {
		if ((rc = authenticate(r, &csrf_ok))) {
			m_auth_fail++;
			return rc;
		}
		if (!csrf_ok)
			return cu_req_error(r, CU_ERR_FORBIDDEN, NULL,
					    "missing or wrong X-CSRF-Token for a session request");
		if (strcmp(r->who.stage, "full") != 0 && !(found->flags & CU_R_ENROL))
			return cu_req_error(r, CU_ERR_FORBIDDEN, NULL,
					    "finish enrolment first: set your own password "
					    "(POST /v1/me/password) and enrol TOTP (POST /v1/me/totp)");
		/* Roles are read on every request: changes apply at once. */
		if ((rc = cu_grants_load(r->app->store, r->who.roles, &r->grants)))
			return rc;
		r->who.modules = r->grants.modules;
		r->who.is_admin = r->who.modules == CU_MOD_ALL;
		if (found->need && !(r->who.modules & found->need))
			return cu_req_error(r, CU_ERR_FORBIDDEN, NULL,
					    "your roles do not include the '%s' administration module",
					    cu_module_name(found->need & -found->need));
	}
	if ((found->flags & CU_R_JSON) && (rc = parse_body(r)))
		return rc;
	return found->fn(r);
}

/* ---- libmicrohttpd callbacks ------------------------------------------ */

static void fill_source(struct cu_req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(r->source, sizeof(r->source), "unknown");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, r->source,
			  sizeof(r->source));
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr,
			  r->source, sizeof(r->source));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct cu_http *h = cls;
	struct cu_req *r = *con_cls;
	int64_t t0;
	int rc;

	(void)version;
	if (!r) {
		const char *cl, *ua;
		char *id;
		r = cu_calloc(1, sizeof(*r));
		r->app = h->app;
		r->conn = conn;
		r->method = method;
		r->path = url;
		r->status = 0;
		cu_buf_init(&r->body, CU_MAX_BODY_BYTES);
		id = cu_random_id(12);
		snprintf(r->request_id, sizeof(r->request_id), "%s", id);
		cu_free(id);
		fill_source(r);
		ua = cu_req_header(r, MHD_HTTP_HEADER_USER_AGENT);
		snprintf(r->user_agent, sizeof(r->user_agent), "%s", ua ? ua : "");
		cl = cu_req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t clen;
		if (cl && (cu_parse_int64(cl, 0, INT64_MAX, &clen) || clen > (int64_t)CU_MAX_BODY_BYTES))
			r->body_too_large = true;
		*con_cls = r;
		inflight++;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->body_too_large && cu_buf_append(&r->body, upload, *upload_size))
			r->body_too_large = true;
		*upload_size = 0;
		return MHD_YES;
	}
	t0 = cu_time_mono_ms();
	m_requests++;
	rc = dispatch(r);
	if (r->body_too_large)
		m_too_large++;
	if (rc) {
		cu_free(r->raw_body);
		r->raw_body = NULL;
		r->raw_type = NULL;
		json_decref(r->resp);
		r->resp = error_body(rc, r->err_field, r->err_msg);
		r->status = cu_err_http_status(rc);
		if (r->status >= 500)
			cu_warn("http: %s %s -> %d (%s) request %s", method, url, r->status,
				cu_err_code(rc), r->request_id);
	}
	if (!r->status)
		r->status = 200;
	if (cu_http_audit(r, rc, r->status)) {
		json_decref(r->resp);
		cu_free(r->raw_body);
		r->raw_body = NULL;
		r->raw_type = NULL;
		if (r->set_cookie) {
			cu_memzero(r->set_cookie, strlen(r->set_cookie));
			cu_free(r->set_cookie);
			r->set_cookie = NULL;
		}
		r->resp = error_body(CU_ERR_UNAVAILABLE, NULL,
				     "the operation log cannot be written; nothing is served until it is");
		r->status = 503;
	}
	m_latency_us += (cu_time_mono_ms() - t0) * 1000;
	return send_json(h, r, r->status, r->resp);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct cu_req *r = *con_cls;
	(void)cls;
	(void)conn;
	(void)toe;
	if (!r)
		return;
	if (r->body.data)
		cu_memzero(r->body.data, r->body.len);
	cu_buf_release(&r->body);
	json_decref(r->json);
	json_decref(r->resp);
	cu_free(r->raw_body);
	cu_principal_release(&r->who);
	cu_grants_release(&r->grants);
	if (r->set_cookie) {
		cu_memzero(r->set_cookie, strlen(r->set_cookie));
		cu_free(r->set_cookie);
	}
	cu_free(r);
	*con_cls = NULL;
	inflight--;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n'))
		msg[--n] = '\0';
	cu_debug("http: %s", msg);
}

int cu_http_metrics_text(struct cu_buf *b)
{
	return cu_buf_printf(b,
			     "# HELP custos_http_requests_total HTTP requests handled.\n"
			     "# TYPE custos_http_requests_total counter\n"
			     "custos_http_requests_total %ld\n"
			     "# HELP custos_http_responses_total HTTP responses by status class.\n"
			     "# TYPE custos_http_responses_total counter\n"
			     "custos_http_responses_total{class=\"2xx\"} %ld\n"
			     "custos_http_responses_total{class=\"4xx\"} %ld\n"
			     "custos_http_responses_total{class=\"5xx\"} %ld\n"
			     "# HELP custos_http_auth_failures_total Requests refused for missing or bad credentials.\n"
			     "# TYPE custos_http_auth_failures_total counter\n"
			     "custos_http_auth_failures_total %ld\n"
			     "# HELP custos_http_too_large_total Requests refused for an oversized body.\n"
			     "# TYPE custos_http_too_large_total counter\n"
			     "custos_http_too_large_total %ld\n"
			     "# HELP custos_http_handler_seconds_total Time spent in handlers.\n"
			     "# TYPE custos_http_handler_seconds_total counter\n"
			     "custos_http_handler_seconds_total %.3f\n"
			     "# HELP custos_http_inflight Requests in progress.\n"
			     "# TYPE custos_http_inflight gauge\n"
			     "custos_http_inflight %ld\n",
			     (long)m_requests, (long)m_2xx, (long)m_4xx, (long)m_5xx, (long)m_auth_fail,
			     (long)m_too_large, (double)m_latency_us / 1e6, (long)inflight);
}

bool cu_http_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (strcmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

int cu_http_start(struct cu_app *app, const struct cu_http_opts *o, struct cu_http **out)
{
	struct cu_http *h;
	struct sockaddr_storage ss;
	socklen_t sslen;
	const char *host = strcmp(o->host, "localhost") == 0 ? "127.0.0.1" : o->host;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
	const union MHD_DaemonInfo *di;

	*out = NULL;
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(o->port);
		sslen = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(o->port);
		flags |= MHD_USE_IPv6;
		sslen = sizeof(*s6);
	} else {
		cu_error("http: listen address must be a numeric IP address");
		return CU_ERR_INVALID;
	}
	if (o->plain && !cu_http_host_is_loopback(host)) {
		cu_error("http: refusing plain HTTP on a non-loopback address; use TLS");
		return CU_ERR_FORBIDDEN;
	}
	if (!o->plain) {
		if (!o->cert_pem || !o->key_pem || MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
			return CU_ERR_UNSUPPORTED;
		flags |= MHD_USE_TLS;
	}
	h = cu_calloc(1, sizeof(*h));
	h->app = app;
	h->tls = !o->plain;
	(void)sslen;
	if (h->tls)
		h->d = MHD_start_daemon(flags, o->port, NULL, NULL, on_request, h,
					MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
					MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : 4),
					MHD_OPTION_CONNECTION_LIMIT, (unsigned)CU_MAX_CONNECTIONS,
					MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CU_HTTP_TIMEOUT_S,
					MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
					MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,
					MHD_OPTION_HTTPS_MEM_CERT, o->cert_pem,
					MHD_OPTION_HTTPS_MEM_KEY, o->key_pem,
					MHD_OPTION_HTTPS_PRIORITIES,
					"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
					MHD_OPTION_END);
	else
		h->d = MHD_start_daemon(flags, o->port, NULL, NULL, on_request, h,
					MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
					MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : 4),
					MHD_OPTION_CONNECTION_LIMIT, (unsigned)CU_MAX_CONNECTIONS,
					MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CU_HTTP_TIMEOUT_S,
					MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
					MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,
					MHD_OPTION_END);
	if (!h->d) {
		cu_free(h);
		cu_error("http: cannot listen on %s port %u (in use, or not permitted)", o->host,
			 (unsigned)o->port);
		return CU_ERR_IO;
	}
	di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = di ? di->port : o->port;
	*out = h;
	return CU_OK;
}

uint16_t cu_http_port(const struct cu_http *h)
{
	return h->port;
}

void cu_http_stop(struct cu_http *h, int grace_ms)
{
	int64_t until;
	MHD_socket s;

	if (!h)
		return;
	/* Stop accepting; requests already in progress run to completion. */
	s = MHD_quiesce_daemon(h->d);
	if (s != MHD_INVALID_SOCKET)
		close(s);
	until = cu_time_mono_ms() + grace_ms;
	while (inflight > 0 && cu_time_mono_ms() < until)
		usleep(10000);
	MHD_stop_daemon(h->d);
	cu_free(h);
}
