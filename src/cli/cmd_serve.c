/* custos serve: the HTTPS JSON API. */
#include "cli/cli.h"
#include "cli/data.h"
#include "accounts/accounts.h"
#include "core/json.h"
#include "core/log.h"
#include "core/util.h"
#include "audit/audit.h"
#include "dlp/dlp.h"
#include "http/http.h"
#include "policy/roles.h"
#include "store/store.h"
#include "vault/vault.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

const char cu_usage_serve[] =
	"usage: custos serve --data DIR [--listen HOST:PORT] [--tls-cert F --tls-key F]\n"
	"                    [--plain-http] [--threads N] [--db URL]\n"
	"                    [--key-file F | --passphrase-file F] [--audit-retention DAYS]\n"
	"                    [--audit-noop]\n"
	"\n"
	"Serve the HTTPS JSON API on HOST:PORT (default 127.0.0.1:8443) with the\n"
	"certificate made by 'custos init' unless --tls-cert/--tls-key are given.\n"
	"--plain-http is refused unless HOST is a loopback address.\n"
	"The master key comes as for 'custos init'; a wrong one fails at once\n"
	"with exit status 1.  SIGTERM or SIGINT let in-flight requests finish,\n"
	"then the server exits with status 0.  --threads (default 16) is the number\n"
	"of requests served at once.\n"
	"\n"
	"POST /v1/scan uses the detectors of 'custos scan' plus the user rules in\n"
	"DIR/dlp-rules.json when that file exists (see docs/scan.md).\n"
	"\n"
	"Every API request is recorded in the operation log (DIR/audit); if a record\n"
	"cannot be written the request is refused with 503 and so is every later one.\n"
	"Records older than --audit-retention days (default and minimum 180) are\n"
	"purged as whole checkpointed segments, at start and then daily.\n"
	"--audit-noop replaces the log with a sink that keeps nothing: for the\n"
	"audit benchmark only, never in production.\n";

static int parse_listen(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	int64_t p;
	size_t hl;

	if (!colon)
		return CU_ERR_INVALID;
	hl = (size_t)(colon - s);
	if (hl >= 2 && s[0] == '[' && s[hl - 1] == ']') {
		s++;
		hl -= 2;
	}
	if (hl == 0 || hl >= hostlen || cu_parse_int64(colon + 1, 0, 65535, &p))
		return CU_ERR_INVALID;
	memcpy(host, s, hl);
	host[hl] = '\0';
	*port = (uint16_t)p;
	/* A numeric address (or localhost): no name lookups at start. */
	{
		unsigned char buf[sizeof(struct in6_addr)];
		if (strcmp(host, "localhost") && inet_pton(AF_INET, host, buf) != 1 &&
		    inet_pton(AF_INET6, host, buf) != 1)
			return CU_ERR_INVALID;
	}
	return CU_OK;
}

/* Retention: once at start and then daily, purge the operation log's
 * segments that are past the retention period and covered by a signed
 * checkpoint (the purge verifies the log first and records itself). */
struct purger {
	struct cu_audit *audit;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
};

