/* page_device.c - one device's page: state, uptime (the xanetctl uptime code), timeline, outages, RTT/loss, SNMP traffic and clients, alerts. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/devstate.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "evidence/svg.h"
#include "evidence/uptime.h"
#include "probes/probe.h"
#include "store/alert.h"
#include "store/device.h"
#include "store/interval.h"
#include "store/metric.h"
#include "store/sample.h"
#include "web/auth.h"
#include "web/page.h"
#include "web/server.h"

#define DEV_HOURS         (7 * 24) /* the timeline and the charts */
#define DEV_OUTAGES_MAX   200      /* listed, newest first; more are counted */
#define DEV_ALERTS        20
#define DEV_IFACE_CHARTS  4 /* interfaces drawn; every one is listed */
#define DEV_CLIENT_SERIES SVG_MAX_SERIES
#define HOUR_MS           3600000

struct dev_find {
	const char *key;
	struct device_row row;
	bool found;
};

static int
dev_find_cb(const struct device_row *d, void *arg)
{
	struct dev_find *f = arg;

	/* device_each counts a stop as a failure: walk on. */
	if (f->found || strcmp(d->key, f->key) != 0)
		return 0;
	f->row = *d;
	f->found = true;
	return 0;
}

/* The hour slots of the charts: labels and ticks at local midnights. */
struct dev_hours {
	int64_t from_ms; /* an hour boundary */
	size_t n;
	char (*label)[24];
	const char **labels;
	size_t ticks[8];
	size_t nticks;
};

static void
dev_hours_init(struct dev_hours *h, int64_t now_ms)
{
	h->from_ms =
	    time_hour_floor(now_ms) - (DEV_HOURS - 1) * (int64_t)HOUR_MS;
	h->n = DEV_HOURS;
	h->label = xcalloc(h->n, sizeof *h->label);
	h->labels = xcalloc(h->n, sizeof *h->labels);
	h->nticks = 0;
	for (size_t i = 0; i < h->n; i++) {
		char buf[64];
		int64_t t = h->from_ms + (int64_t)i * HOUR_MS;

		/* "YYYY-MM-DD HH:MM": shown as "DD/MM HH:00". */
		time_format_local(t, buf, sizeof buf);
		if (strlen(buf) >= 16)
			snprintf(h->label[i], sizeof h->label[i],
			    "%.2s/%.2s %.2s:00", buf + 8, buf + 5, buf + 11);
		else
			str_copy(h->label[i], buf, sizeof h->label[i]);
		h->labels[i] = h->label[i];
		if (strlen(buf) >= 16 && strncmp(buf + 11, "00", 2) == 0 &&
		    h->nticks < sizeof h->ticks / sizeof h->ticks[0])
			h->ticks[h->nticks++] = i;
	}
}

static void
dev_hours_free(struct dev_hours *h)
{
	free(h->label);
	free(h->labels);
}

static char
dev_point(const struct web_req *r)
{
	return r->lang == I18N_EN ? '.' : ',';
}

/* Uptime % as the reports print it: truncated, the language's decimal mark. */
static void
dev_pct(struct web_req *r, double pct)
{
	if (pct < 0)
		strbuf_add(&r->out, "-");
	else
		svg_number(&r->out, pct, 2, r->lang == I18N_EN ? '.' : ',');
}

