/* csv.c - a report's CSV files (uptime, outages, alerts, hosts): UTF-8 with BOM, RFC 4180, CRLF, local times with offset, so that Excel opens them as they are. */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/i18n.h"
#include "common/strbuf.h"
#include "common/xtime.h"
#include "evidence/csv.h"
#include "evidence/report.h"
#include "evidence/uptime.h"

#define CSV_BOM "\xEF\xBB\xBF"

/*
 * A text Excel would run as a formula: host names and alert details come
 * from the LAN (DHCP, DNS), so a host named "=HYPERLINK(...)" must not
 * become a live formula on the officer's PC. Such a cell gets a leading
 * apostrophe (OWASP's advice); numbers we write never start so.
 */
static bool
csv_formula(const char *c)
{
	return c[0] != '\0' && strchr("=+-@\t\r", c[0]) != NULL;
}

static void
csv_cell(struct strbuf *sb, const char *c)
{
	bool formula;

	if (c == NULL)
		return;
	formula = csv_formula(c);
	/* Quoted only where needed: a comma, a quote, a line break. */
	if (strpbrk(c, ",\"\r\n") == NULL) {
		if (formula)
			strbuf_addc(sb, '\'');
		strbuf_add(sb, c);
		return;
	}
	strbuf_addc(sb, '"');
	if (formula)
		strbuf_addc(sb, '\'');
	for (; *c != '\0'; c++) {
		if (*c == '"')
			strbuf_addc(sb, '"');
		strbuf_addc(sb, *c);
	}
	strbuf_addc(sb, '"');
}

void
csv_row(struct strbuf *sb, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strbuf_addc(sb, ',');
		csv_cell(sb, cells[i]);
	}
	strbuf_add(sb, "\r\n");
}

/* The header row: catalogue KEYS in the report's language. */
static void
csv_head(struct strbuf *sb, const struct report *r, const char *const *keys,
    size_t n)
{
	enum i18n_lang lang = i18n_lang(r->lang);
	const char *cells[32];

	for (size_t i = 0; i < n && i < 32; i++)
		cells[i] = i18n_get(lang, keys[i]);
	strbuf_add(sb, CSV_BOM);
	csv_row(sb, cells, n < 32 ? n : 32);
}

static int
csv_done(struct strbuf *sb, struct report_file *out, const char *name)
{
	snprintf(out->name, sizeof out->name, "%s", name);
	out->data = strbuf_detach(sb, &out->len);
	return 0;
}

void
csv_seconds(int64_t ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%" PRId64, ms / 1000);
	else
		snprintf(
		    buf, len, "%" PRId64 ".%03" PRId64, ms / 1000, ms % 1000);
}

/* Four decimals, truncated; "" for no data. */
static void
csv_pct(double pct, char *buf, size_t len)
{
	uptime_pct_text(pct, 4, buf, len);
}

static void
csv_time(int64_t ms, char *buf, size_t len)
{
	if (ms < 0)
		buf[0] = '\0';
	else
		time_format_local(ms, buf, len);
}

/* "2026-07-01": the local date a day starts on. */
static void
csv_date(int64_t ms, char *buf, size_t len)
{
	char t[40];

	time_format_local(ms, t, sizeof t);
	snprintf(buf, len, "%.10s", t);
}

int
report_csv_uptime(const struct report *r, struct report_file *out)
{
	static const char *const head[] = {"data.csv.day", "data.csv.key",
	    "data.csv.name", "data.csv.kind", "data.csv.group", "data.csv.from",
	    "data.csv.to", "data.csv.monitored_s", "data.csv.up_s",
	    "data.csv.down_s", "data.csv.unreachable_s",
	    "data.csv.maintenance_s", "data.csv.unknown_s",
	    "data.csv.uptime_pct", "data.csv.coverage_pct", "data.csv.outages",
	    "data.csv.longest_s"};
	enum i18n_lang lang = i18n_lang(r->lang);
	struct strbuf sb = {0};

	csv_head(&sb, r, head, 17);
	for (size_t i = 0; i < r->ndevices; i++) {
		const struct report_device *d = &r->devices[i];
		const struct uptime *u = &d->up;
		char from[40], to[40], mon[32], up[32], down[32], unr[32],
		    maint[32], unk[32], upt[16], cov[16], nout[16], lng[32];
		const char *row[17] = {i18n_get(lang, "data.csv.whole_period"),
		    d->key, d->name, d->kind, d->group, from, to, mon, up, down,
		    unr, maint, unk, upt, cov, nout, lng};

		if (!d->exists)
			continue;
		csv_time(u->from_ms, from, sizeof from);
		csv_time(u->to_ms, to, sizeof to);
		csv_seconds(u->to_ms - u->from_ms, mon, sizeof mon);
		csv_seconds(u->up_ms, up, sizeof up);
		csv_seconds(u->down_ms, down, sizeof down);
		csv_seconds(u->unreachable_ms, unr, sizeof unr);
		csv_seconds(u->maintenance_ms, maint, sizeof maint);
		csv_seconds(u->unknown_ms, unk, sizeof unk);
		csv_pct(u->uptime_pct, upt, sizeof upt);
		csv_pct(u->coverage_pct, cov, sizeof cov);
		snprintf(nout, sizeof nout, "%d", u->outages);
		csv_seconds(u->longest_outage_ms, lng, sizeof lng);
		csv_row(&sb, row, 17);
		/* Then the device's days: uptime and coverage of each. */
		for (size_t k = 0; k < r->ndays; k++) {
			const struct report_day *day = &d->days[k];
			char date[16];
			const char *drow[17] = {date, d->key, d->name, d->kind,
			    d->group, from, to, "", "", "", "", "", "", upt,
			    cov, "", ""};

			if (day->coverage_pct < 0)
				continue; /* the device did not exist then */
			csv_date(r->days_ms[k], date, sizeof date);
			csv_time(r->days_ms[k], from, sizeof from);
			csv_time(
			    k + 1 < r->ndays ? r->days_ms[k + 1] : r->to_ms, to,
			    sizeof to);
			csv_pct(day->uptime_pct, upt, sizeof upt);
			csv_pct(day->coverage_pct, cov, sizeof cov);
			csv_row(&sb, drow, 17);
		}
	}
	return csv_done(&sb, out, "uptime.csv");
}

