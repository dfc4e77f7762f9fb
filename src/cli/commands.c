#include "cli/cli.h"
#include "core/json.h"

/* Keep sorted by name; "custos help" lists them in this order. */
const struct cu_cmd cu_commands[] = {
	{ "audit", cu_cmd_audit, "verify, query and export the tamper-evident operation log", cu_usage_audit },
	{ "help", cu_cmd_help, "show help for custos or one command", cu_usage_help },
	{ "init", cu_cmd_init, "create a data directory, keys and the first administrator", cu_usage_init },
	{ "role", cu_cmd_role, "list, show and change roles (the access policy)", cu_usage_role },
	{ "scan", cu_cmd_scan, "find personal information in text, files and mail", cu_usage_scan },
	{ "serve", cu_cmd_serve, "serve the HTTPS JSON API", cu_usage_serve },
	{ "token", cu_cmd_token, "create, list and revoke API service tokens", cu_usage_token },
	{ "user", cu_cmd_user, "add, list, disable, enable and delete users", cu_usage_user },
	{ "version", cu_cmd_version, "print the version", cu_usage_version },
	{ NULL, NULL, NULL, NULL },
};

const struct cu_cmd *cu_cmd_find(const char *name)
{
	for (const struct cu_cmd *c = cu_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int cu_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "custos: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CU_EXIT_USAGE;
}

int cu_cli_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("custos: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CU_EXIT_FAIL;
}

int cu_cli_parse_format(const char *s, enum cu_format *out)
{
	static const struct { const char *name; enum cu_format f; } t[] = {
		{ "text", CU_FMT_TEXT }, { "json", CU_FMT_JSON },
		{ "jsonl", CU_FMT_JSONL }, { "masked", CU_FMT_MASKED },
	};
	*out = CU_FMT_TEXT;
	for (size_t i = 0; i < CU_ARRAY_LEN(t); i++)
		if (strcmp(s, t[i].name) == 0) {
			*out = t[i].f;
			return CU_OK;
		}
	return CU_ERR_USAGE;
}
