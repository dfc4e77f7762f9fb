/* custos token: API service tokens, from the command line. */
#include "cli/cli.h"
#include "cli/data.h"
#include "accounts/accounts.h"
#include "core/json.h"
#include "core/util.h"
#include "store/store.h"
#include "audit/audit.h"

#include <getopt.h>

const char cu_usage_token[] =
	"usage: custos token create --data DIR --name NAME [--user USER] [--ttl-days N]\n"
	"       custos token list --data DIR [--format text|json]\n"
	"       custos token revoke --data DIR ID\n"
	"\n"
	"Service tokens let an application (a CRM, a member system) call the API\n"
	"as USER (default 'admin') with 'Authorization: Bearer TOKEN'.  The token is\n"
	"printed once; custos keeps only a keyed hash of it.  Revoking takes effect\n"
	"on the next request.  Options for the master key are as for 'custos init'.\n";

int cu_cmd_token(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "user", required_argument, NULL, 'u' },
		{ "ttl-days", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *name = NULL, *user = "admin", *sub;
	struct cu_keyopts ko = { NULL, NULL };
	enum cu_format fmt = CU_FMT_TEXT;
	int64_t days = 0;
	struct cu_keyring *kr = NULL;
	struct cu_store *store = NULL;
	struct cu_accounts *acc = NULL;
	struct cu_audit *audit = NULL;
	int c, r, rc = CU_EXIT_FAIL;

	if (argc < 2)
		return cu_cli_usage_error("token", "expected create, list or revoke");
	sub = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'n': name = optarg; break;
		case 'u': user = optarg; break;
		case 'K': ko.key_file = optarg; break;
		case 'p': ko.passphrase_file = optarg; break;
		case 't':
			if (cu_parse_int64(optarg, 0, 3650, &days))
				return cu_cli_usage_error("token", "--ttl-days must be 0..3650");
			break;
		case 'f':
			if (cu_cli_parse_format(optarg, &fmt) || (fmt != CU_FMT_TEXT && fmt != CU_FMT_JSON))
				return cu_cli_usage_error("token", "--format must be text or json");
			break;
		case 'h': fputs(cu_usage_token, stdout); return CU_EXIT_OK;
		default: return cu_cli_usage_error("token", "see 'custos help token'");
		}
	}
	if (!dir)
		return cu_cli_usage_error("token", "--data DIR is required");
	if (strcmp(sub, "create") == 0 ? !name || optind != argc
	    : strcmp(sub, "list") == 0 ? optind != argc
	    : strcmp(sub, "revoke") == 0 ? optind != argc - 1 : true)
		return cu_cli_usage_error("token", "see 'custos help token'");
	cu_json_init();
	if ((r = cu_data_open_keyring(dir, &ko, &kr)))
		return r == CU_ERR_USAGE ? CU_EXIT_USAGE : CU_EXIT_FAIL;
	if ((r = cu_data_open_store(dir, NULL, 1, &store)) || (r = cu_accounts_new(store, kr, &acc)))
		goto out;
	if (strcmp(sub, "list") != 0 && cu_cli_audit_open(dir, kr, &audit))
		goto out;
	if (strcmp(sub, "create") == 0) {
		char *id = NULL, *token = NULL;
		r = cu_accounts_token_create(acc, user, name, days * 86400, &id, &token);
		if (cu_cli_audit_close(audit, "token.create", "users", r ? user : id, r == CU_OK))
			r = r ? r : CU_ERR_UNAVAILABLE;
		audit = NULL;
		if (r == CU_ERR_NOT_FOUND) {
			cu_cli_fail("no active user named '%s'", user);
			goto out;
		}
		if (r) {
			cu_cli_fail("cannot create the token: %s", cu_strerror(r));
			cu_free(id);
			cu_free(token);
			goto out;
		}
		if (fmt == CU_FMT_JSON)
			printf("{\"id\":\"%s\",\"token\":\"%s\"}\n", id, token);
		else
			printf("id:    %s\ntoken: %s\n(shown once)\n", id, token);
		cu_free(id);
		cu_free(token);
	} else if (strcmp(sub, "list") == 0) {
		json_t *a = NULL, *t;
		size_t i;
		if ((r = cu_accounts_token_list(acc, &a))) {
			cu_cli_fail("cannot list tokens: %s", cu_strerror(r));
			goto out;
		}
		if (fmt == CU_FMT_JSON) {
			char *s = cu_json_dump(a);
			puts(s);
			cu_free(s);
		} else {
			json_array_foreach(a, i, t)
				printf("%-16s %-20s %-12s %s%s\n",
				       json_string_value(json_object_get(t, "id")),
				       json_string_value(json_object_get(t, "name")),
				       json_string_value(json_object_get(t, "user")),
				       json_string_value(json_object_get(t, "created_at")),
				       json_is_true(json_object_get(t, "revoked")) ? " revoked" : "");
		}
		json_decref(a);
	} else {
		r = cu_accounts_token_revoke(acc, argv[optind]);
		if (cu_cli_audit_close(audit, "token.revoke", "users", argv[optind], r == CU_OK))
			r = r ? r : CU_ERR_UNAVAILABLE;
		audit = NULL;
		if (r) {
			cu_cli_fail(r == CU_ERR_NOT_FOUND ? "no such active token" : "cannot revoke: %s",
				    cu_strerror(r));
			goto out;
		}
		printf("revoked %s\n", argv[optind]);
	}
	rc = CU_EXIT_OK;
out:
	if (audit && cu_audit_close(audit))
		rc = CU_EXIT_FAIL;
	cu_accounts_free(acc);
	cu_store_close(store);
	cu_keyring_free(kr);
	return rc;
}
