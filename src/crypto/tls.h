/*
 * tls.h - the self-signed TLS certificate made by "custos init".
 */
#ifndef CU_CRYPTO_TLS_H
#define CU_CRYPTO_TLS_H

#include "core/common.h"

/*
 * Make an ECDSA P-256 key and a self-signed certificate for localhost,
 * 127.0.0.1 and ::1 (plus hostname if given), valid for days days, and
 * write them as PEM to cert_path (0644) and key_path (0600).
 */
CU_WUR int cu_tls_selfsigned(const char *cert_path, const char *key_path, const char *hostname,
			     int days);
/* SHA-256 fingerprint of a PEM certificate as "AB:CD:..." (cu_free). */
CU_WUR int cu_tls_fingerprint(const char *cert_path, char **out);

#endif
