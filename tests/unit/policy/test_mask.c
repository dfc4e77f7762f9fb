/*
 * test_mask.c - masking formats (policy/mask.h) with the examples of
 * Chinese practice, the rule that no mask ever gives a value back whole,
 * UTF-8 safety, and the keyed hash token.
 */
#include "test.h"
#include "crypto/tutil.h"
#include "crypto/keyring.h"
#include "policy/mask.h"
#include "core/json.h"

static char *dir;
static struct cu_keyring *kr, *kr2;

/* Mask a C string; "(null)" for CU_MASK_NULL's NULL.  Caller frees. */
static char *mask(enum cu_mask m, const char *s, const char *scope)
{
	char *out = cu_mask_apply(m, s, strlen(s), kr, scope);
	return out ? out : cu_strdup("(null)");
}

#define CHECK_MASK(m, in, want) do { \
	char *cu_got = mask((m), (in), NULL); \
	CHECK_STR(cu_got, (want)); \
	cu_free(cu_got); \
} while (0)

CU_TEST(names)
{
	static const char *const all[] = { "none", "mobile", "cn_id", "cn_id_strict", "bank_card",
					   "name", "email", "address", "partial", "redact", "hash",
					   "null" };
	enum cu_mask m;
	for (size_t i = 0; i < CU_ARRAY_LEN(all); i++) {
		CHECK_EQ_INT(cu_mask_parse(all[i], &m), CU_OK);
		CHECK_EQ_INT(m, i);
		CHECK_STR(cu_mask_name(m), all[i]);
	}
	m = CU_MASK_REDACT;
	CHECK_EQ_INT(cu_mask_parse("stars", &m), CU_ERR_INVALID);
	CHECK_EQ_INT(m, CU_MASK_NONE);
	CHECK_EQ_INT(cu_mask_parse("Mobile", &m), CU_ERR_INVALID);
	CHECK_EQ_INT(cu_mask_parse("", &m), CU_ERR_INVALID);
	CHECK_STR(cu_mask_name((enum cu_mask)99), "none");
}

CU_TEST(mobile)
{
	CHECK_MASK(CU_MASK_MOBILE, "13812345678", "138****5678");
	CHECK_MASK(CU_MASK_MOBILE, "+8613812345678", "+86*******5678");
	CHECK_MASK(CU_MASK_MOBILE, "01012345678", "010****5678");
	CHECK_MASK(CU_MASK_MOBILE, "12345678", "123****5678");
	/* Too short to show both ends: only the first character. */
	CHECK_MASK(CU_MASK_MOBILE, "1234567", "1******");
	CHECK_MASK(CU_MASK_MOBILE, "12345", "1****");
	CHECK_MASK(CU_MASK_MOBILE, "1", "****");
	CHECK_MASK(CU_MASK_MOBILE, "", "****");
}

CU_TEST(cn_id)
{
	CHECK_MASK(CU_MASK_CN_ID, "110101199003071234", "110101********1234");
	CHECK_MASK(CU_MASK_CN_ID, "11010519491231002X", "110105********002X");
	CHECK_MASK(CU_MASK_CN_ID, "110105491231002", "110105********1002"); /* 15-digit */
	CHECK_MASK(CU_MASK_CN_ID, "1101011990", "1*********");
	CHECK_MASK(CU_MASK_CN_ID_STRICT, "110101199003071234", "1****************4");
	CHECK_MASK(CU_MASK_CN_ID_STRICT, "11010519491231002X", "1****************X");
	CHECK_MASK(CU_MASK_CN_ID_STRICT, "12", "1****************");
}

CU_TEST(bank_card)
{
	CHECK_MASK(CU_MASK_BANK_CARD, "6222021234567890", "622202******7890");
	CHECK_MASK(CU_MASK_BANK_CARD, "6212261001000000007", "621226*********0007");
	CHECK_MASK(CU_MASK_BANK_CARD, "123456789015", "123456******9015");
	CHECK_MASK(CU_MASK_BANK_CARD, "1234567890", "1*********");
}

