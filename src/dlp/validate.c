/*
 * validate.c - check digits and formats of the identifiers dlp detects.
 *
 * Every function takes normalised characters (no separators, full-width
 * digits already folded to ASCII) and is pure, so the tests can drive them
 * directly with the standards' examples.
 */
#include "dlp/validate.h"

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

bool cu_dlp_valid_province(int c)
{
	return (c >= 11 && c <= 15) || (c >= 21 && c <= 23) ||
	       (c >= 31 && c <= 37) || (c >= 41 && c <= 46) ||
	       (c >= 50 && c <= 54) || (c >= 61 && c <= 65) ||
	       c == 71 || c == 81 || c == 82 || c == 83 || c == 91;
}

bool cu_dlp_valid_date(int y, int m, int d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12 || d < 1)
		return false;
	int max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

char cu_dlp_cn_id_check(const char *d17)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char map[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (d17[i] - '0') * w[i];
	return map[sum % 11];
}

bool cu_dlp_valid_cn_id(const char *s, size_t n)
{
	if (n != 18 || !all_digits(s, 17))
		return false;
	char c = s[17] == 'x' ? 'X' : s[17];
	if (c != 'X' && (c < '0' || c > '9'))
		return false;
	if (!cu_dlp_valid_province(num(s, 2)))
		return false;
	int y = num(s + 6, 4);
	if (y < 1900 || y > 2099 || !cu_dlp_valid_date(y, num(s + 10, 2), num(s + 12, 2)))
		return false;
	return cu_dlp_cn_id_check(s) == c;
}

bool cu_dlp_valid_cn_id15(const char *s, size_t n)
{
	if (n != 15 || !all_digits(s, 15))
		return false;
	if (!cu_dlp_valid_province(num(s, 2)))
		return false;
	return cu_dlp_valid_date(1900 + num(s + 6, 2), num(s + 8, 2), num(s + 10, 2));
}

bool cu_dlp_valid_cn_mobile(const char *s, size_t n)
{
	if (n != 11 || !all_digits(s, 11) || s[0] != '1')
		return false;
	char b = s[1], c = s[2];
	switch (b) {
	case '3': case '8': return true;
	case '4': return c >= '5';
	case '5': case '9': return c != '4';
	case '6': return c == '2' || c == '5' || c == '6' || c == '7';
	case '7': return c <= '8';
	default: return false;
	}
}

bool cu_dlp_valid_area_code(const char *s, size_t n)
{
	if (!all_digits(s, n) || s[0] != '0')
		return false;
	if (n == 3)
		return s[1] == '1' ? s[2] == '0' : s[1] == '2';
	if (n == 4)
		return s[1] >= '3' && !(s[2] == '0' && s[3] == '0');
	return false;
}

bool cu_dlp_luhn(const char *s, size_t n)
{
	int sum = 0;
	bool dbl = false;
	if (n == 0 || !all_digits(s, n))
		return false;
	for (size_t i = n; i-- > 0;) {
		int v = s[i] - '0';
		if (dbl && (v *= 2) > 9)
			v -= 9;
		sum += v;
		dbl = !dbl;
	}
	return sum % 10 == 0;
}

bool cu_dlp_valid_bank_card(const char *s, size_t n)
{
	return n >= 16 && n <= 19 && s[0] == '6' && s[1] == '2' && cu_dlp_luhn(s, n);
}

static bool credit_prefix(const char *s, size_t n)
{
	int p2 = num(s, 2), p3 = num(s, 3), p4 = num(s, 4);
	/* Lengths actually issued; 17-19 digit numbers with these prefixes
	 * are far more often something else that happens to pass Luhn. */
	if (s[0] == '4')
		return n == 13 || n == 16;                       /* Visa */
	if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
		return n == 16;                                  /* Mastercard */
	if (p2 == 34 || p2 == 37)
		return n == 15;                                  /* Amex */
	if (p4 >= 3528 && p4 <= 3589)
		return n == 16;                                  /* JCB */
	if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65)
		return n == 16;                                  /* Discover */
	if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39)
		return n == 14 || n == 16;                       /* Diners */
	return false;
}

bool cu_dlp_valid_credit_card(const char *s, size_t n)
{
	if (n < 13 || n > 19 || !all_digits(s, n))
		return false;
	return credit_prefix(s, n) && cu_dlp_luhn(s, n);
}

static int org_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return -1;
}

