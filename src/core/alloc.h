/*
 * alloc.h - the only calls to malloc/free in custos.
 *
 * Like git's xmalloc, these abort on exhaustion instead of returning NULL:
 * every caller would otherwise turn NULL into a 503 and the process would
 * be in no better state.  Request sizes from the network are checked
 * against limits.h *before* they reach here, so an attacker cannot make
 * us ask for absurd amounts.  Secrets never live in this memory: see
 * crypto/secret.h (sodium_malloc, guarded, locked, wiped).
 */
#ifndef CU_CORE_ALLOC_H
#define CU_CORE_ALLOC_H

#include <stddef.h>

void *cu_malloc(size_t n);
void *cu_calloc(size_t nmemb, size_t size);
void *cu_realloc(void *p, size_t n);
char *cu_strdup(const char *s);
char *cu_strndup(const char *s, size_t n);
void *cu_memdup(const void *p, size_t n);
/* Free p; NULL is fine. */
void cu_free(void *p);

#endif
