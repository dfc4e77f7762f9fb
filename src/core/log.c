#include "core/log.h"
#include "core/util.h"

#include <unistd.h>

static enum cu_log_level min_level = CU_LOG_INFO;
static int log_fd = 2;

void cu_log_set_level(enum cu_log_level lvl)
{
	min_level = lvl;
}

void cu_log_set_fd(int fd)
{
	log_fd = fd;
}

void cu_log(enum cu_log_level lvl, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	char msg[CU_MAX_LOG_LINE];
	char line[CU_MAX_LOG_LINE + 64];
	char ts[32];
	va_list ap;

	if (lvl < min_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Escape control characters so input cannot forge lines. */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	cu_time_iso8601(cu_time_now(), ts, sizeof(ts));
	int n = snprintf(line, sizeof(line), "%s %s %s\n", ts, names[lvl], msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	ssize_t w = write(log_fd, line, (size_t)n);
	(void)w;
}
