#include "test.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/util.h"

CU_TEST(buf_cap)
{
	struct cu_buf b;
	cu_buf_init(&b, 8);
	CHECK_EQ_INT(cu_buf_puts(&b, "abcd"), CU_OK);
	CHECK_EQ_INT(cu_buf_puts(&b, "efgh"), CU_OK);
	CHECK_EQ_INT(cu_buf_putc(&b, 'i'), CU_ERR_TOO_LARGE);
	CHECK_EQ_INT(b.len, 8);
	CHECK_STR(b.data, "abcdefgh");
	cu_buf_reset(&b);
	CHECK_EQ_INT(cu_buf_printf(&b, "%d-%s", 42, "x"), CU_OK);
	CHECK_STR(b.data, "42-x");
	CHECK_EQ_INT(cu_buf_printf(&b, "%s", "123456789"), CU_ERR_TOO_LARGE);
	CHECK_STR(b.data, "42-x");
	cu_buf_release(&b);
}

CU_TEST(utf8)
{
	CHECK(cu_utf8_valid("abc", 3));
	CHECK(cu_utf8_valid("\xe5\xbc\xa0\xe4\xb8\x89", 6)); /* 张三 */
	CHECK(!cu_utf8_valid("\xc0\xaf", 2));                 /* overlong */
	CHECK(!cu_utf8_valid("\xed\xa0\x80", 3));             /* surrogate */
	CHECK(!cu_utf8_valid("\xe5\xbc", 2));                 /* truncated */
	CHECK(!cu_utf8_valid("\xff", 1));
	CHECK(!cu_utf8_valid("\xf4\x90\x80\x80", 4));         /* > U+10FFFF */
	CHECK_EQ_INT(cu_utf8_len("\xe5\xbc\xa0\xe4\xb8\x89x", 7), 3);
}

CU_TEST(parse)
{
	int64_t v;
	CHECK_EQ_INT(cu_parse_int64("123", 0, 1000, &v), CU_OK);
	CHECK_EQ_INT(v, 123);
	CHECK_EQ_INT(cu_parse_int64("12a", 0, 1000, &v), CU_ERR_INVALID);
	CHECK_EQ_INT(cu_parse_int64("", 0, 1000, &v), CU_ERR_INVALID);
	CHECK_EQ_INT(cu_parse_int64("1001", 0, 1000, &v), CU_ERR_INVALID);
	CHECK_EQ_INT(cu_parse_int64("99999999999999999999", 0, INT64_MAX, &v), CU_ERR_INVALID);
	CHECK_EQ_INT(cu_parse_duration("90d", &v), CU_OK);
	CHECK_EQ_INT(v, 90 * 86400);
	CHECK_EQ_INT(cu_parse_duration("15m", &v), CU_OK);
	CHECK_EQ_INT(v, 900);
	CHECK_EQ_INT(cu_parse_duration("x", &v), CU_ERR_INVALID);
	CHECK_EQ_INT(cu_time_parse("2026-01-02", &v), CU_OK);
	CHECK_EQ_INT(v, 1767312000);
	CHECK_EQ_INT(cu_time_parse("2026-01-02T00:00:10Z", &v), CU_OK);
	CHECK_EQ_INT(v, 1767312010);
	CHECK_EQ_INT(cu_time_parse("yesterday", &v), CU_ERR_INVALID);
	CHECK(cu_name_valid("customers"));
	CHECK(cu_name_valid("id_no"));
	CHECK(!cu_name_valid("_x"));
	CHECK(!cu_name_valid("Bad"));
	CHECK(!cu_name_valid(""));
}

CU_TEST(json)
{
	json_t *v = NULL;
	char why[128];
	const char *s, *bad;
	int64_t i;
	static const char *const allowed[] = { "a", "b", NULL };

	CHECK_EQ_INT(cu_json_parse("{\"a\":\"x\",\"b\":2}", 15, &v, why, sizeof(why)), CU_OK);
	CHECK_EQ_INT(cu_json_get_str(v, "a", &s), CU_OK);
	CHECK_STR(s, "x");
	CHECK_EQ_INT(cu_json_get_int(v, "b", &i), CU_OK);
	CHECK_EQ_INT(i, 2);
	CHECK_EQ_INT(cu_json_get_str(v, "b", &s), CU_ERR_INVALID);
	CHECK_EQ_INT(cu_json_get_str(v, "c", &s), CU_ERR_NOT_FOUND);
	CHECK_EQ_INT(cu_json_only_keys(v, allowed, &bad), CU_OK);
	json_decref(v);
	CHECK_EQ_INT(cu_json_parse("{\"a\":1,\"z\":2}", 13, &v, why, sizeof(why)), CU_OK);
	CHECK_EQ_INT(cu_json_only_keys(v, allowed, &bad), CU_ERR_INVALID);
	CHECK_STR(bad, "z");
	json_decref(v);
	CHECK_EQ_INT(cu_json_parse("{\"a\":", 5, &v, why, sizeof(why)), CU_ERR_INVALID);
	CHECK(v == NULL);
	CHECK_EQ_INT(cu_json_parse("{\"a\":1,\"a\":2}", 13, &v, why, sizeof(why)), CU_ERR_INVALID);
	CHECK_EQ_INT(cu_json_parse("\"\xff\"", 3, &v, why, sizeof(why)), CU_ERR_INVALID);
	CHECK_EQ_INT(cu_json_parse("[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]", 41, &v, why, sizeof(why)),
		     CU_ERR_INVALID);
	/* jansson refuses \u0000 in strings without JSON_ALLOW_NUL. */
	CHECK_EQ_INT(cu_json_parse("{\"a\":\"x\\u0000y\"}", 16, &v, why, sizeof(why)), CU_ERR_INVALID);
}

int main(void)
{
	cu_json_init();
	RUN(buf_cap);
	RUN(utf8);
	RUN(parse);
	RUN(json);
	return cu_test_done();
}
