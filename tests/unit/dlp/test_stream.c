/*
 * test_stream.c - streaming must find exactly what a one-shot scan finds,
 * wherever the input is cut: feeds split at every offset, windows of
 * several sizes (so window boundaries fall everywhere too), and one input
 * larger than the real window.  Masked output must match as well.
 */
#include "test.h"
#include "core/json.h"
#include "dlp/dlp_int.h"

static const char *const pieces[] = {
	"客户张三，身份证11010519491231002X，手机13812345678，",
	"电话010-62345678。卡号6222021234567890128 ",
	"邮箱 zhang.san@example.com IP 192.168.1.1 v6 2001:db8::1 ",
	"统一社会信用代码91350100M000100Y43 护照E12345678 车牌京A12345 ",
	"IBAN GB82 WEST 1234 5698 7654 32 SSN 536-22-1234 ",
	"Visa 4111 1111 1111 1111 手机 138 1234 5678 +86 139-1234-5678 ",
	"全角１３８１２３４５６７８ 订单号 2024061713812345678990 ",
	"运单 SF1381234567890 港澳通行证 C12345678 机密文件 ORD-12345678 ",
	"\xff\xfe binary \x00\x01 13712345678\n",
};

static const char rules[] =
	"{\"keywords\":{\"secret\":[\"机密\",\"confidential\"]},"
	"\"custom\":{\"order\":\"ORD-[0-9]{8}\"}}";

static int rec_found(void *ctx, const struct cu_dlp_finding *f)
{
	struct cu_buf *b = ctx;
	return cu_buf_printf(b, "%s %llu %llu %.2f\n", f->type, (unsigned long long)f->start,
			     (unsigned long long)f->end, f->confidence);
}

static int rec_write(void *ctx, const char *p, size_t n)
{
	return cu_buf_append(ctx, p, n);
}

struct both {
	struct cu_buf found, masked;
};

static int both_found(void *ctx, const struct cu_dlp_finding *f)
{
	return rec_found(&((struct both *)ctx)->found, f);
}

static int both_write(void *ctx, const char *p, size_t n)
{
	return rec_write(&((struct both *)ctx)->masked, p, n);
}

static void both_init(struct both *b)
{
	cu_buf_init(&b->found, SIZE_MAX / 2);
	cu_buf_init(&b->masked, SIZE_MAX / 2);
}

static void both_release(struct both *b)
{
	cu_buf_release(&b->found);
	cu_buf_release(&b->masked);
}

static bool streamed_equal(const struct cu_dlp *d, const char *t, size_t n, size_t window,
			   size_t split, const struct both *want)
{
	struct cu_dlp_stream *s = NULL;
	struct both got;
	bool ok;

	both_init(&got);
	if (cu_dlp_stream_open_window(d, both_found, both_write, &got, window, &s))
		return false;
	ok = cu_dlp_stream_feed(s, t, split) == CU_OK &&
	     cu_dlp_stream_feed(s, t + split, n - split) == CU_OK &&
	     cu_dlp_stream_close(s) == CU_OK;
	ok = ok && got.found.len == want->found.len &&
	     memcmp(got.found.data, want->found.data, got.found.len) == 0 &&
	     got.masked.len == want->masked.len &&
	     memcmp(got.masked.data, want->masked.data, got.masked.len) == 0;
	both_release(&got);
	return ok;
}

static struct cu_dlp *engine(void)
{
	struct cu_dlp_opts o;
	struct cu_dlp *d = NULL;
	char why[128];
	cu_dlp_opts_init(&o);
	o.min_confidence = 0;
	o.rules = rules;
	o.rules_len = sizeof(rules) - 1;
	if (cu_dlp_new(&o, &d, why, sizeof(why)))
		fprintf(stderr, "engine: %s\n", why);
	return d;
}

static void build_text(struct cu_buf *t, int reps)
{
	cu_buf_init(t, SIZE_MAX / 2);
	for (int r = 0; r < reps; r++)
		for (size_t i = 0; i < CU_ARRAY_LEN(pieces); i++)
			CHECK_EQ_INT(cu_buf_append(t, pieces[i], i + 1 == CU_ARRAY_LEN(pieces) ?
					   strlen(pieces[i]) + 4 : strlen(pieces[i])), CU_OK);
}

