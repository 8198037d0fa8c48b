/* api.c - the JSON API /api/v1/: devices, one device, uptime (the report model's figures), alerts, hosts, snapshots. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "evidence/report.h"
#include "evidence/uptime.h"
#include "store/alert.h"
#include "store/host.h"
#include "store/snapshot.h"
#include "web/api.h"
#include "web/server.h"

/* As data.json: 0.001 stays "0.001". */
#define API_JSON_FLAGS \
	(JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

/* Every configured device (or the one of ?1) with its open interval. */
static const char devices_sql[] =
    "SELECT d.key, d.name, d.kind, d.grp, d.address, p.key, d.probes, "
    "d.interval_ms, si.state, si.start_ms, si.cause, d.added_ms, "
    "d.retired_ms, "
    /* `degraded` is an alert on an up device, as on the overview. */
    "(SELECT a.event FROM alert a WHERE a.device_id = d.id "
    "AND a.event IN ('degraded', 'recovered') AND a.ts_ms >= si.start_ms "
    "ORDER BY a.ts_ms DESC, a.id DESC LIMIT 1), d.id "
    "FROM device d LEFT JOIN device p ON p.id = d.parent_id "
    "LEFT JOIN state_interval si ON si.device_id = d.id AND si.end_ms IS NULL "
    "WHERE (?1 IS NULL AND d.retired_ms IS NULL) OR d.key = ?1 "
    "ORDER BY d.grp IS NULL, d.grp, d.key LIMIT ?2";

static const char samples_sql[] =
    "SELECT probe, kind, ts_ms, ok, cause, rtt_us, rtt_min_us, rtt_max_us, "
    "jitter_us, sent, received, http_status, cert_days FROM sample "
    "WHERE device_id = ?1 ORDER BY ts_ms DESC, id DESC LIMIT ?2";

static const char snapshots_sql[] =
    "SELECT id, uid, kind, period_from_ms, period_to_ms, created_ms, path, "
    "size, sha256, manifest_sha256 FROM snapshot ORDER BY id DESC LIMIT ?1";

/* Answer STATUS with O (taken). -1 if it cannot be written. */
static int
api_send(struct web_req *r, int status, json_t *o)
{
	char *text;

	if (o == NULL)
		return -1;
	text = json_dumps(o, API_JSON_FLAGS);
	json_decref(o);
	if (text == NULL)
		return -1;
	r->status = status;
	r->content_type = "application/json; charset=utf-8";
	strbuf_add(&r->out, text);
	strbuf_add(&r->out, "\n");
	free(text);
	return 0;
}

static int api_error(struct web_req *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
api_error(struct web_req *r, int status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* The message may quote the client's text: keep it valid UTF-8. */
	if (!utf8_valid(msg, strlen(msg)))
		str_copy(msg, "bad parameter (not UTF-8)", sizeof msg);
	return api_send(r, status, json_pack("{s:s}", "error", msg));
}

/* A failure of ours (logged where it happened): 500, as JSON too. */
static int
api_internal(struct web_req *r)
{
	return api_error(r, 500, "internal error (see xanetd's log)");
}

static json_t *
api_time(int64_t ms)
{
	char buf[40];

	time_format_iso(ms, buf, sizeof buf);
	return json_string(buf);
}

static json_t *
api_col_text(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	/* Stored text is ours, but a hand-edited row may not be UTF-8. */
	if (s == NULL)
		return json_null();
	return utf8_valid(s, strlen(s)) ? json_string(s) : json_null();
}

static json_t *
api_col_int(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL
		   ? json_null()
		   : json_integer(sqlite3_column_int64(st, col));
}

static json_t *
api_col_time(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL
		   ? json_null()
		   : api_time(sqlite3_column_int64(st, col));
}

static json_t *
api_str_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' && utf8_valid(s, strlen(s))
		   ? json_string(s)
		   : json_null();
}

static json_t *
api_time_or_null(int64_t ms)
{
	return ms > 0 ? api_time(ms) : json_null();
}

/* A row of devices_sql as the API's device object. */
static json_t *
api_device_row(sqlite3_stmt *st)
{
	const char *state = (const char *)sqlite3_column_text(st, 8);
	const char *dg = (const char *)sqlite3_column_text(st, 13);
	json_t *o = json_object();

	json_object_set_new(o, "key", api_col_text(st, 0));
	json_object_set_new(o, "name", api_col_text(st, 1));
	json_object_set_new(o, "kind", api_col_text(st, 2));
	json_object_set_new(o, "group", api_col_text(st, 3));
	json_object_set_new(o, "address", api_col_text(st, 4));
	json_object_set_new(o, "parent", api_col_text(st, 5));
	json_object_set_new(o, "probes", api_col_text(st, 6));
	json_object_set_new(o, "interval_ms", api_col_int(st, 7));
	/* No open interval: the device was never judged yet. */
	json_object_set_new(
	    o, "state", json_string(state != NULL ? state : "unknown"));
	json_object_set_new(o, "degraded",
	    json_boolean(state != NULL && strcmp(state, "up") == 0 &&
			 dg != NULL && strcmp(dg, "degraded") == 0));
	json_object_set_new(o, "since", api_col_time(st, 9));
	json_object_set_new(o, "since_ms", api_col_int(st, 9));
	json_object_set_new(o, "cause", api_col_text(st, 10));
	json_object_set_new(o, "added", api_col_time(st, 11));
	json_object_set_new(o, "retired", api_col_time(st, 12));
	return o;
}

static sqlite3_stmt *
api_prepare(struct web_req *r, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_err("web: api %s: %s", r->path, sqlite3_errmsg(r->db));
		return NULL;
	}
	return st;
}

