/*
 * http.h - the HTTPS JSON API server (libmicrohttpd; the only module that
 * includes microhttpd.h).
 *
 * http/ parses, authenticates, asks policy, calls a service and answers.
 * It never builds SQL and never touches key bytes.
 */
#ifndef CU_HTTP_HTTP_H
#define CU_HTTP_HTTP_H

#include "core/common.h"

struct cu_store;
struct cu_keyring;
struct cu_vault;
struct cu_accounts;
struct cu_dlp;
struct cu_audit;

/* The services one server process works with (all borrowed). */
struct cu_app {
	struct cu_store *store;
	const struct cu_keyring *kr;
	struct cu_vault *vault;
	struct cu_accounts *accounts;
	struct cu_audit *audit;     /* the operation log; every /v1 request is recorded */
	const char *data_dir;       /* for reading the operation log */
	const struct cu_dlp *dlp;   /* NULL: /v1/scan answers 503 */
};

struct cu_http_opts {
	const char *host;       /* numeric address to bind */
	uint16_t port;
	const char *cert_pem;   /* PEM text (not a path); NULL with plain */
	const char *key_pem;
	bool plain;             /* plain HTTP: only allowed on loopback */
	unsigned threads;
};

struct cu_http;

CU_WUR int cu_http_start(struct cu_app *app, const struct cu_http_opts *o, struct cu_http **out);
/* Stop accepting, let in-flight requests finish (up to grace_ms), stop. */
void cu_http_stop(struct cu_http *h, int grace_ms);
/* The port actually bound (useful with port 0). */
uint16_t cu_http_port(const struct cu_http *h);
/* True if host is a loopback address (127.0.0.0/8, ::1, localhost). */
bool cu_http_host_is_loopback(const char *host);

#endif
