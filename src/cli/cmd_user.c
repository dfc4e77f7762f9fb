/* custos user: administer accounts from the command line. */
#include "cli/cli.h"
#include "cli/data.h"
#include "accounts/accounts.h"
#include "core/json.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "policy/approvals.h"
#include "store/store.h"
#include "audit/audit.h"

#include <getopt.h>

const char cu_usage_user[] =
	"usage: custos user add --data DIR NAME [--display-name S] [--department D] [--role R]...\n"
	"       custos user list --data DIR [--stale 90d] [--format text|json]\n"
	"       custos user disable|enable --data DIR NAME\n"
	"       custos user passwd --data DIR NAME\n"
	"       custos user reset-totp --data DIR NAME\n"
	"       custos user delete --data DIR NAME --confirm NAME --reassign-to USER\n"
	"\n"
	"add        create a user with a one-time password (printed once); they set\n"
	"           their own password and enrol TOTP at first login\n"
	"list       all users, or with --stale, active users unused for that long\n"
	"disable    end every session and token of the user at once (departure,\n"
	"           lost phone); their records keep their owner.  enable undoes it\n"
	"passwd     a new one-time password; the user's sessions end\n"
	"reset-totp forget the user's authenticator (lost phone); they enrol again\n"
	"delete     irreversible; files a request that a second administrator must\n"
	"           approve (POST /v1/approvals/ID/approve); records they own pass\n"
	"           to --reassign-to\n"
	"Master key options are as for 'custos init'.\n";

struct user_opts {
	const char *dir, *display, *dept, *stale, *confirm, *reassign;
	json_t *roles;
	enum cu_format fmt;
	struct cu_keyopts ko;
};

static int parse(int argc, char **argv, struct user_opts *o)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "display-name", required_argument, NULL, 'n' },
		{ "department", required_argument, NULL, 'D' },
		{ "role", required_argument, NULL, 'r' },
		{ "stale", required_argument, NULL, 's' },
		{ "confirm", required_argument, NULL, 'c' },
		{ "reassign-to", required_argument, NULL, 'R' },
		{ "format", required_argument, NULL, 'f' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 2;
	while ((c = getopt_long(argc, argv, "d:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'n': o->display = optarg; break;
		case 'D': o->dept = optarg; break;
		case 'r':
			if (!cu_name_valid(optarg))
				return cu_cli_usage_error("user", "--role must be a role name");
			json_array_append_new(o->roles, json_string(optarg));
			break;
		case 's': o->stale = optarg; break;
		case 'c': o->confirm = optarg; break;
		case 'R': o->reassign = optarg; break;
		case 'K': o->ko.key_file = optarg; break;
		case 'p': o->ko.passphrase_file = optarg; break;
		case 'f':
			if (cu_cli_parse_format(optarg, &o->fmt) ||
			    (o->fmt != CU_FMT_TEXT && o->fmt != CU_FMT_JSON))
				return cu_cli_usage_error("user", "--format must be text or json");
			break;
		default: return cu_cli_usage_error("user", "see 'custos help user'");
		}
	}
	if (!o->dir)
		return cu_cli_usage_error("user", "--data DIR is required");
	return CU_EXIT_OK;
}

static void print_users(const json_t *a, enum cu_format fmt)
{
	size_t i;
	json_t *u;
	if (fmt == CU_FMT_JSON) {
		char *s = cu_json_dump(a);
		puts(s);
		cu_free(s);
		return;
	}
	printf("%-20s %-10s %-16s %-22s %s\n", "USERNAME", "STATUS", "DEPARTMENT", "LAST LOGIN", "ROLES");
	json_array_foreach(a, i, u) {
		char *roles = cu_json_dump(json_object_get(u, "roles"));
		json_t *ll = json_object_get(u, "last_login_at");
		printf("%-20s %-10s %-16s %-22s %s\n", json_string_value(json_object_get(u, "username")),
		       json_string_value(json_object_get(u, "status")),
		       json_string_value(json_object_get(u, "department")),
		       json_is_string(ll) ? json_string_value(ll) : "never", roles);
		cu_free(roles);
	}
}

/* The operation-log event of each changing subcommand. */
static const char *event_of(const char *sub)
{
	static const struct { const char *sub, *event; } t[] = {
		{ "add", "user.create" }, { "disable", "user.disable" }, { "enable", "user.enable" },
		{ "passwd", "user.passwd" }, { "reset-totp", "user.reset_totp" },
		{ "delete", "approval.request" },
	};
	for (size_t i = 0; i < CU_ARRAY_LEN(t); i++)
		if (strcmp(sub, t[i].sub) == 0)
			return t[i].event;
	return NULL;
}

static int run(struct cu_accounts *acc, struct cu_store *store, const char *sub, const char *name,
	       struct user_opts *o)
{
	int r;
	if (strcmp(sub, "add") == 0) {
		struct cu_new_user nu = { 0 };
		if ((r = cu_accounts_user_create(acc, name, o->display ? o->display : "",
						 o->dept ? o->dept : "", o->roles, false, &nu)))
			return cu_cli_fail(r == CU_ERR_EXISTS ? "user %s exists" : "cannot add %s: %s",
					   name, cu_strerror(r));
		if (o->fmt == CU_FMT_JSON)
			printf("{\"id\":\"%s\",\"username\":\"%s\",\"one_time_password\":\"%s\"}\n",
			       nu.id, name, nu.password);
		else
			printf("user %s added\none-time password: %s   (shown once)\n", name, nu.password);
		cu_new_user_release(&nu);
		return CU_EXIT_OK;
	}
	if (strcmp(sub, "list") == 0) {
		int64_t secs = 0;
		json_t *a = NULL;
		if (o->stale && (cu_parse_duration(o->stale, &secs) || secs <= 0))
			return cu_cli_usage_error("user", "--stale must be a duration such as 90d");
		if ((r = cu_accounts_user_list(acc, secs, &a)))
			return cu_cli_fail("cannot list users: %s", cu_strerror(r));
		print_users(a, o->fmt);
		json_decref(a);
		return CU_EXIT_OK;
	}
	if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
		bool on = strcmp(sub, "enable") == 0;
		if ((r = cu_accounts_user_set_status(acc, name, on)))
			return cu_cli_fail(r == CU_ERR_NOT_FOUND ? "no user %s" : "cannot change %s: %s",
					   name, cu_strerror(r));
		printf("%s %s%s\n", name, on ? "enabled" : "disabled",
		       on ? "" : "; every session and token ended");
		return CU_EXIT_OK;
	}
	if (strcmp(sub, "passwd") == 0) {
		char *pw = NULL;
		if ((r = cu_accounts_user_reset_password(acc, name, &pw)))
			return cu_cli_fail(r == CU_ERR_NOT_FOUND ? "no user %s" : "cannot reset %s: %s",
					   name, cu_strerror(r));
		printf("one-time password for %s: %s   (shown once)\n", name, pw);
		cu_memzero(pw, strlen(pw));
		cu_free(pw);
		return CU_EXIT_OK;
	}
	if (strcmp(sub, "reset-totp") == 0) {
		if ((r = cu_accounts_user_reset_totp(acc, name)))
			return cu_cli_fail(r == CU_ERR_NOT_FOUND ? "no user %s" : "cannot reset %s: %s",
					   name, cu_strerror(r));
		printf("two-factor of %s reset; they enrol again at next login\n", name);
		return CU_EXIT_OK;
	}
	if (strcmp(sub, "delete") == 0) {
		char *id = NULL;
		json_t *params;
		if (!o->confirm || strcmp(o->confirm, name) != 0)
			return cu_cli_usage_error("user", "deleting is irreversible: add --confirm %s", name);
		if (!o->reassign || !cu_name_valid(o->reassign) || strcmp(o->reassign, name) == 0)
			return cu_cli_usage_error("user", "--reassign-to USER names who takes over the records");
		if (cu_accounts_user_exists(acc, name) || cu_accounts_user_exists(acc, o->reassign))
			return cu_cli_fail("no such user");
		params = json_pack("{s:s}", "reassign_to", o->reassign);
		r = cu_approval_request(store, "user.delete", name, params, "requested from the CLI",
					"cli", CU_APPROVAL_TTL_S, &id);
		json_decref(params);
		if (r)
			return cu_cli_fail("cannot file the request: %s", cu_strerror(r));
		printf("deletion of %s requested: approval %s\n"
		       "an administrator must approve it: POST /v1/approvals/%s/approve\n", name, id, id);
		cu_free(id);
		return CU_EXIT_OK;
	}
	return cu_cli_usage_error("user", "unknown subcommand '%s'", sub);
}