int
api_devices(struct web_req *r)
{
	json_t *devs = json_array();
	sqlite3_stmt *st;
	int rc;

	if ((st = api_prepare(r, devices_sql)) == NULL) {
		json_decref(devs);
		return api_internal(r);
	}
	sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, API_DEVICES_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(devs, api_device_row(st));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_err("web: api devices: %s", sqlite3_errmsg(r->db));
		json_decref(devs);
		return api_internal(r);
	}
	return api_send(r, 200,
	    json_pack("{s:o, s:o}", "generated", api_time(time_wall_ms()),
		"devices", devs));
}

/* DEVICE_ID's latest raw samples, newest first. */
static json_t *
api_samples(struct web_req *r, int64_t device_id)
{
	json_t *a = json_array();
	sqlite3_stmt *st;
	int rc;

	if ((st = api_prepare(r, samples_sql)) == NULL) {
		json_decref(a);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_int(st, 2, API_SAMPLES);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object();

		json_object_set_new(o, "probe", api_col_int(st, 0));
		json_object_set_new(o, "kind", api_col_text(st, 1));
		json_object_set_new(o, "time", api_col_time(st, 2));
		json_object_set_new(o, "ts_ms", api_col_int(st, 2));
		json_object_set_new(
		    o, "ok", json_boolean(sqlite3_column_int(st, 3) != 0));
		json_object_set_new(o, "cause", api_col_text(st, 4));
		json_object_set_new(o, "rtt_us", api_col_int(st, 5));
		json_object_set_new(o, "rtt_min_us", api_col_int(st, 6));
		json_object_set_new(o, "rtt_max_us", api_col_int(st, 7));
		json_object_set_new(o, "jitter_us", api_col_int(st, 8));
		json_object_set_new(o, "sent", api_col_int(st, 9));
		json_object_set_new(o, "received", api_col_int(st, 10));
		json_object_set_new(o, "http_status", api_col_int(st, 11));
		json_object_set_new(o, "cert_days", api_col_int(st, 12));
		json_array_append_new(a, o);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_err("web: api samples: %s", sqlite3_errmsg(r->db));
		json_decref(a);
		return NULL;
	}
	return a;
}

