/* alertlog.h - the alert log that the officer reads with tail -f. */
#ifndef XANET_ALERTLOG_H
#define XANET_ALERTLOG_H

#include <stddef.h>
#include <stdint.h>

struct alertlog;

/*
 * Open PATH for appending (created 0640). NULL and a reason in ERR if it
 * cannot be opened.
 */
struct alertlog *alertlog_open(const char *path, char *err, size_t errlen);
void alertlog_free(struct alertlog *al);
/* Reopen the same path (logrotate moved the file); 0 or -1 (logged). */
int alertlog_reopen(struct alertlog *al);
/* Point at a new path (config reload); 0 or -1 keeping the old one. */
int alertlog_set_path(struct alertlog *al, const char *path);
int alertlog_fd(const struct alertlog *al);

/*
 * One line: "TIME SEVERITY EVENT KEY \"NAME\" DETAILS", TIME being
 * WALL_MS (the same as the event's database row). KEY NULL is
 * written as "-"; PRIO is a syslog priority. The same event goes to the
 * daemon log (and so to journald/syslog).
 */
void alertlog_write(struct alertlog *al, int64_t wall_ms, int prio,
    const char *event, const char *key, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* The stable word for a syslog priority: "error", "warning", "notice"... */
const char *alertlog_severity(int prio);

/*
 * The line alertlog_write would write, without the newline, into BUF;
 * shared so that tests and other sinks format exactly alike.
 */
size_t alertlog_format(char *buf, size_t len, int64_t wall_ms, int prio,
    const char *event, const char *key, const char *name, const char *details);

#endif
