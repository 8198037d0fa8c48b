/* alertlog.c - the alert log that the officer reads with tail -f. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "common/alertlog.h"

#define ALERTLOG_LINE_MAX 2048

struct alertlog {
	char *path;
	int fd;
	struct ratelimit write_errors;
};

static int
alertlog_open_fd(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

struct alertlog *
alertlog_open(const char *path, char *err, size_t errlen)
{
	struct alertlog *al;
	int fd = alertlog_open_fd(path);

	if (fd == -1) {
		snprintf(err, errlen, "cannot open alert log %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	al = xcalloc(1, sizeof *al);
	al->path = xstrdup(path);
	al->fd = fd;
	ratelimit_init(&al->write_errors, 60000, 3);
	return al;
}

void
alertlog_free(struct alertlog *al)
{
	if (al == NULL)
		return;
	close(al->fd);
	free(al->path);
	free(al);
}

int
alertlog_set_path(struct alertlog *al, const char *path)
{
	int fd = alertlog_open_fd(path);

	if (fd == -1) {
		log_err("cannot open alert log %s: %s; still writing to %s",
		    path, strerror(errno), al->path);
		return -1;
	}
	close(al->fd);
	al->fd = fd;
	if (al->path != path) {
		free(al->path);
		al->path = xstrdup(path);
	}
	return 0;
}

int
alertlog_reopen(struct alertlog *al)
{
	return alertlog_set_path(al, al->path);
}

int
alertlog_fd(const struct alertlog *al)
{
	return al->fd;
}

const char *
alertlog_severity(int prio)
{
	/* Stable words for grep; syslog's own names, shortened where long. */
	switch (prio) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
		return "crit";
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	default:
		return "info";
	}
}

/* Append S quoted and escaped so that one event stays one line. */
static size_t
alertlog_quote(char *buf, size_t len, size_t off, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (off < len)
		buf[off] = '"';
	off++;
	for (; *p != '\0'; p++) {
		char tmp[5];
		size_t n;

		if (*p == '"' || *p == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)*p;
			n = 2;
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(tmp, sizeof tmp, "\\x%02x", *p);
			n = 4;
		} else {
			tmp[0] = (char)*p;
			n = 1;
		}
		for (size_t i = 0; i < n; i++, off++)
			if (off < len)
				buf[off] = tmp[i];
	}
	if (off < len)
		buf[off] = '"';
	return off + 1;
}

size_t
alertlog_format(char *buf, size_t len, int64_t wall_ms, int prio,
    const char *event, const char *key, const char *name, const char *details)
{
	char when[40];
	size_t off;
	int n;

	time_format_iso(wall_ms, when, sizeof when);
	n = snprintf(buf, len, "%s %s %s %s ", when, alertlog_severity(prio),
	    event, key != NULL ? key : "-");
	off = n < 0 ? 0 : (size_t)n;
	off = alertlog_quote(buf, len, off, name != NULL ? name : "");
	if (details != NULL && *details != '\0') {
		if (off < len)
			buf[off] = ' ';
		off++;
		for (const char *p = details; *p != '\0'; p++, off++)
			if (off < len)
				buf[off] =
				    (*p == '\n' || *p == '\r') ? ' ' : *p;
	}
	if (len > 0)
		buf[off < len ? off : len - 1] = '\0';
	return off;
}

void
alertlog_write(struct alertlog *al, int64_t wall_ms, int prio,
    const char *event, const char *key, const char *name, const char *fmt, ...)
{
	char details[1024], line[ALERTLOG_LINE_MAX];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(details, sizeof details, fmt, ap);
	va_end(ap);
	n = alertlog_format(
	    line, sizeof line - 1, wall_ms, prio, event, key, name, details);
	if (n > sizeof line - 2)
		n = sizeof line - 2;
	log_msg(prio, "alert: %s", line);
	line[n] = '\n';
	/* One write() per line: O_APPEND keeps concurrent lines whole. */
	if (al != NULL && write(al->fd, line, n + 1) != (ssize_t)(n + 1)) {
		uint64_t sup = 0;

		if (ratelimit_allow(&al->write_errors, time_mono_ms(), &sup))
			log_err("cannot write alert log %s: %s (%llu more "
				"failures not shown)",
			    al->path, strerror(errno), (unsigned long long)sup);
	}
}
