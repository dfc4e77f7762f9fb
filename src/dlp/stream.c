/*
 * stream.c - windows, ordering, reporting and masked output.
 *
 * A stream copies input into a buffer of CU_DLP_WINDOW + KEEP + GUARD
 * bytes.  When it is full, findings starting in [commit, end - GUARD) are
 * reported; then the last KEEP bytes before end - GUARD are kept as left
 * context of the next window.  cu_dlp_scan_buf and cu_dlp_mask_buf walk
 * the caller's memory with the same windows, without copying.
 */
#include "dlp/dlp_int.h"

struct emit {
	const struct cu_dlp *d;
	cu_dlp_found_fn found;
	cu_dlp_write_fn write;
	void *ctx;
	uint64_t masked;        /* masked output written up to here */
	struct cu_dlp_win w;
	struct cu_buf tmp;
};

struct cu_dlp_stream {
	struct emit em;
	unsigned char *buf;
	size_t len, cap;
	uint64_t base, commit;
	int err;
};

static int emit_init(struct emit *em, const struct cu_dlp *d, cu_dlp_found_fn found,
		     cu_dlp_write_fn write, void *ctx)
{
	memset(em, 0, sizeof(*em));
	em->d = d;
	em->found = found;
	em->write = write;
	em->ctx = ctx;
	em->w.d = d;
	cu_buf_init(&em->tmp, 4 * CU_DLP_MAX_MATCH + 16);
	return cu_dlp_rules_scratch(d, &em->w.scratch);
}

static void emit_release(struct emit *em)
{
	cu_dlp_rules_scratch_free(em->w.scratch);
	cu_free(em->w.cands);
	cu_free(em->w.last);
	cu_buf_release(&em->tmp);
	memset(em, 0, sizeof(*em));
}

static int cmp_cand(const void *a, const void *b)
{
	const struct cu_dlp_cand *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return (x->type_id > y->type_id) - (x->type_id < y->type_id);
}

/* Detectors mostly emit in order already; skip the sort then. */
static bool sorted(const struct cu_dlp_cand *c, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (cmp_cand(&c[i - 1], &c[i]) > 0)
			return false;
	return true;
}

/* Write the original bytes [em->masked, upto), all inside the window. */
static int pass_through(struct emit *em, uint64_t upto)
{
	const struct cu_dlp_win *w = &em->w;
	int r;
	if (!em->write || upto <= em->masked)
		return CU_OK;
	r = em->write(em->ctx, (const char *)w->buf + (em->masked - w->base),
		      (size_t)(upto - em->masked));
	em->masked = upto;
	return r;
}

static int write_masked(struct emit *em, const struct cu_dlp_cand *c)
{
	const struct cu_dlp_win *w = &em->w;
	uint64_t s = c->start > em->masked ? c->start : em->masked;
	int r;

	if (!em->write || c->end <= em->masked)
		return CU_OK;
	if ((r = pass_through(em, s)))
		return r;
	cu_buf_reset(&em->tmp);
	if (s == c->start)
		r = cu_dlp_mask_value(c->type_id, (const char *)w->buf + (s - w->base),
				      (size_t)(c->end - s), &em->tmp);
	else /* overlaps a finding already masked: hide the rest of it */
		for (uint64_t i = s; !r && i < c->end; i++)
			r = cu_buf_putc(&em->tmp, '*');
	if (r)
		return r;
	em->masked = c->end;
	return em->write(em->ctx, em->tmp.data, em->tmp.len);
}

static int report(struct emit *em, const struct cu_dlp_cand *c)
{
	const struct cu_dlp_win *w = &em->w;
	struct cu_dlp_finding f = {
		.type = em->d->names[c->type_id], .type_id = c->type_id,
		.start = c->start, .end = c->end, .confidence = c->conf,
		.bytes = (const char *)w->buf + (c->start - w->base),
	};
	int r = em->found ? em->found(em->ctx, &f) : 0;
	return r ? r : write_masked(em, c);
}

/* Scan one window and report findings starting in [from, to). */
static int emit_window(struct emit *em, const unsigned char *buf, size_t len,
		       uint64_t base, size_t from, size_t to)
{
	struct cu_dlp_win *w = &em->w;
	int r = CU_OK;

	w->buf = buf;
	w->len = len;
	w->base = base;
	w->from = from;
	w->to = to;
	w->ncand = 0;
	w->err = 0;
	cu_dlp_scan_window(w);
	if (w->err)
		return w->err;
	if (!sorted(w->cands, w->ncand))
		qsort(w->cands, w->ncand, sizeof(*w->cands), cmp_cand);
	for (size_t i = 0; i < w->ncand && !r; i++) {
		if (i > 0 && cmp_cand(&w->cands[i], &w->cands[i - 1]) == 0)
			continue;
		r = report(em, &w->cands[i]);
	}
	return r ? r : pass_through(em, base + to);
}