static void
dev_state_head(struct web_req *r, const struct device_row *d, int64_t now)
{
	enum dev_state st;
	int64_t since;
	char cause[64];
	int rc;

	rc = interval_current(r->db, d->id, &st, &since, cause, sizeof cause);
	strbuf_add(&r->out, "<div class=\"box\" data-refresh><p>");
	strbuf_printf(&r->out,
	    "<span data-test=\"device-state\" "
	    "data-state=\"%s\">",
	    rc == 0 ? dev_state_name(st) : "unknown");
	page_badge(r, rc == 0 ? dev_state_name(st) : "unknown");
	strbuf_add(&r->out, "</span> ");
	if (rc == 0) {
		strbuf_add_html(&r->out, page_t(r, "web.device.since"));
		strbuf_add(&r->out, " ");
		page_time(&r->out, since);
		strbuf_add(&r->out, " (");
		page_duration(&r->out, r, now - since);
		strbuf_add(&r->out, ")");
		if (cause[0] != '\0' && strcmp(cause, "none") != 0) {
			strbuf_add(&r->out, " &middot; ");
			strbuf_add_html(
			    &r->out, i18n_word(r->lang, "report.cause", cause));
		}
	}
	strbuf_add(&r->out, "</p><p class=\"muted\">");
	strbuf_add_html(&r->out, d->kind);
	if (d->group[0] != '\0') {
		strbuf_add(&r->out, " &middot; ");
		strbuf_add_html(&r->out, d->group);
	}
	if (d->address[0] != '\0') {
		strbuf_add(&r->out, " &middot; ");
		strbuf_add_html(&r->out, d->address);
	}
	if (d->parent[0] != '\0') {
		strbuf_add(&r->out, " &middot; ");
		strbuf_add_html(&r->out, page_t(r, "web.device.parent"));
		strbuf_add(&r->out, " <a href=\"/devices/");
		strbuf_add_html(&r->out, d->parent);
		strbuf_add(&r->out, "\">");
		strbuf_add_html(&r->out, d->parent);
		strbuf_add(&r->out, "</a>");
	}
	strbuf_add(&r->out, "</p></div>\n");
}

/* One period's figures, computed exactly as `xanetctl uptime` does. */
static void
dev_uptime_row(struct web_req *r, const char *test, const char *key,
    const struct uptime *u, bool exists)
{
	strbuf_printf(&r->out,
	    "<tr data-test=\"%s\" data-up-ms=\"%" PRId64
	    "\" data-down-ms=\"%" PRId64 "\" data-unknown-ms=\"%" PRId64
	    "\" data-outages=\"%d\"><td>",
	    test, u->up_ms, u->down_ms, u->unknown_ms, u->outages);
	strbuf_add_html(&r->out, page_t(r, key));
	strbuf_add(&r->out, "</td><td class=\"num\" data-test=\"uptime-pct\">");
	if (exists)
		dev_pct(r, u->uptime_pct);
	else
		strbuf_add(&r->out, "-");
	strbuf_add(&r->out, " %</td><td class=\"num\">");
	page_duration(&r->out, r, u->down_ms);
	strbuf_printf(&r->out,
	    "</td><td class=\"num\">%d</td><td class=\"num\">", u->outages);
	page_duration(&r->out, r, u->longest_outage_ms);
	strbuf_add(&r->out, "</td><td class=\"num\">");
	page_duration(&r->out, r, u->unreachable_ms);
	strbuf_add(&r->out, "</td><td class=\"num\">");
	page_duration(&r->out, r, u->maintenance_ms);
	strbuf_add(&r->out, "</td><td class=\"num\">");
	dev_pct(r, u->coverage_pct);
	strbuf_add(&r->out, " %</td></tr>\n");
}

/* The 7-day timeline: one cell per hour, coloured by its uptime. */
static void
dev_timeline(struct web_req *r, const struct device_row *d,
    const struct interval *iv, size_t n, const struct dev_hours *h, int64_t now)
{
	double *v = xcalloc(h->n, sizeof *v);
	struct svg_strip s = {0};
	struct uptime u;

	for (size_t i = 0; i < h->n; i++) {
		int64_t a = h->from_ms + (int64_t)i * HOUR_MS;
		int64_t b = a + HOUR_MS < now ? a + HOUR_MS : now;

		if (b <= a || uptime_compute(iv, n, a, b, d->added_ms,
				  d->retired_ms, &u) == -1)
			v[i] = SVG_NONE;
		else
			v[i] = u.uptime_pct >= 0 ? u.uptime_pct : SVG_NODATA;
	}
	s.values = v;
	s.labels = h->labels;
	s.n = h->n;
	s.title = d->name;
	s.lang = r->lang;
	s.point = dev_point(r);
	strbuf_add(&r->out, "<div class=\"box\" data-test=\"timeline\">");
	svg_strip(&r->out, &s);
	svg_legend(&r->out, r->lang, dev_point(r));
	strbuf_add(&r->out, "</div>\n");
	free(v);
}

