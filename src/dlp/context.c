/*
 * context.c - context words near a candidate.
 *
 * Labels such as 身份证 or "passport" just before (or after) a value are
 * what tells a person what a number is; ambiguous types need them and
 * every type gains confidence from them.  Words such as 订单号 or
 * "tracking" say the number is something else and lower the confidence
 * of the weakly checked types.
 *
 * The nearest label wins, so a table row's own label beats its neighbour's.
 * Lookup is lazy: only validated candidates look, and only in a window of
 * CU_DLP_CTX_BEFORE + CU_DLP_CTX_AFTER bytes.  Words are bucketed by the
 * hash of their first two (lower-cased) bytes, so each window position
 * costs one table probe.
 */
#include "dlp/dlp_int.h"

#define W(s, f) { s, sizeof(s) - 1, f }

static const struct cu_dlp_ctxword words[] = {
	W("身份证", CU_CTX_ID), W("身份号", CU_CTX_ID), W("证件号", CU_CTX_ID),
	W("公民身份", CU_CTX_ID), W("居民身份", CU_CTX_ID), W("证件", CU_CTX_ID),
	W("id card", CU_CTX_ID), W("id no", CU_CTX_ID), W("id number", CU_CTX_ID),
	W("identity", CU_CTX_ID), W("resident id", CU_CTX_ID), W("idcard", CU_CTX_ID),

	W("手机", CU_CTX_PHONE), W("电话", CU_CTX_PHONE), W("联系方式", CU_CTX_PHONE),
	W("致电", CU_CTX_PHONE), W("来电", CU_CTX_PHONE), W("热线", CU_CTX_PHONE),
	W("座机", CU_CTX_PHONE), W("固话", CU_CTX_PHONE), W("传真", CU_CTX_PHONE),
	W("微信", CU_CTX_PHONE), W("号码", CU_CTX_PHONE), W("联系人", CU_CTX_PHONE),
	W("mobile", CU_CTX_PHONE), W("phone", CU_CTX_PHONE), W("tel", CU_CTX_PHONE),
	W("cell", CU_CTX_PHONE), W("fax", CU_CTX_PHONE), W("call", CU_CTX_PHONE),
	W("contact", CU_CTX_PHONE), W("whatsapp", CU_CTX_PHONE), W("wechat", CU_CTX_PHONE),

	W("卡号", CU_CTX_BANK), W("银行卡", CU_CTX_BANK), W("银行", CU_CTX_BANK),
	W("账号", CU_CTX_BANK), W("帐号", CU_CTX_BANK), W("账户", CU_CTX_BANK),
	W("帐户", CU_CTX_BANK), W("开户", CU_CTX_BANK), W("借记卡", CU_CTX_BANK),
	W("储蓄卡", CU_CTX_BANK), W("信用卡", CU_CTX_BANK), W("银联", CU_CTX_BANK),
	W("收款", CU_CTX_BANK), W("转账", CU_CTX_BANK), W("汇款", CU_CTX_BANK),
	W("card", CU_CTX_BANK), W("account", CU_CTX_BANK), W("visa", CU_CTX_BANK),
	W("mastercard", CU_CTX_BANK), W("amex", CU_CTX_BANK), W("unionpay", CU_CTX_BANK),
	W("payment", CU_CTX_BANK),

	W("统一社会信用代码", CU_CTX_USCC), W("信用代码", CU_CTX_USCC),
	W("社会信用", CU_CTX_USCC), W("纳税人识别号", CU_CTX_USCC), W("税号", CU_CTX_USCC),
	W("营业执照", CU_CTX_USCC), W("uscc", CU_CTX_USCC), W("credit code", CU_CTX_USCC),
	W("tax id", CU_CTX_USCC),

	W("护照", CU_CTX_PASSPORT), W("passport", CU_CTX_PASSPORT),
	W("证件", CU_CTX_PASSPORT), W("travel document", CU_CTX_PASSPORT),

	W("通行证", CU_CTX_PERMIT), W("港澳", CU_CTX_PERMIT), W("回乡证", CU_CTX_PERMIT),
	W("往来", CU_CTX_PERMIT), W("permit", CU_CTX_PERMIT), W("hong kong", CU_CTX_PERMIT),
	W("macau", CU_CTX_PERMIT), W("macao", CU_CTX_PERMIT), W("证件", CU_CTX_PERMIT),

	W("车牌", CU_CTX_PLATE), W("牌照", CU_CTX_PLATE), W("号牌", CU_CTX_PLATE),
	W("车辆", CU_CTX_PLATE), W("车号", CU_CTX_PLATE), W("plate", CU_CTX_PLATE),
	W("vehicle", CU_CTX_PLATE),

	W("邮箱", CU_CTX_EMAIL), W("邮件", CU_CTX_EMAIL), W("email", CU_CTX_EMAIL),
	W("e-mail", CU_CTX_EMAIL), W("mail", CU_CTX_EMAIL),

	W("ip", CU_CTX_IP), W("ipv4", CU_CTX_IP), W("ipv6", CU_CTX_IP),
	W("地址", CU_CTX_IP), W("服务器", CU_CTX_IP), W("主机", CU_CTX_IP),
	W("网关", CU_CTX_IP), W("登录", CU_CTX_IP), W("server", CU_CTX_IP),
	W("host", CU_CTX_IP), W("gateway", CU_CTX_IP), W("address", CU_CTX_IP),

	W("iban", CU_CTX_IBAN), W("swift", CU_CTX_IBAN), W("bank", CU_CTX_IBAN),
	W("account", CU_CTX_IBAN), W("账户", CU_CTX_IBAN),

	W("ssn", CU_CTX_SSN), W("social security", CU_CTX_SSN),
	W("社会安全号", CU_CTX_SSN),

	/* Negative: the number is an order, parcel, invoice... */
	W("订单", -1), W("单号", -1), W("运单", -1), W("快递", -1), W("物流", -1),
	W("流水", -1), W("编号", -1), W("序列", -1), W("发票", -1), W("批次", -1), W("序列号", -1),
	W("工单", -1), W("合同号", -1), W("型号", -1), W("order", -1),
	W("tracking", -1), W("invoice", -1), W("serial", -1), W("sku", -1),
	W("batch", -1), W("ref", -1), W("ticket", -1), W("版本", -1),
	W("version", -1), W("build", -1),
};