CU_TEST(every_offset)
{
	struct cu_dlp *d = engine();
	struct cu_buf t;
	struct both want;
	static const size_t windows[] = { 61, 997 };

	if (!d)
		return;
	build_text(&t, 8);
	/* Windows only turn over once the buffer holds KEEP + GUARD bytes. */
	CHECK(t.len > 3 * (CU_DLP_KEEP + CU_DLP_GUARD));
	both_init(&want);
	CHECK_EQ_INT(cu_dlp_mask_buf(d, t.data, t.len, &want.masked, rec_found, &want.found), CU_OK);
	CHECK(want.found.len > 500);  /* many findings: the test means something */
	for (size_t w = 0; w < CU_ARRAY_LEN(windows); w++) {
		size_t bad = 0;
		for (size_t split = 0; split <= t.len; split++)
			if (!streamed_equal(d, t.data, t.len, windows[w], split, &want)) {
				if (!bad)
					fprintf(stderr, "window %zu split %zu differs\n", windows[w], split);
				bad++;
			}
		CHECK_EQ_INT(bad, 0);
	}
	/* Window boundaries at every byte, with byte-by-byte feeding. */
	for (size_t win = 1; win <= 3; win++) {
		struct cu_dlp_stream *s = NULL;
		struct both got;
		both_init(&got);
		CHECK_EQ_INT(cu_dlp_stream_open_window(d, both_found, both_write, &got, win, &s), CU_OK);
		for (size_t i = 0; i < t.len; i++)
			CHECK(cu_dlp_stream_feed(s, t.data + i, 1) == CU_OK);
		CHECK_EQ_INT(cu_dlp_stream_close(s), CU_OK);
		CHECK_STR(got.found.data, want.found.data);
		CHECK(got.masked.len == want.masked.len &&
		      memcmp(got.masked.data, want.masked.data, got.masked.len) == 0);
		both_release(&got);
	}
	both_release(&want);
	cu_buf_release(&t);
	cu_dlp_free(d);
}

CU_TEST(bigger_than_window)
{
	struct cu_dlp *d = engine();
	struct cu_buf t;
	struct both want, got;
	struct cu_dlp_stream *s = NULL;

	if (!d)
		return;
	build_text(&t, 6000);             /* about 3 MiB: several real windows */
	CHECK(t.len > 2 * CU_DLP_WINDOW);
	both_init(&want);
	both_init(&got);
	CHECK_EQ_INT(cu_dlp_mask_buf(d, t.data, t.len, &want.masked, rec_found, &want.found), CU_OK);
	CHECK_EQ_INT(cu_dlp_stream_open(d, both_found, both_write, &got, &s), CU_OK);
	for (size_t off = 0; off < t.len; off += 65521)
		CHECK(cu_dlp_stream_feed(s, t.data + off, t.len - off < 65521 ? t.len - off : 65521) == CU_OK);
	CHECK_EQ_INT(cu_dlp_stream_close(s), CU_OK);
	CHECK_EQ_INT(got.found.len, want.found.len);
	CHECK(got.found.len == want.found.len && memcmp(got.found.data, want.found.data, got.found.len) == 0);
	CHECK(got.masked.len == want.masked.len && memcmp(got.masked.data, want.masked.data, got.masked.len) == 0);
	both_release(&want);
	both_release(&got);
	cu_buf_release(&t);
	cu_dlp_free(d);
}

CU_TEST(mask_buf)
{
	struct cu_dlp_opts o;
	struct cu_dlp *d = NULL;
	struct cu_buf out, small;
	const char *t = "手机13812345678，身份证11010519491231002X，邮箱zhang.san@example.com。";

	cu_dlp_opts_init(&o);
	CHECK_EQ_INT(cu_dlp_new(&o, &d, NULL, 0), CU_OK);
	cu_buf_init(&out, 4096);
	CHECK_EQ_INT(cu_dlp_mask_buf(d, t, strlen(t), &out, NULL, NULL), CU_OK);
	CHECK_STR(out.data, "手机138****5678，身份证110105********002X，邮箱z***@example.com。");
	cu_buf_init(&small, 10);
	CHECK_EQ_INT(cu_dlp_mask_buf(d, t, strlen(t), &small, NULL, NULL), CU_ERR_TOO_LARGE);
	cu_buf_release(&small);
	cu_buf_release(&out);
	cu_dlp_free(d);
}

int main(void)
{
	cu_json_init();
	RUN(every_offset);
	RUN(bigger_than_window);
	RUN(mask_buf);
	return cu_test_done();
}