static int
dev_outages(struct web_req *r, const struct interval *iv, size_t n,
    const struct uptime *u, int64_t now)
{
	static const char *const cols[] = {"web.col.start", "web.col.end",
	    "web.col.duration", "web.col.cause"};
	struct interval *out;
	size_t k;

	if (n == 0 || u->outages == 0) {
		page_para(r, NULL, "web.device.nooutages");
		return 0;
	}
	out = xcalloc(n, sizeof *out);
	k = uptime_outages(iv, n, u->from_ms, u->to_ms, out, n);
	page_table_head(r, cols, sizeof cols / sizeof cols[0]);
	/* Newest first; beyond DEV_OUTAGES_MAX they are counted only. */
	for (size_t j = 0; j < k && j < DEV_OUTAGES_MAX; j++) {
		const struct interval *o = &out[k - 1 - j];
		bool open = o->end_ms >= now;

		strbuf_add(&r->out, "<tr data-test=\"outage\"><td>");
		page_time(&r->out, o->start_ms);
		strbuf_add(&r->out, "</td><td>");
		if (open)
			strbuf_add_html(
			    &r->out, page_t(r, "web.device.ongoing"));
		else
			page_time(&r->out, o->end_ms);
		strbuf_add(&r->out, "</td><td class=\"num\">");
		page_duration(
		    &r->out, r, (open ? now : o->end_ms) - o->start_ms);
		strbuf_add(&r->out, "</td><td>");
		strbuf_add_html(
		    &r->out, i18n_word(r->lang, "report.cause", o->cause));
		strbuf_add(&r->out, "</td></tr>\n");
	}
	strbuf_add(&r->out, "</table></div>\n");
	if (k > DEV_OUTAGES_MAX) {
		strbuf_printf(
		    &r->out, "<p class=\"muted\">+%zu ", k - DEV_OUTAGES_MAX);
		strbuf_add_html(&r->out, page_t(r, "web.device.moreoutages"));
		strbuf_add(&r->out, "</p>\n");
	}
	free(out);
	return 0;
}

/*
 * The chart TITLE of NSER series over H's hours, in a box whose
 * data-test is TEST (any HTML before it is the caller's).
 */
static void
dev_chart(struct web_req *r, const struct dev_hours *h, const char *title,
    struct svg_series *ser, size_t nser, const char *test)
{
	struct svg_chart c = {0};

	c.title = title;
	c.labels = h->labels;
	c.n = h->n;
	c.series = ser;
	c.nseries = nser;
	c.ticks = h->ticks;
	c.nticks = h->nticks;
	c.nodata = page_t(r, "web.device.nodata");
	c.point = dev_point(r);
	strbuf_add(&r->out, "<div class=\"box\" data-test=\"");
	strbuf_add_html(&r->out, test);
	strbuf_add(&r->out, "\">");
	svg_chart(&r->out, &c);
	strbuf_add(&r->out, "</div>\n");
}

struct dev_series {
	const struct dev_hours *h;
	double *a, *b; /* per hour slot; -1 no data */
};

static size_t
dev_slot(const struct dev_hours *h, int64_t hour_ms)
{
	if (hour_ms < h->from_ms)
		return (size_t)-1;
	return (size_t)((hour_ms - h->from_ms) / HOUR_MS);
}

static int
dev_sample_cb(const struct sample_hour *sh, void *arg)
{
	struct dev_series *s = arg;
	size_t i = dev_slot(s->h, sh->hour_ms);

	if (i >= s->h->n)
		return 0;
	if (sh->rtt_avg_us >= 0)
		s->a[i] = (double)sh->rtt_avg_us / 1000.0;
	if (sh->sent > 0)
		s->b[i] = 100.0 * (sh->sent - sh->received) / sh->sent;
	else if (sh->count > 0)
		s->b[i] = 100.0 * (sh->count - sh->ok) / sh->count;
	return 0;
}

static void
dev_series_init(struct dev_series *s, const struct dev_hours *h)
{
	s->h = h;
	s->a = xcalloc(h->n, sizeof *s->a);
	s->b = xcalloc(h->n, sizeof *s->b);
	for (size_t i = 0; i < h->n; i++)
		s->a[i] = s->b[i] = SVG_NODATA;
}

static void
dev_series_free(struct dev_series *s)
{
	free(s->a);
	free(s->b);
}