int
api_device(struct web_req *r)
{
	const char *key = r->path + strlen("/api/v1/devices/");
	json_t *dev = NULL, *samples, *iv;
	sqlite3_stmt *st;
	int64_t id = -1;
	int rc;

	if (key[0] == '\0' || strlen(key) > 63 || !utf8_valid(key, strlen(key)))
		return api_error(r, 404, "no such device");
	if ((st = api_prepare(r, devices_sql)) == NULL)
		return api_internal(r);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, 1);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		dev = api_device_row(st);
		id = sqlite3_column_int64(st, 14);
		/* The open interval on its own, as the brief names it. */
		iv =
		    sqlite3_column_type(st, 8) == SQLITE_NULL
			? json_null()
			: json_pack("{s:o, s:o, s:o, s:o}", "state",
			      api_col_text(st, 8), "start", api_col_time(st, 9),
			      "start_ms", api_col_int(st, 9), "cause",
			      api_col_text(st, 10));
		json_object_set_new(dev, "interval", iv);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_err("web: api device: %s", sqlite3_errmsg(r->db));
		return api_internal(r);
	}
	if (dev == NULL)
		return api_error(r, 404, "no device with key '%s'", key);
	if ((samples = api_samples(r, id)) == NULL) {
		json_decref(dev);
		return api_internal(r);
	}
	json_object_set_new(dev, "samples", samples);
	return api_send(r, 200, json_pack("{s:o}", "device", dev));
}

/* N digits at P into *V. */
static bool
api_digits(const char *p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return false;
		*v = *v * 10 + (p[i] - '0');
	}
	return true;
}

int
api_parse_time(const char *text, int64_t *ms)
{
	size_t len = strlen(text);
	int y, mo, d, h, mi, s = 0, oh, om, sign;
	const char *p;
	struct tm tm, back;
	time_t t;
	char *end;

	if (len > 0 && len <= 15 && strspn(text, "0123456789") == len) {
		errno = 0;
		*ms = strtoll(text, &end, 10);
		return errno == 0 ? 0 : -1;
	}
	if (len == 10) {
		int64_t to;

		return period_days(text, text, ms, &to);
	}
	/* YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|-HH:MM) */
	if (len < 17 || !api_digits(text, 4, &y) || text[4] != '-' ||
	    !api_digits(text + 5, 2, &mo) || text[7] != '-' ||
	    !api_digits(text + 8, 2, &d) ||
	    (text[10] != 'T' && text[10] != ' ') ||
	    !api_digits(text + 11, 2, &h) || text[13] != ':' ||
	    !api_digits(text + 14, 2, &mi))
		return -1;
	p = text + 16;
	if (*p == ':') {
		if (!api_digits(p + 1, 2, &s))
			return -1;
		p += 3;
	}
	if (strcmp(p, "Z") == 0)
		oh = om = 0, sign = 1;
	else if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 &&
		 api_digits(p + 1, 2, &oh) && p[3] == ':' &&
		 api_digits(p + 4, 2, &om) && oh <= 14 && om < 60)
		sign = p[0] == '+' ? 1 : -1;
	else
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || s > 59)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	t = timegm(&tm);
	/* timegm moves 30 February on to March: refuse it. */
	if (gmtime_r(&t, &back) == NULL || back.tm_mday != d ||
	    back.tm_mon != mo - 1)
		return -1;
	*ms = ((int64_t)t - sign * (int64_t)(oh * 3600 + om * 60)) * 1000;
	return 0;
}

/* ?NAME as a bounded positive integer into *V (absent: DEF). 0 or -1. */
static int
api_param_int(
    struct web_req *r, const char *name, int64_t def, int64_t max, int64_t *v)
{
	const char *s = server_query(r, name);
	char *end;

	*v = def;
	if (s == NULL)
		return 0;
	errno = 0;
	*v = strtoll(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || *v < 0 || *v > max)
		return -1;
	return 0;
}

/* A filter value fit to bind: bounded UTF-8. */
static bool
api_text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n > 0 && n <= max && utf8_valid(s, n);
}

