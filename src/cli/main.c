/* custos - guardian of customers' personal information.  See cli/cli.h. */
#include "core/common.h"
#include "cli/cli.h"

int main(int argc, char **argv)
{
	const struct cu_cmd *cmd;

	if (argc < 2)
		return cu_cmd_help(1, argv);
	cmd = cu_cmd_find(argv[1]);
	if (!cmd)
		return cu_cli_usage_error(argv[1], "unknown command; try 'custos help'");
	return cmd->fn(argc - 1, argv + 1);
}
