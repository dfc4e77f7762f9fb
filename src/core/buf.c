#include "core/buf.h"

void cu_buf_init(struct cu_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void cu_buf_release(struct cu_buf *b)
{
	cu_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void cu_buf_reset(struct cu_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *cu_buf_detach(struct cu_buf *b, size_t *len)
{
	char *p = b->data;
	if (!p)
		p = cu_calloc(1, 1);
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

int cu_buf_grow(struct cu_buf *b, size_t n)
{
	if (n > b->max || b->len > b->max - n)
		return CU_ERR_TOO_LARGE;
	size_t need = b->len + n + 1;
	if (need <= b->cap)
		return CU_OK;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->data = cu_realloc(b->data, cap);
	b->cap = cap;
	return CU_OK;
}

int cu_buf_append(struct cu_buf *b, const void *p, size_t n)
{
	int r = cu_buf_grow(b, n);
	if (r)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return CU_OK;
}

int cu_buf_puts(struct cu_buf *b, const char *s)
{
	return cu_buf_append(b, s, strlen(s));
}

int cu_buf_putc(struct cu_buf *b, char c)
{
	return cu_buf_append(b, &c, 1);
}

int cu_buf_vprintf(struct cu_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return CU_ERR_INVALID;
	int r = cu_buf_grow(b, (size_t)n);
	if (r)
		return r;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return CU_OK;
}

int cu_buf_printf(struct cu_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = cu_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

bool cu_str_eq(struct cu_str a, const char *s)
{
	size_t n = strlen(s);
	return a.len == n && memcmp(a.p, s, n) == 0;
}