/* RTT and loss per hour, from the rollups of the device's first kind probed. */
static int
dev_rtt_chart(struct web_req *r, const struct device_row *d,
    const struct dev_hours *h, int64_t now)
{
	static const enum probe_kind kinds[] = {
	    PROBE_ICMP, PROBE_TCP, PROBE_HTTP, PROBE_SNMP};
	struct dev_series s;
	struct svg_series ser[2];
	int got = 0;

	dev_series_init(&s, h);
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0] && got == 0;
	     k++) {
		got = sample_hours(r->db, d->id, kinds[k], h->from_ms, now + 1,
		    dev_sample_cb, &s);
		if (got == -1) {
			dev_series_free(&s);
			return -1;
		}
	}
	if (got == 0) {
		page_para(r, NULL, "web.device.nosamples");
		dev_series_free(&s);
		return 0;
	}
	memset(ser, 0, sizeof ser);
	ser[0].name = page_t(r, "web.device.rtt");
	ser[0].values = s.a;
	ser[0].kind = SVG_LINE;
	ser[0].axis = SVG_AXIS_LEFT;
	ser[0].unit = " ms";
	ser[0].decimals = 1;
	ser[0].style = 1;
	ser[1].name = page_t(r, "web.device.loss");
	ser[1].values = s.b;
	ser[1].kind = SVG_BARS;
	ser[1].axis = SVG_AXIS_RIGHT;
	ser[1].unit = " %";
	ser[1].decimals = 1;
	ser[1].style = 2;
	dev_chart(r, h, d->name, ser, 2, "rtt-chart");
	dev_series_free(&s);
	return 0;
}

struct dev_ifaces {
	struct web_req *r;
	uint32_t chart[DEV_IFACE_CHARTS];
	char chart_name[DEV_IFACE_CHARTS][128];
	size_t ncharts;
	int n;
};

static void
dev_rate(struct strbuf *sb, double bps, char point)
{
	static const char *const units[] = {
	    "bit/s", "kbit/s", "Mbit/s", "Gbit/s"};
	size_t u = 0;

	if (bps < 0) {
		strbuf_add(sb, "-");
		return;
	}
	while (bps >= 1000 && u + 1 < sizeof units / sizeof units[0]) {
		bps /= 1000;
		u++;
	}
	svg_number(sb, bps, u == 0 ? 0 : 1, point);
	strbuf_printf(sb, " %s", units[u]);
}

static int
dev_iface_cb(const struct snmp_iface_row *f, void *arg)
{
	struct dev_ifaces *w = arg;
	struct web_req *r = w->r;
	char point = dev_point(r);

	if (w->n++ == 0) {
		static const char *const cols[] = {"web.col.iface",
		    "web.col.status", "web.col.speed", "web.col.in",
		    "web.col.out", "web.col.errors"};

		page_table_head(r, cols, sizeof cols / sizeof cols[0]);
	}
	/* Important interfaces first, then those that are up. */
	if (w->ncharts < DEV_IFACE_CHARTS && (f->important || f->oper == 1)) {
		w->chart[w->ncharts] = f->index;
		str_copy_utf8(w->chart_name[w->ncharts],
		    f->name[0] != '\0' ? f->name : "?",
		    sizeof w->chart_name[0]);
		w->ncharts++;
	}
	strbuf_printf(
	    &r->out, "<tr data-test=\"iface-%" PRIu32 "\"><td>", f->index);
	strbuf_add_html(&r->out, f->name);
	if (f->alias[0] != '\0') {
		strbuf_add(&r->out, " <small>");
		strbuf_add_html(&r->out, f->alias);
		strbuf_add(&r->out, "</small>");
	}
	if (f->important)
		strbuf_add(&r->out, " &#9733;");
	strbuf_add(&r->out, "</td><td>");
	strbuf_add_html(&r->out, snmp_ifstatus_name(f->oper));
	strbuf_add(&r->out, "</td><td class=\"num\">");
	dev_rate(&r->out, f->speed_bps >= 0 ? (double)f->speed_bps : -1, point);
	strbuf_add(&r->out, "</td><td class=\"num\">");
	dev_rate(&r->out, f->in_bps, point);
	strbuf_add(&r->out, "</td><td class=\"num\">");
	dev_rate(&r->out, f->out_bps, point);
	strbuf_add(&r->out, "</td><td class=\"num\">");
	if (f->in_errors >= 0 || f->out_errors >= 0)
		svg_number(&r->out,
		    (f->in_errors > 0 ? f->in_errors : 0) +
			(f->out_errors > 0 ? f->out_errors : 0),
		    2, point);
	strbuf_add(&r->out, "</td></tr>\n");
	return 0;
}

