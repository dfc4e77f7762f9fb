/* custos init: create a data directory, its keys and the first administrator. */
#include "cli/cli.h"
#include "cli/data.h"
#include "cli/qr.h"
#include "accounts/accounts.h"
#include "core/json.h"
#include "crypto/tls.h"
#include "core/util.h"
#include "store/store.h"
#include "audit/audit.h"

#include <dirent.h>
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>

const char cu_usage_init[] =
	"usage: custos init --data DIR [--admin NAME] [--key-file F | --passphrase-file F]\n"
	"                   [--kdf interactive|moderate|sensitive] [--hostname NAME]\n"
	"                   [--format text|json]\n"
	"\n"
	"Create the data directory DIR (mode 0700): the key hierarchy, the database,\n"
	"a self-signed TLS certificate and the first administrator (default 'admin').\n"
	"\n"
	"The master key comes from a passphrase (Argon2id; from $CUSTOS_PASSPHRASE,\n"
	"--passphrase-file, or a prompt) or from a 32-byte --key-file.  Keep it\n"
	"away from DIR: whoever has both has the data.\n"
	"\n"
	"The administrator's one-time password and TOTP secret are printed once,\n"
	"with an otpauth:// URI and a QR code for an authenticator app.\n"
	"Refuses to touch a DIR that exists and is not empty.\n";

static int dir_prepare(const char *dir)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return cu_cli_fail("%s exists and is not a directory", dir);
		if (!(d = opendir(dir)))
			return cu_cli_fail("cannot read %s: %s", dir, strerror(errno));
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				closedir(d);
				return cu_cli_fail("%s is not empty; refusing to overwrite it", dir);
			}
		closedir(d);
		if (chmod(dir, 0700))
			return cu_cli_fail("cannot set the mode of %s: %s", dir, strerror(errno));
		return CU_EXIT_OK;
	}
	if (mkdir(dir, 0700))
		return cu_cli_fail("cannot create %s: %s", dir, strerror(errno));
	return CU_EXIT_OK;
}

static int print_admin(const char *name, const struct cu_new_user *nu, const char *fp,
		       enum cu_format fmt)
{
	if (fmt == CU_FMT_JSON) {
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "admin", name, "password", nu->password,
				      "totp_secret", nu->totp_base32, "totp_uri", nu->totp_uri,
				      "tls_fingerprint", fp ? fp : "");
		char *s = cu_json_dump(o);
		puts(s);
		cu_free(s);
		json_decref(o);
		return CU_EXIT_OK;
	}
	printf("custos: data directory ready.\n\n"
	       "First administrator (shown once; store it in a password manager):\n"
	       "  username:        %s\n"
	       "  password:        %s   (one-time)\n"
	       "  TOTP secret:     %s\n"
	       "  TOTP URI:        %s\n\n"
	       "Scan this with an authenticator app:\n\n",
	       name, nu->password, nu->totp_base32, nu->totp_uri);
	if (cu_qr_print(stdout, nu->totp_uri))
		printf("  (could not draw the QR code; enter the secret by hand)\n");
	printf("\nTLS certificate SHA-256 fingerprint:\n  %s\n", fp ? fp : "(unknown)");
	return CU_EXIT_OK;
}

