/* cmd_status.c - xanetctl status: is the daemon running, and how each device is doing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/table.h"
#include "cli/xanetctl.h"
#include "common/config.h"
#include "common/devstate.h"
#include "common/duration.h"
#include "common/util.h"
#include "common/xtime.h"
#include "evidence/uptime.h"
#include "store/db.h"
#include "store/device.h"
#include "store/interval.h"
#include "store/run.h"

/* Uptime over the last 24 h, 7 d and 30 d: what an officer checks first. */
static const struct {
	const char *name;
	int64_t ms;
} status_windows[] = {
    {"24h", 86400000LL},
    {"7d", 7 * 86400000LL},
    {"30d", 30 * 86400000LL},
};
#define STATUS_NWINDOWS (sizeof status_windows / sizeof status_windows[0])

static const char *const status_headers[] = {"GROUP", "KEY", "NAME", "STATE",
    "SINCE", "RTT", "LOSS", "24H", "7D", "30D"};
#define STATUS_NCOLS (sizeof status_headers / sizeof status_headers[0])

/* The database's devices, sorted by key to find the daemon's ones. */
struct status_devs {
	struct device_row *rows;
	size_t n;
};

static const char *
status_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static int
status_collect_cb(const struct device_row *r, void *arg)
{
	struct status_devs *d = arg;

	d->rows = xreallocarray(d->rows, d->n + 1, sizeof *d->rows);
	d->rows[d->n++] = *r;
	return 0;
}

static int
status_key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct device_row *)a)->key,
	    ((const struct device_row *)b)->key);
}

static const struct device_row *
status_find(const struct status_devs *d, const char *key)
{
	struct device_row k;

	if (d->n == 0)
		return NULL;
	str_copy(k.key, key, sizeof k.key);
	return bsearch(&k, d->rows, d->n, sizeof *d->rows, status_key_cmp);
}

/*
 * {"24h": pct, "7d": ..., "30d": ...} from the state intervals, each null
 * when undefined (no up or down time in the window, or no database).
 */
static json_t *
status_uptime(
    sqlite3 *db, const struct device_row *row, int64_t now_ms, int64_t until_ms)
{
	json_t *o = json_object();
	struct interval *iv = NULL;
	size_t n = 0;
	bool loaded;

	loaded = db != NULL && row != NULL &&
		 ctl_intervals_load(db, row->id,
		     now_ms - status_windows[STATUS_NWINDOWS - 1].ms, now_ms,
		     until_ms, &iv, &n, NULL) == 0;
	for (size_t w = 0; w < STATUS_NWINDOWS; w++) {
		struct uptime u;

		if (loaded &&
		    uptime_compute(iv, n, now_ms - status_windows[w].ms, now_ms,
			row->added_ms, row->retired_ms, &u) == 0 &&
		    u.uptime_pct >= 0)
			json_object_set_new(
			    o, status_windows[w].name, json_real(u.uptime_pct));
		else
			json_object_set_new(
			    o, status_windows[w].name, json_null());
	}
	free(iv);
	return o;
}

static void
status_num(json_t *v, int decimals, const char *unit, char *buf, size_t len)
{
	if (json_is_number(v))
		snprintf(
		    buf, len, "%.*f%s", decimals, json_number_value(v), unit);
	else
		snprintf(buf, len, "-");
}

/* "up", "up (degraded)", "down (flapping)"... */
static void
status_state(json_t *d, char *buf, size_t len)
{
	bool deg = json_is_true(json_object_get(d, "degraded"));
	bool flap = json_is_true(json_object_get(d, "flapping"));
	const char *s = status_str(d, "state");

	snprintf(buf, len, "%s%s%s%s%s", s[0] ? s : "unknown",
	    deg || flap ? " (" : "", deg ? "degraded" : "",
	    deg && flap ? ", " : "", flap ? "flapping" : "");
	if (deg || flap)
		strncat(buf, ")", len - strlen(buf) - 1);
}

static int
status_row_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(status_str(x, "group"), status_str(y, "group"));

	return c != 0 ? c : strcmp(status_str(x, "key"), status_str(y, "key"));
}

/*
 * The devices table, by group then key: DEVICES and UPTIME (by device
 * key) as in the JSON output.
 */
