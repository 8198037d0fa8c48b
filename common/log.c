/* log.c - diagnostics to stderr with syslog priority prefixes, rate limits. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xtime.h"

/* Identical consecutive messages within this window are counted, not printed. */
#define LOG_REPEAT_WINDOW_MS 10000

static const char *const level_names[] = {
    "emerg",
    "alert",
    "crit",
    "err",
    "warning",
    "notice",
    "info",
    "debug",
};

/*
 * The logger is shared by every thread (the loop and the web server), so
 * its little state sits behind a mutex.
 */
static struct {
	pthread_mutex_t lock;
	const char *ident;
	int level;
	bool tty;
	bool syslog;
	char last[1024];
	int last_prio;
	int64_t last_ms;
	unsigned repeated;
} logger = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .ident = "xanet",
    .level = LOG_INFO,
};

void
log_init(const char *ident, int level)
{
	logger.ident = ident;
	logger.level = level;
	/* journald and syslog-style collectors read "<N>" prefixes; people don't. */
	logger.tty = isatty(STDERR_FILENO);
}

void
log_set_level(int level)
{
	pthread_mutex_lock(&logger.lock);
	logger.level = level;
	pthread_mutex_unlock(&logger.lock);
}

int
log_get_level(void)
{
	return logger.level;
}

int
log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
		if (strcmp(name, level_names[i]) == 0)
			return (int)i;
	if (strcmp(name, "warn") == 0)
		return LOG_WARNING;
	if (strcmp(name, "error") == 0)
		return LOG_ERR;
	return -1;
}

const char *
log_level_name(int level)
{
	if (level < 0 || level > LOG_DEBUG)
		return "?";
	return level_names[level];
}

void
log_to_syslog(void)
{
	openlog(logger.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	logger.syslog = true;
}

static void
log_write(int prio, const char *msg)
{
	if (logger.syslog)
		syslog(prio, "%s", msg);
	else if (logger.tty) {
		char when[40];

		time_format_local(time_wall_ms(), when, sizeof when);
		fprintf(stderr, "%s %s[%ld] %s: %s\n", when, logger.ident,
		    (long)getpid(), level_names[prio], msg);
	} else
		fprintf(stderr, "<%d>%s\n", prio, msg);
}

static void
log_flush_repeats(void)
{
	char note[64];

	if (logger.repeated == 0)
		return;
	snprintf(note, sizeof note, "last message repeated %u times",
	    logger.repeated);
	log_write(logger.last_prio, note);
	logger.repeated = 0;
}

static void
log_vmsg(int prio, const char *fmt, va_list ap)
{
	char msg[1024];
	int64_t now;
	int saved = errno;

	vsnprintf(msg, sizeof msg, fmt, ap);
	now = time_mono_ms();
	pthread_mutex_lock(&logger.lock);
	if (prio == logger.last_prio &&
	    strncmp(msg, logger.last, sizeof logger.last - 1) == 0 &&
	    now - logger.last_ms < LOG_REPEAT_WINDOW_MS) {
		logger.repeated++;
		pthread_mutex_unlock(&logger.lock);
		errno = saved;
		return;
	}
	log_flush_repeats();
	snprintf(logger.last, sizeof logger.last, "%s", msg);
	logger.last_prio = prio;
	logger.last_ms = now;
	log_write(prio, msg);
	pthread_mutex_unlock(&logger.lock);
	errno = saved;
}

void
log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	if (prio > logger.level)
		return;
	va_start(ap, fmt);
	log_vmsg(prio, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_CRIT, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&logger.lock);
	log_flush_repeats();
	pthread_mutex_unlock(&logger.lock);
	exit(1);
}

void
ratelimit_init(struct ratelimit *rl, int64_t interval_ms, int burst)
{
	memset(rl, 0, sizeof *rl);
	rl->interval_ms = interval_ms;
	rl->burst = burst;
	rl->tokens = burst;
	rl->last_ms = INT64_MIN;
}

bool
ratelimit_allow(struct ratelimit *rl, int64_t now_ms, uint64_t *suppressed)
{
	if (rl->last_ms == INT64_MIN)
		rl->last_ms = now_ms;
	if (rl->interval_ms > 0 && now_ms - rl->last_ms >= rl->interval_ms) {
		int64_t refill = (now_ms - rl->last_ms) / rl->interval_ms;

		rl->tokens =
		    refill >= rl->burst ? rl->burst : rl->tokens + (int)refill;
		if (rl->tokens > rl->burst)
			rl->tokens = rl->burst;
		rl->last_ms += refill * rl->interval_ms;
	}
	if (rl->tokens <= 0) {
		rl->suppressed++;
		return false;
	}
	rl->tokens--;
	if (suppressed != NULL)
		*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}
