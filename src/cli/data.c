#include "cli/data.h"
#include "cli/cli.h"
#include "core/util.h"
#include "store/store.h"
#include "audit/audit.h"

#include <pwd.h>

#include <termios.h>
#include <unistd.h>

#define MAX_PASSPHRASE 1024

char *cu_data_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = cu_malloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static int prompt(const char *msg, char *buf, size_t n)
{
	struct termios old, quiet;
	FILE *tty = fopen("/dev/tty", "r+");
	int r = CU_OK;

	if (!tty)
		return CU_ERR_USAGE;
	fputs(msg, tty);
	fflush(tty);
	tcgetattr(fileno(tty), &old);
	quiet = old;
	quiet.c_lflag &= (tcflag_t)~ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	if (!fgets(buf, (int)n, tty))
		r = CU_ERR_USAGE;
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	buf[strcspn(buf, "\r\n")] = '\0';
	return r;
}

int cu_keysrc_get(const struct cu_keyopts *o, bool confirm, struct cu_key_source *src)
{
	char *pass;
	const char *env;

	memset(src, 0, sizeof(*src));
	if (o->key_file) {
		src->key_file = o->key_file;
		return CU_OK;
	}
	pass = cu_secret_alloc(MAX_PASSPHRASE + 2);
	if (o->passphrase_file) {
		char *data = NULL;
		size_t len = 0;
		int r = cu_file_read(o->passphrase_file, MAX_PASSPHRASE, &data, &len);
		if (r) {
			cu_secret_free(pass);
			fprintf(stderr, "custos: cannot read the passphrase file: %s\n", cu_strerror(r));
			return r;
		}
		while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
			len--;
		memcpy(pass, data, len);
		cu_memzero(data, len);
		cu_free(data);
	} else if ((env = getenv("CUSTOS_PASSPHRASE")) != NULL) {
		if (strlen(env) > MAX_PASSPHRASE) {
			cu_secret_free(pass);
			return CU_ERR_TOO_LARGE;
		}
		memcpy(pass, env, strlen(env));
	} else if (isatty(STDIN_FILENO)) {
		char *again = cu_secret_alloc(MAX_PASSPHRASE + 2);
		int r = prompt("custos passphrase: ", pass, MAX_PASSPHRASE + 1);
		if (!r && confirm) {
			r = prompt("again: ", again, MAX_PASSPHRASE + 1);
			if (!r && strcmp(pass, again) != 0) {
				fprintf(stderr, "custos: the passphrases differ\n");
				r = CU_ERR_USAGE;
			}
		}
		cu_secret_free(again);
		if (r) {
			cu_secret_free(pass);
			return r;
		}
	} else {
		cu_secret_free(pass);
		fprintf(stderr, "custos: no master key: set CUSTOS_PASSPHRASE, or use "
				"--passphrase-file or --key-file\n");
		return CU_ERR_USAGE;
	}
	if (!*pass) {
		cu_secret_free(pass);
		fprintf(stderr, "custos: the passphrase is empty\n");
		return CU_ERR_USAGE;
	}
	if (confirm && strlen(pass) < 12) {
		cu_secret_free(pass);
		fprintf(stderr, "custos: the passphrase must be at least 12 characters\n");
		return CU_ERR_USAGE;
	}
	src->passphrase = pass;
	src->passlen = strlen(pass);
	return CU_OK;
}

void cu_keysrc_release(struct cu_key_source *src)
{
	if (src->passphrase)
		cu_secret_free((void *)src->passphrase);
	memset(src, 0, sizeof(*src));
}

int cu_data_open_keyring(const char *dir, const struct cu_keyopts *o, struct cu_keyring **kr)
{
	struct cu_key_source src;
	char *path = cu_data_path(dir, "keyring.json");
	int r;

	*kr = NULL;
	if (access(path, F_OK) != 0) {
		fprintf(stderr, "custos: %s is not a custos data directory (run 'custos init' first)\n",
			dir);
		cu_free(path);
		return CU_ERR_NOT_FOUND;
	}
	if ((r = cu_keysrc_get(o, false, &src))) {
		cu_free(path);
		return r;
	}
	r = cu_keyring_open(path, &src, kr);
	cu_keysrc_release(&src);
	cu_free(path);
	if (r == CU_ERR_BAD_KEY)
		fprintf(stderr, "custos: wrong passphrase or key file for this data directory\n");
	else if (r)
		fprintf(stderr, "custos: cannot open the keyring: %s\n", cu_strerror(r));
	return r;
}

int cu_data_open_store(const char *dir, const char *db_url, size_t n, struct cu_store **store)
{
	char *path = db_url ? NULL : cu_data_path(dir, "custos.db");
	int r = cu_store_open(db_url ? db_url : path, n, store);
	if (r == CU_ERR_UNSUPPORTED)
		fprintf(stderr, "custos: this build has no PostgreSQL backend yet; omit --db to use "
				"the embedded SQLite store\n");
	else if (r)
		fprintf(stderr, "custos: cannot open the database: %s\n", cu_strerror(r));
	cu_free(path);
	return r;
}

int cu_cli_audit_open(const char *dir, const struct cu_keyring *kr, struct cu_audit **a)
{
	int r = cu_audit_open(dir, kr, NULL, a);
	if (r == CU_ERR_LOCKED)
		fprintf(stderr, "custos: the server is running and holds the operation log; do this "
				"through the API (it is recorded there) or stop the server first\n");
	else if (r)
		fprintf(stderr, "custos: cannot open the operation log: %s; refusing an unrecorded "
				"change\n", cu_strerror(r));
	return r;
}

int cu_cli_audit_close(struct cu_audit *a, const char *event, const char *collection,
		       const char *target, bool ok)
{
	struct cu_audit_event ev;
	struct passwd *pw = getpwuid(getuid());
	char who[96];
	int r, r2;

	memset(&ev, 0, sizeof(ev));
	r = cu_audit_type_parse(event, &ev.type);
	snprintf(who, sizeof(who), "cli:%s", pw && pw->pw_name ? pw->pw_name : "?");
	ev.actor.name = who;
	ev.actor.auth = CU_AUDIT_AUTH_CLI;
	ev.source = "local";
	ev.object.collection = collection;
	ev.object.record_id = target;
	ev.result = ok ? CU_AUDIT_SUCCESS : CU_AUDIT_FAILURE;
	ev.reason_code = ok ? "ok" : "failed";
	if (!r)
		r = cu_audit_append(a, &ev, NULL);
	r2 = cu_audit_close(a);
	if (r || r2)
		fprintf(stderr, "custos: the action could not be recorded in the operation log\n");
	return r ? r : r2;
}