CU_TEST(name)
{
	CHECK_MASK(CU_MASK_NAME, "张三", "张*");
	CHECK_MASK(CU_MASK_NAME, "王小明", "王**");
	CHECK_MASK(CU_MASK_NAME, "欧阳娜娜", "欧阳**");
	CHECK_MASK(CU_MASK_NAME, "司马懿", "司马*");
	CHECK_MASK(CU_MASK_NAME, "诸葛孔明", "诸葛**");
	/* A compound surname alone is still masked. */
	CHECK_MASK(CU_MASK_NAME, "欧阳", "欧*");
	CHECK_MASK(CU_MASK_NAME, "张", "*");
	CHECK_MASK(CU_MASK_NAME, "Zhang San", "Z********");
	CHECK_MASK(CU_MASK_NAME, "阿依古丽·买买提", "阿*******");
}

CU_TEST(email)
{
	CHECK_MASK(CU_MASK_EMAIL, "zhang@example.com", "z***@example.com");
	CHECK_MASK(CU_MASK_EMAIL, "zhang.san+crm@mail.example.com.cn", "z***@mail.example.com.cn");
	CHECK_MASK(CU_MASK_EMAIL, "张三@例子.中国", "张***@例子.中国");
	CHECK_MASK(CU_MASK_EMAIL, "ab@qq.com", "a***@qq.com");
	/* A one-character local part is not shown at all: it would be whole. */
	CHECK_MASK(CU_MASK_EMAIL, "z@example.com", "***@example.com");
	CHECK_MASK(CU_MASK_EMAIL, "张@例子.中国", "***@例子.中国");
	/* Not an address: first character only. */
	CHECK_MASK(CU_MASK_EMAIL, "zhangsan", "z*******");
	CHECK_MASK(CU_MASK_EMAIL, "@example.com", "@***********");
}

CU_TEST(address)
{
	CHECK_MASK(CU_MASK_ADDRESS, "北京市朝阳区建国路88号", "北京市朝阳区****");
	CHECK_MASK(CU_MASK_ADDRESS, "上海市浦东新区世纪大道100号", "上海市浦东新区****");
	CHECK_MASK(CU_MASK_ADDRESS, "浙江省杭州市西湖大道1号", "浙江省杭州市****");
	CHECK_MASK(CU_MASK_ADDRESS, "河北省承德市围场县城关镇", "河北省承德市围场县****");
	CHECK_MASK(CU_MASK_ADDRESS, "内蒙古呼伦贝尔市鄂温克旗巴彦托海镇", "内蒙古呼伦贝尔市鄂温克旗****");
	/* Only down to the district given: still masked, never whole. */
	CHECK_MASK(CU_MASK_ADDRESS, "北京市朝阳区", "北京市朝阳区****");
	/* No district or city: first two characters. */
	CHECK_MASK(CU_MASK_ADDRESS, "建国路88号院", "建国*****");
	CHECK_MASK(CU_MASK_ADDRESS, "1 Main Street", "1 ***********");
}

CU_TEST(partial_redact_null_none)
{
	CHECK_MASK(CU_MASK_PARTIAL, "abcdef", "a****f");
	CHECK_MASK(CU_MASK_PARTIAL, "abc", "a***c");
	CHECK_MASK(CU_MASK_PARTIAL, "ab", "a***");
	CHECK_MASK(CU_MASK_PARTIAL, "a", "***");
	CHECK_MASK(CU_MASK_PARTIAL, "", "***");
	CHECK_MASK(CU_MASK_PARTIAL, "会员编号甲乙", "会****乙");
	CHECK_MASK(CU_MASK_REDACT, "anything at all", "****");
	CHECK_MASK(CU_MASK_REDACT, "", "****");
	CHECK_MASK(CU_MASK_REDACT, "x", "****");
	CHECK(cu_mask_apply(CU_MASK_NULL, "13812345678", 11, kr, NULL) == NULL);
	CHECK_MASK(CU_MASK_NONE, "13812345678", "13812345678");
	/* Length is given explicitly: bytes after n are not read. */
	{
		char *out = cu_mask_apply(CU_MASK_MOBILE, "13812345678XXXX", 11, kr, NULL);
		CHECK_STR(out, "138****5678");
		cu_free(out);
	}
}