static int
dev_metric_cb(const struct metric_hour *mh, void *arg)
{
	struct dev_series *s = arg;
	size_t i = dev_slot(s->h, mh->hour_ms);

	if (i < s->h->n && mh->count > 0) {
		/* Two metrics share one walk: A first, then B. */
		if (s->a != NULL && s->b == NULL)
			s->a[i] = mh->avg;
		else if (s->b != NULL)
			s->b[i] = mh->avg;
	}
	return 0;
}

/* Hourly averages of NAME/INSTANCE into V (DEV_HOURS, preset to no data). */
static int
dev_metric_hours(struct web_req *r, int64_t id, const char *name,
    const char *inst, const struct dev_hours *h, double *v, int64_t now)
{
	struct dev_series s = {.h = h, .a = v, .b = NULL};

	return metric_hours(
	    r->db, id, name, inst, h->from_ms, now + 1, dev_metric_cb, &s);
}

static int
dev_snmp_traffic(struct web_req *r, const struct device_row *d,
    const struct dev_hours *h, int64_t now)
{
	struct dev_ifaces w = {.r = r};

	if (snmp_ifaces(r->db, d->id, dev_iface_cb, &w) == -1)
		return -1;
	if (w.n == 0)
		return 0;
	strbuf_add(&r->out, "</table></div>\n");
	for (size_t i = 0; i < w.ncharts; i++) {
		struct dev_series s;
		struct svg_series ser[2];
		char inst[16], test[32];

		dev_series_init(&s, h);
		snprintf(inst, sizeof inst, "%" PRIu32, w.chart[i]);
		if (dev_metric_hours(
			r, d->id, "if_in_bps", inst, h, s.a, now) == -1 ||
		    dev_metric_hours(
			r, d->id, "if_out_bps", inst, h, s.b, now) == -1) {
			dev_series_free(&s);
			return -1;
		}
		/* Mbit/s: readable axes for office links. */
		for (size_t k = 0; k < h->n; k++) {
			if (s.a[k] >= 0)
				s.a[k] /= 1e6;
			if (s.b[k] >= 0)
				s.b[k] /= 1e6;
		}
		memset(ser, 0, sizeof ser);
		ser[0].name = page_t(r, "web.col.in");
		ser[0].values = s.a;
		ser[0].kind = SVG_LINE;
		ser[0].unit = " Mbit/s";
		ser[0].decimals = 2;
		ser[0].style = 1;
		ser[1] = ser[0];
		ser[1].name = page_t(r, "web.col.out");
		ser[1].values = s.b;
		ser[1].style = 3;
		strbuf_add(&r->out, "<h3>");
		strbuf_add_html(&r->out, w.chart_name[i]);
		strbuf_add(&r->out, "</h3>");
		snprintf(test, sizeof test, "traffic-%s", inst);
		dev_chart(r, h, w.chart_name[i], ser, 2, test);
		dev_series_free(&s);
	}
	return 0;
}

struct dev_clients {
	struct web_req *r;
	char inst[DEV_CLIENT_SERIES][128];
	size_t ninst;
	int n;
	double total;
};

static int
dev_client_cb(const struct metric_value *v, void *arg)
{
	struct dev_clients *w = arg;
	struct web_req *r = w->r;

	if (strcmp(v->name, "clients") != 0)
		return 0;
	if (w->n++ == 0) {
		static const char *const cols[] = {
		    "web.col.instance", "web.col.clients", "web.col.time"};

		page_table_head(r, cols, sizeof cols / sizeof cols[0]);
	}
	if (w->ninst < DEV_CLIENT_SERIES)
		str_copy_utf8(
		    w->inst[w->ninst++], v->instance, sizeof w->inst[0]);
	w->total += v->value;
	strbuf_add(&r->out, "<tr><td>");
	strbuf_add_html(&r->out, v->instance);
	strbuf_add(&r->out, "</td><td class=\"num\">");
	svg_number(&r->out, v->value, 0, dev_point(r));
	strbuf_add(&r->out, "</td><td>");
	page_time(&r->out, v->ts_ms);
	strbuf_add(&r->out, "</td></tr>\n");
	return 0;
}

