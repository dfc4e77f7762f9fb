/*
 * common.h - the first include of every custos source file.
 *
 * System headers, the attributes we use, and banned.h last.
 */
#ifndef CU_CORE_COMMON_H
#define CU_CORE_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <time.h>
#include <stdarg.h>

#define CU_WUR __attribute__((warn_unused_result))
#define CU_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define CU_NORETURN __attribute__((noreturn))
#define CU_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define CU_UNUSED(x) ((void)(x))

#include "core/err.h"
#include "core/alloc.h"
#include "core/limits.h"

#include "core/banned.h"

#endif