/* Long values: the ends are the real ends, whatever the length. */
CU_TEST(long_values)
{
	struct cu_buf b;
	char *out;

	cu_buf_init(&b, 1 << 20);
	CHECK_EQ_INT(cu_buf_putc(&b, 'a'), CU_OK);
	for (int i = 0; i < 2000; i++)
		CHECK_EQ_INT(cu_buf_putc(&b, 'x'), CU_OK);
	CHECK_EQ_INT(cu_buf_putc(&b, 'z'), CU_OK);
	out = cu_mask_apply(CU_MASK_PARTIAL, b.data, b.len, kr, NULL);
	CHECK(out && out[0] == 'a' && out[strlen(out) - 1] == 'z');
	CHECK(out && !strchr(out, 'x'));
	CHECK(out && strlen(out) == 2002);
	cu_free(out);
	out = cu_mask_apply(CU_MASK_MOBILE, b.data, b.len, kr, NULL);
	CHECK(out && strncmp(out, "axx", 3) == 0 && strcmp(out + strlen(out) - 4, "xxxz") == 0);
	CHECK(out && strlen(out) == 2002 && strspn(out + 3, "*") == 2002 - 7);
	cu_free(out);
	cu_buf_reset(&b);
	/* 1500 Chinese characters. */
	for (int i = 0; i < 1500; i++)
		CHECK_EQ_INT(cu_buf_puts(&b, i == 1499 ? "尾" : "中"), CU_OK);
	out = cu_mask_apply(CU_MASK_PARTIAL, b.data, b.len, kr, NULL);
	CHECK(out && strncmp(out, "中*", 4) == 0);
	CHECK(out && strlen(out) >= 3 && strcmp(out + strlen(out) - 3, "尾") == 0);
	CHECK(out && strlen(out) == 3 + 1498 + 3);
	cu_free(out);
	out = cu_mask_apply(CU_MASK_NAME, b.data, b.len, kr, NULL);
	CHECK(out && strncmp(out, "中*", 4) == 0 && !strstr(out, "尾"));
	cu_free(out);
	cu_buf_release(&b);
}

/* Remove '*' from s (in place). */
static void strip_stars(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++)
		if (*r != '*')
			*w++ = *r;
	*w = '\0';
}

/*
 * Whatever the input, a mask never hands it back whole: the output is
 * valid UTF-8 and never equal to the input; it does not contain the input
 * and, with the stars taken out, is still not the input (stars inserted
 * into a value reveal it as much as the value itself).  The address mask
 * (fixed granularity, always starred) and hash tokens are checked below
 * with rules of their own.
 */
CU_TEST(never_whole)
{
	static const enum cu_mask masks[] = { CU_MASK_MOBILE, CU_MASK_CN_ID, CU_MASK_CN_ID_STRICT,
					      CU_MASK_BANK_CARD, CU_MASK_NAME, CU_MASK_EMAIL,
					      CU_MASK_ADDRESS, CU_MASK_PARTIAL, CU_MASK_REDACT,
					      CU_MASK_HASH };
	static const char *const inputs[] = {
		"a", "ab", "abc", "abcd", "12345", "123456", "1234567", "12345678", "123456789",
		"1234567890", "12345678901", "张", "张三", "欧阳", "欧阳娜", "a@b.cn", "z@", "@",
		"@b", "张@例.中国", "北京市", "朝阳区", "北京市朝阳区", "区", "市", "x区",
		"110101199003071234", "6222021234567890", "zhang@example.com", "\xf0\x9f\x98\x80",
		"\xf0\x9f\x98\x80\xf0\x9f\x98\x81", "a\xe5\x8c\xba",
	};
	int bad = 0;

	for (size_t m = 0; m < CU_ARRAY_LEN(masks); m++)
		for (size_t i = 0; i < CU_ARRAY_LEN(inputs); i++) {
			const char *in = inputs[i];
			char *out = cu_mask_apply(masks[m], in, strlen(in), kr, "c.f");
			bool ok = out && cu_utf8_valid(out, strlen(out)) && strcmp(out, in) != 0;
			if (ok && masks[m] == CU_MASK_ADDRESS) {
				/* The address mask shows a fixed granularity (down to
				 * the district) and always stars the rest: a value that
				 * is only a district reveals no more than that. */
				size_t lo = strlen(out);
				ok = lo >= 4 && strcmp(out + lo - 4, "****") == 0;
			} else if (ok && masks[m] != CU_MASK_HASH) {
				/* hex tokens may contain any short input by chance */
				char *bare = cu_strdup(out);
				strip_stars(bare);
				ok = !strstr(out, in) && strcmp(bare, in) != 0;
				cu_free(bare);
			}
			if (!ok) {
				fprintf(stderr, "mask %s revealed \"%s\" as \"%s\"\n",
					cu_mask_name(masks[m]), in, out ? out : "(null)");
				bad++;
			}
			cu_free(out);
		}
	CHECK_EQ_INT(bad, 0);
}