static inline unsigned char lower(unsigned char c)
{
	return (unsigned)(c - 'A') < 26u ? (unsigned char)(c | 0x20) : c;
}

static inline unsigned bucket(unsigned char a, unsigned char b)
{
	return ((unsigned)lower(a) * 31u + lower(b)) & 1023u;
}

void cu_dlp_ctx_build(struct cu_dlp *d)
{
	d->ctx_words = words;
	d->nctx = CU_ARRAY_LEN(words);
	d->ctx_next = cu_calloc(d->nctx, sizeof(*d->ctx_next));
	memset(d->ctx_head, 0, sizeof(d->ctx_head));
	memset(d->ctx_pair, 0, sizeof(d->ctx_pair));
	for (size_t i = 0; i < d->nctx; i++) {
		unsigned h = bucket((unsigned char)words[i].w[0], (unsigned char)words[i].w[1]);
		d->ctx_next[i] = d->ctx_head[h];
		d->ctx_head[h] = (uint16_t)(i + 1);
		unsigned pair = (unsigned)(unsigned char)words[i].w[0] << 8 |
				(unsigned char)words[i].w[1];
		d->ctx_pair[pair >> 3] |= (uint8_t)(1u << (pair & 7));
	}
}

static bool word_at(const unsigned char *b, size_t len, size_t p, const struct cu_dlp_ctxword *cw)
{
	if (p + cw->len > len)
		return false;
	for (size_t i = 0; i < cw->len; i++)
		if (lower(b[p + i]) != (unsigned char)cw->w[i])
			return false;
	if (cu_dlp_is_alpha((unsigned char)cw->w[0])) {
		/* English words need word boundaries: "tel" is not in "hotel" */
		if (p > 0 && cu_dlp_is_alpha(b[p - 1]))
			return false;
		if (p + cw->len < len && cu_dlp_is_alpha(b[p + cw->len]))
			return false;
	}
	return true;
}

/* "。" U+3002 */
static bool is_full_stop(const unsigned char *p)
{
	return p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x82;
}

/* One pass over the window of [s, e): the distance to the nearest word
 * of family fam (before or after) and of a negative word (before). */