static int walk(struct emit *em, const char *p, size_t n)
{
	int r = CU_OK;
	for (size_t pos = 0; pos < n && !r;) {
		size_t ws = pos > CU_DLP_KEEP ? pos - CU_DLP_KEEP : 0;
		size_t to = n - pos > CU_DLP_WINDOW ? pos + CU_DLP_WINDOW : n;
		size_t we = n - to > CU_DLP_GUARD ? to + CU_DLP_GUARD : n;
		r = emit_window(em, (const unsigned char *)p + ws, we - ws, ws, pos - ws, to - ws);
		pos = to;
	}
	return r;
}

int cu_dlp_scan_buf(const struct cu_dlp *d, const char *p, size_t n,
		    cu_dlp_found_fn found, void *ctx)
{
	struct emit em;
	int r = emit_init(&em, d, found, NULL, ctx);
	if (!r)
		r = walk(&em, p, n);
	emit_release(&em);
	return r;
}

static int buf_write(void *ctx, const char *p, size_t n)
{
	return cu_buf_append(ctx, p, n);
}

struct mask_ctx {
	struct cu_buf *out;
	cu_dlp_found_fn found;
	void *ctx;
};

static int mask_write(void *ctx, const char *p, size_t n)
{
	struct mask_ctx *m = ctx;
	return buf_write(m->out, p, n);
}

static int mask_found(void *ctx, const struct cu_dlp_finding *f)
{
	struct mask_ctx *m = ctx;
	return m->found ? m->found(m->ctx, f) : 0;
}

int cu_dlp_mask_buf(const struct cu_dlp *d, const char *p, size_t n,
		    struct cu_buf *out, cu_dlp_found_fn found, void *ctx)
{
	struct mask_ctx m = { out, found, ctx };
	struct emit em;
	int r = emit_init(&em, d, mask_found, mask_write, &m);
	if (!r)
		r = walk(&em, p, n);
	emit_release(&em);
	return r;
}

int cu_dlp_stream_open(const struct cu_dlp *d, cu_dlp_found_fn found,
		       cu_dlp_write_fn write, void *ctx, struct cu_dlp_stream **out)
{
	return cu_dlp_stream_open_window(d, found, write, ctx, CU_DLP_WINDOW, out);
}

int cu_dlp_stream_open_window(const struct cu_dlp *d, cu_dlp_found_fn found,
			      cu_dlp_write_fn write, void *ctx, size_t window,
			      struct cu_dlp_stream **out)
{
	struct cu_dlp_stream *s;
	int r;

	*out = NULL;
	s = cu_calloc(1, sizeof(*s));
	if ((r = emit_init(&s->em, d, found, write, ctx))) {
		emit_release(&s->em);
		cu_free(s);
		return r;
	}
	s->cap = (window ? window : 1) + CU_DLP_KEEP + CU_DLP_GUARD;
	s->buf = cu_malloc(s->cap);
	*out = s;
	return CU_OK;
}

/* Report what can be reported; keep the tail as the next window's left. */
static int process(struct cu_dlp_stream *s, bool final)
{
	uint64_t end = s->base + s->len;
	uint64_t to = final ? end : end - CU_DLP_GUARD;
	uint64_t keep;
	int r;

	if (to < s->commit)
		return CU_OK;
	r = emit_window(&s->em, s->buf, s->len, s->base, (size_t)(s->commit - s->base),
			(size_t)(to - s->base));
	if (r)
		return r;
	s->commit = to;
	keep = to > s->base + CU_DLP_KEEP ? to - CU_DLP_KEEP : s->base;
	if (s->em.write && s->em.masked < keep)
		keep = s->em.masked;
	memmove(s->buf, s->buf + (keep - s->base), (size_t)(end - keep));
	s->len = (size_t)(end - keep);
	s->base = keep;
	return CU_OK;
}

int cu_dlp_stream_feed(struct cu_dlp_stream *s, const void *p, size_t n)
{
	const unsigned char *in = p;
	while (n && !s->err) {
		size_t take = s->cap - s->len < n ? s->cap - s->len : n;
		memcpy(s->buf + s->len, in, take);
		s->len += take;
		in += take;
		n -= take;
		if (s->len == s->cap)
			s->err = process(s, false);
	}
	return s->err;
}

int cu_dlp_stream_close(struct cu_dlp_stream *s)
{
	int r;
	if (!s)
		return CU_ERR_INVALID;
	if (!s->err)
		s->err = process(s, true);
	r = s->err;
	cu_dlp_stream_free(s);
	return r;
}

void cu_dlp_stream_free(struct cu_dlp_stream *s)
{
	if (!s)
		return;
	emit_release(&s->em);
	cu_free(s->buf);
	cu_free(s);
}
