/*
 * files.c - the on-disk layout of DATA/audit shared by writer and readers.
 */
#include "audit/audit_int.h"
#include "core/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

char *cu_audit_dir_path(const char *data)
{
	return cu_audit_file_path(data, CU_AUDIT_SUBDIR);
}

char *cu_audit_file_path(const char *adir, const char *name)
{
	struct cu_buf b;
	cu_buf_init(&b, 8192);
	if (cu_buf_printf(&b, "%s/%s", adir, name)) {
		cu_buf_release(&b);
		return NULL;
	}
	return cu_buf_detach(&b, NULL);
}

char *cu_audit_seg_path(const char *adir, uint64_t first)
{
	char name[64];
	snprintf(name, sizeof(name), CU_AUDIT_SEG_PREFIX "%016llu" CU_AUDIT_SEG_SUFFIX,
		 (unsigned long long)first);
	return cu_audit_file_path(adir, name);
}

/* seg-<16 digits>.log -> first; false for any other name. */
static bool seg_name(const char *name, uint64_t *first)
{
	size_t pl = strlen(CU_AUDIT_SEG_PREFIX), sl = strlen(CU_AUDIT_SEG_SUFFIX);
	uint64_t v = 0;

	*first = 0;
	if (strlen(name) != pl + 16 + sl || strncmp(name, CU_AUDIT_SEG_PREFIX, pl) != 0 ||
	    strcmp(name + pl + 16, CU_AUDIT_SEG_SUFFIX) != 0)
		return false;
	for (size_t i = pl; i < pl + 16; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	if (v == 0)
		return false;
	*first = v;
	return true;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct cu_audit_seg *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

int cu_audit_seg_list(const char *adir, struct cu_audit_seg **out, size_t *n)
{
	struct cu_audit_seg *v = NULL;
	size_t len = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	*n = 0;
	d = opendir(adir);
	if (!d)
		return errno == ENOENT ? CU_ERR_NOT_FOUND : CU_ERR_IO;
	while ((de = readdir(d))) {
		uint64_t first;
		if (!seg_name(de->d_name, &first))
			continue;
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			v = cu_realloc(v, cap * sizeof(*v));
		}
		v[len].first = first;
		v[len].path = cu_audit_file_path(adir, de->d_name);
		len++;
	}
	closedir(d);
	if (len)
		qsort(v, len, sizeof(*v), seg_cmp);
	*out = v;
	*n = len;
	return CU_OK;
}

void cu_audit_seg_list_free(struct cu_audit_seg *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cu_free(s[i].path);
	cu_free(s);
}

int cu_audit_file_read(const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0, want;
	int fd, r = CU_ERR_IO;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? CU_ERR_NOT_FOUND : CU_ERR_IO;
	if (flock(fd, LOCK_SH) != 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	if ((uint64_t)st.st_size > max) {
		r = CU_ERR_TOO_LARGE;
		goto out;
	}
	want = (size_t)st.st_size;
	buf = cu_malloc(want + 1);
	while (got < want) {
		ssize_t k = read(fd, buf + got, want - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			goto out;
		if (k == 0)
			break; /* shrank under us: use what is there */
		got += (size_t)k;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	buf = NULL;
	r = CU_OK;
out:
	cu_free(buf);
	close(fd); /* releases the lock */
	return r;
}

int cu_audit_file_map(const char *path, size_t max, struct cu_audit_map *m)
{
	struct stat st;
	void *p;
	int fd, r = CU_ERR_IO;

	m->p = "";
	m->len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? CU_ERR_NOT_FOUND : CU_ERR_IO;
	if (flock(fd, LOCK_SH) != 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	if ((uint64_t)st.st_size > max) {
		r = CU_ERR_TOO_LARGE;
		goto out;
	}
	r = CU_OK;
	if (st.st_size == 0)
		goto out;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED) {
		r = CU_ERR_IO;
		goto out;
	}
	madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL | MADV_WILLNEED);
	m->p = p;
	m->len = (size_t)st.st_size;
out:
	close(fd);
	return r;
}

void cu_audit_file_unmap(struct cu_audit_map *m)
{
	if (m->len)
		munmap((void *)m->p, m->len);
	m->p = "";
	m->len = 0;
}

int cu_audit_pubkey_read(const char *adir, uint8_t pk[CU_SIGN_PK_BYTES])
{
	char *path = cu_audit_file_path(adir, CU_AUDIT_PUBKEY_FILE);
	char *txt = NULL;
	size_t n = 0;
	int r;

	memset(pk, 0, CU_SIGN_PK_BYTES);
	r = cu_audit_file_read(path, 4096, &txt, &n);
	if (r)
		goto out;
	while (n && (txt[n - 1] == '\n' || txt[n - 1] == '\r' || txt[n - 1] == ' '))
		txt[--n] = '\0';
	r = cu_unhex(txt, pk, CU_SIGN_PK_BYTES) ? CU_ERR_INVALID : CU_OK;
out:
	cu_free(txt);
	cu_free(path);
	return r;
}

bool cu_audit_next_line(const char *buf, size_t len, size_t *pos, const char **line,
			size_t *n, bool *complete)
{
	const char *nl;

	if (*pos >= len)
		return false;
	*line = buf + *pos;
	nl = memchr(*line, '\n', len - *pos);
	if (nl) {
		*n = (size_t)(nl - *line);
		*complete = true;
		*pos += *n + 1;
	} else {
		*n = len - *pos;
		*complete = false;
		*pos = len;
	}
	return true;
}

int cu_audit_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t k = write(fd, c, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return CU_ERR_IO;
		if (k == 0) {
			errno = ENOSPC;
			return CU_ERR_IO;
		}
		c += k;
		n -= (size_t)k;
	}
	return CU_OK;
}

int cu_audit_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = CU_OK;
	if (fd < 0)
		return CU_ERR_IO;
	if (fsync(fd) != 0)
		r = CU_ERR_IO;
	close(fd);
	return r;
}