static int
dev_snmp_clients(struct web_req *r, const struct device_row *d,
    const struct dev_hours *h, int64_t now)
{
	struct dev_clients w = {.r = r};
	struct svg_series ser[DEV_CLIENT_SERIES];
	double *v[DEV_CLIENT_SERIES] = {0};
	int rc = 0;

	if (metric_latest(r->db, d->id, dev_client_cb, &w) == -1)
		return -1;
	if (w.n == 0)
		return 0;
	strbuf_add(&r->out, "<tr><td><b>");
	strbuf_add_html(&r->out, page_t(r, "web.device.total"));
	strbuf_add(&r->out, "</b></td><td class=\"num\" "
			    "data-test=\"clients-total\"><b>");
	svg_number(&r->out, w.total, 0, dev_point(r));
	strbuf_add(&r->out, "</b></td><td></td></tr>\n</table></div>\n");
	memset(ser, 0, sizeof ser);
	for (size_t i = 0; i < w.ninst; i++) {
		v[i] = xcalloc(h->n, sizeof *v[i]);
		for (size_t k = 0; k < h->n; k++)
			v[i][k] = SVG_NODATA;
		if (dev_metric_hours(
			r, d->id, "clients", w.inst[i], h, v[i], now) == -1)
			rc = -1;
		ser[i].name = w.inst[i];
		ser[i].values = v[i];
		ser[i].kind = SVG_LINE;
		ser[i].unit = "";
		ser[i].decimals = 1;
		ser[i].style = (int)i + 1;
	}
	if (rc == 0) {
		dev_chart(r, h, page_t(r, "web.col.clients"), ser, w.ninst,
		    "clients-chart");
	}
	for (size_t i = 0; i < w.ninst; i++)
		free(v[i]);
	return rc;
}

struct dev_alerts {
	struct web_req *r;
	int n;
};

static int
dev_alert_cb(const struct alert_row *a, void *arg)
{
	struct dev_alerts *w = arg;
	struct web_req *r = w->r;

	if (w->n++ == 0) {
		static const char *const cols[] = {"web.col.time",
		    "web.col.severity", "web.col.event", "web.col.details",
		    "web.col.ack"};

		page_table_head(r, cols, sizeof cols / sizeof cols[0]);
	}
	strbuf_add(&r->out, "<tr><td>");
	page_time(&r->out, a->ts_ms);
	strbuf_add(&r->out, "</td><td>");
	strbuf_add_html(&r->out, a->severity);
	strbuf_add(&r->out, "</td><td>");
	strbuf_add_html(&r->out, a->event);
	strbuf_add(&r->out, "</td><td>");
	strbuf_add_html(&r->out, a->details);
	strbuf_add(&r->out, "</td><td>");
	if (a->acked_ms >= 0) {
		strbuf_add(&r->out, "&#10003; ");
		strbuf_add_html(&r->out, a->ack_note);
	}
	strbuf_add(&r->out, "</td></tr>\n");
	return 0;
}

static void
dev_h2(struct web_req *r, const char *key)
{
	strbuf_add(&r->out, "<h2>");
	strbuf_add_html(&r->out, page_t(r, key));
	strbuf_add(&r->out, "</h2>\n");
}

/* A heading and FN's part, or nothing when FN wrote nothing (no SNMP). */
static int
dev_section(struct web_req *r, const char *key,
    int (*fn)(struct web_req *, const struct device_row *,
	const struct dev_hours *, int64_t),
    const struct device_row *d, const struct dev_hours *h, int64_t now)
{
	size_t mark = r->out.len, body;

	dev_h2(r, key);
	body = r->out.len;
	if (fn(r, d, h, now) == -1)
		return -1;
	if (r->out.len == body) {
		r->out.len = mark;
		r->out.s[mark] = '\0';
	}
	return 0;
}

