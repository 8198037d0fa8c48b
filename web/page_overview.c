/* page_overview.c - the overview: state counts, devices by group with time in state, latest alerts. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "evidence/svg.h"
#include "evidence/uptime.h"
#include "store/interval.h"
#include "web/page.h"
#include "web/server.h"

#define OVERVIEW_ALERTS 20
#define OVERVIEW_DAYS   7 /* the uptime bar: one cell per local day */

enum {
	OV_UP,
	OV_DOWN,
	OV_DEGRADED,
	OV_UNKNOWN,
	OV_UNREACHABLE,
	OV_MAINTENANCE,
	OV_NSTATES,
};

static const char *const ov_state_names[OV_NSTATES] = {
    "up", "down", "degraded", "unknown", "unreachable", "maintenance"};

/*
 * Every configured device with its open state interval. `degraded` is
 * not a stored state (it is judged on the loop from ICMP figures) but
 * an alert: an up device is degraded when its newest degraded/recovered
 * alert since it came up says so.
 */
static const char overview_sql[] =
    "SELECT d.key, d.name, d.grp, si.state, si.start_ms, "
    "(SELECT a.event FROM alert a WHERE a.device_id = d.id "
    "AND a.event IN ('degraded', 'recovered') AND a.ts_ms >= si.start_ms "
    "ORDER BY a.ts_ms DESC, a.id DESC LIMIT 1), d.id, d.added_ms "
    "FROM device d LEFT JOIN state_interval si "
    "ON si.device_id = d.id AND si.end_ms IS NULL "
    "WHERE d.retired_ms IS NULL "
    "ORDER BY d.grp IS NULL, d.grp, d.key";

static const char alerts_sql[] =
    "SELECT a.ts_ms, a.severity, a.event, d.name, a.details "
    "FROM alert a LEFT JOIN device d ON d.id = a.device_id "
    "ORDER BY a.id DESC LIMIT ?1";

static int
ov_state(const char *state, const char *dg_event)
{
	if (state == NULL)
		return OV_UNKNOWN;
	if (strcmp(state, "up") == 0)
		return dg_event != NULL && strcmp(dg_event, "degraded") == 0
			   ? OV_DEGRADED
			   : OV_UP;
	for (int i = 0; i < OV_NSTATES; i++)
		if (strcmp(state, ov_state_names[i]) == 0)
			return i;
	return OV_UNKNOWN;
}

