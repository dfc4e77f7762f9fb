/*
 * test_scan.c - the scanner on tests/vectors/dlp/scan_cases.txt:
 * detection, boundaries, normalisation, context and decoys.
 */
#include "test.h"
#include "core/json.h"
#include "core/util.h"
#include "dlp/dlp.h"

static int collect(void *ctx, const struct cu_dlp_finding *f)
{
	struct cu_buf *b = ctx;
	int r = cu_buf_printf(b, "%s ", f->type);
	if (!r)
		r = cu_buf_append(b, f->bytes, (size_t)(f->end - f->start));
	return r ? r : cu_buf_putc(b, '\n');
}

static void run_case(const struct cu_dlp *d, const char *text, const char *want, int line)
{
	struct cu_buf got;
	cu_buf_init(&got, 1 << 16);
	CHECK_EQ_INT(cu_dlp_scan_buf(d, text, strlen(text), collect, &got), CU_OK);
	if (strcmp(got.data ? got.data : "", want) != 0)
		fprintf(stderr, "scan_cases.txt:%d: %s\n  got:\n%s  want:\n%s", line, text,
			got.data ? got.data : "", want);
	CHECK_STR(got.data ? got.data : "", want);
	cu_buf_release(&got);
}

CU_TEST(cases)
{
	struct cu_dlp_opts o;
	struct cu_dlp *d = NULL;
	struct cu_buf want;
	char *text = NULL, *input = NULL;
	size_t len;
	int ncase = 0, nfind = 0, at = 0, lineno = 0;

	cu_dlp_opts_init(&o);
	CHECK_EQ_INT(cu_dlp_new(&o, &d, NULL, 0), CU_OK);
	CHECK_EQ_INT(cu_file_read("tests/vectors/dlp/scan_cases.txt", 1 << 20, &text, &len), CU_OK);
	if (!d || !text)
		return;
	cu_buf_init(&want, 1 << 16);
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n'), *line = p;
		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : p + strlen(p);
		lineno++;
		if (line[0] == '>' || line[0] == '\0' || line[0] == '#') {
			if (input) {
				run_case(d, input, want.data ? want.data : "", at);
				ncase++;
			}
			input = line[0] == '>' ? line + 2 : NULL;
			at = lineno;
			cu_buf_reset(&want);
		} else if (line[0] == '=') {
			CHECK(cu_buf_puts(&want, line + 2) == CU_OK && cu_buf_putc(&want, '\n') == CU_OK);
			nfind++;
		}
	}
	if (input) {
		run_case(d, input, want.data ? want.data : "", at);
		ncase++;
	}
	CHECK(ncase >= 50);
	CHECK(nfind >= 40);
	cu_buf_release(&want);
	cu_free(text);
	cu_dlp_free(d);
}

struct one {
	char type[64];
	uint64_t start, end;
	double conf;
	int n;
};

static int first(void *ctx, const struct cu_dlp_finding *f)
{
	struct one *o = ctx;
	if (o->n++ == 0) {
		snprintf(o->type, sizeof(o->type), "%s", f->type);
		o->start = f->start;
		o->end = f->end;
		o->conf = f->confidence;
	}
	return 0;
}

CU_TEST(offsets_and_confidence)
{
	struct cu_dlp_opts o;
	struct cu_dlp *d = NULL;
	struct one f = { 0 };
	const char *t = "卡号6222021234567890128";

	cu_dlp_opts_init(&o);
	CHECK_EQ_INT(cu_dlp_new(&o, &d, NULL, 0), CU_OK);
	CHECK_EQ_INT(cu_dlp_scan_buf(d, t, strlen(t), first, &f), CU_OK);
	CHECK_STR(f.type, "bank_card");
	CHECK_EQ_INT(f.start, 6);      /* after 卡号: two 3-byte characters */
	CHECK_EQ_INT(f.end, 25);
	CHECK(f.conf > 0.9 && f.conf <= 1.0);
	/* Full-width digits: offsets of the original bytes (3 per digit). */
	memset(&f, 0, sizeof(f));
	t = "x １３８１２３４５６７８ y";
	CHECK_EQ_INT(cu_dlp_scan_buf(d, t, strlen(t), first, &f), CU_OK);
	CHECK_STR(f.type, "cn_mobile");
	CHECK_EQ_INT(f.start, 2);
	CHECK_EQ_INT(f.end, 2 + 33);
	/* Context raises confidence. */
	struct one a = { 0 }, b = { 0 };
	CHECK_EQ_INT(cu_dlp_scan_buf(d, "x 13812345678", 13, first, &a), CU_OK);
	CHECK_EQ_INT(cu_dlp_scan_buf(d, "mobile 13812345678", 18, first, &b), CU_OK);
	CHECK(a.n == 1 && b.n == 1 && b.conf > a.conf);
	/* Invalid UTF-8, NULs and binary around a value. */
	const char bin[] = "\xff\xfe\x00\x80\xc3\x28 13812345678 \xe5\xbc\x00";
	memset(&f, 0, sizeof(f));
	CHECK_EQ_INT(cu_dlp_scan_buf(d, bin, sizeof(bin) - 1, first, &f), CU_OK);
	CHECK_STR(f.type, "cn_mobile");
	CHECK_EQ_INT(f.start, 7);
	cu_dlp_free(d);
}