bool cu_dlp_valid_org_code(const char *s, size_t n)
{
	static const int w[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;
	if (n != 9)
		return false;
	for (int i = 0; i < 8; i++) {
		int v = org_value(s[i]);
		if (v < 0)
			return false;
		sum += v * w[i];
	}
	int c = 11 - sum % 11;
	char want = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
	return s[8] == want;
}

static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_value(char c)
{
	const char *p = c ? strchr(uscc_chars, c) : NULL;
	return p ? (int)(p - uscc_chars) : -1;
}

bool cu_dlp_valid_cn_uscc(const char *s, size_t n)
{
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
	int sum = 0;
	if (n != 18 || !strchr("123456789ANY", s[0]) || s[1] < '1' || s[1] > '9')
		return false;
	if (!all_digits(s + 2, 6))
		return false;
	int prov = num(s + 2, 2);
	if (!cu_dlp_valid_province(prov) && prov != 10)
		return false;
	for (int i = 0; i < 17; i++) {
		int v = uscc_value(s[i]);
		if (v < 0)
			return false;
		sum += v * w[i];
	}
	int c = (31 - sum % 31) % 31;
	if (s[17] != uscc_chars[c])
		return false;
	return cu_dlp_valid_org_code(s + 8, 9);
}

/* ISO 13616 registry: country code and total IBAN length. */
static const struct { char cc[3]; unsigned char len; } iban_len[] = {
	{"AD",24},{"AE",23},{"AL",28},{"AT",20},{"AZ",28},{"BA",20},{"BE",16},
	{"BG",22},{"BH",22},{"BR",29},{"BY",28},{"CH",21},{"CR",22},{"CY",28},
	{"CZ",24},{"DE",22},{"DK",18},{"DO",28},{"EE",20},{"EG",29},{"ES",24},
	{"FI",18},{"FO",18},{"FR",27},{"GB",22},{"GE",22},{"GI",23},{"GL",18},
	{"GR",27},{"GT",28},{"HR",21},{"HU",28},{"IE",22},{"IL",23},{"IQ",23},
	{"IS",26},{"IT",27},{"JO",30},{"KW",30},{"KZ",20},{"LB",28},{"LC",32},
	{"LI",21},{"LT",20},{"LU",20},{"LV",21},{"MC",27},{"MD",24},{"ME",22},
	{"MK",19},{"MR",27},{"MT",31},{"MU",30},{"NL",18},{"NO",15},{"PK",24},
	{"PL",28},{"PS",29},{"PT",25},{"QA",29},{"RO",24},{"RS",22},{"SA",24},
	{"SC",31},{"SE",24},{"SI",19},{"SK",24},{"SM",27},{"ST",25},{"SV",28},
	{"TL",23},{"TN",24},{"TR",26},{"UA",29},{"VA",22},{"VG",24},{"XK",20},
};

size_t cu_dlp_iban_length(const char *s)
{
	for (size_t i = 0; i < CU_ARRAY_LEN(iban_len); i++)
		if (iban_len[i].cc[0] == s[0] && iban_len[i].cc[1] == s[1])
			return iban_len[i].len;
	return 0;
}

bool cu_dlp_valid_iban(const char *s, size_t n)
{
	unsigned rem = 0;
	if (n < 15 || n > 34 || cu_dlp_iban_length(s) != n)
		return false;
	if (s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9')
		return false;
	for (size_t k = 0; k < n; k++) {
		char c = s[(k + 4) % n];
		if (c >= '0' && c <= '9')
			rem = (rem * 10 + (unsigned)(c - '0')) % 97;
		else if (c >= 'A' && c <= 'Z')
			rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
		else
			return false;
	}
	return rem == 1;
}

bool cu_dlp_valid_us_ssn(const char *s, size_t n)
{
	if (n != 9 || !all_digits(s, 9))
		return false;
	int area = num(s, 3), group = num(s + 3, 2), serial = num(s + 5, 4);
	if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0)
		return false;
	/* Numbers published in advertising and never issued. */
	if (memcmp(s, "078051120", 9) == 0 || memcmp(s, "219099999", 9) == 0)
		return false;
	return true;
}

static bool upper_no_io(char c)
{
	return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O';
}

bool cu_dlp_valid_cn_passport(const char *s, size_t n)
{
	if (n != 9)
		return false;
	if ((s[0] == 'E' || s[0] == 'G') && all_digits(s + 1, 8))
		return true;
	if (s[0] == 'E' && upper_no_io(s[1]) && all_digits(s + 2, 7))
		return true;
	return (s[0] == 'D' || s[0] == 'S' || s[0] == 'P') && s[1] == 'E' &&
	       all_digits(s + 2, 7);
}

bool cu_dlp_valid_cn_hk_macau_permit(const char *s, size_t n)
{
	if ((n == 9 || n == 11) && (s[0] == 'H' || s[0] == 'M'))
		return all_digits(s + 1, n - 1);
	if (n == 9 && s[0] == 'C')
		return (upper_no_io(s[1]) || (s[1] >= '0' && s[1] <= '9')) &&
		       all_digits(s + 2, 7);
	return false;
}

static bool plate_char(char c)
{
	return upper_no_io(c) || (c >= '0' && c <= '9');
}

static bool energy_letter(char c)
{
	return c != 'I' && c >= 'A' && c <= 'K';
}

bool cu_dlp_valid_plate_tail(const char *s, size_t n)
{
	int digits = 0;
	if ((n != 6 && n != 7) || !upper_no_io(s[0]))
		return false;
	for (size_t i = 1; i < n; i++) {
		if (!plate_char(s[i]))
			return false;
		digits += s[i] >= '0' && s[i] <= '9';
	}
	if (n == 6)
		return digits >= 3;
	/* New-energy: D/F (and A-K) first with 4 trailing digits, or five
	 * digits then the letter. */
	if (energy_letter(s[1]) && all_digits(s + 3, 4))
		return true;
	return all_digits(s + 1, 5) && energy_letter(s[6]);
}
