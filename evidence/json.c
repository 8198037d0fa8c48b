/* json.c - a report's data.json (jansson): every figure of the model, machine-readable, with its schema version. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "common/xtime.h"
#include "evidence/report.h"

/* A percentage, or null for "nothing to divide by" (-1 in the model). */
static json_t *
j_pct(double pct)
{
	return pct < 0 ? json_null() : json_real(pct);
}

static json_t *
j_str(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
j_time(int64_t ms)
{
	char buf[40];

	if (ms < 0)
		return json_null();
	time_format_iso(ms, buf, sizeof buf);
	return json_string(buf);
}

static json_t *
j_int_or_null(int64_t v)
{
	return v < 0 ? json_null() : json_integer((json_int_t)v);
}

static const char *
j_verdict(enum report_verdict v)
{
	switch (v) {
	case REPORT_MET:
		return "met";
	case REPORT_NOT_MET:
		return "not-met";
	case REPORT_NO_DATA:
	default:
		return "no-data";
	}
}

static json_t *
j_device(const struct report *r, const struct report_device *d)
{
	const struct uptime *u = &d->up;
	json_t *o, *dup = json_array(), *dcov = json_array();

	for (size_t k = 0; k < r->ndays; k++) {
		json_array_append_new(dup, j_pct(d->days[k].uptime_pct));
		json_array_append_new(dcov, j_pct(d->days[k].coverage_pct));
	}
	o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b}",
	    "key", d->key, "name", d->name, "kind", d->kind, "group",
	    j_str(d->group), "address", j_str(d->address), "parent",
	    j_str(d->parent_key), "isp", j_str(d->isp), "added_ms",
	    j_int_or_null(d->added_ms), "retired_ms",
	    j_int_or_null(d->retired_ms), "exists", d->exists);
	json_object_set_new(
	    o, "from_ms", d->exists ? json_integer(u->from_ms) : json_null());
	json_object_set_new(
	    o, "to_ms", d->exists ? json_integer(u->to_ms) : json_null());
	json_object_set_new(o, "monitored_ms",
	    json_integer((json_int_t)(u->to_ms - u->from_ms)));
	json_object_set_new(o, "up_ms", json_integer(u->up_ms));
	json_object_set_new(o, "down_ms", json_integer(u->down_ms));
	json_object_set_new(
	    o, "unreachable_ms", json_integer(u->unreachable_ms));
	json_object_set_new(
	    o, "maintenance_ms", json_integer(u->maintenance_ms));
	json_object_set_new(o, "unknown_ms", json_integer(u->unknown_ms));
	json_object_set_new(o, "uptime_pct", j_pct(u->uptime_pct));
	json_object_set_new(o, "coverage_pct", j_pct(u->coverage_pct));
	json_object_set_new(o, "outages", json_integer(u->outages));
	json_object_set_new(
	    o, "longest_outage_ms", json_integer(u->longest_outage_ms));
	json_object_set_new(o, "days_uptime_pct", dup);
	json_object_set_new(o, "days_coverage_pct", dcov);
	return o;
}

/*
 * V rounded to 1/SCALE, or null when negative. Loss and latency come
 * from integer sums (echoes, microseconds): more digits than these are
 * noise, and noise does not compress (a pack has a size goal).
 */
static json_t *
j_round(double v, double scale)
{
	return v < 0 ? json_null() : json_real(round(v * scale) / scale);
}

static json_t *
j_uplink(const struct report *r, const struct report_uplink *u)
{
	json_t *loss = json_array(), *rtt = json_array(), *n = json_array();

	for (size_t k = 0; k < r->ndays; k++) {
		json_array_append_new(loss, j_round(u->days[k].loss_pct, 1e4));
		json_array_append_new(rtt, j_round(u->days[k].rtt_avg_ms, 1e3));
		json_array_append_new(n, json_integer(u->days[k].samples));
	}
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "key",
	    r->devices[u->device].key, "loss_pct", j_round(u->loss_pct, 1e4),
	    "rtt_avg_ms", j_round(u->rtt_avg_ms, 1e3), "days_loss_pct", loss,
	    "days_rtt_avg_ms", rtt, "days_probes_sent", n);
}

