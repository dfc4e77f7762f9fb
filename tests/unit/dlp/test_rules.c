/*
 * test_rules.c - user rules (keywords, custom patterns), default masking,
 * and one engine shared by several threads.
 */
#include "test.h"
#include "core/json.h"
#include "dlp/dlp.h"

#include <pthread.h>

static int collect(void *ctx, const struct cu_dlp_finding *f)
{
	struct cu_buf *b = ctx;
	int r = cu_buf_printf(b, "%s ", f->type);
	if (!r)
		r = cu_buf_append(b, f->bytes, (size_t)(f->end - f->start));
	return r ? r : cu_buf_putc(b, '\n');
}

static struct cu_dlp *with_rules(const char *rules, const char *types, int want, char *why)
{
	struct cu_dlp_opts o;
	struct cu_dlp *d = NULL;
	cu_dlp_opts_init(&o);
	o.rules = rules;
	o.rules_len = strlen(rules);
	o.types = types;
	CHECK_EQ_INT(cu_dlp_new(&o, &d, why, 256), want);
	return d;
}

static void scan_is(const struct cu_dlp *d, const char *text, const char *want)
{
	struct cu_buf got;
	cu_buf_init(&got, 1 << 16);
	CHECK_EQ_INT(cu_dlp_scan_buf(d, text, strlen(text), collect, &got), CU_OK);
	CHECK_STR(got.data ? got.data : "", want);
	cu_buf_release(&got);
}

CU_TEST(keywords)
{
	char why[256];
	struct cu_dlp *d = with_rules(
		"{\"keywords\":{\"conf\":[\"机密\",\"secret\",\"Top Secret\"],\"names\":[\"蓝鲸\"]}}",
		NULL, CU_OK, why);
	if (!d)
		return;
	scan_is(d, "机密：蓝鲸计划", "keyword:conf 机密\nkeyword:names 蓝鲸\n");
	/* ASCII keywords: case-insensitive, whole words only. */
	scan_is(d, "SECRET secretary secrets a-secret", "keyword:conf SECRET\nkeyword:conf secret\n");
	scan_is(d, "top secret", "keyword:conf top secret\nkeyword:conf secret\n");
	/* CJK keywords need no boundary. */
	scan_is(d, "绝密机密件", "keyword:conf 机密\n");
	cu_dlp_free(d);
}

CU_TEST(custom)
{
	char why[256];
	struct cu_dlp *d = with_rules(
		"{\"custom\":{\"order\":\"ORD-[0-9]{4,8}\",\"tck\":{\"pattern\":\"tck[0-9]+\","
		"\"caseless\":true,\"confidence\":0.6}}}", NULL, CU_OK, why);
	if (!d)
		return;
	/* Longest match per start, reported once. */
	scan_is(d, "ORD-12345678 ORD-123 TCK42 tck7", "custom:order ORD-12345678\ncustom:tck TCK42\ncustom:tck tck7\n");
	cu_dlp_free(d);
	/* Types filter by family and by name. */
	d = with_rules("{\"keywords\":{\"k\":[\"abc\"]},\"custom\":{\"c\":\"x[0-9]\"}}",
		       "custom:c", CU_OK, why);
	if (d)
		scan_is(d, "abc x1 13812345678", "custom:c x1\n");
	cu_dlp_free(d);
	d = with_rules("{\"keywords\":{\"k\":[\"abc\"]},\"custom\":{\"c\":\"x[0-9]\"}}",
		       "keyword,cn_mobile", CU_OK, why);
	if (d)
		scan_is(d, "abc x1 13812345678", "keyword:k abc\ncn_mobile 13812345678\n");
	cu_dlp_free(d);
}

