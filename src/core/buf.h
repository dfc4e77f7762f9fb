/*
 * buf.h - a capped growable byte buffer and a non-owning string view.
 *
 * Invariants of struct cu_buf (after cu_buf_init and until cu_buf_release):
 *   - data is NULL or points at cap bytes owned by the buffer;
 *   - len < cap whenever data != NULL, and data[len] == '\0', so data is
 *     always a C string too (it may also contain NULs);
 *   - len never exceeds max: an append that would returns CU_ERR_TOO_LARGE
 *     and leaves the buffer unchanged.
 */
#ifndef CU_CORE_BUF_H
#define CU_CORE_BUF_H

#include "core/common.h"

struct cu_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

/* A borrowed (pointer, length) view; never owns p. */
struct cu_str {
	const char *p;
	size_t len;
};

#define CU_STR(lit) ((struct cu_str){ (lit), sizeof(lit) - 1 })

void cu_buf_init(struct cu_buf *b, size_t max);
/* Free the storage; the buffer may be reused after cu_buf_init. */
void cu_buf_release(struct cu_buf *b);
/* Drop the contents, keep the storage. */
void cu_buf_reset(struct cu_buf *b);
/* Hand the storage to the caller (cu_free it); the buffer is left empty. */
char *cu_buf_detach(struct cu_buf *b, size_t *len);

CU_WUR int cu_buf_append(struct cu_buf *b, const void *p, size_t n);
CU_WUR int cu_buf_puts(struct cu_buf *b, const char *s);
CU_WUR int cu_buf_putc(struct cu_buf *b, char c);
CU_WUR int cu_buf_printf(struct cu_buf *b, const char *fmt, ...) CU_PRINTF(2, 3);
CU_WUR int cu_buf_vprintf(struct cu_buf *b, const char *fmt, va_list ap);
/* Make room for n more bytes; returns a pointer to write them at. */
CU_WUR int cu_buf_grow(struct cu_buf *b, size_t n);

static inline struct cu_str cu_str_from(const char *s)
{
	return (struct cu_str){ s, s ? strlen(s) : 0 };
}
bool cu_str_eq(struct cu_str a, const char *s);

#endif