static json_t *
j_outage(const struct report *r, const struct report_outage *o)
{
	return json_pack("{s:s, s:o, s:o, s:I, s:I, s:I, s:o, s:b}", "key",
	    r->devices[o->device].key, "start", j_time(o->start_ms), "end",
	    j_time(o->end_ms), "start_ms", (json_int_t)o->start_ms, "end_ms",
	    (json_int_t)o->end_ms, "duration_ms",
	    (json_int_t)(o->end_ms - o->start_ms), "cause",
	    j_str(o->cause[0] ? o->cause : NULL), "ongoing", o->open);
}

static json_t *
j_indicator(const struct report_indicator *ind)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:b, s:o, s:s, s:o}", "key",
	    ind->key, "title", ind->title, "metric", ind->metric, "scope",
	    j_str(ind->scope), "target", j_pct(ind->target), "at_most",
	    ind->at_most, "value", j_pct(ind->value), "verdict",
	    j_verdict(ind->verdict), "detail", j_str(ind->detail));
}

static json_t *
j_alert(const struct report_alert *a)
{
	return json_pack("{s:I, s:o, s:I, s:o, s:o, s:o, s:o, s:o}", "id",
	    (json_int_t)a->id, "time", j_time(a->ts_ms), "ts_ms",
	    (json_int_t)a->ts_ms, "severity", j_str(a->severity), "event",
	    j_str(a->event), "device", j_str(a->device_key), "details",
	    j_str(a->details), "acked", j_time(a->acked_ms));
}

static json_t *
j_host(const struct report_host *h)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I}",
	    "mac", h->mac, "ips", j_str(h->ips), "name", j_str(h->name),
	    "vendor", j_str(h->vendor), "os", j_str(h->os), "status",
	    j_str(h->status), "first_seen", j_time(h->first_ms), "last_seen",
	    j_time(h->last_ms), "bytes_in", (json_int_t)h->bytes_in,
	    "bytes_out", (json_int_t)h->bytes_out);
}

/* 15 digits: 0.001 stays "0.001", not 0.0010000000000000000208. */
#define JFLAGS JSON_REAL_PRECISION(15)

static json_t *
j_device_at(const struct report *r, size_t i)
{
	return j_device(r, &r->devices[i]);
}

static json_t *
j_outage_at(const struct report *r, size_t i)
{
	return j_outage(r, &r->outages[i]);
}

static json_t *
j_uplink_at(const struct report *r, size_t i)
{
	return j_uplink(r, &r->uplinks[i]);
}

static json_t *
j_alert_at(const struct report *r, size_t i)
{
	return j_alert(&r->alerts[i]);
}

static json_t *
j_host_at(const struct report *r, size_t i)
{
	return j_host(&r->hosts[i]);
}

/*
 * ,\n "NAME": [ then each of the N elements on its own line (compact),
 * each built, dumped and freed in turn. 0 or -1.
 */
static int
j_list(struct strbuf *sb, const char *name, size_t n, const struct report *r,
    json_t *(*fn)(const struct report *r, size_t i))
{
	strbuf_printf(sb, ",\n \"%s\": [", name);
	for (size_t i = 0; i < n; i++) {
		json_t *e = fn(r, i);
		char *t;

		if (e == NULL)
			return -1;
		t = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER | JFLAGS);
		json_decref(e);
		if (t == NULL)
			return -1;
		strbuf_add(sb, i > 0 ? ",\n  " : "\n  ");
		strbuf_add(sb, t);
		free(t);
	}
	strbuf_add(sb, n > 0 ? "\n ]" : "]");
	return 0;
}

