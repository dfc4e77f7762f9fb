#include "core/common.h"

static void oom(size_t n)
{
	/* No allocation here: write(2) directly. */
	static const char msg[] = "custos: fatal: out of memory\n";
	if (fwrite(msg, 1, sizeof(msg) - 1, stderr)) {
	}
	(void)n;
	abort();
}

void *cu_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *cu_calloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(nmemb * size);
	return p;
}

void *cu_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *cu_strdup(const char *s)
{
	return cu_strndup(s, strlen(s));
}

char *cu_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = cu_malloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void *cu_memdup(const void *p, size_t n)
{
	void *q = cu_malloc(n);
	if (n)
		memcpy(q, p, n);
	return q;
}

void cu_free(void *p)
{
	free(p);
}
