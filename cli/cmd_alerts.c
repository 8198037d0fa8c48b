/* cmd_alerts.c - xanetctl alerts: the alert log's lines from the database, and -f to follow them. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "cli/xanetctl.h"
#include "common/alertlog.h"
#include "common/duration.h"
#include "common/util.h"
#include "common/xtime.h"
#include "store/alert.h"
#include "store/device.h"

#define ALERTS_USAGE                                                         \
	"usage: xanetctl alerts [-f] [--since T] [--device KEY] [--json]\n"  \
	"  T: YYYY-MM-DD or \"YYYY-MM-DD HH:MM\" (local time), or a "        \
	"duration ago (2h, 7d)\n"                                            \
	"  without --since: the last %d alerts; -f then prints new ones as " \
	"they come\n"                                                        \
	"  --json: an array; with -f, one object per line\n"
#define ALERTS_LAST 50
/* As common/alertlog.c, so that a long line is cut where the log cuts it. */
#define ALERTS_LINE_MAX 2048
#define ALERTS_POLL_S   1

/* The stored severity word back to the priority alertlog_format() takes. */
static const struct {
	const char *word;
	int prio;
} alerts_severities[] = {
    {"emerg", LOG_EMERG},
    {"alert", LOG_ALERT},
    {"crit", LOG_CRIT},
    {"error", LOG_ERR},
    {"err", LOG_ERR},
    {"warning", LOG_WARNING},
    {"notice", LOG_NOTICE},
    {"info", LOG_INFO},
    {"debug", LOG_DEBUG},
};

struct alerts_out {
	bool json;
	bool follow;   /* JSON lines instead of one array */
	json_t *array; /* --json without -f */
	int64_t last_id;
	/* The last ALERTS_LAST rows seen, as a ring, when no --since. */
	struct alert_row *ring;
	size_t nseen;
};

static int
alerts_prio(const char *word)
{
	for (size_t i = 0;
	     i < sizeof alerts_severities / sizeof alerts_severities[0]; i++)
		if (strcmp(word, alerts_severities[i].word) == 0)
			return alerts_severities[i].prio;
	return LOG_INFO;
}

static void
alerts_line(const struct alert_row *a, char *line, size_t len)
{
	const char *key = a->device_key[0] ? a->device_key : NULL;
	/* The monitor's own events are logged under the name "xanetd". */
	const char *name = key == NULL && a->device_name[0] == '\0'
			       ? "xanetd"
			       : a->device_name;

	/* LEN - 1, as alertlog_write() leaves room for the newline. */
	alertlog_format(line, len - 1, a->ts_ms, alerts_prio(a->severity),
	    a->event, key, name, a->details);
}

static json_t *
alerts_json(const struct alert_row *a, const char *line)
{
	char when[40], acked[40];

	time_format_iso(a->ts_ms, when, sizeof when);
	if (a->acked_ms >= 0)
		time_format_iso(a->acked_ms, acked, sizeof acked);
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s?, s:s, s:s, s:s?, "
			 "s:s}",
	    "id", (json_int_t)a->id, "time", when, "ts_ms",
	    (json_int_t)a->ts_ms, "severity", a->severity, "event", a->event,
	    "device", a->device_key[0] ? a->device_key : NULL, "name",
	    a->device_name, "details", a->details, "acked",
	    a->acked_ms >= 0 ? acked : NULL, "line", line);
}

static int
alerts_print_cb(const struct alert_row *a, void *arg)
{
	struct alerts_out *o = arg;
	char line[ALERTS_LINE_MAX];
	json_t *j;

	alerts_line(a, line, sizeof line);
	o->last_id = a->id;
	if (!o->json) {
		puts(line);
		return 0;
	}
	j = alerts_json(a, line);
	if (o->follow) {
		json_dumpf(j, stdout, JSON_COMPACT);
		fputc('\n', stdout);
		json_decref(j);
	} else
		json_array_append_new(o->array, j);
	return 0;
}

struct alerts_find {
	const char *key;
	bool found;
};

static int
alerts_device_cb(const struct device_row *row, void *arg)
{
	struct alerts_find *f = arg;

	/* Non-zero stops the walk. */
	return f->found = strcmp(row->key, f->key) == 0;
}

static int
alerts_keep_cb(const struct alert_row *a, void *arg)
{
	struct alerts_out *o = arg;

	o->ring[o->nseen++ % ALERTS_LAST] = *a;
	return 0;
}

/*
 * "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" in local time, or a duration ago.
 * mktime() normalises 2026-02-30 into March: compare to refuse it.
 */
static int
alerts_since(const char *s, int64_t now_ms, int64_t *out)
{
	static const char *const forms[] = {
	    "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"};
	int64_t ago;

	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		struct tm tm = {0}, want;
		const char *end = strptime(s, forms[i], &tm);
		time_t t;

		if (end == NULL || *end != '\0')
			continue;
		tm.tm_isdst = -1;
		want = tm;
		if ((t = mktime(&tm)) == (time_t)-1 ||
		    tm.tm_year != want.tm_year || tm.tm_mon != want.tm_mon ||
		    tm.tm_mday != want.tm_mday)
			return -1;
		*out = (int64_t)t * 1000;
		return 0;
	}
	if (duration_parse(s, &ago) == -1 || ago > now_ms)
		return -1;
	*out = now_ms - ago;
	return 0;
}

