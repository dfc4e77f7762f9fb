/* custos role: the access policy (roles as data) from the command line. */
#include "cli/cli.h"
#include "cli/data.h"
#include "core/json.h"
#include "core/util.h"
#include "audit/audit.h"
#include "policy/roles.h"
#include "store/store.h"
#include "vault/schema.h"

#include <getopt.h>

const char cu_usage_role[] =
	"usage: custos role list --data DIR [--format text|json]\n"
	"       custos role show --data DIR NAME\n"
	"       custos role set --data DIR NAME --file ROLE.json\n"
	"       custos role delete --data DIR NAME\n"
	"\n"
	"Roles are data: a JSON object with the administrative modules it may\n"
	"manage, its row scope, the purposes it may read for and, per collection\n"
	"and field, the permissions read_masked, read, write, delete and export:\n"
	"\n"
	"  {\"modules\": [], \"scope\": \"own\", \"purposes\": [\"customer_service\"],\n"
	"   \"collections\": {\"customers\": {\"*\": [\"read_masked\"], \"phone\": [\"read\"]}}}\n"
	"\n"
	"Every change bumps the role's version, is kept in its history and is\n"
	"recorded in the operation log; while the server runs, use the API\n"
	"(PUT /v1/roles/NAME).  See docs/api.md, \"Roles\".\n";

int cu_cmd_role(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "file", required_argument, NULL, 'F' },
		{ "format", required_argument, NULL, 'f' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *file = NULL, *sub, *name = NULL;
	struct cu_keyopts ko = { NULL, NULL };
	enum cu_format fmt = CU_FMT_TEXT;
	struct cu_keyring *kr = NULL;
	struct cu_store *store = NULL;
	struct cu_audit *audit = NULL;
	json_t *j = NULL;
	bool changes;
	int c, r, rc = CU_EXIT_FAIL;

	if (argc < 2)
		return cu_cli_usage_error("role", "expected list, show, set or delete");
	sub = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "d:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'F': file = optarg; break;
		case 'K': ko.key_file = optarg; break;
		case 'p': ko.passphrase_file = optarg; break;
		case 'f':
			if (cu_cli_parse_format(optarg, &fmt) || (fmt != CU_FMT_TEXT && fmt != CU_FMT_JSON))
				return cu_cli_usage_error("role", "--format must be text or json");
			break;
		default: return cu_cli_usage_error("role", "see 'custos help role'");
		}
	}
	if (!dir)
		return cu_cli_usage_error("role", "--data DIR is required");
	if (strcmp(sub, "list") == 0) {
		if (optind != argc)
			return cu_cli_usage_error("role", "list takes no arguments");
	} else if (!strcmp(sub, "show") || !strcmp(sub, "set") || !strcmp(sub, "delete")) {
		if (optind != argc - 1 || !cu_name_valid(argv[optind]))
			return cu_cli_usage_error("role", "expected one role name");
		name = argv[optind];
		if ((strcmp(sub, "set") == 0) != (file != NULL))
			return cu_cli_usage_error("role", "set needs --file ROLE.json (and only set takes it)");
	} else {
		return cu_cli_usage_error("role", "unknown subcommand '%s'", sub);
	}
	changes = !strcmp(sub, "set") || !strcmp(sub, "delete");
	if (changes && !strcmp(name, "admin"))
		return cu_cli_usage_error("role", "the built-in admin role cannot be changed");
	if (file) {
		char *text = NULL, why[200];
		size_t len = 0;
		if ((r = cu_file_read(file, 1u << 20, &text, &len)))
			return cu_cli_fail("cannot read %s: %s", file, cu_strerror(r));
		r = cu_json_parse(text, len, &j, why, sizeof(why));
		cu_free(text);
		if (r)
			return cu_cli_usage_error("role", "%s: %s", file, why);
		if (!json_is_object(j)) {
			json_decref(j);
			return cu_cli_usage_error("role", "%s: a role is a JSON object", file);
		}
		json_object_set_new(j, "name", json_string(name));
	}
	if ((r = cu_data_open_keyring(dir, &ko, &kr))) {
		json_decref(j);
		return r == CU_ERR_USAGE ? CU_EXIT_USAGE : CU_EXIT_FAIL;
	}
	if (cu_data_open_store(dir, NULL, 1, &store) || (changes && cu_cli_audit_open(dir, kr, &audit)))
		goto out;
	if (strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0) {
		json_t *out = NULL;
		r = name ? cu_role_get(store, name, &out) : cu_role_list(store, &out);
		if (r) {
			cu_cli_fail(r == CU_ERR_NOT_FOUND ? "no role named %s" : "cannot read roles: %s",
				    name ? name : cu_strerror(r));
			goto out;
		}
		if (fmt == CU_FMT_JSON || name) {
			char *s = json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS);
			puts(s);
			cu_free(s);
		} else {
			size_t i;
			json_t *d;
			json_array_foreach(out, i, d) {
				char *mods = cu_json_dump(json_object_get(d, "modules"));
				printf("%-20s v%-4lld scope %-10s modules %s\n",
				       json_string_value(json_object_get(d, "name")),
				       (long long)json_integer_value(json_object_get(d, "version")),
				       json_string_value(json_object_get(d, "scope")) ?: "none", mods);
				cu_free(mods);
			}
		}
		json_decref(out);
		rc = CU_EXIT_OK;
		goto out;
	}
	if (strcmp(sub, "set") == 0) {
		struct cu_errinfo ei = { "", "" };
		int64_t version = 0;
		r = cu_role_put(store, j, "cli", &ei, &version);
		if (cu_cli_audit_close(audit, "role.change", "roles", name, r == CU_OK))
			r = r ? r : CU_ERR_UNAVAILABLE;
		audit = NULL;
		if (r == CU_ERR_INVALID) {
			rc = cu_cli_usage_error("role", "%s: %s", ei.field, ei.msg);
			goto out;
		}
		if (r) {
			cu_cli_fail("cannot store the role: %s", cu_strerror(r));
			goto out;
		}
		printf("role %s is now version %lld\n", name, (long long)version);
	} else {
		bool used = false;
		r = cu_role_in_use(store, name, &used);
		if (!r && used)
			r = CU_ERR_CONFLICT;
		if (!r)
			r = cu_role_delete(store, name, "cli");
		if (cu_cli_audit_close(audit, "role.change", "roles", name, r == CU_OK))
			r = r ? r : CU_ERR_UNAVAILABLE;
		audit = NULL;
		if (r) {
			cu_cli_fail(r == CU_ERR_CONFLICT ? "users still hold role %s"
				    : r == CU_ERR_NOT_FOUND ? "no role named %s" : "cannot delete %s",
				    name);
			goto out;
		}
		printf("role %s deleted\n", name);
	}
	rc = CU_EXIT_OK;
out:
	if (audit && cu_audit_close(audit))
		rc = CU_EXIT_FAIL;
	json_decref(j);
	cu_store_close(store);
	cu_keyring_free(kr);
	return rc;
}
