#include "core/util.h"
#include "core/buf.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int64_t cu_time_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t cu_time_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cu_time_iso8601(int64_t t, char *out, size_t outlen)
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int cu_time_parse(const char *s, int64_t *out)
{
	struct tm tm;
	const char *end;

	*out = 0;
	if (!s || !*s)
		return CU_ERR_INVALID;
	if (cu_parse_int64(s, 0, INT64_MAX / 2, out) == CU_OK)
		return CU_OK;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, "%Y-%m-%d", &tm);
		if (!end || *end)
			return CU_ERR_INVALID;
	}
	*out = (int64_t)timegm(&tm);
	return CU_OK;
}

int cu_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	int64_t v = 0;
	bool neg = false;

	*out = 0;
	if (!s || !*s)
		return CU_ERR_INVALID;
	if (*s == '-') {
		neg = true;
		s++;
		if (!*s)
			return CU_ERR_INVALID;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return CU_ERR_INVALID;
		int d = *s - '0';
		if (v > (INT64_MAX - d) / 10)
			return CU_ERR_INVALID;
		v = v * 10 + d;
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return CU_ERR_INVALID;
	*out = v;
	return CU_OK;
}

int cu_parse_duration(const char *s, int64_t *seconds)
{
	char num[32];
	size_t n;
	int64_t mult = 1, v;

	*seconds = 0;
	if (!s || !*s)
		return CU_ERR_INVALID;
	n = strlen(s);
	if (n >= sizeof(num))
		return CU_ERR_INVALID;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 'd': mult = 86400; num[--n] = 0; break;
	case 'h': mult = 3600; num[--n] = 0; break;
	case 'm': mult = 60; num[--n] = 0; break;
	case 's': mult = 1; num[--n] = 0; break;
	default: break;
	}
	if (cu_parse_int64(num, 0, INT64_MAX / 86400 / 1000, &v))
		return CU_ERR_INVALID;
	*seconds = v * mult;
	return CU_OK;
}

bool cu_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t need;
		uint32_t cp;
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i - 1 < need)
			return false;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

size_t cu_utf8_len(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			count++;
	return count;
}

bool cu_name_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > CU_MAX_NAME_BYTES)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			  (i > 0 && (c == '_' || c == '-' || c == '.'));
		if (!ok)
			return false;
	}
	return true;
}

int cu_file_read(const char *path, size_t max, char **out, size_t *len)
{
	struct cu_buf b;
	char tmp[65536];
	int fd, r = CU_OK;

	*out = NULL;
	if (len)
		*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? CU_ERR_NOT_FOUND : CU_ERR_IO;
	cu_buf_init(&b, max);
	for (;;) {
		ssize_t n = read(fd, tmp, sizeof(tmp));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = CU_ERR_IO;
			break;
		}
		if (n == 0)
			break;
		if ((r = cu_buf_append(&b, tmp, (size_t)n)))
			break;
	}
	close(fd);
	if (r) {
		cu_buf_release(&b);
		return r;
	}
	*out = cu_buf_detach(&b, len);
	return CU_OK;
}

int cu_file_write_atomic(const char *path, const void *data, size_t len, int mode)
{
	struct cu_buf tmp;
	int fd, r = CU_ERR_IO;
	const char *p = data;

	cu_buf_init(&tmp, 4096);
	if (cu_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid()))
		return CU_ERR_TOO_LARGE;
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		goto out;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			unlink(tmp.data);
			goto out;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) || close(fd)) {
		unlink(tmp.data);
		goto out;
	}
	if (rename(tmp.data, path)) {
		unlink(tmp.data);
		goto out;
	}
	r = CU_OK;
out:
	cu_buf_release(&tmp);
	return r;
}
