/* log.h - diagnostics to stderr with syslog priority prefixes, rate limits. */
#ifndef XANET_LOG_H
#define XANET_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

/* Start logging as IDENT at LEVEL (a syslog priority such as LOG_INFO). */
void log_init(const char *ident, int level);
void log_set_level(int level);
/* Send messages to syslog (LOG_DAEMON) instead of stderr: for -f-less runs. */
void log_to_syslog(void);
int log_get_level(void);
/* "debug", "info", "notice", "warning", "err"; returns -1 if unknown. */
int log_level_parse(const char *name);
const char *log_level_name(int level);

void log_msg(int prio, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Logs at LOG_CRIT and exits 1: only at startup or for broken invariants. */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#define log_debug(...)  log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)   log_msg(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_warn(...)   log_msg(LOG_WARNING, __VA_ARGS__)
#define log_err(...)    log_msg(LOG_ERR, __VA_ARGS__)

/*
 * A token bucket for messages that may repeat once per packet or per
 * probe: at most BURST messages, then one per INTERVAL_MS. Callers embed
 * it in whatever owns the repeated failure.
 */
struct ratelimit {
	int64_t interval_ms;
	int burst;
	int tokens;
	int64_t last_ms;
	uint64_t suppressed;
};

void ratelimit_init(struct ratelimit *rl, int64_t interval_ms, int burst);
/*
 * True if a message may be logged now. When it returns true after
 * suppressing some, *SUPPRESSED (if not NULL) says how many were dropped.
 */
bool ratelimit_allow(
    struct ratelimit *rl, int64_t now_ms, uint64_t *suppressed);

#endif
