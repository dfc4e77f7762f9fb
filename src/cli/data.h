/*
 * data.h - opening a data directory from the command line: where the
 * master key comes from, and the paths inside DIR.
 *
 *   DIR/keyring.json   sealed keys (0600)
 *   DIR/custos.db      SQLite database (+ -wal, -shm)
 *   DIR/tls/           self-signed certificate and key
 *   DIR/audit/         the operation log
 */
#ifndef CU_CLI_DATA_H
#define CU_CLI_DATA_H

#include "crypto/keyring.h"

struct cu_store;

struct cu_keyopts {
	const char *passphrase_file;
	const char *key_file;
};

/* Path of name inside dir (cu_free). */
char *cu_data_path(const char *dir, const char *name);

/*
 * Fill src from --key-file, --passphrase-file, $CUSTOS_PASSPHRASE, or a
 * terminal prompt (twice when confirm).  The passphrase lives in secret
 * memory; release with cu_keysrc_release.  CU_ERR_USAGE when there is no
 * source and no terminal.
 */
CU_WUR int cu_keysrc_get(const struct cu_keyopts *o, bool confirm, struct cu_key_source *src);
void cu_keysrc_release(struct cu_key_source *src);

/* Open DIR's keyring (printing a clear message on failure). */
CU_WUR int cu_data_open_keyring(const char *dir, const struct cu_keyopts *o,
				struct cu_keyring **kr);
/* Open DIR's store with a pool of n connections. */
CU_WUR int cu_data_open_store(const char *dir, const char *db_url, size_t n,
			      struct cu_store **store);

struct cu_audit;

/*
 * Administrative CLI actions are recorded in DIR's operation log like API
 * requests.  cu_cli_audit_open takes the log before the action (a running
 * server holds it: then the action is refused and the operator is told
 * to use the API or stop the server: no unrecorded changes); after the
 * action cu_cli_audit_close records it (event type name, target) and
 * releases the log.  Returns CU_OK or prints why and returns the error.
 */
CU_WUR int cu_cli_audit_open(const char *dir, const struct cu_keyring *kr, struct cu_audit **a);
CU_WUR int cu_cli_audit_close(struct cu_audit *a, const char *event, const char *collection,
			      const char *target, bool ok);

#endif
