/*
 * tutil.h - helpers shared by the crypto, store, vault and policy unit
 * tests: temporary directories (created with mkdtemp under /tmp and
 * removed recursively), whole-file reads, hex for test vectors.
 *
 * Include after test.h.  Everything is static: each test is its own
 * executable.
 */
#ifndef CU_TEST_TUTIL_H
#define CU_TEST_TUTIL_H

#include "core/util.h"
#include "crypto/crypto.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh private directory under /tmp; aborts the test run if none. */
static inline char *cu_t_tmpdir(void)
{
	char tmpl[] = "/tmp/custos-test-XXXXXX";
	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		exit(2);
	}
	return cu_strdup(tmpl);
}

static inline int cu_t_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove dir and everything under it, then free the name. */
static inline void cu_t_rmtree(char *dir)
{
	if (!dir)
		return;
	if (nftw(dir, cu_t_rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		perror("nftw");
	cu_free(dir);
}

/* dir + "/" + name, cu_free()d by the caller. */
static inline char *cu_t_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = cu_malloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* The whole file (or an empty buffer when it does not exist). */
static inline char *cu_t_slurp(const char *path, size_t *len)
{
	char *data = NULL;
	if (cu_file_read(path, 256u << 20, &data, len) != CU_OK) {
		*len = 0;
		return cu_calloc(1, 1);
	}
	return data;
}

static inline bool cu_t_contains(const void *hay, size_t n, const void *needle, size_t m)
{
	return m && memmem(hay, n, needle, m) != NULL;
}

/* Decode hex ("-" = empty) into a new buffer; NULL if malformed. */
static inline uint8_t *cu_t_unhex(const char *hex, size_t *len)
{
	size_t n = strcmp(hex, "-") == 0 ? 0 : strlen(hex);
	uint8_t *out = cu_malloc(n / 2 + 1);
	*len = n / 2;
	if (n % 2 || (n && cu_unhex(hex, out, n / 2) != CU_OK)) {
		cu_free(out);
		return NULL;
	}
	return out;
}

/* Write len bytes to path (mode 0600); false on failure. */
static inline bool cu_t_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok;
	if (!f)
		return false;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

#endif