int
api_uptime(struct web_req *r)
{
	const char *quarter = server_query(r, "quarter");
	const char *from = server_query(r, "from");
	const char *to = server_query(r, "to");
	struct report_opts o = {0};
	struct report_file file;
	struct report *rep = NULL;
	json_t *doc, *out;
	json_error_t jerr;
	int64_t now = time_wall_ms();
	bool complete = true;
	char err[512];
	int rc = -1;

	memset(&file, 0, sizeof file);
	o.group = server_query(r, "group");
	o.device = server_query(r, "device");
	if ((quarter != NULL) == (from != NULL || to != NULL) ||
	    (quarter == NULL && (from == NULL || to == NULL)))
		return api_error(r, 400,
		    "give quarter=YYYYQN, or from=YYYY-MM-DD and "
		    "to=YYYY-MM-DD");
	if (quarter != NULL &&
	    period_quarter(quarter, &o.from_ms, &o.to_ms) == -1)
		return api_error(r, 400,
		    "bad quarter '%.32s': write it as YYYYQN, e.g. 2026Q3",
		    quarter);
	if (quarter == NULL &&
	    period_days(from, to, &o.from_ms, &o.to_ms) == -1)
		return api_error(r, 400,
		    "bad period from '%.32s' to '%.32s': write dates as "
		    "YYYY-MM-DD, from no later than to",
		    from, to);
	if ((o.group != NULL && !api_text_ok(o.group, 127)) ||
	    (o.device != NULL && !api_text_ok(o.device, 63)))
		return api_error(r, 400, "bad group or device parameter");
	if (o.from_ms >= now)
		return api_error(r, 400, "the period has not begun yet");
	/* Nothing is known about the future: the period so far. */
	if (o.to_ms > now) {
		o.to_ms = now;
		complete = false;
	}
	o.lang = i18n_lang_name(r->lang);
	o.now_ms = now;
	/* xanetd is running (it serves this): open intervals end now. */
	o.watched_until_ms = now;
	/* The running config's indicators and site (held while we run). */
	if (r->cfg == NULL) {
		log_err("web: api uptime: no configuration to judge by");
		return api_internal(r);
	}
	if (report_build(r->db, r->cfg, &o, &rep, err, sizeof err) == -1) {
		log_err("web: api uptime: %s", err);
		goto out;
	}
	if ((o.group != NULL || o.device != NULL) && rep->ndevices == 0) {
		rc = api_error(r, 404, "no device %s '%s' in the period",
		    o.device != NULL ? "with key" : "in group",
		    o.device != NULL ? o.device : o.group);
		goto out;
	}
	/* data.json's own writer: the same document, the same numbers. */
	if (report_json(rep, &file) == -1) {
		log_err("web: api uptime: cannot write data.json");
		goto out;
	}
	if ((doc = json_loadb(file.data, file.len, 0, &jerr)) == NULL) {
		log_err("web: api uptime: data.json: %s", jerr.text);
		goto out;
	}
	/* Alerts and hosts have endpoints of their own. */
	out = json_object();
	json_object_set_new(out, "complete", json_boolean(complete));
	json_object_update(out, doc);
	json_decref(doc);
	json_object_del(out, "alerts");
	json_object_del(out, "hosts");
	json_object_del(out, "alerts_cut");
	json_object_del(out, "hosts_cut");
	rc = api_send(r, 200, out);
out:
	free(file.data);
	report_free(rep);
	return rc == -1 ? api_internal(r) : rc;
}

struct api_list {
	json_t *a;
	size_t n, max, cut;
	int64_t last_id;
};

static int
api_alert_cb(const struct alert_row *a, void *arg)
{
	struct api_list *l = arg;
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "time", api_time(a->ts_ms));
	json_object_set_new(o, "ts_ms", json_integer(a->ts_ms));
	json_object_set_new(o, "severity", api_str_or_null(a->severity));
	json_object_set_new(o, "event", api_str_or_null(a->event));
	json_object_set_new(o, "device", api_str_or_null(a->device_key));
	json_object_set_new(o, "name", api_str_or_null(a->device_name));
	json_object_set_new(o, "details",
	    utf8_valid(a->details, strlen(a->details)) ? json_string(a->details)
						       : json_null());
	json_object_set_new(
	    o, "acked", a->acked_ms >= 0 ? api_time(a->acked_ms) : json_null());
	json_array_append_new(l->a, o);
	l->n++;
	l->last_id = a->id;
	return 0;
}