static void *purge_loop(void *arg)
{
	struct purger *p = arg;
	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		uint64_t n = 0;
		struct timespec until;
		pthread_mutex_unlock(&p->lock);
		int r = cu_audit_purge(p->audit, cu_time_now(), &n);
		if (r)
			cu_error("audit: retention purge failed: %s", cu_strerror(r));
		else if (n)
			cu_info("audit: purged %llu records past retention", (unsigned long long)n);
		pthread_mutex_lock(&p->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 86400;
		while (!p->stop && pthread_cond_timedwait(&p->cond, &p->lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void purger_stop(struct purger *p)
{
	if (!p->audit)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	p->audit = NULL;
}

static void audit_failed(void *ctx, int err)
{
	(void)ctx;
	cu_error("ALERT: the operation log can no longer be written (%s); every request is "
		 "refused with 503 until it is fixed and the server restarted", cu_strerror(err));
}

static int system_event(struct cu_audit *a, enum cu_audit_type t, const char *code)
{
	struct cu_audit_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = t;
	ev.actor.name = "system";
	ev.actor.auth = CU_AUDIT_AUTH_NONE;
	ev.result = CU_AUDIT_SUCCESS;
	ev.reason_code = code;
	return cu_audit_append(a, &ev, NULL);
}

/* The scanner of POST /v1/scan, with DIR/dlp-rules.json if present. */
static int open_dlp(const char *dir, struct cu_dlp **out)
{
	struct cu_dlp_opts o;
	char *path = cu_data_path(dir, "dlp-rules.json"), *rules = NULL, why[256];
	size_t len = 0;
	int r;

	cu_dlp_opts_init(&o);
	r = cu_file_read(path, 16u << 20, &rules, &len);
	if (r && r != CU_ERR_NOT_FOUND) {
		cu_cli_fail("cannot read %s: %s", path, cu_strerror(r));
		cu_free(path);
		return r;
	}
	o.rules = rules;
	o.rules_len = len;
	r = cu_dlp_new(&o, out, why, sizeof(why));
	if (r)
		cu_cli_fail("cannot build the scanner from %s: %s", path, why);
	cu_free(rules);
	cu_free(path);
	return r;
}

/* Keep secrets out of swap and core dumps, and away from ptrace. */
static void harden_process(void)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		cu_warn("serve: could not mark the process non-dumpable");
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		cu_info("serve: memory not locked (%s); key material is still in locked pages",
			strerror(errno));
}

int cu_cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "tls-cert", required_argument, NULL, 'c' },
		{ "tls-key", required_argument, NULL, 'k' },
		{ "plain-http", no_argument, NULL, 'P' },
		{ "threads", required_argument, NULL, 't' },
		{ "db", required_argument, NULL, 'D' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "audit-noop", no_argument, NULL, 'N' },
		{ "audit-retention", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cu_audit_opts ao = { 0 };
	struct cu_audit *audit = NULL;
	struct cu_dlp *dlp = NULL;
	struct purger purger = { 0 };
	const char *dir = NULL, *listen = "127.0.0.1:8443", *certf = NULL, *keyf = NULL, *db = NULL;
	struct cu_keyopts ko = { NULL, NULL };
	struct cu_http_opts ho = { 0 };
	char host[128];
	int64_t threads = 16; /* requests waiting on a durable audit record each hold one */
	struct cu_keyring *kr = NULL;
	struct cu_store *store = NULL;
	struct cu_vault *vault = NULL;
	struct cu_accounts *acc = NULL;
	struct cu_http *http = NULL;
	struct cu_app app = { 0 };
	char *cert = NULL, *key = NULL, *path;
	sigset_t set;
	int c, sig, r, rc = CU_EXIT_FAIL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'l': listen = optarg; break;
		case 'c': certf = optarg; break;
		case 'k': keyf = optarg; break;
		case 'P': ho.plain = true; break;
		case 'N': ao.noop = true; break;
		case 'R':
			if (cu_parse_int64(optarg, 180, 36500, &ao.retention_days))
				return cu_cli_usage_error("serve", "--audit-retention must be 180..36500 "
								   "days (the law asks for at least 180)");
			break;
		case 'D': db = optarg; break;
		case 'K': ko.key_file = optarg; break;
		case 'p': ko.passphrase_file = optarg; break;
		case 't':
			if (cu_parse_int64(optarg, 1, 256, &threads))
				return cu_cli_usage_error("serve", "--threads must be 1..256");
			break;
		case 'h': fputs(cu_usage_serve, stdout); return CU_EXIT_OK;
		default: return cu_cli_usage_error("serve", "see 'custos help serve'");
		}
	}
	if (!dir || optind != argc)
		return cu_cli_usage_error("serve", "--data DIR is required; see 'custos help serve'");
	if (parse_listen(listen, host, sizeof(host), &ho.port))
		return cu_cli_usage_error("serve", "--listen must be HOST:PORT with a numeric address");
	if (!!certf != !!keyf)
		return cu_cli_usage_error("serve", "--tls-cert and --tls-key go together");
	if (db && strncmp(db, "postgres://", 11) && strncmp(db, "postgresql://", 13))
		return cu_cli_usage_error("serve", "--db takes a postgres:// URL; without it the "
						   "embedded SQLite store in DIR is used");
	if (ho.plain && !cu_http_host_is_loopback(host))
		return cu_cli_usage_error("serve",
					  "--plain-http is only allowed on a loopback address; use TLS");
	ho.host = host;
	ho.threads = (unsigned)threads;

	harden_process();
	cu_json_init();
	if ((r = cu_data_open_keyring(dir, &ko, &kr)))
		return r == CU_ERR_USAGE ? CU_EXIT_USAGE : CU_EXIT_FAIL;
	if (!ho.plain) {
		path = certf ? cu_strdup(certf) : cu_data_path(dir, "tls/cert.pem");
		r = cu_file_read(path, 1 << 20, &cert, NULL);
		cu_free(path);
		if (!r) {
			path = keyf ? cu_strdup(keyf) : cu_data_path(dir, "tls/key.pem");
			r = cu_file_read(path, 1 << 20, &key, NULL);
			cu_free(path);
		}
		if (r) {
			cu_cli_fail("cannot read the TLS certificate or key: %s", cu_strerror(r));
			goto out;
		}
	}
	if ((r = cu_data_open_store(dir, db, (size_t)threads + 1, &store)))
		goto out;
	if ((r = cu_vault_new(store, kr, &vault)) || (r = cu_accounts_new(store, kr, &acc))) {
		cu_cli_fail("cannot start: %s", cu_strerror(r));
		goto out;
	}
	ao.on_failure = audit_failed;
	if ((r = cu_audit_open(dir, kr, &ao, &audit))) {
		cu_cli_fail("cannot open the operation log: %s%s", cu_strerror(r),
			    r == CU_ERR_INTEGRITY ? " (run 'custos audit verify')" : "");
		goto out;
	}
	if (ao.noop)
		cu_warn("serve: --audit-noop: NOTHING IS BEING AUDITED (benchmark mode)");
	if ((r = system_event(audit, CU_AUDIT_SYSTEM_START, ao.noop ? "audit_noop" : "ok"))) {
		cu_cli_fail("cannot write to the operation log: %s", cu_strerror(r));
		goto out;
	}
	if ((r = open_dlp(dir, &dlp)))
		goto out;
	cu_accounts_set_privileged(acc, cu_roles_privileged, store);
	app.dlp = dlp;
	app.audit = audit;
	app.data_dir = dir;
	app.store = store;
	app.kr = kr;
	app.vault = vault;
	app.accounts = acc;
	ho.cert_pem = cert;
	ho.key_pem = key;

	/* Block the stop signals in every thread; this one waits for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!ao.noop) {
		pthread_mutex_init(&purger.lock, NULL);
		pthread_cond_init(&purger.cond, NULL);
		purger.audit = audit;
		if (pthread_create(&purger.thread, NULL, purge_loop, &purger)) {
			purger.audit = NULL;
			cu_warn("serve: could not start the retention purge");
		}
	}
	if ((r = cu_http_start(&app, &ho, &http))) {
		cu_cli_fail(r == CU_ERR_IO ? "cannot listen on %s (the port is in use, or not permitted)"
					   : "cannot start the HTTP server on %s", listen);
		goto out;
	}
	cu_info("serve: listening on %s://%s:%u (store: %s)", ho.plain ? "http" : "https",
		strchr(host, ':') ? "[::1]" : host, (unsigned)cu_http_port(http), cu_store_backend(store));
	fflush(stderr);
	sigwait(&set, &sig);
	cu_info("serve: %s received, finishing in-flight requests", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	cu_http_stop(http, 10000);
	http = NULL;
	rc = CU_EXIT_OK;
	if (system_event(audit, CU_AUDIT_SYSTEM_STOP, "ok"))
		rc = CU_EXIT_FAIL;
	cu_info("serve: stopped");
out:
	purger_stop(&purger);
	if (audit && cu_audit_close(audit)) {
		cu_error("serve: the operation log did not close cleanly");
		rc = CU_EXIT_FAIL;
	}
	cu_dlp_free(dlp);
	cu_accounts_free(acc);
	cu_vault_free(vault);
	cu_store_close(store);
	cu_keyring_free(kr);
	if (key) {
		cu_memzero(key, strlen(key));
		cu_free(key);
	}
	cu_free(cert);
	return rc;
}
