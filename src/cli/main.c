/* custos - guardian of customers' personal information.  See cli/cli.h. */
#include "core/common.h"
#include "cli/cli.h"
#include "core/json.h"
#include "crypto/crypto.h"

#include <sys/stat.h>

int main(int argc, char **argv)
{
	const struct cu_cmd *cmd;

	umask(077); /* every file custos writes is private to its user */
	if (cu_crypto_init()) {
		fputs("custos: cannot initialise the crypto library\n", stderr);
		return CU_EXIT_FAIL;
	}
	cu_json_init();
	if (argc < 2)
		return cu_cmd_help(1, argv);
	cmd = cu_cmd_find(argv[1]);
	if (!cmd)
		return cu_cli_usage_error(argv[1], "unknown command; try 'custos help'");
	/* "custos CMD --help" anywhere is "custos help CMD". */
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(cmd->usage, stdout);
			return CU_EXIT_OK;
		}
	return cmd->fn(argc - 1, argv + 1);
}