/* The cause in words, or its code when the catalogue has none. */
static const char *
csv_cause_text(enum i18n_lang lang, const char *cause, char *key, size_t len)
{
	if (cause == NULL || cause[0] == '\0')
		return "";
	snprintf(key, len, "data.cause.%s", cause);
	return i18n_has(key) ? i18n_get(lang, key) : cause;
}

int
report_csv_outages(const struct report *r, struct report_file *out)
{
	static const char *const head[] = {"data.csv.key", "data.csv.name",
	    "data.csv.group", "data.csv.start", "data.csv.end",
	    "data.csv.duration_s", "data.csv.cause", "data.csv.cause_text",
	    "data.csv.ongoing"};
	enum i18n_lang lang = i18n_lang(r->lang);
	struct strbuf sb = {0};

	csv_head(&sb, r, head, 9);
	for (size_t i = 0; i < r->noutages; i++) {
		const struct report_outage *o = &r->outages[i];
		const struct report_device *d = &r->devices[o->device];
		char start[40], end[40], dur[32], key[64];
		const char *row[9] = {d->key, d->name, d->group, start, end,
		    dur, o->cause,
		    csv_cause_text(lang, o->cause, key, sizeof key),
		    i18n_get(lang, o->open ? "data.yes" : "data.no")};

		csv_time(o->start_ms, start, sizeof start);
		csv_time(o->end_ms, end, sizeof end);
		csv_seconds(o->end_ms - o->start_ms, dur, sizeof dur);
		csv_row(&sb, row, 9);
	}
	return csv_done(&sb, out, "outages.csv");
}

int
report_csv_alerts(const struct report *r, struct report_file *out)
{
	static const char *const head[] = {"data.csv.id", "data.csv.time",
	    "data.csv.severity", "data.csv.event", "data.csv.key",
	    "data.csv.details", "data.csv.acked"};
	struct strbuf sb = {0};

	csv_head(&sb, r, head, 7);
	for (size_t i = 0; i < r->nalerts; i++) {
		const struct report_alert *a = &r->alerts[i];
		char id[24], ts[40], acked[40];
		const char *row[7] = {id, ts, a->severity, a->event,
		    a->device_key, a->details, acked};

		snprintf(id, sizeof id, "%" PRId64, a->id);
		csv_time(a->ts_ms, ts, sizeof ts);
		csv_time(a->acked_ms, acked, sizeof acked);
		csv_row(&sb, row, 7);
	}
	return csv_done(&sb, out, "alerts.csv");
}

int
report_csv_hosts(const struct report *r, struct report_file *out)
{
	static const char *const head[] = {"data.csv.mac", "data.csv.ips",
	    "data.csv.host_name", "data.csv.vendor", "data.csv.os",
	    "data.csv.status", "data.csv.first_seen", "data.csv.last_seen",
	    "data.csv.bytes_in", "data.csv.bytes_out"};
	enum i18n_lang lang = i18n_lang(r->lang);
	struct strbuf sb = {0};

	csv_head(&sb, r, head, 10);
	for (size_t i = 0; i < r->nhosts; i++) {
		const struct report_host *h = &r->hosts[i];
		char first[40], last[40], bin[24], bout[24], key[64];
		const char *status = h->status != NULL ? h->status : "unknown";
		const char *row[10] = {h->mac, h->ips, h->name, h->vendor,
		    h->os, status, first, last, bin, bout};

		snprintf(key, sizeof key, "data.host.%s", status);
		if (i18n_has(key))
			row[5] = i18n_get(lang, key);
		csv_time(h->first_ms, first, sizeof first);
		csv_time(h->last_ms, last, sizeof last);
		snprintf(bin, sizeof bin, "%" PRId64, h->bytes_in);
		snprintf(bout, sizeof bout, "%" PRId64, h->bytes_out);
		csv_row(&sb, row, 10);
	}
	return csv_done(&sb, out, "hosts.csv");
}