int cu_cmd_init(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "admin", required_argument, NULL, 'a' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "kdf", required_argument, NULL, 'K' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *admin = "admin", *hostname = NULL;
	struct cu_keyopts ko = { NULL, NULL };
	enum cu_kdf_profile kdf = CU_KDF_MODERATE;
	enum cu_format fmt = CU_FMT_TEXT;
	struct cu_key_source src = { 0 };
	struct cu_keyring *kr = NULL;
	struct cu_store *store = NULL;
	struct cu_accounts *acc = NULL;
	struct cu_new_user nu = { 0 };
	struct cu_audit *audit = NULL;
	char *kpath = NULL, *tlsdir = NULL, *cert = NULL, *key = NULL, *fp = NULL;
	int c, r, rc = CU_EXIT_FAIL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'a': admin = optarg; break;
		case 'k': ko.key_file = optarg; break;
		case 'p': ko.passphrase_file = optarg; break;
		case 'H': hostname = optarg; break;
		case 'K':
			if (!strcmp(optarg, "interactive")) kdf = CU_KDF_INTERACTIVE;
			else if (!strcmp(optarg, "moderate")) kdf = CU_KDF_MODERATE;
			else if (!strcmp(optarg, "sensitive")) kdf = CU_KDF_SENSITIVE;
			else return cu_cli_usage_error("init", "--kdf must be interactive, moderate or sensitive");
			break;
		case 'f':
			if (cu_cli_parse_format(optarg, &fmt) || (fmt != CU_FMT_TEXT && fmt != CU_FMT_JSON))
				return cu_cli_usage_error("init", "--format must be text or json");
			break;
		case 'h': fputs(cu_usage_init, stdout); return CU_EXIT_OK;
		default: return cu_cli_usage_error("init", "see 'custos help init'");
		}
	}
	if (!dir || optind != argc)
		return cu_cli_usage_error("init", "--data DIR is required; see 'custos help init'");
	if (!cu_name_valid(admin))
		return cu_cli_usage_error("init", "--admin must be 1-64 of [a-z0-9_.-]");
	if (ko.key_file && ko.passphrase_file)
		return cu_cli_usage_error("init", "use --key-file or --passphrase-file, not both");
	if ((r = cu_keysrc_get(&ko, true, &src)))
		return r == CU_ERR_USAGE ? CU_EXIT_USAGE : CU_EXIT_FAIL;
	if (ko.key_file && access(ko.key_file, R_OK) != 0) {
		cu_keysrc_release(&src);
		return cu_cli_fail("cannot read the key file %s", ko.key_file);
	}
	if ((rc = dir_prepare(dir)) != CU_EXIT_OK) {
		cu_keysrc_release(&src);
		return rc;
	}
	rc = CU_EXIT_FAIL;
	kpath = cu_data_path(dir, "keyring.json");
	tlsdir = cu_data_path(dir, "tls");
	cert = cu_data_path(tlsdir, "cert.pem");
	key = cu_data_path(tlsdir, "key.pem");
	if ((r = cu_keyring_create(kpath, &src, kdf, &kr))) {
		if (r == CU_ERR_BAD_KEY)
			cu_cli_fail("the key file must hold 32 bytes or 64 hex digits");
		else
			cu_cli_fail("cannot create the keyring: %s", cu_strerror(r));
		goto out;
	}
	if ((r = cu_data_open_store(dir, NULL, 1, &store)))
		goto out;
	if ((r = cu_accounts_new(store, kr, &acc))) {
		cu_cli_fail("cannot start accounts: %s", cu_strerror(r));
		goto out;
	}
	if (cu_cli_audit_open(dir, kr, &audit))
		goto out;
	{
		json_t *roles = json_pack("[s]", "admin");
		r = cu_accounts_user_create(acc, admin, "Administrator", "", roles, true, &nu);
		json_decref(roles);
	}
	if (cu_cli_audit_close(audit, "user.create", "users", admin, r == CU_OK))
		r = r ? r : CU_ERR_UNAVAILABLE;
	audit = NULL;
	if (r) {
		cu_cli_fail("cannot create the administrator: %s", cu_strerror(r));
		goto out;
	}
	if (mkdir(tlsdir, 0700) || (r = cu_tls_selfsigned(cert, key, hostname, 825))) {
		cu_cli_fail("cannot create the TLS certificate");
		goto out;
	}
	if (cu_tls_fingerprint(cert, &fp))
		fp = NULL;
	rc = print_admin(admin, &nu, fp, fmt);
out:
	if (audit && cu_audit_close(audit))
		rc = CU_EXIT_FAIL;
	cu_new_user_release(&nu);
	cu_accounts_free(acc);
	cu_store_close(store);
	cu_keyring_free(kr);
	cu_keysrc_release(&src);
	cu_free(kpath);
	cu_free(tlsdir);
	cu_free(cert);
	cu_free(key);
	cu_free(fp);
	return rc;
}