CU_TEST(hash)
{
	char *a = cu_mask_apply(CU_MASK_HASH, "13812345678", 11, kr, "customers.phone");
	char *b = cu_mask_apply(CU_MASK_HASH, "13812345678", 11, kr, "customers.phone");
	char *c = cu_mask_apply(CU_MASK_HASH, "13812345678", 11, kr, "members.phone");
	char *d = cu_mask_apply(CU_MASK_HASH, "13812345679", 11, kr, "customers.phone");
	char *e = cu_mask_apply(CU_MASK_HASH, "13812345678", 11, kr2, "customers.phone");
	char *f = cu_mask_apply(CU_MASK_HASH, "13812345678", 11, kr, NULL);
	char *g = cu_mask_apply(CU_MASK_HASH, "c", 1, kr, "ab");
	char *h = cu_mask_apply(CU_MASK_HASH, "bc", 2, kr, "a");
	char *hex;
	uint8_t plain[CU_HASH_BYTES];

	CHECK(a && b && c && d && e && f && g && h);
	if (!(a && b && c && d && e && f && g && h))
		goto out;
	/* Deterministic per (scope, value), so analysts can join on it. */
	CHECK_STR(a, b);
	CHECK_EQ_INT(strlen(a), 24);
	CHECK_EQ_INT(strspn(a, "0123456789abcdef"), 24);
	/* Scope-dependent, value-dependent, key-dependent. */
	CHECK(strcmp(a, c) != 0);
	CHECK(strcmp(a, d) != 0);
	CHECK(strcmp(a, e) != 0);
	CHECK(strcmp(a, f) != 0);
	CHECK(strcmp(g, h) != 0); /* (scope, value) is framed */
	CHECK(!strstr(a, "5678"));
	/* Not a plain hash anyone could recompute by guessing values. */
	cu_hash(plain, "custos.mask.hash", "13812345678", 11);
	hex = cu_hex(plain, 12);
	CHECK(strcmp(hex, a) != 0);
	cu_free(hex);
out:
	cu_free(a);
	cu_free(b);
	cu_free(c);
	cu_free(d);
	cu_free(e);
	cu_free(f);
	cu_free(g);
	cu_free(h);
}

static struct cu_keyring *make_keyring(const char *name, const char *key)
{
	char *kf = cu_t_path(dir, name), *kp;
	struct cu_key_source src = { NULL, 0, kf };
	struct cu_keyring *k = NULL;
	size_t n = strlen(name) + 6;
	char *json = cu_malloc(n);
	snprintf(json, n, "%s.json", name);
	kp = cu_t_path(dir, json);
	if (!cu_t_write(kf, key, 32) || cu_keyring_create(kp, &src, CU_KDF_INTERACTIVE, &k)) {
		fprintf(stderr, "cannot make a keyring\n");
		exit(2);
	}
	cu_free(kf);
	cu_free(kp);
	cu_free(json);
	return k;
}

int main(void)
{
	cu_json_init();
	if (cu_crypto_init() != CU_OK)
		return 1;
	dir = cu_t_tmpdir();
	kr = make_keyring("k1", "mask-test-key-one-32-bytes-long!");
	kr2 = make_keyring("k2", "mask-test-key-two-32-bytes-long!");
	RUN(names);
	RUN(mobile);
	RUN(cn_id);
	RUN(bank_card);
	RUN(name);
	RUN(email);
	RUN(address);
	RUN(partial_redact_null_none);
	RUN(long_values);
	RUN(never_whole);
	RUN(hash);
	cu_keyring_free(kr);
	cu_keyring_free(kr2);
	cu_t_rmtree(dir);
	return cu_test_done();
}