int
report_json(const struct report *r, struct report_file *out)
{
	struct strbuf sb = {0};
	json_t *o, *a;
	char *text;
	size_t n;
	int rc;

	o = json_pack("{s:i, s:{s:s, s:s}, s:s, s:{s:s, s:s}, s:{s:o, s:o, "
		      "s:I, s:I}, s:o, s:I, s:o, s:{s:o, s:o}, s:{s:s, s:s, "
		      "s:s}}",
	    "schema_version", REPORT_SCHEMA_VERSION, "generator", "name",
	    "xanet", "version", r->version, "lang", r->lang, "site", "name",
	    r->site_name, "province", r->province, "period", "from",
	    j_time(r->from_ms), "to", j_time(r->to_ms), "from_ms",
	    (json_int_t)r->from_ms, "to_ms", (json_int_t)r->to_ms, "generated",
	    j_time(r->generated_ms), "generated_ms",
	    (json_int_t)r->generated_ms, "key_fingerprint",
	    j_str(r->key_fingerprint), "scope", "group", j_str(r->scope_group),
	    "device", j_str(r->scope_device), "chain_heads", "state_interval",
	    r->chain_state, "alert", r->chain_alert, "snapshot",
	    r->chain_snapshot);
	if (o == NULL)
		return -1;
	json_object_set_new(o, "monitor",
	    json_pack("{s:I, s:o, s:o, s:b}", "watched_ms",
		(json_int_t)r->watched_ms, "coverage_pct",
		j_pct(r->coverage_pct), "lan_coverage_pct",
		j_pct(r->lan_coverage_pct), "lan", r->lan));
	json_object_set_new(o, "method",
	    json_pack("{s:s, s:s, s:s, s:s, s:s}", "uptime_pct",
		"up / (up + down) from state_interval; maintenance and "
		"unreachable excluded",
		"coverage_pct",
		"(time of the device's part of the period - unknown) / that "
		"time; the monitor's: union of monitor_run [start, stop or "
		"last alive) / period",
		"days", "local days from local midnight (site time zone)",
		"uplink",
		"loss = 1 - received / sent (to 0.0001 %), rtt = rtt_sum_us "
		"/ rtt_n (to 0.001 ms), from sample_hour, every probe kind",
		"lan_coverage_pct",
		"union of lan_capture [start, stop or last alive) / period"));

	a = json_array();
	for (size_t k = 0; k < r->ndays; k++) {
		char buf[40];

		time_format_local(r->days_ms[k], buf, sizeof buf);
		buf[10] = '\0';
		json_array_append_new(a, json_string(buf));
	}
	json_object_set_new(o, "days", a);
	a = json_array();
	for (size_t k = 0; k < r->ndays; k++)
		json_array_append_new(a, json_integer(r->days_ms[k]));
	json_object_set_new(o, "days_ms", a);

	json_object_set_new(
	    o, "outages_cut", json_integer((json_int_t)r->outages_cut));
	json_object_set_new(
	    o, "alerts_cut", json_integer((json_int_t)r->alerts_cut));
	json_object_set_new(
	    o, "hosts_cut", json_integer((json_int_t)r->hosts_cut));
	a = json_array();
	for (size_t i = 0; i < r->nindicators; i++)
		json_array_append_new(a, j_indicator(&r->indicators[i]));
	json_object_set_new(o, "indicators", a);

	/*
	 * The small part as one document; the long lists after it one
	 * element at a time, so that at most one device's tree is in memory
	 * (1,000 devices x 92 days would be some 60 MB of jansson nodes).
	 */
	text = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JFLAGS);
	json_decref(o);
	if (text == NULL || (n = strlen(text)) < 2 || text[n - 1] != '}') {
		free(text);
		return -1;
	}
	text[n - 1] = '\0'; /* reopened: the lists follow */
	while (n > 1 && (text[n - 2] == '\n' || text[n - 2] == ' '))
		text[--n - 1] = '\0';
	strbuf_add(&sb, text);
	free(text);
	rc = 0;
	rc |= j_list(&sb, "devices", r->ndevices, r, j_device_at);
	rc |= j_list(&sb, "outages", r->noutages, r, j_outage_at);
	rc |= j_list(&sb, "uplinks", r->nuplinks, r, j_uplink_at);
	rc |= j_list(&sb, "alerts", r->nalerts, r, j_alert_at);
	rc |= j_list(&sb, "hosts", r->nhosts, r, j_host_at);
	strbuf_add(&sb, "\n}\n");
	if (rc != 0) {
		strbuf_free(&sb);
		return -1;
	}
	snprintf(out->name, sizeof out->name, "data.json");
	out->data = strbuf_detach(&sb, &out->len);
	return 0;
}
