/*
 * log.h - the service log (operational messages, not the audit log).
 *
 * One line per message on stderr: "2026-11-24T02:52:45Z level msg".
 * Never pass a secret or personal-information value here; log ids,
 * counts and error codes instead.  Control characters in messages are
 * escaped so a client cannot forge log lines.
 */
#ifndef CU_CORE_LOG_H
#define CU_CORE_LOG_H

#include "core/common.h"

enum cu_log_level { CU_LOG_DEBUG, CU_LOG_INFO, CU_LOG_WARN, CU_LOG_ERROR };

void cu_log_set_level(enum cu_log_level lvl);
/* Send log lines to fd instead of stderr (e.g. a log file). */
void cu_log_set_fd(int fd);
void cu_log(enum cu_log_level lvl, const char *fmt, ...) CU_PRINTF(2, 3);

#define cu_debug(...) cu_log(CU_LOG_DEBUG, __VA_ARGS__)
#define cu_info(...) cu_log(CU_LOG_INFO, __VA_ARGS__)
#define cu_warn(...) cu_log(CU_LOG_WARN, __VA_ARGS__)
#define cu_error(...) cu_log(CU_LOG_ERROR, __VA_ARGS__)

#endif
