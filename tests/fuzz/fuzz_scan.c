/*
 * fuzz_scan.c - libFuzzer target for the dlp scanner.
 *
 * Each input is scanned three ways, with every built-in detector, a
 * keyword dictionary and a custom rule on and no confidence floor:
 * in place (cu_dlp_scan_buf), masked (cu_dlp_mask_buf) and streamed in
 * chunks whose size comes from the first input byte.  The findings of
 * the three must be identical (chunking must never change results), each
 * finding must lie inside the input, and masking must not lose bytes
 * outside findings.  Any difference aborts.
 */
#include "core/common.h"
#include "core/json.h"
#include "dlp/dlp.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

struct rec {
	struct cu_dlp_finding *f;
	size_t n, cap;
	size_t len;
};

static struct cu_dlp *engine;

static const char rules[] =
	"{\"keywords\":{\"confidential\":[\"机密\",\"secret\",\"内部资料\"]},"
	"\"custom\":{\"order\":\"ORD-[0-9]{4,8}\",\"any\":{\"pattern\":\"[a-z]+@\",\"caseless\":true}}}";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct cu_dlp_opts o;
	char why[256];
	(void)argc;
	(void)argv;
	cu_json_init();
	cu_dlp_opts_init(&o);
	o.min_confidence = 0;
	o.rules = rules;
	o.rules_len = sizeof(rules) - 1;
	if (cu_dlp_new(&o, &engine, why, sizeof(why))) {
		fprintf(stderr, "fuzz_scan: %s\n", why);
		abort();
	}
	return 0;
}

static int record(void *ctx, const struct cu_dlp_finding *f)
{
	struct rec *r = ctx;
	if (f->end <= f->start || f->end > r->len || f->confidence < 0 || f->confidence > 1 || !f->type)
		abort();
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->f = cu_realloc(r->f, r->cap * sizeof(*r->f));
	}
	r->f[r->n] = *f;
	r->f[r->n++].bytes = NULL;
	return 0;
}

static void same(const struct rec *a, const struct rec *b)
{
	if (a->n != b->n)
		abort();
	for (size_t i = 0; i < a->n; i++)
		if (a->f[i].start != b->f[i].start || a->f[i].end != b->f[i].end ||
		    a->f[i].type_id != b->f[i].type_id || a->f[i].confidence != b->f[i].confidence)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec one = { .len = size }, masked = { .len = size }, streamed = { .len = size };
	struct cu_dlp_stream *st;
	struct cu_buf out;
	size_t chunk = size ? (size_t)data[0] % 97 + 1 : 1;

	if (!engine)
		LLVMFuzzerInitialize(NULL, NULL);
	if (cu_dlp_scan_buf(engine, (const char *)data, size, record, &one))
		abort();
	cu_buf_init(&out, SIZE_MAX / 2);
	if (cu_dlp_mask_buf(engine, (const char *)data, size, &out, record, &masked))
		abort();
	same(&one, &masked);
	/* Outside findings, the masked text is the input byte for byte. */
	if (one.n == 0 && (out.len != size || (size && memcmp(out.data, data, size))))
		abort();
	if (one.n > 0 && memcmp(out.data, data, (size_t)one.f[0].start))
		abort();
	cu_buf_release(&out);
	if (cu_dlp_stream_open(engine, record, NULL, &streamed, &st))
		abort();
	for (size_t off = 0; off < size; off += chunk)
		if (cu_dlp_stream_feed(st, data + off, size - off < chunk ? size - off : chunk))
			abort();
	if (cu_dlp_stream_close(st))
		abort();
	same(&one, &streamed);
	cu_free(one.f);
	cu_free(masked.f);
	cu_free(streamed.f);
	return 0;
}