/* Stdout is gone (a closed pipe): like tail -f, that is a normal end. */
static int
alerts_flush(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return CTL_OK;
	if (errno == EPIPE)
		return CTL_OK;
	fprintf(stderr, "xanetctl: cannot write: %s\n", strerror(errno));
	return CTL_ERROR;
}

/*
 * Poll the database once a second for ids above the last one printed.
 * SIGINT and SIGTERM are blocked and taken with sigtimedwait(), so the
 * wait between polls is where they end the command, cleanly, with no
 * handler and no global flag.
 */
static int
alerts_follow(sqlite3 *db, const sigset_t *stop, int64_t since_ms,
    const char *device, struct alerts_out *o)
{
	const struct timespec poll_ts = {ALERTS_POLL_S, 0};
	int rc;

	for (;;) {
		if ((rc = alerts_flush()) != CTL_OK || ferror(stdout))
			return rc;
		rc = sigtimedwait(stop, NULL, &poll_ts);
		if (rc == SIGINT || rc == SIGTERM)
			return CTL_OK;
		if (alert_each(db, o->last_id, since_ms, device, 0,
			alerts_print_cb, o) == -1) {
			fprintf(stderr, "xanetctl: cannot read alerts\n");
			return CTL_ERROR;
		}
	}
}

int
cmd_alerts(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"follow", no_argument, NULL, 'f'},
	    {"since", required_argument, NULL, 's'},
	    {"device", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	struct alerts_out o = {.json = ctl->json};
	const char *since = NULL, *device = NULL;
	int64_t since_ms = 0, now = time_wall_ms();
	struct alerts_find find = {0};
	sigset_t stop;
	sqlite3 *db;
	int ch, rc, exit_code;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "f", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			o.follow = true;
			break;
		case 's':
			since = optarg;
			break;
		case 'd':
			device = optarg;
			break;
		default:
			fprintf(stderr, ALERTS_USAGE, ALERTS_LAST);
			return CTL_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, ALERTS_USAGE, ALERTS_LAST);
		return CTL_USAGE;
	}
	/* Local times are the site's: its zone must be in force. */
	if (ctl_config(ctl) == NULL && ctl->db_path == NULL)
		return CTL_ERROR;
	if (since != NULL && alerts_since(since, now, &since_ms) == -1) {
		fprintf(stderr,
		    "xanetctl: bad --since '%s': write YYYY-MM-DD, "
		    "\"YYYY-MM-DD HH:MM\" (local time) or a duration such as "
		    "2h or 7d\n",
		    since);
		return CTL_USAGE;
	}
	if (o.follow) {
		sigemptyset(&stop);
		sigaddset(&stop, SIGINT);
		sigaddset(&stop, SIGTERM);
		sigprocmask(SIG_BLOCK, &stop, NULL);
		/* A closed pipe shows as EPIPE on the next flush. */
		signal(SIGPIPE, SIG_IGN);
	}
	if ((db = ctl_open_db(ctl, &exit_code)) == NULL)
		return exit_code;
	/* A mistyped key would otherwise look like a quiet device. */
	find.key = device;
	if (device != NULL)
		device_each(db, 1, alerts_device_cb, &find);
	if (device != NULL && !find.found) {
		fprintf(stderr, "xanetctl: no device '%s' in %s\n", device,
		    ctl_db_path(ctl));
		sqlite3_close(db);
		return CTL_ERROR;
	}
	if (o.json && !o.follow)
		o.array = json_array();
	if (since != NULL)
		rc =
		    alert_each(db, 0, since_ms, device, 0, alerts_print_cb, &o);
	else {
		/*
		 * The newest ALERTS_LAST: alert_each() walks oldest first, so
		 * keep a ring of the last ones seen.
		 */
		o.ring = xcalloc(ALERTS_LAST, sizeof *o.ring);
		rc = alert_each(db, 0, 0, device, 0, alerts_keep_cb, &o);
		for (size_t i = o.nseen > ALERTS_LAST ? o.nseen - ALERTS_LAST
						      : 0;
		     rc != -1 && i < o.nseen; i++)
			alerts_print_cb(&o.ring[i % ALERTS_LAST], &o);
		free(o.ring);
	}
	if (rc == -1) {
		fprintf(stderr, "xanetctl: cannot read alerts from %s\n",
		    ctl_db_path(ctl));
		exit_code = CTL_ERROR;
	} else if (o.array != NULL) {
		ctl_print_json(o.array);
		exit_code = alerts_flush();
	} else if (o.follow)
		exit_code = alerts_follow(db, &stop, since_ms, device, &o);
	else
		exit_code = alerts_flush();
	json_decref(o.array);
	sqlite3_close(db);
	return exit_code;
}