static void
status_table(json_t *devices, json_t *uptime)
{
	struct table *t = table_new(STATUS_NCOLS, status_headers);
	size_t n = json_array_size(devices);
	json_t **sorted = xcalloc(n + 1, sizeof *sorted);

	for (size_t i = 0; i < n; i++)
		sorted[i] = json_array_get(devices, i);
	qsort(sorted, n, sizeof *sorted, status_row_cmp);
	for (size_t i = 0; i < n; i++) {
		json_t *d = sorted[i],
		       *up = json_object_get(uptime, status_str(d, "key"));
		char state[64], since[40], rtt[24], loss[16], pct[3][16];
		const char *group = status_str(d, "group");
		json_t *sms = json_object_get(d, "since_ms");
		const char *row[STATUS_NCOLS] = {group[0] ? group : "-",
		    status_str(d, "key"), status_str(d, "name"), state, since,
		    rtt, loss, pct[0], pct[1], pct[2]};

		status_state(d, state, sizeof state);
		if (json_is_integer(sms)) {
			/* Local time to the second; the offset is the site's. */
			time_format_local(
			    json_integer_value(sms), since, sizeof since);
			since[19] = '\0';
		} else
			snprintf(since, sizeof since, "-");
		status_num(
		    json_object_get(d, "rtt_ms"), 1, " ms", rtt, sizeof rtt);
		status_num(
		    json_object_get(d, "loss_pct"), 0, "%", loss, sizeof loss);
		for (size_t w = 0; w < STATUS_NWINDOWS; w++) {
			json_t *v = json_object_get(up, status_windows[w].name);

			ctl_format_pct(
			    json_is_number(v) ? json_number_value(v) : -1, 2,
			    pct[w], sizeof pct[w]);
			if (json_is_number(v))
				strncat(pct[w], "%",
				    sizeof pct[w] - strlen(pct[w]) - 1);
		}
		table_add(t, row);
	}
	table_print(t, stdout);
	table_free(t);
	free(sorted);
}

/*
 * Uptime for each device the daemon reports, read from the database, as
 * ST's "uptime" object by device key: the daemon's own device objects
 * stay as it sent them.
 */
static void
status_add_uptime(struct ctl *ctl, json_t *st)
{
	json_t *devices = json_object_get(st, "devices"),
	       *uptime = json_object();
	struct status_devs devs = {0};
	int64_t now = time_wall_ms();
	char err[1024];
	sqlite3 *db;
	size_t i;
	json_t *d;

	/* No database to read: the daemon's answer is still worth printing. */
	if (ctl_db_path(ctl) == NULL ||
	    (db = db_open_reader(ctl_db_path(ctl), err, sizeof err)) == NULL) {
		fprintf(stderr, "xanetctl: warning: no uptime figures: %s\n",
		    ctl_db_path(ctl) != NULL ? err : "no database path");
		db = NULL;
	} else if (device_each(db, 0, status_collect_cb, &devs) == -1) {
		sqlite3_close(db);
		db = NULL;
	}
	qsort(devs.rows, devs.n, sizeof *devs.rows, status_key_cmp);
	json_array_foreach(devices, i, d)
	{
		json_object_set_new(uptime, status_str(d, "key"),
		    status_uptime(db, status_find(&devs, status_str(d, "key")),
			now, now));
	}
	json_object_set_new(st, "uptime", uptime);
	free(devs.rows);
	sqlite3_close(db);
}

static long long
status_int(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* One line on the LAN sampler, when it runs. */
static void
status_print_lan(json_t *lan)
{
	json_t *ifs = json_object_get(lan, "interfaces"), *f;
	size_t i;

	if (!json_is_object(lan) ||
	    !json_is_true(json_object_get(lan, "enabled")))
		return;
	printf("lan:       ");
	json_array_foreach(ifs, i, f)
	{
		const char *err =
		    json_string_value(json_object_get(f, "error"));

		printf("%s%s%s%s", i ? ", " : "",
		    json_string_value(json_object_get(f, "name"))
			? json_string_value(json_object_get(f, "name"))
			: "?",
		    err ? " (" : "", err ? "stopped)" : "");
	}
	printf("%s%lld hosts, %lld frames, %lld dropped, %lld findings\n",
	    json_array_size(ifs) ? ": " : "", status_int(lan, "hosts"),
	    status_int(lan, "packets"), status_int(lan, "drops"),
	    status_int(lan, "events"));
}

/* One line on SNMP, when any device is polled or traps are received. */
static void
status_print_snmp(json_t *snmp)
{
	json_t *traps = json_object_get(snmp, "traps");
	bool listening = json_is_true(json_object_get(traps, "listening"));

	if (!json_is_object(snmp) ||
	    (status_int(snmp, "sessions") == 0 && !listening))
		return;
	printf("snmp:      %lld agents, %lld polls, %lld timeouts, %lld "
	       "faults; traps %s",
	    status_int(snmp, "sessions"), status_int(snmp, "polls"),
	    status_int(snmp, "timeouts"), status_int(snmp, "faults"),
	    listening ? "on" : "off");
	if (listening)
		printf(" (%lld received, %lld accepted)",
		    status_int(traps, "received"),
		    status_int(traps, "accepted"));
	printf("\n");
}

static void
status_print_running(json_t *st)
{
	char up[32];

	duration_format(
	    json_integer_value(json_object_get(st, "uptime_s")) * 1000, up,
	    sizeof up);
	printf("xanetd is running (pid %lld, version %s, up %s since %s)\n",
	    (long long)json_integer_value(json_object_get(st, "pid")),
	    status_str(st, "version"), up, status_str(st, "started"));
	printf("site:      %s\n", status_str(st, "site"));
	printf("config:    %s (%.12s)\n", status_str(st, "config"),
	    status_str(st, "config_hash"));
	printf("database:  %s\n", status_str(st, "database"));
	status_print_lan(json_object_get(st, "lan"));
	status_print_snmp(
	    json_object_get(json_object_get(st, "monitor"), "snmp"));
	printf("\n");
	status_table(
	    json_object_get(st, "devices"), json_object_get(st, "uptime"));
	printf("\n%zu devices watched; uptime = up / (up + down) over the last "
	       "24 h, 7 d, 30 d\n",
	    json_array_size(json_object_get(st, "devices")));
}

struct status_db {
	sqlite3 *db;
	int64_t now_ms, until_ms;
	json_t *devices;
	json_t *uptime; /* by device key */
};

/* A device as the database left it: its open interval, if any. */
static int
status_device_cb(const struct device_row *r, void *arg)
{
	struct status_db *s = arg;
	enum dev_state state = DEV_UNKNOWN;
	int64_t since = s->until_ms;
	char cause[64] = "monitor-stopped", when[40];
	int rc;

	/*
	 * A clean stop closes every interval: the device has been unknown
	 * since. A crash leaves them open: show the state last recorded.
	 */
	rc =
	    interval_current(s->db, r->id, &state, &since, cause, sizeof cause);
	if (rc == 1) {
		state = DEV_UNKNOWN;
		since = s->until_ms;
		snprintf(cause, sizeof cause, "monitor-stopped");
	}
	time_format_iso(since, when, sizeof when);
	json_array_append_new(s->devices,
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s?, "
		      "s:n, s:n, s:n, s:n}",
		"key", r->key, "name", r->name, "kind", r->kind, "group",
		r->group, "address", r->address, "parent", r->parent, "state",
		rc == -1 ? "unknown" : dev_state_name(state), "since", when,
		"since_ms", (json_int_t)since, "cause", cause[0] ? cause : NULL,
		"degraded", "flapping", "rtt_ms", "loss_pct"));
	json_object_set_new(
	    s->uptime, r->key, status_uptime(s->db, r, s->now_ms, s->until_ms));
	return 0;
}