int
page_device(struct web_req *r)
{
	static const char *const ucols[] = {"web.col.period", "web.col.uptime",
	    "web.col.downtime", "web.col.outages", "web.col.longest",
	    "web.col.unreachable", "web.col.maintenance", "web.col.coverage"};
	struct dev_find f = {.key = r->path + strlen("/devices/")};
	struct interval *iv7 = NULL, *iv30 = NULL;
	size_t n7 = 0, n30 = 0;
	struct uptime u7, u30;
	bool e7, e30;
	struct dev_hours h;
	struct dev_alerts wa = {.r = r};
	struct alert_filter af = {.limit = DEV_ALERTS};
	int64_t now = time_wall_ms(), from7, from30;
	int rc = -1;

	/* Keys are [A-Za-z0-9._-]: anything else is no device of ours. */
	if (!auth_name_valid(f.key))
		return page_error(r, 404, "web.error.404");
	if (device_each(r->db, 1, dev_find_cb, &f) == -1)
		return -1;
	if (!f.found)
		return page_error(r, 404, "web.device.unknown");
	from7 = page_local_midnight(now, 6);
	from30 = page_local_midnight(now, 29);
	/* The open interval ends now: xanetd is running (it serves us). */
	if (interval_load_until(
		r->db, f.row.id, from7, now, now, &iv7, &n7, NULL) == -1 ||
	    interval_load_until(
		r->db, f.row.id, from30, now, now, &iv30, &n30, NULL) == -1)
		goto out;
	e7 = uptime_compute(iv7, n7, from7, now, f.row.added_ms,
		 f.row.retired_ms, &u7) == 0;
	e30 = uptime_compute(iv30, n30, from30, now, f.row.added_ms,
		  f.row.retired_ms, &u30) == 0;

	page_begin(r, f.row.name[0] != '\0' ? f.row.name : f.row.key);
	strbuf_add(&r->out, "<p class=\"muted\"><code>");
	strbuf_add_html(&r->out, f.row.key);
	strbuf_add(&r->out, "</code>");
	if (f.row.retired_ms >= 0) {
		strbuf_add(&r->out, " &middot; ");
		strbuf_add_html(&r->out, page_t(r, "web.device.retired"));
	}
	strbuf_add(&r->out, "</p>\n");
	dev_state_head(r, &f.row, now);

	dev_h2(r, "web.device.uptime");
	page_table_head(r, ucols, sizeof ucols / sizeof ucols[0]);
	dev_uptime_row(r, "uptime-7d", "web.device.last7", &u7, e7);
	dev_uptime_row(r, "uptime-30d", "web.device.last30", &u30, e30);
	strbuf_add(&r->out, "</table></div>\n<p class=\"muted\">");
	strbuf_add_html(&r->out, page_t(r, "web.device.method"));
	strbuf_add(&r->out, "</p>\n");

	dev_hours_init(&h, now);
	dev_h2(r, "web.device.timeline");
	dev_timeline(r, &f.row, iv7, n7, &h, now);
	dev_h2(r, "web.device.outages");
	if (dev_outages(r, iv30, n30, &u30, now) == -1)
		goto out_h;
	dev_h2(r, "web.device.rttloss");
	if (dev_rtt_chart(r, &f.row, &h, now) == -1)
		goto out_h;
	if (dev_section(r, "web.device.traffic", dev_snmp_traffic, &f.row, &h,
		now) == -1 ||
	    dev_section(r, "web.device.clients", dev_snmp_clients, &f.row, &h,
		now) == -1)
		goto out_h;
	dev_h2(r, "web.device.alerts");
	af.device_key = f.row.key;
	if (alert_list(r->db, &af, dev_alert_cb, &wa) == -1)
		goto out_h;
	if (wa.n > 0)
		strbuf_add(&r->out, "</table></div>\n");
	else
		page_para(r, NULL, "web.alerts.none");
	strbuf_add(&r->out, "<p><a href=\"/alerts?device=");
	strbuf_add_html(&r->out, f.row.key);
	strbuf_add(&r->out, "\">");
	strbuf_add_html(&r->out, page_t(r, "web.device.allalerts"));
	strbuf_add(&r->out, "</a></p>\n<script src=\"/static/refresh.js\" "
			    "defer></script>\n");
	page_end(r);
	rc = 0;
out_h:
	dev_hours_free(&h);
out:
	free(iv7);
	free(iv30);
	return rc;
}