static void ctx_scan(const struct cu_dlp *d, const unsigned char *b, size_t len,
		     size_t s, size_t e, int fam, size_t *pos, size_t *neg)
{
	size_t from = s > CU_DLP_CTX_BEFORE ? s - CU_DLP_CTX_BEFORE : 0;
	size_t to = e + CU_DLP_CTX_AFTER < len ? e + CU_DLP_CTX_AFTER : len;

	*pos = *neg = SIZE_MAX;
	/* A label belongs to its own line and sentence. */
	for (size_t p = s; p > from; p--)
		if (b[p - 1] == '\n' || (p >= 3 && is_full_stop(b + p - 3))) {
			from = p;
			break;
		}
	for (size_t p = e; p < to; p++)
		if (b[p] == '\n' || (p + 3 <= len && is_full_stop(b + p))) {
			to = p;
			break;
		}
	for (size_t p = from; p + 1 < to; p++) {
		unsigned pair;
		if (p == s) {
			p = e - 1;
			continue;
		}
		pair = (unsigned)lower(b[p]) << 8 | lower(b[p + 1]);
		if (!(d->ctx_pair[pair >> 3] & (1u << (pair & 7))))
			continue;
		for (unsigned i = d->ctx_head[bucket(b[p], b[p + 1])]; i; i = d->ctx_next[i - 1]) {
			const struct cu_dlp_ctxword *cw = &d->ctx_words[i - 1];
			size_t dist, *slot;
			if (cw->family == fam)
				slot = pos;
			else if (cw->family < 0 && p < s)
				slot = neg;
			else
				continue;
			if (!word_at(b, to, p, cw))
				continue;
			dist = p < s ? (p + cw->len <= s ? s - (p + cw->len) : 0) : p - e;
			if (dist < *slot)
				*slot = dist;
		}
	}
}

size_t cu_dlp_ctx_dist(const struct cu_dlp *d, const unsigned char *b, size_t len,
		       size_t s, size_t e, int fam)
{
	size_t pos, neg;
	ctx_scan(d, b, len, s, e, fam, &pos, &neg);
	return pos;
}

int cu_dlp_ctx_near(const struct cu_dlp *d, const unsigned char *b, size_t len,
		    size_t s, size_t e, enum cu_dlp_ctx fam)
{
	size_t pos, neg;

	ctx_scan(d, b, len, s, e, (int)fam, &pos, &neg);
	/* The nearest label wins: "身份证 ... 订单号 <n>" is an order.  A
	 * negative word must label the value itself, though: "Order #12
	 * shipped to Zhang Wei 13812345678" still holds a phone number. */
	if (neg < pos && neg <= CU_DLP_NEG_NEAR)
		return -1;
	return pos != SIZE_MAX ? 1 : 0;
}

enum cu_dlp_ctx cu_dlp_ctx_of(int type)
{
	static const enum cu_dlp_ctx fam[CU_DLP_BUILTIN_COUNT] = {
		[CU_DLP_CN_ID] = CU_CTX_ID, [CU_DLP_CN_ID15] = CU_CTX_ID,
		[CU_DLP_CN_MOBILE] = CU_CTX_PHONE, [CU_DLP_CN_LANDLINE] = CU_CTX_PHONE,
		[CU_DLP_BANK_CARD] = CU_CTX_BANK, [CU_DLP_CREDIT_CARD] = CU_CTX_BANK,
		[CU_DLP_CN_USCC] = CU_CTX_USCC, [CU_DLP_CN_PASSPORT] = CU_CTX_PASSPORT,
		[CU_DLP_CN_HK_MACAU_PERMIT] = CU_CTX_PERMIT, [CU_DLP_CN_PLATE] = CU_CTX_PLATE,
		[CU_DLP_EMAIL] = CU_CTX_EMAIL, [CU_DLP_IPV4] = CU_CTX_IP,
		[CU_DLP_IPV6] = CU_CTX_IP, [CU_DLP_IBAN] = CU_CTX_IBAN,
		[CU_DLP_US_SSN] = CU_CTX_SSN,
	};
	return type >= 0 && type < CU_DLP_BUILTIN_COUNT ? fam[type] : CU_CTX_COUNT;
}
