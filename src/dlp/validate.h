/*
 * validate.h - check-digit and format validators of the dlp detectors.
 *
 * Pure functions over normalised characters (ASCII digits and upper-case
 * letters, no separators).  Each returns true when the value is valid by
 * its standard; they never allocate.
 */
#ifndef CU_DLP_VALIDATE_H
#define CU_DLP_VALIDATE_H

#include "core/common.h"

/* GB 11643: 17 digits and a check character (0-9, X or x), a known
 * province, a real birth date between 1900 and 2099. */
bool cu_dlp_valid_cn_id(const char *s, size_t n);
/* The ISO 7064 MOD 11-2 check character ('0'..'9' or 'X') of 17 digits. */
char cu_dlp_cn_id_check(const char *d17);
/* Old 15-digit ID: known province, real date 19YYMMDD. */
bool cu_dlp_valid_cn_id15(const char *s, size_t n);
/* Two-digit province code of GB/T 2260 (11-15, 21-23, ..., 91). */
bool cu_dlp_valid_province(int code);
/* A real calendar date. */
bool cu_dlp_valid_date(int y, int m, int d);

/* 11-digit mainland mobile number in a current segment. */
bool cu_dlp_valid_cn_mobile(const char *s, size_t n);
/* Area code (with leading 0, 3 or 4 digits) of a mainland landline. */
bool cu_dlp_valid_area_code(const char *s, size_t n);

/* Luhn (ISO/IEC 7812-1) over n digits. */
bool cu_dlp_luhn(const char *s, size_t n);
/* UnionPay: 62, 16-19 digits, Luhn. */
bool cu_dlp_valid_bank_card(const char *s, size_t n);
/* Visa (13, 16), Mastercard (16), Amex (15), JCB, Discover (16), Diners
 * (14, 16) - not UnionPay - and Luhn. */
bool cu_dlp_valid_credit_card(const char *s, size_t n);

/* GB 32100: 18 characters, authority and category codes, region,
 * embedded GB 11714 organisation code check and the mod-31 check. */
bool cu_dlp_valid_cn_uscc(const char *s, size_t n);
/* GB 11714: 8 characters and a check character (0-9 or X). */
bool cu_dlp_valid_org_code(const char *s, size_t n);

/* ISO 13616: country code, its length, mod 97 == 1 (upper case). */
bool cu_dlp_valid_iban(const char *s, size_t n);
/* The IBAN length of the country whose code starts s (2 bytes), or 0. */
size_t cu_dlp_iban_length(const char *s);
/* SSA rules: AAA-GG-SSSS digits without separators (9 digits). */
bool cu_dlp_valid_us_ssn(const char *s, size_t n);

/* Chinese passport numbers: E+8 digits, E+letter+7 digits, G+8 digits,
 * DE/SE/PE+7 digits. */
bool cu_dlp_valid_cn_passport(const char *s, size_t n);
/* Permits: H/M + 8 or 10 digits (Home Return Permit), C + letter or digit
 * + 7 digits (Exit-Entry Permit to HK and Macau). */
bool cu_dlp_valid_cn_hk_macau_permit(const char *s, size_t n);
/* The part of a licence plate after the province character: letter,
 * then 5 characters (ordinary) or 6 (new-energy). */
bool cu_dlp_valid_plate_tail(const char *s, size_t n);

#endif