CU_TEST(options)
{
	struct cu_dlp_opts o;
	struct cu_dlp *d = NULL;
	struct one f = { 0 };
	char why[128];
	const char *t = "手机13812345678 身份证11010519491231002X";

	cu_dlp_opts_init(&o);
	o.types = "cn_id";
	CHECK_EQ_INT(cu_dlp_new(&o, &d, why, sizeof(why)), CU_OK);
	CHECK_EQ_INT(cu_dlp_scan_buf(d, t, strlen(t), first, &f), CU_OK);
	CHECK_EQ_INT(f.n, 1);
	CHECK_STR(f.type, "cn_id");
	cu_dlp_free(d);

	o.types = "cn_id,nonsense";
	d = NULL;
	CHECK_EQ_INT(cu_dlp_new(&o, &d, why, sizeof(why)), CU_ERR_INVALID);
	CHECK(d == NULL);
	CHECK(strstr(why, "nonsense") != NULL);

	/* --min-confidence: passports without context score 0.3. */
	cu_dlp_opts_init(&o);
	o.min_confidence = 0.2;
	CHECK_EQ_INT(cu_dlp_new(&o, &d, why, sizeof(why)), CU_OK);
	memset(&f, 0, sizeof(f));
	CHECK_EQ_INT(cu_dlp_scan_buf(d, "x E12345678 y", 13, first, &f), CU_OK);
	CHECK_STR(f.type, "cn_passport");
	CHECK(f.conf < 0.5);
	cu_dlp_free(d);
	o.min_confidence = 0.99;
	CHECK_EQ_INT(cu_dlp_new(&o, &d, why, sizeof(why)), CU_OK);
	memset(&f, 0, sizeof(f));
	CHECK_EQ_INT(cu_dlp_scan_buf(d, t, strlen(t), first, &f), CU_OK);
	CHECK_EQ_INT(f.n, 1);   /* the ID with context (0.99), not the mobile */
	cu_dlp_free(d);

	CHECK_STR(cu_dlp_type_name(CU_DLP_CN_HK_MACAU_PERMIT), "cn_hk_macau_permit");
	CHECK(cu_dlp_type_name(CU_DLP_BUILTIN_COUNT) == NULL);
	CHECK_EQ_INT(cu_dlp_type_from_name("us_ssn"), CU_DLP_US_SSN);
	CHECK_EQ_INT(cu_dlp_type_from_name("ssn"), -1);
}

static int stop_cb(void *ctx, const struct cu_dlp_finding *f)
{
	(void)f;
	++*(int *)ctx;
	return CU_ERR_CONFLICT;
}

CU_TEST(callback_stops)
{
	struct cu_dlp_opts o;
	struct cu_dlp *d = NULL;
	int calls = 0;
	const char *t = "13812345678 13912345678";
	cu_dlp_opts_init(&o);
	CHECK_EQ_INT(cu_dlp_new(&o, &d, NULL, 0), CU_OK);
	CHECK_EQ_INT(cu_dlp_scan_buf(d, t, strlen(t), stop_cb, &calls), CU_ERR_CONFLICT);
	CHECK_EQ_INT(calls, 1);
	cu_dlp_free(d);
}

int main(void)
{
	cu_json_init();
	RUN(cases);
	RUN(offsets_and_confidence);
	RUN(options);
	RUN(callback_stops);
	return cu_test_done();
}