int cu_cmd_user(int argc, char **argv)
{
	struct user_opts o = { 0 };
	struct cu_keyring *kr = NULL;
	struct cu_store *store = NULL;
	struct cu_accounts *acc = NULL;
	const char *sub, *name = NULL;
	int r, rc;

	if (argc < 2)
		return cu_cli_usage_error("user", "expected add, list, disable, enable, passwd, "
						  "reset-totp or delete");
	sub = argv[1];
	o.roles = json_array();
	if ((rc = parse(argc, argv, &o)) != CU_EXIT_OK)
		goto out;
	if (strcmp(sub, "list") != 0) {
		if (optind != argc - 1 || !cu_name_valid(argv[optind])) {
			rc = cu_cli_usage_error("user", "expected one user name; see 'custos help user'");
			goto out;
		}
		name = argv[optind];
	} else if (optind != argc) {
		rc = cu_cli_usage_error("user", "list takes no arguments");
		goto out;
	}
	if ((r = cu_data_open_keyring(o.dir, &o.ko, &kr))) {
		rc = r == CU_ERR_USAGE ? CU_EXIT_USAGE : CU_EXIT_FAIL;
		goto out;
	}
	rc = CU_EXIT_FAIL;
	if (cu_data_open_store(o.dir, NULL, 1, &store) || cu_accounts_new(store, kr, &acc))
		goto out;
	if (event_of(sub)) {
		struct cu_audit *audit = NULL;
		if (cu_cli_audit_open(o.dir, kr, &audit))
			goto out;
		rc = run(acc, store, sub, name, &o);
		if (cu_cli_audit_close(audit, event_of(sub), "users", name, rc == CU_EXIT_OK))
			rc = CU_EXIT_FAIL;
	} else {
		rc = run(acc, store, sub, name, &o);
	}
out:
	json_decref(o.roles);
	cu_accounts_free(acc);
	cu_store_close(store);
	cu_keyring_free(kr);
	return rc;
}