/* The daemon is down: say since when, from the database it left. */
static int
status_not_running(struct ctl *ctl, const char *why)
{
	struct status_db s = {.now_ms = time_wall_ms()};
	struct run_info ri;
	json_t *o;
	char when[40];
	int rc, exit_code;

	if ((s.db = ctl_open_db(ctl, &exit_code)) == NULL)
		return exit_code;
	s.devices = json_array();
	s.uptime = json_object();
	s.until_ms = ctl_watched_until(ctl, s.db, 0, s.now_ms);
	device_each(s.db, 0, status_device_cb, &s);
	rc = run_last(s.db, &ri);
	sqlite3_close(s.db);
	if (ctl->json) {
		o = json_pack("{s:b, s:b, s:s, s:o, s:o}", "ok", 1, "running",
		    0, "database", ctl_db_path(ctl), "devices", s.devices,
		    "uptime", s.uptime);
		if (rc == 0)
			json_object_set_new(o, "last_run",
			    json_pack("{s:I, s:I, s:I, s:s}", "id",
				(json_int_t)ri.id, "start_ms",
				(json_int_t)ri.start_ms, "stop_ms",
				(json_int_t)(ri.stop_ms >= 0
						 ? ri.stop_ms
						 : ri.last_alive_ms),
				"stop_reason",
				ri.stop_ms >= 0 ? ri.stop_reason : "unknown"));
		ctl_print_json(o);
		json_decref(o);
		return CTL_NOT_RUNNING;
	}
	printf("xanetd is not running (%s)\n", why);
	if (rc == 0) {
		time_format_local(
		    ri.stop_ms >= 0 ? ri.stop_ms : ri.last_alive_ms, when,
		    sizeof when);
		if (ri.stop_ms < 0)
			printf("last run: last seen alive at %s\n", when);
		else if (strcmp(ri.stop_reason, "crash") == 0)
			printf(
			    "last run: crashed; last seen alive at %s\n", when);
		else
			printf("last run: stopped at %s (%s)\n", when,
			    ri.stop_reason);
	} else
		printf("it has never run with this database\n");
	printf("%zu devices configured in %s; states as last recorded\n\n",
	    json_array_size(s.devices), ctl_db_path(ctl));
	status_table(s.devices, s.uptime);
	json_decref(s.devices);
	json_decref(s.uptime);
	return CTL_NOT_RUNNING;
}

int
cmd_status(struct ctl *ctl, int argc, char **argv)
{
	const char *path = ctl_socket_path(ctl);
	char err[512];
	json_t *st;
	int rc;

	if (argc != 1) {
		fprintf(stderr, "usage: xanetctl status [--json]\n");
		return CTL_USAGE;
	}
	if (path == NULL)
		return CTL_ERROR;
	rc = client_request(path, "status", &st, err, sizeof err);
	if (rc == -1)
		return status_not_running(ctl, err);
	if (rc < 0) {
		fprintf(stderr, "xanetctl: %s\n", err);
		return rc == -3 ? CTL_NO_DATABASE : CTL_ERROR;
	}
	status_add_uptime(ctl, st);
	if (ctl->json) {
		json_object_set_new(st, "running", json_true());
		ctl_print_json(st);
	} else
		status_print_running(st);
	json_decref(st);
	return CTL_OK;
}
