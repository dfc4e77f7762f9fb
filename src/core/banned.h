/*
 * banned.h - turn calls to unsafe C library functions into compile errors.
 *
 * Included last by core/common.h, after every system header, so the
 * declarations are intact and only our own uses break.  Use cu_buf,
 * snprintf, cu_parse_int and friends instead.
 */
#ifndef CU_CORE_BANNED_H
#define CU_CORE_BANNED_H

#define CU_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) CU_BANNED(strcpy)
#undef strcat
#define strcat(x, y) CU_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) CU_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) CU_BANNED(strncat)
#undef sprintf
#define sprintf(...) CU_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) CU_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) CU_BANNED(strtok)
#undef atoi
#define atoi(x) CU_BANNED(atoi)
#undef atol
#define atol(x) CU_BANNED(atol)
#undef atoll
#define atoll(x) CU_BANNED(atoll)
#undef gets
#define gets(x) CU_BANNED(gets)
#undef gmtime
#define gmtime(x) CU_BANNED(gmtime)
#undef localtime
#define localtime(x) CU_BANNED(localtime)

#endif
