#include "crypto/tls.h"
#include "crypto/crypto.h"
#include "core/util.h"
#include "core/log.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

static int write_pem(const char *path, gnutls_datum_t *d, int mode)
{
	int r = cu_file_write_atomic(path, d->data, d->size, mode);
	return r;
}

int cu_tls_selfsigned(const char *cert_path, const char *key_path, const char *hostname, int days)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t kpem = { NULL, 0 }, cpem = { NULL, 0 };
	unsigned char serial[16];
	static const unsigned char lo4[] = { 127, 0, 0, 1 };
	static const unsigned char lo6[16] = { [15] = 1 };
	time_t now = (time_t)cu_time_now();
	int r = CU_ERR_CRYPTO;

	if (gnutls_global_init() < 0)
		return CU_ERR_CRYPTO;
	if (gnutls_x509_privkey_init(&key) < 0 ||
	    gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
					 GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0)
		goto out;
	if (gnutls_x509_crt_init(&crt) < 0)
		goto out;
	cu_random(serial, sizeof(serial));
	serial[0] &= 0x7f;
	if (gnutls_x509_crt_set_version(crt, 3) < 0 ||
	    gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)) < 0 ||
	    gnutls_x509_crt_set_activation_time(crt, now - 3600) < 0 ||
	    gnutls_x509_crt_set_expiration_time(crt, now + (time_t)days * 86400) < 0 ||
	    gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, "custos", 6) < 0 ||
	    gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
					  "custos self-signed", 18) < 0 ||
	    gnutls_x509_crt_set_key(crt, key) < 0 ||
	    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
						 GNUTLS_FSAN_APPEND) < 0 ||
	    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, lo4, 4,
						 GNUTLS_FSAN_APPEND) < 0 ||
	    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, lo6, 16,
						 GNUTLS_FSAN_APPEND) < 0 ||
	    (hostname && *hostname &&
	     gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, hostname,
						  (unsigned)strlen(hostname), GNUTLS_FSAN_APPEND) < 0) ||
	    gnutls_x509_crt_set_basic_constraints(crt, 0, -1) < 0 ||
	    gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE) < 0 ||
	    gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0) < 0 ||
	    gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0)
		goto out;
	if (gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &kpem) < 0 ||
	    gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cpem) < 0)
		goto out;
	if ((r = write_pem(key_path, &kpem, 0600)) || (r = write_pem(cert_path, &cpem, 0644)))
		goto out;
	r = CU_OK;
out:
	if (kpem.data) {
		cu_memzero(kpem.data, kpem.size);
		gnutls_free(kpem.data);
	}
	gnutls_free(cpem.data);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	gnutls_global_deinit();
	if (r)
		cu_error("tls: could not create the self-signed certificate");
	return r;
}

int cu_tls_fingerprint(const char *cert_path, char **out)
{
	char *pem = NULL;
	size_t len = 0;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d;
	unsigned char fp[32];
	size_t fplen = sizeof(fp);
	int r;

	*out = NULL;
	if ((r = cu_file_read(cert_path, 1 << 20, &pem, &len)))
		return r;
	d.data = (unsigned char *)pem;
	d.size = (unsigned)len;
	r = CU_ERR_INVALID;
	if (gnutls_x509_crt_init(&crt) < 0)
		goto out;
	if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM) < 0 ||
	    gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, fp, &fplen) < 0)
		goto out;
	{
		char *s = cu_malloc(fplen * 3 + 1);
		for (size_t i = 0; i < fplen; i++)
			snprintf(s + i * 3, 4, "%02X%s", fp[i], i + 1 < fplen ? ":" : "");
		*out = s;
	}
	r = CU_OK;
out:
	if (crt)
		gnutls_x509_crt_deinit(crt);
	cu_free(pem);
	return r;
}