int
api_alerts(struct web_req *r)
{
	const char *since = server_query(r, "since");
	const char *device = server_query(r, "device");
	struct api_list l = {0};
	int64_t since_ms, limit, after, now = time_wall_ms();
	int n;

	if (api_param_int(
		r, "limit", API_ALERTS_DEFAULT, API_ALERTS_MAX, &limit) == -1 ||
	    limit == 0)
		return api_error(
		    r, 400, "limit must be 1 to %d", API_ALERTS_MAX);
	if (api_param_int(r, "after", 0, INT64_MAX, &after) == -1)
		return api_error(r, 400, "after must be an alert id");
	if (since == NULL)
		since_ms = after > 0 ? 0 : now - API_ALERTS_SINCE_MS;
	else if (api_parse_time(since, &since_ms) == -1)
		return api_error(r, 400,
		    "bad since '%.40s': UTC milliseconds, YYYY-MM-DD or "
		    "ISO 8601 with an offset (2026-07-01T08:00:00+07:00)",
		    since);
	if (device != NULL && !api_text_ok(device, 63))
		return api_error(r, 400, "bad device parameter");
	l.a = json_array();
	/* One more than asked: whether there is more to page through. */
	n = alert_each(
	    r->db, after, since_ms, device, (int)limit + 1, api_alert_cb, &l);
	if (n == -1) {
		json_decref(l.a);
		return api_internal(r);
	}
	if (l.n > (size_t)limit) {
		json_array_remove(l.a, l.n - 1);
		l.n--;
		l.last_id = json_integer_value(
		    json_object_get(json_array_get(l.a, l.n - 1), "id"));
	}
	return api_send(r, 200,
	    json_pack("{s:o, s:I, s:b, s:o, s:o}", "since", api_time(since_ms),
		"since_ms", (json_int_t)since_ms, "more", n > limit,
		"next_after", n > limit ? json_integer(l.last_id) : json_null(),
		"alerts", l.a));
}

static int
api_host_cb(const struct host_info *h, void *arg)
{
	struct api_list *l = arg;
	json_t *o;

	if (l->n >= l->max) {
		l->cut++;
		return 0;
	}
	o = json_object();
	json_object_set_new(o, "mac", json_string(h->mac));
	json_object_set_new(o, "ipv4", api_str_or_null(h->ipv4));
	json_object_set_new(o, "ipv6", api_str_or_null(h->ipv6));
	json_object_set_new(o, "name", api_str_or_null(h->name));
	json_object_set_new(o, "name_source", api_str_or_null(h->name_source));
	json_object_set_new(o, "label", api_str_or_null(h->label));
	json_object_set_new(o, "vendor", api_str_or_null(h->vendor));
	json_object_set_new(o, "os", api_str_or_null(h->os_guess));
	json_object_set_new(o, "status", api_str_or_null(h->status));
	json_object_set_new(o, "first_seen", api_time_or_null(h->first_ms));
	json_object_set_new(o, "last_seen", api_time_or_null(h->last_ms));
	json_object_set_new(o, "av_product", api_str_or_null(h->av_product));
	json_object_set_new(o, "av_last_seen", api_time_or_null(h->av_last_ms));
	json_object_set_new(
	    o, "bytes_in_24h", json_integer((json_int_t)h->bytes_in_24h));
	json_object_set_new(
	    o, "bytes_out_24h", json_integer((json_int_t)h->bytes_out_24h));
	json_array_append_new(l->a, o);
	l->n++;
	return 0;
}

