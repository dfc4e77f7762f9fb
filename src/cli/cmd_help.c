#include "cli/cli.h"

const char cu_usage_help[] =
	"usage: custos help [<command>]\n"
	"\n"
	"Without a command, list the commands; with one, print its full help.\n";

const char cu_usage_version[] =
	"usage: custos version\n"
	"\n"
	"Print the version of custos.\n";

int cu_cmd_help(int argc, char **argv)
{
	if (argc >= 2) {
		const struct cu_cmd *c = cu_cmd_find(argv[1]);
		if (!c)
			return cu_cli_usage_error("help", "unknown command '%s'", argv[1]);
		fputs(c->usage, stdout);
		return CU_EXIT_OK;
	}
	printf("usage: custos <command> [options]\n\n"
	       "custos keeps customers' personal information encrypted, access-controlled\n"
	       "and audited.  Commands:\n\n");
	for (const struct cu_cmd *c = cu_commands; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary);
	printf("\nRun 'custos help <command>' for a command's options.\n"
	       "Exit status: 0 success, 1 operational failure, 2 usage error.\n");
	return CU_EXIT_OK;
}

int cu_cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("custos %s\n", CU_VERSION);
	return CU_EXIT_OK;
}