CU_TEST(errors)
{
	char why[256];
	CHECK(with_rules("{\"custom\":{\"bad\":\"ORD-[0-9\"}}", NULL, CU_ERR_INVALID, why) == NULL);
	CHECK(strstr(why, "custom:bad") != NULL);
	CHECK(with_rules("{\"custom\":{\"empty\":\"a*\"}}", NULL, CU_ERR_INVALID, why) == NULL);
	CHECK(with_rules("{\"keywords\":{\"Bad Name\":[\"x\"]}}", NULL, CU_ERR_INVALID, why) == NULL);
	CHECK(with_rules("{\"keywords\":{\"k\":[\"\"]}}", NULL, CU_ERR_INVALID, why) == NULL);
	CHECK(with_rules("{\"keywords\":{\"k\":\"x\"}}", NULL, CU_ERR_INVALID, why) == NULL);
	CHECK(with_rules("{\"keyword\":{}}", NULL, CU_ERR_INVALID, why) == NULL);
	CHECK(strstr(why, "keyword") != NULL);
	CHECK(with_rules("{\"custom\":{\"c\":{\"pattern\":\"x\",\"confidence\":2}}}", NULL,
			 CU_ERR_INVALID, why) == NULL);
	CHECK(with_rules("not json", NULL, CU_ERR_INVALID, why) == NULL);
	CHECK(with_rules("{\"keywords\":{\"k\":[\"a\"]}}", "keyword:nope", CU_ERR_INVALID, why) == NULL);
	CHECK(strstr(why, "keyword:nope") != NULL);
}

static void mask_is(int type, const char *in, const char *want)
{
	struct cu_buf b;
	cu_buf_init(&b, 1024);
	CHECK_EQ_INT(cu_dlp_mask_value(type, in, strlen(in), &b), CU_OK);
	CHECK_STR(b.data, want);
	cu_buf_release(&b);
}

CU_TEST(masking)
{
	mask_is(CU_DLP_CN_MOBILE, "13812345678", "138****5678");
	mask_is(CU_DLP_CN_MOBILE, "138 1234 5678", "138 **** 5678");
	mask_is(CU_DLP_CN_MOBILE, "１３８１２３４５６７８", "１３８****５６７８");
	mask_is(CU_DLP_CN_ID, "11010519491231002X", "110105********002X");
	mask_is(CU_DLP_CN_ID15, "110105491231002", "110105******002");
	mask_is(CU_DLP_BANK_CARD, "6222-0212-3456-7890-128", "6222-02**-****-***0-128");
	mask_is(CU_DLP_CN_LANDLINE, "010-62345678", "010-****5678");
	mask_is(CU_DLP_CN_LANDLINE, "(0755)82345678", "(0755)****5678");
	mask_is(CU_DLP_EMAIL, "zhang.san@example.com", "z***@example.com");
	mask_is(CU_DLP_IPV4, "192.168.1.1", "192.***.*.*");
	mask_is(CU_DLP_IBAN, "GB82WEST12345698765432", "GB82**************5432");
	mask_is(CU_DLP_US_SSN, "536-22-1234", "***-**-1234");
	mask_is(CU_DLP_CN_PLATE, "京A12345", "京A****5");
	mask_is(CU_DLP_CN_PASSPORT, "E12345678", "E*******8");
	mask_is(CU_DLP_BUILTIN_COUNT, "内部资料", "内**料");
	mask_is(CU_DLP_BUILTIN_COUNT, "机密", "机*");
	mask_is(CU_DLP_BUILTIN_COUNT, "x", "*");
}

struct job {
	const struct cu_dlp *d;
	const char *text;
	const char *want;
	int bad;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	for (int i = 0; i < 200; i++) {
		struct cu_buf got;
		cu_buf_init(&got, 1 << 16);
		if (cu_dlp_scan_buf(j->d, j->text, strlen(j->text), collect, &got) ||
		    !got.data || strcmp(got.data, j->want) != 0)
			j->bad++;
		cu_buf_release(&got);
	}
	return NULL;
}

CU_TEST(threads)
{
	char why[256];
	struct cu_dlp *d = with_rules("{\"keywords\":{\"k\":[\"机密\"]},\"custom\":{\"o\":\"ORD-[0-9]{8}\"}}",
				      NULL, CU_OK, why);
	struct job jobs[4];
	pthread_t t[4];
	const char *text = "机密 ORD-12345678 手机13812345678 身份证11010519491231002X";
	const char *want = "keyword:k 机密\ncustom:o ORD-12345678\ncn_mobile 13812345678\n"
			   "cn_id 11010519491231002X\n";
	if (!d)
		return;
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){ d, text, want, 0 };
		CHECK_EQ_INT(pthread_create(&t[i], NULL, worker, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		CHECK_EQ_INT(pthread_join(t[i], NULL), 0);
		CHECK_EQ_INT(jobs[i].bad, 0);
	}
	cu_dlp_free(d);
}

int main(void)
{
	cu_json_init();
	RUN(keywords);
	RUN(custom);
	RUN(errors);
	RUN(masking);
	RUN(threads);
	return cu_test_done();
}