int
api_hosts(struct web_req *r)
{
	const char *status = server_query(r, "status");
	struct api_list l = {.max = API_HOSTS_MAX};
	bool unknown_only = false;

	if (status != NULL) {
		if (strcmp(status, "unknown") != 0)
			return api_error(
			    r, 400, "status may only be 'unknown'");
		unknown_only = true;
	}
	l.a = json_array();
	if (host_each(r->db, unknown_only, time_wall_ms(), api_host_cb, &l) ==
	    -1) {
		json_decref(l.a);
		return api_internal(r);
	}
	return api_send(r, 200,
	    json_pack("{s:o, s:I}", "hosts", l.a, "cut", (json_int_t)l.cut));
}

static int
api_outbox_cb(const struct outbox_item *it, void *arg)
{
	json_t *byid = arg, *snap, *d;
	char id[32];

	snprintf(id, sizeof id, "%" PRId64, it->snapshot_id);
	if ((snap = json_object_get(byid, id)) == NULL)
		return 0; /* older than the snapshots listed */
	d = json_object();
	json_object_set_new(d, "id", json_integer(it->id));
	json_object_set_new(d, "target", api_str_or_null(it->target));
	json_object_set_new(d, "state", api_str_or_null(it->state));
	json_object_set_new(d, "attempts", json_integer(it->attempts));
	json_object_set_new(d, "next", api_time_or_null(it->next_ms));
	json_object_set_new(d, "last_try",
	    it->last_ms >= 0 ? api_time(it->last_ms) : json_null());
	json_object_set_new(d, "last_status",
	    it->last_status > 0 ? json_integer(it->last_status) : json_null());
	json_object_set_new(d, "last_error", api_str_or_null(it->last_error));
	json_object_set_new(
	    d, "sent", it->sent_ms >= 0 ? api_time(it->sent_ms) : json_null());
	json_array_append_new(json_object_get(snap, "deliveries"), d);
	return 0;
}

int
api_snapshots(struct web_req *r)
{
	json_t *list = json_array(), *byid = json_object();
	sqlite3_stmt *st;
	int64_t limit;
	int rc;

	if (api_param_int(r, "limit", 100, API_SNAPSHOTS_MAX, &limit) == -1 ||
	    limit == 0) {
		json_decref(list);
		json_decref(byid);
		return api_error(
		    r, 400, "limit must be 1 to %d", API_SNAPSHOTS_MAX);
	}
	if ((st = api_prepare(r, snapshots_sql)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object();
		char id[32];
		const char *path = (const char *)sqlite3_column_text(st, 6);

		json_object_set_new(o, "id", api_col_int(st, 0));
		json_object_set_new(o, "uid", api_col_text(st, 1));
		json_object_set_new(o, "kind", api_col_text(st, 2));
		json_object_set_new(o, "from", api_col_time(st, 3));
		json_object_set_new(o, "to", api_col_time(st, 4));
		json_object_set_new(o, "created", api_col_time(st, 5));
		/* Only the file name: where the state dir is is ours. */
		json_object_set_new(o, "file",
		    path != NULL && path[0] != '\0'
			? api_str_or_null(strrchr(path, '/') != NULL
					      ? strrchr(path, '/') + 1
					      : path)
			: json_null());
		json_object_set_new(
		    o, "pruned", json_boolean(path == NULL || path[0] == '\0'));
		json_object_set_new(o, "size", api_col_int(st, 7));
		json_object_set_new(o, "sha256", api_col_text(st, 8));
		json_object_set_new(o, "manifest_sha256", api_col_text(st, 9));
		json_object_set_new(o, "deliveries", json_array());
		snprintf(id, sizeof id, "%" PRId64,
		    (int64_t)sqlite3_column_int64(st, 0));
		json_object_set(byid, id, o);
		json_array_append_new(list, o);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_err("web: api snapshots: %s", sqlite3_errmsg(r->db));
		goto fail;
	}
	/* Deliveries of the listed snapshots (bounded by targets x LIMIT). */
	if (json_array_size(list) > 0 &&
	    outbox_each(r->db, (int)limit * 16, api_outbox_cb, byid) == -1)
		goto fail;
	json_decref(byid);
	return api_send(r, 200, json_pack("{s:o}", "snapshots", list));
fail:
	json_decref(list);
	json_decref(byid);
	return api_internal(r);
}
