/*
 * cli.h - the command table of the custos binary.
 *
 * One file per command (cmd_<name>.c) defining cu_cmd_<name>().  Each
 * returns the process exit status: 0 success, 1 operational failure,
 * 2 usage error (CU_EXIT_*).
 */
#ifndef CU_CLI_CLI_H
#define CU_CLI_CLI_H

#include "core/common.h"

enum { CU_EXIT_OK = 0, CU_EXIT_FAIL = 1, CU_EXIT_USAGE = 2 };

struct cu_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *usage; /* full help text for "custos help <name>" */
};

extern const struct cu_cmd cu_commands[];
const struct cu_cmd *cu_cmd_find(const char *name);

/* Print "custos: <cmd>: <msg>" to stderr and return CU_EXIT_USAGE. */
int cu_cli_usage_error(const char *cmd, const char *fmt, ...) CU_PRINTF(2, 3);
/* Print "custos: <msg>" to stderr and return CU_EXIT_FAIL. */
int cu_cli_fail(const char *fmt, ...) CU_PRINTF(1, 2);

/* Output formats shared by commands that print data. */
enum cu_format { CU_FMT_TEXT, CU_FMT_JSON, CU_FMT_JSONL, CU_FMT_MASKED };
CU_WUR int cu_cli_parse_format(const char *s, enum cu_format *out);

int cu_cmd_help(int argc, char **argv);
int cu_cmd_version(int argc, char **argv);
int cu_cmd_init(int argc, char **argv);
int cu_cmd_serve(int argc, char **argv);
int cu_cmd_scan(int argc, char **argv);
int cu_cmd_token(int argc, char **argv);
int cu_cmd_user(int argc, char **argv);
int cu_cmd_audit(int argc, char **argv);
int cu_cmd_role(int argc, char **argv);

extern const char cu_usage_help[], cu_usage_version[], cu_usage_init[],
	cu_usage_serve[], cu_usage_scan[], cu_usage_token[], cu_usage_user[],
	cu_usage_audit[], cu_usage_role[];

#define CU_VERSION "0.1.0"

#endif
