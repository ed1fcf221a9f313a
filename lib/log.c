/*
 * log.c: one line per event on standard error, err(3) style.
 *
 * spawn-fcgi and the scripts send standard error to var/log/, so every
 * worker writes whole lines with one write(2) and lines of concurrent
 * workers do not interleave.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tawasul.h"

static const char *log_program = "tawasul";
static int log_debug_on;

/* Sets the program name printed on every line and the debug switch. */
void
tw_log_init(const char *program, int debug)
{
	log_program = program;
	log_debug_on = debug;
}

/* Points standard error, where the log lines go, at the file path,
 * appending. Returns 0, or -1 after printing why on standard error. */
int
tw_log_to_file(const char *program, const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0 || dup2(fd, STDERR_FILENO) < 0) {
		fprintf(stderr, "%s: cannot open log file %s: %s\n", program,
		    path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Writes one line; control bytes in the message become '?'. */
static void
log_line(const char *level, const char *fmt, va_list ap)
{
	char line[2048];
	char stamp[32];
	struct tm tm;
	time_t now;
	int head, n;

	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	head = snprintf(line, sizeof line, "%s %s[%d] %s: ", stamp, log_program,
	    (int)getpid(), level);
	n = vsnprintf(line + head, sizeof line - head - 1, fmt, ap);
	if (n < 0)
		n = 0;
	n += head;
	if (n > (int)sizeof line - 2)
		n = sizeof line - 2;
	for (int i = head; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

void
tw_log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("info", fmt, ap);
	va_end(ap);
}

void
tw_log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("warning", fmt, ap);
	va_end(ap);
}

void
tw_log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("error", fmt, ap);
	va_end(ap);
}

void
tw_log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug_on)
		return;
	va_start(ap, fmt);
	log_line("debug", fmt, ap);
	va_end(ap);
}