static const char *
ov_col(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

static void
ov_badge(struct web_req *r, int state)
{
	char key[40];

	snprintf(key, sizeof key, "web.state.%s", ov_state_names[state]);
	strbuf_printf(
	    &r->out, "<span class=\"badge st-%s\">", ov_state_names[state]);
	strbuf_add_html(&r->out, page_t(r, key));
	strbuf_add(&r->out, "</span>");
}

static void
ov_table_head(struct web_req *r, const char *const *keys, size_t n)
{
	strbuf_add(&r->out, "<div class=\"box\"><table>\n<tr>");
	for (size_t i = 0; i < n; i++) {
		strbuf_add(&r->out, "<th>");
		strbuf_add_html(&r->out, page_t(r, keys[i]));
		strbuf_add(&r->out, "</th>");
	}
	strbuf_add(&r->out, "</tr>\n");
}

/* The local days of the uptime bar, the last one being today. */
struct ov_days {
	int64_t start[OVERVIEW_DAYS + 1]; /* start[i] to start[i + 1] */
};

static void
ov_days_init(struct ov_days *d, int64_t now)
{
	for (int i = 0; i < OVERVIEW_DAYS; i++)
		d->start[i] = page_local_midnight(now, OVERVIEW_DAYS - 1 - i);
	d->start[OVERVIEW_DAYS] = now;
}

/*
 * A device's 7-day bar: each day's uptime by the same code as xanetctl
 * uptime and the reports (interval_load_until + uptime_compute), drawn
 * by the reports' strip.
 */
static int
ov_bar(struct web_req *r, const struct ov_days *days, int64_t id,
    int64_t added_ms, const char *name, int64_t now)
{
	double v[OVERVIEW_DAYS];
	struct interval *iv;
	struct uptime u;
	size_t n;
	struct svg_strip s = {0};

	if (interval_load_until(
		r->db, id, days->start[0], now, now, &iv, &n, NULL) == -1)
		return -1;
	for (int i = 0; i < OVERVIEW_DAYS; i++) {
		int64_t a = days->start[i];
		int64_t b = i + 1 < OVERVIEW_DAYS ? days->start[i + 1] : now;

		if (b <= a ||
		    uptime_compute(iv, n, a, b, added_ms, -1, &u) == -1)
			v[i] = SVG_NONE;
		else
			v[i] = u.uptime_pct >= 0 ? u.uptime_pct : SVG_NODATA;
	}
	free(iv);
	s.values = v;
	/* One tooltip per colour, not per day: a thousand bars stay small. */
	s.labels = NULL;
	s.n = OVERVIEW_DAYS;
	s.title = name;
	s.lang = r->lang;
	s.point = r->lang == I18N_EN ? '.' : ',';
	svg_strip(&r->out, &s);
	return 0;
}

/* The devices by group into DEV, counting states into COUNTS. */
static int
ov_devices(struct web_req *r, struct strbuf *dev, int *counts, int64_t now)
{
	static const char *const cols[] = {"web.col.device", "web.col.state",
	    "web.col.since", "web.col.uptime7"};
	struct ov_days days;
	struct strbuf tmp = r->out;
	sqlite3_stmt *st;
	char *group = NULL;
	bool first = true;
	int rc, n = 0;

	if (sqlite3_prepare_v2(r->db, overview_sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		log_err("web: overview: %s", sqlite3_errmsg(r->db));
		return -1;
	}
	ov_days_init(&days, now);
	/* Build into DEV with the helpers that write to r->out. */
	r->out = *dev;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *grp = ov_col(st, 2);
		int state = ov_state(ov_col(st, 3), ov_col(st, 5));

		counts[state]++;
		n++;
		if (first || (grp == NULL) != (group == NULL) ||
		    (grp != NULL && strcmp(grp, group) != 0)) {
			if (!first)
				strbuf_add(&r->out, "</table></div>\n");
			first = false;
			free(group);
			group = grp != NULL ? xstrdup(grp) : NULL;
			strbuf_add(&r->out, "<h3>");
			strbuf_add_html(&r->out,
			    grp != NULL ? grp : page_t(r, "web.group.none"));
			strbuf_add(&r->out, "</h3>\n");
			ov_table_head(r, cols, sizeof cols / sizeof cols[0]);
		}
		/* data-state: the stored state (degraded is an alert). */
		strbuf_add(&r->out, "<tr data-test=\"device-");
		strbuf_add_html(&r->out, ov_col(st, 0));
		strbuf_add(&r->out, "\" data-state=\"");
		strbuf_add_html(
		    &r->out, ov_col(st, 3) != NULL ? ov_col(st, 3) : "unknown");
		strbuf_add(&r->out, "\"><td><a href=\"/devices/");
		strbuf_add_html(&r->out, ov_col(st, 0));
		strbuf_add(&r->out, "\">");
		strbuf_add_html(&r->out, ov_col(st, 1));
		strbuf_add(&r->out, "</a> <small>");
		strbuf_add_html(&r->out, ov_col(st, 0));
		strbuf_add(&r->out, "</small></td><td>");
		ov_badge(r, state);
		strbuf_add(&r->out, "</td><td>");
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			page_duration(
			    &r->out, r, now - sqlite3_column_int64(st, 4));
		strbuf_add(&r->out, "</td><td class=\"bar\">");
		if (ov_bar(r, &days, sqlite3_column_int64(st, 6),
			sqlite3_column_int64(st, 7), ov_col(st, 1),
			now) == -1) {
			rc = SQLITE_ERROR;
			break;
		}
		strbuf_add(&r->out, "</td></tr>\n");
	}
	if (!first)
		strbuf_add(&r->out, "</table></div>\n");
	free(group);
	*dev = r->out;
	r->out = tmp;
	if (rc != SQLITE_DONE)
		log_err("web: overview: %s", sqlite3_errmsg(r->db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}

static int
ov_alerts(struct web_req *r)
{
	static const char *const cols[] = {"web.col.time", "web.col.device",
	    "web.col.event", "web.col.details"};
	sqlite3_stmt *st;
	int rc, n = 0;

	if (sqlite3_prepare_v2(r->db, alerts_sql, -1, &st, NULL) != SQLITE_OK) {
		log_err("web: overview alerts: %s", sqlite3_errmsg(r->db));
		return -1;
	}
	sqlite3_bind_int(st, 1, OVERVIEW_ALERTS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == 0)
			ov_table_head(r, cols, sizeof cols / sizeof cols[0]);
		strbuf_add(&r->out, "<tr><td>");
		page_time(&r->out, sqlite3_column_int64(st, 0));
		strbuf_add(&r->out, "</td><td>");
		strbuf_add_html(
		    &r->out, ov_col(st, 3) != NULL ? ov_col(st, 3) : "xanetd");
		strbuf_add(&r->out, "</td><td>");
		strbuf_add_html(&r->out, ov_col(st, 2));
		strbuf_add(&r->out, "</td><td>");
		strbuf_add_html(&r->out, ov_col(st, 4));
		strbuf_add(&r->out, "</td></tr>\n");
	}
	if (n > 0)
		strbuf_add(&r->out, "</table></div>\n");
	else {
		strbuf_add(&r->out, "<p>");
		strbuf_add_html(&r->out, page_t(r, "web.alerts.none"));
		strbuf_add(&r->out, "</p>\n");
	}
	if (rc != SQLITE_DONE)
		log_err("web: overview alerts: %s", sqlite3_errmsg(r->db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
page_overview(struct web_req *r)
{
	struct strbuf dev = {0};
	int counts[OV_NSTATES] = {0}, n;
	char key[40];

	if ((n = ov_devices(r, &dev, counts, time_wall_ms())) == -1) {
		strbuf_free(&dev);
		return -1;
	}
	page_begin(r, page_t(r, "web.overview.title"));
	/* What refresh.js replaces every 30 s. */
	strbuf_add(&r->out, "<div data-refresh>\n<div class=\"counts\">\n");
	for (int i = 0; i < OV_NSTATES; i++) {
		/* The four the officer looks for; the rare two when present. */
		if (i > OV_UNKNOWN && counts[i] == 0)
			continue;
		snprintf(key, sizeof key, "web.state.%s", ov_state_names[i]);
		strbuf_printf(&r->out,
		    "<div class=\"count st-%s\" id=\"count-%s\"><b>%d</b>",
		    ov_state_names[i], ov_state_names[i], counts[i]);
		strbuf_add_html(&r->out, page_t(r, key));
		strbuf_add(&r->out, "</div>\n");
	}
	strbuf_add(&r->out, "</div>\n<h2>");
	strbuf_add_html(&r->out, page_t(r, "web.overview.devices"));
	strbuf_add(&r->out, "</h2>\n");
	if (n == 0) {
		strbuf_add(&r->out, "<p>");
		strbuf_add_html(&r->out, page_t(r, "web.overview.nodevices"));
		strbuf_add(&r->out, "</p>\n");
	} else if (dev.s != NULL)
		strbuf_addn(&r->out, dev.s, dev.len);
	strbuf_free(&dev);
	strbuf_add(&r->out, "<h2>");
	strbuf_add_html(&r->out, page_t(r, "web.overview.alerts"));
	strbuf_add(&r->out, "</h2>\n");
	if (ov_alerts(r) == -1)
		return -1;
	strbuf_add(&r->out, "</div>\n<script src=\"/static/refresh.js\" "
			    "defer></script>\n");
	page_end(r);
	return 0;
}
